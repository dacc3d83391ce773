#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "charges/arithmetic.h"
#include "charges/fees.h"
#include "charges/late_payment.h"
#include "charges/rates.h"

namespace squeaky {
namespace {

Currency cur(std::string_view code) { return *Currency::from_code(code); }
Money gbp(std::string_view text) { return *Money::parse(text, cur("GBP")); }
Money eur(std::string_view text) { return *Money::parse(text, cur("EUR")); }
Date d(std::string_view text) { return *Date::parse(text); }

LatePaymentRegime regime(std::string_view name) { return *late_payment_regime(name); }

// The tables with `boe-base` replaced by one flat rate, for round numbers.
RateTables flat_boe_tables(int64_t basis_points) {
  RateTables tables = shipped_rate_tables();
  const std::string toml =
      "name = \"boe-base\"\n"
      "complete_through = 2099-12-31\n"
      "complete_through_source = \"test\"\n"
      "[[rate]]\n"
      "effective = 2000-01-01\n"
      "rate_bp = " +
      std::to_string(basis_points) +
      "\n"
      "source = \"test\"\n";
  const Status status = tables.load(toml, "test-boe.toml");
  EXPECT_TRUE(status.is_ok()) << status.message();
  return tables;
}

LatePaymentCharge uk_charge(Money amount, std::string_view due, std::string_view as_of,
                            const std::vector<OpenAmountChange>& history = {},
                            const RateTables& tables = shipped_rate_tables()) {
  auto charge = late_payment_charge(regime("uk-late-payment"), tables, amount, d(due), history, d(as_of));
  EXPECT_TRUE(charge) << charge.status().message();
  return charge ? *charge : LatePaymentCharge{};
}

// --- The DOMAIN.md example ----------------------------------------------------------------------

TEST(LatePaymentTest, DomainExampleExactly) {
  // GBP 5,000, due 10 August 2025 (interest from 11 August, so the base rate of 30 June 2025,
  // 4.25%, applies), 101 days late on 19 November 2025.
  const LatePaymentCharge charge = uk_charge(gbp("5000.00"), "2025-08-10", "2025-11-19");
  EXPECT_EQ(charge.regime, "uk-late-payment");
  EXPECT_EQ(charge.reference_rate_bp, 425);
  EXPECT_EQ(charge.reference_rate_day, d("2025-06-30"));
  EXPECT_EQ(charge.statutory_rate_bp, 1225);
  EXPECT_EQ(charge.days_late, 101);
  // 5,000 x 12.25% x 101 / 365 = 169.4863... -> 169.49.
  EXPECT_EQ(charge.interest, gbp("169.49"));
  EXPECT_EQ(charge.compensation, gbp("70.00"));
  EXPECT_EQ(charge.explanation,
            "8.00% over the Bank of England base rate of 4.25% on 30 June 2025 = 12.25% a year, 101 days, actual/365");
  EXPECT_EQ(charge.compensation_explanation,
            "GBP 70.00 fixed compensation for a debt of GBP 1,000.00 to under GBP 10,000.00");
  ASSERT_EQ(charge.periods.size(), 1u);
  EXPECT_EQ(charge.periods[0].first_day, d("2025-08-11"));
  EXPECT_EQ(charge.periods[0].last_day, d("2025-11-19"));
  EXPECT_EQ(charge.periods[0].reference_rate_source, "Bank of England MPC decision of 8 May 2025 (Bank Rate history)");
}

// --- Rate fixing --------------------------------------------------------------------------------

TEST(LatePaymentTest, UkRateIsFixedByTheHalfYearInterestStartsIn) {
  // Due in the first half: the base rate on 31 December 2024 (4.75%), kept although the base rate
  // fell three times while the debt was unpaid.
  const LatePaymentCharge march = uk_charge(gbp("5000.00"), "2025-03-10", "2025-11-19");
  EXPECT_EQ(march.reference_rate_day, d("2024-12-31"));
  EXPECT_EQ(march.reference_rate_bp, 475);
  EXPECT_EQ(march.statutory_rate_bp, 1275);
  EXPECT_EQ(march.days_late, 254);
  EXPECT_EQ(march.periods.size(), 1u);
  EXPECT_EQ(march.interest, gbp("443.63"));  // 5,000 x 12.75% x 254 / 365 = 443.630...

  const LatePaymentCharge august = uk_charge(gbp("5000.00"), "2025-08-10", "2025-08-11");
  EXPECT_EQ(august.reference_rate_day, d("2025-06-30"));
  EXPECT_EQ(august.reference_rate_bp, 425);
}

TEST(LatePaymentTest, UkReferenceDayIsTheOneBeforeInterestStartsToRun) {
  // The Order keys the rate to the day interest starts (the day after the due date): a debt due on
  // 30 June starts accruing on 1 July, so the rate of 30 June applies, not that of 31 December.
  EXPECT_EQ(uk_charge(gbp("100.00"), "2025-06-30", "2025-07-01").reference_rate_day, d("2025-06-30"));
  EXPECT_EQ(uk_charge(gbp("100.00"), "2025-06-29", "2025-07-01").reference_rate_day, d("2024-12-31"));
  EXPECT_EQ(uk_charge(gbp("100.00"), "2024-12-31", "2025-01-01").reference_rate_day, d("2024-12-31"));
  EXPECT_EQ(reference_rate_day(ReferenceDay::kEndOfPreviousHalfYear, d("2025-03-11")), d("2024-12-31"));
  EXPECT_EQ(reference_rate_day(ReferenceDay::kEndOfPreviousHalfYear, d("2025-07-01")), d("2025-06-30"));
  EXPECT_EQ(reference_rate_day(ReferenceDay::kStartOfHalfYear, d("2025-06-30")), d("2025-01-01"));
  EXPECT_EQ(reference_rate_day(ReferenceDay::kStartOfHalfYear, d("2025-12-31")), d("2025-07-01"));
}

// --- Compensation -------------------------------------------------------------------------------

TEST(LatePaymentTest, UkCompensationBands) {
  EXPECT_EQ(uk_charge(gbp("999.99"), "2025-08-10", "2025-08-20").compensation, gbp("40.00"));
  EXPECT_EQ(uk_charge(gbp("1000.00"), "2025-08-10", "2025-08-20").compensation, gbp("70.00"));
  EXPECT_EQ(uk_charge(gbp("9999.99"), "2025-08-10", "2025-08-20").compensation, gbp("70.00"));
  EXPECT_EQ(uk_charge(gbp("10000.00"), "2025-08-10", "2025-08-20").compensation, gbp("100.00"));
  EXPECT_EQ(uk_charge(gbp("999.99"), "2025-08-10", "2025-08-20").compensation_explanation,
            "GBP 40.00 fixed compensation for a debt under GBP 1,000.00");
  EXPECT_EQ(uk_charge(gbp("10000.00"), "2025-08-10", "2025-08-20").compensation_explanation,
            "GBP 100.00 fixed compensation for a debt of GBP 10,000.00 or more");
}

TEST(LatePaymentTest, NothingBeforeOrOnTheDueDate) {
  for (std::string_view as_of : {"2025-08-01", "2025-08-10"}) {
    const LatePaymentCharge charge = uk_charge(gbp("5000.00"), "2025-08-10", as_of);
    EXPECT_EQ(charge.days_late, 0);
    EXPECT_EQ(charge.interest, gbp("0.00"));
    EXPECT_EQ(charge.compensation, gbp("0.00"));
    EXPECT_TRUE(charge.periods.empty());
    EXPECT_EQ(charge.explanation, "not late: due 10 August 2025");
  }
  // One day late: one day of interest, and the compensation.
  const LatePaymentCharge one = uk_charge(gbp("5000.00"), "2025-08-10", "2025-08-11");
  EXPECT_EQ(one.days_late, 1);
  EXPECT_EQ(one.interest, gbp("1.68"));  // 5,000 x 12.25% / 365 = 1.678...
  EXPECT_EQ(one.compensation, gbp("70.00"));
  EXPECT_EQ(one.explanation,
            "8.00% over the Bank of England base rate of 4.25% on 30 June 2025 = 12.25% a year, 1 day, actual/365");
}

// --- Partial payments ---------------------------------------------------------------------------

TEST(LatePaymentTest, PartialPaymentReducesInterestFromTheNextDay) {
  // GBP 3,000 arrives on 9 September 2025 (day 30): that day still accrues on 5,000; from
  // 10 September the interest runs on 2,000.
  const std::vector<AmountReceived> received = {{d("2025-09-09"), gbp("3000.00")}};
  auto history = open_amount_history(gbp("5000.00"), received);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0], (OpenAmountChange{d("2025-09-09"), gbp("2000.00")}));

