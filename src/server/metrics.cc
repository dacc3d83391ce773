#include "metrics.h"

#include <cstdio>

namespace squeaky::server {

void Metrics::observe(const std::string& method, const std::string& route, int status, std::chrono::microseconds took) {
  const std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  const double seconds = static_cast<double>(took.count()) / 1e6;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++count_;
  sum_ += took;
}

void Metrics::observe_run(std::chrono::microseconds took) {
  const std::lock_guard lock(mutex_);
  ++runs_;
  run_sum_ += took;
  last_run_ = took;
}

void Metrics::observe_whole_read(std::chrono::microseconds took) {
  const std::lock_guard lock(mutex_);
  ++whole_reads_;
  whole_read_sum_ += took;
}

std::string Metrics::render(const std::string& extra) const {
  const std::lock_guard lock(mutex_);
  const auto seconds = [](std::chrono::microseconds us) {
    char text[48];
    std::snprintf(text, sizeof text, "%.6f", static_cast<double>(us.count()) / 1e6);
    return std::string(text);
  };
  std::string out =
      "# HELP squeaky_http_requests_total HTTP requests answered, by method, route and status.\n"
      "# TYPE squeaky_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out.append("squeaky_http_requests_total{method=\"")
        .append(method)
        .append("\",route=\"")
        .append(route)
        .append("\",status=\"")
        .append(std::to_string(status))
        .append("\"} ")
        .append(std::to_string(n))
        .append("\n");
  }
  out +=
      "# HELP squeaky_http_request_duration_seconds Time to answer a request.\n"
      "# TYPE squeaky_http_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  char bound[32];
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i];
    std::snprintf(bound, sizeof bound, "%g", kBounds[i]);
    out += "squeaky_http_request_duration_seconds_bucket{le=\"" + std::string(bound) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += "squeaky_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += "squeaky_http_request_duration_seconds_sum " + seconds(sum_) + "\n";
  out += "squeaky_http_request_duration_seconds_count " + std::to_string(count_) + "\n";
  out +=
      "# HELP squeaky_run_duration_seconds The daily runs the server made by itself.\n"
      "# TYPE squeaky_run_duration_seconds summary\n"
      "squeaky_run_duration_seconds_sum " +
      seconds(run_sum_) + "\nsqueaky_run_duration_seconds_count " + std::to_string(runs_) +
      "\n# HELP squeaky_last_run_duration_seconds How long the last of them took.\n"
      "# TYPE squeaky_last_run_duration_seconds gauge\nsqueaky_last_run_duration_seconds " +
      seconds(last_run_) + "\n";
  out +=
      "# HELP squeaky_ledger_reads_duration_seconds Reads of the whole ledger for the kept figures (aging, "
      "dashboard, customer list).\n"
      "# TYPE squeaky_ledger_reads_duration_seconds summary\n"
      "squeaky_ledger_reads_duration_seconds_sum " +
      seconds(whole_read_sum_) + "\nsqueaky_ledger_reads_duration_seconds_count " + std::to_string(whole_reads_) + "\n";
  return out + extra;
}

}  // namespace squeaky::server
