#include "app/database.h"

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace squeaky {

Result<std::unique_ptr<Store>> open_database(const std::string& location, const Clock& clock, OpenMode mode) {
  if (is_postgres_url(location)) return open_postgres_store(location, clock, mode);
  return open_sqlite_store(location, clock, mode);
}

int database_schema_version() { return sqlite_schema_version(); }

}  // namespace squeaky
