// Users, sessions, API tokens and the login rate limit over a scratch SQLite ledger.
#include "app/users.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/journal.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

using testing::FixedClock;

Timestamp at(std::string_view text) { return *Timestamp::parse(text); }

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::open_test_store((testing::scratch_dir("users") / "ledger.db").string(), clock_,
                                           OpenMode::kCreateIfMissing);
    ASSERT_TRUE(opened) << opened.status().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(
        add_user(*store_, "alice", Role::kCollector, "correct horse", now_, PasswordCost::kMinimum, "cli").is_ok());
  }

  std::vector<JournalEntry> journal() {
    std::vector<JournalEntry> out;
    EXPECT_TRUE(store_
                    ->for_each_journal_entry([&](const JournalEntry& e) {
                      out.push_back(e);
                      return Status::ok();
                    })
                    .is_ok());
    return out;
  }

  FixedClock clock_{"2026-03-02T16:00:00Z"};
  Timestamp now_ = at("2026-03-02T16:00:00Z");
  std::unique_ptr<Store> store_;
};

TEST_F(UsersTest, AddsAUserWithAnArgon2idHashAndJournalsNoSecret) {
  auto user = store_->user("alice");
  ASSERT_TRUE(user && *user);
  EXPECT_EQ((*user)->role, Role::kCollector);
  EXPECT_TRUE((*user)->password_hash.starts_with("$argon2id$")) << (*user)->password_hash;
  EXPECT_EQ((*user)->created, now_);
  const auto entries = journal();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "user.added");
  EXPECT_EQ(entries[0].actor, "cli");
  EXPECT_EQ(entries[0].payload, R"({"name":"alice","role":"collector"})");
}

TEST_F(UsersTest, RefusesShortPasswordsBadNamesAndTakenNames) {
  Status s = add_user(*store_, "bob", Role::kViewer, "123456789", now_, PasswordCost::kMinimum, "cli");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "the password is too short: at least 10 characters");
  s = add_user(*store_, "bob smith", Role::kViewer, "long enough pw", now_, PasswordCost::kMinimum, "cli");
  EXPECT_EQ(s.message(), "the user name 'bob smith' may hold only letters, digits, '.', '_' and '-'");
  s = add_user(*store_, "alice", Role::kViewer, "long enough pw", now_, PasswordCost::kMinimum, "cli");
  EXPECT_EQ(s.code(), ErrorCode::kConflict);
  EXPECT_EQ(s.message(), "there is already a user 'alice'");
  EXPECT_EQ(journal().size(), 1u);
}

TEST_F(UsersTest, LogsInAndOutWithASessionStoredOnlyAsItsHash) {
  auto login = log_in(*store_, "alice", "correct horse", "127.0.0.1", now_);
  ASSERT_TRUE(login);
  ASSERT_EQ(login->outcome, LoginOutcome::kOk);
  EXPECT_EQ(login->session_token.size(), 64u);
  EXPECT_EQ(login->expires, at("2026-03-03T04:00:00Z"));
  EXPECT_FALSE(store_->session(login->session_token).value().has_value());
  EXPECT_TRUE(store_->session(sha256_hex(login->session_token)).value().has_value());

  auto who = session_principal(*store_, login->session_token, now_);
  ASSERT_TRUE(who && *who);
  EXPECT_EQ((*who)->actor, "user alice");
  EXPECT_EQ((*who)->csrf_token, login->csrf_token);
  // Expired at its end.
  EXPECT_FALSE(session_principal(*store_, login->session_token, login->expires).value().has_value());

  ASSERT_TRUE(log_out(*store_, login->session_token).is_ok());
  EXPECT_FALSE(session_principal(*store_, login->session_token, now_).value().has_value());
  EXPECT_EQ(log_out(*store_, login->session_token).code(), ErrorCode::kNotFound);
  const auto entries = journal();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].kind, "session.opened");
  EXPECT_EQ(entries[1].payload, R"({"expires":"2026-03-03T04:00:00Z","name":"alice"})");
  EXPECT_EQ(entries[2].kind, "session.closed");
  EXPECT_EQ(entries[2].actor, "user alice");
}

