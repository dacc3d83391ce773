// The collection state of one customer: what the daily run and the people working the account
// have done and agreed, as the planner needs it.
//
// A delinquency episode runs from the first day the customer has an overdue, undisputed invoice
// until nothing is overdue; each step of the plan fires (or is skipped) at most once per episode.
// Promises to pay, payment plans, holds and stop flags come from the people working the account;
// the planner decides when a promise is kept or broken, a payment plan completed or defaulted, a
// hold over. Plain values; thread-safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/money.h"

namespace squeaky {

enum class StepStatus { kFired, kSkipped };
std::string_view to_string(StepStatus status);  // "fired", "skipped"

struct StepRecord {
  std::string step;
  StepStatus status = StepStatus::kFired;
  Date on;
};

struct Episode {
  int number = 0;  // 1 for the customer's first episode
  Date opened_on;
  // After a hardship pause the episode continues on the plan's softer track from track_since, as
  // a fresh ladder; "" = the plan chosen by rules.
  std::string track_plan;
  Date track_since;
  std::vector<StepRecord> steps;  // in the order they happened
  bool placed = false;            // handed to an agency: in-house contact stops

  // The latest record of `step`, or null.
  const StepRecord* find(std::string_view step) const;
};

// "I will pay this much by then."
struct PromiseToPay {
  int64_t id = 0;
  Date made_on;
  Date due_on;
  Money amount;
};

struct Instalment {
  Date due_on;
  Money amount;
};

// Instalments agreed with the debtor, in date order.
struct PaymentPlan {
  int64_t id = 0;
  Date agreed_on;
  std::vector<Instalment> instalments;
};

enum class HoldKind { kHardship, kManual };
std::string_view to_string(HoldKind kind);  // "hardship", "manual"

// No escalation from starts_on through ends_on.
struct Hold {
  int64_t id = 0;
  HoldKind kind = HoldKind::kManual;
  Date starts_on;
  Date ends_on;
  std::string reason;
};

// Flags that stop all contact until a person clears them.
enum class StopFlag { kBankruptcy, kDeceased, kCeaseCommunication };
std::string_view to_string(StopFlag flag);  // "bankruptcy", "deceased", "cease-communication"
std::optional<StopFlag> parse_stop_flag(std::string_view text);

struct FlagRecord {
  StopFlag flag = StopFlag::kBankruptcy;
  Date set_on;
  std::string note;
};

// The outcome a collector logs for a call.
enum class CallOutcome {
  kPromise,
  kPaid,
  kDispute,
  kHardship,
  kWrongNumber,
  kNoAnswer,
  kLeftMessage,
  kRefused,
  kNoConnection,  // busy, not in service: the call never connected
};
std::string_view to_string(CallOutcome outcome);  // "promise", "paid", ..., "wrong-number", "left-message"
std::optional<CallOutcome> parse_call_outcome(std::string_view text);
// Whether the collector spoke with the debtor (promise, paid, dispute, hardship, refused). Only
// conversations hold back the next call; attempts (no answer, a message, a wrong number) do not.
bool is_conversation(CallOutcome outcome);
// Whether the call counts towards the limit on call attempts: every call except one that never
// connected.
bool counts_as_attempt(CallOutcome outcome);

// The debtor asked not to be contacted through a channel ("email", "phone" or "letter"), or at one
// address or number of it (`contact`; "" = every contact of the channel).
struct OptOut {
  int64_t id = 0;
  std::string channel;
  std::string contact;
  Date on;
  std::string note;
};

struct CallRecord {
  int64_t id = 0;
  std::string customer_id;
  Date on;
  CallOutcome outcome = CallOutcome::kNoAnswer;
  std::string note;
};

// What the daily run did for a customer on a day, one record per channel ("" for a skipped step).
// status: "queued" (a letter or email waiting to be sent), "open" (a call task), "placed" (an
// agency placement), "done" (a call task with an outcome), "superseded" (a call task overtaken by
// the next step or the end of the episode), "skipped".
struct ActionRecord {
  int64_t id = 0;
  std::string customer_id;
  int episode = 0;
  std::string step;
  std::string channel;
  Date on;
  std::string status;
  Money amount;
  std::string plan;
  std::string agency;
  std::string reason;
  std::string
      invoices;  // the overdue invoices as canonical JSON: [{"days_past_due":..,"due_date":..,"id":..,"open":..}]
};

// A letter or an email on its way to the debtor: one per queued email or letter action (the
// action's id is the idempotency key). status: "queued" (waiting, possibly until not_before),
// "sending" (handed to the transport, result not yet recorded), "sent" (accepted by the mail
// server, or printed for a letter), "failed" (a temporary error; retried at not_before until the
// attempts run out), "rejected" (a permanent error), "unknown" (interrupted after the server may
// have accepted it: a person must confirm), "blocked" (the compliance guard refused it),
// "cancelled" (by a person).
struct OutboxItem {
  int64_t action_id = 0;
  std::string customer_id;
  std::string channel;  // "email" or "letter"
  std::string step;     // the plan step or message purpose
  Date on;              // the day the run queued it
  std::string status = "queued";
  int attempts = 0;
  std::optional<Timestamp> not_before;
  std::string message_id;  // the email's Message-ID, stable per action
  std::string recipients;  // email addresses, or the postal address block, one per line
  std::string subject;
  std::string content;  // the exact bytes that went out: RFC 5322 message or PDF letter
  std::string sha256;   // of content, hex
  int pages = 0;        // letters: pages of the PDF
  std::optional<Timestamp> sent_at;
  std::string last_error;
};

struct CollectionState {
  std::optional<Episode> episode;  // the open episode, if any
  int last_episode_number = 0;
  std::vector<PromiseToPay> open_promises;
  std::optional<PaymentPlan> payment_plan;  // the active plan, if any
  std::vector<Hold> holds;                  // not yet over
  std::vector<FlagRecord> flags;
  std::optional<Date> last_conversation;  // the last call in which the debtor was reached
  std::vector<OptOut> opt_outs;
};

}  // namespace squeaky
