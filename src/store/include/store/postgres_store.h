// The PostgreSQL store: the ledger on a shared PostgreSQL server, for several machines or
// processes at once. The same tables, journal and ids as the SQLite store (sqlite_store.h): both
// are one implementation over two connections, so `squeaky verify` reads either the same way and
// the same changes at the same clock give the same journal hashes.
//
// Opening applies any pending schema migrations in one transaction. Every StoreTransaction holds
// a transaction-level advisory lock (the same key for every squeaky process on the database), the
// counterpart of SQLite's BEGIN IMMEDIATE: writers run one after the other and the journal stays
// one unbroken chain. Readers do not wait. Not thread-safe: one PostgresStore per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/date.h"
#include "store/store.h"

namespace squeaky {

// Whether `location` names a PostgreSQL database: a postgresql:// or postgres:// URL.
bool is_postgres_url(std::string_view location);

// Connects to the database `url` names (libpq's URL form: postgresql://USER@HOST:PORT/DATABASE?...)
// and opens the store in it. With kMustExist the database must already hold squeaky's tables;
// with kCreateIfMissing they are created (the database itself must exist). `clock` stamps journal
// entries and must outlive the store. Errors name the database without its password.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const Clock& clock, OpenMode mode);

// `url` with any password taken out, fit for messages and logs.
std::string redacted_postgres_url(std::string_view url);

// A lock on a whole PostgreSQL database, shared by every process and machine that uses it, held
// while the object lives (a session advisory lock, on a connection of its own): what a lock file
// beside an SQLite database is. Not thread-safe.
class PostgresLock {
 public:
  virtual ~PostgresLock() = default;
};

// Takes the lock `key` on the database `url` if no other session holds it; kConflict if one does.
Result<std::unique_ptr<PostgresLock>> try_postgres_lock(const std::string& url, int64_t key);

}  // namespace squeaky
