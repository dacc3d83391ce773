#include "ledger/allocation.h"

#include <gtest/gtest.h>

#include "ledger/aging.h"

namespace squeaky {
namespace {

const Currency kUsd = *Currency::from_code("USD");

Money usd(int64_t cents) { return Money::from_minor(cents, kUsd); }
Date day(std::string_view text) { return *Date::parse(text); }

class AllocationTest : public ::testing::Test {
 protected:
  AllocationTest() {
    ledger_.customer.id = "C1";
    ledger_.customer.currency = kUsd;
  }
  void invoice(std::string id, std::string_view issued, std::string_view due, int64_t cents, bool disputed = false) {
    if (disputed) ledger_.disputes.push_back({1, id, "C1", day(issued), std::nullopt, "quality", ""});
    ledger_.invoices.push_back({std::move(id), "C1", day(issued), day(due), usd(cents), "", ""});
  }
  void payment(std::string id, std::string_view date, int64_t cents, std::string invoice_id = "") {
    ledger_.payments.push_back({std::move(id), "C1", day(date), usd(cents), "", "", std::move(invoice_id)});
  }
  void credit(std::string id, std::string_view date, int64_t cents, std::string invoice_id = "") {
    ledger_.credits.push_back(
        {std::move(id), "C1", day(date), usd(cents), CreditKind::kCreditNote, "pricing", std::move(invoice_id)});
  }
  AccountPosition at(std::string_view as_of) {
    auto p = allocate(ledger_, day(as_of));
    EXPECT_TRUE(p);
    return *p;
  }
  static int64_t open_of(const AccountPosition& p, std::string_view id) {
    for (const InvoicePosition& i : p.invoices) {
      if (i.invoice->id == id) return i.open.minor_units();
    }
    ADD_FAILURE() << "no invoice " << id;
    return -1;
  }

  CustomerLedger ledger_;
};

TEST_F(AllocationTest, UnnamedPaymentsSettleTheOldestDueFirst) {
  invoice("INV-2", "2026-01-10", "2026-02-09", 50000);
  invoice("INV-1", "2026-01-01", "2026-01-31", 30000);
  invoice("INV-3", "2026-02-01", "2026-03-03", 20000);
  payment("P1", "2026-02-15", 40000);
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-1"), 0);
  EXPECT_EQ(open_of(p, "INV-2"), 40000);
  EXPECT_EQ(open_of(p, "INV-3"), 20000);
  EXPECT_EQ(p.open.minor_units(), 60000);
  EXPECT_EQ(p.unapplied.minor_units(), 0);
  EXPECT_EQ(p.balance.minor_units(), 60000);
  EXPECT_EQ(p.invoices[0].invoice->id, "INV-1");
}

TEST_F(AllocationTest, TheDebtorsInstructionGovernsThenTheRestGoesOldestFirst) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 30000);
  invoice("INV-2", "2026-01-10", "2026-02-09", 50000);
  payment("P1", "2026-02-15", 60000, "INV-2");  // 500.00 to INV-2, the 100.00 over goes to INV-1
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-2"), 0);
  EXPECT_EQ(open_of(p, "INV-1"), 20000);
}

TEST_F(AllocationTest, InstructionsComeBeforeUnnamedMoneyWhateverTheDates) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 10000);
  invoice("INV-2", "2026-01-02", "2026-02-01", 10000);
  payment("P1", "2026-02-01", 10000);           // unnamed, earlier
  payment("P2", "2026-02-05", 10000, "INV-1");  // names INV-1
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-1"), 0);
  EXPECT_EQ(open_of(p, "INV-2"), 0);
  EXPECT_EQ(p.unapplied.minor_units(), 0);
}

TEST_F(AllocationTest, NeverOntoADisputedInvoiceAheadOfAnUndisputedOne) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 30000, /*disputed=*/true);
  invoice("INV-2", "2026-01-10", "2026-02-09", 20000);
  payment("P1", "2026-02-15", 25000);
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-2"), 0);      // undisputed first, although due later
  EXPECT_EQ(open_of(p, "INV-1"), 25000);  // then the disputed one gets what is left
}

TEST_F(AllocationTest, ADisputedInvoiceStillTakesMoneyThatNamesIt) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 30000, /*disputed=*/true);
  invoice("INV-2", "2026-01-10", "2026-02-09", 20000);
  payment("P1", "2026-02-15", 30000, "INV-1");
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-1"), 0);
  EXPECT_EQ(open_of(p, "INV-2"), 20000);
}

TEST_F(AllocationTest, WhatCannotBeAppliedIsUnappliedCash) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 10000);
  payment("P1", "2026-02-01", 15000);
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-1"), 0);
  EXPECT_EQ(p.unapplied.minor_units(), 5000);
  EXPECT_EQ(p.balance.minor_units(), -5000);
}

TEST_F(AllocationTest, APaymentNamingAnUnknownInvoiceIsAppliedOldestFirst) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 10000);
  payment("P1", "2026-02-01", 4000, "INV-404");
  EXPECT_EQ(open_of(at("2026-03-31"), "INV-1"), 6000);
}

TEST_F(AllocationTest, CreditsReduceWhatIsOwedLikePayments) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 10000);
  invoice("INV-2", "2026-01-05", "2026-02-04", 10000);
  credit("CN-1", "2026-01-20", 2500, "INV-2");
  credit("CN-2", "2026-01-21", 1000);
  const AccountPosition p = at("2026-03-31");
  EXPECT_EQ(open_of(p, "INV-1"), 9000);
  EXPECT_EQ(open_of(p, "INV-2"), 7500);
  EXPECT_EQ(p.credited.minor_units(), 3500);
  EXPECT_EQ(p.paid.minor_units(), 0);
}

