#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "channels/transport.h"

namespace squeaky {
namespace {

constexpr size_t kMaxStem = 200;

std::string errno_text(int error) { return std::strerror(error); }

SendResult temporary(std::string detail) { return {SendResult::Kind::kTemporary, 0, std::move(detail)}; }

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The unfolded value of the first Message-ID header in the header section, or "" when there is none.
std::string message_id_of(std::string_view message) {
  const size_t end_of_headers = message.find("\r\n\r\n");
  std::string_view headers =
      message.substr(0, end_of_headers == std::string_view::npos ? message.size() : end_of_headers + 2);
  constexpr std::string_view kName = "message-id:";
  size_t start = 0;
  while (start < headers.size()) {
    size_t end = headers.find("\r\n", start);
    if (end == std::string_view::npos) end = headers.size();
    const std::string_view line = headers.substr(start, end - start);
    bool match = line.size() >= kName.size();
    for (size_t i = 0; match && i < kName.size(); ++i) match = lower(line[i]) == kName[i];
    if (match) {
      std::string value(line.substr(kName.size()));
      // Continuation lines start with white space.
      size_t next = end + 2;
      while (next < headers.size() && (headers[next] == ' ' || headers[next] == '\t')) {
        size_t next_end = headers.find("\r\n", next);
        if (next_end == std::string_view::npos) next_end = headers.size();
        value += headers.substr(next, next_end - next);
        next = next_end + 2;
      }
      const size_t first = value.find_first_not_of(" \t");
      if (first == std::string::npos) return "";
      return value.substr(first, value.find_last_not_of(" \t") + 1 - first);
    }
    start = end + 2;
  }
  return "";
}

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

FileTransport::FileTransport(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::string FileTransport::file_name_for(std::string_view name) {
  if (name.size() >= 2 && name.front() == '<' && name.back() == '>') name = name.substr(1, name.size() - 2);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string stem;
  for (size_t i = 0; i < name.size(); ++i) {
    const char ch = name[i];
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      (ch == '.' && i != 0) || ch == '_' || ch == '@' || ch == '+' || ch == '-';
    if (keep) {
      stem += ch;
    } else {
      stem += '%';
      stem += kHex[c >> 4];
      stem += kHex[c & 0xf];
    }
  }
  if (stem.size() > kMaxStem) {
    // Too long for a file name: keep the start and add a hash of the whole name.
    char hash[18];
    std::snprintf(hash, sizeof hash, "~%016llx", static_cast<unsigned long long>(fnv1a64(name)));
    stem.resize(kMaxStem - 17);
    // Do not cut a %XX in two.
    if (const size_t percent = stem.find('%', stem.size() - 2); percent != std::string::npos) stem.resize(percent);
    stem += hash;
  }
  return stem + ".eml";
}

SendResult FileTransport::send(const Envelope& /*envelope*/, std::string_view message_bytes) {
  const std::string id = message_id_of(message_bytes);
  if (id.empty()) return {SendResult::Kind::kPermanent, 0, "the message has no Message-ID header to name its file"};
  return write(id, message_bytes);
}

SendResult FileTransport::write(std::string_view name, std::string_view message_bytes) {
  if (name.empty()) return {SendResult::Kind::kPermanent, 0, "the file name is empty"};
  const std::filesystem::path target = dir_ / file_name_for(name);
  const std::string target_text = target.string();
  if (::access(target_text.c_str(), F_OK) == 0) return {SendResult::Kind::kSent, 0, "already written"};

  // A temporary name no other writer (thread or process) uses; hidden, so readers of the folder
  // that look for *.eml never see a half-written file.
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path temp = dir_ / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()) +
                                             "." + std::to_string(++counter));
  const std::string temp_text = temp.string();
  const int fd = ::open(temp_text.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return temporary("cannot create " + temp_text + ": " + errno_text(errno));
  if (!write_all(fd, message_bytes) || ::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp_text.c_str());
    return temporary("cannot write " + temp_text + ": " + errno_text(error));
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp_text.c_str());
    return temporary("cannot write " + temp_text + ": " + errno_text(error));
  }
  // link() fails when the name exists, which rename() would silently replace: two writers of the
  // same message leave one file, complete either way.
  if (::link(temp_text.c_str(), target_text.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp_text.c_str());
    if (error == EEXIST) return {SendResult::Kind::kSent, 0, "already written"};
    return temporary("cannot create " + target_text + ": " + errno_text(error));
  }
  ::unlink(temp_text.c_str());
  // The new name is durable only once the folder is synced.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return temporary("cannot open the folder " + dir_.string() + ": " + errno_text(errno));
  const int synced = ::fsync(dir_fd) == 0 ? 0 : errno;
  ::close(dir_fd);
  if (synced != 0) return temporary("cannot sync the folder " + dir_.string() + ": " + errno_text(synced));
  return {SendResult::Kind::kSent, 0, target_text};
}

}  // namespace squeaky
