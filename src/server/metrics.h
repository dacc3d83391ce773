// Counters and a latency histogram of the requests served, rendered in Prometheus' text format.
// Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace squeaky::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (and +Inf).
  static constexpr std::array<double, 10> kBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

  void observe(const std::string& method, const std::string& route, int status, std::chrono::microseconds took);
  // A daily run the server made by itself, and how long it took.
  void observe_run(std::chrono::microseconds took);
  // A read of the whole ledger for the aging, the dashboard and the customer list (at start, on
  // an earlier day, after many changes), and how long it took.
  void observe_whole_read(std::chrono::microseconds took);
  // The requests and latency metrics; `extra` (more metrics, already formatted) is appended.
  std::string render(const std::string& extra) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // method, route, status
  std::array<uint64_t, kBounds.size()> buckets_{};                          // not cumulative
  uint64_t count_ = 0;
  std::chrono::microseconds sum_{0};
  uint64_t runs_ = 0;
  std::chrono::microseconds run_sum_{0};
  std::chrono::microseconds last_run_{0};
  uint64_t whole_reads_ = 0;
  std::chrono::microseconds whole_read_sum_{0};
};

}  // namespace squeaky::server
