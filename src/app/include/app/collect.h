// The daily collection run and the work that follows it: run a day, forecast days ahead, the call
// worklist, and the events people record (calls, promises, payment plans, disputes, holds, flags).
//
// run_day() plans every customer for the day (planner/planner.h) and writes everything the plan
// says (episodes, actions, skipped steps, promises kept or broken, ...) with its journal entries
// in one transaction, then marks the day as run: a second run for the same day adds nothing, and
// a run killed part-way leaves nothing behind, so running it again gives exactly the actions of
// an uninterrupted run. Not thread-safe with respect to `store`.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "charges/fees.h"
#include "core/date.h"
#include "core/result.h"
#include "guard/guard.h"
#include "planner/planner.h"
#include "policy/plan.h"
#include "store/store.h"

namespace squeaky {

struct CustomerDay {
  std::string customer_id;
  std::string name;
  DayPlan plan;
  // The compliance guard's decision on each channel of plan.action, in the same order. A blocked
  // channel is recorded with status "blocked" and sends nothing.
  std::vector<GuardDecision> guard;
  // The contractual fee the step charges (plan step keys fee, fee_percent, fee_max), recorded as
  // an invoice "FEE-<customer>-<episode>-<step>" due the same day. Unset when there is none.
  std::optional<FeeCharge> fee;
  // Third-party consumer collection: this is the episode's first contact, so a validation notice
  // (a letter, step "validation-notice") goes out with it (docs/compliance.md); the guard's word
  // on that letter. Unset when no notice is due.
  std::optional<GuardDecision> validation_notice;
};

// An overdue customer whom something held back from contact today, and what: a promise, a
// payment plan, a hold, a stop flag, a placement.
struct HeldCustomer {
  std::string customer_id;
  std::string name;
  std::string reason;  // DayPlan::held
};

struct RunReport {
  Date as_of;
  std::string part;                    // "K/N" when the run was one part of the day, else ""
  bool already_run = false;            // the day (or the part) had been run before: nothing was written
  std::vector<CustomerDay> customers;  // those with an action, a skipped step or an event, by id
  std::vector<HeldCustomer> held;      // overdue customers something held back, by id
  size_t actions = 0;                  // channels that act (blocked ones not counted)
  size_t blocked = 0;
  size_t skipped = 0;
  size_t events = 0;
  size_t fees = 0;
};

// One of `count` parts of the customers, for machines that split a day's run between them. A
// customer belongs to part (FNV-1a 64-bit hash of its id) mod count + 1, so every machine agrees
// and a customer stays in its part from day to day.
struct Shard {
  int index = 1;  // 1 to count
  int count = 1;  // 1: the whole ledger

  // "K/N" with 1 <= K <= N <= 1024. The message completes "--shard '<text>' ...".
  static Result<Shard> parse(std::string_view text);
  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool whole() const { return count == 1; }
  bool owns(std::string_view customer_id) const;
  bool operator==(const Shard&) const = default;
};

// Plans and guards one day for many customers on several threads, while the caller goes on
// reading the ledger: add() each customer in turn, then finish() gives the day's report, the
// customers in the order they were added. Customers are taken (copied, or swapped without a
// copy) into batches of ~1,000 customers or 16,384 invoices, and each full batch is planned by one
// of `threads` planning threads (started with the first batch and kept to the end), with at most
// `threads` batches under way (threads <= 1 plans each batch on the caller's thread). plan_day
// and the guard are pure, so batches never share anything but the read-only inputs: `plans` and
// `states` must outlive the planner (the rules are copied).
// add() and finish() are called from one thread.
class DayPlanner {
 public:
  DayPlanner(const PlanSet& plans, const GuardSettings& rules,
             const std::unordered_map<std::string, CollectionState>& states, Date day, int threads);
  ~DayPlanner();  // waits for the batches under way
  DayPlanner(const DayPlanner&) = delete;
  DayPlanner& operator=(const DayPlanner&) = delete;

  // Fails when a batch did (the first failure); nothing more is planned then. The second form
  // takes the ledger's contents without a copy and leaves `ledger` holding another.
  Status add(const CustomerLedger& ledger);
  Status add(CustomerLedger&& ledger);
  // The report of every customer added; call once.
  Result<RunReport> finish();

 private:
  struct Batch;
  struct Workers;
  Status added(const CustomerLedger& ledger);
  Status plan(Batch& batch) const;
  Status launch();
  Status merge_oldest();

