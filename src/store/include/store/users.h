// The people and programs allowed into the server: users with a role, their sessions, the API
// tokens, and the failed logins that lock an account or an address for a while.
//
// Secrets are never stored: a password is kept as its argon2id hash (app/users.h makes it), a
// session or API token as the SHA-256 of its bytes. Plain values; thread-safe to copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"

namespace squeaky {

// What a user may do, each role including the ones below it: a viewer reads, a collector also
// records calls, promises, plans, disputes, holds, flags and outbox decisions, an owner also runs
// the day, imports, and manages users and tokens.
enum class Role { kViewer = 0, kCollector = 1, kOwner = 2 };

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct User {
  std::string name;
  Role role = Role::kViewer;
  std::string password_hash;  // crypto_pwhash_str's text: algorithm, limits, salt and hash
  bool disabled = false;
  Timestamp created;
};

struct Session {
  std::string token_sha256;  // hex SHA-256 of the cookie's token
  std::string user;
  std::string csrf_token;  // sent back in X-CSRF-Token on every change
  Timestamp created;
  Timestamp expires;
};

struct ApiToken {
  std::string token_sha256;  // hex SHA-256 of the bearer token
  std::string name;          // unique; how the token is named in the journal ("token NAME")
  Role role = Role::kViewer;
  std::string user;  // on whose behalf; a disabled user's tokens stop working
  Timestamp created;
  bool revoked = false;
};

}  // namespace squeaky
