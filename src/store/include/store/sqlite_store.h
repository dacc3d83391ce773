// The SQLite store: the embedded default, one file on disk in WAL mode.
//
// Opening applies any pending schema migrations in one transaction. Writes take SQLite's write
// lock for the whole StoreTransaction (BEGIN IMMEDIATE), so two processes never interleave
// journal entries. The tables, the journal and the ids are the PostgreSQL store's
// (postgres_store.h): both are one implementation over two connections. Not thread-safe: one
// store per thread.
#pragma once

#include <memory>
#include <string>

#include "core/date.h"
#include "store/store.h"

namespace squeaky {

// Opens (or, with kCreateIfMissing, creates) the database at `path`. `clock` stamps journal
// entries and must outlive the store.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const Clock& clock, OpenMode mode);

// The schema version this build writes and understands.
int sqlite_schema_version();

}  // namespace squeaky
