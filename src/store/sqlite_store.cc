#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <charconv>
#include <utility>

#include "sql.h"
#include "sql_store.h"

namespace squeaky {
namespace {

// A prepared SQLite statement. SQLite numbers parameters ?1, ?2, ... itself.
class SqliteStatement final : public sql::StatementImpl {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind(int i, std::string_view text) override {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t value) override { sqlite3_bind_int64(stmt_, i, value); }
  void bind_blob(int i, std::string_view bytes) override {
    sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  }
  void bind_null(int i) override { sqlite3_bind_null(stmt_, i); }
  int step() override {
    const int rc = sqlite3_step(stmt_);
    return rc == SQLITE_ROW ? sql::kRow : rc == SQLITE_DONE ? sql::kDone : sql::kError;
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string_view text(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p == nullptr ? std::string_view{}
                        : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t integer(int col) const override { return sqlite3_column_int64(stmt_, col); }
  std::string_view blob(int col) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p == nullptr ? std::string_view{}
                        : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  sqlite3_stmt* stmt_;
};

// How long a connection waits for another's lock, and the page cache each keeps.
constexpr int kBusyTimeoutMs = 10000;
constexpr const char* kCacheSize = "PRAGMA cache_size = -65536";  // 64 MiB
// A reader (Connection::reader) scans whole tables once: a page it has read is not wanted again,
// and a large cache would only fill memory the kernel must first zero.
constexpr const char* kScanCacheSize = "PRAGMA cache_size = -1024";  // 1 MiB

class SqliteConnection final : public sql::Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<std::unique_ptr<sql::StatementImpl>> prepare(std::string_view text, bool persistent) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()), persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                           &stmt, nullptr) != SQLITE_OK) {
      return Status::io_error(std::string("SQLite could not prepare a statement: ") + sqlite3_errmsg(db_));
    }
    return std::unique_ptr<sql::StatementImpl>(std::make_unique<SqliteStatement>(stmt));
  }
  Status exec(const char* script) override {
    char* message = nullptr;
    if (sqlite3_exec(db_, script, nullptr, nullptr, &message) != SQLITE_OK) {
      Status s = Status::io_error(std::string("SQLite: ") + (message ? message : "unknown error"));
      sqlite3_free(message);
      return s;
    }
    return Status::ok();
  }
  int64_t changes() const override { return sqlite3_changes(db_); }
  Status error(std::string_view what) const override {
    return Status::io_error(std::string(what) + ": " + sqlite3_errmsg(db_));
  }
  // SQLite's write lock, taken at once rather than at the first write.
  Status begin_write() override { return exec("BEGIN IMMEDIATE"); }
  std::string schema_sql(std::string_view sqlite_sql) const override { return std::string(sqlite_sql); }
  // WAL lets another connection read beside this one. None inside a transaction, whose changes
  // only this connection sees, nor for a database without a file.
  std::unique_ptr<sql::Connection> reader() const override {
    const char* file = sqlite3_db_filename(db_, "main");
    if (sqlite3_get_autocommit(db_) == 0 || file == nullptr || *file == '\0') return nullptr;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(db);
      return nullptr;
    }
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    auto connection = std::make_unique<SqliteConnection>(db);
    if (!connection->exec(kScanCacheSize).is_ok()) return nullptr;
    return connection;
  }

 private:
  sqlite3* db_;
};

}  // namespace

int sqlite_schema_version() { return sql::schema_version(); }

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const Clock& clock, OpenMode mode) {
  struct stat st {};
  if (mode == OpenMode::kMustExist && ::stat(path.c_str(), &st) != 0) {
    return Status::not_found("no database at " + path + " (create one with 'squeaky init' or 'squeaky import')");
  }
  // SQLite counts every allocation it makes under a process-wide mutex unless told not to: ~7% of
  // an import. Nothing here asks for its memory statistics. Must come before SQLite initializes;
  // if it already has, the call is refused and nothing changes.
  static const int memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memory_statistics_off;
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::io_error("cannot open database " + path + ": " + message);
  }
  auto connection = std::make_unique<SqliteConnection>(db);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  // WAL lets readers work while a run writes; FULL makes every commit durable before it returns.
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", kCacheSize, "PRAGMA temp_store = MEMORY"}) {
    if (Status s = connection->exec(pragma); !s.is_ok()) {
      return Status::io_error("cannot open database " + path + ": " + s.message());
    }
  }
  return sql::open_store(std::move(connection), clock);
}

}  // namespace squeaky
