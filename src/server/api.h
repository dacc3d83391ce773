// The API: what each route does, independent of the HTTP library. The server (http_server.cc)
// turns an HTTP request into an ApiRequest and the ApiResponse back into HTTP; everything between
// (authentication, CSRF, roles, the use cases, JSON) happens here. Thread-safe: requests are
// served one at a time under a mutex, since the store is used by one thread at a time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics.h"
#include "server/server.h"
#include "store/store.h"

namespace squeaky::server {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query
  std::multimap<std::string, std::string> query;
  std::string authorization;  // the Authorization header
  std::string cookie;         // the Cookie header
  std::string csrf_token;     // the X-CSRF-Token header
  std::string content_type;
  std::string body;
  std::string client_address;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route = "unmatched";  // the route's path template, for the metrics
  std::string user = "-";           // who asked, for the log
};

class Api {
 public:
  Api(std::unique_ptr<Store> store, const ServerOptions& options, const Clock& clock);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  ApiResponse handle(const ApiRequest& request);
  Metrics& metrics() { return metrics_; }
  // The server's own daily work when it is due (app/schedule.h): the day's run, and sending the
  // due emails. Returns when to look again. A failure is logged, and tried again next time.
  Timestamp tick(Timestamp now);

  class Impl;  // the routes and their handlers (api.cc)

 private:
  Metrics metrics_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace squeaky::server
