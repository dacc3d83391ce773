// The store's contract, run against both databases: every test body runs once on SQLite and once
// on a fresh database of the PostgreSQL test server (tests/support/test_store.h).
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <map>
#include <thread>

#include "store/postgres_store.h"
#include "store/record_fields.h"
#include "store/sqlite_store.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::Backend;
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

std::vector<JournalEntry> journal_of(Store& store) {
  std::vector<JournalEntry> entries;
  EXPECT_TRUE(store
                  .for_each_journal_entry([&](const JournalEntry& e) {
                    entries.push_back(e);
                    return Status::ok();
                  })
                  .is_ok());
  return entries;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("store");
    if (GetParam() == Backend::kSqlite) {
      location_ = (dir_ / "squeaky.db").string();
      return;
    }
    if (testing::postgres_server_url().empty()) {
      GTEST_SKIP() << "no PostgreSQL test server (ctest starts one; or set SQUEAKY_TEST_POSTGRES)";
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    auto url = testing::fresh_postgres_database(std::string(info->test_suite_name()) + "." + info->name());
    ASSERT_TRUE(url) << url.status().message();
    location_ = *url;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<std::unique_ptr<Store>> open_store(OpenMode mode) {
    return GetParam() == Backend::kSqlite ? open_sqlite_store(location_, clock_, mode)
                                          : open_postgres_store(location_, clock_, mode);
  }
  std::unique_ptr<Store> open() {
    auto store = open_store(OpenMode::kCreateIfMissing);
    EXPECT_TRUE(store) << store.status().message();
    return store ? std::move(*store) : nullptr;
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

  // Runs SQL straight on the database, as someone tampering with it would.
  void tamper(const std::string& sql) {
    const Status s =
        GetParam() == Backend::kSqlite ? testing::sqlite_exec(location_, sql) : testing::postgres_exec(location_, sql);
    ASSERT_TRUE(s.is_ok()) << s.message();
  }

  std::vector<JournalEntry> journal(Store& store) { return journal_of(store); }

  FixedClock clock_{"2026-04-01T09:00:00Z"};
  std::filesystem::path dir_;
  std::string location_;  // the SQLite file or the PostgreSQL URL
};

TEST(JournalTextTest, JsonStringsEscapeQuotesBackslashesAndControlCharactersOnly) {
  std::string out = "x";
  append_json_string(out, "plain");
  append_json_string(out, "");
  append_json_string(out, "a\"b\\c\nd\re\tf\x01g\x1f");
  append_json_string(out, "Zürich \x7f");
  EXPECT_EQ(out, "x\"plain\"\"\"\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\"\"Zürich \x7f\"");
}

TEST(JournalTextTest, Sha256IsTheStandardDigestInLowercaseHex) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// A customer's journal entries, found through the journal's customer index, in seq order.
TEST_P(StoreTest, OneCustomersJournalEntriesComeInOrderAndNoOthers) {
  auto store = open();
  fill(*store);  // entries 1-4: C1 and its three invoices
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                if (auto r = txn.put_customer(customer("C2"), "import customers.csv:3"); !r) return r.status();
                Invoice i = invoice("INV-9", 900);
                i.customer_id = "C2";
                if (auto r = txn.put_invoice(i, "import invoices.csv:5"); !r) return r.status();
                return testing::status_of(txn.put_invoice(invoice("INV-1", 15000), "import invoices.csv:2"));
              }).is_ok());
  const auto seqs_of = [&](std::string_view id) {
    std::vector<std::string> out;
    const Status s = store->for_each_journal_entry_of(id, [&](const JournalEntry& e) {
      out.push_back(std::to_string(e.seq) + " " + e.kind);
      EXPECT_EQ(e.customer_id, id);
      EXPECT_EQ(e.hash, journal_entry_hash(e));
      return Status::ok();
    });
    EXPECT_TRUE(s.is_ok()) << s.message();
    return out;
  };
  EXPECT_EQ(seqs_of("C1"), (std::vector<std::string>{"1 customer.created", "2 invoice.created", "3 invoice.created",
                                                     "4 invoice.created", "7 invoice.updated"}));
  EXPECT_EQ(seqs_of("C2"), (std::vector<std::string>{"5 customer.created", "6 invoice.created"}));
  EXPECT_TRUE(seqs_of("C3").empty());
}

