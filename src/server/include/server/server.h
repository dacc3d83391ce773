// squeaky serve: the HTTP JSON API over the app layer (docs/api.md).
//
// One Server listens on one address, answers each request on a worker thread of cpp-httplib's
// pool, and hands it to the API (api.h), which checks the caller (session cookie with CSRF token,
// or bearer API token), the caller's role, and calls one use case. The store is opened once and
// used by one request at a time. stop() may be called from any thread (a signal handler's thread):
// the server stops accepting, finishes the requests under way, and run() returns; destroying the
// Server closes the store. The clock is read only here, at the edge, for "now" and "today".
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/settings.h"
#include "app/users.h"
#include "core/date.h"
#include "core/result.h"
#include "policy/plan.h"

namespace squeaky {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Server::port())
  std::string db;   // the database; it must exist
  Settings settings;
  PlanSet plans;
  // Adds Secure to the session cookie: set it when a TLS proxy stands in front of the server.
  bool secure_cookies = false;
  LoginLimits login;
  // The cost of the password hashes the API makes (users added or changed through it).
  PasswordCost password_cost = PasswordCost::kInteractive;
  // Whether the server does the day's work by itself ([server] in the settings: the daily run at
  // run_at, sending every send_every_minutes). `squeaky serve --no-schedule` turns it off.
  bool scheduled_work = false;
  // Where the one-line request log goes; nullptr for none. Default: standard error.
  std::FILE* log = stderr;
};

// One route of the API: its method, its path with {parameters}, and who may call it.
struct RouteInfo {
  std::string method;
  std::string path;
  std::string access;  // "public", "viewer", "collector" or "owner" (the least role that may)
};

// Every route the API answers, in the order they are matched.
std::vector<RouteInfo> api_routes();

// The OpenAPI 3 description of the routes (src/server/openapi.json, compiled in).
std::string_view openapi_json();

class Server {
 public:
  // Opens the store and binds the address. `clock` must outlive the server.
  static Result<std::unique_ptr<Server>> open(const ServerOptions& options, const Clock& clock);
  virtual ~Server() = default;

  // The port it is bound to.
  virtual int port() const = 0;
  // Serves until stop(); fails when the server could not run.
  virtual Status run() = 0;
  virtual void stop() = 0;
};

}  // namespace squeaky
