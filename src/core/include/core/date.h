// Civil dates and UTC instants.
//
// A Date is a day in the proleptic Gregorian calendar with no time zone (an invoice's due date, an
// "as of" date). A Timestamp is an instant in UTC with second precision (when a journal entry was
// written). Neither reads the clock: the current time reaches squeaky's core only as an argument,
// from a Clock that the outermost layer supplies. Values are immutable and thread-safe.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace squeaky {

class Date {
 public:
  Date() = default;
  explicit Date(std::chrono::sys_days days) : days_(days) {}
  static Date from_ymd(int year, unsigned month, unsigned day);

  // Parses exactly "YYYY-MM-DD" naming a real day (2024-02-29 yes, 2026-02-30 no). On failure the
  // message completes the sentence "'<text>' ..." ("is not a date").
  static Result<Date> parse(std::string_view text);

  std::string to_string() const;  // "2026-03-31"
  std::chrono::sys_days days() const { return days_; }
  std::chrono::year_month_day ymd() const { return std::chrono::year_month_day{days_}; }

  Date plus_days(int64_t n) const { return Date(days_ + std::chrono::days{n}); }
  // Whole days from this date to `later` (negative when `later` is earlier).
  int64_t days_until(Date later) const { return (later.days_ - days_).count(); }

  auto operator<=>(const Date&) const = default;

 private:
  std::chrono::sys_days days_{};
};

class Timestamp {
 public:
  Timestamp() = default;
  explicit Timestamp(std::chrono::sys_seconds at) : at_(at) {}
  // Parses "YYYY-MM-DDTHH:MM:SSZ".
  static Result<Timestamp> parse(std::string_view text);

  std::string to_string() const;  // "2026-03-31T14:05:09Z"
  std::chrono::sys_seconds seconds() const { return at_; }
  Date utc_date() const { return Date(std::chrono::floor<std::chrono::days>(at_)); }

  auto operator<=>(const Timestamp&) const = default;

 private:
  std::chrono::sys_seconds at_{};
};

// Where the current time comes from. The command line and the server use the system clock; tests
// use a fixed one. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

}  // namespace squeaky
