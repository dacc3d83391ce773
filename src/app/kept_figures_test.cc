// Kept figures: always the figures a fresh read of the whole ledger gives, while reading only the
// customers that changed.
#include "app/kept_figures.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/generate.h"
#include "app/import.h"
#include "ledger_files.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;

Date day(std::string_view text) { return *Date::parse(text); }

class KeptFiguresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("kept");
    auto store = testing::open_test_store((dir_ / "squeaky.db").string(), clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
    GenerateOptions g;
    g.customers = 40;
    g.invoices = 400;
    g.seed = 5;
    g.as_of = day("2026-03-31");
    ASSERT_TRUE(generate_ledger_csv(g, dir_.string()));
    ASSERT_TRUE(testing::import_ledger_files(*store_, dir_).is_ok());
    // Two customers of our own to move records between.
    import(RecordKind::kCustomers,
           "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
           "K1,Harbour Supplies,business,a@example.com,,US,CA,America/Los_Angeles,USD,0.00\n"
           "K2,Quay Traders,business,b@example.com,,US,CA,America/Los_Angeles,USD,0.00\n");
    import(RecordKind::kInvoices,
           "id,customer_id,issue_date,due_date,amount,currency\n"
           "KI-1,K1,2026-01-05,2026-02-04,1200.00,USD\n"
           "KI-2,K1,2026-03-01,2026-03-31,800.00,USD\n");
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void import(RecordKind kind, std::string_view csv) {
    ImportOptions options;
    options.name = "test.csv";
    auto report = import_text(*store_, kind, csv, options);
    ASSERT_TRUE(report) << report.status().message();
    ASSERT_TRUE(report->errors.empty()) << report->errors.front();
  }
  // The kept figures equal a fresh read of the whole ledger: the aging to the cent per customer
  // and per currency, and the dashboard.
  void expect_same_as_fresh(const KeptFigures& kept, Date as_of) {
    auto fresh = aging_summary(*store_, as_of);
    auto ours = kept.aging(/*by_customer=*/true);
    ASSERT_TRUE(fresh && ours);
    ASSERT_EQ(ours->customers.size(), fresh->customers.size());
    for (size_t i = 0; i < fresh->customers.size(); ++i) {
      const CustomerAging& a = ours->customers[i];
      const CustomerAging& b = fresh->customers[i];
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.name, b.name);
      EXPECT_EQ(a.row.buckets, b.row.buckets) << a.id;
      EXPECT_EQ(a.row.fees, b.row.fees) << a.id;
      EXPECT_EQ(a.unapplied, b.unapplied) << a.id;
    }
    auto totals_only = kept.aging(/*by_customer=*/false);
    ASSERT_TRUE(totals_only);
    EXPECT_TRUE(totals_only->customers.empty());
    for (const AgingSummary* summary : {&*ours, &*totals_only}) {
      ASSERT_EQ(summary->totals.currencies().size(), fresh->totals.currencies().size());
      for (const auto& [currency, row] : fresh->totals.currencies()) {
        const AgingRow& kept_row = summary->totals.currencies().at(currency);
        EXPECT_EQ(kept_row.buckets, row.buckets) << currency.code();
        EXPECT_EQ(kept_row.total, row.total) << currency.code();
        EXPECT_EQ(kept_row.fees, row.fees) << currency.code();
      }
    }
    auto fresh_d = dashboard(*store_, as_of);
    auto ours_d = kept.dashboard(*store_);
    ASSERT_TRUE(fresh_d && ours_d);
    ASSERT_EQ(ours_d->currencies.size(), fresh_d->currencies.size());
    for (const auto& [currency, c] : fresh_d->currencies) {
      const DashboardCurrency& o = ours_d->currencies.at(currency);
      EXPECT_EQ(o.aging.buckets, c.aging.buckets) << currency.code();
      EXPECT_EQ(o.sales_90_days, c.sales_90_days) << currency.code();
      EXPECT_EQ(o.collected_30_days, c.collected_30_days) << currency.code();
      EXPECT_EQ(o.dso_tenths, c.dso_tenths) << currency.code();
    }
  }
  int64_t open_of(const KeptFigures& kept, const std::string& id) { return kept.customers().at(id).figures.row.total; }

  FixedClock clock_{"2026-03-31T10:00:00Z"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(KeptFiguresTest, TheFirstRefreshReadsEveryCustomer) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_TRUE(kept.last_read_all());
  EXPECT_EQ(kept.customers().size(), 42u);
  EXPECT_EQ(open_of(kept, "K1"), 2000'00);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, AWholeReadToldToStopFailsAndTheNextReadsEverythingAgain) {
  KeptFigures kept;
  const std::atomic<bool> stop{true};
  const Status stopped = kept.refresh(*store_, day("2026-03-31"), &stop);
  EXPECT_EQ(stopped.message(), "stopped before the end");
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_TRUE(kept.last_read_all());
  EXPECT_EQ(kept.customers().size(), 42u);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, NothingNewReadsNothing) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_FALSE(kept.last_read_all());
  EXPECT_EQ(kept.last_read_customers(), 0u);
}

