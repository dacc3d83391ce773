// Small helpers over SQLite's C interface, shared by the SQLite store's source files. Internal to
// the store layer. Not thread-safe, like the connection they wrap.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace squeaky::sqlite {

// A prepared statement, reset after each use.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  Status prepare(sqlite3* db, const char* sql) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
      return Status::io_error(std::string("SQLite could not prepare a statement: ") + sqlite3_errmsg(db));
    }
    return Status::ok();
  }
  Statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  Statement& bind_blob(int i, std::string_view bytes) {
    sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string_view text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string_view{}
                        : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string_view blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p == nullptr ? std::string_view{}
                        : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets the statement when the scope ends, whatever path it takes.
class Use {
 public:
  explicit Use(Statement& s) : s_(s) {}
  ~Use() { s_.reset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  Statement* operator->() { return &s_; }

 private:
  Statement& s_;
};

inline Date stored_date(std::string_view text) {
  auto d = Date::parse(text);
  return d ? *d : Date{};
}

inline Currency stored_currency(std::string_view code) {
  auto c = Currency::from_code(code);
  return c ? *c : Currency{};
}

// Lets a map keyed by std::string be searched with a std::string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Runs SQL without results; the error names what failed.
inline Status exec(sqlite3* db, const char* statement) {
  char* message = nullptr;
  if (sqlite3_exec(db, statement, nullptr, nullptr, &message) != SQLITE_OK) {
    Status s = Status::io_error(std::string("SQLite: ") + (message ? message : "unknown error"));
    sqlite3_free(message);
    return s;
  }
  return Status::ok();
}

inline Status error(sqlite3* db, std::string_view what) {
  return Status::io_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace squeaky::sqlite