  const LatePaymentCharge charge = uk_charge(gbp("5000.00"), "2025-08-10", "2025-11-19", *history);
  // (5,000 x 30 + 2,000 x 71) x 12.25% / 365 = 98.00 exactly.
  EXPECT_EQ(charge.interest, gbp("98.00"));
  EXPECT_LT(charge.interest, gbp("169.49"));
  EXPECT_EQ(charge.days_late, 101);
  EXPECT_EQ(charge.compensation, gbp("70.00"));  // banded on the debt, not on what is left
  ASSERT_EQ(charge.periods.size(), 2u);
  EXPECT_EQ(charge.periods[0].last_day, d("2025-09-09"));
  EXPECT_EQ(charge.periods[1].first_day, d("2025-09-10"));
  EXPECT_EQ(charge.periods[1].principal, gbp("2000.00"));
  EXPECT_EQ(charge.explanation,
            "8.00% over the Bank of England base rate of 4.25% on 30 June 2025 = 12.25% a year, 101 days "
            "(GBP 5,000.00 for 30 days, then GBP 2,000.00 for 71 days), actual/365");
}

TEST(LatePaymentTest, PaidInFullStopsInterestButKeepsCompensation) {
  const std::vector<OpenAmountChange> history = {{d("2025-09-09"), gbp("0.00")}};
  const LatePaymentCharge charge = uk_charge(gbp("5000.00"), "2025-08-10", "2025-11-19", history);
  EXPECT_EQ(charge.days_late, 30);
  EXPECT_EQ(charge.interest, gbp("50.34"));  // 5,000 x 12.25% x 30 / 365 = 50.342...
  EXPECT_EQ(charge.compensation, gbp("70.00"));

  // Paid before the due date (a change on or before it sets what is owed when interest starts).
  const std::vector<OpenAmountChange> early = {{d("2025-08-10"), gbp("0.00")}};
  const LatePaymentCharge on_time = uk_charge(gbp("5000.00"), "2025-08-10", "2025-11-19", early);
  EXPECT_EQ(on_time.days_late, 0);
  EXPECT_EQ(on_time.interest, gbp("0.00"));
  EXPECT_EQ(on_time.compensation, gbp("0.00"));
  EXPECT_EQ(on_time.explanation, "nothing owed after the due date 10 August 2025");
}

