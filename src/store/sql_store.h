// The Store written once over a sql::Connection (sql.h): the ledger tables, the journal and its
// head, the schema migrations. sqlite_store.cc and postgres_store.cc open a connection of their
// database and hand it over here. Internal to the store layer; the store it returns is not
// thread-safe.
#pragma once

#include <memory>

#include "core/date.h"
#include "core/result.h"
#include "sql.h"
#include "store/store.h"

namespace squeaky::sql {

// Applies the pending schema migrations in one write transaction, refusing a schema newer than
// this build's, and returns the store. `clock` stamps journal entries and must outlive the store.
Result<std::unique_ptr<Store>> open_store(std::unique_ptr<Connection> connection, const Clock& clock);

// The schema version this build writes and understands, whatever the database.
int schema_version();

}  // namespace squeaky::sql
