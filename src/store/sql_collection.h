// The collection tables of the store: episodes, actions, promises, payment plans, holds, flags,
// disputes, calls and runs, on any sql::Connection. Internal to the store layer: SqlStore owns one Collection
// and its transactions forward to it, passing themselves as the JournalWriter so that every
// change is journaled in the same transaction. Not thread-safe, like the connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ledger/collection.h"
#include "ledger/records.h"
#include "sql.h"

namespace squeaky::sql {

class JournalWriter {
 public:
  virtual ~JournalWriter() = default;
  virtual Status append(std::string_view customer_id, std::string_view actor, std::string_view kind,
                        std::string payload) = 0;
};

// The schema of the collection tables (migration 2).
extern const char* const kCollectionSchema;

class Collection {
 public:
  Status prepare(Connection* db);

  Status open_episode(JournalWriter& j, std::string_view customer_id, const Episode& episode, std::string_view detail,
                      std::string_view actor);
  Status close_episode(JournalWriter& j, std::string_view customer_id, int number, Date on, std::string_view detail,
                       std::string_view actor);
  Status set_episode_track(JournalWriter& j, std::string_view customer_id, int number, std::string_view plan,
                           Date since, std::string_view actor);
  Result<std::vector<int64_t>> record_actions(JournalWriter& j, const std::vector<ActionRecord>& records,
                                              std::string_view actor);
  Result<int64_t> add_promise(JournalWriter& j, std::string_view customer_id, const PromiseToPay& promise,
                              std::string_view actor);
  Status close_promise(JournalWriter& j, int64_t id, bool kept, Date on, std::string_view detail,
                       std::string_view actor);
  Result<int64_t> add_payment_plan(JournalWriter& j, std::string_view customer_id, const PaymentPlan& plan,
                                   std::string_view actor);
  Status close_payment_plan(JournalWriter& j, int64_t id, std::string_view status, Date on, std::string_view detail,
                            std::string_view actor);
  Result<int64_t> add_hold(JournalWriter& j, std::string_view customer_id, const Hold& hold, std::string_view actor);
  Status end_hold(JournalWriter& j, int64_t id, Date on, std::string_view detail, std::string_view actor);
  Status set_flag(JournalWriter& j, std::string_view customer_id, const FlagRecord& flag, std::string_view actor);
  Status clear_flag(JournalWriter& j, std::string_view customer_id, StopFlag flag, Date on, std::string_view actor);
  Result<int64_t> open_dispute(JournalWriter& j, const Dispute& dispute, std::string_view actor);
  Status resolve_dispute(JournalWriter& j, int64_t id, Date on, std::string_view resolution, std::string_view actor);
  Result<int64_t> log_call(JournalWriter& j, const CallRecord& call, std::string_view actor);
  Status record_run(JournalWriter& j, Date as_of, std::string_view at, int64_t actions, int64_t skipped,
                    std::string_view actor);

  Result<std::unordered_map<std::string, CollectionState>> states(std::string_view customer_id);
  Result<std::optional<Date>> last_run();
  Status record_run_part(JournalWriter& j, Date as_of, int part, int parts, std::string_view at, int64_t actions,
                         int64_t skipped, std::string_view actor);
  Result<std::optional<Date>> last_run_part(int part, int parts);
  Result<std::vector<ActionRecord>> actions(std::string_view customer_id, std::string_view status);
  Result<std::vector<CallRecord>> calls(std::string_view customer_id);
  Result<std::optional<Dispute>> open_dispute_on(std::string_view invoice_id);
  // Disputes of one customer, or of all ("") grouped by customer.
  Result<std::unordered_map<std::string, std::vector<Dispute>>> disputes(std::string_view customer_id);

 private:
  Result<int64_t> insert(Statement& s, std::string_view what);
  Status change(Statement& s, std::string_view what);
  Status must_change_one(Statement& s, std::string_view what);
  // Whether the open episodes' actions are best read from the episodes through the actions' index
  // rather than by scanning every action (sql_collection.cc, states()).
  Result<bool> from_open_episodes(std::string_view customer_id);

  Connection* db_ = nullptr;
  Statement open_episode_, close_episode_, set_track_, mark_placed_;
  Statement insert_action_, supersede_calls_, complete_calls_;
  Statement insert_promise_, close_promise_, promise_customer_;
  Statement insert_plan_, insert_instalment_, close_plan_, plan_customer_;
  Statement insert_hold_, end_hold_, hold_customer_;
  Statement upsert_flag_, delete_flag_;
  Statement insert_dispute_, resolve_dispute_, dispute_by_id_, open_dispute_on_;
  Statement insert_call_, insert_run_, select_run_;
};

}  // namespace squeaky::sql
