// A real SMTP server for a test: starts tests/support/smtp_server.py (Debian's aiosmtpd, run by
// /usr/bin/python3) on a free port of 127.0.0.1, and stops it when the object goes away. Messages
// it receives land in dir() as NNNN.eml and NNNN.envelope (see the script for the modes and the
// file format). Only the process this object started is ever signalled. Test code only; one object
// per thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace squeaky::testing {

// A port on 127.0.0.1 that nothing listens on (bound, read, released); -1 if none could be had.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  return bound ? ntohs(addr.sin_port) : -1;
}

class SmtpServer {
 public:
  // mode: accept | tempfail | reject | hang-after-data | close-after-data. options: more flags of
  // the script ({"--auth", "user:password"}, {"--tls-cert", CERT, "--tls-key", KEY}...). Throws
  // std::runtime_error when the server does not come up.
  SmtpServer(std::filesystem::path dir, std::string mode, std::vector<std::string> options = {})
      : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    int out[2];
    int in[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {"/usr/bin/python3", "-I", script().string(), "--port", "0", "--dir", dir_.string(),
                                     "--mode",           mode, "--exit-on-eof"};
    args.insert(args.end(), options.begin(), options.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];  // the server exits when this closes, even if this process dies first
    if (rc != 0) {
      ::close(out[0]);
      pid_ = -1;
      throw std::runtime_error("cannot start /usr/bin/python3");
    }
    port_ = wait_for_ready(out[0]);
    ::close(out[0]);
    if (port_ == 0) {
      stop();
      throw std::runtime_error("the SMTP test server did not print 'ready PORT' within 20 seconds");
    }
  }

  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;
  ~SmtpServer() { stop(); }

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }

  // The NNNN.eml files received so far, oldest first.
  std::vector<std::filesystem::path> messages() const {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path().extension() == ".eml") found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  // Waits up to `timeout` for message number `n` (1-based) and returns its bytes.
  std::optional<std::string> wait_for_message(int n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    char stem[16];
    std::snprintf(stem, sizeof stem, "%04d", n);
    const auto path = dir_ / (std::string(stem) + ".eml");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!std::filesystem::exists(path)) {
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return read_file(path);
  }

  static std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }

  void stop() {
    if (stdin_ >= 0) {
      ::close(stdin_);
      stdin_ = -1;
    }
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  static std::filesystem::path script() {
    if (const char* path = std::getenv("SQUEAKY_SMTP_SERVER_SCRIPT")) return path;
    return std::filesystem::path(__FILE__).parent_path() / "smtp_server.py";
  }

  // Reads the server's stdout until "ready PORT\n"; 0 on timeout or early exit.
  static int wait_for_ready(int fd) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return 0;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[64];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return 0;
      line.append(buf, static_cast<size_t>(n));
      const size_t eol = line.find('\n');
      if (eol == std::string::npos) continue;
      if (line.rfind("ready ", 0) != 0) return 0;
      return std::atoi(line.c_str() + 6);
    }
  }

  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace squeaky::testing
