// Who may use the server, and how they prove it: users with a role and a password, login
// sessions with their CSRF token, API tokens for programs, and the login rate limit.
//
// Passwords are hashed with argon2id (libsodium's crypto_pwhash_str) and never stored or journaled;
// session and API tokens are 32 random bytes, shown once and stored as their SHA-256. A login is
// refused for a while after too many failures for the account or from the client's address, and
// the failures are stored, so restarting the server does not reset the count. The current time is
// always an argument. Thread-safe apart from `store`, which the caller owns.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "store/store.h"
#include "store/users.h"

namespace squeaky {

inline constexpr size_t kMinPasswordLength = 10;

// How much work and memory a password hash costs. kInteractive (libsodium's INTERACTIVE limits:
// 64 MiB, a fraction of a second) is for real users; kMinimum exists so that tests stay fast.
enum class PasswordCost { kInteractive, kMinimum };

// A user name: 1 to 64 letters, digits, '.', '_' or '-'. Returns why `name` is not one.
Status check_user_name(std::string_view name);
// At least kMinPasswordLength characters.
Status check_password(std::string_view password);

Status add_user(Store& store, const std::string& name, Role role, std::string_view password, Timestamp now,
                PasswordCost cost, std::string_view actor);
Status change_password(Store& store, const std::string& name, std::string_view password, PasswordCost cost,
                       std::string_view actor);
Status disable_user(Store& store, const std::string& name, std::string_view actor);

// Who is making a request, once their session or token checked out.
struct Principal {
  std::string user;
  Role role = Role::kViewer;
  std::string actor;       // for the journal: "user NAME" or "token NAME"
  std::string csrf_token;  // the session's; empty for an API token (which needs none)
};

struct LoginLimits {
  int max_failures = 5;  // this many failures of one account within `window` lock it for the rest of it
  // and this many from one address lock the address: more, since an office's people share one
  // address, and one of them mistyping must not lock the others out.
  int max_failures_per_address = 20;
  std::chrono::seconds window{15 * 60};
  std::chrono::seconds session_lifetime{12 * 3600};
};

enum class LoginOutcome { kOk, kBadCredentials, kDisabled, kLocked };

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::kBadCredentials;
  std::string session_token;            // kOk: the cookie's value, shown only now
  std::string csrf_token;               // kOk
  Role role = Role::kViewer;            // kOk
  Timestamp expires;                    // kOk
  std::chrono::seconds retry_after{0};  // kLocked: when to try again
};

// Checks the password of `name` unless the account or `client_address` is locked, and opens a
// session on success. A wrong password (or an unknown user) counts a failure against both the
// account and the address; success clears the account's failures.
Result<LoginResult> log_in(Store& store, const std::string& name, std::string_view password,
                           std::string_view client_address, Timestamp now, const LoginLimits& limits = {});
// Changes the password of `name` when `current` is its password now, under the same limits and
// counting the same failures as log_in (a stolen session must not be a way to guess it). Opens no
// session; changing the password ends the user's sessions.
Result<LoginResult> change_own_password(Store& store, const std::string& name, std::string_view current,
                                        std::string_view password, std::string_view client_address, Timestamp now,
                                        PasswordCost cost, const LoginLimits& limits, std::string_view actor);
// Fails with kNotFound when the session does not exist (any more).
Status log_out(Store& store, std::string_view session_token);

// The user of a live session (not expired, user not disabled), if any.
Result<std::optional<Principal>> session_principal(Store& store, std::string_view session_token, Timestamp now);
// The holder of a bearer token (not revoked, its user not disabled), if any.
Result<std::optional<Principal>> token_principal(Store& store, std::string_view bearer_token);

// Creates an API token acting as `role` (no more than the user's own role) on behalf of `user`,
// and returns the token, which is shown only now: "sqk_" and 64 hex digits.
Result<std::string> create_api_token(Store& store, const std::string& name, Role role, const std::string& user,
                                     Timestamp now, std::string_view actor);
Status revoke_api_token(Store& store, const std::string& name, std::string_view actor);

}  // namespace squeaky
