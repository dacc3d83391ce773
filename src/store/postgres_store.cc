#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <utility>
#include <vector>

#include "sql.h"
#include "sql_store.h"

namespace squeaky {
namespace {

// The advisory lock every squeaky writer takes for the length of its transaction: "squeaky" in
// ASCII, so that it is easy to tell apart in pg_locks from other programs' locks.
constexpr const char* kTakeWriterLock = "SELECT pg_advisory_xact_lock(32487744205862265)";

constexpr Oid kTextOid = 25;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// libpq's message without its trailing newline.
std::string message_of(std::string_view m) {
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.remove_suffix(1);
  return std::string(m);
}

// The store's SQL numbers parameters ?1, ?2, ...; PostgreSQL wants $1, $2, .... Parameters are
// only ever written outside quoted literals. Sets `used[n - 1]` for every parameter n written.
std::string numbered_parameters(std::string_view text, std::vector<bool>& used) {
  std::string out;
  out.reserve(text.size());
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') quoted = !quoted;
    if (c != '?' || quoted || i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      out += c;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    int n = 0;
    std::from_chars(text.data() + i + 1, text.data() + end, n);
    if (static_cast<size_t>(n) > used.size()) used.resize(static_cast<size_t>(n), false);
    used[static_cast<size_t>(n) - 1] = true;
    out += '$';
    out.append(text.substr(i + 1, end - i - 1));
    i = end - 1;
  }
  return out;
}

// Replaces the upper-case word `word` (not part of a longer name) by `by`.
std::string replace_word(std::string text, std::string_view word, std::string_view by) {
  const auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at)) {
    const bool starts = at == 0 || !is_name(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !is_name(text[at + word.size()]);
    if (starts && ends) {
      text.replace(at, word.size(), by);
      at += by.size();
    } else {
      at += word.size();
    }
  }
  return text;
}

class PostgresConnection;

class PostgresStatement final : public sql::StatementImpl {
 public:
  // `scan`: the rows come one at a time (libpq's single-row mode); see Connection::prepare_scan.
  PostgresStatement(PostgresConnection& db, std::string text, const std::vector<bool>& used, std::string name,
                    bool scan = false)
      : db_(db), text_(std::move(text)), name_(std::move(name)), scan_(scan) {
    for (bool u : used) types_.push_back(u ? 0 : kTextOid);  // an unused one still needs a type
    values_.resize(types_.size());
    null_.assign(types_.size(), true);
    formats_.assign(types_.size(), 0);
  }

  void bind(int i, std::string_view text) override { set(i, text, 0); }
  void bind(int i, int64_t value) override { set(i, std::to_string(value), 0); }
  void bind_blob(int i, std::string_view bytes) override { set(i, bytes, 1); }
  void bind_null(int i) override {
    if (i >= 1 && static_cast<size_t>(i) <= null_.size()) null_[static_cast<size_t>(i) - 1] = true;
  }
  ~PostgresStatement() override { finish_scan(); }
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;

  int step() override;
  void reset() override {
    finish_scan();
    result_.reset();
    row_ = -1;
    rows_ = 0;
    null_.assign(null_.size(), true);
  }
  std::string_view text(int col) const override {
    return {PQgetvalue(result_.get(), row_, col), static_cast<size_t>(PQgetlength(result_.get(), row_, col))};
  }
  int64_t integer(int col) const override {
    const std::string_view t = text(col);
    int64_t value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
  }
  // bytea comes back in its hex text form, \x0a1b...
  std::string_view blob(int col) const override {
    std::string_view t = text(col);
    blob_.clear();
    if (t.substr(0, 2) != "\\x") return blob_;
    t.remove_prefix(2);
    blob_.reserve(t.size() / 2);
    for (size_t i = 0; i + 1 < t.size(); i += 2) {
      unsigned byte = 0;
      std::from_chars(t.data() + i, t.data() + i + 2, byte, 16);
      blob_ += static_cast<char>(byte);
    }
    return blob_;
  }