TEST_P(StoreTest, AJournalVisitStoppedPartWayLeavesTheStoreUsable) {
  // The journal and the ledger's tables are read as they are visited (on PostgreSQL one row at a
  // time over the store's connection): a visit that stops early must not leave rows in the way of
  // the next statement.
  auto store = open();
  fill(*store);
  {
    auto txn = store->begin();
    ASSERT_TRUE(txn);
    for (int i = 4; i <= 2000; ++i) {
      ASSERT_EQ(*(*txn)->put_invoice(invoice("INV-" + std::to_string(i), 100),
                                     "import invoices.csv:" + std::to_string(i + 1)),
                WriteOutcome::kCreated);
    }
    ASSERT_TRUE((*txn)->commit().is_ok());
  }
  int visited = 0;
  const Status stopped = store->for_each_journal_entry([&](const JournalEntry& e) {
    ++visited;
    return e.seq == 10 ? Status::invalid("enough") : Status::ok();
  });
  EXPECT_EQ(stopped.message(), "enough");
  EXPECT_EQ(visited, 10);
  const Status stopped_ledger = store->for_each_customer_ledger([](CustomerLedger&) { return Status::invalid("no"); });
  EXPECT_EQ(stopped_ledger.message(), "no");

  auto txn = store->begin();
  ASSERT_TRUE(txn) << txn.status().message();
  ASSERT_EQ(*(*txn)->put_invoice(invoice("INV-2001", 100), "import invoices.csv:2002"), WriteOutcome::kCreated);
  ASSERT_TRUE((*txn)->commit().is_ok());
  const auto entries = journal(*store);
  ASSERT_EQ(entries.size(), 2002u);  // C1 and 2,001 invoices
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    ASSERT_EQ(entries[i].hash, journal_entry_hash(entries[i]));
    ASSERT_EQ(entries[i].prev_hash, i > 0 ? entries[i - 1].hash : kGenesisHash);
  }
  size_t invoices = 0;
  ASSERT_TRUE(store
                  ->for_each_customer_ledger([&](CustomerLedger& ledger) {
                    invoices += ledger.invoices.size();
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(invoices, 2001u);
}

// Over thousands of customers (the customers and their contacts read in id order beside the
// records grouped by customer), each customer comes once, in id order, with its own contacts and
// records, and a visit stopped part-way leaves the store usable.
TEST_P(StoreTest, TheWholeLedgerVisitGivesEveryCustomerOfManyWithItsOwnContactsAndRecords) {
  auto store = open();
  constexpr int kCustomers = 3000;
  const auto id_of = [](int n) {
    std::string id = std::to_string(n);
    return "C" + std::string(5 - id.size(), '0') + id;
  };
  {
    auto txn = store->begin();
    ASSERT_TRUE(txn);
    for (int n = 0; n < kCustomers; ++n) {
      Customer c = customer(id_of(n));
      c.name = "Customer " + std::to_string(n);
      c.contacts = {{ContactChannel::kEmail, ContactType::kWork, "ap" + std::to_string(n) + "@example.com"}};
      if (n % 3 == 0) c.contacts.push_back({ContactChannel::kPhone, ContactType::kWork, "+1 512 555 0100"});
      ASSERT_TRUE((*txn)->put_customer(c, "import customers.csv"));
      if (n % 2 == 1) continue;  // every other customer has no records
      Invoice i = invoice("INV-" + std::to_string(n), 100 + n);
      i.customer_id = c.id;
      ASSERT_TRUE((*txn)->put_invoice(i, "import invoices.csv"));
    }
    ASSERT_TRUE((*txn)->commit().is_ok());
  }
  int n = 0;
  ASSERT_TRUE(store
                  ->for_each_customer_ledger([&](CustomerLedger& l) {
                    EXPECT_EQ(l.customer.id, id_of(n));
                    EXPECT_EQ(l.customer.name, "Customer " + std::to_string(n));
                    EXPECT_EQ(l.customer.contacts.size(), n % 3 == 0 ? 2u : 1u) << l.customer.id;
                    if (!l.customer.contacts.empty()) {
                      EXPECT_EQ(l.customer.contacts[0].value, "ap" + std::to_string(n) + "@example.com");
                    }
                    EXPECT_EQ(l.invoices.size(), n % 2 == 0 ? 1u : 0u) << l.customer.id;
                    if (!l.invoices.empty()) {
                      EXPECT_EQ(l.invoices[0].amount.minor_units(), 100 + n);
                    }
                    l = CustomerLedger{};  // a visitor may take what it is given
                    ++n;
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(n, kCustomers);

  int seen = 0;
  const Status stopped = store->for_each_customer_ledger(
      [&](CustomerLedger&) { return ++seen == 1500 ? Status::invalid("enough") : Status::ok(); });
  EXPECT_EQ(stopped.message(), "enough");
  EXPECT_EQ(seen, 1500);
  auto txn = store->begin();
  ASSERT_TRUE(txn) << txn.status().message();
  ASSERT_TRUE((*txn)->put_customer(customer("C99999"), "import customers.csv"));
  ASSERT_TRUE((*txn)->commit().is_ok());
}

TEST_P(StoreTest, EveryChangeIsJournaledInAHashChain) {
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

TEST_P(StoreTest, SameRecordAgainChangesNothingAndAChangeIsJournaledWithBeforeAndAfter) {
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

TEST_P(StoreTest, ATransactionNotCommittedLeavesNoTrace) {
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

TEST_P(StoreTest, ContactFlagsSurviveAReimportOfTheCustomer) {
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

TEST_P(StoreTest, ReopeningKeepsEverythingAndDoesNotMigrateAgain) {
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

TEST_P(StoreTest, ANewerSchemaIsRefused) {
  open();
  tamper("INSERT INTO schema_migrations VALUES (999, 'from the future')");
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().message(), "the database has schema version 999, newer than this squeaky understands (" +
                                          std::to_string(sqlite_schema_version()) + "); upgrade squeaky");
}

TEST_P(StoreTest, AMissingDatabaseIsNotCreatedWhenItMustExist) {
  auto store = open_store(OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  if (GetParam() == Backend::kSqlite) {
    EXPECT_FALSE(std::filesystem::exists(location_));
  } else {
    // The (empty) database is left as it was: no tables were made in it.
    EXPECT_FALSE(testing::postgres_exec(location_, "SELECT 1 FROM schema_migrations").is_ok());
  }
}

TEST_P(StoreTest, TamperingBreaksTheChainAtTheAlteredEntry) {
  auto store = open();
  fill(*store);
  store.reset();
  tamper("UPDATE journal SET payload = replace(payload, '200.00', '2.00') WHERE seq = 3");
  store = open();
  const auto entries = journal(*store);
  EXPECT_EQ(entries[1].hash, journal_entry_hash(entries[1]));
  EXPECT_NE(entries[2].hash, journal_entry_hash(entries[2]));
}

TEST_P(StoreTest, EveryKindOfRecordComesBackAsItWasStored) {
  auto store = open();
  fill(*store);
  static constexpr char kBytes[] = "%PDF\0\x01\xff\xfe binary \\x00 'quoted'";
  const std::string blob(kBytes, sizeof kBytes - 1);
  int64_t action_id = 0;
  ASSERT_TRUE(
      in_transaction(*store, [&](StoreTransaction& txn) -> Status {
        Customer c = customer("C2");
        c.name = "Zoë's \"Café\" & Co; DROP TABLE customers; --";
        c.credit_limit = Money::from_minor(-922337203685477580, kUsd);
        if (auto r = txn.put_customer(c, "import customers.csv:3"); !r) return r.status();
        if (auto r = txn.put_payment(
                {"PAY-1", "C1", *Date::parse("2026-02-10"), Money::from_minor(5000, kUsd), "wire", "ref", "INV-1"},
                "import payments.csv:2");
            !r)
          return r.status();
        Credit credit;
        credit.id = "CN-1";
        credit.customer_id = "C1";
        credit.date = *Date::parse("2026-02-11");
        credit.amount = Money::from_minor(700, kUsd);
        credit.reason = "damaged";
        credit.invoice_id = "INV-2";
        if (auto r = txn.put_credit(credit, "import credits.csv:2"); !r) return r.status();
        if (Status st =
                txn.open_episode("C1", {1, *Date::parse("2026-03-01"), "", {}, {}, false}, "overdue", "run 2026-03-01");
            !st.is_ok())
          return st;
        ActionRecord a;
        a.customer_id = "C1";
        a.episode = 1;
        a.step = "reminder";
        a.channel = "email";
        a.on = *Date::parse("2026-03-01");
        a.status = "queued";
        a.amount = Money::from_minor(60000, kUsd);
        a.plan = "standard";
        a.reason = "29 days late";
        a.invoices = "[]";
        auto ids = txn.record_actions({a}, "run 2026-03-01");
        if (!ids) return ids.status();
        action_id = ids->at(0);
        if (auto r = txn.add_promise(
                "C1", {0, *Date::parse("2026-03-02"), *Date::parse("2026-03-09"), Money::from_minor(1000, kUsd)},
                "user clerk");
            !r)
          return r.status();
        if (auto r = txn.add_hold(
                "C1", {0, HoldKind::kHardship, *Date::parse("2026-03-02"), *Date::parse("2026-03-20"), "hospital"},
                "user clerk");
            !r)
          return r.status();
        if (Status st = txn.set_flag("C1", {StopFlag::kDeceased, *Date::parse("2026-03-02"), "note"}, "user");
            !st.is_ok())
          return st;
        if (auto r = txn.open_dispute({0, "INV-3", "C1", *Date::parse("2026-03-02"), {}, "never received", ""},
                                      "user clerk");
            !r)
          return r.status();
        if (auto r =
                txn.log_call({0, "C1", *Date::parse("2026-03-02"), CallOutcome::kPromise, "will pay"}, "user clerk");
            !r)
          return r.status();
        if (auto r =
                txn.add_opt_out("C1", {0, "phone", "+1 512 555 0100", *Date::parse("2026-03-02"), ""}, "user clerk");
            !r)
          return r.status();
        return txn.record_run(*Date::parse("2026-03-01"), 1, 0, "run 2026-03-01");
      }).is_ok());

  auto c2 = store->customer_ledger("C2");
  ASSERT_TRUE(c2 && *c2);
  EXPECT_EQ((*c2)->customer.name, "Zoë's \"Café\" & Co; DROP TABLE customers; --");
  EXPECT_EQ((*c2)->customer.credit_limit.minor_units(), -922337203685477580);
  auto c1 = store->customer_ledger("C1");
  ASSERT_TRUE(c1 && *c1);
  ASSERT_EQ((*c1)->payments.size(), 1u);
  EXPECT_EQ((*c1)->payments[0].date.to_string(), "2026-02-10");
  ASSERT_EQ((*c1)->credits.size(), 1u);
  EXPECT_EQ((*c1)->credits[0].amount.minor_units(), 700);
  ASSERT_EQ((*c1)->disputes.size(), 1u);
  EXPECT_EQ((*c1)->disputes[0].id, 1);
  EXPECT_FALSE((*c1)->disputes[0].resolved_on);

  auto state = store->collection_state("C1");
  ASSERT_TRUE(state);
  ASSERT_TRUE(state->episode);
  EXPECT_EQ(state->episode->opened_on.to_string(), "2026-03-01");
  ASSERT_EQ(state->open_promises.size(), 1u);
  EXPECT_EQ(state->open_promises[0].amount.minor_units(), 1000);
  ASSERT_EQ(state->holds.size(), 1u);
  EXPECT_EQ(state->holds[0].kind, HoldKind::kHardship);
  ASSERT_EQ(state->flags.size(), 1u);
  EXPECT_EQ(state->last_conversation, std::optional<Date>(*Date::parse("2026-03-02")));
  ASSERT_EQ(state->opt_outs.size(), 1u);
  EXPECT_EQ(*store->last_run(), std::optional<Date>(*Date::parse("2026-03-01")));
  EXPECT_EQ(store->calls("C1")->size(), 1u);
  EXPECT_TRUE(*store->open_dispute_on("INV-3"));

  // The outbox keeps the exact bytes, zeros and all.
  auto queued = store->outbox("queued", "", false);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  OutboxItem item = queued->at(0);
  EXPECT_EQ(item.action_id, action_id);
  item.status = "sending";
  item.attempts = 1;
  item.content = blob;
  item.sha256 = sha256_hex(blob);
  item.not_before = *Timestamp::parse("2026-04-01T10:00:00Z");
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) {
                return txn.update_outbox(item, "queued", "sending", "", "user clerk");
              }).is_ok());
  auto stored = store->outbox_item(action_id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->content, blob);
  EXPECT_EQ((*stored)->status, "sending");
  EXPECT_EQ((*stored)->not_before, std::optional<Timestamp>(*Timestamp::parse("2026-04-01T10:00:00Z")));
  EXPECT_EQ(store->actions("C1", "sending")->size(), 1u);
  // An update without content keeps the stored bytes.
  item.status = "sent";
  item.content.clear();
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) {
                return txn.update_outbox(item, "sending", "sent", "250 ok", "user clerk");
              }).is_ok());
  EXPECT_EQ((*store->outbox("sent", "C1", true))[0].content, blob);

  // Users, tokens, sessions and failed logins.
  ASSERT_TRUE(
      in_transaction(*store, [&](StoreTransaction& txn) -> Status {
        if (Status st = txn.add_user({"alice", Role::kOwner, "$argon2id$x", false, clock_.now()}, "cli"); !st.is_ok())
          return st;
        if (Status st = txn.add_api_token({"abc", "ci", Role::kViewer, "alice", clock_.now(), false}, "cli");
            !st.is_ok())
          return st;
        if (Status st = txn.add_session({"s1", "alice", "csrf", clock_.now(), clock_.now()}); !st.is_ok()) return st;
        return txn.record_login_failure("user bob", clock_.now());
      }).is_ok());
  EXPECT_EQ(in_transaction(*store,
                           [&](StoreTransaction& txn) {
                             return txn.add_user({"alice", Role::kViewer, "h", false, clock_.now()}, "cli");
                           })
                .code(),
            ErrorCode::kConflict);
  EXPECT_EQ((*store->user("alice"))->role, Role::kOwner);
  EXPECT_EQ(store->users()->size(), 1u);
  EXPECT_EQ((*store->api_token("abc"))->name, "ci");
  EXPECT_EQ((*store->session("s1"))->csrf_token, "csrf");
  EXPECT_EQ(store->login_failures("user bob", *Timestamp::parse("2026-04-01T00:00:00Z"))->size(), 1u);
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                if (Status st = txn.revoke_api_token("ci", "cli"); !st.is_ok()) return st;
                return txn.disable_user("alice", "cli");
              }).is_ok());
  EXPECT_TRUE((*store->api_tokens())[0].revoked);
  EXPECT_FALSE(*store->session("s1"));

  const auto entries = journal(*store);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].hash, journal_entry_hash(entries[i])) << entries[i].seq;
  }
}

