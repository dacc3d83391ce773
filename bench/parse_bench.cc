// Micro-benchmarks of the parsers every imported row goes through: amounts, dates, the CSV reader
// and the invoice row parser.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "io/csv.h"
#include "io/ledger_csv.h"

namespace squeaky {
namespace {

void BM_MoneyParse(benchmark::State& state) {
  const Currency usd = *Currency::from_code("USD");
  constexpr std::array<std::string_view, 4> kAmounts{"1234.50", "7.5", "250000", "-0.01"};
  size_t i = 0;
  for (auto _ : state) {
    auto m = Money::parse(kAmounts[i++ & 3], usd);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MoneyParse);

void BM_MoneyToString(benchmark::State& state) {
  const Money m = Money::from_minor(123450, *Currency::from_code("USD"));
  for (auto _ : state) {
    std::string s = m.to_string();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MoneyToString);

void BM_DateParse(benchmark::State& state) {
  constexpr std::array<std::string_view, 4> kDates{"2026-03-31", "2024-02-29", "1999-12-31", "2026-01-01"};
  size_t i = 0;
  for (auto _ : state) {
    auto d = Date::parse(kDates[i++ & 3]);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DateParse);

void BM_DateToString(benchmark::State& state) {
  const Date d = Date::from_ymd(2026, 3, 31);
  for (auto _ : state) {
    std::string s = d.to_string();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DateToString);

// An invoices file of `rows` rows shaped like the generator's; with `quoted`, one row in ten has a
// quoted description.
std::string invoices_csv(size_t rows, bool quoted = true) {
  std::string text = "id,customer_id,issue_date,due_date,amount,currency,reference,description\n";
  for (size_t n = 0; n < rows; ++n) {
    const std::string id = std::to_string(100000 + n);
    text += "INV-" + id + ",C" + std::to_string(1000 + n % 9000) + ",2026-01-" + std::to_string(10 + n % 19) +
            ",2026-02-" + std::to_string(10 + n % 19) + "," + std::to_string(100 + n % 99991) + "." +
            std::to_string(10 + n % 90) + ",USD,PO-" + id;
    text += quoted && n % 10 == 0 ? ",\"Bread, rolls and \"\"cake\"\"\"\n" : ",\n";
  }
  return text;
}

void BM_CsvReader(benchmark::State& state) {
  const std::string text = invoices_csv(static_cast<size_t>(state.range(0)));
  size_t records = 0;
  for (auto _ : state) {
    CsvReader reader(text);
    CsvRecord record;
    while (reader.next(record)) ++records;
    benchmark::DoNotOptimize(records);
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_CsvReader)->Arg(10000);

void BM_CheckUtf8(benchmark::State& state) {
  const std::string text = invoices_csv(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Status s = check_utf8(text);
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_CheckUtf8)->Arg(10000);

void BM_ParseInvoiceRow(benchmark::State& state) {
  const std::string text = invoices_csv(1000, /*quoted=*/false);
  CsvReader reader(text);
  CsvRecord record;
  (void)reader.next(record);
  const LedgerCsvHeader header = *LedgerCsvHeader::read(RecordKind::kInvoices, record);
  std::vector<CsvRecord> rows;
  while (reader.next(record)) rows.push_back(record);  // the fields point into `text`, not the reader
  std::vector<RowError> errors;
  size_t i = 0;
  for (auto _ : state) {
    auto invoice = parse_invoice_row(header, rows[i++ % rows.size()], errors);
    benchmark::DoNotOptimize(invoice);
  }
  if (!errors.empty()) state.SkipWithError(errors.front().message.c_str());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseInvoiceRow);

}  // namespace
}  // namespace squeaky
