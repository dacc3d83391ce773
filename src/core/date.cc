#include "core/date.h"

#include <cstdio>

namespace squeaky {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads `n` digits at `pos` of `s` into `out`; false if any is not a digit.
bool read_number(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::string two_digits(unsigned v) { return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }

}  // namespace

Date Date::from_ymd(int year, unsigned month, unsigned day) {
  return Date(std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}});
}

Result<Date> Date::parse(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !read_number(text, 0, 4, y) ||
      !read_number(text, 5, 2, m) || !read_number(text, 8, 2, d)) {
    return Status::invalid("is not a date (write YYYY-MM-DD)");
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return Status::invalid("is not a date");
  return Date(std::chrono::sys_days{ymd});
}

std::string Date::to_string() const {
  const auto date = ymd();
  const int year = static_cast<int>(date.year());
  if (year >= 0 && year <= 9999) {  // every date Date::parse reads: digits written directly, no snprintf
    std::string text(10, '-');      // fits the string's own buffer: no allocation either
    const auto put = [&text](size_t at, unsigned value, size_t width) {
      for (size_t i = width; i > 0; --i, value /= 10) text[at + i - 1] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(year), 4);
    put(5, static_cast<unsigned>(date.month()), 2);
    put(8, static_cast<unsigned>(date.day()), 2);
    return text;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return buf;
}

Result<Timestamp> Timestamp::parse(std::string_view text) {
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z' ||
      !read_number(text, 11, 2, hh) || !read_number(text, 14, 2, mm) || !read_number(text, 17, 2, ss) || hh > 23 ||
      mm > 59 || ss > 59) {
    return Status::invalid("is not a UTC time (write YYYY-MM-DDTHH:MM:SSZ)");
  }
  auto date = Date::parse(text.substr(0, 10));
  if (!date) return Status::invalid("is not a UTC time (write YYYY-MM-DDTHH:MM:SSZ)");
  return Timestamp(std::chrono::sys_seconds{date->days()} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
                   std::chrono::seconds{ss});
}

std::string Timestamp::to_string() const {
  const auto day = std::chrono::floor<std::chrono::days>(at_);
  const std::chrono::hh_mm_ss time{at_ - day};
  return Date(day).to_string() + "T" + two_digits(static_cast<unsigned>(time.hours().count())) + ":" +
         two_digits(static_cast<unsigned>(time.minutes().count())) + ":" +
         two_digits(static_cast<unsigned>(time.seconds().count())) + "Z";
}

}  // namespace squeaky
