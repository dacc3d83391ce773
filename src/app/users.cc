#include "app/users.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "store/journal.h"

namespace squeaky {
namespace {

void require_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

// 32 random bytes as 64 lowercase hex digits.
std::string random_token() {
  require_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  return {hex.data(), 64};
}

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  if (Status s = check_password(password); !s.is_ok()) return s;
  require_sodium();
  const bool minimum = cost == PasswordCost::kMinimum;
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::io_error("not enough memory to hash the password");
  }
  return std::string(out.data());
}

bool password_matches(const std::string& hash, std::string_view password) {
  require_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// Checks `password` against a hash no password matches, at the cost real users' hashes have, so
// that an unknown name takes as long to refuse as a wrong password and names cannot be guessed
// from the time a login takes.
void spend_a_password_check(std::string_view password) {
  static const std::string nobody_hash = [] {
    auto hash = hash_password("no user has this password", PasswordCost::kInteractive);
    return hash ? *hash : std::string();
  }();
  if (!nobody_hash.empty()) (void)password_matches(nobody_hash, password);
}

std::string user_key(std::string_view name) { return "user " + std::string(name); }
std::string address_key(std::string_view address) { return "address " + std::string(address); }

}  // namespace

Status check_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return Status::invalid("a user name has 1 to 64 characters");
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::invalid("the user name '" + std::string(name) +
                             "' may hold only letters, digits, '.', '_' and '-'");
    }
  }
  return Status::ok();
}