 private:
  void set(int i, std::string_view value, int format) {
    if (i < 1 || static_cast<size_t>(i) > values_.size()) return;  // not in the statement, as in SQLite
    const auto k = static_cast<size_t>(i) - 1;
    values_[k].assign(value);
    null_[k] = false;
    formats_[k] = format;
  }

  // The bound values as libpq takes them, valid while the statement's values are not changed.
  struct Parameters {
    std::vector<const char*> values;
    std::vector<int> lengths;
    int count = 0;
  };
  Parameters parameters() const {
    Parameters p{std::vector<const char*>(values_.size()), std::vector<int>(values_.size()),
                 static_cast<int>(values_.size())};
    for (size_t i = 0; i < values_.size(); ++i) {
      p.values[i] = null_[i] ? nullptr : values_[i].data();
      p.lengths[i] = static_cast<int>(values_[i].size());
    }
    return p;
  }
  int step_scan();
  // Reads and drops whatever is left of a scan's rows, so that the connection is free again.
  void finish_scan();

  PostgresConnection& db_;
  std::string text_;
  std::string name_;  // "" for a statement run once
  bool scan_;
  bool scanning_ = false;  // a scan was sent and its last result not yet read
  bool prepared_ = false;
  int generation_ = 0;  // the connection's session it was prepared in
  std::vector<Oid> types_;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
  PgResult result_;
  int row_ = -1;
  int rows_ = 0;
  mutable std::string blob_;
};

class PostgresConnection final : public sql::Connection {
 public:
  PostgresConnection(PGconn* conn, std::string description) : conn_(conn), description_(std::move(description)) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Result<std::unique_ptr<sql::StatementImpl>> prepare(std::string_view text, bool persistent) override {
    std::vector<bool> used;
    std::string converted = numbered_parameters(text, used);
    std::string name = persistent ? "squeaky_" + std::to_string(++statements_) : std::string();
    return std::unique_ptr<sql::StatementImpl>(
        std::make_unique<PostgresStatement>(*this, std::move(converted), used, std::move(name)));
  }

  Result<std::unique_ptr<sql::StatementImpl>> prepare_scan(std::string_view text) override {
    std::vector<bool> used;
    std::string converted = numbered_parameters(text, used);
    return std::unique_ptr<sql::StatementImpl>(
        std::make_unique<PostgresStatement>(*this, std::move(converted), used, std::string(), /*scan=*/true));
  }

  Status exec(const char* script) override {
    const std::string_view command(script);
    if (command == "COMMIT" || command == "ROLLBACK") in_transaction_ = false;
    PgResult r(PQexec(conn_, script));
    if (!succeeded(r.get())) return error("running SQL");
    // COMMIT of a transaction that failed earlier answers ROLLBACK rather than an error.
    if (std::string_view(script) == "COMMIT" && std::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
      return Status::io_error("committing: the transaction had failed and was rolled back (" + description_ + ")");
    }
    return Status::ok();
  }

  int64_t changes() const override { return changes_; }

  Status error(std::string_view what) const override {
    return Status::io_error(std::string(what) + ": " + last_error_ + " (" + description_ + ")");
  }

  Status begin_write() override {
    Status begun = exec("BEGIN");
    if (!begun.is_ok() && reconnect()) begun = exec("BEGIN");
    if (!begun.is_ok()) return begun;
    in_transaction_ = true;
    if (Status s = exec(kTakeWriterLock); !s.is_ok()) {
      (void)exec("ROLLBACK");
      return s;
    }
    return Status::ok();
  }

  // Integers are 64-bit, text compares byte by byte as in SQLite (whatever the database's own
  // collation), blobs are bytea, and every table has its primary key already.
  std::string schema_sql(std::string_view sqlite_sql) const override {
    std::string out = replace_word(std::string(sqlite_sql), "INTEGER", "BIGINT");
    out = replace_word(std::move(out), "TEXT", "TEXT COLLATE \"C\"");
    out = replace_word(std::move(out), "BLOB", "BYTEA");
    return replace_word(std::move(out), "WITHOUT ROWID", "");
  }