TEST_F(UsersTest, LocksTheAccountAfterFiveFailuresEvenForTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    auto r = log_in(*store_, "alice", "wrong password", "10.0.0." + std::to_string(i), now_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->outcome, LoginOutcome::kBadCredentials);
  }
  const Timestamp later(now_.seconds() + std::chrono::minutes(10));
  auto locked = log_in(*store_, "alice", "correct horse", "10.0.0.9", later);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->outcome, LoginOutcome::kLocked);
  EXPECT_EQ(locked->retry_after, std::chrono::minutes(5));
  EXPECT_TRUE(locked->session_token.empty());
  // Once the window has passed, the right password works again and clears the count.
  const Timestamp after(now_.seconds() + std::chrono::minutes(15));
  auto ok = log_in(*store_, "alice", "correct horse", "10.0.0.9", after);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->outcome, LoginOutcome::kOk);
  EXPECT_TRUE(store_->login_failures("user alice", now_).value().empty());
}

TEST_F(UsersTest, OneMistypingColleagueDoesNotLockTheOfficeButTwentyFailuresFromAnAddressDo) {
  ASSERT_TRUE(
      add_user(*store_, "bob", Role::kCollector, "battery staple", now_, PasswordCost::kMinimum, "cli").is_ok());
  for (int i = 0; i < 5; ++i) (void)log_in(*store_, "alice", "wrong password", "192.0.2.7", now_);
  EXPECT_EQ(log_in(*store_, "alice", "correct horse", "192.0.2.7", now_)->outcome, LoginOutcome::kLocked);
  // Bob, behind the same address, still gets in.
  EXPECT_EQ(log_in(*store_, "bob", "battery staple", "192.0.2.7", now_)->outcome, LoginOutcome::kOk);
  // Guessing across many names from one address locks the address at 20.
  for (int i = 5; i < 20; ++i) (void)log_in(*store_, "user" + std::to_string(i), "guess", "192.0.2.7", now_);
  auto locked = log_in(*store_, "bob", "battery staple", "192.0.2.7", now_);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->outcome, LoginOutcome::kLocked);
  EXPECT_EQ(locked->retry_after, std::chrono::minutes(15));
  EXPECT_EQ(log_in(*store_, "bob", "battery staple", "198.51.100.1", now_)->outcome, LoginOutcome::kOk);
}

TEST_F(UsersTest, UnknownNamesAreRefusedLikeWrongPasswordsAndJunkNamesCountOnlyAgainstTheAddress) {
  auto r = log_in(*store_, "ghost", "any password", "10.0.0.1", now_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, LoginOutcome::kBadCredentials);
  EXPECT_EQ(store_->login_failures("user ghost", now_).value().size(), 1u);
  r = log_in(*store_, std::string(200, 'x') + " y", "any password", "10.0.0.1", now_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, LoginOutcome::kBadCredentials);
  EXPECT_EQ(store_->login_failures("address 10.0.0.1", now_).value().size(), 2u);
  EXPECT_TRUE(store_->login_failures("user " + std::string(200, 'x') + " y", now_).value().empty());
}

TEST_F(UsersTest, DisabledUsersCannotLogInAndLoseTheirSessionsAndTokens) {
  auto login = log_in(*store_, "alice", "correct horse", "127.0.0.1", now_);
  auto token = create_api_token(*store_, "alice-phone", Role::kViewer, "alice", now_, "cli");
  ASSERT_TRUE(login && token);
  ASSERT_TRUE(disable_user(*store_, "alice", "user root").is_ok());
  EXPECT_EQ(log_in(*store_, "alice", "correct horse", "127.0.0.1", now_)->outcome, LoginOutcome::kDisabled);
  EXPECT_FALSE(session_principal(*store_, login->session_token, now_).value().has_value());
  EXPECT_FALSE(token_principal(*store_, *token).value().has_value());
  EXPECT_EQ(disable_user(*store_, "alice", "cli").message(), "the user 'alice' is already disabled");
  EXPECT_EQ(journal().back().kind, "user.disabled");
  EXPECT_EQ(journal().back().actor, "user root");
}

