#include "app/import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/record_fields.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;

constexpr const char* kCustomers =
    "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
    "C1,Acme Roofing LLC,business,ap@acme.example,+1 512 555 0100,US,TX,America/Chicago,USD,5000.00\n"
    "C2,Müller GmbH,business,buchhaltung@mueller.example,,DE,,Europe/Berlin,EUR,\n"
    "C3,Sakura Trading KK,business,keiri@sakura.example,,JP,,Asia/Tokyo,JPY,\n";

constexpr const char* kInvoiceHeader = "id,customer_id,issue_date,due_date,amount,currency\n";
constexpr const char* kInvoices =
    "id,customer_id,issue_date,due_date,amount,currency\n"
    "INV-1,C1,2026-01-01,2026-01-31,100.00,USD\n"
    "INV-2,C1,2026-02-01,2026-02-28,250.00,USD\n"
    "E-1,C2,2026-01-01,2026-01-31,200.00,EUR\n";

// Everything the ledger holds, as the journal would show it: equal dumps mean nothing changed.
std::string ledger_dump(Store& store) {
  std::string out;
  Status s = store.for_each_customer_ledger([&out](const CustomerLedger& ledger) {
    out += created_payload(record_fields(ledger.customer)) + "\n";
    for (const Invoice& i : ledger.invoices) out += created_payload(record_fields(i)) + "\n";
    for (const Payment& p : ledger.payments) out += created_payload(record_fields(p)) + "\n";
    for (const Credit& c : ledger.credits) out += created_payload(record_fields(c)) + "\n";
    return Status::ok();
  });
  EXPECT_TRUE(s.is_ok()) << s.message();
  return out;
}

