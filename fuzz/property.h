// What the fuzz targets share: a property check that aborts (so libFuzzer keeps the input) with
// the property named on standard error.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace squeaky {

inline void expect(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "property violated: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace squeaky
