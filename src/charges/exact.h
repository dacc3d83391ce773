// 128-bit integer helpers shared by the charges layer's .cc files (not part of its API).
#pragma once

#include <cstdint>
#include <limits>

#include "charges/arithmetic.h"

namespace squeaky {

// GCC and Clang provide a 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
__extension__ using Int128 = __int128;

// numerator / denominator rounded to a whole number by `rounding`.
// REQUIRES: denominator > 0.
Int128 divide_rounded(Int128 numerator, Int128 denominator, Rounding rounding);

inline bool fits_int64(Int128 value) {
  return value >= std::numeric_limits<int64_t>::min() && value <= std::numeric_limits<int64_t>::max();
}

}  // namespace squeaky
