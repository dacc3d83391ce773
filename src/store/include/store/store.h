// Store: where the ledger and its journal live.
//
// One interface, several databases: SQLite is the embedded default (sqlite_store.h), a shared
// PostgreSQL server the other (postgres_store.h). Every change goes through a
// StoreTransaction, and every change writes its journal entry in that same transaction, so the
// ledger and its evidence can never disagree. A Store is used from one thread at a time; open one
// per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "ledger/collection.h"
#include "ledger/records.h"
#include "store/journal.h"
#include "store/users.h"

namespace squeaky {

enum class WriteOutcome { kCreated, kUpdated, kUnchanged };

// A unit of work. Destroying it without a successful commit() rolls everything back.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  // Creates the record, or updates the fields an import owns when they differ (a customer's
  // contact consent and opt-out flags, and an invoice's dispute, are kept), and journals the
  // change as `actor` with kind "<record>.created" or "<record>.updated". An unchanged record
  // writes nothing.
  virtual Result<WriteOutcome> put_customer(const Customer& customer, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_invoice(const Invoice& invoice, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_payment(const Payment& payment, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_credit(const Credit& credit, std::string_view actor) = 0;

  virtual Result<std::optional<Invoice>> find_invoice(std::string_view id) = 0;
  // The customer's currency; nothing when there is no such customer.
  virtual Result<std::optional<Currency>> customer_currency(std::string_view customer_id) = 0;
  // Whether the customer has any invoice, payment or credit.
  virtual Result<bool> customer_has_records(std::string_view customer_id) = 0;

  // Collection state. Each call changes the state and journals it as `actor`, with `detail` (a
  // sentence for people) in the payload where it takes one.
  virtual Status open_episode(std::string_view customer_id, const Episode& episode, std::string_view detail,
                              std::string_view actor) = 0;
  virtual Status close_episode(std::string_view customer_id, int number, Date on, std::string_view detail,
                               std::string_view actor) = 0;
  // From `since`, the episode continues on `plan` as a fresh ladder (the softer track after hardship).
  virtual Status set_episode_track(std::string_view customer_id, int number, std::string_view plan, Date since,
                                   std::string_view actor) = 0;
  // Records what the run did: `records` are the rows of one fired step (one per channel) or one
  // skipped step. Firing a step supersedes the customer's open call tasks; an agency step marks
  // the episode placed. Returns the new ids. REQUIRES: all records of one customer and step.
  virtual Result<std::vector<int64_t>> record_actions(const std::vector<ActionRecord>& records,
                                                      std::string_view actor) = 0;
  virtual Result<int64_t> add_promise(std::string_view customer_id, const PromiseToPay& promise,
                                      std::string_view actor) = 0;
  virtual Status close_promise(int64_t id, bool kept, Date on, std::string_view detail, std::string_view actor) = 0;
  virtual Result<int64_t> add_payment_plan(std::string_view customer_id, const PaymentPlan& plan,
                                           std::string_view actor) = 0;
  // Ends the customer's active payment plan, if any, as "completed", "defaulted" or "cancelled".
  virtual Status close_payment_plan(int64_t id, std::string_view status, Date on, std::string_view detail,
                                    std::string_view actor) = 0;
  virtual Result<int64_t> add_hold(std::string_view customer_id, const Hold& hold, std::string_view actor) = 0;
  virtual Status end_hold(int64_t id, Date on, std::string_view detail, std::string_view actor) = 0;
  virtual Status set_flag(std::string_view customer_id, const FlagRecord& flag, std::string_view actor) = 0;
  virtual Status clear_flag(std::string_view customer_id, StopFlag flag, Date on, std::string_view actor) = 0;
  virtual Result<int64_t> open_dispute(const Dispute& dispute, std::string_view actor) = 0;
  virtual Status resolve_dispute(int64_t id, Date on, std::string_view resolution, std::string_view actor) = 0;
  // Logs a call and closes the customer's open call tasks with its outcome.
  virtual Result<int64_t> log_call(const CallRecord& call, std::string_view actor) = 0;
  // The debtor asked not to be contacted through a channel, or at one address of it.
  virtual Result<int64_t> add_opt_out(std::string_view customer_id, const OptOut& opt_out, std::string_view actor) = 0;
  // Moves an outbox item from `expected_status` to the state `item` describes (status, attempts,
  // not_before, the content and its hash, ...) and journals "outbox.<event>" with `detail`. The
  // action's status follows the item's. Fails with kConflict when the item is no longer in
  // `expected_status` (someone else moved it).
  virtual Status update_outbox(const OutboxItem& item, std::string_view expected_status, std::string_view event,
                               std::string_view detail, std::string_view actor) = 0;
  // Marks the day as run. Fails with kConflict if it was run already, or is being run in parts.
  virtual Status record_run(Date as_of, int64_t actions, int64_t skipped, std::string_view actor) = 0;
  // Marks part `part` of `parts` of the day as run (journaled "run.part_completed"); the last of
  // the parts marks the day as run, with the parts' totals. Fails with kConflict if the part or the
  // whole day was run already, or the day is being run in another number of parts.
  virtual Status record_run_part(Date as_of, int part, int parts, int64_t actions, int64_t skipped,
                                 std::string_view actor) = 0;

  // Users and API tokens (store/users.h), journaled as `actor` with kinds user.added,
  // user.password_changed, user.disabled, token.created and token.revoked. No password, hash or
  // token ever goes into a payload. A taken name fails with kConflict, an unknown one with
  // kNotFound. Changing a password or disabling a user ends the user's sessions.
  virtual Status add_user(const User& user, std::string_view actor) = 0;
  virtual Status set_password(std::string_view name, std::string_view password_hash, std::string_view actor) = 0;
  virtual Status disable_user(std::string_view name, std::string_view actor) = 0;
  virtual Status add_api_token(const ApiToken& token, std::string_view actor) = 0;
  virtual Status revoke_api_token(std::string_view name, std::string_view actor) = 0;
  // Sessions, journaled as session.opened and session.closed (by the session's user).
  virtual Status add_session(const Session& session) = 0;
  // Fails with kNotFound when there is no such session.
  virtual Status end_session(std::string_view token_sha256) = 0;
  // Failed logins, counted per `key` ("user NAME", "address 127.0.0.1") for the login rate limit.
  // Not journaled: they change nothing but the limit, and anyone may cause them.
  virtual Status record_login_failure(std::string_view key, Timestamp at) = 0;
  virtual Status clear_login_failures(std::string_view key) = 0;

  virtual Status commit() = 0;
};

// The outbox states in which a letter or email still waits for someone or something.
inline constexpr const char* kOutboxWaiting[] = {"queued", "held", "failed", "unknown"};

// What waits to be done, counted: for the dashboard.
struct WorkCounts {
  int64_t actions_on = 0;      // actions recorded for the day, of every channel, skipped steps left out
  int64_t calls_open = 0;      // call tasks not yet logged
  int64_t outbox_waiting = 0;  // letters and emails queued, held for review, failed (to be retried) or unknown
};

// The journal's last entry as recorded at the last commit.
struct JournalHead {
  int64_t seq = 0;
  std::string hash{kGenesisHash};
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::unique_ptr<StoreTransaction>> begin() = 0;

  // Every customer's id and currency.
  virtual Result<std::unordered_map<std::string, Currency>> customer_currencies() = 0;
  virtual Result<std::optional<CustomerLedger>> customer_ledger(std::string_view customer_id) = 0;
  // Visits every customer with its records, in customer id order. Stops at the first failure.
  // The visitor may keep what the ledger holds (std::swap it away, leaving any ledger in its
  // place): the store refills the value it gets back for the next customer. The records come from
  // the packed copy the store keeps of each customer's records (one row per customer, rewritten in
  // the transaction that changes them), not from their own tables.
  virtual Status for_each_customer_ledger(const std::function<Status(CustomerLedger&)>& visit) = 0;
  // For checking the store: visits every customer as for_each_customer_ledger does, but with the
  // records read from their own tables, and calls `copy_differs` with the id of every customer
  // whose packed copy does not hold exactly those records (or cannot be read), and of every copy
  // kept for a customer that does not exist. Slower, and holds every record until the visit.
  virtual Status check_customer_ledgers(const std::function<Status(CustomerLedger&)>& visit,
                                        const std::function<void(const std::string& customer_id)>& copy_differs) = 0;
  // Writes every customer's packed copy afresh from its records, in a transaction of its own, and
  // drops every other copy; returns how many customers have one. The records and the journal are
  // not changed. For a copy that check_customer_ledgers() found to differ.
  virtual Result<int64_t> rewrite_ledger_copies() = 0;

  // Every customer's collection state (customers without any are absent).
  virtual Result<std::unordered_map<std::string, CollectionState>> collection_states() = 0;
  virtual Result<CollectionState> collection_state(std::string_view customer_id) = 0;
  // The latest day the daily run completed (whole, or every part of it), if any.
  virtual Result<std::optional<Date>> last_run() = 0;
  // The latest day part `part` of `parts` was run, if any.
  virtual Result<std::optional<Date>> last_run_part(int part, int parts) = 0;
  // Actions with the given status ("" for all), of one customer ("" for all), oldest first.
  virtual Result<std::vector<ActionRecord>> actions(std::string_view customer_id, std::string_view status) = 0;
  virtual Result<std::vector<CallRecord>> calls(std::string_view customer_id) = 0;
  // Outbox items with the given status ("" for all) of one customer ("" for all), by action id;
  // with their content only when `with_content`.
  virtual Result<std::vector<OutboxItem>> outbox(std::string_view status, std::string_view customer_id,
                                                 bool with_content) = 0;
  virtual Result<std::optional<OutboxItem>> outbox_item(int64_t action_id) = 0;
  // The day's actions, the open calls and the messages waiting. A store should override this to
  // count without reading the rows.
  virtual Result<WorkCounts> work_counts(Date on);
  // The customer's open dispute on `invoice_id`, if any.
  virtual Result<std::optional<Dispute>> open_dispute_on(std::string_view invoice_id) = 0;

  virtual Result<std::optional<User>> user(std::string_view name) = 0;
  // Every user, by name.
  virtual Result<std::vector<User>> users() = 0;
  virtual Result<std::optional<Session>> session(std::string_view token_sha256) = 0;
  virtual Result<std::optional<ApiToken>> api_token(std::string_view token_sha256) = 0;
  // Every API token, by name, revoked ones included.
  virtual Result<std::vector<ApiToken>> api_tokens() = 0;
  // The failed logins under `key` at or after `since`, oldest first.
  virtual Result<std::vector<Timestamp>> login_failures(std::string_view key, Timestamp since) = 0;

  // Visits the journal in stored sequence order. Stops at the first failure. The entries are read
  // as they are visited (a journal can be larger than memory), so the visitor must not use the
  // store until the visit ends.
  virtual Status for_each_journal_entry(const std::function<Status(const JournalEntry&)>& visit) = 0;
  // The same, from the entry after `seq` on. A store should override this to start there rather
  // than skip the entries before it.
  virtual Status for_each_journal_entry_after(int64_t seq, const std::function<Status(const JournalEntry&)>& visit) {
    return for_each_journal_entry([&](const JournalEntry& e) { return e.seq > seq ? visit(e) : Status::ok(); });
  }
  // The same, for the entries of one customer only. A store should override this to find them
  // without reading the whole journal.
  virtual Status for_each_journal_entry_of(std::string_view customer_id,
                                           const std::function<Status(const JournalEntry&)>& visit) {
    return for_each_journal_entry(
        [&](const JournalEntry& e) { return e.customer_id == customer_id ? visit(e) : Status::ok(); });
  }
  virtual Result<JournalHead> journal_head() = 0;
};

// Runs `work` in a transaction of its own and commits it when `work` succeeds; otherwise nothing
// it did is kept.
inline Status in_transaction(Store& store, const std::function<Status(StoreTransaction&)>& work) {
  auto txn = store.begin();
  if (!txn) return txn.status();
  if (Status s = work(**txn); !s.is_ok()) return s;
  return (*txn)->commit();
}

enum class OpenMode { kCreateIfMissing, kMustExist };

}  // namespace squeaky
