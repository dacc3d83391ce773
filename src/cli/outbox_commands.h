// The commands that carry messages out: send, letters, and outbox (list, retry, cancel,
// confirm). Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/date.h"

namespace squeaky::cli {

class OutboxCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the command that was parsed, or nothing when none was.
  std::optional<int> run(const std::string& db, const std::string& config, const Clock& clock);

 private:
  CLI::App* send_ = nullptr;
  CLI::App* letters_ = nullptr;
  CLI::App* outbox_ = nullptr;
  CLI::App* retry_ = nullptr;
  CLI::App* cancel_ = nullptr;
  CLI::App* confirm_ = nullptr;
  CLI::App* hold_ = nullptr;
  CLI::App* approve_ = nullptr;

  std::string plans_;
  std::string user_;
  std::string date_;
  std::string status_;
  std::string customer_;
  size_t limit_ = 0;
  int64_t id_ = 0;
  bool json_ = false;
};

}  // namespace squeaky::cli
