#include "core/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace squeaky {
namespace {

Currency cur(std::string_view code) { return *Currency::from_code(code); }

std::string parse_error(std::string_view text, std::string_view code) {
  auto m = Money::parse(text, cur(code));
  return m ? "ok" : m.status().message();
}

TEST(CurrencyTest, MinorDigitsComeFromTheIsoTable) {
  EXPECT_EQ(cur("USD").minor_digits(), 2);
  EXPECT_EQ(cur("EUR").minor_digits(), 2);
  EXPECT_EQ(cur("JPY").minor_digits(), 0);
  EXPECT_EQ(cur("KRW").minor_digits(), 0);
  EXPECT_EQ(cur("KWD").minor_digits(), 3);
  EXPECT_EQ(cur("BHD").minor_digits(), 3);
  EXPECT_EQ(cur("CLF").minor_digits(), 4);
  EXPECT_EQ(cur("GBP").code(), "GBP");
  // The first and last codes of the table, and neighbours of codes that are not in it.
  EXPECT_EQ(cur("AED").code(), "AED");
  EXPECT_EQ(cur("ZWG").code(), "ZWG");
  EXPECT_EQ(cur("UYW").minor_digits(), 4);
  EXPECT_EQ(cur("XCG").minor_digits(), 2);
}

TEST(CurrencyTest, RejectsUnknownAndMalformedCodes) {
  for (std::string_view bad : {"usd", "US", "USDD", "", "XAU", "ZZZ", "AAA", "AED ", "UsD"}) {
    auto c = Currency::from_code(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.status().message(), "is not an ISO 4217 currency code");
  }
}

TEST(CurrencyTest, OrdersByCode) {
  EXPECT_LT(cur("EUR"), cur("USD"));
  EXPECT_LT(cur("JPY"), cur("KWD"));
}

TEST(MoneyTest, ParsesExactDecimalsPerCurrency) {
  EXPECT_EQ(Money::parse("1234.50", cur("USD"))->minor_units(), 123450);
  EXPECT_EQ(Money::parse("1234.5", cur("USD"))->minor_units(), 123450);
  EXPECT_EQ(Money::parse("1234", cur("USD"))->minor_units(), 123400);
  EXPECT_EQ(Money::parse("0.01", cur("USD"))->minor_units(), 1);
  EXPECT_EQ(Money::parse("-3.07", cur("EUR"))->minor_units(), -307);
  EXPECT_EQ(Money::parse("1500", cur("JPY"))->minor_units(), 1500);
  EXPECT_EQ(Money::parse("12.345", cur("KWD"))->minor_units(), 12345);
  EXPECT_EQ(Money::parse("0.0001", cur("CLF"))->minor_units(), 1);
}

TEST(MoneyTest, RejectsTooManyDecimalPlaces) {
  EXPECT_EQ(parse_error("12.345", "USD"), "has 3 decimal places; USD allows 2");
  EXPECT_EQ(parse_error("1.5", "JPY"), "has 1 decimal place; JPY allows 0");
  EXPECT_EQ(parse_error("1.0001", "KWD"), "has 4 decimal places; KWD allows 3");
}

TEST(MoneyTest, RejectsAnythingButPlainDecimals) {
  const std::string not_amount = "is not an amount (write digits with an optional '-' and '.', as 1234.50)";
  for (std::string_view bad : {"1e3", "NaN", "nan", "inf", "1,234.50", "1 234.50", "+5", " 5", "5 ", "", "-", ".5",
                               "5.", "1.2.3", "--1", "0x10", "$5", "5USD", "١٢٣"}) {
    EXPECT_EQ(parse_error(bad, "USD"), not_amount) << "'" << bad << "'";
  }
}

TEST(MoneyTest, ReportsOverflowInsteadOfWrapping) {
  // INT64_MAX minor units is 92233720368547758.07 USD.
  EXPECT_EQ(Money::parse("92233720368547758.07", cur("USD"))->minor_units(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Money::parse("-92233720368547758.08", cur("USD"))->minor_units(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parse_error("92233720368547758.08", "USD"), "is too large an amount");
  EXPECT_EQ(parse_error("99999999999999999999999", "JPY"), "is too large an amount");
  EXPECT_EQ(parse_error("9223372036854775808", "JPY"), "is too large an amount");
  EXPECT_EQ(Money::parse("9223372036854775807", cur("JPY"))->minor_units(), std::numeric_limits<int64_t>::max());
}

TEST(MoneyTest, FormatsExactlyAndRoundTrips) {
  EXPECT_EQ(Money::from_minor(123450, cur("USD")).to_string(), "1234.50");
  EXPECT_EQ(Money::from_minor(-5, cur("USD")).to_string(), "-0.05");
  EXPECT_EQ(Money::from_minor(0, cur("USD")).to_string(), "0.00");
  EXPECT_EQ(Money::from_minor(1500, cur("JPY")).to_string(), "1500");
  EXPECT_EQ(Money::from_minor(12345, cur("KWD")).to_string(), "12.345");
  EXPECT_EQ(Money::from_minor(std::numeric_limits<int64_t>::min(), cur("USD")).to_string(), "-92233720368547758.08");
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{999}, int64_t{1000000007},
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    for (std::string_view code : {"USD", "JPY", "KWD", "CLF"}) {
      const Money m = Money::from_minor(v, cur(code));
      EXPECT_EQ(Money::parse(m.to_string(), cur(code))->minor_units(), v) << m.to_string() << " " << code;
    }
  }
}

TEST(MoneyTest, GroupsThousandsForPeople) {
  EXPECT_EQ(Money::from_minor(123456789, cur("USD")).to_grouped_string(), "1,234,567.89");
  EXPECT_EQ(Money::from_minor(-100000, cur("USD")).to_grouped_string(), "-1,000.00");
  EXPECT_EQ(Money::from_minor(99999, cur("USD")).to_grouped_string(), "999.99");
  EXPECT_EQ(Money::from_minor(1000000, cur("JPY")).to_grouped_string(), "1,000,000");
  EXPECT_EQ(Money::from_minor(-999, cur("JPY")).to_grouped_string(), "-999");
  EXPECT_EQ(Money::from_minor(1234567, cur("KWD")).to_grouped_string(), "1,234.567");
}

TEST(MoneyTest, CheckedArithmetic) {
  const Money a = Money::from_minor(1050, cur("USD"));
  const Money b = Money::from_minor(250, cur("USD"));
  EXPECT_EQ(a.plus(b)->minor_units(), 1300);
  EXPECT_EQ(a.minus(b)->minor_units(), 800);
  EXPECT_EQ(b.minus(a)->minor_units(), -800);

  auto mixed = a.plus(Money::from_minor(1, cur("EUR")));
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.status().message(), "cannot add EUR to USD");
  EXPECT_FALSE(a.minus(Money::from_minor(1, cur("JPY"))));

  const Money max = Money::from_minor(std::numeric_limits<int64_t>::max(), cur("USD"));
  auto over = max.plus(Money::from_minor(1, cur("USD")));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.status().code(), ErrorCode::kOverflow);
  const Money min = Money::from_minor(std::numeric_limits<int64_t>::min(), cur("USD"));
  EXPECT_FALSE(min.minus(Money::from_minor(1, cur("USD"))));
}

