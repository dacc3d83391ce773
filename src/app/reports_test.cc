// The statement of account's late-payment section: the statutory charges a business may claim.
#include "app/reports.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/settings.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;
using testing::status_of;

const Currency kGbp = *Currency::from_code("GBP");
Date day(std::string_view text) { return *Date::parse(text); }
Money gbp(std::string_view amount) { return *Money::parse(amount, kGbp); }

class LateChargesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("reports");
    auto store = testing::open_test_store((dir_ / "squeaky.db").string(), clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void customer(CustomerKind kind) {
    Customer c;
    c.id = "C1";
    c.name = "Solent Marine Ltd";
    c.kind = kind;
    c.country = "GB";
    c.currency = kGbp;
    c.credit_limit = Money::zero(kGbp);
    write([&](StoreTransaction& t) { return status_of(t.put_customer(c, "test")); });
  }
  void write(const std::function<Status(StoreTransaction&)>& work) {
    const Status s = in_transaction(*store_, work);
    ASSERT_TRUE(s.is_ok()) << s.message();
  }
  StatementOfAccount statement(std::string_view as_of) {
    auto s = statement_of_account(*store_, "C1", day(as_of));
    EXPECT_TRUE(s && *s);
    return std::move(**s);
  }

  FixedClock clock_{"2026-11-24T10:00:00Z"};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(LateChargesTest, TheWorkedExampleOfTheLatePaymentAct) {
  // GBP 5,000.00 due 10 July 2025, unpaid 101 days later: the Bank of England rate on 30 June 2025
  // was 4.25%, so 12.25% a year; 5,000.00 x 12.25% x 101 / 365 = 169.49, plus GBP 70 compensation.
  customer(CustomerKind::kBusiness);
  write([&](StoreTransaction& t) {
    return status_of(
        t.put_invoice({"INV-1", "C1", day("2025-06-10"), day("2025-07-10"), gbp("5000.00"), "", ""}, "test"));
  });
  const auto s = statement("2025-10-19");
  EXPECT_EQ(s.late.regime, "uk-late-payment");
  ASSERT_EQ(s.late.charges.size(), 1u);
  EXPECT_EQ(s.late.charges[0].invoice_id, "INV-1");
  EXPECT_EQ(s.late.charges[0].charge.days_late, 101);
  EXPECT_EQ(s.late.charges[0].charge.statutory_rate_bp, 1225);
  EXPECT_EQ(s.late.charges[0].charge.interest, gbp("169.49"));
  EXPECT_EQ(s.late.charges[0].charge.compensation, gbp("70.00"));
}

TEST_F(LateChargesTest, APartPaymentReducesTheInterestFromTheNextDay) {
  // 5,000.00 owed for 50 days, then 1,000.00 for 51 days, at 12.25%: 83.90 + 17.12 = 101.02.
  customer(CustomerKind::kBusiness);
  write([&](StoreTransaction& t) {
    if (auto r = t.put_invoice({"INV-1", "C1", day("2025-06-10"), day("2025-07-10"), gbp("5000.00"), "", ""}, "test");
        !r) {
      return r.status();
    }
    return status_of(t.put_payment({"P-1", "C1", day("2025-08-29"), gbp("4000.00"), "bank", "", "INV-1"}, "test"));
  });
  const auto s = statement("2025-10-19");
  ASSERT_EQ(s.late.charges.size(), 1u);
  EXPECT_EQ(s.late.charges[0].charge.interest, gbp("101.02"));
  EXPECT_EQ(s.late.charges[0].charge.compensation, gbp("70.00"));
}

TEST_F(LateChargesTest, AUsersRateTableReplacesTheShippedOne) {
  // A business that keeps its own Bank Rate table (say 1.00% throughout) names it in squeaky.toml.
  std::ofstream(dir_ / "my-boe.toml")
      << "name = \"boe-base\"\ncomplete_through = 2026-12-31\ncomplete_through_source = \"ours\"\n"
         "[[rate]]\neffective = 2009-03-05\nrate_bp = 100\nsource = \"ours\"\n";
  auto settings = parse_settings("[charges]\nrates = [\"my-boe.toml\"]\n", "squeaky.toml", dir_.string());
  ASSERT_TRUE(settings) << settings.status().message();
  customer(CustomerKind::kBusiness);
  write([&](StoreTransaction& t) {
    return status_of(
        t.put_invoice({"INV-1", "C1", day("2025-06-10"), day("2025-07-10"), gbp("5000.00"), "", ""}, "test"));
  });
  auto s = statement_of_account(*store_, "C1", day("2025-10-19"), settings->rates);
  ASSERT_TRUE(s && *s);
  ASSERT_EQ((*s)->late.charges.size(), 1u);
  EXPECT_EQ((*s)->late.charges[0].charge.statutory_rate_bp, 900);
  EXPECT_EQ((*s)->late.charges[0].charge.interest, gbp("124.52"));  // 5,000.00 x 9% x 101 / 365
  // A bad file is named with its line.
  std::ofstream(dir_ / "bad.toml") << "name = \"boe-base\"\n[[rate]]\nrate_bp = \"high\"\n";
  auto bad = parse_settings("[charges]\nrates = \"bad.toml\"\n", "squeaky.toml", dir_.string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("bad.toml:"), std::string::npos) << bad.status().message();
}

TEST_F(LateChargesTest, ConsumersAreNeverCharged) {
  customer(CustomerKind::kConsumer);
  write([&](StoreTransaction& t) {
    return status_of(
        t.put_invoice({"INV-1", "C1", day("2025-06-10"), day("2025-07-10"), gbp("5000.00"), "", ""}, "test"));
  });
  const auto s = statement("2025-10-19");
  EXPECT_EQ(s.late.regime, "");
  EXPECT_TRUE(s.late.charges.empty());
  EXPECT_FALSE(s.late.note.empty());
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

class DashboardTest : public LateChargesTest {};

TEST_F(DashboardTest, AgingSalesCollectionsAndDsoPerCurrency) {
  customer(CustomerKind::kBusiness);
  write([&](StoreTransaction& t) {
    for (const Invoice& i : {
             // The 90 days through 2026-03-31 start on 2026-01-01. Issued inside them; 60 days past due.
             Invoice{"INV-1", "C1", day("2026-01-02"), day("2026-01-30"), gbp("3000.00"), "", ""},
             // Issued the day before they start: not a sale of the period; 89 days past due.
             Invoice{"INV-2", "C1", day("2025-12-31"), day("2026-01-01"), gbp("1000.00"), "", ""},
             // Not yet due.
             Invoice{"INV-3", "C1", day("2026-03-20"), day("2026-04-19"), gbp("1500.00"), "", ""},
         }) {
      if (Status s = status_of(t.put_invoice(i, "test")); !s.is_ok()) return s;
    }
    // The 30 days start on 2026-03-02: 500.00 paid on INV-1 that day is counted, 250.00 the day
    // before is not.
    if (Status s = status_of(t.put_payment({"PAY-1", "C1", day("2026-03-02"), gbp("500.00"), "", "", "INV-1"}, "test"));
        !s.is_ok())
      return s;
    return status_of(t.put_payment({"PAY-2", "C1", day("2026-03-01"), gbp("250.00"), "", "", "INV-1"}, "test"));
  });
  auto d = dashboard(*store_, day("2026-03-31"));
  ASSERT_TRUE(d) << d.status().message();
  ASSERT_EQ(d->currencies.size(), 1u);
  const DashboardCurrency& c = d->currencies.at(kGbp);
  EXPECT_EQ(c.aging.buckets[0], 1500'00);  // current
  EXPECT_EQ(c.aging.buckets[2], 2250'00);  // 31-60: INV-1 less both payments
  EXPECT_EQ(c.aging.buckets[3], 1000'00);  // 61-90
  EXPECT_EQ(c.aging.total, 4750'00);
  EXPECT_EQ(c.aging.overdue(), 3250'00);
  EXPECT_EQ(c.sales_90_days, 4500'00);     // INV-1 and INV-3
  EXPECT_EQ(c.collected_30_days, 500'00);  // PAY-1 only
  // 4,750.00 / 4,500.00 x 90 = 95.0 days.
  ASSERT_TRUE(c.dso_tenths);
  EXPECT_EQ(*c.dso_tenths, 950);
  EXPECT_EQ(d->actions_today, 0);
  EXPECT_EQ(d->calls_open, 0);
  EXPECT_EQ(d->outbox_waiting, 0);
}

TEST_F(DashboardTest, NothingOwedNothingShown) {
  customer(CustomerKind::kBusiness);
  auto d = dashboard(*store_, day("2026-03-31"));
  ASSERT_TRUE(d) << d.status().message();
  EXPECT_TRUE(d->currencies.empty());
}

}  // namespace
}  // namespace squeaky
