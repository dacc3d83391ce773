// The outbox and the opt-outs (migration 3): letters and emails on their way, with the exact bytes
// that went out, and the channels debtors asked not to be contacted through. Used by sql_store.cc
// only; not thread-safe (one per connection).
//
// An item moves only by a conditional UPDATE ... WHERE status = <expected>, run under the writer
// lock and checked by the rows it changed: of two dispatchers (threads, processes or machines on
// one PostgreSQL database) that claim the same queued item, one moves it and the other gets
// kConflict, so no item is sent twice.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ledger/collection.h"
#include "sql.h"
#include "sql_collection.h"

namespace squeaky::sql {

// The schema of migration 3. Databases made before it get an outbox item for every queued email
// or letter action.
extern const char* const kOutboxSchema;

class Outbox {
 public:
  Status prepare(Connection* db);

  // Creates the outbox items of freshly recorded actions: one per queued email or letter.
  Status enqueue(const std::vector<ActionRecord>& records, const std::vector<int64_t>& ids);
  Status update(JournalWriter& j, const OutboxItem& item, std::string_view expected_status, std::string_view event,
                std::string_view detail, std::string_view actor);
  Result<int64_t> add_opt_out(JournalWriter& j, std::string_view customer_id, const OptOut& opt_out,
                              std::string_view actor);

  Result<std::vector<OutboxItem>> items(std::string_view status, std::string_view customer_id, bool with_content);
  Result<std::optional<OutboxItem>> item(int64_t action_id);

 private:
  Connection* db_ = nullptr;
  Statement insert_, update_, update_action_, select_one_, insert_opt_out_;
};

}  // namespace squeaky::sql
