// What every command of the command line shares: exit codes, error printing, the clock, the
// "as of" date, the store and the plans. Not thread-safe (the command line is one thread).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/settings.h"
#include "core/date.h"
#include "core/result.h"
#include "policy/plan.h"
#include "store/store.h"

namespace squeaky::cli {

inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitStore = 4;

// The system clock, unless SQUEAKY_NOW fixes the time (for reproducible runs and tests).
class CommandLineClock final : public Clock {
 public:
  CommandLineClock();
  Timestamp now() const override;

 private:
  std::optional<Timestamp> fixed_;
};

int exit_code(const Status& s);
// Prints "squeaky: <message>" and returns the exit code for the status.
int fail(const Status& s);
// A flag's value is wrong: the command line is at fault, not the data (exit 2).
int usage_error(const Status& s);

// The "as of" date: `flag` when given (YYYY-MM-DD), or today (UTC) from the clock.
Result<Date> as_of_date(const std::string& flag, const Clock& clock);

Result<std::unique_ptr<Store>> open_store(const std::string& db, const Clock& clock, OpenMode mode);

// The plans: `file` when given, else $SQUEAKY_PLANS when set, else the plans squeaky ships.
Result<PlanSet> load_plans(const std::string& file);

// The settings: `config` when given (it must exist), else squeaky.toml beside the database when
// there is one, else the defaults; $SQUEAKY_SMTP_PASSWORD, when set, gives the mail password.
Result<Settings> settings_for(const std::string& db, const std::string& config);

// Who is acting, for the journal: "user NAME" from --user, $SQUEAKY_USER or $USER.
std::string user_actor(const std::string& user_flag);

}  // namespace squeaky::cli
