#include "user_commands.h"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "app/users.h"
#include "common.h"
#include "render.h"

namespace squeaky::cli {
namespace {

constexpr std::string_view kActor = "cli";

Result<Role> role_flag(const std::string& text) {
  auto role = parse_role(text);
  if (!role) return Status::invalid("--role '" + text + "' is not owner, collector or viewer");
  return *role;
}

std::string users_text(const std::vector<User>& users) {
  std::string out;
  for (const User& u : users) {
    out += u.name + "  " + std::string(to_string(u.role)) + "  " + (u.disabled ? "disabled" : "active") + "  since " +
           u.created.to_string() + "\n";
  }
  if (users.empty()) out = "no users (add one with 'squeaky user add NAME --role owner')\n";
  return out;
}

std::string tokens_text(const std::vector<ApiToken>& tokens) {
  std::string out;
  for (const ApiToken& t : tokens) {
    out += t.name + "  " + std::string(to_string(t.role)) + "  for " + t.user + "  " +
           (t.revoked ? "revoked" : "active") + "  since " + t.created.to_string() + "\n";
  }
  if (tokens.empty()) out = "no API tokens\n";
  return out;
}

}  // namespace

Result<std::string> read_password() {
  if (const char* env = std::getenv("SQUEAKY_PASSWORD"); env != nullptr && *env != '\0') return std::string(env);
  const bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!got) return Status::invalid("no password: give it on standard input or in $SQUEAKY_PASSWORD");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void UserCommands::add_to(CLI::App& app) {
  user_ = app.add_subcommand("user", "the people who may use the server, and their roles");
  user_->require_subcommand(1);
  add_ = user_->add_subcommand("add", "add a user; the password comes from standard input or $SQUEAKY_PASSWORD");
  add_->add_option("name", name_, "the user's name")->required();
  add_->add_option("--role", role_, "owner | collector | viewer")->required();
  passwd_ = user_->add_subcommand("passwd", "change a user's password (standard input or $SQUEAKY_PASSWORD)");
  passwd_->add_option("name", name_, "the user's name")->required();
  disable_ = user_->add_subcommand("disable", "stop a user from logging in; ends their sessions and tokens");
  disable_->add_option("name", name_, "the user's name")->required();
  list_ = user_->add_subcommand("list", "the users, their roles and whether they are disabled");
  list_->add_flag("--json", json_, "print JSON");

  token_ = app.add_subcommand("token", "API tokens for programs (Authorization: Bearer ...)");
  token_->require_subcommand(1);
  token_create_ = token_->add_subcommand("create", "create a token and print it (only this once)");
  token_create_->add_option("name", name_, "the token's name, as the journal will show it")->required();
  token_create_->add_option("--role", role_, "owner | collector | viewer (no more than the user's)")->required();
  token_create_->add_option("--user", owner_, "the user on whose behalf it acts")->required();
  token_revoke_ = token_->add_subcommand("revoke", "revoke a token; it stops working at once");
  token_revoke_->add_option("name", name_, "the token's name")->required();
  token_list_ = token_->add_subcommand("list", "the tokens (never their values)");
  token_list_->add_flag("--json", json_, "print JSON");
}

std::optional<int> UserCommands::run(const std::string& db, const Clock& clock) {
  if (!user_->parsed() && !token_->parsed()) return std::nullopt;
  Result<Role> role = Role::kViewer;
  if (add_->parsed() || token_create_->parsed()) {
    role = role_flag(role_);
    if (!role) return usage_error(role.status());
  }
  std::string password;
  if (add_->parsed() || passwd_->parsed()) {
    auto read = read_password();
    if (!read) return usage_error(read.status());
    password = std::move(*read);
    if (Status s = check_password(password); !s.is_ok()) return usage_error(s);
  }
  auto opened = open_store(db, clock, add_->parsed() ? OpenMode::kCreateIfMissing : OpenMode::kMustExist);
  if (!opened) return fail(opened.status());
  Store& store = **opened;

  if (list_->parsed()) {
    auto users = store.users();
    if (!users) return fail(users.status());
    std::cout << (json_ ? users_json(*users) : users_text(*users));
    return 0;
  }
  if (token_list_->parsed()) {
    auto tokens = store.api_tokens();
    if (!tokens) return fail(tokens.status());
    std::cout << (json_ ? api_tokens_json(*tokens) : tokens_text(*tokens));
    return 0;
  }
  if (token_create_->parsed()) {
    auto token = create_api_token(store, name_, *role, owner_, clock.now(), kActor);
    if (!token) return fail(token.status());
    std::cerr << "API token '" << name_ << "' (" << to_string(*role) << ", for " << owner_
              << "); it is shown only now:\n";
    std::cout << *token << "\n";
    return 0;
  }
  Status done;
  std::string said;
  if (add_->parsed()) {
    done = add_user(store, name_, *role, password, clock.now(), PasswordCost::kInteractive, kActor);
    said = "added " + std::string(to_string(*role)) + " " + name_;
  } else if (passwd_->parsed()) {
    done = change_password(store, name_, password, PasswordCost::kInteractive, kActor);
    said = "changed the password of " + name_ + " (their sessions are ended)";
  } else if (disable_->parsed()) {
    done = disable_user(store, name_, kActor);
    said = "disabled " + name_ + " (their sessions and tokens no longer work)";
  } else if (token_revoke_->parsed()) {
    done = revoke_api_token(store, name_, kActor);
    said = "revoked the API token '" + name_ + "'";
  }
  if (!done.is_ok()) return fail(done);
  std::cout << said << "\n";
  return 0;
}

}  // namespace squeaky::cli
