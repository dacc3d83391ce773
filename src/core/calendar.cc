#include "core/calendar.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <set>

namespace squeaky {
namespace {

using std::chrono::Monday;
using std::chrono::Thursday;

int year_of(Date day) { return static_cast<int>(day.ymd().year()); }

Date ymd(int year, unsigned month, unsigned day) { return Date::from_ymd(year, month, day); }

}  // namespace

Date easter_sunday(int year) {
  assert(year >= 1583);
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

// --- HolidayRule -------------------------------------------------------------------------------

HolidayRule HolidayRule::fixed(std::string name, unsigned month, unsigned day) {
  HolidayRule rule(std::move(name), Kind::kFixed);
  rule.month_ = month;
  rule.day_ = day;
  return rule;
}

HolidayRule HolidayRule::nth_weekday(std::string name, unsigned month, std::chrono::weekday weekday, int n) {
  assert(n == -1 || (n >= 1 && n <= 5));
  HolidayRule rule(std::move(name), Kind::kNthWeekday);
  rule.month_ = month;
  rule.weekday_ = weekday;
  rule.nth_ = n;
  return rule;
}

HolidayRule HolidayRule::easter(std::string name, int days) {
  HolidayRule rule(std::move(name), Kind::kEaster);
  rule.easter_offset_ = days;
  return rule;
}

HolidayRule HolidayRule::on_weekend(WeekendRule rule) const {
  HolidayRule copy = *this;
  copy.weekend_rule_ = rule;
  return copy;
}

HolidayRule HolidayRule::from_year(int year) const {
  HolidayRule copy = *this;
  copy.from_year_ = year;
  return copy;
}

HolidayRule HolidayRule::until_year(int year) const {
  HolidayRule copy = *this;
  copy.until_year_ = year;
  return copy;
}

HolidayRule HolidayRule::moved_in(int year, Date date) const {
  HolidayRule copy = *this;
  copy.moves_.emplace_back(year, date);
  return copy;
}

bool HolidayRule::is_moved_in(int year) const {
  return std::any_of(moves_.begin(), moves_.end(), [year](const auto& move) { return move.first == year; });
}

std::optional<Date> HolidayRule::date_in(int year) const {
  if (from_year_ && year < *from_year_) return std::nullopt;
  if (until_year_ && year > *until_year_) return std::nullopt;
  for (const auto& [move_year, date] : moves_) {
    if (move_year == year) return date;
  }
  const std::chrono::year y{year};
  switch (kind_) {
    case Kind::kFixed: {
      const std::chrono::year_month_day date{y, std::chrono::month{month_}, std::chrono::day{day_}};
      if (!date.ok()) return std::nullopt;  // 29 February in a common year
      return Date(std::chrono::sys_days{date});
    }
    case Kind::kNthWeekday: {
      const std::chrono::month m{month_};
      if (nth_ == -1) return Date(std::chrono::sys_days{y / m / weekday_[std::chrono::last]});
      const std::chrono::year_month_weekday date{y / m / weekday_[static_cast<unsigned>(nth_)]};
      if (!date.ok()) return std::nullopt;  // no fifth Monday this month
      return Date(std::chrono::sys_days{date});
    }
    case Kind::kEaster:
      if (year < 1583) return std::nullopt;
      return easter_sunday(year).plus_days(easter_offset_);
  }
  return std::nullopt;
}

// --- HolidayCalendar ---------------------------------------------------------------------------

HolidayCalendar::HolidayCalendar(std::string name, std::vector<HolidayRule> rules, std::vector<Holiday> extra_days)
    : name_(std::move(name)), rules_(std::move(rules)), extra_days_(std::move(extra_days)) {
  for (int year = kFirstCachedYear; year <= kLastCachedYear; ++year) {
    for (const Holiday& h : compute_holidays_in(year)) cached_days_off_.push_back(h.date);
  }
}

HolidayCalendar HolidayCalendar::with_extra_days(std::span<const Holiday> days) const {
  std::vector<Holiday> extra = extra_days_;
  extra.insert(extra.end(), days.begin(), days.end());
  return {name_, rules_, std::move(extra)};
}

bool HolidayCalendar::is_weekend(Date day) {
  const std::chrono::weekday wd{day.days()};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

std::vector<Holiday> HolidayCalendar::compute_holidays_in(int year) const {
  std::vector<Holiday> out;
  // A holiday of one year can be kept in the next (a substitute day) or the one before (New Year's
  // Day on a Saturday observed on 31 December), so the rules of the neighbouring years count too.
  for (int rule_year = year - 1; rule_year <= year + 1; ++rule_year) {
    struct Entry {
      const HolidayRule* rule;
      Date date;
    };
    std::vector<Entry> entries;
    std::set<Date> taken;  // days that are holidays in their own right and cannot be substitutes
    for (const HolidayRule& rule : rules_) {
      std::optional<Date> date = rule.date_in(rule_year);
      if (!date) continue;
      entries.push_back({&rule, *date});
      if (!is_weekend(*date) || rule.is_moved_in(rule_year)) taken.insert(*date);
    }
    std::vector<Entry> needing_substitute;
    for (const Entry& e : entries) {
      if (!is_weekend(e.date) || e.rule->is_moved_in(rule_year) || e.rule->weekend_rule() == WeekendRule::kNone) {
        out.push_back({e.date, e.rule->name()});
      } else if (e.rule->weekend_rule() == WeekendRule::kNearestWeekday) {
        const bool saturday = std::chrono::weekday{e.date.days()} == std::chrono::Saturday;
        out.push_back({e.date.plus_days(saturday ? -1 : 1), e.rule->name() + " (observed)"});
      } else {
        needing_substitute.push_back(e);
      }
    }
    std::stable_sort(needing_substitute.begin(), needing_substitute.end(),
                     [](const Entry& a, const Entry& b) { return a.date < b.date; });
    for (const Entry& e : needing_substitute) {
      Date day = e.date.plus_days(1);
      while (is_weekend(day) || taken.count(day) > 0) day = day.plus_days(1);
      taken.insert(day);
      out.push_back({day, e.rule->name() + " (substitute day)"});
    }
  }
  std::erase_if(out, [year](const Holiday& h) { return year_of(h.date) != year; });
  for (const Holiday& h : extra_days_) {
    if (year_of(h.date) == year) out.push_back(h);
  }
  std::stable_sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  out.erase(std::unique(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date == b.date; }),
            out.end());
  return out;
}

std::vector<Holiday> HolidayCalendar::holidays_in(int year) const { return compute_holidays_in(year); }

bool HolidayCalendar::is_holiday(Date day) const {
  const int year = year_of(day);
  if (year >= kFirstCachedYear && year <= kLastCachedYear) {
    return std::binary_search(cached_days_off_.begin(), cached_days_off_.end(), day);
  }
  const std::vector<Holiday> days = compute_holidays_in(year);
  return std::any_of(days.begin(), days.end(), [day](const Holiday& h) { return h.date == day; });
}

bool HolidayCalendar::is_business_day(Date day) const { return !is_weekend(day) && !is_holiday(day); }

Date HolidayCalendar::add_business_days(Date from, int64_t n) const {
  assert(n >= -100'000 && n <= 100'000);
  const int step = n < 0 ? -1 : 1;
  int64_t left = n < 0 ? -n : n;
  Date day = from;
  while (left > 0) {
    day = day.plus_days(step);
    if (is_business_day(day)) --left;
  }
  return day;
}

Date HolidayCalendar::business_day_on_or_after(Date day) const {
  while (!is_business_day(day)) day = day.plus_days(1);
  return day;
}

// --- The built-in calendars --------------------------------------------------------------------

namespace {

// The built-in calendars are built once (their table of days off takes a moment) and copied out.
HolidayCalendar build_us_federal_calendar() {
  constexpr WeekendRule kObserved = WeekendRule::kNearestWeekday;
  std::vector<HolidayRule> rules = {
      HolidayRule::fixed("New Year's Day", 1, 1).on_weekend(kObserved),
      HolidayRule::nth_weekday("Martin Luther King Jr. Day", 1, Monday, 3).from_year(1986),
      HolidayRule::nth_weekday("Washington's Birthday", 2, Monday, 3),
      HolidayRule::nth_weekday("Memorial Day", 5, Monday, -1),
      HolidayRule::fixed("Juneteenth National Independence Day", 6, 19).on_weekend(kObserved).from_year(2021),
      HolidayRule::fixed("Independence Day", 7, 4).on_weekend(kObserved),
      HolidayRule::nth_weekday("Labor Day", 9, Monday, 1),
      HolidayRule::nth_weekday("Columbus Day", 10, Monday, 2),
      HolidayRule::fixed("Veterans Day", 11, 11).on_weekend(kObserved),
      HolidayRule::nth_weekday("Thanksgiving Day", 11, Thursday, 4),
      HolidayRule::fixed("Christmas Day", 12, 25).on_weekend(kObserved),
  };
  return {"us-federal", std::move(rules), {}};
}

HolidayCalendar build_england_wales_calendar() {
  constexpr WeekendRule kSubstitute = WeekendRule::kNextFreeWeekday;
  std::vector<HolidayRule> rules = {
      HolidayRule::fixed("New Year's Day", 1, 1).on_weekend(kSubstitute).from_year(1974),
      HolidayRule::easter("Good Friday", -2),
      HolidayRule::easter("Easter Monday", 1),
      HolidayRule::nth_weekday("Early May bank holiday", 5, Monday, 1)
          .from_year(1978)
          .moved_in(1995, ymd(1995, 5, 8))   // 50th anniversary of VE Day
          .moved_in(2020, ymd(2020, 5, 8)),  // 75th anniversary of VE Day
      HolidayRule::nth_weekday("Spring bank holiday", 5, Monday, -1)
          .moved_in(2002, ymd(2002, 6, 4))   // Golden Jubilee
          .moved_in(2012, ymd(2012, 6, 4))   // Diamond Jubilee
          .moved_in(2022, ymd(2022, 6, 2)),  // Platinum Jubilee
      HolidayRule::nth_weekday("Summer bank holiday", 8, Monday, -1),
      HolidayRule::fixed("Christmas Day", 12, 25).on_weekend(kSubstitute),
      HolidayRule::fixed("Boxing Day", 12, 26).on_weekend(kSubstitute),
  };
  std::vector<Holiday> extra = {
      {ymd(1999, 12, 31), "Millennium celebrations"},
      {ymd(2002, 6, 3), "Golden Jubilee of Queen Elizabeth II"},
      {ymd(2011, 4, 29), "Wedding of Prince William and Catherine Middleton"},
      {ymd(2012, 6, 5), "Diamond Jubilee of Queen Elizabeth II"},
      {ymd(2022, 6, 3), "Platinum Jubilee of Queen Elizabeth II"},
      {ymd(2022, 9, 19), "State Funeral of Queen Elizabeth II"},
      {ymd(2023, 5, 8), "Coronation of King Charles III"},
  };
  return {"england-wales", std::move(rules), std::move(extra)};
}

}  // namespace

HolidayCalendar us_federal_calendar() {
  static const HolidayCalendar calendar = build_us_federal_calendar();
  return calendar;
}

HolidayCalendar england_wales_calendar() {
  static const HolidayCalendar calendar = build_england_wales_calendar();
  return calendar;
}

HolidayCalendar weekends_only_calendar() { return {"weekends-only", {}, {}}; }

namespace {
constexpr std::array<std::string_view, 3> kCalendarNames = {"us-federal", "england-wales", "weekends-only"};
}  // namespace

std::span<const std::string_view> holiday_calendar_names() { return kCalendarNames; }

Result<HolidayCalendar> holiday_calendar(std::string_view name) {
  if (name == "us-federal") return us_federal_calendar();
  if (name == "england-wales") return england_wales_calendar();
  if (name == "weekends-only") return weekends_only_calendar();
  std::string known;
  for (std::string_view n : kCalendarNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return Status::not_found("unknown holiday calendar '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace squeaky
