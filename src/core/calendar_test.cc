#include "core/calendar.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace squeaky {
namespace {

Date d(std::string_view text) { return *Date::parse(text); }

std::vector<std::string> days_off(const HolidayCalendar& calendar, int year) {
  std::vector<std::string> out;
  for (const Holiday& h : calendar.holidays_in(year)) out.push_back(h.date.to_string());
  return out;
}

using Days = std::vector<std::string>;

TEST(CalendarEasterTest, KnownEasterSundays) {
  EXPECT_EQ(easter_sunday(2000).to_string(), "2000-04-23");
  EXPECT_EQ(easter_sunday(2019).to_string(), "2019-04-21");
  EXPECT_EQ(easter_sunday(2024).to_string(), "2024-03-31");
  EXPECT_EQ(easter_sunday(2025).to_string(), "2025-04-20");
  EXPECT_EQ(easter_sunday(2026).to_string(), "2026-04-05");
  EXPECT_EQ(easter_sunday(2027).to_string(), "2027-03-28");
  EXPECT_EQ(easter_sunday(2038).to_string(), "2038-04-25");  // the latest possible
  EXPECT_EQ(easter_sunday(2285).to_string(), "2285-03-22");  // the earliest possible
}

TEST(CalendarUsFederalTest, Year2026) {
  const HolidayCalendar us = us_federal_calendar();
  EXPECT_EQ(days_off(us, 2026),
            (Days{"2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07",
                  "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"}));
  const std::vector<Holiday> holidays = us.holidays_in(2026);
  EXPECT_EQ(holidays[5].name, "Independence Day (observed)");
  EXPECT_EQ(holidays[9].name, "Thanksgiving Day");
}

TEST(CalendarUsFederalTest, SaturdayIsObservedOnFridaySundayOnMonday) {
  const HolidayCalendar us = us_federal_calendar();
  // 1 January 2022 was a Saturday: the day off was Friday 31 December 2021.
  EXPECT_TRUE(us.is_holiday(d("2021-12-31")));
  EXPECT_EQ(days_off(us, 2021).back(), "2021-12-31");
  EXPECT_EQ(days_off(us, 2022).front(), "2022-01-17");
  // Juneteenth 2021 (a Saturday, its first year) was kept on Friday 18 June; 2022 on Monday 20 June.
  EXPECT_TRUE(us.is_holiday(d("2021-06-18")));
  EXPECT_TRUE(us.is_holiday(d("2022-06-20")));
  EXPECT_FALSE(us.is_holiday(d("2020-06-19")));  // before the law
  // Christmas 2022 was a Sunday: Monday 26 December.
  EXPECT_TRUE(us.is_holiday(d("2022-12-26")));
}

TEST(CalendarEnglandWalesTest, Year2026) {
  const HolidayCalendar ew = england_wales_calendar();
  EXPECT_EQ(days_off(ew, 2026), (Days{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
                                      "2026-08-31", "2026-12-25", "2026-12-28"}));
  EXPECT_EQ(ew.holidays_in(2026).back().name, "Boxing Day (substitute day)");
}

TEST(CalendarEnglandWalesTest, MovedAndExtraDays) {
  const HolidayCalendar ew = england_wales_calendar();
  EXPECT_EQ(days_off(ew, 2020), (Days{"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25",
                                      "2020-08-31", "2020-12-25", "2020-12-28"}));
  EXPECT_EQ(days_off(ew, 2022), (Days{"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02",
                                      "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}));
  EXPECT_EQ(days_off(ew, 2023), (Days{"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08",
                                      "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"}));
  EXPECT_FALSE(ew.is_holiday(d("2020-05-04")));  // the early May bank holiday moved away
  EXPECT_FALSE(ew.is_holiday(d("2022-05-30")));  // the spring bank holiday moved away
}

TEST(CalendarEnglandWalesTest, ChristmasOnAWeekendGetsSubstitutesInOrder) {
  const HolidayCalendar ew = england_wales_calendar();
  // 2021: Christmas on Saturday, Boxing Day on Sunday -> Monday 27th and Tuesday 28th.
  EXPECT_TRUE(ew.is_holiday(d("2021-12-27")));
  EXPECT_TRUE(ew.is_holiday(d("2021-12-28")));
  // 2022: Christmas on Sunday, Boxing Day on Monday -> Christmas's substitute is Tuesday 27th.
  const std::vector<Holiday> h2022 = ew.holidays_in(2022);
  EXPECT_EQ(h2022[h2022.size() - 2].name, "Boxing Day");
  EXPECT_EQ(h2022.back().name, "Christmas Day (substitute day)");
  // 2027: Christmas on Saturday again.
  EXPECT_EQ(days_off(ew, 2027).back(), "2027-12-28");
}

TEST(CalendarTest, BusinessDaysSkipWeekendsAndHolidays) {
  const HolidayCalendar us = us_federal_calendar();
  EXPECT_FALSE(us.is_business_day(d("2026-11-21")));  // Saturday
  EXPECT_FALSE(us.is_business_day(d("2026-11-26")));  // Thanksgiving
  EXPECT_TRUE(us.is_business_day(d("2026-11-27")));
  EXPECT_EQ(us.add_business_days(d("2026-11-25"), 1).to_string(), "2026-11-27");
  EXPECT_EQ(us.add_business_days(d("2026-11-27"), -1).to_string(), "2026-11-25");
  EXPECT_EQ(us.add_business_days(d("2026-11-28"), 0).to_string(), "2026-11-28");
  // From a Saturday the first business day after is Monday.
  EXPECT_EQ(us.add_business_days(d("2026-11-21"), 1).to_string(), "2026-11-23");
  EXPECT_EQ(us.business_day_on_or_after(d("2026-07-03")).to_string(), "2026-07-06");
  EXPECT_EQ(us.business_day_on_or_after(d("2026-07-06")).to_string(), "2026-07-06");
  // Across the year end and far outside the cached years.
  const HolidayCalendar ew = england_wales_calendar();
  EXPECT_EQ(ew.add_business_days(d("2026-12-24"), 2).to_string(), "2026-12-30");
  EXPECT_TRUE(ew.is_holiday(d("2300-12-25")));
  EXPECT_EQ(ew.add_business_days(d("2300-12-24"), 1).to_string(), "2300-12-27");  // Mon; 25th Tue, 26th Wed
}

// Regulation F, 12 CFR 1006.34(b)(5): the consumer may be assumed to receive the validation
// notice five days (not counting Saturdays, Sundays and federal holidays) after it is sent, and the
// validation period ends 30 days after receipt.
TEST(CalendarTest, RegulationFValidationPeriodWorkedExample) {
  const HolidayCalendar us = us_federal_calendar();
  const Date sent = d("2026-11-20");  // a Friday
  // Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 Thanksgiving (skipped), Fri 27 (4), Mon 30 (5).
  const Date receipt = us.add_business_days(sent, 5);
  EXPECT_EQ(receipt.to_string(), "2026-11-30");
  const Date validation_period_ends = receipt.plus_days(30);
  EXPECT_EQ(validation_period_ends.to_string(), "2026-12-30");
  // Without the holiday the receipt would have been a day earlier.
  EXPECT_EQ(weekends_only_calendar().add_business_days(sent, 5).to_string(), "2026-11-27");
}

TEST(CalendarTest, UserExtraDays) {
  const Holiday carter{d("2025-01-09"), "National Day of Mourning for President Carter"};
  const HolidayCalendar us = us_federal_calendar();
  EXPECT_TRUE(us.is_business_day(d("2025-01-09")));
  const HolidayCalendar with_extra = us.with_extra_days({&carter, 1});
  EXPECT_FALSE(with_extra.is_business_day(d("2025-01-09")));
  EXPECT_EQ(with_extra.holidays_in(2025)[1], carter);
  EXPECT_EQ(with_extra.add_business_days(d("2025-01-08"), 1).to_string(), "2025-01-10");
}

TEST(CalendarTest, BuiltFromRules) {
  // A made-up calendar: a fixed day with a substitute, a last Friday, a day after Easter.
  const HolidayCalendar calendar("test",
                                 {HolidayRule::fixed("Founders' Day", 3, 14).on_weekend(WeekendRule::kNextFreeWeekday),
                                  HolidayRule::nth_weekday("Last Friday of June", 6, std::chrono::Friday, -1),
                                  HolidayRule::easter("Easter Tuesday", 2).until_year(2025)},
                                 {});
  EXPECT_EQ(days_off(calendar, 2026), (Days{"2026-03-16", "2026-06-26"}));  // 14 March 2026 is a Saturday
  EXPECT_EQ(days_off(calendar, 2025), (Days{"2025-03-14", "2025-04-22", "2025-06-27"}));
}

TEST(CalendarTest, LookupByName) {
  for (std::string_view name : holiday_calendar_names()) {
    auto calendar = holiday_calendar(name);
    ASSERT_TRUE(calendar) << name;
    EXPECT_EQ(calendar->name(), name);
  }
  auto unknown = holiday_calendar("scotland");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "unknown holiday calendar 'scotland' (known: us-federal, england-wales, weekends-only)");
}

}  // namespace
}  // namespace squeaky
