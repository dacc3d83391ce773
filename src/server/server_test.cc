// The server, for real: a scratch SQLite ledger (the golden import_and_aging files), the server
// on an ephemeral port of 127.0.0.1 in this process, and requests over HTTP with httplib::Client.
// The shutdown test starts the squeaky binary itself and stops it with SIGTERM.
#include "server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "app/database.h"
#include "app/import.h"
#include "app/users.h"
#include "ledger_files.h"
#include "store/journal.h"
#include "test_store.h"
#include "testing.h"

extern char** environ;

namespace squeaky {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing::FixedClock;

constexpr const char* kNow = "2026-04-01T09:00:00Z";

struct SignedIn {
  std::string cookie;  // "squeaky_session=..."
  std::string csrf;
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
};

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// Runs a command and returns its standard output.
std::string command_output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("server");
    // The ledger is an SQLite file, or a PostgreSQL database when SQUEAKY_TEST_STORE says so.
    auto location = testing::test_store_location(dir_ / "ledger.db");
    ASSERT_TRUE(location) << location.status().message();
    db_ = *location;
    {
      auto store = open_database(db_, clock_, OpenMode::kCreateIfMissing);
      ASSERT_TRUE(store) << store.status().message();
      const fs::path golden = fs::path(SQUEAKY_SOURCE_DIR) / "tests/golden/import_and_aging";
      ASSERT_TRUE(testing::import_ledger_files(**store, golden).is_ok());
      const Timestamp now = clock_.now();
      for (auto [name, role] : {std::pair{"olga", Role::kOwner},
                                {"carl", Role::kCollector},
                                {"vera", Role::kViewer},
                                {"dana", Role::kCollector}}) {
        ASSERT_TRUE(
            add_user(**store, name, role, std::string(name) + "-password", now, PasswordCost::kMinimum, "cli").is_ok());
      }
      ASSERT_TRUE(disable_user(**store, "dana", "cli").is_ok());
    }
    start();
  }

  void TearDown() override { stop(); }

  void start(bool secure_cookies = false) {
    ServerOptions options;
    options.port = 0;
    options.db = db_;
    options.secure_cookies = secure_cookies;
    options.plans = default_plan_set();
    options.password_cost = PasswordCost::kMinimum;
    options.log = nullptr;
    auto server = Server::open(std::move(options), clock_);
    ASSERT_TRUE(server) << server.status().message();
    server_ = std::move(*server);
    thread_ = std::thread([this] { (void)server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    // Ready once it answers.
    for (int i = 0; i < 200 && !client_->Get("/healthz"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  void stop() {
    if (!server_) return;
    server_->stop();
    thread_.join();
    server_.reset();
  }

  SignedIn sign_in(const std::string& name) {
    auto res = client_->Post("/api/v1/session", Json{{"name", name}, {"password", name + "-password"}}.dump(),
                             "application/json");
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "no answer");
    if (!res || res->status != 200) return {};
    const std::string set_cookie = res->get_header_value("Set-Cookie");
    return {set_cookie.substr(0, set_cookie.find(';')), Json::parse(res->body)["csrf_token"].get<std::string>()};
  }

  // Creates an API token as olga and returns it.
  std::string token(const std::string& name, const std::string& role, const std::string& user) {
    const SignedIn owner = sign_in("olga");
    auto res = client_->Post("/api/v1/tokens", owner.headers(),
                             Json{{"name", name}, {"role", role}, {"user", user}}.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res && res->status == 201 ? Json::parse(res->body)["token"].get<std::string>() : "";
  }

  // The journal as another process would read it: its head, and its entries.
  JournalHead head() {
    auto store = open_database(db_, clock_, OpenMode::kMustExist);
    return store ? *(*store)->journal_head() : JournalHead{};
  }
  std::vector<JournalEntry> journal_since(int64_t seq) {
    std::vector<JournalEntry> out;
    auto store = open_database(db_, clock_, OpenMode::kMustExist);
    if (!store) return out;
    (void)(*store)->for_each_journal_entry([&](const JournalEntry& e) {
      if (e.seq > seq) out.push_back(e);
      return Status::ok();
    });
    return out;
  }

  FixedClock clock_{kNow};
  fs::path dir_;
  std::string db_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, HealthzSaysOk) {
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
}

TEST_F(ServerTest, LoginSetsAStrictHttpOnlyCookieAndAnswersTheCsrfTokenAndRole) {
  auto res = client_->Post("/api/v1/session", R"({"name":"carl","password":"carl-password"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(std::regex_match(res->get_header_value("Set-Cookie"),
                               std::regex("squeaky_session=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/; "
                                          "Max-Age=43200")))
      << res->get_header_value("Set-Cookie");
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["user"], "carl");
  EXPECT_EQ(body["role"], "collector");
  EXPECT_EQ(body["expires"], "2026-04-01T21:00:00Z");
  EXPECT_TRUE(std::regex_match(body["csrf_token"].get<std::string>(), std::regex("[0-9a-f]{64}")));

  const std::string cookie =
      res->get_header_value("Set-Cookie").substr(0, res->get_header_value("Set-Cookie").find(';'));
  auto me = client_->Get("/api/v1/me", {{"Cookie", cookie}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  // A page loaded again finds its CSRF token here.
  EXPECT_EQ(me->body, R"({"user":"carl","role":"collector","actor":"user carl","via":"session","today":"2026-04-01",)"
                      R"("business":{"name":"","locale":"en-US"},"csrf_token":")" +
                          body["csrf_token"].get<std::string>() + "\"}\n");

  // Signing out needs the CSRF token too, and ends the session.
  auto out = client_->Delete("/api/v1/session", {{"Cookie", cookie}, {"X-CSRF-Token", body["csrf_token"]}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  EXPECT_EQ(out->get_header_value("Set-Cookie"), "squeaky_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  me = client_->Get("/api/v1/me", {{"Cookie", cookie}});
  EXPECT_EQ(me->status, 401);
  EXPECT_EQ(me->body, R"({"error":{"code":"unauthorized","message":"the session has ended; sign in again"}})"
                      "\n");
}

TEST_F(ServerTest, SecureCookiesAddSecure) {
  stop();
  start(true);
  auto res = client_->Post("/api/v1/session", R"({"name":"vera","password":"vera-password"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->get_header_value("Set-Cookie").ends_with("; Path=/; Max-Age=43200; Secure"))
      << res->get_header_value("Set-Cookie");
}

TEST_F(ServerTest, WrongPasswordIs401AndADisabledUserIs403) {
  auto res = client_->Post("/api/v1/session", R"({"name":"carl","password":"not-his-password"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->body, R"({"error":{"code":"unauthorized","message":"wrong name or password"}})"
                       "\n");
  EXPECT_EQ(res->get_header_value("Set-Cookie"), "");
  res = client_->Post("/api/v1/session", R"({"name":"dana","password":"dana-password"})", "application/json");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, R"({"error":{"code":"forbidden","message":"the user 'dana' is disabled"}})"
                       "\n");
  res = client_->Post("/api/v1/session", R"({"name":"carl"})", "application/json");
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(res->body, R"({"error":{"code":"invalid","message":"'password' is required","field":"password"}})"
                       "\n");
  res = client_->Post("/api/v1/session", "name=carl", "application/x-www-form-urlencoded");
  EXPECT_EQ(res->status, 400);
}

TEST_F(ServerTest, FiveFailuresLockTheAccountEvenAgainstTheRightPasswordAndARestart) {
  for (int i = 0; i < 5; ++i) {
    auto res = client_->Post("/api/v1/session", R"({"name":"carl","password":"guess-number-x"})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  const std::string right = R"({"name":"carl","password":"carl-password"})";
  auto res = client_->Post("/api/v1/session", right, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "900");
  EXPECT_EQ(res->get_header_value("Set-Cookie"), "");
  EXPECT_EQ(res->body,
            R"({"error":{"code":"rate_limited","message":"too many failed logins; try again in 900 seconds"}})"
            "\n");
  // Another account from the same address still signs in: one person mistyping does not lock the
  // office out (twenty failures lock an address; app/users_test.cc).
  res = client_->Post("/api/v1/session", R"({"name":"vera","password":"vera-password"})", "application/json");
  EXPECT_EQ(res->status, 200);

  stop();
  start();
  res = client_->Post("/api/v1/session", right, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
}

TEST_F(ServerTest, AChangeWithoutTheCsrfTokenIs403AndChangesNothing) {
  const SignedIn carl = sign_in("carl");
  const JournalHead before = head();
  const std::string call = R"({"customer":"C1","outcome":"no-answer","as_of":"2026-04-01"})";
  auto res = client_->Post("/api/v1/calls", carl.headers(false), call, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body,
            R"({"error":{"code":"csrf","message":"a change needs the session's token in the X-CSRF-Token header"}})"
            "\n");
  httplib::Headers wrong = carl.headers(false);
  wrong.emplace("X-CSRF-Token", std::string(64, '0'));
  res = client_->Post("/api/v1/calls", wrong, call, "application/json");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(head().seq, before.seq);
  EXPECT_EQ(head().hash, before.hash);

  res = client_->Post("/api/v1/calls", carl.headers(), call, "application/json");
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(head().seq, before.seq + 1);
}

TEST_F(ServerTest, AViewerCannotLogACall) {
  const SignedIn vera = sign_in("vera");
  const JournalHead before = head();
  auto res =
      client_->Post("/api/v1/calls", vera.headers(), R"({"customer":"C1","outcome":"no-answer"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(
      res->body,
      R"({"error":{"code":"forbidden","message":"POST /api/v1/calls needs the role collector; vera is a viewer"}})"
      "\n");
  EXPECT_EQ(head().seq, before.seq);
  EXPECT_EQ(head().hash, before.hash);
}

TEST_F(ServerTest, ACollectorLogsACallWithAPromiseJournaledAsTheUser) {
  const SignedIn carl = sign_in("carl");
  const int64_t before = head().seq;
  auto res = client_->Post(
      "/api/v1/calls", carl.headers(),
      R"({"customer":"C1","outcome":"promise","amount":"500.00","date":"2026-04-10","as_of":"2026-04-01","note":"will pay Friday"})",
      "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 201) << res->body;
  const Json body = Json::parse(res->body);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["journal"]["seq"], head().seq);
  const auto entries = journal_since(before);
  ASSERT_EQ(entries.size(), 2u);
  for (const JournalEntry& e : entries) {
    EXPECT_EQ(e.actor, "user carl");
    EXPECT_EQ(e.customer_id, "C1");
  }
  std::set<std::string> kinds{entries[0].kind, entries[1].kind};
  EXPECT_EQ(kinds, (std::set<std::string>{"call.logged", "promise.made"}));
  const JournalEntry& promise = entries[0].kind == "promise.made" ? entries[0] : entries[1];
  EXPECT_NE(promise.payload.find(R"("amount":"500.00")"), std::string::npos) << promise.payload;
  EXPECT_NE(promise.payload.find(R"("due_on":"2026-04-10")"), std::string::npos) << promise.payload;

  // The customer's journal shows it.
  auto journal = client_->Get("/api/v1/customers/C1/journal", carl.headers(false));
  ASSERT_TRUE(journal);
  const Json j = Json::parse(journal->body);
  EXPECT_EQ(j["entries"].back()["actor"], "user carl");
}

TEST_F(ServerTest, BadFieldsAreNamed) {
  const SignedIn carl = sign_in("carl");
  const JournalHead before = head();
  auto res = client_->Post("/api/v1/promises", carl.headers(),
                           R"({"customer":"C1","amount":"12.345","date":"2026-04-10"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  const Json e = Json::parse(res->body)["error"];
  EXPECT_EQ(e["code"], "invalid");
  EXPECT_EQ(e["field"], "amount");
  EXPECT_EQ(e["message"], "amount '12.345' has 3 decimal places; USD allows 2");
  res = client_->Post(
      "/api/v1/payment-plans", carl.headers(),
      R"({"customer":"C1","instalments":[{"date":"2026-05-01","amount":"100.00"},{"date":"2026-06-31","amount":"100.00"}]})",
      "application/json");
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(Json::parse(res->body)["error"]["field"], "instalments[1].date");
  res = client_->Post("/api/v1/promises", carl.headers(), R"({"customer":"C9","amount":"1.00","date":"2026-04-10"})",
                      "application/json");
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->body, R"({"error":{"code":"not_found","message":"no customer 'C9'"}})"
                       "\n");
  EXPECT_EQ(head().seq, before.seq);
}

TEST_F(ServerTest, AgingIsByteForByteWhatTheCommandLinePrints) {
  const SignedIn vera = sign_in("vera");
  auto res = client_->Get("/api/v1/aging?as_of=2026-03-31", vera.headers(false));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string cli = command_output("SQUEAKY_NOW=" + std::string(kNow) + " " + SQUEAKY_BINARY + " --db " + db_ +
                                         " aging --as-of 2026-03-31 --json");
  EXPECT_EQ(res->body, cli);
  EXPECT_EQ(Json::parse(res->body)["currencies"]["USD"]["total"], "2300.00");
  EXPECT_EQ(Json::parse(res->body)["currencies"]["EUR"]["61-90"], "1200.00");
  res = client_->Get("/api/v1/aging?as_of=2026-02-30", vera.headers(false));
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(Json::parse(res->body)["error"]["field"], "as_of");
}

TEST_F(ServerTest, TheKeptAgingFollowsEveryChangeWhoeverMakesIt) {
  // The server keeps every customer's figures and rereads only the customers a change names; after
  // a change through the API and one by another process its answer is still the command line's.
  const SignedIn owner = sign_in("olga");
  const auto aging_now = [&] {
    auto res = client_->Get("/api/v1/aging?as_of=2026-03-31&by_customer=true", owner.headers(false));
    EXPECT_TRUE(res && res->status == 200);
    const std::string cli = command_output("SQUEAKY_NOW=" + std::string(kNow) + " " + SQUEAKY_BINARY + " --db " + db_ +
                                           " aging --as-of 2026-03-31 --by-customer --json");
    EXPECT_EQ(res ? res->body : "", cli);
    return Json::parse(res ? res->body : "{}");
  };
  EXPECT_EQ(aging_now()["currencies"]["USD"]["total"], "2300.00");
  auto paid = client_->Post("/api/v1/payments", owner.headers(),
                            R"({"id":"PAY-800","customer_id":"C1","date":"2026-03-30","amount":"500.00",)"
                            R"("currency":"USD"})",
                            "application/json");
  ASSERT_TRUE(paid && paid->status == 201) << (paid ? paid->body : "no answer");
  EXPECT_EQ(aging_now()["currencies"]["USD"]["total"], "1800.00");
  std::ofstream(dir_ / "p.csv") << "id,customer_id,date,amount,currency\nPAY-801,C1,2026-03-30,300.00,USD\n";
  const std::string imported = command_output("SQUEAKY_NOW=" + std::string(kNow) + " " + SQUEAKY_BINARY + " --db " +
                                              db_ + " import payments " + (dir_ / "p.csv").string());
  ASSERT_NE(imported.find("1 created"), std::string::npos) << imported;
  EXPECT_EQ(aging_now()["currencies"]["USD"]["total"], "1500.00");
  auto list = client_->Get("/api/v1/customers?as_of=2026-03-31&q=C1", owner.headers(false));
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_EQ(Json::parse(list->body)["customers"][0]["open"], "1500.00") << list->body;
}

TEST_F(ServerTest, TheFiguresAreReadAtStartAndTheFirstAgingRereadsOnlyWhatChangedSince) {
  // The server reads the whole ledger's figures for the business day when it starts, beside the
  // first requests; the first aging then rereads only the customers changed since, and still says
  // what the command line says. /metrics counts the whole reads.
  const auto whole_reads = [&] {
    auto res = client_->Get("/metrics");
    const std::string m = res ? res->body : "";
    const std::string key = "squeaky_ledger_reads_duration_seconds_count ";
    const size_t at = m.find(key);
    return at == std::string::npos ? -1 : std::stoi(m.substr(at + key.size()));
  };
  for (int i = 0; i < 1000 && whole_reads() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(whole_reads(), 1);
  // Another process records a payment before anyone asks for the aging.
  std::ofstream(dir_ / "p.csv") << "id,customer_id,date,amount,currency\nPAY-801,C1,2026-03-30,300.00,USD\n";
  const std::string imported = command_output("SQUEAKY_NOW=" + std::string(kNow) + " " + SQUEAKY_BINARY + " --db " +
                                              db_ + " import payments " + (dir_ / "p.csv").string());
  ASSERT_NE(imported.find("1 created"), std::string::npos) << imported;

  const SignedIn vera = sign_in("vera");
  auto res = client_->Get("/api/v1/aging", vera.headers(false));  // the business day, 2026-04-01
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(res->body, command_output("SQUEAKY_NOW=" + std::string(kNow) + " " + SQUEAKY_BINARY + " --db " + db_ +
                                      " aging --as-of 2026-04-01 --json"));
  EXPECT_EQ(Json::parse(res->body)["as_of"], "2026-04-01");
  EXPECT_EQ(Json::parse(res->body)["currencies"]["USD"]["total"], "2000.00");
  EXPECT_EQ(whole_reads(), 1);
  // An earlier day cannot be worked out from later figures: that one is a whole read.
  res = client_->Get("/api/v1/aging?as_of=2026-03-31", vera.headers(false));
  ASSERT_TRUE(res && res->status == 200);
  EXPECT_EQ(Json::parse(res->body)["currencies"]["USD"]["total"], "2000.00");
  EXPECT_EQ(whole_reads(), 2);
}

TEST_F(ServerTest, CustomersFilterAndPage) {
  const SignedIn vera = sign_in("vera");
  auto res = client_->Get("/api/v1/customers?as_of=2026-03-31&overdue=true&limit=1", vera.headers(false));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  Json j = Json::parse(res->body);
  EXPECT_EQ(j["total"], 3);  // C1, C2, C3; C4 owes nothing
  ASSERT_EQ(j["customers"].size(), 1u);
  EXPECT_EQ(j["customers"][0]["id"], "C1");
  EXPECT_EQ(j["customers"][0]["open"], "2300.00");
  EXPECT_EQ(j["customers"][0]["overdue"], "2000.00");
  res = client_->Get("/api/v1/customers?as_of=2026-03-31&q=sakura", vera.headers(false));
  j = Json::parse(res->body);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["customers"][0]["open"], "170000");
  res = client_->Get("/api/v1/customers?kind=consumer", vera.headers(false));
  j = Json::parse(res->body);
  ASSERT_EQ(j["total"], 1);
  EXPECT_EQ(j["customers"][0]["id"], "C4");
  res = client_->Get("/api/v1/customers/C1?as_of=2026-03-31", vera.headers(false));
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(Json::parse(res->body)["open_invoices"][0]["days_past_due"], 31);
  res = client_->Get("/api/v1/customers/C9", vera.headers(false));
  EXPECT_EQ(res->status, 404);
  res = client_->Get("/api/v1/invoices?customer=C1&as_of=2026-03-31", vera.headers(false));
  j = Json::parse(res->body);
  EXPECT_EQ(j["total"], 3);
  EXPECT_EQ(j["invoices"][1]["id"], "INV-102");
  EXPECT_EQ(j["invoices"][1]["open"], "2000.00");
}

TEST_F(ServerTest, AnImportWithBadRowsIs422ListingThemAndChangesNothing) {
  const SignedIn olga = sign_in("olga");
  const JournalHead before = head();
  const std::string csv =
      "id,customer_id,issue_date,due_date,amount,currency,reference,description\n"
      "INV-301,C1,2026-03-01,2026-03-31,100.00,USD,,Good row\n"
      "INV-302,C1,2026-03-01,2026-02-30,100.00,USD,,Bad date\n"
      "INV-303,C9,2026-03-01,2026-03-31,100.00,USD,,Unknown customer\n";
  auto res = client_->Post("/api/v1/imports/invoices", olga.headers(), csv, "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  const Json e = Json::parse(res->body)["error"];
  EXPECT_EQ(e["code"], "invalid");
  EXPECT_EQ(e["message"], "2 problems in invoices.csv; nothing was imported");
  EXPECT_EQ(e["errors"], Json::array({"invoices.csv:3: column 'due_date': '2026-02-30' is not a date",
                                      "invoices.csv:4: column 'customer_id': 'C9' is not a known customer (import "
                                      "it with the customers first)"}));
  EXPECT_EQ(head().seq, before.seq);
  EXPECT_EQ(head().hash, before.hash);

  // A good file goes in, journaled by the row and the user.
  res = client_->Post("/api/v1/imports/invoices", olga.headers(),
                      "id,customer_id,issue_date,due_date,amount,currency,reference,description\n"
                      "INV-301,C1,2026-03-01,2026-03-31,100.00,USD,,Good row\n",
                      "text/csv");
  EXPECT_EQ(res->status, 201) << res->body;
  const auto entries = journal_since(before.seq);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "invoice.created");
  EXPECT_EQ(entries[0].actor, "import invoices.csv:2 by user olga");
  // A collector may not import.
  const SignedIn carl = sign_in("carl");
  res = client_->Post("/api/v1/imports/invoices", carl.headers(), csv, "text/csv");
  EXPECT_EQ(res->status, 403);
}

TEST_F(ServerTest, ApiTokensNeedNoCsrfAndStopWorkingWhenRevoked) {
  const std::string sync = token("phone-app", "collector", "carl");
  ASSERT_TRUE(sync.starts_with("sqk_"));
  auto me = client_->Get("/api/v1/me", bearer(sync));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->body, R"({"user":"carl","role":"collector","actor":"token phone-app","via":"token",)"
                      R"("today":"2026-04-01","business":{"name":"","locale":"en-US"}})"
                      "\n");
  const int64_t before = head().seq;
  auto res =
      client_->Post("/api/v1/calls", bearer(sync), R"({"customer":"C2","outcome":"left-message"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  const auto entries = journal_since(before);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "call.logged");
  EXPECT_EQ(entries[0].actor, "token phone-app");

  // The token's role, not more: a collector token cannot run the day.
  res = client_->Post("/api/v1/runs", bearer(sync), R"({"dry_run":true})", "application/json");
  EXPECT_EQ(res->status, 403);

  const SignedIn olga = sign_in("olga");
  res = client_->Delete("/api/v1/tokens/phone-app", olga.headers());
  EXPECT_EQ(res->status, 200) << res->body;
  me = client_->Get("/api/v1/me", bearer(sync));
  EXPECT_EQ(me->status, 401);
  EXPECT_EQ(me->body,
            R"j({"error":{"code":"unauthorized","message":"the API token is not valid (unknown or revoked)"}})j"
            "\n");
  auto tokens = client_->Get("/api/v1/tokens", olga.headers(false));
  EXPECT_EQ(Json::parse(tokens->body)[0]["revoked"], true);
  EXPECT_EQ(tokens->body.find("sqk_"), std::string::npos);
}

TEST_F(ServerTest, CollectorsRecordDisputesHoldsFlagsAndOutboxDecisions) {
  const SignedIn olga = sign_in("olga");
  // The owner runs the day: the journal says who asked.
  int64_t before = head().seq;
  auto res =
      client_->Post("/api/v1/runs", olga.headers(), R"({"as_of":"2026-04-01","dry_run":true})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(head().seq, before);
  res = client_->Post("/api/v1/runs", olga.headers(), R"({"as_of":"2026-04-01"})", "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  auto entries = journal_since(before);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().kind, "run.completed");
  for (const JournalEntry& e : entries) EXPECT_EQ(e.actor, "run 2026-04-01 by user olga") << e.kind;
  res = client_->Post("/api/v1/runs", olga.headers(), R"({"as_of":"2026-03-31"})", "application/json");
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(Json::parse(res->body)["error"]["code"], "conflict");

  const SignedIn carl = sign_in("carl");
  before = head().seq;
  res = client_->Post("/api/v1/disputes", carl.headers(), R"({"invoice":"INV-102","reason":"gutters leak"})",
                      "application/json");
  EXPECT_EQ(res->status, 201) << res->body;
  res = client_->Post("/api/v1/disputes", carl.headers(), R"({"invoice":"INV-102","reason":"again"})",
                      "application/json");
  EXPECT_EQ(res->status, 409) << res->body;
  res = client_->Post("/api/v1/disputes/INV-102/resolve", carl.headers(), R"({"note":"repaired"})", "application/json");
  EXPECT_EQ(res->status, 200) << res->body;
  res = client_->Post("/api/v1/holds", carl.headers(), R"({"customer":"C2","until":"2026-04-15","reason":"audit"})",
                      "application/json");
  EXPECT_EQ(res->status, 201) << res->body;
  res = client_->Post("/api/v1/customers/C3/flags/bankruptcy", carl.headers(), R"({"note":"chapter 7"})",
                      "application/json");
  EXPECT_EQ(res->status, 200) << res->body;
  res = client_->Delete("/api/v1/customers/C3/flags/bankruptcy", carl.headers());
  EXPECT_EQ(res->status, 200) << res->body;
  res = client_->Post("/api/v1/customers/C3/flags/broke", carl.headers(), "", "application/json");
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(Json::parse(res->body)["error"]["field"], "flag");
  entries = journal_since(before);
  std::vector<std::string> kinds;
  for (const JournalEntry& e : entries) {
    kinds.push_back(e.kind);
    EXPECT_EQ(e.actor, "user carl") << e.kind;
  }
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"dispute.opened", "dispute.resolved", "hold.added", "flag.set", "flag.cleared"}));

  // Outbox decisions on what a later run queued: C1's reminder email.
  res = client_->Post("/api/v1/runs", olga.headers(), R"({"as_of":"2026-04-08"})", "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  auto outbox = client_->Get("/api/v1/outbox?status=queued", carl.headers(false));
  ASSERT_TRUE(outbox);
  const Json items = Json::parse(outbox->body)["items"];
  ASSERT_FALSE(items.empty()) << outbox->body;
  const std::string id = std::to_string(items[0]["id"].get<int64_t>());
  res = client_->Post("/api/v1/outbox/" + id + "/confirm", carl.headers(), "", "application/json");
  EXPECT_EQ(res->status, 409) << res->body;  // only an item whose fate is unknown is confirmed
  res = client_->Post("/api/v1/outbox/" + id + "/cancel", carl.headers(), "", "application/json");
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(journal_since(head().seq - 1)[0].kind, "outbox.cancelled");
  EXPECT_EQ(journal_since(head().seq - 1)[0].actor, "user carl");
  res = client_->Post("/api/v1/outbox/999999/cancel", carl.headers(), "", "application/json");
  EXPECT_EQ(res->status, 404) << res->body;
}

// The least role of every route, written out: a change to the table must change this test.
TEST_F(ServerTest, EveryRouteChecksItsRole) {
  const std::map<std::string, std::string> expected = {
      {"GET /healthz", "public"},
      {"GET /metrics", "public"},
      {"GET /api/v1/openapi.json", "public"},
      {"POST /api/v1/session", "public"},
      {"GET /api/v1/setup", "public"},
      {"POST /api/v1/setup", "public"},
      {"DELETE /api/v1/session", "viewer"},
      {"GET /api/v1/me", "viewer"},
      {"GET /api/v1/customers", "viewer"},
      {"GET /api/v1/customers/{id}", "viewer"},
      {"GET /api/v1/customers/{id}/journal", "viewer"},
      {"GET /api/v1/invoices", "viewer"},
      {"GET /api/v1/payments", "viewer"},
      {"GET /api/v1/credits", "viewer"},
      {"POST /api/v1/customers", "owner"},
      {"PUT /api/v1/customers/{id}", "owner"},
      {"POST /api/v1/invoices", "owner"},
      {"PUT /api/v1/invoices/{id}", "owner"},
      {"POST /api/v1/payments", "owner"},
      {"PUT /api/v1/payments/{id}", "owner"},
      {"POST /api/v1/credits", "owner"},
      {"PUT /api/v1/credits/{id}", "owner"},
      {"GET /api/v1/aging", "viewer"},
      {"GET /api/v1/worklist", "viewer"},
      {"GET /api/v1/outbox", "viewer"},
      {"GET /api/v1/outbox/{id}/content", "viewer"},
      {"GET /api/v1/outbox/{id}/preview", "viewer"},
      {"GET /api/v1/dashboard", "viewer"},
      {"GET /api/v1/plans", "viewer"},
      {"GET /api/v1/forecast", "viewer"},
      {"GET /api/v1/verify", "viewer"},
      {"POST /api/v1/calls", "collector"},
      {"POST /api/v1/promises", "collector"},
      {"POST /api/v1/payment-plans", "collector"},
      {"POST /api/v1/disputes", "collector"},
      {"POST /api/v1/disputes/{invoice}/resolve", "collector"},
      {"POST /api/v1/holds", "collector"},
      {"POST /api/v1/customers/{id}/flags/{flag}", "collector"},
      {"DELETE /api/v1/customers/{id}/flags/{flag}", "collector"},
      {"POST /api/v1/outbox/{id}/retry", "collector"},
      {"POST /api/v1/outbox/{id}/cancel", "collector"},
      {"POST /api/v1/outbox/{id}/confirm", "collector"},
      {"POST /api/v1/outbox/{id}/hold", "collector"},
      {"POST /api/v1/outbox/{id}/approve", "collector"},
      {"POST /api/v1/runs", "owner"},
      {"POST /api/v1/imports/{kind}", "owner"},
      {"GET /api/v1/users", "owner"},
      {"POST /api/v1/users", "owner"},
      {"POST /api/v1/users/{name}/password", "viewer"},
      {"POST /api/v1/users/{name}/disable", "owner"},
      {"GET /api/v1/tokens", "owner"},
      {"POST /api/v1/tokens", "owner"},
      {"DELETE /api/v1/tokens/{name}", "owner"},
  };
  std::map<std::string, std::string> actual;
  for (const RouteInfo& r : api_routes()) actual[r.method + " " + r.path] = r.access;
  EXPECT_EQ(actual, expected);

  // And the server keeps to it: no caller is 401, a role below the least is 403, and nothing
  // changes on the way.
  const std::map<std::string, std::string> tokens = {{"viewer", token("v", "viewer", "vera")},
                                                     {"collector", token("c", "collector", "carl")}};
  const JournalHead before = head();
  const std::vector<std::string> order = {"viewer", "collector", "owner"};
  for (const RouteInfo& r : api_routes()) {
    if (r.access == "public") continue;
    std::string path = std::regex_replace(r.path, std::regex("\\{[a-z]+\\}"), "x");
    const auto call = [&](const httplib::Headers& h) {
      return r.method == "GET"    ? client_->Get(path, h)
             : r.method == "POST" ? client_->Post(path, h, "{}", "application/json")
             : r.method == "PUT"  ? client_->Put(path, h, "{}", "application/json")
                                  : client_->Delete(path, h);
    };
    auto res = call({});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << r.method << " " << r.path;
    for (const std::string& role : order) {
      if (role == r.access) break;
      res = call(bearer(tokens.at(role)));
      EXPECT_EQ(res->status, 403) << r.method << " " << r.path << " as " << role;
      EXPECT_NE(res->body.find("\"code\":\"forbidden\""), std::string::npos) << res->body;
    }
  }
  EXPECT_EQ(head().seq, before.seq);
}

TEST_F(ServerTest, TheOpenApiDocumentListsExactlyTheRoutes) {
  auto res = client_->Get("/api/v1/openapi.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const Json doc = Json::parse(res->body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::map<std::string, std::string> documented;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented[upper + " " + path] = operation["x-squeaky-role"];
    }
  }
  std::map<std::string, std::string> served;
  for (const RouteInfo& r : api_routes()) served[r.method + " " + r.path] = r.access;
  EXPECT_EQ(documented, served);
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  (void)client_->Get("/healthz");
  (void)client_->Get("/api/v1/me");
  auto nowhere = client_->Get("/api/v1/nowhere");
  ASSERT_TRUE(nowhere);
  EXPECT_EQ(nowhere->body, R"({"error":{"code":"not_found","message":"no route /api/v1/nowhere"}})"
                           "\n");
  // Outside the API a path is a page of the web app, which routes in the browser.
  auto page = client_->Get("/worklist");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<div id=\"app\"></div>"), std::string::npos);
  auto wrong_method = client_->Put("/api/v1/session", "{}", "application/json");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->get_header_value("Allow"), "POST, DELETE");
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const std::string& m = res->body;
  for (const char* line : {
           "squeaky_http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"} 1\n",
           "squeaky_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n",
           "squeaky_http_requests_total{method=\"GET\",route=\"web\",status=\"200\"} 1\n",
           "# TYPE squeaky_http_request_duration_seconds histogram\n",
           "squeaky_outbox_items{status=\"queued\"} 0\n",
       }) {
    EXPECT_NE(m.find(line), std::string::npos) << line << " not in\n" << m;
  }
  // The readiness probe of start() asked /healthz too.
  EXPECT_TRUE(std::regex_search(m, std::regex("route=\"/healthz\",status=\"200\"\\} [2-9]\n"))) << m;
  EXPECT_TRUE(std::regex_search(m, std::regex("squeaky_http_request_duration_seconds_count [3-9]\n"))) << m;
}

TEST_F(ServerTest, OwnersManageUsersAndUsersTheirOwnPassword) {
  const SignedIn olga = sign_in("olga");
  auto res = client_->Post("/api/v1/users", olga.headers(), R"({"name":"nina","role":"viewer","password":"short"})",
                           "application/json");
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(
      res->body,
      R"({"error":{"code":"invalid","message":"the password is too short: at least 10 characters","field":"password"}})"
      "\n");
  res = client_->Post("/api/v1/users", olga.headers(), R"({"name":"nina","role":"viewer","password":"nina-password"})",
                      "application/json");
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(journal_since(head().seq - 1)[0].actor, "user olga");
  const SignedIn nina = sign_in("nina");
  res = client_->Post("/api/v1/users/carl/password", nina.headers(), R"({"password":"new-password-1"})",
                      "application/json");
  EXPECT_EQ(res->status, 403);
  // Her own needs her current password: a session left open is not enough.
  res = client_->Post("/api/v1/users/nina/password", nina.headers(), R"({"password":"new-password-1"})",
                      "application/json");
  EXPECT_EQ(res->status, 422) << res->body;
  const int64_t before_wrong = head().seq;
  res = client_->Post("/api/v1/users/nina/password", nina.headers(),
                      R"({"password":"new-password-1","current_password":"guess-1234"})", "application/json");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->body, R"({"error":{"code":"forbidden","message":"the current password is wrong"}})"
                       "\n");
  EXPECT_EQ(head().seq, before_wrong);
  res = client_->Post("/api/v1/users/nina/password", nina.headers(),
                      R"({"password":"new-password-1","current_password":"nina-password"})", "application/json");
  EXPECT_EQ(res->status, 200) << res->body;
  // Her session ended with the change.
  EXPECT_EQ(client_->Get("/api/v1/me", nina.headers(false))->status, 401);
  res = client_->Get("/api/v1/users", olga.headers(false));
  EXPECT_EQ(res->body.find("argon2"), std::string::npos);
  EXPECT_EQ(Json::parse(res->body).size(), 5u);
}

// The binary, stopped by SIGTERM: it stops accepting, finishes, closes the store and exits 0.
TEST_F(ServerTest, TheServeCommandStopsCleanlyOnSigterm) {
  stop();
  int err[2];
  ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  const std::string now = std::string("SQUEAKY_NOW=") + kNow;
  // No scheduled work: this test is about stopping (tests/e2e/serve_schedule.sh runs the schedule).
  std::vector<std::string> args = {SQUEAKY_BINARY, "--db", db_, "serve", "--no-schedule", "--listen", "127.0.0.1:0"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, SQUEAKY_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err[1]);
  // Reads standard error up to the line that names the port.
  std::string out;
  char buffer[512];
  std::smatch port;
  const std::regex serving("serving .* on http://127\\.0\\.0\\.1:([0-9]+)/");
  while (!std::regex_search(out, port, serving)) {
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ASSERT_TRUE(std::regex_search(out, port, serving)) << out;
  httplib::Client client("127.0.0.1", std::stoi(port[1]));
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  while (true) {
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(err[0]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("method=GET path=/healthz status=200 duration_us=[0-9]+ user=-\n")))
      << out;
  EXPECT_TRUE(out.ends_with("squeaky: stopped\n")) << out;
  EXPECT_FALSE(client.Get("/healthz"));  // nothing listens any more
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

using testing::status_of;

TEST_F(ServerTest, TheDashboardAgreesWithTheAgingAndSaysWhatIsWaiting) {
  const SignedIn viewer = sign_in("vera");
  auto aging = client_->Get("/api/v1/aging?as_of=2026-03-31", viewer.headers());
  auto dashboard = client_->Get("/api/v1/dashboard?as_of=2026-03-31", viewer.headers());
  ASSERT_TRUE(aging && dashboard);
  ASSERT_EQ(dashboard->status, 200) << dashboard->body;
  const Json a = Json::parse(aging->body)["currencies"];
  const Json d = Json::parse(dashboard->body);
  EXPECT_EQ(d["as_of"], "2026-03-31");
  for (const auto& [currency, row] : a.items()) {
    for (const char* bucket : {"current", "1-30", "31-60", "61-90", "90+", "total", "fees"}) {
      EXPECT_EQ(d["currencies"][currency][bucket], row[bucket]) << currency << " " << bucket;
    }
  }
  // C1's USD: 2,300.00 owed, 300.00 of it not yet due.
  EXPECT_EQ(d["currencies"]["USD"]["overdue"], "2000.00");
  EXPECT_EQ(d["actions_today"], 0);
  EXPECT_EQ(d["outbox_waiting"], 0);

  // After the day's run, its letters and emails are waiting and its actions are the day's.
  const SignedIn owner = sign_in("olga");
  auto run = client_->Post("/api/v1/runs", owner.headers(), R"({"as_of":"2026-04-01"})", "application/json");
  ASSERT_TRUE(run && run->status == 201) << (run ? run->body : "no answer");
  const Json ran = Json::parse(run->body);
  auto today = client_->Get("/api/v1/dashboard", viewer.headers());  // today: 2026-04-01
  ASSERT_TRUE(today && today->status == 200);
  const Json t = Json::parse(today->body);
  EXPECT_EQ(t["as_of"], "2026-04-01");
  EXPECT_EQ(t["actions_today"], ran["actions"].size());
  // The placements' letters are blocked (no postal address); nothing else was queued.
  size_t messages = 0;
  for (const Json& action : ran["actions"]) {
    messages +=
        (action["channel"] == "email" || action["channel"] == "letter") && action["guard"]["verdict"] == "allow";
  }
  EXPECT_EQ(t["outbox_waiting"], messages);
  EXPECT_EQ(t["actions_today"], 4);
}

TEST_F(ServerTest, PlansAndAForecastOfTheComingDays) {
  const SignedIn viewer = sign_in("vera");
  auto plans = client_->Get("/api/v1/plans", viewer.headers());
  ASSERT_TRUE(plans && plans->status == 200);
  const Json p = Json::parse(plans->body)["plans"];
  ASSERT_FALSE(p.empty());
  size_t defaults = 0;
  for (const Json& plan : p) defaults += plan["default"].get<bool>();
  EXPECT_EQ(defaults, 1u);
  EXPECT_FALSE(p[0]["steps"].empty());
  EXPECT_FALSE(p[0]["steps"][0]["when"].get<std::string>().empty());

  const int64_t before = head().seq;
  auto forecast = client_->Get("/api/v1/forecast?as_of=2026-03-31&days=3", viewer.headers());
  ASSERT_TRUE(forecast && forecast->status == 200) << (forecast ? forecast->body : "no answer");
  const Json days = Json::parse(forecast->body)["days"];
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0]["as_of"], "2026-03-31");
  EXPECT_EQ(days[2]["as_of"], "2026-04-02");
  EXPECT_EQ(head().seq, before);  // a dry run writes nothing

  auto bad = client_->Get("/api/v1/forecast?days=40", viewer.headers());
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(bad->body,
            R"({"error":{"code":"invalid","message":"days '40' is not a whole number from 1 to 31","field":"days"}})"
            "\n");
}

TEST_F(ServerTest, TheStoredCopyOfALetterIsTheBytesThatWentOut) {
  {
    // A customer with a postal address, 33 days late: the run sends the notice, a letter among it.
    std::ofstream(dir_ / "c9.csv") << "id,name,kind,email,phone,country,region,timezone,currency,credit_limit,"
                                      "address_line1,city,postal_code\n"
                                      "C9,Bolt Supplies Inc,business,ap@bolt.example,,US,NY,America/New_York,USD,,"
                                      "1 Main St,Albany,12207\n";
    std::ofstream(dir_ / "i9.csv") << "id,customer_id,issue_date,due_date,amount,currency\n"
                                      "INV-901,C9,2026-01-28,2026-02-27,640.00,USD\n";
    auto store = open_database(db_, clock_, OpenMode::kMustExist);
    ASSERT_TRUE(store);
    for (auto [kind, file] : {std::pair{RecordKind::kCustomers, "c9.csv"}, {RecordKind::kInvoices, "i9.csv"}}) {
      auto report = import_csv(**store, kind, (dir_ / file).string(), {});
      ASSERT_TRUE(report && report->errors.empty()) << (report ? report->errors.front() : report.status().message());
    }
  }
  const SignedIn owner = sign_in("olga");
  auto run = client_->Post("/api/v1/runs", owner.headers(), R"({"as_of":"2026-04-01"})", "application/json");
  ASSERT_TRUE(run && run->status == 201);
  auto store = open_database(db_, clock_, OpenMode::kMustExist);
  ASSERT_TRUE(store);
  auto letters = (*store)->outbox("queued", "", false);
  ASSERT_TRUE(letters);
  OutboxItem letter;
  for (const OutboxItem& i : *letters) {
    if (i.channel == "letter") letter = i;
  }
  ASSERT_NE(letter.action_id, 0) << "the run queued no letter";
  const std::string path = "/api/v1/outbox/" + std::to_string(letter.action_id) + "/content";
  auto early = client_->Get(path, owner.headers());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 404);
  EXPECT_EQ(early->body, R"({"error":{"code":"not_found","message":"outbox item )" + std::to_string(letter.action_id) +
                             R"( has not been made yet"}})"
                             "\n");
  // Before it goes, a reviewer sees what it would say: the letter rendered now, nothing stored.
  auto preview = client_->Get("/api/v1/outbox/" + std::to_string(letter.action_id) + "/preview", owner.headers());
  ASSERT_TRUE(preview);
  EXPECT_EQ(preview->status, 200) << preview->body;
  EXPECT_EQ(preview->get_header_value("Content-Type"), "application/pdf");
  EXPECT_TRUE(preview->body.starts_with("%PDF-")) << preview->body.substr(0, 40);
  EXPECT_TRUE((*store)->outbox_item(letter.action_id).value()->content.empty());
  for (const OutboxItem& i : *letters) {
    if (i.channel != "email") continue;
    auto email = client_->Get("/api/v1/outbox/" + std::to_string(i.action_id) + "/preview", owner.headers());
    ASSERT_TRUE(email);
    EXPECT_EQ(email->get_header_value("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_TRUE(email->body.starts_with("To: ap@bolt.example\nSubject: ")) << email->body;
  }
  // Printed: the bytes and their hash are stored with the item.
  letter.status = "sent";
  letter.content = std::string("%PDF-1.5\n\x00\xff binary\n", 19);
  letter.sha256 = sha256_hex(letter.content);
  letter.pages = 1;
  ASSERT_TRUE(in_transaction(**store, [&](StoreTransaction& txn) {
                return txn.update_outbox(letter, "queued", "printed", "", "test");
              }).is_ok());
  auto copy = client_->Get(path, owner.headers());
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->status, 200);
  EXPECT_EQ(copy->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(copy->get_header_value("X-Content-SHA256"), letter.sha256);
  EXPECT_EQ(copy->get_header_value("Content-Disposition"),
            "inline; filename=\"C9-" + std::to_string(letter.action_id) + ".pdf\"");
  EXPECT_EQ(copy->body, letter.content);
  auto none = client_->Get("/api/v1/outbox/999999/content", owner.headers());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(none->get_header_value("Content-Security-Policy"), "sandbox; default-src 'none'; frame-ancestors 'none'");
}

TEST_F(ServerTest, ReportsAreRememberedUntilTheJournalMoves) {
  const SignedIn viewer = sign_in("vera");
  auto first = client_->Get("/api/v1/aging?as_of=2026-03-31", viewer.headers());
  auto again = client_->Get("/api/v1/aging?as_of=2026-03-31", viewer.headers());
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->body, first->body);
  // Another process adds an invoice: the next answer includes it.
  {
    auto store = open_database(db_, clock_, OpenMode::kMustExist);
    ASSERT_TRUE(store);
    ASSERT_TRUE(in_transaction(**store, [](StoreTransaction& txn) {
                  const Currency usd = *Currency::from_code("USD");
                  return status_of(txn.put_invoice({"INV-900", "C1", *Date::parse("2026-03-01"),
                                                    *Date::parse("2026-03-15"), *Money::parse("1000.00", usd), "", ""},
                                                   "test"));
                }).is_ok());
  }
  auto after = client_->Get("/api/v1/aging?as_of=2026-03-31", viewer.headers());
  ASSERT_TRUE(after);
  EXPECT_NE(after->body, first->body);
  const Json a = Json::parse(first->body)["currencies"]["USD"];
  const Json b = Json::parse(after->body)["currencies"]["USD"];
  const auto cents = [](const Json& amount) {
    return Money::parse(amount.get<std::string>(), *Currency::from_code("USD"))->minor_units();
  };
  EXPECT_EQ(cents(b["1-30"]), cents(a["1-30"]) + 1000'00);  // 16 days past due on 2026-03-31
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

TEST_F(ServerTest, OnlyAnImportMaySendALargeBody) {
  // Headers announcing 2 MiB, and no body: the answer comes before any of it is read.
  const auto ask = [&](const std::string& path) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server_->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = "POST " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                                "Content-Length: 2097152\r\n\r\n";
    EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    timeval wait{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    // The status line, the headers and the body may come in separate pieces: read until the
    // body's end, or until nothing more comes within the second.
    std::string answer;
    char buffer[512];
    while (answer.find("}}\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return answer;
  };
  const std::string refused = ask("/api/v1/session");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 413 ")) << refused;
  EXPECT_NE(refused.find(R"({"error":{"code":"too_large","message":"a request body may be at most 1 MiB, except an )"
                         R"(import's"}})"),
            std::string::npos)
      << refused;
  // An import may be that large: the server waits for its body.
  EXPECT_EQ(ask("/api/v1/imports/invoices"), "");
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

TEST_F(ServerTest, RecordsAreCreatedAndChangedOneByOneWithTheImportsChecks) {
  const SignedIn owner = sign_in("olga");
  const auto post = [&](const std::string& path, const std::string& body) {
    return client_->Post(path, owner.headers(), body, "application/json");
  };
  const auto put = [&](const std::string& path, const std::string& body) {
    return client_->Put(path, owner.headers(), body, "application/json");
  };
  const int64_t start = head().seq;
  auto created = post("/api/v1/invoices", R"({"id":"INV-900","customer_id":"C1","issue_date":"2026-03-01",)"
                                          R"("due_date":"2026-03-31","amount":"1234.50","currency":"USD",)"
                                          R"("reference":"PO-11, rush"})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  auto entries = journal_since(start);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "invoice.created");
  EXPECT_EQ(entries[0].actor, "user olga");
  EXPECT_NE(entries[0].payload.find(R"("reference":"PO-11, rush")"), std::string::npos) << entries[0].payload;

  // Again: it exists, and POST does not change it.
  const int64_t after_create = head().seq;
  auto again = post("/api/v1/invoices", R"({"id":"INV-900","customer_id":"C1","issue_date":"2026-03-01",)"
                                        R"("due_date":"2026-03-31","amount":"9.99","currency":"USD"})");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(again->body,
            R"({"error":{"code":"conflict","message":"an invoice with this id exists; change it with PUT",)"
            R"("field":"id"}})"
            "\n");
  // Bad input names the field and changes nothing.
  auto bad = put("/api/v1/invoices/INV-900", R"({"customer_id":"C1","issue_date":"2026-03-01",)"
                                             R"("due_date":"2026-02-30","amount":"1234.50","currency":"USD"})");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(bad->body, R"({"error":{"code":"invalid","message":"column 'due_date': '2026-02-30' is not a date",)"
                       R"("field":"due_date"}})"
                       "\n");
  auto unknown = put("/api/v1/invoices/INV-999", R"({"customer_id":"C1","issue_date":"2026-03-01",)"
                                                 R"("due_date":"2026-03-31","amount":"1.00","currency":"USD"})");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(head().seq, after_create);

  auto changed = put("/api/v1/invoices/INV-900", R"({"customer_id":"C1","issue_date":"2026-03-01",)"
                                                 R"("due_date":"2026-03-31","amount":"1200.00","currency":"USD"})");
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200) << changed->body;
  entries = journal_since(after_create);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "invoice.updated");
  EXPECT_EQ(entries[0].actor, "user olga");
  EXPECT_NE(entries[0].payload.find(R"("amount":["1234.50","1200.00"])"), std::string::npos) << entries[0].payload;

  // A collector may not.
  const SignedIn collector = sign_in("carl");
  auto refused = client_->Post(
      "/api/v1/payments", collector.headers(),
      R"({"id":"P-9","customer_id":"C1","date":"2026-03-31","amount":"1.00","currency":"USD"})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
}

TEST_F(ServerTest, PaymentsAndCreditsAreListedAsRecorded) {
  const SignedIn viewer = sign_in("vera");
  auto payments = client_->Get("/api/v1/payments?customer=C1", viewer.headers());
  ASSERT_TRUE(payments && payments->status == 200) << (payments ? payments->body : "no answer");
  EXPECT_EQ(payments->body,
            R"({"total":3,"limit":50,"offset":0,"payments":[)"
            R"({"id":"P-1","customer_id":"C1","date":"2026-02-15","amount":"500.00","currency":"USD","method":"ach",)"
            R"("reference":"ACH-1","invoice_id":"INV-101"},)"
            R"({"id":"P-2","customer_id":"C1","date":"2026-03-20","amount":"1000.00","currency":"USD",)"
            R"("method":"check","reference":"CHK-2002","invoice_id":""},)"
            R"({"id":"P-6","customer_id":"C1","date":"2026-04-01","amount":"300.00","currency":"USD","method":"ach",)"
            R"("reference":"ACH-2","invoice_id":"INV-103"}]})"
            "\n");
  auto credits = client_->Get("/api/v1/credits?limit=1", viewer.headers());
  ASSERT_TRUE(credits && credits->status == 200);
  const Json c = Json::parse(credits->body);
  EXPECT_EQ(c["limit"], 1);
  EXPECT_EQ(c["credits"].size(), 1u);
  EXPECT_EQ(c["credits"][0]["id"], "CR-1");
  EXPECT_EQ(c["credits"][0]["amount"], "100.00");
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

TEST_F(ServerTest, TheFirstOwnerIsMadeOnceThenNeverAgain) {
  // This database has users: no first-run.
  auto needed = client_->Get("/api/v1/setup");
  ASSERT_TRUE(needed);
  EXPECT_EQ(needed->body, R"({"needed":false})"
                          "\n");
  auto refused =
      client_->Post("/api/v1/setup", R"({"name":"mallory","password":"long enough pw"})", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409);

  // A database without users.
  stop();
  if (testing::backend_from_env() == testing::Backend::kPostgres) {
    ASSERT_TRUE(testing::fresh_postgres_database((dir_ / "ledger.db").string()));
  } else {
    fs::remove(db_);
    fs::remove(db_ + "-wal");
    fs::remove(db_ + "-shm");
  }
  ASSERT_TRUE(open_database(db_, clock_, OpenMode::kCreateIfMissing));
  start();
  needed = client_->Get("/api/v1/setup");
  ASSERT_TRUE(needed);
  EXPECT_EQ(needed->body, R"({"needed":true})"
                          "\n");
  auto short_one = client_->Post("/api/v1/setup", R"({"name":"olive","password":"short"})", "application/json");
  ASSERT_TRUE(short_one);
  EXPECT_EQ(short_one->status, 422);
  auto made = client_->Post("/api/v1/setup", R"({"name":"olive","password":"olive-password"})", "application/json");
  ASSERT_TRUE(made);
  EXPECT_EQ(made->status, 201) << made->body;
  const auto entries = journal_since(0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].kind, "user.added");
  EXPECT_EQ(entries[0].actor, "first-run");
  auto again = client_->Post("/api/v1/setup", R"({"name":"mallory","password":"long enough pw"})", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(sign_in("olive").csrf.size(), 64u);
}

}  // namespace
}  // namespace squeaky