  // Whether `r` is a success; otherwise remembers libpq's message for error().
  bool succeeded(PGresult* r) {
    const ExecStatusType status = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* tuples = PQcmdTuples(r);
      if (tuples != nullptr && *tuples != '\0') changes_ = std::strtoll(tuples, nullptr, 10);
      return true;
    }
    last_error_ = message_of(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    if (last_error_.empty()) last_error_ = message_of(PQerrorMessage(conn_));
    return false;
  }

  // After a lost connection (the server restarted, the session was ended), connects again so that
  // a long-lived store (squeaky serve) carries on. Never inside a transaction: its work went with
  // the session, and the transaction fails. Returns whether it connected again.
  bool reconnect() {
    if (in_transaction_ || PQstatus(conn_) == CONNECTION_OK) return false;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    ++generation_;  // the session's prepared statements are gone
    return true;
  }
  int generation() const { return generation_; }

  PGconn* conn() { return conn_; }

 private:
  PGconn* conn_;
  std::string description_;  // "PostgreSQL database NAME on HOST:PORT"
  std::string last_error_;
  int64_t changes_ = 0;
  int statements_ = 0;
  bool in_transaction_ = false;  // between begin_write() and COMMIT or ROLLBACK
  int generation_ = 0;           // sessions so far, less one
};

int PostgresStatement::step_scan() {
  PGconn* conn = db_.conn();
  if (!scanning_) {
    if (row_ != -1) return sql::kDone;  // the scan was read to its end
    const Parameters p = parameters();
    for (int attempt = 0;; ++attempt) {
      if (PQsendQueryParams(conn, text_.c_str(), p.count, types_.data(), p.values.data(), p.lengths.data(),
                            formats_.data(), 0) == 1) {
        break;
      }
      (void)db_.succeeded(nullptr);  // remembers libpq's message
      if (attempt > 0 || !db_.reconnect()) return sql::kError;
      conn = db_.conn();
    }
    PQsetSingleRowMode(conn);
    scanning_ = true;
    row_ = 0;
  }
  result_.reset(PQgetResult(conn));
  const ExecStatusType status = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_SINGLE_TUPLE) {
    rows_ = 1;
    return sql::kRow;
  }
  rows_ = 0;
  const bool ended = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK;
  if (!ended) (void)db_.succeeded(result_.get());  // remembers the server's message
  result_.reset();
  finish_scan();
  return ended ? sql::kDone : sql::kError;
}

void PostgresStatement::finish_scan() {
  if (!scanning_) return;
  while (PGresult* r = PQgetResult(db_.conn())) PQclear(r);
  scanning_ = false;
}

int PostgresStatement::step() {
  if (scan_) return step_scan();
  if (!result_) {
    const Parameters p = parameters();
    for (int attempt = 0;; ++attempt) {
      if (prepared_ && generation_ != db_.generation()) prepared_ = false;
      if (!name_.empty() && !prepared_) {
        PgResult r(PQprepare(db_.conn(), name_.c_str(), text_.c_str(), p.count, types_.data()));
        if (db_.succeeded(r.get())) {
          prepared_ = true;
          generation_ = db_.generation();
        }
      }
      if (name_.empty() || prepared_) {
        result_.reset(name_.empty() ? PQexecParams(db_.conn(), text_.c_str(), p.count, types_.data(), p.values.data(),
                                                   p.lengths.data(), formats_.data(), 0)
                                    : PQexecPrepared(db_.conn(), name_.c_str(), p.count, p.values.data(),
                                                     p.lengths.data(), formats_.data(), 0));
        if (db_.succeeded(result_.get())) break;
        result_.reset();
      }
      if (attempt > 0 || !db_.reconnect()) return sql::kError;
    }
    rows_ = PQresultStatus(result_.get()) == PGRES_TUPLES_OK ? PQntuples(result_.get()) : 0;
  }
  if (row_ < rows_) ++row_;
  return row_ < rows_ ? sql::kRow : sql::kDone;
}

