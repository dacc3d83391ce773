// Holiday calendars and business-day arithmetic.
//
// A HolidayCalendar knows the days off of one jurisdiction: rules that give a holiday's date in any
// year (a fixed day, the n-th or last weekday of a month, a day relative to Easter), how a holiday
// that falls on a weekend is observed, the years in which a holiday was moved, and one-off extra
// days (a jubilee, a state funeral). A business day is a Monday to Friday that is not a day off.
// Two calendars are built in ("us-federal", "england-wales", plus "weekends-only"); a user's extra
// days are added with with_extra_days(). Calendars are immutable values, thread-safe to share.
//
// Days off are the days the offices are closed: a US federal holiday on a Saturday is observed on
// the Friday before (New Year's Day on a Saturday makes 31 December of the year before a day off),
// one on a Sunday on the Monday after; an England and Wales bank holiday on a weekend gets a
// substitute day, the next weekday that is not already a bank holiday (Christmas on a Saturday:
// Monday 27th for Christmas, Tuesday 28th for Boxing Day).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace squeaky {

// A day off and why: "Thanksgiving Day", "Independence Day (observed)".
struct Holiday {
  Date date;
  std::string name;

  bool operator==(const Holiday&) const = default;
};

// How a holiday that falls on a Saturday or Sunday is kept.
enum class WeekendRule {
  kNone,             // not moved (rules that always give a weekday, or a lost day off)
  kNearestWeekday,   // US federal: Saturday -> the Friday before, Sunday -> the Monday after
  kNextFreeWeekday,  // UK bank holidays: the next weekday that is not already a holiday
};

// One recurring holiday. Built with a factory and refined with the chaining calls, for example
//   HolidayRule::nth_weekday("Spring bank holiday", 5, std::chrono::Monday, -1).moved_in(2022, Date::from_ymd(2022, 6,
//   2))
class HolidayRule {
 public:
  // The same month and day every year: New Year's Day is fixed("New Year's Day", 1, 1).
  static HolidayRule fixed(std::string name, unsigned month, unsigned day);
  // The n-th `weekday` of `month` (n = 1..5), or the last one when n is -1.
  static HolidayRule nth_weekday(std::string name, unsigned month, std::chrono::weekday weekday, int n);
  // `days` after Easter Sunday (negative: before): Good Friday is easter("Good Friday", -2).
  static HolidayRule easter(std::string name, int days);

  HolidayRule on_weekend(WeekendRule rule) const;
  // The rule applies only from `year` (Juneteenth: 2021) or up to `year`, inclusive.
  HolidayRule from_year(int year) const;
  HolidayRule until_year(int year) const;
  // In `year` the holiday is on `date` instead (the 2020 early May bank holiday on Friday 8 May).
  // A moved day is kept as given; the weekend rule does not apply to it.
  HolidayRule moved_in(int year, Date date) const;

  const std::string& name() const { return name_; }
  WeekendRule weekend_rule() const { return weekend_rule_; }
  // The holiday's own date in `year` (moves applied, the weekend rule not), or nothing in a year
  // the rule does not cover.
  std::optional<Date> date_in(int year) const;
  // Whether the date of `year` is a moved one.
  bool is_moved_in(int year) const;

 private:
  enum class Kind { kFixed, kNthWeekday, kEaster };
  HolidayRule(std::string name, Kind kind) : name_(std::move(name)), kind_(kind) {}

  std::string name_;
  Kind kind_;
  unsigned month_ = 1;
  unsigned day_ = 1;
  std::chrono::weekday weekday_ = std::chrono::Monday;
  int nth_ = 1;
  int easter_offset_ = 0;
  WeekendRule weekend_rule_ = WeekendRule::kNone;
  std::optional<int> from_year_;
  std::optional<int> until_year_;
  std::vector<std::pair<int, Date>> moves_;
};

class HolidayCalendar {
 public:
  // `extra_days` are one-off days off, kept as given (no weekend rule).
  HolidayCalendar(std::string name, std::vector<HolidayRule> rules, std::vector<Holiday> extra_days);

  const std::string& name() const { return name_; }

  // The same calendar with more one-off days off (a user's list, a proclaimed holiday).
  HolidayCalendar with_extra_days(std::span<const Holiday> days) const;

  // Every day off in `year`, in date order, one entry per day (the first name when two holidays
  // share a day). A holiday on a weekend appears on its observed or substitute day; with
  // WeekendRule::kNone it appears on its own date.
  std::vector<Holiday> holidays_in(int year) const;

  bool is_holiday(Date day) const;
  static bool is_weekend(Date day);
  // Monday to Friday and not a day off.
  bool is_business_day(Date day) const;

  // The n-th business day after `from` (n > 0; `from` itself does not count, whatever it is), the
  // n-th before it (n < 0), or `from` itself (n = 0).
  // REQUIRES: |n| <= 100,000.
  Date add_business_days(Date from, int64_t n) const;
  // `day` when it is a business day, else the next one.
  Date business_day_on_or_after(Date day) const;

 private:
  // Days off computed once for the years most callers ask about; other years on demand.
  static constexpr int kFirstCachedYear = 1970;
  static constexpr int kLastCachedYear = 2150;

  std::vector<Holiday> compute_holidays_in(int year) const;

  std::string name_;
  std::vector<HolidayRule> rules_;
  std::vector<Holiday> extra_days_;
  std::vector<Date> cached_days_off_;  // sorted, the years kFirstCachedYear..kLastCachedYear
};

// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm of Meeus,
// Jones and Butcher). REQUIRES: year >= 1583.
Date easter_sunday(int year);

// US federal holidays: the legal public holidays of 5 U.S.C. 6103(a) (Martin Luther King Jr. Day
// from 1986, Juneteenth from 2021), observed per 6103(b). Inauguration Day (a holiday only in the
// Washington area) and days off granted by executive order are not included; add them with
// with_extra_days().
HolidayCalendar us_federal_calendar();
// Bank holidays in England and Wales under the Banking and Financial Dealings Act 1971 and royal
// proclamation, with the moved and extra days since 1995.
HolidayCalendar england_wales_calendar();
// No holidays: business days are Monday to Friday.
HolidayCalendar weekends_only_calendar();

// The built-in calendar named `name` ("us-federal", "england-wales", "weekends-only"); NotFound,
// naming the known ones, for any other name.
Result<HolidayCalendar> holiday_calendar(std::string_view name);
std::span<const std::string_view> holiday_calendar_names();

}  // namespace squeaky