TEST(MoneyTotalsTest, KeepsOneExactSumPerCurrency) {
  MoneyTotals totals;
  ASSERT_TRUE(totals.add(Money::from_minor(100, cur("USD"))).is_ok());
  ASSERT_TRUE(totals.add(Money::from_minor(500, cur("JPY"))).is_ok());
  ASSERT_TRUE(totals.add(Money::from_minor(-30, cur("USD"))).is_ok());
  EXPECT_EQ(totals.get(cur("USD")).minor_units(), 70);
  EXPECT_EQ(totals.get(cur("JPY")).minor_units(), 500);
  EXPECT_EQ(totals.get(cur("EUR")).minor_units(), 0);
  EXPECT_EQ(totals.sums().size(), 2u);
  EXPECT_EQ(totals.sums().begin()->first, cur("JPY"));
}

TEST(MoneyTotalsTest, OverflowLeavesTheSumUnchanged) {
  MoneyTotals totals;
  ASSERT_TRUE(totals.add(Money::from_minor(std::numeric_limits<int64_t>::max(), cur("USD"))).is_ok());
  EXPECT_EQ(totals.add(Money::from_minor(1, cur("USD"))).code(), ErrorCode::kOverflow);
  EXPECT_EQ(totals.get(cur("USD")).minor_units(), std::numeric_limits<int64_t>::max());
}

}  // namespace
}  // namespace squeaky
