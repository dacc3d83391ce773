// Users, sessions, API tokens and failed logins (migration 5). Used by sql_store.cc only; not
// thread-safe (one per connection).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "sql.h"
#include "sql_collection.h"
#include "store/users.h"

namespace squeaky::sql {

// The schema of migration 5.
extern const char* const kUsersSchema;

class Users {
 public:
  Status prepare(Connection* db);

  Status add_user(JournalWriter& j, const User& user, std::string_view actor);
  Status set_password(JournalWriter& j, std::string_view name, std::string_view password_hash, std::string_view actor);
  Status disable_user(JournalWriter& j, std::string_view name, std::string_view actor);
  Status add_api_token(JournalWriter& j, const ApiToken& token, std::string_view actor);
  Status revoke_api_token(JournalWriter& j, std::string_view name, std::string_view actor);
  // Also forgets the sessions that expired before this one was created.
  Status add_session(JournalWriter& j, const Session& session);
  Status end_session(JournalWriter& j, std::string_view token_sha256);
  // Also forgets the failures of every key older than a day before `at`.
  Status record_login_failure(std::string_view key, Timestamp at);
  Status clear_login_failures(std::string_view key);

  Result<std::optional<User>> user(std::string_view name);
  Result<std::vector<User>> users();
  Result<std::optional<Session>> session(std::string_view token_sha256);
  Result<std::optional<ApiToken>> api_token(std::string_view token_sha256);
  Result<std::vector<ApiToken>> api_tokens();
  Result<std::vector<Timestamp>> login_failures(std::string_view key, Timestamp since);

 private:
  Status end_sessions_of(std::string_view name);

  Connection* db_ = nullptr;
  Statement insert_user_, select_user_, update_password_, disable_user_, delete_sessions_of_;
  Statement insert_token_, revoke_token_, select_token_, select_token_by_name_;
  Statement insert_session_, select_session_, delete_session_, delete_expired_sessions_;
  Statement insert_failure_, delete_failures_, delete_old_failures_, select_failures_;
};

}  // namespace squeaky::sql