TEST(LatePaymentTest, OpenAmountHistorySumsADayAndStopsAtZero) {
  const std::vector<AmountReceived> received = {
      {d("2025-09-20"), gbp("900.00")}, {d("2025-09-09"), gbp("100.00")}, {d("2025-09-09"), gbp("50.00")}};
  auto history = open_amount_history(gbp("1000.00"), received);
  ASSERT_TRUE(history);
  EXPECT_EQ(*history,
            (std::vector<OpenAmountChange>{{d("2025-09-09"), gbp("850.00")}, {d("2025-09-20"), gbp("0.00")}}));
  const std::vector<AmountReceived> wrong = {{d("2025-09-09"), eur("1.00")}};
  auto bad = open_amount_history(gbp("1000.00"), wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().message(), "the amount received on 2025-09-09 is in EUR; the invoice is in GBP");
}

// --- The EU regime ------------------------------------------------------------------------------

TEST(LatePaymentTest, EuExampleInEuro) {
  // EUR 10,000 due 10 August 2025: the ECB rate on 1 July 2025 (2.15%) + 8 = 10.15%.
  auto charge = late_payment_charge(regime("eu-late-payment"), shipped_rate_tables(), eur("10000.00"), d("2025-08-10"),
                                    {}, d("2025-11-19"));
  ASSERT_TRUE(charge) << charge.status().message();
  EXPECT_EQ(charge->reference_rate_bp, 215);
  EXPECT_EQ(charge->reference_rate_day, d("2025-07-01"));
  EXPECT_EQ(charge->statutory_rate_bp, 1015);
  EXPECT_EQ(charge->days_late, 101);
  EXPECT_EQ(charge->interest, eur("280.86"));  // 10,000 x 10.15% x 101 / 365 = 280.863...
  EXPECT_EQ(charge->compensation, eur("40.00"));
  EXPECT_EQ(charge->compensation_explanation, "EUR 40.00 fixed compensation per debt");
  EXPECT_EQ(charge->explanation,
            "8.00% over the ECB main refinancing rate of 2.15% on 1 July 2025 = 10.15% a year, 101 days, actual/365");
}