std::vector<JournalEntry> journal(Store& store) {
  std::vector<JournalEntry> entries;
  Status s = store.for_each_journal_entry([&entries](const JournalEntry& e) {
    entries.push_back(e);
    return Status::ok();
  });
  EXPECT_TRUE(s.is_ok()) << s.message();
  return entries;
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("import");
    auto store = testing::open_test_store((dir_ / "squeaky.db").string(), clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Writes `contents` to dir_/name and returns the file's path.
  std::string file(const std::string& name, const std::string& contents) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  ImportReport import(RecordKind kind, const std::string& path, bool dry_run = false) {
    ImportOptions options;
    options.dry_run = dry_run;
    auto report = import_csv(*store_, kind, path, options);
    EXPECT_TRUE(report) << report.status().message();
    return report ? *report : ImportReport{};
  }

  // Imports the three customers and three invoices: journal entries 1..6.
  void fill() {
    ImportReport customers = import(RecordKind::kCustomers, file("customers.csv", kCustomers));
    ASSERT_TRUE(customers.errors.empty()) << customers.errors.front();
    ImportReport invoices = import(RecordKind::kInvoices, file("invoices.csv", kInvoices));
    ASSERT_TRUE(invoices.errors.empty()) << invoices.errors.front();
  }

  // The journal's head and every record as they stand, to show later that nothing changed.
  struct Ledger {
    JournalHead head;
    std::string records;
  };
  Ledger ledger_now() { return {head(), ledger_dump(*store_)}; }
  void expect_unchanged(const Ledger& before) {
    EXPECT_EQ(head().seq, before.head.seq);
    EXPECT_EQ(head().hash, before.head.hash);
    EXPECT_EQ(ledger_dump(*store_), before.records);
  }

  JournalHead head() {
    auto h = store_->journal_head();
    EXPECT_TRUE(h) << h.status().message();
    return h ? *h : JournalHead{};
  }

  FixedClock clock_{"2026-04-01T09:00:00Z"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportTest, NewRowsAreCreatedAndJournaledWithFileAndLine) {
  const std::string customers = file("customers.csv", kCustomers);
  ImportReport report = import(RecordKind::kCustomers, customers);
  EXPECT_EQ(report.rows, 3u);
  EXPECT_EQ(report.created, 3u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_EQ(report.unchanged, 0u);
  EXPECT_TRUE(report.written);
  EXPECT_TRUE(report.errors.empty());

  const std::string invoices = file("invoices.csv", kInvoices);
  report = import(RecordKind::kInvoices, invoices);
  EXPECT_EQ(report.created, 3u);
  EXPECT_TRUE(report.written);

  const std::vector<JournalEntry> entries = journal(*store_);
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].actor, "import " + customers + ":2");
  EXPECT_EQ(entries[0].kind, "customer.created");
  EXPECT_EQ(entries[4].actor, "import " + invoices + ":3");
  EXPECT_EQ(entries[4].kind, "invoice.created");
  EXPECT_EQ(entries[4].payload,
            R"({"amount":"250.00","currency":"USD","customer_id":"C1","description":"","due_date":"2026-02-28",)"
            R"("id":"INV-2","issue_date":"2026-02-01","reference":""})");
  EXPECT_EQ(entries[4].at.to_string(), "2026-04-01T09:00:00Z");
  EXPECT_EQ(head().seq, 6);
  EXPECT_EQ(head().hash, entries[5].hash);
}

TEST_F(ImportTest, ImportingTheSameFilesAgainChangesNothing) {
  fill();
  const Ledger before = ledger_now();

  ImportReport customers = import(RecordKind::kCustomers, file("customers.csv", kCustomers));
  EXPECT_EQ(customers.created, 0u);
  EXPECT_EQ(customers.updated, 0u);
  EXPECT_EQ(customers.unchanged, 3u);
  ImportReport invoices = import(RecordKind::kInvoices, file("invoices.csv", kInvoices));
  EXPECT_EQ(invoices.rows, 3u);
  EXPECT_EQ(invoices.created, 0u);
  EXPECT_EQ(invoices.updated, 0u);
  EXPECT_EQ(invoices.unchanged, 3u);
  EXPECT_TRUE(invoices.errors.empty());

  expect_unchanged(before);
}

TEST_F(ImportTest, AChangedRowIsUpdatedAndJournaledWithOldAndNewValues) {
  fill();
  const std::string path = file("invoices-april.csv", std::string(kInvoiceHeader) +
                                                          "INV-1,C1,2026-01-01,2026-01-31,100.00,USD\n"
                                                          "INV-2,C1,2026-02-01,2026-02-28,275.00,USD\n"
                                                          "E-1,C2,2026-01-01,2026-01-31,200.00,EUR\n");
  ImportReport report = import(RecordKind::kInvoices, path);
  EXPECT_EQ(report.created, 0u);
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(report.unchanged, 2u);
  EXPECT_TRUE(report.written);

  const std::vector<JournalEntry> entries = journal(*store_);
  ASSERT_EQ(entries.size(), 7u);
  const JournalEntry& update = entries.back();
  EXPECT_EQ(update.seq, 7);
  EXPECT_EQ(update.actor, "import " + path + ":3");
  EXPECT_EQ(update.kind, "invoice.updated");
  EXPECT_EQ(update.payload, R"({"changes":{"amount":["250.00","275.00"]},"id":"INV-2"})");
  EXPECT_EQ(update.prev_hash, entries[5].hash);
  EXPECT_EQ(journal_entry_hash(update), update.hash);

  auto ledger = store_->customer_ledger("C1");
  ASSERT_TRUE(ledger && *ledger);
  for (const Invoice& i : (*ledger)->invoices) {
    if (i.id == "INV-2") {
      EXPECT_EQ(i.amount.to_string(), "275.00");
    }
  }

  // The same file again: nothing more.
  report = import(RecordKind::kInvoices, path);
  EXPECT_EQ(report.created, 0u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_EQ(head().seq, 7);
}

TEST_F(ImportTest, SeveralChangedFieldsAreNamedInOneEntry) {
  fill();
  const std::string path = file("customers-april.csv",
                                "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
                                "C1,Acme Roofing LLC,business,ar@acme.example;ap@acme.example,+1 512 555 0100,US,TX,"
                                "America/Chicago,USD,7500.00\n");
  ImportReport report = import(RecordKind::kCustomers, path);
  EXPECT_EQ(report.updated, 1u);
  const std::vector<JournalEntry> entries = journal(*store_);
  ASSERT_EQ(entries.size(), 7u);
  EXPECT_EQ(entries.back().kind, "customer.updated");
  EXPECT_EQ(entries.back().actor, "import " + path + ":2");
  EXPECT_EQ(entries.back().payload, R"({"changes":{"credit_limit":["5000.00","7500.00"],)"
                                    R"("email":["ap@acme.example","ar@acme.example;ap@acme.example"]},"id":"C1"})");
}

TEST_F(ImportTest, ARejectedFileChangesNothingAndListsEveryBadRowInLineOrder) {
  fill();
  const Ledger before = ledger_now();
  // A new invoice (line 2) and a changed one (line 3) are good; the rest are not.
  const std::string path = file("several.csv", std::string(kInvoiceHeader) +
                                                   "INV-3,C1,2026-03-01,2026-03-31,30.00,USD\n"
                                                   "INV-2,C1,2026-02-01,2026-02-28,275.00,USD\n"
                                                   "INV-4,C1,2026-02-30,2026-03-31,40.00,USD\n"
                                                   "INV-5,C999,2026-03-01,2026-03-31,50.00,USD\n"
                                                   "INV-3,C1,2026-03-01,2026-03-31,30.00,USD\n"
                                                   "INV-6,C1,2026/03/01,2026-03-31,1e3,usd\n"
                                                   "INV-7,C2,2026-03-01,2026-03-31,70.00,USD\n"
                                                   "INV-8,C1,2026-03-01,2026-03-31,-8.00,USD\n");
  ImportReport report = import(RecordKind::kInvoices, path);
  const std::vector<std::string> expected = {
      path + ":4: column 'issue_date': '2026-02-30' is not a date",
      path + ":5: column 'customer_id': 'C999' is not a known customer (import it with the customers first)",
      path + ":6: column 'id': 'INV-3' appears again (first on line 2)",
      path + ":7: column 'issue_date': '2026/03/01' is not a date (write YYYY-MM-DD)",
      path + ":7: column 'currency': 'usd' is not an ISO 4217 currency code",
      path + ":8: column 'currency': 'USD' differs from customer C2's currency EUR",
      path + ":9: column 'amount': '-8.00' is negative",
  };
  EXPECT_EQ(report.errors, expected);
  EXPECT_EQ(report.rows, 8u);
  EXPECT_EQ(report.created, 0u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_EQ(report.unchanged, 0u);
  EXPECT_FALSE(report.written);

  expect_unchanged(before);
  EXPECT_EQ(journal(*store_).size(), 6u);
}

TEST_F(ImportTest, ALargeFileReadsEveryCustomerOnceAndSaysTheSame) {
  // Past 64 KiB the importer reads every customer's currency up front instead of asking for each;
  // the messages do not change.
  fill();
  std::string rows = kInvoiceHeader;
  for (int i = 0; i < 1500; ++i) rows += "BULK-" + std::to_string(i) + ",C1,2026-03-01,2026-03-31,10.00,USD\n";
  rows += "BULK-X,C999,2026-03-01,2026-03-31,50.00,USD\nBULK-Y,C2,2026-03-01,2026-03-31,70.00,USD\n";
  ASSERT_GT(rows.size(), 64u * 1024);
  const std::string path = file("large.csv", rows);
  ImportReport report = import(RecordKind::kInvoices, path);
  const std::vector<std::string> expected = {
      path + ":1502: column 'customer_id': 'C999' is not a known customer (import it with the customers first)",
      path + ":1503: column 'currency': 'USD' differs from customer C2's currency EUR",
  };
  EXPECT_EQ(report.errors, expected);
  EXPECT_FALSE(report.written);
}

TEST_F(ImportTest, ALargeFileListsTheBadRowsOfBothCheckingStagesInLineOrder) {
  // A large file is read and checked on one thread while the rows are checked against the stored
  // invoices and written on another, a few thousand rows at a time. The bad rows of both, in
  // different batches and side by side, still come out in the order of the file.
  fill();
  const Ledger before = ledger_now();
  std::string rows = "id,customer_id,date,amount,currency,invoice_id\n";
  const auto good = [&rows](int n) { rows += "P-" + std::to_string(n) + ",C1,2026-03-01,1.00,USD,INV-1\n"; };
  for (int i = 0; i < 2500; ++i) good(i);           // lines 2-2501
  rows += "P-X1,C1,2026-03-01,1.00,USD,INV-404\n";  // 2502: no such invoice (second stage)
  rows += "P-X2,C1,2026-03-01,1.00,USD,E-1\n";      // 2503: another customer's (second stage)
  rows += "P-X3,C1,2026-02-30,1.00,USD,\n";         // 2504: not a date (first stage)
  for (int i = 2500; i < 5000; ++i) good(i);        // lines 2505-5004
  rows += "P-7,C9,2026-03-01,1.00,USD,\n";          // 5005: appears again, unknown customer
  rows += "P-X4,C1,2026-03-01,1.00,USD,INV-405\n";  // 5006: no such invoice
  ASSERT_GT(rows.size(), 64u * 1024);
  const std::string path = file("payments.csv", rows);
  ImportReport report = import(RecordKind::kPayments, path);
  const std::vector<std::string> expected = {
      path + ":2502: column 'invoice_id': 'INV-404' is not a known invoice",
      path + ":2503: column 'invoice_id': 'E-1' belongs to customer C2, not C1",
      path + ":2504: column 'date': '2026-02-30' is not a date",
      path + ":5005: column 'id': 'P-7' appears again (first on line 9)",
      path + ":5005: column 'customer_id': 'C9' is not a known customer (import it with the customers first)",
      path + ":5006: column 'invoice_id': 'INV-405' is not a known invoice",
  };
  EXPECT_EQ(report.errors, expected);
  EXPECT_EQ(report.rows, 5005u);
  EXPECT_EQ(report.created, 0u);
  EXPECT_FALSE(report.written);
  expect_unchanged(before);
}

TEST_F(ImportTest, ALargeGoodFileIsWrittenRowByRowInFileOrderAndReportsItsProgress) {
  fill();
  const JournalHead before = head();
  std::string rows = "id,customer_id,date,amount,currency,invoice_id\n";
  for (int i = 0; i < 5000; ++i)
    rows += "P-" + std::to_string(i) + ",C" + (i % 2 == 0 ? "1" : "2") + ",2026-03-01,1.00," +
            (i % 2 == 0 ? "USD,INV-1" : "EUR,E-1") + "\n";
  const std::string path = file("payments.csv", rows);
  ImportOptions options;
  std::vector<size_t> progress_rows;
  size_t last_done = 0;
  options.progress = [&](size_t done, size_t total, size_t rows_read) {
    EXPECT_GE(done, last_done);
    EXPECT_EQ(total, rows.size());
    last_done = done;
    progress_rows.push_back(rows_read);
  };
  auto report = import_csv(*store_, RecordKind::kPayments, path, options);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_TRUE(report->errors.empty());
  EXPECT_EQ(report->rows, 5000u);
  EXPECT_EQ(report->created, 5000u);
  EXPECT_TRUE(report->written);
  EXPECT_EQ(progress_rows, std::vector<size_t>{5000});  // fewer than 65,536 rows: only the end
  EXPECT_EQ(last_done, rows.size());

  const std::vector<JournalEntry> entries = journal(*store_);
  ASSERT_EQ(entries.size(), before.seq + 5000);
  for (size_t i = 0; i < 5000; ++i) {
    const JournalEntry& e = entries[before.seq + i];
    ASSERT_EQ(e.actor, "import " + path + ":" + std::to_string(i + 2));
    ASSERT_EQ(e.customer_id, i % 2 == 0 ? "C1" : "C2");
  }
  report = import_csv(*store_, RecordKind::kPayments, path, options);
  ASSERT_TRUE(report) << report.status().message();
  EXPECT_EQ(report->unchanged, 5000u);
  EXPECT_EQ(head().seq, before.seq + 5000);
}

TEST_F(ImportTest, AStoreFailurePartWayThroughALargeFileStopsTheReadingAndChangesNothing) {
  fill();
  const Ledger before = ledger_now();
  // The database refuses one row thousands of rows in, while the file is still being read.
  const std::string db = (dir_ / "squeaky.db").string();
  if (testing::backend_from_env() == testing::Backend::kSqlite) {
    ASSERT_TRUE(testing::sqlite_exec(db,
                                     "CREATE TRIGGER refuse BEFORE INSERT ON payments WHEN NEW.id = 'P-3000' "
                                     "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
                    .is_ok());
  } else {
    auto url = testing::test_store_location(db);
    ASSERT_TRUE(url) << url.status().message();
    ASSERT_TRUE(testing::postgres_exec(*url,
                                       "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                       "IF NEW.id = 'P-3000' THEN RAISE EXCEPTION 'disk on fire'; END IF; "
                                       "RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON payments "
                                       "FOR EACH ROW EXECUTE FUNCTION refuse()")
                    .is_ok());
  }
  std::string rows = "id,customer_id,date,amount,currency\n";
  for (int i = 0; i < 40000; ++i) rows += "P-" + std::to_string(i) + ",C1,2026-03-01,1.00,USD\n";
  const std::string path = file("payments.csv", rows);
  auto report = import_csv(*store_, RecordKind::kPayments, path, {});
  ASSERT_FALSE(report);
  EXPECT_NE(report.status().message().find("disk on fire"), std::string::npos) << report.status().message();
  expect_unchanged(before);
}

TEST_F(ImportTest, DryRunChecksEverythingAndWritesNothing) {
  fill();
  const Ledger before = ledger_now();
  const std::string path = file("good.csv", std::string(kInvoiceHeader) +
                                                "INV-3,C1,2026-03-01,2026-03-31,30.00,USD\n"
                                                "INV-2,C1,2026-02-01,2026-02-28,275.00,USD\n"
                                                "INV-1,C1,2026-01-01,2026-01-31,100.00,USD\n");
  ImportReport report = import(RecordKind::kInvoices, path, /*dry_run=*/true);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.created, 1u);
  EXPECT_EQ(report.updated, 1u);
  EXPECT_EQ(report.unchanged, 1u);
  EXPECT_FALSE(report.written);
  expect_unchanged(before);

  const std::string bad = file("bad.csv", std::string(kInvoiceHeader) + "INV-3,C1,2026-03-01,2026-03-31,0,USD\n");
  report = import(RecordKind::kInvoices, bad, /*dry_run=*/true);
  EXPECT_EQ(report.errors, std::vector<std::string>{bad + ":2: column 'amount': '0' is zero; an amount must be "
                                                          "more than zero"});
  EXPECT_FALSE(report.written);
  EXPECT_EQ(head().seq, before.head.seq);

  report = import(RecordKind::kInvoices, path);
  EXPECT_EQ(report.created, 1u);
  EXPECT_EQ(report.updated, 1u);
  EXPECT_TRUE(report.written);
  EXPECT_EQ(head().seq, before.head.seq + 2);
}

TEST_F(ImportTest, LinesAreThePhysicalLinesOfTheFile) {
  fill();
  // A byte order mark, CRLF line endings, a quoted field over three lines and a blank line.
  const std::string path = file("quoted.csv",
                                "\xEF\xBB\xBFid,customer_id,issue_date,due_date,amount,currency,description\r\n"
                                "INV-3,C1,2026-03-01,2026-03-31,30.00,USD,\"Rye bread, \"\"fresh\"\"\"\r\n"
                                "INV-4,C1,2026-03-01,2026-03-31,40.00,USD,\"one\r\ntwo\r\nthree\"\r\n"
                                "\r\n"
                                "INV-5,C1,2026-03-01,2026-02-28,50.00,USD,\r\n"
                                "\"INV-4\",C1,2026-03-01,2026-03-31,40.00,USD,\r\n");
  ImportReport report = import(RecordKind::kInvoices, path);
  const std::vector<std::string> expected = {
      path + ":7: column 'due_date': '2026-02-28' is before issue_date 2026-03-01",
      path + ":8: column 'id': 'INV-4' appears again (first on line 3)",
  };
  EXPECT_EQ(report.errors, expected);

  // Without the bad rows the same text is imported, quotes and line breaks intact.
  const std::string good = file("quoted-good.csv",
                                "\xEF\xBB\xBFid,customer_id,issue_date,due_date,amount,currency,description\r\n"
                                "INV-3,C1,2026-03-01,2026-03-31,30.00,USD,\"Rye bread, \"\"fresh\"\"\"\r\n"
                                "INV-4,C1,2026-03-01,2026-03-31,40.00,USD,\"one\r\ntwo\r\nthree\"\r\n");
  report = import(RecordKind::kInvoices, good);
  EXPECT_EQ(report.created, 2u);
  auto ledger = store_->customer_ledger("C1");
  ASSERT_TRUE(ledger && *ledger);
  std::vector<std::string> descriptions;
  for (const Invoice& i : (*ledger)->invoices) descriptions.push_back(i.id + "=" + i.description);
  EXPECT_EQ(descriptions,
            (std::vector<std::string>{"INV-1=", "INV-2=", "INV-3=Rye bread, \"fresh\"", "INV-4=one\r\ntwo\r\nthree"}));
}

TEST_F(ImportTest, BadRowsBeforeBrokenQuotingAreStillListed) {
  fill();
  const JournalHead before = head();
  const std::string path = file("broken.csv", std::string(kInvoiceHeader) +
                                                  "INV-3,C1,2026-03-01,2026-03-31,30.00,USD\n"
                                                  "INV-4,C1,2026-03-01,2026-02-31,40.00,USD\n"
                                                  "INV-5,C1,2026-03-01,2026-03-31,\"50.00,USD\n"
                                                  "INV-6,C1,2026-03-01,2026-03-31,60.00,USD\n");
  ImportReport report = import(RecordKind::kInvoices, path);
  const std::vector<std::string> expected = {
      path + ":3: column 'due_date': '2026-02-31' is not a date",
      path + ":4: unterminated quoted field",
  };
  EXPECT_EQ(report.errors, expected);
  EXPECT_EQ(report.created, 0u);  // INV-3 was good, but nothing is written
  EXPECT_FALSE(report.written);
  EXPECT_EQ(head().seq, before.seq);
  EXPECT_EQ(head().hash, before.hash);
}

TEST_F(ImportTest, AFileThatCannotBeReadIsAnError) {
  auto report = import_csv(*store_, RecordKind::kInvoices, (dir_ / "missing.csv").string(), {});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.status().code(), ErrorCode::kIOError);
  EXPECT_EQ(report.status().message(),
            "cannot read " + (dir_ / "missing.csv").string() + ": No such file or directory");
}

// One importer error: a file of `kind` whose line 3 (after a good line 2) is bad.
struct BadFile {
  const char* name;
  RecordKind kind;
  std::string contents;
  const char* error;  // what follows "FILE"
};

void PrintTo(const BadFile& bad, std::ostream* os) { *os << bad.name; }

class ImportErrorTest : public ImportTest, public ::testing::WithParamInterface<BadFile> {};

TEST_P(ImportErrorTest, IsReportedExactlyAndChangesNothing) {
  fill();
  const Ledger before = ledger_now();
  const BadFile& bad = GetParam();
  const std::string path = file(std::string(bad.name) + ".csv", bad.contents);
  ImportReport report = import(bad.kind, path);
  EXPECT_EQ(report.errors, std::vector<std::string>{path + bad.error});
  EXPECT_EQ(report.created, 0u);
  EXPECT_EQ(report.updated, 0u);
  EXPECT_FALSE(report.written);
  expect_unchanged(before);
}

// Good first rows, after which each bad file below puts its bad row on line 3.
const std::string kGoodInvoice =
    "id,customer_id,issue_date,due_date,amount,currency\nINV-9,C1,2026-03-01,2026-03-31,9.00,USD\n";
const std::string kGoodCustomer =
    "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
    "C4,Birch Dental PC,business,office@birch.example,,US,NY,America/New_York,USD,\n";
const std::string kGoodPayment = "id,customer_id,date,amount,currency,invoice_id\nP-1,C1,2026-03-05,50.00,USD,INV-1\n";

INSTANTIATE_TEST_SUITE_P(
    EveryImporterError, ImportErrorTest,
    ::testing::Values(
        BadFile{"not_a_date", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-02-30,2026-03-31,10.00,USD\n",
                ":3: column 'issue_date': '2026-02-30' is not a date"},
        BadFile{"unknown_customer", RecordKind::kInvoices,
                kGoodInvoice + "INV-10,C999,2026-03-01,2026-03-31,10.00,USD\n",
                ":3: column 'customer_id': 'C999' is not a known customer (import it with the customers first)"},
        BadFile{"duplicate_id", RecordKind::kInvoices, kGoodInvoice + "INV-9,C1,2026-03-02,2026-04-01,9.50,USD\n",
                ":3: column 'id': 'INV-9' appears again (first on line 2)"},
        BadFile{"currency_mismatch", RecordKind::kInvoices,
                kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,10.00,EUR\n",
                ":3: column 'currency': 'EUR' differs from customer C1's currency USD"},
        BadFile{"negative", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,-10.00,USD\n",
                ":3: column 'amount': '-10.00' is negative"},
        BadFile{"zero", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,0.00,USD\n",
                ":3: column 'amount': '0.00' is zero; an amount must be more than zero"},
        BadFile{"due_before_issue", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-31,2026-03-01,10.00,USD\n",
                ":3: column 'due_date': '2026-03-01' is before issue_date 2026-03-31"},
        BadFile{"bad_currency", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,10.00,XYZ\n",
                ":3: column 'currency': 'XYZ' is not an ISO 4217 currency code"},
        BadFile{"three_decimals", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,12.345,USD\n",
                ":3: column 'amount': '12.345' has 3 decimal places; USD allows 2"},
        BadFile{"yen_decimals", RecordKind::kInvoices, kGoodInvoice + "J-10,C3,2026-03-01,2026-03-31,1500.5,JPY\n",
                ":3: column 'amount': '1500.5' has 1 decimal place; JPY allows 0"},
        BadFile{"exponent", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,1e3,USD\n",
                ":3: column 'amount': '1e3' is not an amount (write digits with an optional '-' and '.', as 1234.50)"},
        BadFile{"nan", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,NaN,USD\n",
                ":3: column 'amount': 'NaN' is not an amount (write digits with an optional '-' and '.', as 1234.50)"},
        BadFile{"thousands", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,\"1,234.50\",USD\n",
                ":3: column 'amount': '1,234.50' is not an amount (write digits with an optional '-' and '.', as "
                "1234.50)"},
        BadFile{"too_large", RecordKind::kInvoices,
                kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,92233720368547758.08,USD\n",
                ":3: column 'amount': '92233720368547758.08' is too large an amount"},
        BadFile{"empty_amount", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,,USD\n",
                ":3: column 'amount' is empty"},
        BadFile{"field_count", RecordKind::kInvoices, kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,10.00\n",
                ":3: has 5 fields; the header has 6"},
        BadFile{"unterminated_quote", RecordKind::kInvoices,
                kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,\"10.00,USD\n", ":3: unterminated quoted field"},
        BadFile{"text_after_quote", RecordKind::kInvoices,
                kGoodInvoice + "INV-10,C1,2026-03-01,2026-03-31,\"10\".00,USD\n",
                ":3: unexpected text after a closing quote"},
        BadFile{"not_utf8", RecordKind::kInvoices,
                "id,customer_id,issue_date,due_date,amount,currency,description\n"
                "INV-9,C1,2026-03-01,2026-03-31,9.00,USD,ok\n"
                "INV-10,C1,2026-03-01,2026-03-31,10.00,USD,Caf\xE9\n",
                ":3: byte 0xE9 at column 46 is not UTF-8 (save the file as UTF-8)"},
        BadFile{"missing_column", RecordKind::kInvoices,
                "id,customer_id,issue_date,amount,currency\nINV-10,C1,2026-03-01,10.00,USD\n",
                ":1: missing column 'due_date' (invoices files need: id,customer_id,issue_date,due_date,amount,"
                "currency)"},
        BadFile{"empty", RecordKind::kInvoices, "", ": the file is empty; the first line must name the columns"},
        BadFile{"unknown_kind", RecordKind::kCustomers,
                kGoodCustomer + "C5,Casa Rossi,household,,,IT,,Europe/Rome,EUR,\n",
                ":3: column 'kind': 'household' is not business or consumer"},
        BadFile{"bad_timezone", RecordKind::kCustomers,
                kGoodCustomer + "C5,Casa Rossi,consumer,,,IT,,Europe/Milan,EUR,\n",
                ":3: column 'timezone': 'Europe/Milan' is not an IANA time zone (as America/New_York)"},
        BadFile{"currency_change", RecordKind::kCustomers,
                kGoodCustomer + "C1,Acme Roofing LLC,business,ap@acme.example,,US,TX,America/Chicago,CAD,\n",
                ":3: column 'currency': 'CAD' differs from USD, the currency of the customer's invoices and payments; "
                "a customer's currency cannot change once it has any"},
        BadFile{"unknown_invoice", RecordKind::kPayments, kGoodPayment + "P-2,C1,2026-03-05,50.00,USD,INV-404\n",
                ":3: column 'invoice_id': 'INV-404' is not a known invoice"},
        BadFile{"other_customers_invoice", RecordKind::kPayments, kGoodPayment + "P-2,C2,2026-03-05,50.00,EUR,INV-1\n",
                ":3: column 'invoice_id': 'INV-1' belongs to customer C1, not C2"},
        BadFile{"credit_on_other_customers_invoice", RecordKind::kCredits,
                "id,customer_id,date,amount,currency,reason,invoice_id\n"
                "CR-1,C1,2026-03-05,10.00,USD,damaged,INV-1\n"
                "CR-2,C1,2026-03-05,10.00,USD,damaged,E-1\n",
                ":3: column 'invoice_id': 'E-1' belongs to customer C2, not C1"}),
    [](const ::testing::TestParamInfo<BadFile>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace squeaky