TEST_P(StoreTest, TheWholeLedgerVisitGivesEachCustomerExactlyItsOwnLedger) {
  auto store = open();
  // Customers written out of id order, records of several customers interleaved, one customer
  // with nothing but contacts, one with no contacts, a record naming a customer that is gone.
  ASSERT_TRUE(
      in_transaction(*store, [&](StoreTransaction& txn) -> Status {
        for (const char* id : {"C3", "C1", "C2", "C10"}) {
          Customer c = customer(id);
          if (std::string_view(id) == "C2") c.contacts.clear();
          if (std::string_view(id) == "C10")
            c.contacts.push_back({ContactChannel::kPhone, ContactType::kMobile, "+1 555 0199"});
          if (auto r = txn.put_customer(c, "import customers.csv:2"); !r) return r.status();
        }
        for (int n = 1; n <= 12; ++n) {
          Invoice i = invoice("INV-" + std::to_string(n), n * 1000);
          i.customer_id = n % 3 == 0 ? "C3" : n % 3 == 1 ? "C1" : "C2";
          if (auto r = txn.put_invoice(i, "import invoices.csv:2"); !r) return r.status();
        }
        int paid = 0;
        for (const char* owner : {"C2", "C3", "C2"}) {
          Payment p{"PAY-" + std::to_string(++paid),
                    owner,
                    *Date::parse("2026-02-10"),
                    Money::from_minor(700, kUsd),
                    "card",
                    "",
                    ""};
          if (auto r = txn.put_payment(p, "import payments.csv:2"); !r) return r.status();
        }
        Credit credit{"CN-1",  "C3",   *Date::parse("2026-02-11"), Money::from_minor(300, kUsd), CreditKind::kDeduction,
                      "short", "INV-3"};
        if (auto r = txn.put_credit(credit, "import credits.csv:2"); !r) return r.status();
        if (auto r = txn.open_dispute({0, "INV-6", "C3", *Date::parse("2026-03-02"), {}, "not ours", ""}, "user clerk");
            !r) {
          return r.status();
        }
        return Status::ok();
      }).is_ok());
  tamper(
      "INSERT INTO invoices (id, customer_id, issue_date, due_date, amount, currency, reference, description) "
      "VALUES ('INV-LOST', 'C9', '2026-01-01', '2026-01-31', 5, 'USD', '', '')");

  std::vector<std::string> order;
  ASSERT_TRUE(store
                  ->for_each_customer_ledger([&](const CustomerLedger& visited) {
                    order.push_back(visited.customer.id);
                    auto own = store->customer_ledger(visited.customer.id);
                    EXPECT_TRUE(own && *own);
                    if (!own || !*own) return Status::ok();
                    EXPECT_EQ(visited.customer, (*own)->customer);
                    EXPECT_EQ(visited.invoices, (*own)->invoices) << visited.customer.id;
                    EXPECT_EQ(visited.payments, (*own)->payments) << visited.customer.id;
                    EXPECT_EQ(visited.credits, (*own)->credits) << visited.customer.id;
                    EXPECT_EQ(visited.disputes, (*own)->disputes) << visited.customer.id;
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(order, (std::vector<std::string>{"C1", "C10", "C2", "C3"}));  // by id, bytewise
  auto c3 = store->customer_ledger("C3");
  ASSERT_TRUE(c3 && *c3);
  EXPECT_EQ((*c3)->invoices.size(), 4u);
  EXPECT_EQ((*c3)->credits.size(), 1u);
  EXPECT_EQ((*c3)->disputes.size(), 1u);
}

TEST_P(StoreTest, TheWholeLedgerVisitInsideATransactionSeesItsChanges) {
  auto store = open();
  fill(*store);
  const auto invoices_of_c1 = [&] {
    size_t n = 0;
    EXPECT_TRUE(store
                    ->for_each_customer_ledger([&](const CustomerLedger& l) {
                      if (l.customer.id == "C1") n = l.invoices.size();
                      return Status::ok();
                    })
                    .is_ok());
    return n;
  };
  {
    auto txn = store->begin();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->put_invoice(invoice("INV-4", 500), "import invoices.csv:5"));
    EXPECT_EQ(invoices_of_c1(), 4u);  // read on the transaction's own connection
  }                                   // rolled back
  EXPECT_EQ(invoices_of_c1(), 3u);
}

// The whole-ledger visit reads each customer's packed copy of its records; the check reads the
// records themselves and names every customer whose copy differs.
class CopyCheck {
 public:
  explicit CopyCheck(Store& store) : store_(store) {}
  // The customers the check names; every customer it visits is compared with the fast visit's.
  std::vector<std::string> differing() {
    std::map<std::string, CustomerLedger> from_rows;
    std::vector<std::string> named;
    const Status s = store_.check_customer_ledgers(
        [&](CustomerLedger& l) {
          from_rows[l.customer.id] = l;
          return Status::ok();
        },
        [&](const std::string& id) { named.push_back(id); });
    EXPECT_TRUE(s.is_ok()) << s.message();
    return named;
  }
  // Every customer as the fast visit gives it, by id.
  std::map<std::string, CustomerLedger> visit() {
    std::map<std::string, CustomerLedger> out;
    const Status s = store_.for_each_customer_ledger([&](CustomerLedger& l) {
      out[l.customer.id] = l;
      return Status::ok();
    });
    EXPECT_TRUE(s.is_ok()) << s.message();
    return out;
  }

 private:
  Store& store_;
};

std::vector<std::string> ids_of(const std::vector<Invoice>& invoices) {
  std::vector<std::string> ids;
  for (const Invoice& i : invoices) ids.push_back(i.id + " " + std::to_string(i.amount.minor_units()));
  return ids;
}

TEST_P(StoreTest, TheCopiesFollowEveryChangeOfTheRecords) {
  auto store = open();
  fill(*store);  // C1 with INV-1..3
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                if (auto r = txn.put_customer(customer("C2"), "import customers.csv:3"); !r) return r.status();
                Invoice changed = invoice("INV-2", 25000);  // a new amount
                if (auto r = txn.put_invoice(changed, "import invoices.csv:3"); !r) return r.status();
                Invoice moved = invoice("INV-3", 30000);  // now C2's
                moved.customer_id = "C2";
                if (auto r = txn.put_invoice(moved, "import invoices.csv:4"); !r) return r.status();
                Payment p{"PAY-1", "C1", *Date::parse("2026-02-10"), Money::from_minor(700, kUsd), "card", "", ""};
                if (auto r = txn.put_payment(p, "import payments.csv:2"); !r) return r.status();
                Credit c{
                    "CN-1",  "C2",   *Date::parse("2026-02-11"), Money::from_minor(300, kUsd), CreditKind::kDeduction,
                    "short", "INV-3"};
                return testing::status_of(txn.put_credit(c, "import credits.csv:2"));
              }).is_ok());
  CopyCheck check(*store);
  auto visited = check.visit();
  ASSERT_EQ(visited.size(), 2u);
  EXPECT_EQ(ids_of(visited["C1"].invoices), (std::vector<std::string>{"INV-1 10000", "INV-2 25000"}));
  EXPECT_EQ(ids_of(visited["C2"].invoices), (std::vector<std::string>{"INV-3 30000"}));
  ASSERT_EQ(visited["C1"].payments.size(), 1u);
  EXPECT_EQ(visited["C1"].payments[0].amount.minor_units(), 700);
  EXPECT_TRUE(visited["C2"].payments.empty());
  ASSERT_EQ(visited["C2"].credits.size(), 1u);
  EXPECT_EQ(visited["C2"].credits[0].invoice_id, "INV-3");
  EXPECT_EQ(visited["C2"].credits[0].customer_id, "C2");
  EXPECT_TRUE(check.differing().empty());

  // The last record moved away leaves no copy behind, and the customer no records.
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                Invoice back = invoice("INV-3", 30000);
                if (auto r = txn.put_invoice(back, "import invoices.csv:4"); !r) return r.status();
                Credit c{
                    "CN-1",  "C1",   *Date::parse("2026-02-11"), Money::from_minor(300, kUsd), CreditKind::kDeduction,
                    "short", "INV-3"};
                return testing::status_of(txn.put_credit(c, "import credits.csv:2"));
              }).is_ok());
  visited = check.visit();
  EXPECT_EQ(ids_of(visited["C1"].invoices), (std::vector<std::string>{"INV-1 10000", "INV-2 25000", "INV-3 30000"}));
  EXPECT_EQ(visited["C1"].credits.size(), 1u);
  EXPECT_TRUE(visited["C2"].invoices.empty() && visited["C2"].credits.empty());
  EXPECT_TRUE(check.differing().empty());
  store.reset();
  tamper("INSERT INTO ledger_copies (customer_id, records) SELECT 'C2', records FROM ledger_copies");
  store = open();
  EXPECT_EQ(CopyCheck(*store).differing(), (std::vector<std::string>{"C2"}));  // there should be none
}

