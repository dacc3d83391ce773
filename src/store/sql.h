// The small part of a SQL database the store needs, behind one interface: a connection that
// prepares statements with numbered parameters (?1, ?2, ...), runs scripts, says how many rows
// the last statement changed, and takes the single writer lock. SQLite (sqlite_store.cc) and
// PostgreSQL (postgres_store.cc) implement it; everything above it (sql_store.cc and the table
// files) is written once, so the two stores keep the same rows, the same journal and the same
// ids. Internal to the store layer. Not thread-safe, like the connections they wrap.
//
// The SQL the store writes is the common subset of both dialects: numbered parameters, ON CONFLICT,
// RETURNING, no booleans in results. Generated ids are chosen by the statement itself as
// MAX(id) + 1 under the writer lock, which is what SQLite's rowid does, so both stores number the
// same records the same way, even after a rolled back transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"

namespace squeaky::sql {

// What Statement::step returns besides an error.
inline constexpr int kRow = 100;
inline constexpr int kDone = 101;
inline constexpr int kError = 1;

// A prepared statement of one connection. Parameters are numbered from 1, columns from 0.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind(int i, std::string_view text) = 0;
  virtual void bind(int i, int64_t value) = 0;
  virtual void bind_blob(int i, std::string_view bytes) = 0;
  virtual void bind_null(int i) = 0;
  // kRow, kDone or kError (the connection's error() then says what went wrong).
  virtual int step() = 0;
  // Forgets the results and the bound values; the statement can run again.
  virtual void reset() = 0;
  // The current row's columns; a NULL reads as "" or 0. Valid until the next step or reset.
  virtual std::string_view text(int col) const = 0;
  virtual int64_t integer(int col) const = 0;
  virtual std::string_view blob(int col) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // `persistent`: the statement is kept and run many times (the database may plan it once).
  virtual Result<std::unique_ptr<StatementImpl>> prepare(std::string_view sql, bool persistent) = 0;
  // A statement run once whose rows are read in order and let go one at a time, so that a table of
  // millions never sits in memory whole: PostgreSQL sends such rows one by one instead of the
  // whole result before the first (SQLite reads every statement so). Until its last row has been
  // read, or it is reset or destroyed, nothing else may run on the connection.
  virtual Result<std::unique_ptr<StatementImpl>> prepare_scan(std::string_view sql) { return prepare(sql, false); }
  // Runs SQL without parameters or results; several statements may be separated by ';'.
  virtual Status exec(const char* script) = 0;
  // The rows the last INSERT, UPDATE or DELETE changed.
  virtual int64_t changes() const = 0;
  // A failure of the last statement: "<what>: <the database's message>".
  virtual Status error(std::string_view what) const = 0;
  // Begins a transaction holding the database's single writer lock until COMMIT or ROLLBACK, so
  // that writers, in this process or another, run one after the other.
  virtual Status begin_write() = 0;
  // A schema migration, written in SQLite's words, in this database's dialect.
  virtual std::string schema_sql(std::string_view sqlite_sql) const = 0;
  // A second connection to the same database, for reading committed data in whole-table scans
  // (on another thread, or beside this one), with a page cache sized for a scan rather than for
  // writes; nothing when the database offers none (the caller then reads on this one).
  virtual std::unique_ptr<Connection> reader() const { return nullptr; }
};

// A statement, prepared on a connection, that can be run again after reset().
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status prepare(Connection* db, const char* text, bool persistent = false) {
    return take(db->prepare(text, persistent));
  }
  // See Connection::prepare_scan.
  Status prepare_scan(Connection* db, const char* text) { return take(db->prepare_scan(text)); }
  Statement& bind(int i, std::string_view text) {
    impl_->bind(i, text);
    return *this;
  }
  Statement& bind(int i, int64_t value) {
    impl_->bind(i, value);
    return *this;
  }
  Statement& bind_blob(int i, std::string_view bytes) {
    impl_->bind_blob(i, bytes);
    return *this;
  }
  Statement& bind_null(int i) {
    impl_->bind_null(i);
    return *this;
  }
  int step() { return impl_->step(); }
  void reset() { impl_->reset(); }
  std::string_view text(int col) const { return impl_->text(col); }
  int64_t integer(int col) const { return impl_->integer(col); }
  std::string_view blob(int col) const { return impl_->blob(col); }

 private:
  Status take(Result<std::unique_ptr<StatementImpl>> impl) {
    if (!impl) return impl.status();
    impl_ = std::move(*impl);
    return Status::ok();
  }

  std::unique_ptr<StatementImpl> impl_;
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

inline Status exec(Connection* db, const char* statement) { return db->exec(statement); }

inline Status error(Connection* db, std::string_view what) { return db->error(what); }

}  // namespace squeaky::sql
