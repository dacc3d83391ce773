// Fuzzes Money::parse, to_string and the checked arithmetic in currencies of 0, 2, 3 and 4 minor
// digits (JPY, USD, KWD, CLF).
//
// Input: the first byte picks the currency, the rest is the amount's text. Each run checks:
//   - parse agrees with a reference parser written the slow, obvious way (128-bit arithmetic): the
//     same accepted texts, the same value, the same failure (bad text, too many decimals,
//     overflow);
//   - a parsed amount's to_string() parses back to the same amount, is in canonical form, and is
//     the input itself exactly when the input was canonical (no leading zeros, exactly the
//     currency's decimals, no "-0");
//   - to_grouped_string() is to_string() with thousands separators;
//   - the text's first 16 bytes, read as two amounts, format and parse back, and plus/minus agree
//     with 128-bit arithmetic, reporting overflow instead of wrapping.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "core/money.h"

#include "property.h"

namespace squeaky {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

enum class Expected { kOk, kNotAnAmount, kTooManyDecimals, kOverflow };

// What parse should do with `text`, and the value when it should succeed.
Expected reference_parse(std::string_view text, int digits, int64_t& value) {
  std::string_view s = text;
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const size_t point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view{} : s.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) return Expected::kNotAnAmount;
  if (fraction.size() > static_cast<size_t>(digits)) return Expected::kTooManyDecimals;
  // Magnitude in minor units; anything above 2^64 is overflow whatever follows.
  __int128 magnitude = 0;
  const auto push = [&magnitude](char c) {
    if (magnitude <= (__int128{1} << 64)) magnitude = magnitude * 10 + (c - '0');
  };
  for (char c : whole) push(c);
  for (char c : fraction) push(c);
  for (size_t i = fraction.size(); i < static_cast<size_t>(digits); ++i) push('0');
  const __int128 signed_value = negative ? -magnitude : magnitude;
  if (signed_value > std::numeric_limits<int64_t>::max() || signed_value < std::numeric_limits<int64_t>::min()) {
    return Expected::kOverflow;
  }
  value = static_cast<int64_t>(signed_value);
  return Expected::kOk;
}

// The form to_string writes: '-' only before a non-zero amount, no leading zeros, and exactly the
// currency's decimals (no point at all when it has none).
bool is_canonical(std::string_view text, int digits) {
  std::string_view s = text;
  const bool negative = s.starts_with('-');
  if (negative) s.remove_prefix(1);
  const size_t point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  if (!all_digits(whole) || (whole.size() > 1 && whole[0] == '0')) return false;
  std::string_view fraction;
  if (digits == 0) {
    if (point != std::string_view::npos) return false;
  } else {
    if (point == std::string_view::npos) return false;
    fraction = s.substr(point + 1);
    if (fraction.size() != static_cast<size_t>(digits) || !all_digits(fraction)) return false;
  }
  if (negative && whole == "0" && fraction.find_first_not_of('0') == std::string_view::npos) return false;
  return true;
}

void check_formatting(const Money& m) {
  const std::string text = m.to_string();
  const int digits = m.currency().minor_digits();
  expect(is_canonical(text, digits), "to_string writes the canonical form");
  auto back = Money::parse(text, m.currency());
  expect(back.is_ok() && *back == m, "to_string parses back to the same amount");
  std::string ungrouped;
  const std::string grouped = m.to_grouped_string();
  for (char c : grouped) {
    if (c != ',') ungrouped += c;
  }
  expect(ungrouped == text, "to_grouped_string is to_string with separators");
  // The whole part is split into groups of three from the right; the first group has one to three.
  std::string_view whole(grouped);
  if (whole.starts_with('-')) whole.remove_prefix(1);
  whole = whole.substr(0, whole.find('.'));
  size_t groups = 0;
  while (!whole.empty()) {
    const size_t comma = whole.rfind(',');
    const std::string_view group = comma == std::string_view::npos ? whole : whole.substr(comma + 1);
    expect(comma == std::string_view::npos ? !group.empty() && group.size() <= 3 : group.size() == 3,
           "thousands are grouped by three");
    ++groups;
    whole = comma == std::string_view::npos ? std::string_view{} : whole.substr(0, comma);
  }
  expect(groups >= 1, "an amount has a whole part");
}

void check_arithmetic(int64_t a, int64_t b, Currency currency) {
  const Money x = Money::from_minor(a, currency);
  const Money y = Money::from_minor(b, currency);
  check_formatting(x);
  const __int128 sum = static_cast<__int128>(a) + b;
  const __int128 difference = static_cast<__int128>(a) - b;
  const auto fits = [](__int128 v) {
    return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
  };
  auto plus = x.plus(y);
  expect(plus.is_ok() == fits(sum), "plus fails exactly on overflow");
  if (plus) expect(plus->minor_units() == static_cast<int64_t>(sum), "plus adds");
  if (!plus) expect(plus.status().code() == ErrorCode::kOverflow, "plus reports overflow as overflow");
  auto minus = x.minus(y);
  expect(minus.is_ok() == fits(difference), "minus fails exactly on overflow");
  if (minus) expect(minus->minor_units() == static_cast<int64_t>(difference), "minus subtracts");
}

// One input, as libFuzzer hands it over.
int fuzz_one(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr std::string_view kCodes[] = {"JPY", "USD", "KWD", "CLF"};
  const Currency currency = *Currency::from_code(kCodes[data[0] & 3]);
  const int digits = currency.minor_digits();
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  int64_t expected_value = 0;
  const Expected expected = reference_parse(text, digits, expected_value);
  auto parsed = Money::parse(text, currency);
  expect(parsed.is_ok() == (expected == Expected::kOk), "parse accepts exactly what the reference accepts");
  if (parsed) {
    expect(parsed->minor_units() == expected_value && parsed->currency() == currency, "parse reads the value");
    check_formatting(*parsed);
    expect((parsed->to_string() == text) == is_canonical(text, digits),
           "to_string gives back the input exactly when it was canonical");
  } else {
    const Status& s = parsed.status();
    switch (expected) {
      case Expected::kNotAnAmount:
        expect(s.code() == ErrorCode::kInvalidArgument && s.message().starts_with("is not an amount"),
               "a malformed amount is reported as such");
        break;
      case Expected::kTooManyDecimals:
        expect(s.code() == ErrorCode::kInvalidArgument && s.message().starts_with("has ") &&
                   s.message().ends_with(kCodes[data[0] & 3].data() + std::string(" allows ") + std::to_string(digits)),
               "too many decimals are reported with the currency's allowance");
        break;
      case Expected::kOverflow:
        expect(s.code() == ErrorCode::kOverflow, "an amount beyond 64 bits is reported as overflow");
        break;
      case Expected::kOk: break;
    }
    expect(!is_canonical(text, digits) || expected == Expected::kOverflow,
           "a canonical amount fails to parse only when it overflows");
  }

  if (text.size() >= 16) {
    int64_t a = 0;
    int64_t b = 0;
    std::memcpy(&a, text.data(), sizeof a);
    std::memcpy(&b, text.data() + 8, sizeof b);
    check_arithmetic(a, b, currency);
  }
  return 0;
}

}  // namespace
}  // namespace squeaky

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return squeaky::fuzz_one(data, size); }
