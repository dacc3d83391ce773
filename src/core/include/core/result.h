// Status and Result<T>: how expected failures travel through squeaky.
//
// Every fallible call returns a [[nodiscard]] Status or Result<T>; exceptions are kept for bugs
// and fatal states. Messages are written for the person who will read them: they name the file,
// line, field and value where those are known. Codes are turned into exit codes or HTTP statuses
// only at the edge (cli, server). Values of these types are not thread-safe to share mutably, as
// any value type.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace squeaky {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // the input is wrong: a bad field, an unknown id, a bad flag
  kNotFound,         // a named thing does not exist
  kConflict,         // the input contradicts what is stored
  kCorruption,       // stored data is damaged or was altered
  kIOError,          // the operating system or the database failed
  kOverflow,         // an amount does not fit in 64 bits of minor units
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
  static Status conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
  static Status corruption(std::string m) { return {ErrorCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {ErrorCode::kIOError, std::move(m)}; }
  static Status overflow(std::string m) { return {ErrorCode::kOverflow, std::move(m)}; }

  bool is_ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Result<T> holds either a T or a failed Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).is_ok() && "a Result built from a Status must be an error");
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }

  // REQUIRES: is_ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !is_ok()
  const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace squeaky
