// The commands that manage who may use the server: user (add, passwd, disable, list) and token
// (create, revoke, list). Changes are journaled with the actor "cli". Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/date.h"
#include "core/result.h"

namespace squeaky::cli {

// A new password: $SQUEAKY_PASSWORD when set, else one line of standard input (asked for, and not
// echoed, when it is a terminal).
Result<std::string> read_password();

class UserCommands {
 public:
  void add_to(CLI::App& app);
  // The exit code of the command that was parsed, or nothing when none was.
  std::optional<int> run(const std::string& db, const Clock& clock);
  // The command groups, for the usage message that names their commands.
  CLI::App* user_group() const { return user_; }
  CLI::App* token_group() const { return token_; }

 private:
  CLI::App* user_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* passwd_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* token_ = nullptr;
  CLI::App* token_create_ = nullptr;
  CLI::App* token_revoke_ = nullptr;
  CLI::App* token_list_ = nullptr;

  std::string name_;
  std::string role_;
  std::string owner_;
  bool json_ = false;
};

}  // namespace squeaky::cli
