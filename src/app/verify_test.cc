// Verification of a journal forged whole: every entry rehashed after one was changed, so the chain
// checks out and only the replay of the records can tell. Each case names exactly what the
// forgery left inconsistent, on SQLite and (as app.postgres.*) on PostgreSQL.
#include "app/verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "store/journal.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;

const Currency kUsd = *Currency::from_code("USD");

Invoice invoice(std::string id, int64_t cents) {
  return {std::move(id),
          "C1",
          *Date::parse("2026-01-01"),
          *Date::parse("2026-01-31"),
          Money::from_minor(cents, kUsd),
          "",
          ""};
}

std::string sql_text(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("verify");
    path_ = (dir_ / "squeaky.db").string();
    open();
    // Entries 1-4: C1, INV-1 (100.00), INV-2 (200.00), then INV-1 raised to 150.00.
    ASSERT_TRUE(in_transaction(*store_, [&](StoreTransaction& txn) -> Status {
                  Customer c;
                  c.id = "C1";
                  c.name = "Acme Roofing LLC";
                  c.currency = kUsd;
                  c.credit_limit = Money::zero(kUsd);
                  if (auto r = txn.put_customer(c, "import customers.csv:2"); !r) return r.status();
                  if (auto r = txn.put_invoice(invoice("INV-1", 10000), "import invoices.csv:2"); !r) return r.status();
                  return testing::status_of(txn.put_invoice(invoice("INV-2", 20000), "import invoices.csv:3"));
                }).is_ok());
    ASSERT_TRUE(in_transaction(*store_, [&](StoreTransaction& txn) {
                  return testing::status_of(txn.put_invoice(invoice("INV-1", 15000), "import invoices.csv:2"));
                }).is_ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    auto store = testing::open_test_store(path_, clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
  }

  // Changes entry `seq` with `change`, then rehashes it and every entry after it and rewrites the
  // recorded head, as a forger who knows the hash would.
  void forge(int64_t seq, const std::function<void(JournalEntry&)>& change) {
    std::vector<JournalEntry> entries;
    ASSERT_TRUE(store_
                    ->for_each_journal_entry([&](const JournalEntry& e) {
                      entries.push_back(e);
                      return Status::ok();
                    })
                    .is_ok());
    store_.reset();
    auto location = testing::test_store_location(path_);
    ASSERT_TRUE(location);
    std::string sql;
    for (size_t i = 0; i < entries.size(); ++i) {
      JournalEntry& e = entries[i];
      if (e.seq < seq) continue;
      if (e.seq == seq) change(e);
      e.prev_hash = entries[i - 1].hash;
      e.hash = journal_entry_hash(e);
      sql += "UPDATE journal SET kind = " + sql_text(e.kind) + ", payload = " + sql_text(e.payload) +
             ", prev_hash = " + sql_text(e.prev_hash) + ", hash = " + sql_text(e.hash) +
             " WHERE seq = " + std::to_string(e.seq) + ";";
    }
    sql += "UPDATE journal_head SET hash = " + sql_text(entries.back().hash) + ";";
    const Status s = testing::backend_from_env() == testing::Backend::kSqlite ? testing::sqlite_exec(*location, sql)
                                                                              : testing::postgres_exec(*location, sql);
    ASSERT_TRUE(s.is_ok()) << s.message();
    open();
  }
  std::vector<std::string> problems() {
    auto check = check_journal(*store_);
    EXPECT_TRUE(check) << check.status().message();
    if (!check) return {};
    EXPECT_TRUE(check->problem.empty()) << check->problem;
    EXPECT_EQ(check->entries, 4);
    EXPECT_EQ(check->ledger_problem_count, static_cast<int64_t>(check->ledger_problems.size()));
    return check->ledger_problems;
  }
  static void replace(std::string& text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " in " << text;
    text.replace(at, from.size(), to);
  }

  FixedClock clock_{"2026-04-01T09:00:00Z"};
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(VerifyTest, AnUntouchedLedgerMatchesItsJournal) {
  EXPECT_TRUE(problems().empty());
  auto check = check_journal(*store_);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->records_checked, 3);
  EXPECT_TRUE(check->intact());
}

TEST_F(VerifyTest, AnUpdateFromAValueTheJournalNeverHadIsNamed) {
  forge(4, [](JournalEntry& e) { replace(e.payload, "[\"100.00\",\"150.00\"]", "[\"90.00\",\"150.00\"]"); });
  EXPECT_EQ(problems(), (std::vector<std::string>{
                            "entry 4 changes invoice INV-1 amount from '90.00', but the journal had it as '100.00'"}));
}

TEST_F(VerifyTest, AnUpdateOfARecordNoEntryCreatedIsNamedAndTheRecordKeepsItsJournaledFields) {
  forge(4, [](JournalEntry& e) { replace(e.payload, "\"id\":\"INV-1\"", "\"id\":\"INV-7\""); });
  EXPECT_EQ(problems(),
            (std::vector<std::string>{"entry 4 updates invoice INV-7, which no entry created",
                                      "invoice INV-1: amount is '150.00' in the ledger but '100.00' in the journal"}));
}

TEST_F(VerifyTest, ARecordCreatedAsAnotherKindIsNamedOnBothSides) {
  forge(3, [](JournalEntry& e) { e.kind = "payment.created"; });
  EXPECT_EQ(problems(), (std::vector<std::string>{"invoice INV-2 is in the ledger but no journal entry created it",
                                                  "payment INV-2 is in the journal but missing from the ledger"}));
}

TEST_F(VerifyTest, APayloadThatIsNotARecordIsNamed) {
  forge(3, [](JournalEntry& e) { e.payload = "{\"amount\":\"200.00\"}"; });
  EXPECT_EQ(problems(), (std::vector<std::string>{"entry 3 (invoice.created) has a payload squeaky cannot read",
                                                  "invoice INV-2 is in the ledger but no journal entry created it"}));
}

}  // namespace
}  // namespace squeaky
