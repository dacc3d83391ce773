// The compliance guard: for every contact the plan or a person proposes, allow it, defer it to a
// later instant, or block it, naming the rule and the facts.
//
// The guard sits between the planner and the outbox and worklist (docs/compliance.md). It applies
// a rule set chosen per account (consumer or commercial, first or third party, jurisdiction) and
// knows the contact rules of DOMAIN.md §2: convenient hours at the debtor's location, call
// frequency, cease communication, channel opt-out, the validation period and time-barred debts.
// Every function is pure: the instant, the history and the settings are arguments. The time-zone
// rules come from the system's tz database (read-only). Thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/date.h"
#include "core/result.h"
#include "ledger/collection.h"
#include "ledger/records.h"
#include "policy/plan.h"

namespace squeaky {

// Who collects: the business its own debts under its own name (first party), or on behalf of
// others or under another name (third party: an agency, or a creditor using another name).
enum class Party { kFirst, kThird };
std::string_view to_string(Party party);  // "first", "third"
std::optional<Party> parse_party(std::string_view text);

// How long a debt can be sued on, by jurisdiction and kind of customer.
struct Limitation {
  std::string jurisdiction;          // "US-NY", "US" (a whole country) or "*" (anywhere else)
  std::optional<CustomerKind> kind;  // none: both kinds
  int years = 0;
  std::string source;  // the statute or note, for the reason text
};

// Looked up most specific first: country-region and kind, country-region, country and kind,
// country, then "*". The shipped starter set is compliance/limitations.toml (compiled in).
struct LimitationTable {
  std::vector<Limitation> entries;

  const Limitation* find(const Customer& customer) const;
};

// Parses a limitation table (docs/compliance.md); errors name the source, line and key.
Result<LimitationTable> parse_limitation_table(std::string_view toml_text, std::string_view source_name);
const LimitationTable& default_limitation_table();
std::string_view default_limitation_toml();

// The business's compliance settings. Defaults are the conservative choices documented in
// docs/compliance.md.
struct GuardSettings {
  Party party = Party::kFirst;
  // Apply the consumer contact rules to first-party collection too (some states, California's
  // Rosenthal Act among them, extend them to original creditors).
  bool consumer_rules_for_first_party = true;
  // Convenient hours at the debtor's location, minutes after local midnight: [opens, closes).
  int opens_minute = 8 * 60;
  int closes_minute = 21 * 60;
  // Where to assume the debtor may be when the customer names no time zone: only hours
  // convenient in all of these are used.
  std::vector<std::string> unknown_zones = {"America/New_York", "America/Chicago", "America/Denver",
                                            "America/Los_Angeles"};
  int max_calls_in_7_days = 7;
  int days_after_conversation = 7;              // the conversation day is day 1
  std::string holiday_calendar = "us-federal";  // for the validation period
  LimitationTable limitations = default_limitation_table();
};

// The rules that apply to one account.
struct ContactRules {
  std::string name;                // "consumer, third party (Regulation F)", "commercial"
  bool consumer = false;           // call frequency and cease rules apply
  bool validation_notice = false;  // third-party consumer collection
  bool time_bar = false;           // no suit or threat of suit past the limitation period
};
ContactRules rules_for(const Customer& customer, const GuardSettings& settings);

enum class Verdict { kAllow, kDefer, kBlock };
std::string_view to_string(Verdict verdict);  // "allow", "defer", "block"

struct GuardDecision {
  Verdict verdict = Verdict::kAllow;
  std::optional<Timestamp> until;  // kDefer: the first instant the contact is allowed
  std::string rule;                // "quiet-hours", "call-frequency", ...; "" when allowed
  std::string reason;              // the facts, in words a clerk understands

  static GuardDecision allow() { return {}; }
};

// The zones a customer may be in: its own (one or more IANA names separated by spaces), or the
// settings' unknown_zones when it names none.
std::vector<std::string> zones_of(const Customer& customer, const GuardSettings& settings);

// Whether a call or an email may happen at `now`: allowed inside the convenient hours of every
// zone, deferred to the first instant convenient in all of them otherwise, blocked when no such
// instant exists within two days (zones too far apart). Letters and placements are not timed.
// REQUIRES: every zone names a known IANA zone.
GuardDecision check_hours(std::span<const std::string> zones, Timestamp now, const GuardSettings& settings);

// Whether a channel may be used at all for this step: a stop flag (cease communication allows
// only `permitted_after_cease` steps), every contact of the channel opted out or none on file.
// `step` is the plan step or message purpose.
GuardDecision check_channel(const ContactRules& rules, const CustomerLedger& ledger, const CollectionState& state,
                            Channel channel, std::string_view step);

// The contacts of `channel` the debtor has not opted out of. Under the consumer rules, email
// addresses marked work are left out (an employer's mailbox is not the debtor's to use).
std::vector<Contact> usable_contacts(const ContactRules& rules, const CustomerLedger& ledger,
                                     const CollectionState& state, ContactChannel channel);

// Steps that may still go out after the debtor asked to stop being contacted.
bool permitted_after_cease(std::string_view step);

// Whether a call may be made on `day`: at most max_calls_in_7_days counted attempts in any 7
// consecutive days (calls that never connected do not count), and none within
// days_after_conversation days of a conversation. Applies to consumer rule sets.
GuardDecision check_call_frequency(const ContactRules& rules, std::span<const CallRecord> calls, Date day,
                                   const GuardSettings& settings);

// Whether the oldest open debt is past its limitation period on `day` (counted from the due date;
// no revival by later payments is assumed, which errs on the debtor's side). Returns the reason
// when it is.
std::optional<std::string> time_barred(const GuardSettings& settings, const Customer& customer, Date oldest_due,
                                       Date day);

// The step (and message purpose) of the validation notice the run queues with the first contact.
inline constexpr std::string_view kValidationNotice = "validation-notice";

// The last day of the validation period for a notice sent on `sent`: receipt is assumed five
// business days after sending (no weekends or holidays of `calendar`), and the period ends 30
// days after receipt.
Date validation_period_end(Date sent, const HolidayCalendar& calendar);

}  // namespace squeaky