  const PlanSet& plans_;
  const GuardSettings rules_;  // a copy: callers pass `{}` for the defaults
  const std::unordered_map<std::string, CollectionState>& states_;
  Date day_;
  int threads_;
  RunReport report_;
  std::unique_ptr<Batch> filling_;
  std::deque<std::unique_ptr<Batch>> under_way_;
  std::vector<std::unique_ptr<Batch>> spare_;
  std::unique_ptr<Workers> workers_;  // started with the first batch when threads > 1
};

// How a run treats what it queues.
struct RunOptions {
  // The day's letters and emails wait in the outbox as "held" until a person approves them
  // (`squeaky outbox approve`, or the web app's outbox review), instead of going out with the
  // next send. Settings: [outbox] review = true.
  bool review_messages = false;
  // Who asked for the run, when not the daily schedule: "user alice" (the API). Empty: the
  // schedule, or the command line.
  std::string by;
  // The part of the customers this run plans; the day is run when every part of it has been.
  Shard shard;
};

// Runs the day under the compliance guard's `rules`. Fails with kConflict when a later day has
// already been run. The journal's actor is "run DAY", or "run DAY by WHO" when someone other than
// the daily schedule asked for it (options.by). With options.shard, only that part of the
// customers is planned and written ("run DAY part K/N"); the day counts as run once all N parts
// are, and parts go forward in time each on its own.
Result<RunReport> run_day(Store& store, const PlanSet& plans, Date as_of, const GuardSettings& rules = {},
                          const RunOptions& options = {});

// What the next `days` days would bring, starting with `from`, if no money arrived and nobody
// recorded anything: each day's report, computed without writing.
Result<std::vector<RunReport>> forecast(Store& store, const PlanSet& plans, Date from, int days,
                                        const GuardSettings& rules = {});

struct WorkItem {
  std::string customer_id;
  std::string name;
  ActionRecord task;                 // the open call task
  Money overdue;                     // overdue, undisputed, as of the day
  int64_t days_past_due = 0;         // of the oldest overdue invoice
  Money expected;                    // overdue x collectability at that age: the ranking key
  std::vector<Contact> phones;       // numbers to call (opted-out ones left out)
  std::string local_time;            // "14:05 Tue (America/Chicago)", or "" when the zone is unknown
  std::vector<std::string> history;  // the last few actions and calls, newest first
  // Whether the call may be made now: stop flags, do-not-call numbers, call frequency and the
  // debtor's convenient hours. A deferred call says from when it may be made.
  GuardDecision guard;
};

// Open call tasks: those that may be called now first, ranked by expected value, largest first
// (ties by customer id); then those the guard holds back, soonest callable first. `now` gives the
// debtor's local time.
Result<std::vector<WorkItem>> worklist(Store& store, Date as_of, Timestamp now, const GuardSettings& rules = {});

// What a person records. `actor` is who records it ("user alice").
struct CallLog {
  std::string customer_id;
  CallOutcome outcome = CallOutcome::kNoAnswer;
  Date on;
  std::optional<Money> amount;  // promise: required; paid: defaults to the overdue total
  std::optional<Date> date;     // promise: required; paid: defaults to `on`
  std::string invoice_id;       // dispute: required
  std::string note;
};
// Logs the call, closes the open call task and records what the outcome implies: a promise
// (promise, paid), a dispute, or a hardship pause of the customer's plan's hardship_pause_days.
Status log_call(Store& store, const PlanSet& plans, const CallLog& call, std::string_view actor);

Status record_promise(Store& store, const std::string& customer_id, Money amount, Date made_on, Date due_on,
                      std::string_view actor);
// Replaces an active payment plan, if any (the old one is cancelled).
Status record_payment_plan(Store& store, const std::string& customer_id, Date agreed_on,
                           std::vector<Instalment> instalments, std::string_view actor);
Status open_dispute(Store& store, const std::string& invoice_id, Date on, const std::string& reason,
                    std::string_view actor);
Status resolve_dispute(Store& store, const std::string& invoice_id, Date on, const std::string& resolution,
                       std::string_view actor);
// A manual hold from `on` through `until`, or (hardship) a pause of the plan's hardship days.
Status add_hold(Store& store, const PlanSet& plans, const std::string& customer_id, Date on, std::optional<Date> until,
                bool hardship, const std::string& reason, std::string_view actor);
Status set_flag(Store& store, const std::string& customer_id, StopFlag flag, Date on, const std::string& note,
                std::string_view actor);
Status clear_flag(Store& store, const std::string& customer_id, StopFlag flag, Date on, std::string_view actor);
// The debtor asked not to be contacted through `channel` ("email", "phone" or "letter"), or at
// `contact` only (one of the customer's addresses or numbers of that channel).
Status record_opt_out(Store& store, const std::string& customer_id, const std::string& channel,
                      const std::string& contact, Date on, const std::string& note, std::string_view actor);

}  // namespace squeaky