TEST(LatePaymentTest, EuRateFollowsEachHalfYear) {
  // Due 1 December 2022: December uses the rate of 1 July 2022 (0.00%), January 2023 the rate of
  // 1 January 2023 (2.50%).
  auto charge = late_payment_charge(regime("eu-late-payment"), shipped_rate_tables(), eur("10000.00"), d("2022-12-01"),
                                    {}, d("2023-01-31"));
  ASSERT_TRUE(charge) << charge.status().message();
  ASSERT_EQ(charge->periods.size(), 2u);
  EXPECT_EQ(charge->periods[0].statutory_rate_bp, 800);
  EXPECT_EQ(charge->periods[0].days(), 30);
  EXPECT_EQ(charge->periods[1].reference_rate_day, d("2023-01-01"));
  EXPECT_EQ(charge->periods[1].statutory_rate_bp, 1050);
  EXPECT_EQ(charge->periods[1].days(), 31);
  EXPECT_EQ(charge->statutory_rate_bp, 800);  // the first day's
  // 10,000 x (8% x 30 + 10.5% x 31) / 365 = 154.931...
  EXPECT_EQ(charge->interest, eur("154.93"));
  EXPECT_EQ(charge->explanation,
            "8.00% over the ECB main refinancing rate of 0.00% on 1 July 2022 = 8.00% a year for 30 days, then "
            "8.00% over the ECB main refinancing rate of 2.50% on 1 January 2023 = 10.50% a year for 31 days; "
            "61 days, actual/365");
}

TEST(LatePaymentTest, WrongCurrencyForTheRegime) {
  auto charge = late_payment_charge(regime("uk-late-payment"), shipped_rate_tables(), eur("5000.00"), d("2025-08-10"),
                                    {}, d("2025-11-19"));
  ASSERT_FALSE(charge);
  EXPECT_EQ(charge.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(charge.status().message(), "uk-late-payment applies to debts in GBP; this invoice is in EUR");

  const std::vector<OpenAmountChange> history = {{d("2025-09-09"), eur("1.00")}};
  auto mixed = late_payment_charge(regime("uk-late-payment"), shipped_rate_tables(), gbp("5000.00"), d("2025-08-10"),
                                   history, d("2025-11-19"));
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.status().message(), "the open amount on 2025-09-09 is in EUR; the invoice is in GBP");
}

TEST(LatePaymentTest, RegimeLookup) {
  for (std::string_view name : late_payment_regime_names()) EXPECT_EQ(regime(name).name, name);
  auto unknown = late_payment_regime("us-prompt-payment");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
}

// --- Which regime -------------------------------------------------------------------------------

TEST(RegimeChoiceTest, ByKindCountryAndCurrency) {
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "GB", cur("GBP")).regime, "uk-late-payment");
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "DE", cur("EUR")).regime, "eu-late-payment");
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "IE", cur("EUR")).regime, "eu-late-payment");

  const RegimeChoice consumer = choose_late_payment_regime(CustomerKind::kConsumer, "GB", cur("GBP"));
  EXPECT_EQ(consumer.regime, std::nullopt);
  EXPECT_EQ(consumer.reason,
            "no statutory late-payment interest: the customer is a consumer (the laws cover business debts only)");
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kConsumer, "FR", cur("EUR")).regime, std::nullopt);

  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "GB", cur("USD")).regime, std::nullopt);
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "FR", cur("USD")).regime, std::nullopt);
  EXPECT_EQ(choose_late_payment_regime(CustomerKind::kBusiness, "US", cur("USD")).reason,
            "no statutory late-payment regime is built in for country 'US'");
  const RegimeChoice sweden = choose_late_payment_regime(CustomerKind::kBusiness, "SE", cur("EUR"));
  EXPECT_EQ(sweden.regime, std::nullopt);
  EXPECT_NE(sweden.reason.find("not the euro area"), std::string::npos);
}

// --- Rounding and day counts --------------------------------------------------------------------