// The run acts on the copies, so a copy edited outside squeaky, removed, or left for a customer
// that does not exist is named by the check (squeaky verify); an unreadable one stops a visit.
TEST_P(StoreTest, ACopyThatDiffersFromTheRecordsIsNamedAndAnUnreadableOneStopsTheVisit) {
  auto store = open();
  fill(*store);
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                for (const char* id : {"C2", "C3"}) {
                  if (auto r = txn.put_customer(customer(id), "import customers.csv"); !r) return r.status();
                  Invoice i = invoice(std::string("INV-") + id, 500);
                  i.customer_id = id;
                  if (auto r = txn.put_invoice(i, "import invoices.csv"); !r) return r.status();
                }
                return Status::ok();
              }).is_ok());
  EXPECT_TRUE(CopyCheck(*store).differing().empty());
  store.reset();
  tamper("DELETE FROM ledger_copies WHERE customer_id = 'C3'");
  tamper(
      "INSERT INTO ledger_copies (customer_id, records) SELECT 'C0', records FROM ledger_copies WHERE customer_id = "
      "'C1'");
  tamper(
      "UPDATE ledger_copies SET records = (SELECT records FROM ledger_copies WHERE customer_id = 'C1') WHERE "
      "customer_id = 'C2'");
  store = open();
  EXPECT_EQ(CopyCheck(*store).differing(), (std::vector<std::string>{"C0", "C2", "C3"}));
  store.reset();
  tamper(GetParam() == Backend::kSqlite ? "UPDATE ledger_copies SET records = x'01ff' WHERE customer_id = 'C2'"
                                        : "UPDATE ledger_copies SET records = '\\x01ff' WHERE customer_id = 'C2'");
  store = open();
  const Status s = store->for_each_customer_ledger([](CustomerLedger&) { return Status::ok(); });
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_EQ(s.message(),
            "the packed records of customer 'C2' cannot be read: they were damaged or edited outside squeaky "
            "('squeaky verify' checks them against the records; 'squeaky repack' writes them again)");
  EXPECT_EQ(CopyCheck(*store).differing(), (std::vector<std::string>{"C0", "C2", "C3"}));

  // Written again from the records: one copy for each customer with records, none for C0, and
  // the journal untouched.
  const int64_t head = store->journal_head()->seq;
  auto written = store->rewrite_ledger_copies();
  ASSERT_TRUE(written) << written.status().message();
  EXPECT_EQ(*written, 3);
  EXPECT_TRUE(CopyCheck(*store).differing().empty());
  EXPECT_EQ(CopyCheck(*store).visit().at("C2").invoices.at(0).id, "INV-C2");
  EXPECT_EQ(store->journal_head()->seq, head);
}

