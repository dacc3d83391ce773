#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "store/record_fields.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;

const Currency kUsd = *Currency::from_code("USD");

Customer customer(std::string id) {
  Customer c;
  c.id = std::move(id);
  c.name = "Acme Roofing LLC";
  c.country = "US";
  c.region = "TX";
  c.timezone = "America/Chicago";
  c.currency = kUsd;
  c.credit_limit = Money::zero(kUsd);
  c.contacts = {{ContactChannel::kEmail, ContactType::kWork, "ap@acme.example"},
                {ContactChannel::kPhone, ContactType::kWork, "+1 512 555 0100"}};
  return c;
}

Invoice invoice(std::string id, int64_t cents) {
  return {std::move(id), "C1", *Date::parse("2026-01-01"), *Date::parse("2026-01-31"), Money::from_minor(cents, kUsd),
          "PO-7",        ""};
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("store");
    path_ = (dir_ / "squeaky.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> open() {
    auto store = open_sqlite_store(path_, clock_, OpenMode::kCreateIfMissing);
    EXPECT_TRUE(store) << store.status().message();
    return std::move(*store);
  }

  // Writes customer C1 and three invoices: journal entries 1..4.
  void fill(Store& store) {
    auto txn = store.begin();
    ASSERT_TRUE(txn);
    ASSERT_EQ(*(*txn)->put_customer(customer("C1"), "import customers.csv:2"), WriteOutcome::kCreated);
    for (int i = 1; i <= 3; ++i) {
      ASSERT_EQ(*(*txn)->put_invoice(invoice("INV-" + std::to_string(i), i * 10000),
                                     "import invoices.csv:" + std::to_string(i + 1)),
                WriteOutcome::kCreated);
    }
    ASSERT_TRUE((*txn)->commit().is_ok());
  }

  // Runs SQL straight on the file, as someone tampering with it would.
  void tamper(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::vector<JournalEntry> journal(Store& store) {
    std::vector<JournalEntry> entries;
    EXPECT_TRUE(store
                    .for_each_journal_entry([&](const JournalEntry& e) {
                      entries.push_back(e);
                      return Status::ok();
                    })
                    .is_ok());
    return entries;
  }

  FixedClock clock_{"2026-04-01T09:00:00Z"};
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, EveryChangeIsJournaledInAHashChain) {
  auto store = open();
  fill(*store);
  const auto entries = journal(*store);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].seq, 1);
  EXPECT_EQ(entries[0].kind, "customer.created");
  EXPECT_EQ(entries[0].actor, "import customers.csv:2");
  EXPECT_EQ(entries[0].at.to_string(), "2026-04-01T09:00:00Z");
  EXPECT_EQ(entries[0].prev_hash, kGenesisHash);
  EXPECT_EQ(entries[1].payload,
            R"({"amount":"100.00","currency":"USD","customer_id":"C1","description":"","due_date":"2026-01-31",)"
            R"("id":"INV-1","issue_date":"2026-01-01","reference":"PO-7"})");
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].hash, journal_entry_hash(entries[i]));
    if (i > 0) {
      EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash);
    }
  }
  auto head = store->journal_head();
  EXPECT_EQ(head->seq, 4);
  EXPECT_EQ(head->hash, entries[3].hash);
}

TEST_F(SqliteStoreTest, SameRecordAgainChangesNothingAndAChangeIsJournaledWithBeforeAndAfter) {
  auto store = open();
  fill(*store);
  auto txn = store->begin();
  EXPECT_EQ(*(*txn)->put_invoice(invoice("INV-1", 10000), "import invoices.csv:2"), WriteOutcome::kUnchanged);
  EXPECT_EQ(*(*txn)->put_invoice(invoice("INV-2", 25000), "import invoices.csv:3"), WriteOutcome::kUpdated);
  ASSERT_TRUE((*txn)->commit().is_ok());
  const auto entries = journal(*store);
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[4].kind, "invoice.updated");
  EXPECT_EQ(entries[4].payload, R"({"changes":{"amount":["200.00","250.00"]},"id":"INV-2"})");
  auto ledger = store->customer_ledger("C1");
  ASSERT_TRUE(ledger && *ledger);
  EXPECT_EQ((*ledger)->invoices.size(), 3u);
}

