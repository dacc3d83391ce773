#include "app/database.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace squeaky {

Result<std::unique_ptr<Store>> open_database(const std::string& location, const Clock& clock, OpenMode mode) {
  if (is_postgres_url(location)) return open_postgres_store(location, clock, mode);
  return open_sqlite_store(location, clock, mode);
}

int database_schema_version() { return sqlite_schema_version(); }

bool is_server_database(const std::string& location) { return is_postgres_url(location); }

std::string database_display_name(const std::string& location) {
  return is_postgres_url(location) ? redacted_postgres_url(location) : location;
}

}  // namespace squeaky
