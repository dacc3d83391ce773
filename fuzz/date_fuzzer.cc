// Fuzzes Date::parse and Timestamp::parse, and the day arithmetic the aging relies on.
//
// Input: the text of a date or time. Each run checks:
//   - Date::parse agrees with a reference written from the Gregorian rules (the same accepted
//     texts, the same two messages), and a parsed date formats back to exactly its text;
//   - Timestamp::parse accepts only times whose to_string() is exactly the input;
//   - the input's first 8 bytes, read as a day offset and a step, give a date within years
//     0000-9999 that formats and parses back, and plus_days / days_until undo each other.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/date.h"

#include "property.h"

namespace squeaky {
namespace {

bool digits_at(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void check_date_text(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' && digits_at(text, 0, 4, y) &&
                      digits_at(text, 5, 2, m) && digits_at(text, 8, 2, d);
  const bool real = shaped && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
  auto date = Date::parse(text);
  expect(date.is_ok() == real, "Date::parse accepts exactly the real days written YYYY-MM-DD");
  if (date) {
    expect(date->to_string() == text, "a parsed date formats back to its text");
    expect(*date == Date::from_ymd(y, static_cast<unsigned>(m), static_cast<unsigned>(d)), "parse reads the day");
  } else {
    expect(date.status().message() == (shaped ? "is not a date" : "is not a date (write YYYY-MM-DD)"),
           "a bad date says whether the spelling or the day is wrong");
  }
}

void check_timestamp_text(std::string_view text) {
  auto at = Timestamp::parse(text);
  if (!at) return;
  expect(at->to_string() == text, "a parsed time formats back to its text");
  expect(at->utc_date().to_string() == text.substr(0, 10), "a time's date is its first ten characters");
}

void check_day_arithmetic(std::string_view bytes) {
  int32_t offset = 0;
  int32_t step = 0;
  std::memcpy(&offset, bytes.data(), sizeof offset);
  std::memcpy(&step, bytes.data() + 4, sizeof step);
  // Days from 0000-01-01 to 9999-12-31 span 3652425; keep both dates inside.
  const Date first = Date::from_ymd(0, 1, 1);
  constexpr int64_t kSpan = 3652425;
  const int64_t a = static_cast<int64_t>(static_cast<uint32_t>(offset) % kSpan);
  const int64_t b = static_cast<int64_t>(static_cast<uint32_t>(step) % kSpan);
  const Date x = first.plus_days(a);
  const Date y = first.plus_days(b);
  expect(x.days_until(y) == b - a && x.plus_days(b - a) == y, "plus_days and days_until undo each other");
  for (const Date& date : {x, y}) {
    auto back = Date::parse(date.to_string());
    expect(back.is_ok() && *back == date, "every date of years 0000-9999 formats and parses back");
    const Timestamp noon(std::chrono::sys_seconds{date.days()} + std::chrono::hours{12});
    auto again = Timestamp::parse(noon.to_string());
    expect(again.is_ok() && *again == noon && again->utc_date() == date, "a time formats and parses back");
  }
}

// One input, as libFuzzer hands it over.
int fuzz_one(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_date_text(text);
  check_timestamp_text(text);
  if (size >= 8) check_day_arithmetic(text);
  return 0;
}

}  // namespace
}  // namespace squeaky

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return squeaky::fuzz_one(data, size); }