// More than 10,000 customers changed in one transaction, and more than an eighth of all: their
// copies are written from one whole read of the tables rather than customer by customer.
TEST_P(StoreTest, ALargeChangeWritesItsCopiesFromAWholeReadOfTheRecords) {
  auto store = open();
  constexpr int kCustomers = 12'000;
  ASSERT_TRUE(
      in_transaction(*store, [&](StoreTransaction& txn) -> Status {
        for (int n = 0; n < kCustomers; ++n) {
          const std::string id = "C" + std::to_string(n);
          if (auto r = txn.put_customer(customer(id), "import customers.csv"); !r) return r.status();
          Invoice i = invoice("INV-" + std::to_string(n), n + 1);
          i.customer_id = id;
          if (auto r = txn.put_invoice(i, "import invoices.csv"); !r) return r.status();
          if (n % 2 == 0) continue;
          Payment p{
              "PAY-" + std::to_string(n), id, *Date::parse("2026-02-10"), Money::from_minor(n, kUsd), "card", "", ""};
          if (auto r = txn.put_payment(p, "import payments.csv"); !r) return r.status();
        }
        return Status::ok();
      }).is_ok());
  CopyCheck check(*store);
  const auto visited = check.visit();
  ASSERT_EQ(visited.size(), static_cast<size_t>(kCustomers));
  for (const int n : {0, 1, 4321, kCustomers - 1}) {
    const CustomerLedger& l = visited.at("C" + std::to_string(n));
    ASSERT_EQ(l.invoices.size(), 1u);
    EXPECT_EQ(l.invoices[0].amount.minor_units(), n + 1);
    EXPECT_EQ(l.payments.size(), n % 2 == 0 ? 0u : 1u);
  }
  EXPECT_TRUE(check.differing().empty());
}

