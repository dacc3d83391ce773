// The planner: what the collection plan says to do for one customer on one day, and why.
//
// plan_day() is a pure function of the plan set, the customer's ledger, its collection state and
// the day. It returns the actions to take (at most one step a day), the steps skipped, the events
// that change the state (an episode opened or closed, a promise kept or broken, a payment plan
// completed or defaulted, a hold over), the reason nothing happens when something holds the
// account, and the state after the day. Every action, skip and hold carries a reason in words a
// clerk understands. The rules are written down in docs/plans.md. Thread-safe; the daily run calls
// it for many customers in parallel.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "ledger/collection.h"
#include "ledger/records.h"
#include "policy/plan.h"

namespace squeaky {

struct OverdueInvoice {
  std::string id;
  Date due_on;
  int64_t days_past_due = 0;
  Money open;
};

struct PlannedAction {
  std::string step;
  std::string plan;
  std::vector<Channel> channels;
  std::string agency;                    // for an agency placement
  Money overdue;                         // the overdue, undisputed total on the day
  std::vector<OverdueInvoice> invoices;  // all overdue, undisputed invoices, oldest first
  std::string reason;
};

struct SkippedStep {
  std::string step;
  std::string plan;
  std::string reason;
};

enum class PlannerEventKind {
  kEpisodeOpened,
  kEpisodeClosed,
  kPromiseKept,
  kPromiseBroken,
  kPaymentPlanCompleted,
  kPaymentPlanDefaulted,
  kHoldEnded,
};
std::string_view to_string(PlannerEventKind kind);  // "episode.opened", "promise.broken", ...

struct PlannerEvent {
  PlannerEventKind kind;
  int64_t ref = 0;  // the promise, payment plan or hold it concerns; the episode number otherwise
  std::string detail;
};

struct DayPlan {
  Date day;
  std::vector<PlannerEvent> events;
  std::optional<PlannedAction> action;
  std::vector<SkippedStep> skipped;
  std::string held;  // why nothing may fire today ("" when nothing holds the account)
  CollectionState next;
};

DayPlan plan_day(const PlanSet& plans, const CustomerLedger& ledger, const CollectionState& state, Date day);

// Expected value of a call, for ranking the worklist: the overdue amount (minor units) times the
// chance of collecting it at that age (DOMAIN.md §5 priors: 100% when just due, about 70% at 90
// days, 50% at 180, 25% at 365, 10% at 730; straight lines between, 5% after).
int64_t collectable_minor_units(int64_t overdue_minor, int64_t days_past_due);

}  // namespace squeaky
