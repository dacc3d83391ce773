// Collection plans: the written ladder of steps a business follows for every overdue customer.
//
// A PlanSet holds named plans and the rules that choose one per customer (an explicit plan named
// on the customer, then the first rule that matches its kind, risk segment and overdue balance,
// then the default plan). Plans come from TOML files (docs/plans.md); squeaky ships a default set
// (plans/default.toml, compiled in) that follows the practice in DOMAIN.md §1. Plain values; pure
// functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "ledger/records.h"

namespace squeaky {

// How a step reaches the debtor.
enum class Channel { kEmail, kLetter, kCall, kAgency };
std::string_view to_string(Channel channel);  // "email", "letter", "call", "agency"
std::optional<Channel> parse_channel(std::string_view text);

// One rung of the ladder. A step fires at most once per delinquency episode, only after every
// earlier step of its plan has fired or been skipped, and only when its trigger holds:
//   - days_past_due: the customer's oldest overdue, undisputed invoice is at least that late;
//   - after + days_after: that many days have passed since step `after` fired;
// (a step may have both; then both must hold). A payment delays the next step until
// payment_grace_days after it; a conversation delays the next call step until
// conversation_grace_days after it. latest_days_past_due, when set, lets the step fire once the
// oldest overdue invoice is that late even if a payment or conversation would delay it.
struct PlanStep {
  std::string name;
  std::vector<Channel> channels;
  std::optional<int> days_past_due;
  std::string after;
  int days_after = 0;
  std::optional<int> latest_days_past_due;
  std::string agency;           // for the agency channel: who receives the account
  bool threatens_suit = false;  // the step sues or says it may: never on a time-barred debt
  // A contractual fee the step charges when it fires: a fixed amount per currency (an account in a
  // currency not listed pays no fixed fee), a share of the overdue amount in basis points, and a
  // cap per currency. Empty and zero: no fee.
  std::map<std::string, Money, std::less<>> fee;
  int64_t fee_percent_bp = 0;
  std::map<std::string, Money, std::less<>> fee_max;

  bool charges_fee() const { return !fee.empty() || fee_percent_bp > 0; }
  std::string description;  // one line for people: what this step says or does
};

struct Plan {
  std::string name;
  std::string description;
  int payment_grace_days = 7;       // a payment holds back the next step this long
  int conversation_grace_days = 7;  // a conversation holds back the next call this long
  int promise_grace_days = 3;       // a promise is kept if the money arrives by its date + this
  int instalment_grace_days = 3;    // an instalment is missed this long after its date
  int hardship_pause_days = 30;     // hardship pauses escalation this long ...
  std::string hardship_plan;        // ... then the episode continues on this plan ("" = the same)
  bool fees_on_consumers = false;   // the contract with consumers allows the steps' fees
  std::vector<PlanStep> steps;

  const PlanStep* find_step(std::string_view step) const;
  // The position of `step` in the ladder, or -1.
  int index_of(std::string_view step) const;
};

// Chooses a plan when every condition it names holds. Amounts are in major units of the
// customer's currency, compared exactly in minor units (overdue >= threshold);
// `min_overdue_by_currency` overrides `min_overdue` for the currencies it names (so that the
// "large" tier can mean 10,000 USD and 1,500,000 JPY). A rule that names any threshold does not
// match a currency it has no threshold for; a rule that names no condition matches everyone.
struct PlanRule {
  std::string plan;
  std::optional<CustomerKind> kind;
  std::string segment;  // "" matches any
  std::optional<int64_t> min_overdue;
  std::map<std::string, int64_t> min_overdue_by_currency;
};

struct PlanSet {
  std::vector<Plan> plans;
  std::vector<PlanRule> rules;  // the first that matches wins
  std::string default_plan;

  const Plan* find(std::string_view name) const;
  // The plan for `customer` whose overdue, undisputed balance is `overdue` (in the customer's
  // currency): the customer's own `plan` when it names a plan of this set (an unknown name is
  // ignored), else the plan of the first matching rule, else `default_plan`.
  // REQUIRES: the set is valid (parse_plan_set checked that every named plan exists).
  const Plan& choose(const Customer& customer, Money overdue) const;
};

// Parses and checks a plan file (docs/plans.md). Errors name the source, line and key:
// "plans.toml:14: key 'days_past_due': -3 is negative". Every error found is reported, one per
// line of the message, in line order. Unknown keys are errors. Plan and step names are letters,
// digits, '-' and '_'; day counts are whole numbers from 0 to 36500.
Result<PlanSet> parse_plan_set(std::string_view toml_text, std::string_view source_name);

// The plans squeaky ships (plans/default.toml, compiled in). default_plan_set() parses them on
// first use and aborts if they are invalid, which is a bug of the build, not of the input.
const PlanSet& default_plan_set();
std::string_view default_plan_toml();

}  // namespace squeaky