// A database made before the copies existed gets them, from its records, when it is first opened.
TEST_P(StoreTest, ADatabaseFromBeforeTheCopiesGetsThemWhenItIsOpened) {
  auto store = open();
  fill(*store);
  store.reset();
  // Back to schema version 7, the last without them.
  tamper("DROP TABLE ledger_copies");
  tamper("DROP INDEX journal_by_customer");
  tamper("DELETE FROM schema_migrations WHERE version >= 8");
  store = open();
  const auto visited = CopyCheck(*store).visit();
  ASSERT_EQ(visited.size(), 1u);
  EXPECT_EQ(ids_of(visited.at("C1").invoices), (std::vector<std::string>{"INV-1 10000", "INV-2 20000", "INV-3 30000"}));
  EXPECT_TRUE(CopyCheck(*store).differing().empty());
}

// A customer's collection state holds the steps of its open episode only, in the order they
// happened, one per step whatever its channels; the steps of closed episodes are history.
TEST_P(StoreTest, TheCollectionStateHoldsTheStepsOfTheOpenEpisodeOnly) {
  auto store = open();
  fill(*store);
  const auto act = [](std::string customer, int episode, std::string step, std::string channel, const char* on) {
    ActionRecord a;
    a.customer_id = std::move(customer);
    a.episode = episode;
    a.step = std::move(step);
    a.channel = std::move(channel);
    a.on = *Date::parse(on);
    a.status = channel == "email" ? "queued" : "open";
    a.amount = Money::from_minor(100, kUsd);
    a.invoices = "[]";
    return a;
  };
  const auto episode = [](int number, const char* opened) {
    return Episode{number, *Date::parse(opened), "", {}, {}, false};
  };
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                if (auto r = txn.put_customer(customer("C2"), "import customers.csv:3"); !r) return r.status();
                if (Status s = txn.open_episode("C1", episode(1, "2026-02-01"), "", "run"); !s.is_ok()) return s;
                if (Status s = txn.open_episode("C2", episode(1, "2026-02-01"), "", "run"); !s.is_ok()) return s;
                for (const auto& records : {std::vector<ActionRecord>{act("C1", 1, "reminder", "email", "2026-02-01")},
                                            std::vector<ActionRecord>{act("C2", 1, "reminder", "email", "2026-02-01")},
                                            std::vector<ActionRecord>{act("C1", 1, "notice", "email", "2026-02-15"),
                                                                      act("C1", 1, "notice", "call", "2026-02-15")}}) {
                  if (auto r = txn.record_actions(records, "run"); !r) return r.status();
                }
                if (Status s = txn.close_episode("C1", 1, *Date::parse("2026-03-01"), "paid", "run"); !s.is_ok())
                  return s;
                if (Status s = txn.open_episode("C1", episode(2, "2026-03-10"), "", "run"); !s.is_ok()) return s;
                for (const auto& records : {std::vector<ActionRecord>{act("C1", 2, "reminder", "email", "2026-03-10")},
                                            std::vector<ActionRecord>{act("C2", 1, "notice", "email", "2026-03-12")},
                                            std::vector<ActionRecord>{act("C1", 2, "notice", "email", "2026-03-20"),
                                                                      act("C1", 2, "notice", "call", "2026-03-20")}}) {
                  if (auto r = txn.record_actions(records, "run"); !r) return r.status();
                }
                return Status::ok();
              }).is_ok());
  const auto steps = [](const CollectionState& state) {
    std::vector<std::string> out;
    if (!state.episode) return out;
    for (const StepRecord& r : state.episode->steps) out.push_back(r.step + " " + r.on.to_string());
    return out;
  };
  auto states = store->collection_states();
  ASSERT_TRUE(states) << states.status().message();
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ(states->at("C1").last_episode_number, 2);
  ASSERT_TRUE(states->at("C1").episode);
  EXPECT_EQ(states->at("C1").episode->number, 2);
  EXPECT_EQ(steps(states->at("C1")), (std::vector<std::string>{"reminder 2026-03-10", "notice 2026-03-20"}));
  EXPECT_EQ(steps(states->at("C2")), (std::vector<std::string>{"reminder 2026-02-01", "notice 2026-03-12"}));
  auto one = store->collection_state("C1");
  ASSERT_TRUE(one);
  EXPECT_EQ(steps(*one), steps(states->at("C1")));

  // History: C3's five closed episodes take the actions past eight times the open episodes, so
  // the open episodes' actions are now read from the episodes, through the actions' index.
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                if (auto r = txn.put_customer(customer("C3"), "import customers.csv:4"); !r) return r.status();
                for (int n = 1; n <= 5; ++n) {
                  if (Status s = txn.open_episode("C3", episode(n, "2025-01-01"), "", "run"); !s.is_ok()) return s;
                  for (const char* step : {"reminder", "notice"}) {
                    if (auto r = txn.record_actions({act("C3", n, step, "email", "2025-01-02")}, "run"); !r)
                      return r.status();
                  }
                  if (Status s = txn.close_episode("C3", n, *Date::parse("2025-01-03"), "paid", "run"); !s.is_ok())
                    return s;
                }
                return Status::ok();
              }).is_ok());
  auto again = store->collection_states();
  ASSERT_TRUE(again) << again.status().message();
  EXPECT_EQ(steps(again->at("C1")), (std::vector<std::string>{"reminder 2026-03-10", "notice 2026-03-20"}));
  EXPECT_EQ(steps(again->at("C2")), (std::vector<std::string>{"reminder 2026-02-01", "notice 2026-03-12"}));
  EXPECT_FALSE(again->at("C3").episode);
  EXPECT_EQ(again->at("C3").last_episode_number, 5);
}