TEST_F(SqliteStoreTest, ATransactionNotCommittedLeavesNoTrace) {
  auto store = open();
  fill(*store);
  {
    auto txn = store->begin();
    ASSERT_EQ(*(*txn)->put_invoice(invoice("INV-9", 900), "import x.csv:2"), WriteOutcome::kCreated);
  }
  EXPECT_EQ(journal(*store).size(), 4u);
  EXPECT_EQ(store->journal_head()->seq, 4);
  auto txn = store->begin();
  EXPECT_FALSE(*(*txn)->find_invoice("INV-9"));
}

TEST_F(SqliteStoreTest, ContactFlagsSurviveAReimportOfTheCustomer) {
  auto store = open();
  fill(*store);
  store.reset();
  tamper("UPDATE contacts SET opted_out = 1 WHERE value = 'ap@acme.example'");
  store = open();
  Customer changed = customer("C1");
  changed.name = "Acme Roofing & Sons LLC";
  auto txn = store->begin();
  EXPECT_EQ(*(*txn)->put_customer(changed, "import customers.csv:2"), WriteOutcome::kUpdated);
  ASSERT_TRUE((*txn)->commit().is_ok());
  auto ledger = store->customer_ledger("C1");
  ASSERT_TRUE(ledger && *ledger);
  EXPECT_EQ((*ledger)->customer.name, "Acme Roofing & Sons LLC");
  EXPECT_TRUE((*ledger)->customer.contacts[0].opted_out);
  EXPECT_FALSE((*ledger)->customer.contacts[1].opted_out);
}

TEST_F(SqliteStoreTest, ReopeningKeepsEverythingAndDoesNotMigrateAgain) {
  {
    auto store = open();
    fill(*store);
  }
  auto store = open();
  EXPECT_EQ(journal(*store).size(), 4u);
  auto currencies = store->customer_currencies();
  ASSERT_TRUE(currencies);
  EXPECT_EQ(currencies->at("C1"), kUsd);
}

TEST_F(SqliteStoreTest, ANewerSchemaIsRefused) {
  open();
  tamper("INSERT INTO schema_migrations VALUES (999, 'from the future')");
  auto store = open_sqlite_store(path_, clock_, OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().message(), "the database has schema version 999, newer than this squeaky understands (" +
                                          std::to_string(sqlite_schema_version()) + "); upgrade squeaky");
}

TEST_F(SqliteStoreTest, AMissingDatabaseIsNotCreatedWhenItMustExist) {
  auto store = open_sqlite_store(path_, clock_, OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteStoreTest, TamperingBreaksTheChainAtTheAlteredEntry) {
  auto store = open();
  fill(*store);
  store.reset();
  tamper("UPDATE journal SET payload = replace(payload, '200.00', '2.00') WHERE seq = 3");
  store = open();
  const auto entries = journal(*store);
  EXPECT_EQ(entries[1].hash, journal_entry_hash(entries[1]));
  EXPECT_NE(entries[2].hash, journal_entry_hash(entries[2]));
}

TEST(RecordFieldsTest, UpdatedPayloadListsOnlyWhatChanged) {
  Invoice a = invoice("INV-1", 100);
  Invoice b = a;
  EXPECT_EQ(updated_payload(record_fields(a), record_fields(b)), "");
  b.due_date = *Date::parse("2026-02-28");
  b.reference = "PO \"8\"";
  EXPECT_EQ(updated_payload(record_fields(a), record_fields(b)),
            R"({"changes":{"due_date":["2026-01-31","2026-02-28"],"reference":["PO-7","PO \"8\""]},"id":"INV-1"})");
}

}  // namespace
}  // namespace squeaky
