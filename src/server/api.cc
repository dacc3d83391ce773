// The API's routes: the one translation unit of the server that includes nlohmann/json. Each
// handler reads its parameters, calls one use case of the app layer and answers JSON; the
// reports' JSON comes from json/render.h, byte for byte what the command line prints.
#include "api.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/collect.h"
#include "app/database.h"
#include "app/import.h"
#include "app/kept_figures.h"
#include "app/outbox.h"
#include "app/reports.h"
#include "app/schedule.h"
#include "app/users.h"
#include "app/verify.h"
#include "json/render.h"

namespace squeaky::server {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kCookieName = "squeaky_session";

// Who may call a route: anyone, or a signed-in caller with at least a role.
enum class Access { kPublic, kViewer, kCollector, kOwner };

std::string_view to_string(Access a) {
  switch (a) {
    case Access::kPublic: return "public";
    case Access::kViewer: return "viewer";
    case Access::kCollector: return "collector";
    case Access::kOwner: return "owner";
  }
  return "owner";
}

Role least_role(Access a) {
  return a == Access::kOwner ? Role::kOwner : a == Access::kCollector ? Role::kCollector : Role::kViewer;
}

ApiResponse json_response(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  if (r.body.empty() || r.body.back() != '\n') r.body += "\n";
  return r;
}

ApiResponse json_response(int status, const Json& j) { return json_response(status, j.dump()); }

// {"error":{"code":...,"message":...,"field":...}}; `field` is left out when empty.
ApiResponse error_response(int status, std::string_view code, const std::string& message,
                           const std::string& field = "") {
  Json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return json_response(status, Json{{"error", e}});
}

ApiResponse from_status(const Status& s, const std::string& field = "") {
  switch (s.code()) {
    case ErrorCode::kOk: return json_response(200, Json{{"ok", true}});
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kOverflow: return error_response(422, "invalid", s.message(), field);
    case ErrorCode::kNotFound: return error_response(404, "not_found", s.message());
    case ErrorCode::kConflict: return error_response(409, "conflict", s.message());
    case ErrorCode::kCorruption: return error_response(500, "corrupt", s.message());
    case ErrorCode::kIOError: return error_response(500, "internal", s.message());
  }
  return error_response(500, "internal", s.message());
}

// Compares two secrets in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return "";
}

// The fields of a JSON request body. The first problem is kept and answered as 400 (not JSON) or
// 422 (a field missing or of the wrong type), naming the field.
class Body {
 public:
  explicit Body(const std::string& text) {
    if (text.empty()) {
      json_ = Json::object();
      return;
    }
    json_ = Json::parse(text, nullptr, false);
    if (json_.is_discarded() || !json_.is_object()) {
      failure_ = error_response(400, "bad_request", "the body must be a JSON object");
    }
  }

  std::string text(const char* key) {
    auto v = optional_text(key);
    if (!v && !failure_) failure_ = error_response(422, "invalid", std::string("'") + key + "' is required", key);
    return v.value_or("");
  }
  std::optional<std::string> optional_text(const char* key) {
    if (failure_ || !json_.contains(key) || json_[key].is_null()) return std::nullopt;
    if (!json_[key].is_string()) {
      failure_ = error_response(422, "invalid", std::string("'") + key + "' must be a string", key);
      return std::nullopt;
    }
    return json_[key].get<std::string>();
  }
  bool flag(const char* key) {
    if (failure_ || !json_.contains(key) || json_[key].is_null()) return false;
    if (!json_[key].is_boolean()) {
      failure_ = error_response(422, "invalid", std::string("'") + key + "' must be true or false", key);
      return false;
    }
    return json_[key].get<bool>();
  }
  // A role field: owner, collector or viewer.
  std::optional<Role> role(const char* key) {
    const std::string text = this->text(key);
    if (failure_) return std::nullopt;
    auto role = parse_role(text);
    if (!role) fail(error_response(422, "invalid", "role '" + text + "' is not owner, collector or viewer", key));
    return role;
  }
  const Json& json() const { return json_; }
  void fail(ApiResponse r) {
    if (!failure_) failure_ = std::move(r);
  }
  const std::optional<ApiResponse>& failure() const { return failure_; }

 private:
  Json json_;
  std::optional<ApiResponse> failure_;
};

std::string query_value(const ApiRequest& r, const std::string& key) {
  auto it = r.query.find(key);
  return it == r.query.end() ? "" : it->second;
}

}  // namespace