TEST_P(StoreTest, AFailedStatementAbortsTheTransactionAndNothingOfItIsKept) {
  auto store = open();
  fill(*store);
  {
    auto txn = store->begin();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->open_episode("C1", {1, *Date::parse("2026-03-01"), "", {}, {}, false}, "", "run").is_ok());
    // The same episode again breaks the primary key.
    EXPECT_FALSE((*txn)->open_episode("C1", {1, *Date::parse("2026-03-01"), "", {}, {}, false}, "", "run").is_ok());
  }
  EXPECT_EQ(store->journal_head()->seq, 4);
  EXPECT_FALSE(store->collection_state("C1")->episode);
  // The connection is usable again.
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) {
                return testing::status_of(txn.put_invoice(invoice("INV-9", 900), "import x.csv:2"));
              }).is_ok());
  EXPECT_EQ(store->journal_head()->seq, 5);
}

// Two writers (two connections: two dispatchers) claim the same queued item at once: exactly one
// moves it; the other is told it moved already, and nothing is sent twice.
TEST_P(StoreTest, OnlyOneOfTwoConcurrentWritersClaimsAnOutboxItem) {
  auto store = open();
  fill(*store);
  ActionRecord a;
  a.customer_id = "C1";
  a.episode = 1;
  a.step = "reminder";
  a.channel = "email";
  a.on = *Date::parse("2026-03-01");
  a.status = "queued";
  a.amount = Money::from_minor(100, kUsd);
  a.invoices = "[]";
  ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) {
                return testing::status_of(txn.record_actions({a}, "run"));
              }).is_ok());
  const OutboxItem queued = store->outbox("queued", "", false)->at(0);
  for (int round = 0; round < 5; ++round) {
    auto first = open();
    auto second = open();
    if (round > 0) {  // back to queued for the next round
      OutboxItem back = queued;
      ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) {
                    return txn.update_outbox(back, "sending", "retried", "", "test");
                  }).is_ok());
    }
    std::barrier start(2);
    Status results[2];
    const auto claim = [&](Store& s, Status& result) {
      OutboxItem item = queued;
      item.status = "sending";
      item.attempts = 1;
      start.arrive_and_wait();
      result = in_transaction(
          s, [&](StoreTransaction& txn) { return txn.update_outbox(item, "queued", "sending", "", "dispatcher"); });
    };
    std::thread one(claim, std::ref(*first), std::ref(results[0]));
    std::thread two(claim, std::ref(*second), std::ref(results[1]));
    one.join();
    two.join();
    EXPECT_NE(results[0].is_ok(), results[1].is_ok()) << results[0].message() << " / " << results[1].message();
    for (const Status& r : results) {
      if (!r.is_ok()) {
        EXPECT_EQ(r.code(), ErrorCode::kConflict) << r.message();
      }
    }
  }
  int sending = 0;
  for (const JournalEntry& e : journal(*store)) sending += e.kind == "outbox.sending";
  EXPECT_EQ(sending, 5);
}

TEST_P(StoreTest, ConcurrentWritersKeepTheJournalOneUnbrokenChain) {
  open();  // migrate once, before the writers start
  constexpr int kWriters = 3;
  constexpr int kTransactions = 15;
  std::barrier start(kWriters);
  std::atomic<int> failures = 0;
  const auto write = [&](int writer) {
    auto store = open();
    start.arrive_and_wait();
    for (int i = 0; i < kTransactions; ++i) {
      const Status s = in_transaction(*store, [&](StoreTransaction& txn) -> Status {
        Invoice inv = invoice("INV-" + std::to_string(writer) + "-" + std::to_string(i), 100 + i);
        if (auto r = txn.put_invoice(inv, "writer " + std::to_string(writer)); !r) return r.status();
        inv.id += "b";
        return testing::status_of(txn.put_invoice(inv, "writer " + std::to_string(writer)));
      });
      if (!s.is_ok()) {
        ADD_FAILURE() << s.message();
        ++failures;
      }
    }
  };
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(write, w);
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures, 0);
  auto store = open();
  const auto entries = journal(*store);
  ASSERT_EQ(entries.size(), size_t{2 * kWriters * kTransactions});
  std::string prev(kGenesisHash);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(entries[i].prev_hash, prev);
    EXPECT_EQ(entries[i].hash, journal_entry_hash(entries[i]));
    // A transaction's two entries are next to each other: nothing came in between.
    if (i % 2 == 1) {
      EXPECT_EQ(entries[i].actor, entries[i - 1].actor);
    }
    prev = entries[i].hash;
  }
  EXPECT_EQ(store->journal_head()->hash, prev);
}

INSTANTIATE_TEST_SUITE_P(Databases, StoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) { return testing::backend_name(p.param); });

