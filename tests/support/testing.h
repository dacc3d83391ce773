// What the unit tests share: a clock fixed at a given instant, a fresh scratch directory per test
// (under $SQUEAKY_TEST_TMP, which the build points into the build tree), and a way to turn any
// Result into a Status for ASSERT_TRUE(...is_ok()). Test code only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace squeaky::testing {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::string_view utc) : at_(*Timestamp::parse(utc)) {}
  Timestamp now() const override { return at_; }

 private:
  Timestamp at_;
};

// A new, empty directory named after the running test: "<prefix>_<test name>".
inline std::filesystem::path scratch_dir(std::string_view prefix) {
  const char* base = std::getenv("SQUEAKY_TEST_TMP");
  const auto dir = std::filesystem::path(base != nullptr ? base : "/tmp") /
                   (std::string(prefix) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

template <typename T>
Status status_of(const Result<T>& r) {
  return r ? Status::ok() : r.status();
}

}  // namespace squeaky::testing
