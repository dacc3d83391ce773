#include "charges/arithmetic.h"

#include <cassert>

#include "core/names.h"
#include "exact.h"

namespace squeaky {
namespace {

constexpr NameTable<Rounding, 3> kRoundingNames = {{
    {"half-up", Rounding::kHalfUp},
    {"half-even", Rounding::kHalfEven},
    {"down", Rounding::kTowardZero},
}};

constexpr NameTable<DayCount, 3> kDayCountNames = {{
    {"actual/365", DayCount::kActual365Fixed},
    {"actual/actual", DayCount::kActualActual},
    {"actual/360", DayCount::kActual360},
}};

}  // namespace

std::string_view to_string(Rounding rounding) { return name_of(kRoundingNames, rounding); }
std::optional<Rounding> parse_rounding(std::string_view text) { return value_named(kRoundingNames, text); }
std::string_view to_string(DayCount day_count) { return name_of(kDayCountNames, day_count); }
std::optional<DayCount> parse_day_count(std::string_view text) { return value_named(kDayCountNames, text); }

Int128 divide_rounded(Int128 numerator, Int128 denominator, Rounding rounding) {
  assert(denominator > 0);
  Int128 quotient = numerator / denominator;         // truncated toward zero
  const Int128 remainder = numerator % denominator;  // carries the numerator's sign
  if (remainder == 0 || rounding == Rounding::kTowardZero) return quotient;
  const Int128 twice = 2 * (remainder < 0 ? -remainder : remainder);
  const Int128 away = numerator < 0 ? -1 : 1;
  if (twice > denominator) return quotient + away;
  if (twice < denominator) return quotient;
  // Exactly half.
  if (rounding == Rounding::kHalfUp) return quotient + away;
  return quotient % 2 == 0 ? quotient : quotient + away;
}

std::string format_percent(int64_t basis_points) {
  const bool negative = basis_points < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(basis_points) : static_cast<uint64_t>(basis_points);
  const uint64_t cents = magnitude % 100;
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  out += '%';
  return out;
}

Result<int64_t> parse_percent(std::string_view text) {
  const std::string_view how = " (write a percentage such as 1.5 or 12.25)";
  if (text.empty()) return Status::invalid("is not a percentage" + std::string(how));
  int64_t whole = 0;
  int64_t fraction = 0;
  int fraction_digits = -1;  // -1: no decimal point seen
  for (const char c : text) {
    if (c == '.') {
      if (fraction_digits >= 0) return Status::invalid("is not a percentage" + std::string(how));
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return Status::invalid("is not a percentage" + std::string(how));
    if (fraction_digits < 0) {
      whole = whole * 10 + (c - '0');
      if (whole > kMaxBasisPoints / 100) return Status::invalid("is more than 1000%");
    } else {
      if (++fraction_digits > 2) return Status::invalid("has more than two decimals (a rate is kept in basis points)");
      fraction = fraction * 10 + (c - '0');
    }
  }
  if (text.front() == '.' || text.back() == '.') return Status::invalid("is not a percentage" + std::string(how));
  if (fraction_digits == 1) fraction *= 10;
  const int64_t basis_points = whole * 100 + fraction;
  if (basis_points > kMaxBasisPoints) return Status::invalid("is more than 1000%");
  return basis_points;
}

Result<Money> percent_of(Money amount, int64_t basis_points, Rounding rounding) {
  assert(basis_points >= -kMaxBasisPoints && basis_points <= kMaxBasisPoints);
  const Int128 result = divide_rounded(static_cast<Int128>(amount.minor_units()) * basis_points, 10'000, rounding);
  if (!fits_int64(result)) {
    return Status::overflow(format_percent(basis_points) + " of " + amount.to_string() + " " +
                            amount.currency().code() + " does not fit 64 bits of minor units");
  }
  return Money::from_minor(static_cast<int64_t>(result), amount.currency());
}

}  // namespace squeaky
