#include "sql_users.h"

#include <chrono>
#include <string>

#include "store/journal.h"

namespace squeaky::sql {

const char* const kUsersSchema = R"sql(
CREATE TABLE users (
  name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('owner', 'collector', 'viewer')),
  password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
  token_sha256 TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES users (name), csrf_token TEXT NOT NULL,
  created TEXT NOT NULL, expires TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_name);
CREATE TABLE api_tokens (
  name TEXT PRIMARY KEY, token_sha256 TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'collector', 'viewer')), user_name TEXT NOT NULL REFERENCES users (name),
  created TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE login_failures (key TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
)sql";

namespace {

Timestamp stored_time(std::string_view text) {
  auto t = Timestamp::parse(text);
  return t ? *t : Timestamp{};
}

User read_user(const Statement& q) {
  User u;
  u.name = q.text(0);
  u.role = parse_role(q.text(1)).value_or(Role::kViewer);
  u.password_hash = q.text(2);
  u.disabled = q.integer(3) != 0;
  u.created = stored_time(q.text(4));
  return u;
}

ApiToken read_token(const Statement& q) {
  ApiToken t;
  t.name = q.text(0);
  t.token_sha256 = q.text(1);
  t.role = parse_role(q.text(2)).value_or(Role::kViewer);
  t.user = q.text(3);
  t.created = stored_time(q.text(4));
  t.revoked = q.integer(5) != 0;
  return t;
}

constexpr const char* kUserColumns = "name, role, password_hash, disabled, created";
constexpr const char* kTokenColumns = "name, token_sha256, role, user_name, created, revoked";

std::string name_payload(std::string_view name) { return CanonicalJson().add("name", name).str(); }

}  // namespace

