#include "common.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/database.h"

namespace squeaky::cli {

CommandLineClock::CommandLineClock() {
  if (const char* fixed = std::getenv("SQUEAKY_NOW"); fixed != nullptr && *fixed != '\0') {
    auto t = Timestamp::parse(fixed);
    if (!t) {
      std::cerr << "squeaky: SQUEAKY_NOW '" << fixed << "' " << t.status().message() << "\n";
      std::exit(kExitUsage);
    }
    fixed_ = *t;
  }
}

Timestamp CommandLineClock::now() const {
  if (fixed_) return *fixed_;
  return Timestamp(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

int exit_code(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kConflict:
    case ErrorCode::kOverflow:
    case ErrorCode::kCorruption: return kExitProblems;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kIOError: return kExitStore;
  }
  return kExitStore;
}

int fail(const Status& s) {
  std::cerr << "squeaky: " << s.message() << "\n";
  return exit_code(s);
}

int usage_error(const Status& s) {
  std::cerr << "squeaky: " << s.message() << "\n";
  return kExitUsage;
}

Result<Date> as_of_date(const std::string& flag, const Clock& clock) {
  if (flag.empty()) return clock.now().utc_date();
  auto d = Date::parse(flag);
  if (!d) return Status::invalid("--as-of '" + flag + "' " + d.status().message());
  return d;
}

Result<std::unique_ptr<Store>> open_store(const std::string& db, const Clock& clock, OpenMode mode) {
  return open_database(db, clock, mode);
}

Result<PlanSet> load_plans(const std::string& file) {
  std::string path = file;
  if (path.empty()) {
    const char* env = std::getenv("SQUEAKY_PLANS");
    if (env == nullptr || *env == '\0') return default_plan_set();
    path = env;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read the plan file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_plan_set(text.str(), path);
}

std::string user_actor(const std::string& user_flag) {
  std::string name = user_flag;
  for (const char* var : {"SQUEAKY_USER", "USER"}) {
    if (!name.empty()) break;
    if (const char* v = std::getenv(var); v != nullptr) name = v;
  }
  return "user " + (name.empty() ? std::string("unknown") : name);
}

Result<Settings> settings_for(const std::string& db, const std::string& config) {
  // A database on a server has no folder to sit in: its settings come from --config, else
  // ./squeaky.toml when there is one.
  const std::filesystem::path beside = is_server_database(db)
                                           ? std::filesystem::path("squeaky.toml")
                                           : std::filesystem::path(db).parent_path() / "squeaky.toml";
  auto settings = config.empty() ? load_settings(beside.string(), false) : load_settings(config, true);
  if (!settings) return settings;
  // The mail server's password is better kept out of files.
  if (const char* password = std::getenv("SQUEAKY_SMTP_PASSWORD"); password != nullptr && *password != '\0') {
    settings->email.password = password;
  }
  return settings;
}

}  // namespace squeaky::cli
