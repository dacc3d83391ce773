// Micro-benchmarks of the import path: the journal work done for every created record, whole
// imports of generated invoices files into a fresh SQLite database (in $TMPDIR, or /tmp), and the
// floor under them: the same number of rows written by SQLite alone into squeaky's schema.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
BENCHMARK(BM_ImportInvoices)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

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

// SQLite alone, writing what an import of `rows` new invoices writes: one row in invoices and one
// in the journal per invoice, in one transaction, on a database squeaky created (so its schema,
// page size and journal mode), with the connection settings the store uses (and, in this process,
// the page cache region open_sqlite_store gives SQLite). No CSV, no checks,
// no JSON, no hashing: values of the usual sizes are bound as they are. Whatever the import
// costs above this is squeaky's; this much is SQLite's on this machine.
void BM_SqliteInsertFloor(benchmark::State& state) {
  const int64_t rows = state.range(0);
  const std::string db = (scratch().dir() / "floor.db").string();
  const FixedClock clock;
  const std::string payload =
      R"({"amount":"118.00","currency":"USD","customer_id":"C09523","description":"","due_date":"2025-04-30",)"
      R"("id":"INV-100005","issue_date":"2025-03-31","reference":"PO-57260"})";
  const std::string hash(64, 'a');
  const auto fail = [&state](const char* what, sqlite3* h) {
    state.SkipWithError((std::string(what) + ": " + (h != nullptr ? sqlite3_errmsg(h) : "")).c_str());
  };
  // One bound value per column, by the column's name; unknown columns get an empty text.
  const auto bind_column = [&](sqlite3_stmt* stmt, int index, const std::string& column, int64_t n) {
    char text[48];
    if (column == "seq" || column == "amount") return sqlite3_bind_int64(stmt, index, column == "seq" ? n + 1 : 11800);
    if (column == "id")
      std::snprintf(text, sizeof text, "INV-%lld", static_cast<long long>(100000 + n));
    else if (column == "customer_id")
      std::snprintf(text, sizeof text, "C%05lld", static_cast<long long>((n * 7919) % 10000));
    else if (column == "actor")
      std::snprintf(text, sizeof text, "import invoices.csv:%lld", static_cast<long long>(n + 2));
    else if (column == "issue_date")
      std::snprintf(text, sizeof text, "2025-03-31");
    else if (column == "due_date")
      std::snprintf(text, sizeof text, "2025-04-30");
    else if (column == "at")
      std::snprintf(text, sizeof text, "2026-03-31T00:00:00Z");
    else if (column == "currency")
      std::snprintf(text, sizeof text, "USD");
    else if (column == "reference")
      std::snprintf(text, sizeof text, "PO-57260");
    else if (column == "kind")
      std::snprintf(text, sizeof text, "invoice.created");
    else if (column == "payload")
      return sqlite3_bind_text(stmt, index, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    else if (column == "hash" || column == "prev_hash")
      return sqlite3_bind_text(stmt, index, hash.data(), 64, SQLITE_STATIC);
    else
      text[0] = '\0';
    return sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
  };
  for (auto _ : state) {
    state.PauseTiming();
    scratch().remove_database(db);
    if (!open_sqlite_store(db, clock, OpenMode::kCreateIfMissing)) {
      state.SkipWithError("could not create the database");
      break;
    }
    state.ResumeTiming();
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK ||
        sqlite3_exec(h, "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY", nullptr,
                     nullptr, nullptr) != SQLITE_OK) {
      fail("open", h);
      sqlite3_close_v2(h);
      break;
    }
    // INSERT INTO table (every column without a default) VALUES (?, ...).
    struct Insert {
      sqlite3_stmt* stmt = nullptr;
      std::vector<std::string> columns;
    };
    Insert inserts[2];
    const char* tables[2] = {"invoices", "journal"};
    bool ok = sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    for (int t = 0; ok && t < 2; ++t) {
      sqlite3_stmt* info = nullptr;
      ok =
          sqlite3_prepare_v2(
              h,
              (std::string("SELECT name, \"notnull\", dflt_value FROM pragma_table_info('") + tables[t] + "')").c_str(),
              -1, &info, nullptr) == SQLITE_OK;
      std::string names;
      std::string marks;
      while (ok && sqlite3_step(info) == SQLITE_ROW) {
        if (sqlite3_column_type(info, 2) != SQLITE_NULL) continue;  // a column with a default keeps it
        inserts[t].columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(info, 0)));
        names += (names.empty() ? "" : ", ") + inserts[t].columns.back();
        marks += marks.empty() ? "?" : ", ?";
      }
      sqlite3_finalize(info);
      ok = ok && sqlite3_prepare_v2(
                     h, (std::string("INSERT INTO ") + tables[t] + " (" + names + ") VALUES (" + marks + ")").c_str(),
                     -1, &inserts[t].stmt, nullptr) == SQLITE_OK;
    }
    for (int64_t n = 0; ok && n < rows; ++n) {
      for (Insert& insert : inserts) {
        for (size_t c = 0; c < insert.columns.size(); ++c)
          bind_column(insert.stmt, static_cast<int>(c + 1), insert.columns[c], n);
        ok = sqlite3_step(insert.stmt) == SQLITE_DONE;
        sqlite3_reset(insert.stmt);
      }
    }
    for (Insert& insert : inserts) sqlite3_finalize(insert.stmt);
    ok = ok && sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    if (!ok) fail("insert", h);
    sqlite3_close_v2(h);
    if (!ok) break;
  }
  state.SetItemsProcessed(state.iterations() * rows);
  scratch().remove_database(db);
}
BENCHMARK(BM_SqliteInsertFloor)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace squeaky