TEST_F(AllocationTest, OnlyWhatHappenedByTheAsOfDateCounts) {
  invoice("INV-1", "2026-01-01", "2026-01-31", 10000);
  invoice("INV-2", "2026-03-01", "2026-03-31", 10000);
  payment("P1", "2026-02-10", 10000);
  payment("P2", "2026-03-15", 3000);
  const AccountPosition feb = at("2026-02-09");
  ASSERT_EQ(feb.invoices.size(), 1u);
  EXPECT_EQ(feb.open.minor_units(), 10000);
  EXPECT_EQ(feb.invoices[0].days_past_due, 9);
  const AccountPosition before_inv2 = at("2026-02-28");
  EXPECT_EQ(before_inv2.open.minor_units(), 0);
  EXPECT_EQ(at("2026-03-31").open.minor_units(), 7000);
}

TEST_F(AllocationTest, UnappliedCashSettlesAnInvoiceIssuedLater) {
  payment("P1", "2026-01-05", 10000);
  invoice("INV-1", "2026-01-10", "2026-02-09", 8000);
  EXPECT_EQ(at("2026-01-06").unapplied.minor_units(), 10000);
  const AccountPosition p = at("2026-02-28");
  EXPECT_EQ(open_of(p, "INV-1"), 0);
  EXPECT_EQ(p.unapplied.minor_units(), 2000);
}

TEST_F(AllocationTest, ReportsOverflowInsteadOfWrapping) {
  invoice("INV-1", "2026-01-01", "2026-01-31", std::numeric_limits<int64_t>::max());
  invoice("INV-2", "2026-01-01", "2026-01-31", 1);
  auto p = allocate(ledger_, day("2026-03-31"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), ErrorCode::kOverflow);
}

TEST_F(AllocationTest, AgesEachOpenInvoiceIntoExactlyOneBucket) {
  // As of 2026-03-31: due 03-31 is current (0 days), 03-30 is 1 day, 03-01 is 30, 02-28 is 31,
  // 01-30 is 60, 01-29 is 61, 12-31 is 90, 12-30 is 91.
  invoice("A", "2026-03-01", "2026-03-31", 1);
  invoice("B", "2026-03-01", "2026-03-30", 10);
  invoice("C", "2026-02-01", "2026-03-01", 100);
  invoice("D", "2026-02-01", "2026-02-28", 1000);
  invoice("E", "2026-01-01", "2026-01-30", 10000);
  invoice("F", "2026-01-01", "2026-01-29", 100000);
  invoice("G", "2025-12-01", "2025-12-31", 1000000);
  invoice("H", "2025-12-01", "2025-12-30", 10000000);
  invoice("I", "2026-03-31", "2026-04-30", 100000000);
  auto row = age(at("2026-03-31"));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->buckets[0], 100000001);  // A and I
  EXPECT_EQ(row->buckets[1], 110);        // B, C
  EXPECT_EQ(row->buckets[2], 11000);      // D, E
  EXPECT_EQ(row->buckets[3], 1100000);    // F, G
  EXPECT_EQ(row->buckets[4], 10000000);   // H
  EXPECT_EQ(row->total, 111111111);
  EXPECT_EQ(row->overdue(), 11111110);
}

TEST_F(AllocationTest, AgesAcrossALeapDay) {
  // 2024 is a leap year: due 2024-01-30 is 30 days past due on 2024-02-29 and 31 on 2024-03-01.
  invoice("A", "2024-01-01", "2024-01-30", 500);
  auto leap_day = age(at("2024-02-29"));
  EXPECT_EQ(leap_day->buckets[static_cast<size_t>(AgingBucket::k1To30)], 500);
  auto next = age(at("2024-03-01"));
  EXPECT_EQ(next->buckets[static_cast<size_t>(AgingBucket::k31To60)], 500);
}

TEST(AgingTest, BucketBoundaries) {
  EXPECT_EQ(aging_bucket(-5), AgingBucket::kCurrent);
  EXPECT_EQ(aging_bucket(0), AgingBucket::kCurrent);
  EXPECT_EQ(aging_bucket(1), AgingBucket::k1To30);
  EXPECT_EQ(aging_bucket(30), AgingBucket::k1To30);
  EXPECT_EQ(aging_bucket(31), AgingBucket::k31To60);
  EXPECT_EQ(aging_bucket(60), AgingBucket::k31To60);
  EXPECT_EQ(aging_bucket(61), AgingBucket::k61To90);
  EXPECT_EQ(aging_bucket(90), AgingBucket::k61To90);
  EXPECT_EQ(aging_bucket(91), AgingBucket::kOver90);
  EXPECT_EQ(to_string(AgingBucket::kOver90), "90+");
}

TEST(AgingTest, ReportSumsPerCurrency) {
  AgingReport report;
  AgingRow usd_row;
  ASSERT_TRUE(usd_row.add(AgingBucket::k1To30, 150).is_ok());
  AgingRow jpy_row;
  ASSERT_TRUE(jpy_row.add(AgingBucket::kOver90, 7000).is_ok());
  ASSERT_TRUE(report.add(kUsd, usd_row).is_ok());
  ASSERT_TRUE(report.add(kUsd, usd_row).is_ok());
  ASSERT_TRUE(report.add(*Currency::from_code("JPY"), jpy_row).is_ok());
  EXPECT_EQ(report.currencies().at(kUsd).buckets[1], 300);
  EXPECT_EQ(report.currencies().at(kUsd).total, 300);
  EXPECT_EQ(report.currencies().at(*Currency::from_code("JPY")).total, 7000);
}

}  // namespace
}  // namespace squeaky