Status Users::prepare(Connection* db) {
  db_ = db;
  const std::pair<Statement*, std::string> statements[] = {
      {&insert_user_,
       "INSERT INTO users (name, role, password_hash, disabled, created) VALUES (?1, ?2, ?3, ?4, ?5) "
       "ON CONFLICT (name) DO NOTHING"},
      {&select_user_, std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?1"},
      {&update_password_, "UPDATE users SET password_hash = ?2 WHERE name = ?1"},
      {&disable_user_, "UPDATE users SET disabled = 1 WHERE name = ?1"},
      {&delete_sessions_of_, "DELETE FROM sessions WHERE user_name = ?1"},
      {&insert_token_,
       "INSERT INTO api_tokens (name, token_sha256, role, user_name, created) VALUES (?1, ?2, ?3, ?4, ?5) "
       "ON CONFLICT DO NOTHING"},
      {&revoke_token_, "UPDATE api_tokens SET revoked = 1 WHERE name = ?1 AND revoked = 0"},
      {&select_token_, std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE token_sha256 = ?1"},
      {&select_token_by_name_, std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE name = ?1"},
      {&insert_session_,
       "INSERT INTO sessions (token_sha256, user_name, csrf_token, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&select_session_,
       "SELECT token_sha256, user_name, csrf_token, created, expires FROM sessions WHERE token_sha256 = ?1"},
      {&delete_session_, "DELETE FROM sessions WHERE token_sha256 = ?1"},
      {&delete_expired_sessions_, "DELETE FROM sessions WHERE expires < ?1"},
      {&insert_failure_, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)"},
      {&delete_failures_, "DELETE FROM login_failures WHERE key = ?1"},
      {&delete_old_failures_, "DELETE FROM login_failures WHERE at < ?1"},
      {&select_failures_, "SELECT at FROM login_failures WHERE key = ?1 AND at >= ?2 ORDER BY at"},
  };
  for (const auto& [statement, text] : statements) {
    if (Status s = statement->prepare(db, text.c_str(), true); !s.is_ok()) return s;
  }
  return Status::ok();
}

Status Users::add_user(JournalWriter& j, const User& user, std::string_view actor) {
  {
    Use q(insert_user_);
    q->bind(1, user.name).bind(2, to_string(user.role)).bind(3, user.password_hash);
    q->bind(4, int64_t{user.disabled}).bind(5, user.created.to_string());
    if (q->step() != kDone) return error(db_, "adding a user");
    if (db_->changes() != 1) return Status::conflict("there is already a user '" + user.name + "'");
  }
  CanonicalJson payload;
  payload.add("name", user.name).add("role", to_string(user.role));
  return j.append("", actor, "user.added", payload.str());
}

Status Users::end_sessions_of(std::string_view name) {
  Use q(delete_sessions_of_);
  q->bind(1, name);
  return q->step() == kDone ? Status::ok() : error(db_, "ending a user's sessions");
}

Status Users::set_password(JournalWriter& j, std::string_view name, std::string_view password_hash,
                           std::string_view actor) {
  {
    Use q(update_password_);
    q->bind(1, name).bind(2, password_hash);
    if (q->step() != kDone) return error(db_, "changing a password");
    if (db_->changes() != 1) return Status::not_found("no user '" + std::string(name) + "'");
  }
  if (Status s = end_sessions_of(name); !s.is_ok()) return s;
  return j.append("", actor, "user.password_changed", name_payload(name));
}

Status Users::disable_user(JournalWriter& j, std::string_view name, std::string_view actor) {
  {
    Use q(disable_user_);
    q->bind(1, name);
    if (q->step() != kDone) return error(db_, "disabling a user");
    if (db_->changes() != 1) return Status::not_found("no user '" + std::string(name) + "'");
  }
  if (Status s = end_sessions_of(name); !s.is_ok()) return s;
  return j.append("", actor, "user.disabled", name_payload(name));
}

Status Users::add_api_token(JournalWriter& j, const ApiToken& token, std::string_view actor) {
  {
    Use q(insert_token_);
    q->bind(1, token.name).bind(2, token.token_sha256).bind(3, to_string(token.role)).bind(4, token.user);
    q->bind(5, token.created.to_string());
    if (q->step() != kDone) return error(db_, "creating an API token");
    if (db_->changes() != 1) return Status::conflict("there is already an API token '" + token.name + "'");
  }
  CanonicalJson payload;
  payload.add("name", token.name).add("role", to_string(token.role)).add("user", token.user);
  return j.append("", actor, "token.created", payload.str());
}

Status Users::revoke_api_token(JournalWriter& j, std::string_view name, std::string_view actor) {
  {
    Use q(revoke_token_);
    q->bind(1, name);
    if (q->step() != kDone) return error(db_, "revoking an API token");
    if (db_->changes() != 1) {
      Use find(select_token_by_name_);
      find->bind(1, name);
      const int rc = find->step();
      if (rc == kRow) return Status::conflict("the API token '" + std::string(name) + "' is already revoked");
      return Status::not_found("no API token '" + std::string(name) + "'");
    }
  }
  return j.append("", actor, "token.revoked", name_payload(name));
}

Status Users::add_session(JournalWriter& j, const Session& session) {
  {
    Use q(delete_expired_sessions_);
    q->bind(1, session.created.to_string());
    if (q->step() != kDone) return error(db_, "forgetting expired sessions");
  }
  {
    Use q(insert_session_);
    q->bind(1, session.token_sha256).bind(2, session.user).bind(3, session.csrf_token);
    q->bind(4, session.created.to_string()).bind(5, session.expires.to_string());
    if (q->step() != kDone) return error(db_, "opening a session");
  }
  CanonicalJson payload;
  payload.add("expires", session.expires.to_string()).add("name", session.user);
  return j.append("", "user " + session.user, "session.opened", payload.str());
}

Status Users::end_session(JournalWriter& j, std::string_view token_sha256) {
  auto found = session(token_sha256);
  if (!found) return found.status();
  if (!*found) return Status::not_found("no such session");
  Use q(delete_session_);
  q->bind(1, token_sha256);
  if (q->step() != kDone) return error(db_, "closing a session");
  return j.append("", "user " + (*found)->user, "session.closed", name_payload((*found)->user));
}

Status Users::record_login_failure(std::string_view key, Timestamp at) {
  {
    Use q(delete_old_failures_);
    q->bind(1, Timestamp(at.seconds() - std::chrono::hours(24)).to_string());
    if (q->step() != kDone) return error(db_, "forgetting old failed logins");
  }
  Use q(insert_failure_);
  q->bind(1, key).bind(2, at.to_string());
  return q->step() == kDone ? Status::ok() : error(db_, "recording a failed login");
}

Status Users::clear_login_failures(std::string_view key) {
  Use q(delete_failures_);
  q->bind(1, key);
  return q->step() == kDone ? Status::ok() : error(db_, "clearing failed logins");
}

Result<std::optional<User>> Users::user(std::string_view name) {
  Use q(select_user_);
  q->bind(1, name);
  const int rc = q->step();
  if (rc == kDone) return std::optional<User>{};
  if (rc != kRow) return error(db_, "reading a user");
  return std::optional<User>(read_user(*q.operator->()));
}

Result<std::vector<User>> Users::users() {
  Statement q;
  if (Status s = q.prepare(db_, (std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name").c_str());
      !s.is_ok()) {
    return s;
  }
  std::vector<User> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_user(q));
  if (rc != kDone) return error(db_, "reading users");
  return out;
}

Result<std::optional<Session>> Users::session(std::string_view token_sha256) {
  Use q(select_session_);
  q->bind(1, token_sha256);
  const int rc = q->step();
  if (rc == kDone) return std::optional<Session>{};
  if (rc != kRow) return error(db_, "reading a session");
  Session s;
  s.token_sha256 = q->text(0);
  s.user = q->text(1);
  s.csrf_token = q->text(2);
  s.created = stored_time(q->text(3));
  s.expires = stored_time(q->text(4));
  return std::optional<Session>(std::move(s));
}

Result<std::optional<ApiToken>> Users::api_token(std::string_view token_sha256) {
  Use q(select_token_);
  q->bind(1, token_sha256);
  const int rc = q->step();
  if (rc == kDone) return std::optional<ApiToken>{};
  if (rc != kRow) return error(db_, "reading an API token");
  return std::optional<ApiToken>(read_token(*q.operator->()));
}

Result<std::vector<ApiToken>> Users::api_tokens() {
  Statement q;
  if (Status s = q.prepare(db_, (std::string("SELECT ") + kTokenColumns + " FROM api_tokens ORDER BY name").c_str());
      !s.is_ok()) {
    return s;
  }
  std::vector<ApiToken> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_token(q));
  if (rc != kDone) return error(db_, "reading API tokens");
  return out;
}

Result<std::vector<Timestamp>> Users::login_failures(std::string_view key, Timestamp since) {
  Use q(select_failures_);
  q->bind(1, key).bind(2, since.to_string());
  std::vector<Timestamp> out;
  int rc = 0;
  while ((rc = q->step()) == kRow) out.push_back(stored_time(q->text(0)));
  if (rc != kDone) return error(db_, "reading failed logins");
  return out;
}

}  // namespace squeaky::sql
