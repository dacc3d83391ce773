// Exact arithmetic for charges: named rounding modes, day counts, and rates in basis points.
//
// squeaky never computes money in floating point. A rate is a whole number of basis points
// (1 bp = 0.01%, so 1225 is 12.25%); intermediate products are 128-bit integers; a result is rounded
// to the currency's minor unit exactly once, by the mode its caller names. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/money.h"
#include "core/result.h"

namespace squeaky {

// How an exact quotient becomes a whole number of minor units.
enum class Rounding {
  kHalfUp,      // "half-up": to the nearest; a half goes away from zero (0.5p -> 1p, -0.5p -> -1p)
  kHalfEven,    // "half-even": to the nearest; a half goes to the even neighbour (0.5p -> 0p, 1.5p -> 2p)
  kTowardZero,  // "down": the fraction is dropped
};
std::string_view to_string(Rounding rounding);  // "half-up", "half-even", "down"
std::optional<Rounding> parse_rounding(std::string_view text);

// How days become a fraction of a year for simple interest.
enum class DayCount {
  kActual365Fixed,  // "actual/365": days / 365, leap years included
  kActualActual,    // "actual/actual": each day counts 1/365 or 1/366 by its calendar year (ISDA)
  kActual360,       // "actual/360": days / 360
};
std::string_view to_string(DayCount day_count);  // "actual/365", "actual/actual", "actual/360"
std::optional<DayCount> parse_day_count(std::string_view text);

// The largest rate squeaky accepts anywhere: 1000% a year, in basis points. Keeping rates this
// small is part of what keeps every product inside 128 bits.
inline constexpr int64_t kMaxBasisPoints = 100'000;

// "12.25%", "0.10%", "-0.50%": basis points as a percentage with two decimals.
std::string format_percent(int64_t basis_points);

// Parses a percentage written as a plain decimal with at most two decimals ("1.5" -> 150,
// "12.25" -> 1225, "8" -> 800) into basis points. Rejects signs, "%", exponents, separators, more
// decimals and values above 1000. On failure the message completes "'<text>' ...".
Result<int64_t> parse_percent(std::string_view text);

// `amount` x basis_points / 10,000, rounded to the minor unit by `rounding`.
// Fails only if the result does not fit 64 bits.
// REQUIRES: |basis_points| <= kMaxBasisPoints.
Result<Money> percent_of(Money amount, int64_t basis_points, Rounding rounding);

}  // namespace squeaky