class Api::Impl {
 public:
  Impl(std::unique_ptr<Store> store, ServerOptions options, const Clock& clock, Metrics& metrics)
      : store_(std::move(store)), options_(std::move(options)), clock_(clock), metrics_(metrics) {
    if (!options_.db.empty()) start_reading_figures();
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { stopping_ = true; }  // a read of the figures under way gives up; early_figures_ waits for it

  ApiResponse handle(const ApiRequest& request);
  Timestamp tick(Timestamp now);

  // What a handler is given.
  struct Call {
    const ApiRequest& request;
    std::map<std::string, std::string> params;  // the path's {parameters}
    std::optional<Principal> who;
    Timestamp now;
  };
  using Handler = ApiResponse (Impl::*)(Call&);
  struct Route {
    const char* method;
    const char* path;
    Access access;
    Handler handler;
  };
  static const std::vector<Route>& routes();

 private:
  // Route handlers, in the order of routes().
  ApiResponse healthz(Call& c);
  ApiResponse metrics(Call& c);
  ApiResponse openapi(Call& c);
  ApiResponse log_in(Call& c);
  ApiResponse setup_needed(Call& c);
  ApiResponse setup(Call& c);
  ApiResponse log_out(Call& c);
  ApiResponse me(Call& c);
  ApiResponse customers(Call& c);
  ApiResponse customer(Call& c);
  ApiResponse customer_journal(Call& c);
  ApiResponse invoices(Call& c);
  ApiResponse aging(Call& c);
  ApiResponse worklist(Call& c);
  ApiResponse outbox(Call& c);
  ApiResponse outbox_content(Call& c);
  ApiResponse outbox_preview(Call& c);
  ApiResponse dashboard(Call& c);
  ApiResponse plans(Call& c);
  ApiResponse forecast(Call& c);
  ApiResponse verify(Call& c);
  ApiResponse log_call(Call& c);
  ApiResponse promise(Call& c);
  ApiResponse payment_plan(Call& c);
  ApiResponse dispute(Call& c);
  ApiResponse resolve(Call& c);
  ApiResponse hold(Call& c);
  ApiResponse set_flag(Call& c);
  ApiResponse clear_flag(Call& c);
  ApiResponse outbox_retry(Call& c);
  ApiResponse outbox_cancel(Call& c);
  ApiResponse outbox_confirm(Call& c);
  ApiResponse outbox_hold(Call& c);
  ApiResponse outbox_approve(Call& c);
  // A person's decision on one outbox item, by the app's function for it.
  ApiResponse outbox_decision(Call& c, Status (*decide)(Store&, int64_t, std::string_view));
  ApiResponse run(Call& c);
  ApiResponse import(Call& c);
  ApiResponse create_customer(Call& c) { return put_record(c, RecordKind::kCustomers, ""); }
  ApiResponse update_customer(Call& c) { return put_record(c, RecordKind::kCustomers, c.params["id"]); }
  ApiResponse create_invoice(Call& c) { return put_record(c, RecordKind::kInvoices, ""); }
  ApiResponse update_invoice(Call& c) { return put_record(c, RecordKind::kInvoices, c.params["id"]); }
  ApiResponse create_payment(Call& c) { return put_record(c, RecordKind::kPayments, ""); }
  ApiResponse update_payment(Call& c) { return put_record(c, RecordKind::kPayments, c.params["id"]); }
  ApiResponse create_credit(Call& c) { return put_record(c, RecordKind::kCredits, ""); }
  ApiResponse update_credit(Call& c) { return put_record(c, RecordKind::kCredits, c.params["id"]); }
  // One record written as the importer writes a row: `id` from the path for an update.
  ApiResponse put_record(Call& c, RecordKind kind, const std::string& id);
  ApiResponse payments(Call& c) { return receipts(c, RecordKind::kPayments); }
  ApiResponse credits(Call& c) { return receipts(c, RecordKind::kCredits); }
  ApiResponse receipts(Call& c, RecordKind kind);
  ApiResponse users(Call& c);
  ApiResponse add_user(Call& c);
  ApiResponse change_password(Call& c);
  ApiResponse disable_user(Call& c);
  ApiResponse tokens(Call& c);
  ApiResponse create_token(Call& c);
  ApiResponse revoke_token(Call& c);

  // "as_of" from the query (GET) or the body, else today (UTC).
  std::optional<Date> as_of(Call& c, Body* body, ApiResponse& failure);
  // The customer's currency, for reading an amount; 404 when there is no such customer.
  std::optional<Money> amount(const std::string& customer_id, const std::string& text, const char* field, Body& body);
  std::optional<Date> date(const std::string& text, const char* field, Body& body);
  // {"ok":true,"journal":{"seq","hash"}} after a change.
  ApiResponse changed(const Status& s, int status = 200);

  void note(const std::string& line);
  Status load_templates_once();
  // The reports that read the whole ledger, and their answers kept until the journal moves.
  static bool report_route(const Route& route);
  ApiResponse remembered(const Route& route, Call& c);
  // The kept figures brought to the journal's head as of `day` (app/kept_figures.h).
  Result<const KeptFigures*> figures(Date day);
  // Reads the kept figures of the business day the server starts on, on a thread and a connection
  // of their own, while the first requests are answered: on a large ledger the whole read takes
  // seconds, and otherwise the first request for the aging or the dashboard would wait for it with
  // every other request behind it.
  void start_reading_figures();

  std::unique_ptr<Store> store_;
  const ServerOptions options_;
  const Clock& clock_;
  Metrics& metrics_;
  std::mutex mutex_;
  // The scheduler's own: when it last sent, and what it sends with (made on first use).
  std::map<std::string, ApiResponse> reports_;  // by route, query and minute
  int64_t reports_seq_ = -1;                    // the journal head they were made at
  KeptFigures figures_;                         // for the aging, the dashboard and the customer list
  std::atomic<bool> stopping_{false};
  std::future<Result<KeptFigures>> early_figures_;  // start_reading_figures(); taken by the first figures()
  static constexpr size_t kSendBatch = 10;
  static constexpr std::chrono::minutes kRunRetry{15};
  std::optional<Timestamp> last_send_;
  std::optional<Timestamp> last_failed_run_;
  std::optional<TemplateSet> templates_;
  std::unique_ptr<MailTransport> transport_;
};

const std::vector<Api::Impl::Route>& Api::Impl::routes() {
  using I = Api::Impl;
  static const std::vector<Route> table = {
      {"GET", "/healthz", Access::kPublic, &I::healthz},
      {"GET", "/metrics", Access::kPublic, &I::metrics},
      {"GET", "/api/v1/openapi.json", Access::kPublic, &I::openapi},
      {"POST", "/api/v1/session", Access::kPublic, &I::log_in},
      {"GET", "/api/v1/setup", Access::kPublic, &I::setup_needed},
      {"POST", "/api/v1/setup", Access::kPublic, &I::setup},
      {"DELETE", "/api/v1/session", Access::kViewer, &I::log_out},
      {"GET", "/api/v1/me", Access::kViewer, &I::me},
      {"GET", "/api/v1/customers", Access::kViewer, &I::customers},
      {"GET", "/api/v1/customers/{id}", Access::kViewer, &I::customer},
      {"GET", "/api/v1/customers/{id}/journal", Access::kViewer, &I::customer_journal},
      {"GET", "/api/v1/invoices", Access::kViewer, &I::invoices},
      {"GET", "/api/v1/payments", Access::kViewer, &I::payments},
      {"GET", "/api/v1/credits", Access::kViewer, &I::credits},
      {"POST", "/api/v1/customers", Access::kOwner, &I::create_customer},
      {"PUT", "/api/v1/customers/{id}", Access::kOwner, &I::update_customer},
      {"POST", "/api/v1/invoices", Access::kOwner, &I::create_invoice},
      {"PUT", "/api/v1/invoices/{id}", Access::kOwner, &I::update_invoice},
      {"POST", "/api/v1/payments", Access::kOwner, &I::create_payment},
      {"PUT", "/api/v1/payments/{id}", Access::kOwner, &I::update_payment},
      {"POST", "/api/v1/credits", Access::kOwner, &I::create_credit},
      {"PUT", "/api/v1/credits/{id}", Access::kOwner, &I::update_credit},
      {"GET", "/api/v1/aging", Access::kViewer, &I::aging},
      {"GET", "/api/v1/worklist", Access::kViewer, &I::worklist},
      {"GET", "/api/v1/outbox", Access::kViewer, &I::outbox},
      {"GET", "/api/v1/outbox/{id}/content", Access::kViewer, &I::outbox_content},
      {"GET", "/api/v1/outbox/{id}/preview", Access::kViewer, &I::outbox_preview},
      {"GET", "/api/v1/dashboard", Access::kViewer, &I::dashboard},
      {"GET", "/api/v1/plans", Access::kViewer, &I::plans},
      {"GET", "/api/v1/forecast", Access::kViewer, &I::forecast},
      {"GET", "/api/v1/verify", Access::kViewer, &I::verify},
      {"POST", "/api/v1/calls", Access::kCollector, &I::log_call},
      {"POST", "/api/v1/promises", Access::kCollector, &I::promise},
      {"POST", "/api/v1/payment-plans", Access::kCollector, &I::payment_plan},
      {"POST", "/api/v1/disputes", Access::kCollector, &I::dispute},
      {"POST", "/api/v1/disputes/{invoice}/resolve", Access::kCollector, &I::resolve},
      {"POST", "/api/v1/holds", Access::kCollector, &I::hold},
      {"POST", "/api/v1/customers/{id}/flags/{flag}", Access::kCollector, &I::set_flag},
      {"DELETE", "/api/v1/customers/{id}/flags/{flag}", Access::kCollector, &I::clear_flag},
      {"POST", "/api/v1/outbox/{id}/retry", Access::kCollector, &I::outbox_retry},
      {"POST", "/api/v1/outbox/{id}/cancel", Access::kCollector, &I::outbox_cancel},
      {"POST", "/api/v1/outbox/{id}/confirm", Access::kCollector, &I::outbox_confirm},
      {"POST", "/api/v1/outbox/{id}/hold", Access::kCollector, &I::outbox_hold},
      {"POST", "/api/v1/outbox/{id}/approve", Access::kCollector, &I::outbox_approve},
      {"POST", "/api/v1/runs", Access::kOwner, &I::run},
      {"POST", "/api/v1/imports/{kind}", Access::kOwner, &I::import},
      {"GET", "/api/v1/users", Access::kOwner, &I::users},
      {"POST", "/api/v1/users", Access::kOwner, &I::add_user},
      // Any user may change their own password; an owner anyone's (checked in the handler).
      {"POST", "/api/v1/users/{name}/password", Access::kViewer, &I::change_password},
      {"POST", "/api/v1/users/{name}/disable", Access::kOwner, &I::disable_user},
      {"GET", "/api/v1/tokens", Access::kOwner, &I::tokens},
      {"POST", "/api/v1/tokens", Access::kOwner, &I::create_token},
      {"DELETE", "/api/v1/tokens/{name}", Access::kOwner, &I::revoke_token},
  };
  return table;
}

namespace {

// Matches "/api/v1/customers/C1" against "/api/v1/customers/{id}", filling `params`.
bool path_matches(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
  params.clear();
  while (true) {
    if (pattern.empty() || path.empty()) return pattern.empty() && path.empty();
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const size_t pe = std::min(pattern.find('/'), pattern.size());
    const size_t se = std::min(path.find('/'), path.size());
    const std::string_view want = pattern.substr(0, pe);
    const std::string_view got = path.substr(0, se);
    if (want.starts_with("{") && want.ends_with("}")) {
      if (got.empty()) return false;
      params[std::string(want.substr(1, want.size() - 2))] = std::string(got);
    } else if (want != got) {
      return false;
    }
    pattern.remove_prefix(pe);
    path.remove_prefix(se);
  }
}

bool changes_state(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

ApiResponse Api::Impl::handle(const ApiRequest& request) {
  const Route* route = nullptr;
  std::string allowed;  // the methods of the path, when it is known
  std::map<std::string, std::string> params;
  for (const Route& r : routes()) {
    if (!path_matches(r.path, request.path, params)) continue;
    allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
    if (request.method == r.method || (request.method == "HEAD" && std::string_view(r.method) == "GET")) {
      route = &r;
      break;
    }
  }
  if (route == nullptr) {
    if (allowed.empty()) return error_response(404, "not_found", "no route " + request.path);
    ApiResponse r = error_response(405, "method_not_allowed", request.method + " is not allowed on " + request.path);
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  path_matches(route->path, request.path, params);
  const std::lock_guard lock(mutex_);
  Call call{request, std::move(params), std::nullopt, clock_.now()};
  ApiResponse out = [&]() -> ApiResponse {
    if (route->access != Access::kPublic) {
      std::optional<Principal> who;
      bool via_cookie = false;
      if (request.authorization.starts_with("Bearer ")) {
        auto found = token_principal(*store_, std::string_view(request.authorization).substr(7));
        if (!found) return from_status(found.status());
        who = std::move(*found);
        if (!who) return error_response(401, "unauthorized", "the API token is not valid (unknown or revoked)");
      } else {
        const std::string token = cookie_value(request.cookie, kCookieName);
        if (token.empty()) {
          return error_response(401, "unauthorized", "sign in first (POST /api/v1/session) or send a bearer token");
        }
        auto found = session_principal(*store_, token, call.now);
        if (!found) return from_status(found.status());
        who = std::move(*found);
        if (!who) return error_response(401, "unauthorized", "the session has ended; sign in again");
        via_cookie = true;
      }
      call.who = std::move(who);
      if (via_cookie && changes_state(request.method) &&
          (request.csrf_token.empty() || !same_secret(request.csrf_token, call.who->csrf_token))) {
        return error_response(403, "csrf", "a change needs the session's token in the X-CSRF-Token header");
      }
      if (call.who->role < least_role(route->access)) {
        return error_response(403, "forbidden",
                              std::string(route->method) + " " + route->path + " needs the role " +
                                  std::string(to_string(route->access)) + "; " + call.who->user + " is a " +
                                  std::string(squeaky::to_string(call.who->role)));
      }
    }
    return report_route(*route) ? remembered(*route, call) : (this->*(route->handler))(call);
  }();
  out.route = route->path;
  if (call.who) out.user = call.who->actor.substr(call.who->actor.find(' ') + 1);
  return out;
}

std::optional<Date> Api::Impl::as_of(Call& c, Body* body, ApiResponse& failure) {
  std::string text = query_value(c.request, "as_of");
  if (body != nullptr) {
    if (auto t = body->optional_text("as_of")) text = *t;
    if (body->failure()) {
      failure = *body->failure();
      return std::nullopt;
    }
  }
  if (text.empty()) return business_day(options_.settings.server, c.now);
  auto d = Date::parse(text);
  if (!d) {
    failure = error_response(422, "invalid", "as_of '" + text + "' " + d.status().message(), "as_of");
    return std::nullopt;
  }
  return *d;
}

std::optional<Money> Api::Impl::amount(const std::string& customer_id, const std::string& text, const char* field,
                                       Body& body) {
  auto ledger = store_->customer_ledger(customer_id);
  if (!ledger) {
    body.fail(from_status(ledger.status()));
    return std::nullopt;
  }
  if (!*ledger) {
    body.fail(error_response(404, "not_found", "no customer '" + customer_id + "'"));
    return std::nullopt;
  }
  auto m = Money::parse(text, (*ledger)->customer.currency);
  if (!m) {
    body.fail(error_response(422, "invalid", std::string(field) + " '" + text + "' " + m.status().message(), field));
    return std::nullopt;
  }
  return *m;
}

std::optional<Date> Api::Impl::date(const std::string& text, const char* field, Body& body) {
  auto d = Date::parse(text);
  if (!d) {
    body.fail(error_response(422, "invalid", std::string(field) + " '" + text + "' " + d.status().message(), field));
    return std::nullopt;
  }
  return *d;
}

ApiResponse Api::Impl::changed(const Status& s, int status) {
  if (!s.is_ok()) return from_status(s);
  auto head = store_->journal_head();
  if (!head) return from_status(head.status());
  return json_response(status, Json{{"ok", true}, {"journal", {{"seq", head->seq}, {"hash", head->hash}}}});
}

ApiResponse Api::Impl::healthz(Call&) {
  auto head = store_->journal_head();
  if (!head) return error_response(503, "unavailable", head.status().message());
  ApiResponse r;
  r.content_type = "text/plain";
  r.body = "ok\n";
  return r;
}

ApiResponse Api::Impl::metrics(Call&) {
  std::string extra =
      "# HELP squeaky_outbox_items Letters and emails in the outbox, by status.\n"
      "# TYPE squeaky_outbox_items gauge\n";
  auto items = store_->outbox("", "", false);
  if (!items) return from_status(items.status());
  std::map<std::string, int64_t> by_status;
  for (const char* s : {"queued", "held", "sending", "sent", "failed", "rejected", "unknown", "blocked", "cancelled"})
    by_status[s] = 0;
  for (const OutboxItem& item : *items) ++by_status[item.status];
  for (const auto& [status, n] : by_status)
    extra += "squeaky_outbox_items{status=\"" + status + "\"} " + std::to_string(n) + "\n";
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = metrics_.render(extra);
  return r;
}

ApiResponse Api::Impl::openapi(Call&) { return json_response(200, std::string(openapi_json())); }

namespace {

// The answer to a login that did not pass, if it did not.
std::optional<ApiResponse> login_refused(const LoginResult& result, const std::string& name) {
  switch (result.outcome) {
    case LoginOutcome::kLocked: {
      ApiResponse r = error_response(
          429, "rate_limited",
          "too many failed logins; try again in " + std::to_string(result.retry_after.count()) + " seconds");
      r.headers.emplace_back("Retry-After", std::to_string(result.retry_after.count()));
      return r;
    }
    case LoginOutcome::kBadCredentials: return error_response(401, "unauthorized", "wrong name or password");
    case LoginOutcome::kDisabled: return error_response(403, "forbidden", "the user '" + name + "' is disabled");
    case LoginOutcome::kOk: break;
  }
  return std::nullopt;
}

}  // namespace

ApiResponse Api::Impl::log_in(Call& c) {
  Body body(c.request.body);
  const std::string name = body.text("name");
  const std::string password = body.text("password");
  if (body.failure()) return *body.failure();
  auto result = squeaky::log_in(*store_, name, password, c.request.client_address, c.now, options_.login);
  if (!result) return from_status(result.status());
  if (auto refused = login_refused(*result, name)) return *refused;
  const auto lifetime = result->expires.seconds() - c.now.seconds();
  ApiResponse r = json_response(200, Json{{"user", name},
                                          {"role", squeaky::to_string(result->role)},
                                          {"csrf_token", result->csrf_token},
                                          {"expires", result->expires.to_string()}});
  r.headers.emplace_back("Set-Cookie",
                         std::string(kCookieName) + "=" + result->session_token +
                             "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(lifetime.count()) +
                             (options_.secure_cookies ? "; Secure" : ""));
  c.who = Principal{name, result->role, "user " + name, result->csrf_token};
  return r;
}

// The first-run screen: while the database has no user, anyone who reaches the server may make
// the first owner (the server listens on 127.0.0.1 unless told otherwise); after that, never.
ApiResponse Api::Impl::setup_needed(Call&) {
  auto users = store_->users();
  if (!users) return from_status(users.status());
  return json_response(200, Json{{"needed", users->empty()}});
}

ApiResponse Api::Impl::setup(Call& c) {
  Body body(c.request.body);
  const std::string name = body.text("name");
  const std::string password = body.text("password");
  if (body.failure()) return *body.failure();
  auto users = store_->users();
  if (!users) return from_status(users.status());
  if (!users->empty()) return error_response(409, "conflict", "the first owner was made already; sign in");
  if (Status s = check_user_name(name); !s.is_ok()) return from_status(s, "name");
  if (Status s = check_password(password); !s.is_ok()) return from_status(s, "password");
  return changed(squeaky::add_user(*store_, name, Role::kOwner, password, c.now, options_.password_cost, "first-run"),
                 201);
}

ApiResponse Api::Impl::log_out(Call& c) {
  const std::string token = cookie_value(c.request.cookie, kCookieName);
  if (token.empty() || c.who->csrf_token.empty()) {
    return error_response(400, "bad_request", "only a session signs out; an API token is revoked instead");
  }
  if (Status s = squeaky::log_out(*store_, token); !s.is_ok()) return from_status(s);
  ApiResponse r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" +
                                           (options_.secure_cookies ? "; Secure" : ""));
  return r;
}

ApiResponse Api::Impl::me(Call& c) {
  // A page loaded again finds its CSRF token here; "today" is the server's date, which the web app
  // uses as its "as of".
  Json j{{"user", c.who->user},
         {"role", squeaky::to_string(c.who->role)},
         {"actor", c.who->actor},
         {"via", c.who->csrf_token.empty() ? "token" : "session"},
         {"today", business_day(options_.settings.server, c.now).to_string()},
         {"business", {{"name", options_.settings.business.name}, {"locale", options_.settings.business.locale}}}};
  if (!c.who->csrf_token.empty()) j["csrf_token"] = c.who->csrf_token;
  return json_response(200, j);
}

namespace {

// limit (1..1000, default 50) and offset (default 0) of a list.
bool page(const ApiRequest& r, size_t& limit, size_t& offset, ApiResponse& failure) {
  limit = 50;
  offset = 0;
  for (auto [key, target, most] :
       {std::tuple{"limit", &limit, size_t{1000}}, std::tuple{"offset", &offset, SIZE_MAX}}) {
    const std::string text = query_value(r, key);
    if (text.empty()) continue;
    size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n > most ||
        (std::string_view(key) == "limit" && n == 0)) {
      failure = error_response(422, "invalid",
                               std::string(key) + " '" + text + "' is not a whole number" +
                                   (std::string_view(key) == "limit" ? " from 1 to 1000" : ""),
                               key);
      return false;
    }
    *target = n;
  }
  return true;
}

}  // namespace

ApiResponse Api::Impl::customers(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  size_t limit = 0;
  size_t offset = 0;
  if (!page(c.request, limit, offset, failure)) return failure;
  std::string q = query_value(c.request, "q");
  std::transform(q.begin(), q.end(), q.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::string kind = query_value(c.request, "kind");
  if (!kind.empty() && !parse_customer_kind(kind)) {
    return error_response(422, "invalid", "kind '" + kind + "' is not business or consumer", "kind");
  }
  const std::string overdue_text = query_value(c.request, "overdue");
  if (!overdue_text.empty() && overdue_text != "true" && overdue_text != "false") {
    return error_response(422, "invalid", "overdue '" + overdue_text + "' is not true or false", "overdue");
  }
  const bool overdue_only = overdue_text == "true";
  auto kept = figures(*day);
  if (!kept) return from_status(kept.status());
  Json rows = Json::array();
  size_t total = 0;
  for (const auto& [id, cu] : (*kept)->customers()) {
    if (!kind.empty() && squeaky::to_string(cu.kind) != kind) continue;
    if (!q.empty()) {
      std::string hay = id + "\n" + cu.name;
      std::transform(hay.begin(), hay.end(), hay.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (hay.find(q) == std::string::npos) continue;
    }
    const AgingRow& row = cu.figures.row;
    if (overdue_only && row.overdue() <= 0) continue;
    ++total;
    if (total <= offset || rows.size() >= limit) continue;
    rows.push_back({{"id", id},
                    {"name", cu.name},
                    {"kind", squeaky::to_string(cu.kind)},
                    {"currency", cu.currency.code()},
                    {"open", Money::from_minor(row.total, cu.currency).to_string()},
                    {"overdue", Money::from_minor(row.overdue(), cu.currency).to_string()},
                    {"fees", Money::from_minor(row.fees, cu.currency).to_string()},
                    {"unapplied", cu.figures.unapplied.to_string()}});
  }
  return json_response(200, Json{{"as_of", day->to_string()},
                                 {"total", total},
                                 {"limit", limit},
                                 {"offset", offset},
                                 {"customers", std::move(rows)}});
}

ApiResponse Api::Impl::customer(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  const std::string& id = c.params["id"];
  auto statement = statement_of_account(*store_, id, *day, options_.settings.rates);
  if (!statement) return from_status(statement.status());
  if (!*statement) return error_response(404, "not_found", "no customer '" + id + "'");
  return json_response(200, statement_json(**statement));
}

ApiResponse Api::Impl::customer_journal(Call& c) {
  const std::string& id = c.params["id"];
  auto ledger = store_->customer_ledger(id);
  if (!ledger) return from_status(ledger.status());
  if (!*ledger) return error_response(404, "not_found", "no customer '" + id + "'");
  Json entries = Json::array();
  Status s = store_->for_each_journal_entry_of(id, [&](const JournalEntry& e) {
    Json payload = Json::parse(e.payload, nullptr, false);
    entries.push_back({{"seq", e.seq},
                       {"at", e.at.to_string()},
                       {"actor", e.actor},
                       {"kind", e.kind},
                       {"payload", payload.is_discarded() ? Json(e.payload) : payload},
                       {"hash", e.hash}});
    return Status::ok();
  });
  if (!s.is_ok()) return from_status(s);
  return json_response(200, Json{{"customer", id}, {"entries", std::move(entries)}});
}

ApiResponse Api::Impl::invoices(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  size_t limit = 0;
  size_t offset = 0;
  if (!page(c.request, limit, offset, failure)) return failure;
  const std::string customer_id = query_value(c.request, "customer");
  Json rows = Json::array();
  size_t total = 0;
  const auto visit = [&](const CustomerLedger& ledger) -> Status {
    auto position = allocate(ledger, *day);
    if (!position) return position.status();
    for (const InvoicePosition& p : position->invoices) {
      ++total;
      if (total <= offset || rows.size() >= limit) continue;
      const Invoice& i = *p.invoice;
      rows.push_back({{"id", i.id},
                      {"customer_id", i.customer_id},
                      {"kind", squeaky::to_string(i.kind)},
                      {"issue_date", i.issue_date.to_string()},
                      {"due_date", i.due_date.to_string()},
                      {"amount", i.amount.to_string()},
                      {"currency", i.amount.currency().code()},
                      {"open", p.open.to_string()},
                      {"days_past_due", std::max<int64_t>(p.days_past_due, 0)},
                      {"disputed", p.disputed},
                      {"reference", i.reference},
                      {"description", i.description}});
    }
    return Status::ok();
  };
  if (Status s = for_each_ledger_of(*store_, customer_id, visit); !s.is_ok()) return from_status(s);
  return json_response(200, Json{{"as_of", day->to_string()},
                                 {"total", total},
                                 {"limit", limit},
                                 {"offset", offset},
                                 {"invoices", std::move(rows)}});
}

ApiResponse Api::Impl::aging(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  auto kept = figures(*day);
  if (!kept) return from_status(kept.status());
  const bool by_customer = query_value(c.request, "by_customer") == "true";
  auto summary = (*kept)->aging(by_customer);
  if (!summary) return from_status(summary.status());
  return json_response(200, aging_json(*summary, by_customer));
}

ApiResponse Api::Impl::worklist(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  auto items = squeaky::worklist(*store_, *day, c.now, options_.settings.compliance);
  if (!items) return from_status(items.status());
  return json_response(200, worklist_json(*day, *items));
}

ApiResponse Api::Impl::outbox(Call& c) {
  auto items = store_->outbox(query_value(c.request, "status"), query_value(c.request, "customer"), false);
  if (!items) return from_status(items.status());
  return json_response(200, outbox_json(*items));
}

namespace {

std::optional<int64_t> outbox_id(const std::string& text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

ApiResponse Api::Impl::outbox_content(Call& c) {
  auto id = outbox_id(c.params["id"]);
  if (!id) return error_response(404, "not_found", "no outbox item '" + c.params["id"] + "'");
  auto item = store_->outbox_item(*id);
  if (!item) return from_status(item.status());
  if (!*item) return error_response(404, "not_found", "no outbox item '" + c.params["id"] + "'");
  if ((*item)->content.empty()) {
    return error_response(404, "not_found", "outbox item " + c.params["id"] + " has not been made yet");
  }
  // The stored copy, byte for byte what went out: a PDF letter, or an email as an .eml file.
  const bool letter = (*item)->channel == "letter";
  ApiResponse r;
  r.content_type = letter ? "application/pdf" : "message/rfc822";
  r.body = std::move((*item)->content);
  // The name from the customer's id (imported data), with anything but letters, digits, '.', '-'
  // and '_' replaced; a letter opens in the browser, an email is saved.
  std::string name = (*item)->customer_id + "-" + c.params["id"] + (letter ? ".pdf" : ".eml");
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') ch = '_';
  }
  r.headers.emplace_back("Content-Disposition",
                         std::string(letter ? "inline" : "attachment") + "; filename=\"" + name + "\"");
  r.headers.emplace_back("X-Content-SHA256", (*item)->sha256);
  return r;
}

// What a held or queued item would say if it went out now: rendered, not stored.
ApiResponse Api::Impl::outbox_preview(Call& c) {
  auto id = outbox_id(c.params["id"]);
  if (!id) return error_response(404, "not_found", "no outbox item '" + c.params["id"] + "'");
  if (Status s = load_templates_once(); !s.is_ok()) return from_status(s);
  const Dispatcher d{options_.settings, *templates_, options_.plans, c.now, c.who->actor};
  auto preview = preview_outbox_item(*store_, d, *id);
  if (!preview) return from_status(preview.status());
  ApiResponse r;
  r.content_type = preview->content_type;
  r.body = std::move(preview->bytes);
  r.headers.emplace_back("Content-Disposition", "inline");
  return r;
}

ApiResponse Api::Impl::dashboard(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  auto kept = figures(*day);
  if (!kept) return from_status(kept.status());
  auto d = (*kept)->dashboard(*store_);
  if (!d) return from_status(d.status());
  return json_response(200, dashboard_json(*d));
}

ApiResponse Api::Impl::plans(Call&) { return json_response(200, plans_json(options_.plans)); }

// What the plan would do over the next days if nothing else happened: a dry run, nothing written.
ApiResponse Api::Impl::forecast(Call& c) {
  ApiResponse failure;
  auto day = as_of(c, nullptr, failure);
  if (!day) return failure;
  const std::string text = query_value(c.request, "days");
  int days = 14;
  if (!text.empty()) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
    if (ec != std::errc() || end != text.data() + text.size() || days < 1 || days > 31) {
      return error_response(422, "invalid", "days '" + text + "' is not a whole number from 1 to 31", "days");
    }
  }
  auto report = squeaky::forecast(*store_, options_.plans, *day, days, options_.settings.compliance);
  if (!report) return from_status(report.status());
  return json_response(200, forecast_json(*report));
}

ApiResponse Api::Impl::verify(Call&) {
  auto check = check_journal(*store_);
  if (!check) return from_status(check.status());
  return json_response(200, journal_check_json(*check));
}

ApiResponse Api::Impl::log_call(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  CallLog call;
  call.customer_id = body.text("customer");
  const std::string outcome = body.text("outcome");
  call.invoice_id = body.optional_text("invoice").value_or("");
  call.note = body.optional_text("note").value_or("");
  const auto amount_text = body.optional_text("amount");
  const auto date_text = body.optional_text("date");
  if (body.failure()) return *body.failure();
  auto parsed = parse_call_outcome(outcome);
  if (!parsed) return error_response(422, "invalid", "outcome '" + outcome + "' is not a call outcome", "outcome");
  call.outcome = *parsed;
  call.on = *day;
  if (amount_text) call.amount = amount(call.customer_id, *amount_text, "amount", body);
  if (date_text) call.date = date(*date_text, "date", body);
  if (body.failure()) return *body.failure();
  return changed(squeaky::log_call(*store_, options_.plans, call, c.who->actor), 201);
}

ApiResponse Api::Impl::promise(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string customer_id = body.text("customer");
  const std::string amount_text = body.text("amount");
  const std::string date_text = body.text("date");
  if (body.failure()) return *body.failure();
  auto money = amount(customer_id, amount_text, "amount", body);
  auto due = date(date_text, "date", body);
  if (body.failure()) return *body.failure();
  return changed(record_promise(*store_, customer_id, *money, *day, *due, c.who->actor), 201);
}

ApiResponse Api::Impl::payment_plan(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string customer_id = body.text("customer");
  if (body.failure()) return *body.failure();
  const Json& list = body.json().contains("instalments") ? body.json()["instalments"] : Json();
  if (!list.is_array() || list.empty()) {
    return error_response(422, "invalid", R"('instalments' must be a list of {"date","amount"})", "instalments");
  }
  std::vector<Instalment> instalments;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "instalments[" + std::to_string(i) + "]";
    const Json& item = list[i];
    if (!item.is_object() || !item.contains("date") || !item["date"].is_string() || !item.contains("amount") ||
        !item["amount"].is_string()) {
      return error_response(422, "invalid", at + R"( must be {"date":"YYYY-MM-DD","amount":"..."})", at);
    }
    const std::string date_field = at + ".date";
    const std::string amount_field = at + ".amount";
    auto d = date(item["date"].get<std::string>(), date_field.c_str(), body);
    auto m = amount(customer_id, item["amount"].get<std::string>(), amount_field.c_str(), body);
    if (body.failure()) return *body.failure();
    instalments.push_back({*d, *m});
  }
  return changed(record_payment_plan(*store_, customer_id, *day, std::move(instalments), c.who->actor), 201);
}

ApiResponse Api::Impl::dispute(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string invoice = body.text("invoice");
  const std::string reason = body.text("reason");
  if (body.failure()) return *body.failure();
  return changed(open_dispute(*store_, invoice, *day, reason, c.who->actor), 201);
}

ApiResponse Api::Impl::resolve(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string note = body.optional_text("note").value_or("");
  if (body.failure()) return *body.failure();
  return changed(resolve_dispute(*store_, c.params["invoice"], *day, note, c.who->actor));
}

ApiResponse Api::Impl::hold(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string customer_id = body.text("customer");
  const auto until_text = body.optional_text("until");
  const bool hardship = body.flag("hardship");
  const std::string reason = body.optional_text("reason").value_or("");
  if (body.failure()) return *body.failure();
  std::optional<Date> until;
  if (until_text) until = date(*until_text, "until", body);
  if (body.failure()) return *body.failure();
  return changed(add_hold(*store_, options_.plans, customer_id, *day, until, hardship, reason, c.who->actor), 201);
}

ApiResponse Api::Impl::set_flag(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const std::string note = body.optional_text("note").value_or("");
  if (body.failure()) return *body.failure();
  auto flag = parse_stop_flag(c.params["flag"]);
  if (!flag) {
    return error_response(422, "invalid",
                          "'" + c.params["flag"] + "' is not bankruptcy, deceased or cease-communication", "flag");
  }
  return changed(squeaky::set_flag(*store_, c.params["id"], *flag, *day, note, c.who->actor));
}

ApiResponse Api::Impl::clear_flag(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  auto flag = parse_stop_flag(c.params["flag"]);
  if (!flag) {
    return error_response(422, "invalid",
                          "'" + c.params["flag"] + "' is not bankruptcy, deceased or cease-communication", "flag");
  }
  return changed(squeaky::clear_flag(*store_, c.params["id"], *flag, *day, c.who->actor));
}

ApiResponse Api::Impl::outbox_decision(Call& c, Status (*decide)(Store&, int64_t, std::string_view)) {
  auto id = outbox_id(c.params["id"]);
  if (!id) return error_response(404, "not_found", "no outbox item '" + c.params["id"] + "'");
  return changed(decide(*store_, *id, c.who->actor));
}

ApiResponse Api::Impl::outbox_retry(Call& c) { return outbox_decision(c, retry_outbox_item); }
ApiResponse Api::Impl::outbox_cancel(Call& c) { return outbox_decision(c, cancel_outbox_item); }
ApiResponse Api::Impl::outbox_hold(Call& c) { return outbox_decision(c, hold_outbox_item); }
ApiResponse Api::Impl::outbox_approve(Call& c) { return outbox_decision(c, approve_outbox_item); }

ApiResponse Api::Impl::outbox_confirm(Call& c) {
  auto id = outbox_id(c.params["id"]);
  if (!id) return error_response(404, "not_found", "no outbox item '" + c.params["id"] + "'");
  return changed(confirm_outbox_item(*store_, *id, c.now, c.who->actor));
}

ApiResponse Api::Impl::run(Call& c) {
  Body body(c.request.body);
  ApiResponse failure;
  auto day = as_of(c, &body, failure);
  if (!day) return failure;
  const bool dry_run = body.flag("dry_run");
  if (body.failure()) return *body.failure();
  if (dry_run) {
    auto days = squeaky::forecast(*store_, options_.plans, *day, 1, options_.settings.compliance);
    if (!days) return from_status(days.status());
    return json_response(200, forecast_json(*days));
  }
  auto report = run_day(*store_, options_.plans, *day, options_.settings.compliance,
                        RunOptions{options_.settings.review_messages, c.who->actor, {}});
  if (!report) return from_status(report.status());
  return json_response(report->already_run ? 200 : 201, run_json(*report));
}

ApiResponse Api::Impl::import(Call& c) {
  const std::string& kind_text = c.params["kind"];
  auto kind = parse_record_kind(kind_text);
  if (!kind) {
    return error_response(404, "not_found", "'" + kind_text + "' is not customers, invoices, payments or credits");
  }
  ImportOptions options;
  options.dry_run = query_value(c.request, "dry_run") == "true";
  options.name = kind_text + ".csv";  // in the errors and the journal
  options.by = c.who->actor;
  auto report = import_text(*store_, *kind, c.request.body, options);
  if (!report) return from_status(report.status());
  if (!report->errors.empty()) {
    Json e = {
        {"code", "invalid"},
        {"message", std::to_string(report->errors.size()) + (report->errors.size() == 1 ? " problem" : " problems") +
                        " in " + options.name + "; nothing was imported"},
        {"field", "body"},
        {"errors", report->errors}};
    return json_response(422, Json{{"error", e}});
  }
  return json_response(report->written ? 201 : 200, import_json(*report));
}

// Payments or credits, as recorded, for one customer or all, a page at a time.
ApiResponse Api::Impl::receipts(Call& c, RecordKind kind) {
  ApiResponse failure;
  size_t limit = 0;
  size_t offset = 0;
  if (!page(c.request, limit, offset, failure)) return failure;
  const std::string customer_id = query_value(c.request, "customer");
  Json rows = Json::array();
  size_t total = 0;
  const auto add = [&](Json row) {
    ++total;
    if (total > offset && rows.size() < limit) rows.push_back(std::move(row));
  };
  const auto visit = [&](const CustomerLedger& ledger) -> Status {
    if (kind == RecordKind::kPayments) {
      for (const Payment& p : ledger.payments) {
        add({{"id", p.id},
             {"customer_id", p.customer_id},
             {"date", p.date.to_string()},
             {"amount", p.amount.to_string()},
             {"currency", p.amount.currency().code()},
             {"method", p.method},
             {"reference", p.reference},
             {"invoice_id", p.invoice_id}});
      }
    } else {
      for (const Credit& r : ledger.credits) {
        add({{"id", r.id},
             {"customer_id", r.customer_id},
             {"date", r.date.to_string()},
             {"amount", r.amount.to_string()},
             {"currency", r.amount.currency().code()},
             {"kind", squeaky::to_string(r.kind)},
             {"reason", r.reason},
             {"invoice_id", r.invoice_id}});
      }
    }
    return Status::ok();
  };
  if (Status s = for_each_ledger_of(*store_, customer_id, visit); !s.is_ok()) return from_status(s);
  return json_response(
      200,
      Json{{"total", total}, {"limit", limit}, {"offset", offset}, {std::string(to_string(kind)), std::move(rows)}});
}

namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
void append_csv_field(std::string& out, const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char ch : value) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  out += '"';
}

}  // namespace

// The record's fields are the CSV columns of docs/formats.md, every value a string, and it goes
// through the importer: the same checks and messages, all or nothing, journaled as the user.
ApiResponse Api::Impl::put_record(Call& c, RecordKind kind, const std::string& id) {
  const Json record = Json::parse(c.request.body, nullptr, false);
  if (record.is_discarded() || !record.is_object()) {
    return error_response(400, "bad_request", "the body must be a JSON object of the record's fields");
  }
  std::string header;
  std::string row;
  for (const auto& [field, value] : record.items()) {
    if (!value.is_string()) return error_response(422, "invalid", "'" + field + "' must be a string", field);
    if (field == "id" && !id.empty() && value.get<std::string>() != id) {
      return error_response(422, "invalid", "'id' is " + value.get<std::string>() + " but the path names " + id, "id");
    }
    if (field == "id" && !id.empty()) continue;  // written once below
    header += (header.empty() ? "" : ",") + field;
    append_csv_field(row += (row.empty() ? "" : ","), value.get<std::string>());
  }
  if (!id.empty()) {
    header += (header.empty() ? "id" : ",id");
    append_csv_field(row += (row.empty() ? "" : ","), id);
  }
  // Checked first without writing: POST makes a record that must not exist yet, PUT changes one
  // that must.
  const std::string text = header + "\n" + row + "\n";
  const std::string noun(to_string(kind).substr(0, to_string(kind).size() - 1));  // "invoice"
  ImportOptions options;
  options.name = "record";
  options.actor = c.who->actor;
  options.dry_run = true;
  for (const bool writing : {false, true}) {
    options.dry_run = !writing;
    auto report = import_text(*store_, kind, text, options);
    if (!report) return from_status(report.status());
    if (!report->errors.empty()) {
      // "record:2: column 'due_date': '2026-02-30' is not a date" -> the message and its field.
      std::string message = report->errors.front();
      message = message.substr(message.find(": ") + 2);
      std::string field;
      if (message.starts_with("column '")) field = message.substr(8, message.find('\'', 8) - 8);
      return error_response(422, "invalid", message, field);
    }
    if (!writing && id.empty() && report->created == 0) {
      const std::string article = noun == "invoice" ? "an " : "a ";
      return error_response(409, "conflict", article + noun + " with this id exists; change it with PUT", "id");
    }
    if (!writing && !id.empty() && report->created > 0) {
      return error_response(404, "not_found", "no " + noun + " '" + id + "'");
    }
  }
  auto head = store_->journal_head();
  if (!head) return from_status(head.status());
  return json_response(id.empty() ? 201 : 200,
                       Json{{"ok", true}, {"journal", {{"seq", head->seq}, {"hash", head->hash}}}});
}

ApiResponse Api::Impl::users(Call&) {
  auto list = store_->users();
  if (!list) return from_status(list.status());
  return json_response(200, users_json(*list));
}

ApiResponse Api::Impl::add_user(Call& c) {
  Body body(c.request.body);
  const std::string name = body.text("name");
  const auto role = body.role("role");
  const std::string password = body.text("password");
  if (body.failure()) return *body.failure();
  if (Status s = check_user_name(name); !s.is_ok()) return from_status(s, "name");
  if (Status s = check_password(password); !s.is_ok()) return from_status(s, "password");
  return changed(squeaky::add_user(*store_, name, *role, password, c.now, options_.password_cost, c.who->actor), 201);
}

ApiResponse Api::Impl::change_password(Call& c) {
  const std::string& name = c.params["name"];
  if (c.who->role != Role::kOwner && c.who->user != name) {
    return error_response(403, "forbidden", "only an owner changes another user's password");
  }
  Body body(c.request.body);
  const std::string password = body.text("password");
  // One's own password only with the current one, so that a session left open is not enough.
  const bool own = c.who->user == name;
  const std::string current = own ? body.text("current_password") : "";
  if (body.failure()) return *body.failure();
  if (Status s = check_password(password); !s.is_ok()) return from_status(s, "password");
  if (!own) return changed(squeaky::change_password(*store_, name, password, options_.password_cost, c.who->actor));
  auto result = change_own_password(*store_, name, current, password, c.request.client_address, c.now,
                                    options_.password_cost, options_.login, c.who->actor);
  if (!result) return from_status(result.status());
  // Not 401: the session is still good.
  if (result->outcome == LoginOutcome::kBadCredentials) {
    return error_response(403, "forbidden", "the current password is wrong");
  }
  if (auto refused = login_refused(*result, name)) return *refused;
  return changed(Status::ok());
}

ApiResponse Api::Impl::disable_user(Call& c) {
  return changed(squeaky::disable_user(*store_, c.params["name"], c.who->actor));
}

ApiResponse Api::Impl::tokens(Call&) {
  auto list = store_->api_tokens();
  if (!list) return from_status(list.status());
  return json_response(200, api_tokens_json(*list));
}

ApiResponse Api::Impl::create_token(Call& c) {
  Body body(c.request.body);
  const std::string name = body.text("name");
  const auto role = body.role("role");
  const std::string user = body.text("user");
  if (body.failure()) return *body.failure();
  auto token = create_api_token(*store_, name, *role, user, c.now, c.who->actor);
  if (!token) return from_status(token.status());
  return json_response(201,
                       Json{{"name", name}, {"role", squeaky::to_string(*role)}, {"user", user}, {"token", *token}});
}

ApiResponse Api::Impl::revoke_token(Call& c) {
  return changed(revoke_api_token(*store_, c.params["name"], c.who->actor));
}

Api::Api(std::unique_ptr<Store> store, const ServerOptions& options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(store), options, clock, metrics_)) {}

