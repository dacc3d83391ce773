// Opening the ledger's database. The location names the store: a postgresql:// or postgres://
// URL is a database on a PostgreSQL server, anything else the path of an SQLite database (the
// embedded default). The front ends never name a store. Thread-safe; the store it returns is not.
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

// Whether `location` names a database on a server (a PostgreSQL URL) rather than a file.
bool is_server_database(const std::string& location);

// How to name the database in messages: the path, or the URL without its password.
std::string database_display_name(const std::string& location);

}  // namespace squeaky
