// Opening the ledger's database. The location names the store: a file path is an SQLite
// database (the embedded default); other stores (a PostgreSQL server) will be chosen here by
// their URL, so that the front ends never name a store. Thread-safe; the store it returns is not.
#pragma once

#include <memory>
#include <string>

#include "core/date.h"
#include "core/result.h"
#include "store/store.h"

namespace squeaky {

Result<std::unique_ptr<Store>> open_database(const std::string& location, const Clock& clock, OpenMode mode);

// The schema version this build of squeaky writes.
int database_schema_version();

}  // namespace squeaky