Api::~Api() = default;

namespace {

// A value of a log line in double quotes, with quotes and backslashes escaped.
std::string log_value(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace

bool Api::Impl::report_route(const Route& route) {
  using I = Api::Impl;
  for (Handler h :
       {&I::customers, &I::invoices, &I::payments, &I::credits, &I::aging, &I::worklist, &I::dashboard, &I::forecast}) {
    if (route.handler == h) return true;
  }
  return false;
}

// Every change to what the reports show writes a journal entry (in this process or another one),
// so an answer made at the same journal head, for the same query, in the same minute (the worklist
// shows the debtors' local times; "today" is the business's day) is the answer. The minute also
// bounds how long any answer is kept.
ApiResponse Api::Impl::remembered(const Route& route, Call& c) {
  auto head = store_->journal_head();
  if (!head) return from_status(head.status());
  if (head->seq != reports_seq_ || reports_.size() >= 64) {
    reports_.clear();
    reports_seq_ = head->seq;
  }
  std::string key =
      std::string(route.path) + " " +
      std::to_string(std::chrono::floor<std::chrono::minutes>(c.now.seconds()).time_since_epoch().count());
  // Each value with its length, so that no two queries make the same key.
  for (const auto& [name, value] : c.request.query)
    key += " " + name + "=" + std::to_string(value.size()) + ":" + value;
  for (const auto& [name, value] : c.params) key += " {" + name + "}=" + std::to_string(value.size()) + ":" + value;
  if (auto it = reports_.find(key); it != reports_.end()) return it->second;
  ApiResponse answer = (this->*(route.handler))(c);
  if (answer.status == 200) reports_.emplace(std::move(key), answer);
  return answer;
}

void Api::Impl::start_reading_figures() {
  const Date day = business_day(options_.settings.server, clock_.now());
  early_figures_ = std::async(std::launch::async, [this, location = options_.db, day]() -> Result<KeptFigures> {
    const auto start = std::chrono::steady_clock::now();
    auto store = open_database(location, clock_, OpenMode::kMustExist);
    if (!store) return store.status();
    KeptFigures figures;
    if (Status s = figures.refresh(**store, day, &stopping_); !s.is_ok()) return s;
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    metrics_.observe_whole_read(took);
    note("event=figures_read as_of=" + day.to_string() + " customers=" + std::to_string(figures.customers().size()) +
         " took_ms=" + std::to_string(took.count() / 1000));
    return figures;
  });
}

Result<const KeptFigures*> Api::Impl::figures(Date day) {
  if (early_figures_.valid()) {
    // The first call takes the figures read at start, waiting for them if they are still being
    // read; the refresh below then reads only what changed since (or everything, for an earlier
    // day). Had that read failed, the refresh reads the whole ledger here.
    auto early = early_figures_.get();
    if (early) {
      figures_ = std::move(*early);
    } else {
      note("event=figures_read_failed error=" + log_value(early.status().message()));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  if (Status s = figures_.refresh(*store_, day); !s.is_ok()) return s;
  if (figures_.last_read_all()) {
    metrics_.observe_whole_read(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start));
  }
  return &figures_;
}

Status Api::Impl::load_templates_once() {
  if (templates_) return Status::ok();
  const std::string& dir = options_.settings.templates;
  auto loaded = load_templates(dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(dir));
  if (!loaded) return loaded.status();
  templates_ = std::move(*loaded);
  return Status::ok();
}

void Api::Impl::note(const std::string& line) {
  if (options_.log == nullptr) return;
  std::fprintf(options_.log, "%s\n", line.c_str());
  std::fflush(options_.log);
}

Timestamp Api::Impl::tick(Timestamp now) {
  const std::lock_guard lock(mutex_);
  auto last = store_->last_run();
  if (!last) {
    note("event=schedule_failed error=" + log_value(last.status().message()));
    return Timestamp(now.seconds() + std::chrono::minutes{1});
  }
  ScheduledWork work = scheduled_work(options_.settings.server, now, *last, last_send_);
  // A run that failed is tried again after a pause, not every minute under the lock.
  if (work.run && last_failed_run_ && now.seconds() < last_failed_run_->seconds() + kRunRetry) {
    work.run.reset();
    work.next = std::min(work.next, Timestamp(last_failed_run_->seconds() + kRunRetry));
  }
  if (work.run) {
    const auto start = std::chrono::steady_clock::now();
    auto report = run_day(*store_, options_.plans, *work.run, options_.settings.compliance,
                          RunOptions{options_.settings.review_messages, "", {}});
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    if (report) {
      metrics_.observe_run(took);
      note("event=run day=" + work.run->to_string() + " actions=" + std::to_string(report->actions) +
           " skipped=" + std::to_string(report->skipped) + " events=" + std::to_string(report->events) +
           " duration_us=" + std::to_string(took.count()));
    } else {
      last_failed_run_ = now;
      note("event=run_failed day=" + work.run->to_string() + " error=" + log_value(report.status().message()));
    }
  }
  if (work.send) {
    last_send_ = now;
    Status ready = load_templates_once();
    if (ready.is_ok() && !transport_) {
      auto transport = make_transport(options_.settings);
      if (transport) transport_ = std::move(*transport);
      ready = transport ? Status::ok() : transport.status();
    }
    if (!ready.is_ok()) {
      note("event=send_failed error=" + log_value(ready.message()));
      return work.next;
    }
    DispatchLock dispatching;
    if (Status s = dispatching.take(options_.db); !s.is_ok()) {
      note("event=send_skipped reason=" + log_value(s.message()));
      return work.next;
    }
    // A few at a time, so that requests (and a stop) get their turn between them; more are sent
    // at once after.
    const Dispatcher d{options_.settings, *templates_, options_.plans, now, "server"};
    auto sent = send_outbox(*store_, d, *transport_, kSendBatch);
    if (!sent) {
      note("event=send_failed error=" + log_value(sent.status().message()));
      return work.next;
    }
    const size_t handled = sent->sent + sent->failed + sent->rejected + sent->unknown + sent->blocked + sent->deferred;
    if (handled >= kSendBatch) {
      last_send_.reset();
      work.next = now;
    }
    if (sent->sent + sent->failed + sent->rejected + sent->unknown + sent->blocked > 0) {
      note("event=send sent=" + std::to_string(sent->sent) + " failed=" + std::to_string(sent->failed) +
           " rejected=" + std::to_string(sent->rejected) + " unknown=" + std::to_string(sent->unknown) +
           " blocked=" + std::to_string(sent->blocked) + " deferred=" + std::to_string(sent->deferred));
    }
  }
  return work.next;
}

Timestamp Api::tick(Timestamp now) { return impl_->tick(now); }

ApiResponse Api::handle(const ApiRequest& request) { return impl_->handle(request); }

}  // namespace squeaky::server

namespace squeaky {

std::vector<RouteInfo> api_routes() {
  std::vector<RouteInfo> out;
  for (const auto& r : server::Api::Impl::routes()) {
    out.push_back({r.method, r.path, std::string(server::to_string(r.access))});
  }
  return out;
}

}  // namespace squeaky