TEST(LatePaymentTest, RoundsHalfUpAtHalfAMinorUnit) {
  const RateTables tables = flat_boe_tables(200);  // 2% + 8 = 10%
  // GBP 18.25 x 10% for one day / 365 = 0.5p exactly -> 1p; GBP 91.25 -> 2.5p -> 3p.
  EXPECT_EQ(uk_charge(gbp("18.25"), "2025-08-10", "2025-08-11", {}, tables).interest, gbp("0.01"));
  EXPECT_EQ(uk_charge(gbp("91.25"), "2025-08-10", "2025-08-11", {}, tables).interest, gbp("0.03"));
  // Just under a half rounds down.
  EXPECT_EQ(uk_charge(gbp("18.24"), "2025-08-10", "2025-08-11", {}, tables).interest, gbp("0.00"));

  LatePaymentRegime half_even = regime("uk-late-payment");
  half_even.rounding = Rounding::kHalfEven;
  auto even = late_payment_charge(half_even, tables, gbp("91.25"), d("2025-08-10"), {}, d("2025-08-11"));
  ASSERT_TRUE(even);
  EXPECT_EQ(even->interest, gbp("0.02"));
}

TEST(LatePaymentTest, DayCounts) {
  const RateTables tables = flat_boe_tables(200);  // 10%
  // GBP 3,660 at 10% from 23 December 2023 to 10 January 2024: 9 days of 2023, 10 of leap 2024.
  LatePaymentRegime r = regime("uk-late-payment");
  auto with = [&](DayCount day_count) {
    r.day_count = day_count;
    auto charge = late_payment_charge(r, tables, gbp("3660.00"), d("2023-12-22"), {}, d("2024-01-10"));
    EXPECT_TRUE(charge) << charge.status().message();
    return charge ? charge->interest : Money();
  };
  EXPECT_EQ(with(DayCount::kActual365Fixed), gbp("19.05"));  // 366 x 19 / 365 = 19.052...
  EXPECT_EQ(with(DayCount::kActualActual), gbp("19.02"));    // 366 x 9 / 365 + 366 x 10 / 366 = 19.024...
  EXPECT_EQ(with(DayCount::kActual360), gbp("19.32"));       // 366 x 19 / 360 = 19.316...
  r.day_count = DayCount::kActualActual;
  auto charge = late_payment_charge(r, tables, gbp("3660.00"), d("2023-12-22"), {}, d("2024-01-10"));
  ASSERT_TRUE(charge);
  EXPECT_EQ(charge->periods.size(), 1u);  // split internally by year, shown as one run
  EXPECT_NE(charge->explanation.find("19 days, actual/actual"), std::string::npos);
}

TEST(ArithmeticTest, PercentOfRoundsByName) {
  EXPECT_EQ(*percent_of(gbp("1.00"), 150, Rounding::kHalfUp), gbp("0.02"));  // 1.5p
  EXPECT_EQ(*percent_of(gbp("1.00"), 250, Rounding::kHalfUp), gbp("0.03"));  // 2.5p
  EXPECT_EQ(*percent_of(gbp("1.00"), 250, Rounding::kHalfEven), gbp("0.02"));
  EXPECT_EQ(*percent_of(gbp("1.00"), 150, Rounding::kHalfEven), gbp("0.02"));
  EXPECT_EQ(*percent_of(gbp("1.00"), 290, Rounding::kTowardZero), gbp("0.02"));
  EXPECT_EQ(*percent_of(gbp("-1.00"), 250, Rounding::kHalfUp), gbp("-0.03"));  // away from zero
  EXPECT_EQ(*percent_of(gbp("-1.00"), 249, Rounding::kHalfUp), gbp("-0.02"));
  EXPECT_EQ(to_string(Rounding::kHalfUp), "half-up");
  EXPECT_EQ(parse_rounding("down"), Rounding::kTowardZero);
  EXPECT_EQ(parse_day_count("actual/360"), DayCount::kActual360);
  EXPECT_EQ(parse_day_count("30/360"), std::nullopt);
}

