// Micro-benchmarks of the import path: the journal work done for every created record, and whole
// imports of generated invoices files into a fresh SQLite database (in $TMPDIR, or /tmp).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "app/generate.h"
#include "app/import.h"
#include "store/journal.h"
#include "store/record_fields.h"
#include "store/sqlite_store.h"

namespace squeaky {
namespace {

class FixedClock final : public Clock {
 public:
  Timestamp now() const override { return Timestamp(std::chrono::sys_days{Date::from_ymd(2026, 3, 31).days()}); }
};

Invoice sample_invoice() {
  Invoice invoice;
  invoice.id = "INV-100005";
  invoice.customer_id = "C09523";
  invoice.issue_date = Date::from_ymd(2025, 3, 31);
  invoice.due_date = Date::from_ymd(2025, 4, 30);
  invoice.amount = Money::from_minor(11800, *Currency::from_code("USD"));
  invoice.reference = "PO-57260";
  return invoice;
}

// What every created invoice costs before SQLite sees it: its fields as text, then its payload.
void BM_InvoiceCreatedPayload(benchmark::State& state) {
  const Invoice invoice = sample_invoice();
  for (auto _ : state) {
    std::string payload = created_payload(record_fields(invoice));
    benchmark::DoNotOptimize(payload);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InvoiceCreatedPayload);

void BM_JournalEntryHash(benchmark::State& state) {
  JournalEntry entry;
  entry.seq = 123456;
  entry.at = FixedClock().now();
  entry.actor = "import data/invoices.csv:123457";
  entry.kind = "invoice.created";
  entry.payload = created_payload(record_fields(sample_invoice()));
  entry.prev_hash = std::string(kGenesisHash);
  for (auto _ : state) {
    std::string hash = journal_entry_hash(entry);
    benchmark::DoNotOptimize(hash);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JournalEntryHash);

// A scratch directory with generated ledgers, removed when the benchmarks end.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/squeaky-bench.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::filesystem::path& dir() const { return dir_; }

  // The directory of a generated ledger with `invoices` invoices and a customer per ten.
  std::string ledger(size_t invoices) {
    const std::filesystem::path path = dir_ / ("ledger-" + std::to_string(invoices));
    if (!std::filesystem::exists(path)) {
      GenerateOptions options;
      options.customers = std::max<size_t>(invoices / 10, 1);
      options.invoices = invoices;
      options.seed = 1;
      options.as_of = Date::from_ymd(2026, 3, 31);
      if (!generate_ledger_csv(options, path.string())) std::abort();
    }
    return path.string();
  }
  void remove_database(const std::string& db) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }

 private:
  std::filesystem::path dir_;
};

Scratch& scratch() {
  static Scratch s;
  return s;
}

// Imports the customers, then times the import of the invoices into that fresh database, closing
// included (closing checkpoints the write-ahead log into the database file).
void BM_ImportInvoices(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  const std::string dir = scratch().ledger(rows);
  const std::string db = (scratch().dir() / "import.db").string();
  const FixedClock clock;
  for (auto _ : state) {
    state.PauseTiming();
    scratch().remove_database(db);
    auto store = open_sqlite_store(db, clock, OpenMode::kCreateIfMissing);
    if (!store || !import_csv(**store, RecordKind::kCustomers, dir + "/customers.csv", {})) {
      state.SkipWithError("could not import the customers");
      break;
    }
    state.ResumeTiming();
    auto report = import_csv(**store, RecordKind::kInvoices, dir + "/invoices.csv", {});
    store->reset();
    if (!report || report->created != rows) {
      state.SkipWithError("the invoices were not all created");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  scratch().remove_database(db);
}
BENCHMARK(BM_ImportInvoices)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Imports the same invoices file again: every row is read, checked and compared, none written.
void BM_ReimportUnchangedInvoices(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  const std::string dir = scratch().ledger(rows);
  const std::string db = (scratch().dir() / "reimport.db").string();
  const FixedClock clock;
  scratch().remove_database(db);
  {
    auto store = open_sqlite_store(db, clock, OpenMode::kCreateIfMissing);
    if (!store || !import_csv(**store, RecordKind::kCustomers, dir + "/customers.csv", {}) ||
        !import_csv(**store, RecordKind::kInvoices, dir + "/invoices.csv", {})) {
      state.SkipWithError("could not import the ledger");
      return;
    }
  }
  for (auto _ : state) {
    auto store = open_sqlite_store(db, clock, OpenMode::kMustExist);
    auto report = store ? import_csv(**store, RecordKind::kInvoices, dir + "/invoices.csv", {})
                        : Result<ImportReport>(store.status());
    if (!report || report->unchanged != rows) {
      state.SkipWithError("the invoices were not all unchanged");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  scratch().remove_database(db);
}
BENCHMARK(BM_ReimportUnchangedInvoices)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace squeaky
