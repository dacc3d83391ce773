#include "core/date.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

TEST(DateTest, WritesFourDigitYearsAndTwoDigitMonthsAndDays) {
  EXPECT_EQ(Date::from_ymd(2026, 1, 5).to_string(), "2026-01-05");
  EXPECT_EQ(Date::from_ymd(987, 10, 31).to_string(), "0987-10-31");
  EXPECT_EQ(Date::from_ymd(0, 1, 1).to_string(), "0000-01-01");
  EXPECT_EQ(Date::from_ymd(9999, 12, 31).to_string(), "9999-12-31");
  EXPECT_EQ(Date::from_ymd(10000, 1, 1).to_string(), "10000-01-01");  // past what parse reads, still legible
  EXPECT_EQ(Date::from_ymd(-1, 12, 31).to_string(), "-001-12-31");
}

TEST(DateTest, ParsesRealDaysOnly) {
  EXPECT_EQ(Date::parse("2026-03-31")->to_string(), "2026-03-31");
  EXPECT_EQ(Date::parse("2024-02-29")->to_string(), "2024-02-29");
  EXPECT_EQ(Date::parse("2000-02-29")->to_string(), "2000-02-29");
  for (std::string_view bad :
       {"2026-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"}) {
    auto d = Date::parse(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.status().message(), "is not a date") << bad;
  }
}

TEST(DateTest, RejectsOtherSpellings) {
  for (std::string_view bad : {"2026-3-31", "31/03/2026", "2026/03/31", "20260331", "2026-03-31 ", " 2026-03-31",
                               "2026-03-31T00:00", "", "yyyy-mm-dd"}) {
    auto d = Date::parse(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.status().message(), "is not a date (write YYYY-MM-DD)") << bad;
  }
}

TEST(DateTest, CountsWholeDaysAcrossMonthEndsAndLeapDays) {
  const Date jan31 = Date::from_ymd(2026, 1, 31);
  EXPECT_EQ(jan31.days_until(Date::from_ymd(2026, 2, 1)), 1);
  EXPECT_EQ(jan31.days_until(Date::from_ymd(2026, 3, 1)), 29);
  EXPECT_EQ(Date::from_ymd(2024, 1, 31).days_until(Date::from_ymd(2024, 3, 1)), 30);
  EXPECT_EQ(Date::from_ymd(2024, 2, 28).plus_days(1).to_string(), "2024-02-29");
  EXPECT_EQ(Date::from_ymd(2024, 2, 29).plus_days(1).to_string(), "2024-03-01");
  EXPECT_EQ(Date::from_ymd(2025, 12, 31).plus_days(1).to_string(), "2026-01-01");
  EXPECT_EQ(Date::from_ymd(2026, 3, 1).plus_days(-1).to_string(), "2026-02-28");
  EXPECT_EQ(Date::from_ymd(2026, 3, 31).days_until(jan31), -59);
}

TEST(TimestampTest, FormatsAndParsesUtc) {
  auto t = Timestamp::parse("2026-03-31T23:59:07Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to_string(), "2026-03-31T23:59:07Z");
  EXPECT_EQ(t->utc_date().to_string(), "2026-03-31");
  EXPECT_FALSE(Timestamp::parse("2026-03-31T24:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("2026-03-31 12:00:00"));
  EXPECT_FALSE(Timestamp::parse("2026-02-30T12:00:00Z"));
}

}  // namespace
}  // namespace squeaky