TEST(ArithmeticTest, PercentagesInBasisPoints) {
  EXPECT_EQ(format_percent(1225), "12.25%");
  EXPECT_EQ(format_percent(10), "0.10%");
  EXPECT_EQ(format_percent(0), "0.00%");
  EXPECT_EQ(format_percent(-50), "-0.50%");
  EXPECT_EQ(*parse_percent("1.5"), 150);
  EXPECT_EQ(*parse_percent("12.25"), 1225);
  EXPECT_EQ(*parse_percent("8"), 800);
  EXPECT_EQ(*parse_percent("0.05"), 5);
  EXPECT_EQ(*parse_percent("1000"), 100'000);
  for (std::string_view bad : {"", "1.", ".5", "1,5", "-1", "+1", "1e2", "1.5%", "1..5", " 1"}) {
    EXPECT_FALSE(parse_percent(bad)) << bad;
  }
  EXPECT_EQ(parse_percent("1.555").status().message(), "has more than two decimals (a rate is kept in basis points)");
  EXPECT_EQ(parse_percent("1000.01").status().message(), "is more than 1000%");
}

// --- Rate tables --------------------------------------------------------------------------------

TEST(RateTableTest, ShippedTablesParseAndHoldKnownValues) {
  ASSERT_EQ(shipped_rate_files().size(), 2u);
  for (const ShippedRateFile& file : shipped_rate_files()) {
    auto table = parse_rate_table(file.text, file.path);
    EXPECT_TRUE(table) << table.status().message();
  }
  const RateTables& tables = shipped_rate_tables();
  EXPECT_EQ(tables.names(), (std::vector<std::string>{"boe-base", "ecb-mro"}));
  auto boe = [&](std::string_view day) { return tables.rate_on("boe-base", d(day))->basis_points; };
  EXPECT_EQ(boe("2019-12-31"), 75);
  EXPECT_EQ(boe("2020-03-10"), 75);
  EXPECT_EQ(boe("2020-03-11"), 25);
  EXPECT_EQ(boe("2020-03-19"), 10);
  EXPECT_EQ(boe("2021-12-16"), 25);
  EXPECT_EQ(boe("2022-12-31"), 350);
  EXPECT_EQ(boe("2023-08-03"), 525);
  EXPECT_EQ(boe("2024-06-30"), 525);
  EXPECT_EQ(boe("2024-08-01"), 500);
  EXPECT_EQ(boe("2024-11-07"), 475);
  EXPECT_EQ(boe("2025-02-06"), 450);
  EXPECT_EQ(boe("2025-05-08"), 425);
  EXPECT_EQ(boe("2025-08-07"), 400);
  auto ecb = [&](std::string_view day) { return tables.rate_on("ecb-mro", d(day))->basis_points; };
  EXPECT_EQ(ecb("2019-01-01"), 0);
  EXPECT_EQ(ecb("2022-07-01"), 0);
  EXPECT_EQ(ecb("2023-01-01"), 250);
  EXPECT_EQ(ecb("2024-01-01"), 450);
  EXPECT_EQ(ecb("2024-07-01"), 425);
  EXPECT_EQ(ecb("2025-01-01"), 315);
  EXPECT_EQ(ecb("2025-07-01"), 215);
  EXPECT_EQ(ecb("2026-01-01"), 215);
  // Every shipped value names a source.
  for (const std::string& name : tables.names()) {
    for (const RateChange& change : tables.find(name)->changes) EXPECT_FALSE(change.source.empty());
  }
}

TEST(RateTableTest, RefusesDaysOutsideTheTable) {
  const RateTables& tables = shipped_rate_tables();
  auto early = tables.rate_on("ecb-mro", d("2010-01-01"));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.status().message(),
            "rate table 'ecb-mro' (rates/ecb-mro.toml) has no rate for 2010-01-01: its first entry is 2014-09-10");
  auto late = tables.rate_on("ecb-mro", d("2026-07-01"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.status().message(),
            "rate table 'ecb-mro' (rates/ecb-mro.toml) is complete only through 2026-01-01; the rate on 2026-07-01 "
            "is needed: add the changes since then (docs/charges.md)");
  auto unknown = tables.rate_on("fed-funds", d("2025-01-01"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  // The charge names its regime in front of the table's message.
  auto charge =
      late_payment_charge(regime("eu-late-payment"), tables, eur("100.00"), d("2026-07-10"), {}, d("2026-07-20"));
  ASSERT_FALSE(charge);
  EXPECT_EQ(charge.status().message().rfind("eu-late-payment: rate table 'ecb-mro'", 0), 0u);
}

TEST(RateTableTest, UserFileReplacesTheShippedTable) {
  RateTables tables = shipped_rate_tables();
  const Status status = tables.load(
      "name = \"boe-base\"\n"
      "description = \"my copy\"\n"
      "complete_through = 2025-12-31\n"
      "complete_through_source = \"checked by me\"\n"
      "[[rate]]\n"
      "effective = 2025-01-01\n"
      "rate_bp = 500\n"
      "source = \"my note\"\n",
      "/home/me/boe.toml");
  ASSERT_TRUE(status.is_ok()) << status.message();
  EXPECT_EQ(tables.find("boe-base")->file, "/home/me/boe.toml");
  EXPECT_EQ(tables.rate_on("boe-base", d("2025-06-30"))->basis_points, 500);
  EXPECT_EQ(tables.rate_on("ecb-mro", d("2025-07-01"))->basis_points, 215);  // untouched
  EXPECT_EQ(uk_charge(gbp("5000.00"), "2025-08-10", "2025-11-19", {}, tables).statutory_rate_bp, 1300);
}

std::string table_error(std::string_view toml) {
  auto parsed = parse_rate_table(toml, "my-rates.toml");
  return parsed ? "ok" : parsed.status().message();
}

TEST(RateTableTest, BadTomlNamesFileAndLine) {
  EXPECT_EQ(table_error("name = \"x\"\n"
                        "complete_through = 2025-12-31\n"
                        "rate_bp = = 5\n"),
            "my-rates.toml:3: invalid TOML: error while parsing value: could not determine value type");
}

TEST(RateTableTest, BadValuesNameFileLineAndKey) {
  const std::string head =
      "name = \"boe-base\"\n"                              // 1
      "complete_through = 2025-12-31\n"                    // 2
      "complete_through_source = \"test\"\n";              // 3
  EXPECT_EQ(table_error(head + "[[rate]]\n"                // 4
                               "effective = 2025-01-01\n"  // 5
                               "rate_bp = \"5.25\"\n"      // 6
                               "source = \"x\"\n"),
            "my-rates.toml:6: key 'rate_bp': expected a whole number of basis points (525 = 5.25%), found a "
            "string '5.25'");
  EXPECT_EQ(table_error(head + "[[rate]]\n"                    // 4
                               "effective = \"2025-01-01\"\n"  // 5
                               "rate_bp = 525\n"               // 6
                               "source = \"x\"\n"),
            "my-rates.toml:5: key 'effective': expected a date (written 2025-08-07, without quotes), found a string "
            "'2025-01-01'");
  EXPECT_EQ(table_error(head + "[[rate]]\n"                // 4
                               "effective = 2025-01-01\n"  // 5
                               "rate_bp = 525\n"),         // 6
            "my-rates.toml:4: no key 'source' in the [[rate]] at line 4");
  EXPECT_EQ(table_error(head + "[[rate]]\n"                // 4
                               "effective = 2025-02-01\n"  // 5
                               "rate_bp = 525\n"           // 6
                               "source = \"x\"\n"          // 7
                               "[[rate]]\n"                // 8
                               "effective = 2025-01-01\n"  // 9
                               "rate_bp = 500\n"           // 10
                               "rate = 1\n"                // 11
                               "source = \"x\"\n"),        // 12
            "my-rates.toml:9: key 'effective': 2025-01-01 is not after 2025-02-01 (line 4); list the changes oldest "
            "first, one per day\n"
            "my-rates.toml:11: unknown key 'rate' in the [[rate]] at line 8");
  EXPECT_EQ(table_error(head + "[[rate]]\n"                // 4
                               "effective = 2026-01-01\n"  // 5
                               "rate_bp = 525\n"           // 6
                               "source = \"x\"\n"),
            "my-rates.toml:5: key 'effective': 2026-01-01 is after complete_through 2025-12-31");
  EXPECT_EQ(table_error("name = \"boe base\"\n"
                        "complete_through = 2025-12-31\n"
                        "complete_through_source = \"test\"\n"),
            "my-rates.toml:1: key 'name': 'boe base' is not a name (use letters, digits, '-' and '_', no spaces)\n"
            "my-rates.toml:1: no key 'rate' (the table needs at least one [[rate]])");
  EXPECT_EQ(table_error("name = \"x\"\n"
                        "[[rate]]\n"
                        "effective = 2025-01-01\n"
                        "rate_bp = 100001\n"
                        "source = \"x\"\n"),
            "my-rates.toml:1: no key 'complete_through'\n"
            "my-rates.toml:1: no key 'complete_through_source'\n"
            "my-rates.toml:4: key 'rate_bp': 100001 is outside -100000..100000 (basis points)");
}

// --- Contractual fees ---------------------------------------------------------------------------

TEST(FeeTest, FixedPercentBothAndCapped) {
  FeeTerms fixed;
  fixed.fixed = gbp("25.00");
  auto f = contractual_fee(fixed, gbp("1000.00"), CustomerKind::kBusiness);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->amount, gbp("25.00"));
  EXPECT_EQ(f->explanation, "GBP 25.00 fixed fee");

  FeeTerms percent;
  percent.percent_bp = 150;
  auto p = contractual_fee(percent, gbp("1234.56"), CustomerKind::kBusiness);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->amount, gbp("18.52"));  // 1.5% of 1,234.56 = 18.5184
  EXPECT_EQ(p->explanation, "1.50% of GBP 1,234.56 overdue = GBP 18.52 (rounded half-up)");

  FeeTerms both = fixed;
  both.percent_bp = 150;
  auto b = contractual_fee(both, gbp("1000.00"), CustomerKind::kBusiness);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->amount, gbp("40.00"));
  EXPECT_EQ(b->explanation,
            "GBP 25.00 fixed fee + 1.50% of GBP 1,000.00 overdue (GBP 15.00, rounded half-up) = "
            "GBP 40.00");

  both.maximum = gbp("30.00");
  auto capped = contractual_fee(both, gbp("1000.00"), CustomerKind::kBusiness);
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->amount, gbp("30.00"));
  EXPECT_EQ(capped->explanation,
            "GBP 25.00 fixed fee + 1.50% of GBP 1,000.00 overdue (GBP 15.00, rounded half-up) = GBP 40.00, capped at "
            "GBP 30.00");
}