// The same changes at the same clock give the same journal, byte for byte and hash for hash, on
// both databases, including after a rolled back transaction (which uses up no ids).
TEST(StoreAcrossDatabasesTest, TheSameChangesGiveTheSameJournalHashesOnBothDatabases) {
  if (testing::postgres_server_url().empty()) GTEST_SKIP() << "no PostgreSQL test server";
  const auto dir = testing::scratch_dir("store");
  auto url = testing::fresh_postgres_database("StoreAcrossDatabasesTest.SameHashes");
  ASSERT_TRUE(url) << url.status().message();
  FixedClock clock("2026-04-01T09:00:00Z");
  auto sqlite = open_sqlite_store((dir / "squeaky.db").string(), clock, OpenMode::kCreateIfMissing);
  auto postgres = open_postgres_store(*url, clock, OpenMode::kCreateIfMissing);
  ASSERT_TRUE(sqlite) << sqlite.status().message();
  ASSERT_TRUE(postgres) << postgres.status().message();
  for (Store* store : {sqlite->get(), postgres->get()}) {
    ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                  if (auto r = txn.put_customer(customer("C1"), "import customers.csv:2"); !r) return r.status();
                  return testing::status_of(txn.put_invoice(invoice("INV-1", 12345), "import invoices.csv:2"));
                }).is_ok());
    {  // rolled back: its hold takes no id
      auto txn = store->begin();
      ASSERT_TRUE(txn);
      ASSERT_TRUE((*txn)->add_hold(
          "C1", {0, HoldKind::kManual, *Date::parse("2026-03-01"), *Date::parse("2026-03-02"), "rolled back"},
          "user clerk"));
    }
    ASSERT_TRUE(in_transaction(*store, [&](StoreTransaction& txn) -> Status {
                  if (auto r = txn.add_hold(
                          "C1", {0, HoldKind::kManual, *Date::parse("2026-03-01"), *Date::parse("2026-03-02"), "kept"},
                          "user clerk");
                      !r || *r != 1)
                    return r ? Status::invalid("hold id " + std::to_string(*r)) : r.status();
                  if (auto r = txn.put_invoice(invoice("INV-1", 23456), "import invoices.csv:2"); !r) return r.status();
                  return txn.add_user({"alice", Role::kOwner, "hash", false, clock.now()}, "cli");
                }).is_ok());
  }
  const auto a = journal_of(**sqlite);
  const auto b = journal_of(**postgres);
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].payload, b[i].payload);
    EXPECT_EQ(a[i].hash, b[i].hash) << "entry " << a[i].seq;
  }
  EXPECT_EQ((*sqlite)->journal_head()->hash, (*postgres)->journal_head()->hash);
  std::filesystem::remove_all(dir);
}

TEST(PostgresStoreTest, ErrorsNameTheDatabaseButNotThePassword) {
  FixedClock clock("2026-04-01T09:00:00Z");
  auto store = open_postgres_store("postgresql://alice:s3cret@127.0.0.1:1/ledger?password=s3cret&connect_timeout=2",
                                   clock, OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_NE(store.status().message().find("postgresql://alice@127.0.0.1:1/ledger"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(store.status().message().find("s3cret"), std::string::npos) << store.status().message();
  EXPECT_TRUE(is_postgres_url("postgres://x"));
  EXPECT_TRUE(is_postgres_url("postgresql://x"));
  EXPECT_FALSE(is_postgres_url("squeaky.db"));
}

TEST(PostgresStoreTest, ALedgerMustExistWhenAskedFor) {
  if (testing::postgres_server_url().empty()) GTEST_SKIP() << "no PostgreSQL test server";
  auto url = testing::fresh_postgres_database("PostgresStoreTest.MustExist");
  ASSERT_TRUE(url);
  FixedClock clock("2026-04-01T09:00:00Z");
  auto store = open_postgres_store(*url, clock, OpenMode::kMustExist);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(store.status().message().find("no squeaky ledger in postgresql://"), std::string::npos);
}

// The server ended the store's session (a restart, an administrator): the next read connects
// again, and so does the next transaction; prepared statements are made again.
TEST(PostgresStoreTest, AStoreCarriesOnAfterItsSessionWasEnded) {
  if (testing::postgres_server_url().empty()) GTEST_SKIP() << "no PostgreSQL test server";
  const std::string name = testing::postgres_database_name("PostgresStoreTest.Reconnects");
  auto url = testing::fresh_postgres_database("PostgresStoreTest.Reconnects");
  ASSERT_TRUE(url);
  FixedClock clock("2026-04-01T09:00:00Z");
  auto store = open_postgres_store(*url, clock, OpenMode::kCreateIfMissing);
  ASSERT_TRUE(store) << store.status().message();
  const auto end_sessions = [&] {
    ASSERT_TRUE(
        testing::postgres_exec(testing::postgres_server_url(),
                               "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '" +
                                   name + "' AND pid <> pg_backend_pid()")
            .is_ok());
  };
  ASSERT_TRUE(in_transaction(**store, [&](StoreTransaction& txn) {
                return testing::status_of(txn.put_customer(customer("C1"), "import customers.csv:2"));
              }).is_ok());
  end_sessions();
  auto head = (*store)->journal_head();
  ASSERT_TRUE(head) << head.status().message();
  EXPECT_EQ(head->seq, 1);
  end_sessions();
  ASSERT_TRUE(in_transaction(**store, [&](StoreTransaction& txn) {
                return testing::status_of(txn.put_invoice(invoice("INV-1", 100), "import invoices.csv:2"));
              }).is_ok());
  EXPECT_EQ((*store)->journal_head()->seq, 2);
  // A transaction whose session ends under it fails, and the store carries on after it.
  {
    auto txn = (*store)->begin();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->put_invoice(invoice("INV-2", 200), "import invoices.csv:3"));
    end_sessions();
    EXPECT_FALSE((*txn)->commit().is_ok());
  }
  EXPECT_EQ((*store)->journal_head()->seq, 2);
  EXPECT_FALSE(*(*store)->customer_ledger("C9"));
  EXPECT_EQ((*(*store)->customer_ledger("C1"))->invoices.size(), 1u);
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
