// The HTTP side of the server: the one translation unit that includes httplib.h. It binds the
// address, turns each request into an ApiRequest, times it, logs it and counts it.
#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "api.h"
#include "app/database.h"
#include "server/server.h"
#include "web/assets.h"

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

constexpr uint64_t kSmallBody = 1 << 20;

class HttpServer final : public Server {
 public:
  HttpServer(std::unique_ptr<Api> api, std::FILE* log, const Clock& clock, bool scheduled_work)
      : api_(std::move(api)), log_(log), clock_(clock), scheduled_work_(scheduled_work) {}

  Status bind(const std::string& host, int port) {
    http_.set_payload_max_length(size_t{256} << 20);  // a large CSV import
    // Only an import may send that much; everything else is refused before its body is read, so
    // that nobody can make the server hold large bodies before it knows who is asking.
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      const std::string length = req.get_header_value("Content-Length");
      uint64_t bytes = 0;
      const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bytes);
      const bool small =
          length.empty() || (ec == std::errc() && end == length.data() + length.size() && bytes <= kSmallBody);
      if (req.path.starts_with("/api/v1/imports/") || small) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.status = 413;
      res.set_content(
          R"({"error":{"code":"too_large","message":"a request body may be at most 1 MiB, except an import's"}})"
          "\n",
          "application/json");
      return httplib::Server::HandlerResponse::Handled;
    });
    http_.set_read_timeout(30, 0);
    // Without it a response written in two pieces waits for the client's delayed ACK (~40 ms).
    http_.set_tcp_nodelay(true);
    // cpp-httplib closes a kept-alive connection after 5 requests by default; a browser or an
    // integration then pays a new connection every few requests.
    http_.set_keep_alive_max_count(1000);
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
    std::thread scheduler;
    if (scheduled_work_) scheduler = std::thread([this] { schedule(); });
    const bool listened = http_.listen_after_bind();
    {
      const std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_wake_.notify_all();
    if (scheduler.joinable()) scheduler.join();
    if (!listened) return Status::io_error("the server stopped listening unexpectedly");
    return Status::ok();
  }

  void stop() override {
    {
      const std::lock_guard lock(stop_mutex_);
      stopping_ = true;
    }
    stop_wake_.notify_all();
    http_.stop();
  }

 private:
  void serve(const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    if (serve_web_app(req, res)) {
      log(req.method, req.path, "web", res.status, start, "-");
      return;
    }
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
    // An answer of the API is data, never a page: nothing in it may run or be framed. (A PDF
    // letter is left to the browser's viewer, which a sandbox would stop.)
    if (out.content_type != "application/pdf") {
      res.set_header("Content-Security-Policy", "sandbox; default-src 'none'; frame-ancestors 'none'");
    }
    if (out.status != 204) res.set_content(out.body, out.content_type);
    log(r.method, r.path, out.route, out.status, start, out.user);
  }

  // The day's work, when it is due, until the server stops. It looks again when the next thing is
  // due, and at least every minute (so a clock set forward or a resumed machine is noticed).
  void schedule() {
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
      lock.unlock();
      const Timestamp now = clock_.now();
      const Timestamp next = api_->tick(now);
      lock.lock();
      const auto wait = std::clamp<std::chrono::seconds>(next.seconds() - now.seconds(), std::chrono::seconds{1},
                                                         std::chrono::seconds{60});
      stop_wake_.wait_for(lock, wait, [this] { return stopping_; });
    }
  }

  // The web app's files, compiled in: any GET outside the API, /healthz and /metrics. Pages route
  // in the browser, so every other path gets index.html.
  bool serve_web_app(const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return false;
    if (req.path.starts_with("/api/") || req.path == "/healthz" || req.path == "/metrics") return false;
    const WebAsset* asset = find_web_asset(req.path);
    if (asset == nullptr) {
      res.status = 404;
      res.set_content("not found\n", "text/plain; charset=utf-8");
      return true;
    }
    res.status = 200;
    res.set_header("Cache-Control",
                   web_asset_is_immutable(asset->path) ? "public, max-age=31536000, immutable" : "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "same-origin");
    // Only the app's own files; Chart.js sets the canvas's size through inline styles.
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.set_content(std::string(asset->bytes), std::string(web_content_type(asset->path)));
    return true;
  }

  void log(const std::string& method, const std::string& path, const std::string& route, int status,
           std::chrono::steady_clock::time_point start, const std::string& user) {
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    api_->metrics().observe(method, route, status, took);
    if (log_ != nullptr) {
      std::fprintf(log_, "method=%s path=%s status=%d duration_us=%lld user=%s\n", method.c_str(),
                   loggable(path).c_str(), status, static_cast<long long>(took.count()), user.c_str());
      std::fflush(log_);
    }
  }

  std::unique_ptr<Api> api_;
  std::FILE* log_;
  const Clock& clock_;
  const bool scheduled_work_;
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
  httplib::Server http_;
  int port_ = -1;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::open(const ServerOptions& options, const Clock& clock) {
  auto store = open_database(options.db, clock, OpenMode::kMustExist);
  if (!store) return store.status();
  auto api = std::make_unique<Api>(std::move(*store), options, clock);
  auto http = std::make_unique<HttpServer>(std::move(api), options.log, clock, options.scheduled_work);
  if (Status s = http->bind(options.host, options.port); !s.is_ok()) return s;
  return std::unique_ptr<Server>(std::move(http));
}

}  // namespace squeaky