TEST_F(UsersTest, ApiTokensActAsTheirRoleUntilRevoked) {
  auto token = create_api_token(*store_, "ledger-sync", Role::kViewer, "alice", now_, "user alice");
  ASSERT_TRUE(token) << token.status().message();
  EXPECT_TRUE(token->starts_with("sqk_"));
  EXPECT_EQ(token->size(), 68u);
  auto who = token_principal(*store_, *token);
  ASSERT_TRUE(who && *who);
  EXPECT_EQ((*who)->actor, "token ledger-sync");
  EXPECT_EQ((*who)->role, Role::kViewer);
  EXPECT_EQ(journal().back().payload, R"({"name":"ledger-sync","role":"viewer","user":"alice"})");

  auto too_strong = create_api_token(*store_, "too-strong", Role::kOwner, "alice", now_, "cli");
  EXPECT_EQ(too_strong.status().message(), "a token of alice (a collector) cannot have the role owner");

  ASSERT_TRUE(revoke_api_token(*store_, "ledger-sync", "cli").is_ok());
  EXPECT_FALSE(token_principal(*store_, *token).value().has_value());
  EXPECT_EQ(revoke_api_token(*store_, "ledger-sync", "cli").message(),
            "the API token 'ledger-sync' is already revoked");
  EXPECT_EQ(revoke_api_token(*store_, "nope", "cli").code(), ErrorCode::kNotFound);
}

TEST_F(UsersTest, ChangingThePasswordEndsSessionsAndTheOldPasswordStopsWorking) {
  auto login = log_in(*store_, "alice", "correct horse", "127.0.0.1", now_);
  ASSERT_TRUE(login);
  ASSERT_TRUE(change_password(*store_, "alice", "battery staple", PasswordCost::kMinimum, "user alice").is_ok());
  EXPECT_FALSE(session_principal(*store_, login->session_token, now_).value().has_value());
  EXPECT_EQ(log_in(*store_, "alice", "correct horse", "127.0.0.1", now_)->outcome, LoginOutcome::kBadCredentials);
  EXPECT_EQ(log_in(*store_, "alice", "battery staple", "127.0.0.1", now_)->outcome, LoginOutcome::kOk);
  for (const JournalEntry& e : journal()) {
    EXPECT_EQ(e.payload.find("argon2"), std::string::npos) << e.payload;
  }
}

TEST_F(UsersTest, OwnPasswordChangesNeedTheCurrentOneAndGuessesCountAsFailedLogins) {
  const auto change = [&](std::string_view current, Timestamp at) {
    return change_own_password(*store_, "alice", current, "battery staple", "127.0.0.1", at, PasswordCost::kMinimum, {},
                               "user alice")
        ->outcome;
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(change("guess " + std::to_string(i), now_), LoginOutcome::kBadCredentials);
  // Five guesses lock the account: the right password changes nothing now, nor can alice log in.
  EXPECT_EQ(change("correct horse", now_), LoginOutcome::kLocked);
  EXPECT_EQ(log_in(*store_, "alice", "correct horse", "127.0.0.1", now_)->outcome, LoginOutcome::kLocked);
  const Timestamp after(now_.seconds() + std::chrono::minutes(15));
  EXPECT_EQ(change("correct horse", after), LoginOutcome::kOk);
  EXPECT_EQ(log_in(*store_, "alice", "battery staple", "127.0.0.1", after)->outcome, LoginOutcome::kOk);
}

}  // namespace
}  // namespace squeaky
