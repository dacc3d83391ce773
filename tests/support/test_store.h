// Stores for tests, on either database: an SQLite file in the test's scratch directory, or a fresh
// database on the PostgreSQL test server that ctest starts (tests/support/postgres_cluster.sh,
// the `postgres` fixture in tests/CMakeLists.txt).
//
// The server is named by $SQUEAKY_TEST_POSTGRES (a maintenance URL such as
// postgresql://postgres@127.0.0.1:5432/postgres) or else by the file the build names in
// SQUEAKY_TEST_POSTGRES_FILE, where the fixture's postgres_cluster.sh writes it. open_test_store() opens the database
// $SQUEAKY_TEST_STORE names ("sqlite", the default, or "postgres"), so that one test body runs against both. Test code
// only; not thread-safe.
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace squeaky::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string backend_name(Backend b) { return b == Backend::kSqlite ? "Sqlite" : "Postgres"; }

// The maintenance URL of the PostgreSQL test server, or "" when there is none.
inline std::string postgres_server_url() {
  if (const char* url = std::getenv("SQUEAKY_TEST_POSTGRES"); url != nullptr && *url != '\0') return url;
#ifdef SQUEAKY_TEST_POSTGRES_FILE
  std::ifstream in(SQUEAKY_TEST_POSTGRES_FILE);
  std::string url;
  std::getline(in, url);
  return url;
#else
  return {};
#endif
}

// The database the app tests run against.
inline Backend backend_from_env() {
  const char* store = std::getenv("SQUEAKY_TEST_STORE");
  return store != nullptr && std::string_view(store) == "postgres" ? Backend::kPostgres : Backend::kSqlite;
}

// Runs SQL (no parameters) on the PostgreSQL database at `url`, as a test's setup or as someone
// tampering with the database would.
inline Status postgres_exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  Status status = Status::ok();
  if (PQstatus(conn) != CONNECTION_OK) {
    status = Status::io_error("cannot connect to " + url + ": " + PQerrorMessage(conn));
  } else {
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType rc = PQresultStatus(r);
    if (rc != PGRES_COMMAND_OK && rc != PGRES_TUPLES_OK) {
      status = Status::io_error(sql + ": " + PQresultErrorMessage(r));
    }
    PQclear(r);
  }
  PQfinish(conn);
  return status;
}

// The URL of database `name` on the server at `server_url` (which names some other database).
inline std::string postgres_database_url(const std::string& server_url, const std::string& name) {
  const size_t scheme = server_url.find("://");
  const size_t slash = server_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = server_url.find('?');
  std::string out = server_url.substr(0, slash == std::string::npos ? server_url.find('?') : slash);
  out += "/" + name;
  if (query != std::string::npos) out += server_url.substr(query);
  return out;
}

// A database name for `key` (a test's name, a path): readable, unique, and short enough for
// PostgreSQL's 63-byte names.
inline std::string postgres_database_name(std::string_view key) {
  std::string readable;
  for (char c : key.substr(key.size() > 40 ? key.size() - 40 : 0)) {
    readable += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016zx", std::hash<std::string_view>{}(key));
  return "t_" + readable + "_" + std::string(hash, 8);
}

// Makes an empty database for `key` on the test server, dropping one left by an earlier run,
// and returns its URL.
inline Result<std::string> fresh_postgres_database(std::string_view key) {
  const std::string server = postgres_server_url();
  if (server.empty()) {
    return Status::not_found(
        "no PostgreSQL test server: set SQUEAKY_TEST_POSTGRES, or run the tests through ctest, which starts one");
  }
  const std::string name = postgres_database_name(key);
  if (Status s = postgres_exec(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); !s.is_ok()) return s;
  if (Status s = postgres_exec(server, "CREATE DATABASE " + name); !s.is_ok()) return s;
  return postgres_database_url(server, name);
}

// Where open_test_store() keeps the ledger for `path`: the path itself for SQLite, the URL of a
// database named after it for PostgreSQL (made empty the first time this process asks).
inline Result<std::string> test_store_location(const std::filesystem::path& path) {
  if (backend_from_env() == Backend::kSqlite) return path.string();
  static std::set<std::string> made;
  const std::string key = path.string();
  if (made.contains(key)) {
    return postgres_database_url(postgres_server_url(), postgres_database_name(key));
  }
  auto url = fresh_postgres_database(key);
  if (url) made.insert(key);
  return url;
}

// Opens the ledger for `path` on the database $SQUEAKY_TEST_STORE names.
inline Result<std::unique_ptr<Store>> open_test_store(const std::filesystem::path& path, const Clock& clock,
                                                      OpenMode mode) {
  auto location = test_store_location(path);
  if (!location) return location.status();
  if (backend_from_env() == Backend::kSqlite) return open_sqlite_store(*location, clock, mode);
  return open_postgres_store(*location, clock, mode);
}

// Runs SQL straight on an SQLite file, as someone tampering with it would.
inline Status sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::io_error("cannot open " + path);
  }
  char* error = nullptr;
  Status status = Status::ok();
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    status = Status::io_error(sql + ": " + (error ? error : ""));
  }
  sqlite3_free(error);
  sqlite3_close(db);
  return status;
}

}  // namespace squeaky::testing
