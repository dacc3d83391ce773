// The HTTP side of the server: the one translation unit that includes httplib.h. It binds the
// address, turns each request into an ApiRequest, times it, logs it and counts it.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "api.h"
#include "app/database.h"
#include "server/server.h"

namespace squeaky {
namespace {

using server::Api;
using server::ApiRequest;
using server::ApiResponse;

// The path as the log shows it: one token, whatever the client sent (no spaces, no line breaks).
std::string loggable(std::string_view path) {
  std::string out;
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

class HttpServer final : public Server {
 public:
  HttpServer(std::unique_ptr<Api> api, std::FILE* log) : api_(std::move(api)), log_(log) {}

  Status bind(const std::string& host, int port) {
    http_.set_payload_max_length(size_t{256} << 20);  // a large CSV import
    http_.set_read_timeout(30, 0);
    http_.set_write_timeout(30, 0);
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
    http_.Get(".*", handler);
    http_.Post(".*", handler);
    http_.Put(".*", handler);
    http_.Patch(".*", handler);
    http_.Delete(".*", handler);
    http_.Options(".*", handler);
    if (port == 0) {
      port_ = http_.bind_to_any_port(host);
    } else {
      port_ = http_.bind_to_port(host, port) ? port : -1;
    }
    if (port_ < 0) {
      return Status::io_error("cannot listen on " + host + ":" + std::to_string(port) +
                              " (in use, or not an address of this machine)");
    }
    return Status::ok();
  }

  int port() const override { return port_; }

  Status run() override {
    if (!http_.listen_after_bind()) return Status::io_error("the server stopped listening unexpectedly");
    return Status::ok();
  }

  void stop() override { http_.stop(); }

 private:
  void serve(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [key, value] : req.params) r.query.emplace(key, value);
    r.authorization = req.get_header_value("Authorization");
    r.cookie = req.get_header_value("Cookie");
    r.csrf_token = req.get_header_value("X-CSRF-Token");
    r.content_type = req.get_header_value("Content-Type");
    r.body = req.body;
    r.client_address = req.remote_addr;
    ApiResponse out = api_->handle(r);
    res.status = out.status;
    for (const auto& [name, value] : out.headers) res.set_header(name, value);
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    if (out.status != 204) res.set_content(out.body, out.content_type);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    api_->metrics().observe(r.method, out.route, out.status, took);
    if (log_ != nullptr) {
      std::fprintf(log_, "method=%s path=%s status=%d duration_us=%lld user=%s\n", r.method.c_str(),
                   loggable(r.path).c_str(), out.status, static_cast<long long>(took.count()), out.user.c_str());
      std::fflush(log_);
    }
  }

  std::unique_ptr<Api> api_;
  std::FILE* log_;
  httplib::Server http_;
  int port_ = -1;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::open(const ServerOptions& options, const Clock& clock) {
  auto store = open_database(options.db, clock, OpenMode::kMustExist);
  if (!store) return store.status();
  auto api = std::make_unique<Api>(std::move(*store), options, clock);
  auto http = std::make_unique<HttpServer>(std::move(api), options.log);
  if (Status s = http->bind(options.host, options.port); !s.is_ok()) return s;
  return std::unique_ptr<Server>(std::move(http));
}

}  // namespace squeaky