TEST_F(KeptFiguresTest, APaymentRereadsOnlyItsCustomer) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  import(RecordKind::kPayments,
         "id,customer_id,date,amount,currency,invoice_id\n"
         "KP-1,K1,2026-03-30,450.00,USD,KI-1\n");
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_FALSE(kept.last_read_all());
  EXPECT_EQ(kept.last_read_customers(), 1u);
  EXPECT_EQ(open_of(kept, "K1"), 1550'00);
  EXPECT_EQ(kept.customers().at("K1").figures.collected_30_days, 450'00);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, AnInvoiceMovedToAnotherCustomerRereadsBoth) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  import(RecordKind::kInvoices,
         "id,customer_id,issue_date,due_date,amount,currency\n"
         "KI-2,K2,2026-03-01,2026-03-31,800.00,USD\n");
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_EQ(kept.last_read_customers(), 2u);
  EXPECT_EQ(open_of(kept, "K1"), 1200'00);
  EXPECT_EQ(open_of(kept, "K2"), 800'00);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, ANewCustomerAndADisputeAreSeen) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  import(RecordKind::kCustomers,
         "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
         "K3,Pier Nine,business,c@example.com,,US,CA,America/Los_Angeles,USD,0.00\n");
  // A payment without an invoice goes to the oldest undisputed invoice: disputing KI-1 moves it
  // onto KI-2.
  import(RecordKind::kPayments,
         "id,customer_id,date,amount,currency\n"
         "KP-2,K1,2026-03-30,300.00,USD\n");
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_EQ(kept.last_read_customers(), 2u);
  EXPECT_EQ(kept.customers().count("K3"), 1u);
  const auto before = kept.customers().at("K1").figures.row;
  Dispute d;
  d.invoice_id = "KI-1";
  d.customer_id = "K1";
  d.opened_on = day("2026-03-31");
  d.reason = "goods damaged";
  ASSERT_TRUE(in_transaction(*store_, [&](StoreTransaction& t) {
                return testing::status_of(t.open_dispute(d, "test"));
              }).is_ok());
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_EQ(kept.last_read_customers(), 1u);
  EXPECT_NE(kept.customers().at("K1").figures.row.buckets, before.buckets);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, ACurrencyLeavesTheAgingWithItsLastOpenInvoiceButStaysOnTheDashboard) {
  import(RecordKind::kCustomers,
         "id,name,kind,email,phone,country,region,timezone,currency,credit_limit\n"
         "K4,Lac Léman Sàrl,business,d@example.com,,CH,,Europe/Zurich,CHF,0.00\n");
  import(RecordKind::kInvoices,
         "id,customer_id,issue_date,due_date,amount,currency\n"
         "KI-4,K4,2026-02-01,2026-03-01,990.00,CHF\n");
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  const Currency chf = *Currency::from_code("CHF");
  ASSERT_EQ(kept.aging(false)->totals.currencies().at(chf).total, 990'00);
  expect_same_as_fresh(kept, day("2026-03-31"));

  import(RecordKind::kPayments,
         "id,customer_id,date,amount,currency,invoice_id\n"
         "KP-4,K4,2026-03-30,990.00,CHF,KI-4\n");
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_EQ(kept.last_read_customers(), 1u);
  EXPECT_EQ(kept.aging(false)->totals.currencies().count(chf), 0u);  // nothing open in CHF
  auto d = kept.dashboard(*store_);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->currencies.count(chf), 1u);  // its sales and the cash collected still count
  EXPECT_EQ(d->currencies.at(chf).sales_90_days, 990'00);
  EXPECT_EQ(d->currencies.at(chf).collected_30_days, 990'00);
  EXPECT_EQ(d->currencies.at(chf).aging.total, 0);
  expect_same_as_fresh(kept, day("2026-03-31"));
}

TEST_F(KeptFiguresTest, ALaterDayIsDatedWithoutReadingTheLedgerAgain) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  // Every day after: the buckets move, invoices leave the sales window and payments the cash
  // window, and nothing is read.
  for (const char* later : {"2026-04-01", "2026-04-30", "2026-05-31", "2026-07-01", "2027-04-01"}) {
    ASSERT_TRUE(kept.refresh(*store_, day(later)).is_ok());
    EXPECT_FALSE(kept.last_read_all()) << later;
    EXPECT_EQ(kept.last_read_customers(), 0u) << later;
    EXPECT_EQ(kept.as_of(), day(later));
    expect_same_as_fresh(kept, day(later));
  }
  // An earlier day reads everything again.
  ASSERT_TRUE(kept.refresh(*store_, day("2026-04-01")).is_ok());
  EXPECT_TRUE(kept.last_read_all());
  expect_same_as_fresh(kept, day("2026-04-01"));
}

TEST_F(KeptFiguresTest, CustomersWithRecordsDatedAfterTheDayAreReadAgainOnLaterDays) {
  // K1: an invoice issued and a payment made after 2026-03-31; K2: a dispute resolved after it.
  import(RecordKind::kInvoices,
         "id,customer_id,issue_date,due_date,amount,currency\n"
         "KI-3,K1,2026-04-10,2026-05-10,500.00,USD\n"
         "KI-5,K2,2026-02-01,2026-03-01,700.00,USD\n");
  import(RecordKind::kPayments,
         "id,customer_id,date,amount,currency\n"
         "KP-3,K1,2026-04-20,1500.00,USD\n");
  Dispute d;
  d.invoice_id = "KI-5";
  d.customer_id = "K2";
  d.opened_on = day("2026-03-20");
  d.resolved_on = day("2026-04-15");
  d.reason = "wrong quantity";
  d.resolution = "quantity confirmed";
  ASSERT_TRUE(in_transaction(*store_, [&](StoreTransaction& t) {
                return testing::status_of(t.open_dispute(d, "test"));
              }).is_ok());
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  expect_same_as_fresh(kept, day("2026-03-31"));
  for (const char* later : {"2026-04-12", "2026-04-16", "2026-04-21", "2026-06-01"}) {
    ASSERT_TRUE(kept.refresh(*store_, day(later)).is_ok());
    EXPECT_FALSE(kept.last_read_all()) << later;
    expect_same_as_fresh(kept, day(later));
  }
  // Until 2026-04-20 both are read again each day; from the day after, their bases hold.
  ASSERT_TRUE(kept.refresh(*store_, day("2026-06-02")).is_ok());
  EXPECT_EQ(kept.last_read_customers(), 0u);
  EXPECT_EQ(open_of(kept, "K1"), 2000'00 + 500'00 - 1500'00);
}

TEST_F(KeptFiguresTest, ChangesToManyCustomersReadTheWholeLedgerOnce) {
  KeptFigures kept;
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  // Every generated customer gets a new invoice: more than an eighth of them.
  std::string csv = "id,customer_id,issue_date,due_date,amount,currency\n";
  int n = 0;
  for (const auto& [id, c] : kept.customers()) {
    csv += "NEW-" + std::to_string(++n) + "," + id + ",2026-03-30,2026-04-29,10," + c.currency.code() + "\n";
  }
  import(RecordKind::kInvoices, csv);
  ASSERT_TRUE(kept.refresh(*store_, day("2026-03-31")).is_ok());
  EXPECT_TRUE(kept.last_read_all());
  expect_same_as_fresh(kept, day("2026-03-31"));
}

}  // namespace
}  // namespace squeaky