TEST(FeeTest, PercentRoundsHalfUpAtHalfAMinorUnit) {
  FeeTerms terms;
  terms.percent_bp = 50;  // 0.5% of 1.00 = 0.5p
  EXPECT_EQ(contractual_fee(terms, gbp("1.00"), CustomerKind::kBusiness)->amount, gbp("0.01"));
  terms.rounding = Rounding::kTowardZero;
  EXPECT_EQ(contractual_fee(terms, gbp("1.00"), CustomerKind::kBusiness)->amount, gbp("0.00"));
}

TEST(FeeTest, ConsumersOnlyWhenTheContractAllows) {
  FeeTerms terms;
  terms.fixed = gbp("25.00");
  auto refused = contractual_fee(terms, gbp("1000.00"), CustomerKind::kConsumer);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->amount, gbp("0.00"));
  EXPECT_EQ(refused->explanation, "no fee: consumer account, and the contract does not allow fees on consumers");
  terms.allowed_on_consumers = true;
  EXPECT_EQ(contractual_fee(terms, gbp("1000.00"), CustomerKind::kConsumer)->amount, gbp("25.00"));
}

TEST(FeeTest, NothingOverdueNoTermsAndBadTerms) {
  FeeTerms terms;
  EXPECT_EQ(contractual_fee(terms, gbp("10.00"), CustomerKind::kBusiness)->explanation, "no fee: the terms have none");
  terms.fixed = gbp("25.00");
  EXPECT_EQ(contractual_fee(terms, gbp("0.00"), CustomerKind::kBusiness)->explanation, "no fee: nothing is overdue");
  terms.fixed = eur("25.00");
  auto wrong = contractual_fee(terms, gbp("10.00"), CustomerKind::kBusiness);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.status().message(), "the fixed fee 25.00 is in EUR; the account is in GBP");
  terms.fixed = gbp("-1.00");
  EXPECT_FALSE(contractual_fee(terms, gbp("10.00"), CustomerKind::kBusiness));
  terms.fixed.reset();
  terms.percent_bp = -1;
  EXPECT_FALSE(contractual_fee(terms, gbp("10.00"), CustomerKind::kBusiness));
}

}  // namespace
}  // namespace squeaky
