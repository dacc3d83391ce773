// The collection commands of the command line (run, worklist, log-call, promise, payment-plan,
// dispute, resolve, hold, flag): their flags and what each does. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/date.h"

namespace squeaky::cli {

class CollectCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the collection command that was parsed, or nothing when none was.
  std::optional<int> run(const std::string& db, const std::string& config, const Clock& clock);

 private:
  int dispatch(CLI::App* cmd, const std::string& db, const std::string& config, const Clock& clock);

  CLI::App* run_ = nullptr;
  CLI::App* worklist_ = nullptr;
  CLI::App* log_call_ = nullptr;
  CLI::App* promise_ = nullptr;
  CLI::App* payment_plan_ = nullptr;
  CLI::App* dispute_ = nullptr;
  CLI::App* resolve_ = nullptr;
  CLI::App* hold_ = nullptr;
  CLI::App* flag_ = nullptr;
  CLI::App* optout_ = nullptr;

  std::string as_of_;
  std::string plans_;
  std::string user_;
  bool json_ = false;
  bool dry_run_ = false;
  int days_ = 1;
  std::string shard_;  // run --shard K/N
  std::string customer_;
  std::string outcome_;
  std::string amount_;
  std::string date_;
  std::string invoice_;
  std::string note_;
  std::vector<std::string> instalments_;
  bool hardship_ = false;
  std::string flag_name_;
  bool clear_ = false;
  std::string channel_;
  std::string contact_;
};

}  // namespace squeaky::cli