Status check_password(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return Status::invalid("the password is too short: at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  return Status::ok();
}

Status add_user(Store& store, const std::string& name, Role role, std::string_view password, Timestamp now,
                PasswordCost cost, std::string_view actor) {
  if (Status s = check_user_name(name); !s.is_ok()) return s;
  auto hash = hash_password(password, cost);
  if (!hash) return hash.status();
  return in_transaction(store, [&](StoreTransaction& txn) {
    return txn.add_user(User{name, role, *hash, false, now}, actor);
  });
}

Status change_password(Store& store, const std::string& name, std::string_view password, PasswordCost cost,
                       std::string_view actor) {
  auto hash = hash_password(password, cost);
  if (!hash) return hash.status();
  return in_transaction(store, [&](StoreTransaction& txn) { return txn.set_password(name, *hash, actor); });
}

Status disable_user(Store& store, const std::string& name, std::string_view actor) {
  auto user = store.user(name);
  if (!user) return user.status();
  if (!*user) return Status::not_found("no user '" + name + "'");
  if ((*user)->disabled) return Status::conflict("the user '" + name + "' is already disabled");
  return in_transaction(store, [&](StoreTransaction& txn) { return txn.disable_user(name, actor); });
}

namespace {

// The password check of a login: refused while the account or the address is locked; a wrong
// password (or an unknown user) counts a failure against both; a right one clears the account's.
Result<LoginOutcome> check_credentials(Store& store, const std::string& name, std::string_view password,
                                       std::string_view client_address, Timestamp now, const LoginLimits& limits,
                                       std::chrono::seconds& retry_after) {
  // A failure counts for `window`: at now - window it no longer does.
  const Timestamp since(now.seconds() - limits.window + std::chrono::seconds(1));
  bool locked = false;
  for (const auto& [key, most] : {std::pair{user_key(name), limits.max_failures},
                                  std::pair{address_key(client_address), limits.max_failures_per_address}}) {
    auto failures = store.login_failures(key, since);
    if (!failures) return failures.status();
    if (static_cast<int>(failures->size()) < most) continue;
    // Locked until the failure that made the count leaves the window.
    const Timestamp oldest_counted = (*failures)[failures->size() - static_cast<size_t>(most)];
    const auto wait = oldest_counted.seconds() + limits.window - now.seconds();
    locked = true;
    retry_after = std::max(retry_after, std::max(wait, std::chrono::seconds(1)));
  }
  if (locked) return LoginOutcome::kLocked;

  auto user = store.user(name);
  if (!user) return user.status();
  const bool known = user->has_value();
  if (!known) spend_a_password_check(password);
  if (!known || !password_matches((*user)->password_hash, password)) {
    // A name no user could have counts against the address only, so that junk names do not
    // pile up in the table.
    const bool plausible = check_user_name(name).is_ok();
    if (Status s = in_transaction(store,
                                  [&](StoreTransaction& txn) {
                                    if (plausible) {
                                      if (Status r = txn.record_login_failure(user_key(name), now); !r.is_ok()) {
                                        return r;
                                      }
                                    }
                                    return txn.record_login_failure(address_key(client_address), now);
                                  });
        !s.is_ok()) {
      return s;
    }
    return LoginOutcome::kBadCredentials;
  }
  if ((*user)->disabled) return LoginOutcome::kDisabled;
  if (Status s = in_transaction(store, [&](StoreTransaction& txn) { return txn.clear_login_failures(user_key(name)); });
      !s.is_ok()) {
    return s;
  }
  return LoginOutcome::kOk;
}

}  // namespace

Result<LoginResult> log_in(Store& store, const std::string& name, std::string_view password,
                           std::string_view client_address, Timestamp now, const LoginLimits& limits) {
  LoginResult result;
  auto outcome = check_credentials(store, name, password, client_address, now, limits, result.retry_after);
  if (!outcome) return outcome.status();
  result.outcome = *outcome;
  if (result.outcome != LoginOutcome::kOk) return result;
  auto user = store.user(name);
  if (!user) return user.status();
  if (!*user) return Status::not_found("no user '" + name + "'");
  result.session_token = random_token();
  result.csrf_token = random_token();
  result.role = (*user)->role;
  result.expires = Timestamp(now.seconds() + limits.session_lifetime);
  const Session session{sha256_hex(result.session_token), name, result.csrf_token, now, result.expires};
  if (Status s = in_transaction(store, [&](StoreTransaction& txn) { return txn.add_session(session); }); !s.is_ok()) {
    return s;
  }
  return result;
}

Result<LoginResult> change_own_password(Store& store, const std::string& name, std::string_view current,
                                        std::string_view password, std::string_view client_address, Timestamp now,
                                        PasswordCost cost, const LoginLimits& limits, std::string_view actor) {
  LoginResult result;
  auto outcome = check_credentials(store, name, current, client_address, now, limits, result.retry_after);
  if (!outcome) return outcome.status();
  result.outcome = *outcome;
  if (result.outcome != LoginOutcome::kOk) return result;
  if (Status s = change_password(store, name, password, cost, actor); !s.is_ok()) return s;
  return result;
}

Status log_out(Store& store, std::string_view session_token) {
  return in_transaction(store, [&](StoreTransaction& txn) { return txn.end_session(sha256_hex(session_token)); });
}

Result<std::optional<Principal>> session_principal(Store& store, std::string_view session_token, Timestamp now) {
  if (session_token.empty()) return std::optional<Principal>{};
  auto session = store.session(sha256_hex(session_token));
  if (!session) return session.status();
  if (!*session || (*session)->expires <= now) return std::optional<Principal>{};
  auto user = store.user((*session)->user);
  if (!user) return user.status();
  if (!*user || (*user)->disabled) return std::optional<Principal>{};
  return std::optional<Principal>(
      Principal{(*user)->name, (*user)->role, "user " + (*user)->name, (*session)->csrf_token});
}

Result<std::optional<Principal>> token_principal(Store& store, std::string_view bearer_token) {
  if (bearer_token.empty()) return std::optional<Principal>{};
  auto token = store.api_token(sha256_hex(bearer_token));
  if (!token) return token.status();
  if (!*token || (*token)->revoked) return std::optional<Principal>{};
  auto user = store.user((*token)->user);
  if (!user) return user.status();
  if (!*user || (*user)->disabled) return std::optional<Principal>{};
  return std::optional<Principal>(
      Principal{(*user)->name, std::min((*token)->role, (*user)->role), "token " + (*token)->name, ""});
}

Result<std::string> create_api_token(Store& store, const std::string& name, Role role, const std::string& user,
                                     Timestamp now, std::string_view actor) {
  if (Status s = check_user_name(name); !s.is_ok()) {
    return Status::invalid("the token name '" + name + "' may hold only 1 to 64 letters, digits, '.', '_' and '-'");
  }
  auto owner = store.user(user);
  if (!owner) return owner.status();
  if (!*owner) return Status::not_found("no user '" + user + "'");
  if ((*owner)->disabled) return Status::conflict("the user '" + user + "' is disabled");
  if (role > (*owner)->role) {
    return Status::invalid("a token of " + user + " (a " + std::string(to_string((*owner)->role)) +
                           ") cannot have the role " + std::string(to_string(role)));
  }
  const std::string secret = "sqk_" + random_token();
  if (Status s =
          in_transaction(store,
                         [&](StoreTransaction& txn) {
                           return txn.add_api_token(ApiToken{sha256_hex(secret), name, role, user, now, false}, actor);
                         });
      !s.is_ok()) {
    return s;
  }
  return secret;
}

Status revoke_api_token(Store& store, const std::string& name, std::string_view actor) {
  return in_transaction(store, [&](StoreTransaction& txn) { return txn.revoke_api_token(name, actor); });
}

}  // namespace squeaky