// "PostgreSQL database NAME on HOST:PORT", from what libpq made of the URL: no password.
std::string describe(PGconn* conn) {
  const char* db = PQdb(conn);
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  std::string out = "PostgreSQL database " + std::string(db != nullptr ? db : "?");
  if (host != nullptr && *host != '\0') out += " on " + std::string(host);
  if (port != nullptr && *port != '\0') out += ":" + std::string(port);
  return out;
}

// Notices ("relation already exists, skipping") are not for the user's terminal.
void ignore_notice(void*, const char*) {}

}  // namespace

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redacted_postgres_url(std::string_view url) {
  std::string out(url);
  // postgresql://user:secret@host/... -> postgresql://user@host/...
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = out.find_first_of("/?", start);
    const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at > start) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // ...?password=secret&... -> ...?password=***&...
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const size_t value = p + 9;
    const size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

namespace {

class PostgresSessionLock final : public PostgresLock {
 public:
  explicit PostgresSessionLock(PGconn* conn) : conn_(conn) {}
  ~PostgresSessionLock() override {
    // Let go of the lock and wait for the server to say so: ending the session alone lets it go
    // only once the server has noticed, so a dispatcher started right after this one could be
    // refused. Ending the session still lets it go if this fails.
    PgResult(PQexec(conn_, "SELECT pg_advisory_unlock_all()"));
    PQfinish(conn_);
  }
  PostgresSessionLock(const PostgresSessionLock&) = delete;
  PostgresSessionLock& operator=(const PostgresSessionLock&) = delete;

 private:
  PGconn* conn_;
};

}  // namespace

Result<std::unique_ptr<PostgresLock>> try_postgres_lock(const std::string& url, int64_t key) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn != nullptr ? message_of(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return Status::io_error("cannot open database " + redacted_postgres_url(url) + ": " + message);
  }
  auto lock = std::make_unique<PostgresSessionLock>(conn);
  const std::string key_text = std::to_string(key);
  const char* values[] = {key_text.c_str()};
  PgResult r(PQexecParams(conn, "SELECT pg_try_advisory_lock($1::bigint)", 1, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    return Status::io_error("taking a lock on " + redacted_postgres_url(url) + ": " +
                            message_of(PQresultErrorMessage(r.get())));
  }
  if (std::string_view(PQgetvalue(r.get(), 0, 0)) != "t") {
    return Status::conflict("the lock is held by another session on " + redacted_postgres_url(url));
  }
  return std::unique_ptr<PostgresLock>(std::move(lock));
}

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const Clock& clock, OpenMode mode) {
  // The encoding goes with the connection's parameters, so that a reconnection keeps it.
  const char* const keywords[] = {"dbname", "client_encoding", nullptr};
  const char* const values[] = {url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr)
    return Status::io_error("cannot open database " + redacted_postgres_url(url) + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = message_of(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::io_error("cannot open database " + redacted_postgres_url(url) + ": " + message);
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  auto connection = std::make_unique<PostgresConnection>(conn, describe(conn));
  if (mode == OpenMode::kMustExist) {
    PgResult r(PQexec(conn, "SELECT to_regclass('schema_migrations') IS NULL"));
    if (!connection->succeeded(r.get())) return connection->error("cannot open database " + redacted_postgres_url(url));
    if (PQntuples(r.get()) == 1 && std::string_view(PQgetvalue(r.get(), 0, 0)) == "t") {
      return Status::not_found("no squeaky ledger in " + redacted_postgres_url(url) +
                               " (create one with 'squeaky init' or 'squeaky import')");
    }
  }
  return sql::open_store(std::move(connection), clock);
}

}  // namespace squeaky
