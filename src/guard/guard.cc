#include "guard/guard.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "core/names.h"

namespace squeaky {
namespace {

constexpr NameTable<Party, 2> kParties{{{"first", Party::kFirst}, {"third", Party::kThird}}};
constexpr NameTable<Verdict, 3> kVerdicts{
    {{"allow", Verdict::kAllow}, {"defer", Verdict::kDefer}, {"block", Verdict::kBlock}}};

using std::chrono::minutes;
using std::chrono::sys_seconds;

GuardDecision block(std::string rule, std::string reason) {
  return {Verdict::kBlock, std::nullopt, std::move(rule), std::move(reason)};
}

GuardDecision defer(Timestamp until, std::string rule, std::string reason) {
  return {Verdict::kDefer, until, std::move(rule), std::move(reason)};
}

std::string clock_time(int minute_of_day) {
  const auto two = [](int n) {
    return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
  };
  return two(minute_of_day / 60 % 100) + ":" + two(minute_of_day % 60);
}

// "07:40 CST" at `at` in `zone`.
std::string local_time(const date::time_zone* zone, sys_seconds at, const char* format = "%H:%M %Z") {
  return date::format(format, date::make_zoned(zone, at));
}

struct Interval {
  sys_seconds from;
  sys_seconds to;
};

// The convenient hours in `zone` of the local days around `now`, as UTC intervals, in order.
std::vector<Interval> windows_in(const date::time_zone* zone, sys_seconds now, const GuardSettings& settings) {
  const auto today = date::floor<date::days>(zone->to_local(now));
  std::vector<Interval> windows;
  for (int d = -1; d <= 3; ++d) {
    const auto day = today + date::days{d};
    const auto from = zone->to_sys(day + minutes{settings.opens_minute}, date::choose::earliest);
    const auto to = zone->to_sys(day + minutes{settings.closes_minute}, date::choose::earliest);
    if (from < to)
      windows.push_back({std::chrono::floor<std::chrono::seconds>(from), std::chrono::floor<std::chrono::seconds>(to)});
  }
  return windows;
}

std::vector<Interval> intersect(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  for (const auto& x : a) {
    for (const auto& y : b) {
      const auto from = std::max(x.from, y.from);
      const auto to = std::min(x.to, y.to);
      if (from < to) out.push_back({from, to});
    }
  }
  std::sort(out.begin(), out.end(), [](const Interval& l, const Interval& r) { return l.from < r.from; });
  return out;
}

bool opted_out(const CollectionState& state, std::string_view channel, std::string_view contact) {
  return std::any_of(state.opt_outs.begin(), state.opt_outs.end(), [&](const OptOut& o) {
    return o.channel == channel && (o.contact.empty() || o.contact == contact);
  });
}

GuardDecision check_contacts(const ContactRules& rules, const CustomerLedger& ledger, const CollectionState& state,
                             ContactChannel channel) {
  if (!usable_contacts(rules, ledger, state, channel).empty()) return GuardDecision::allow();
  const auto on_file = std::count_if(ledger.customer.contacts.begin(), ledger.customer.contacts.end(),
                                     [&](const Contact& c) { return c.channel == channel; });
  const std::string what = channel == ContactChannel::kEmail ? "email address" : "phone number";
  if (on_file == 0) return block("no-contact", "no " + what + " on file");
  const bool work_email_only =
      rules.consumer && channel == ContactChannel::kEmail &&
      std::any_of(ledger.customer.contacts.begin(), ledger.customer.contacts.end(), [&](const Contact& c) {
        return c.channel == channel && c.type == ContactType::kWork && !c.opted_out &&
               !opted_out(state, to_string(channel), c.value);
      });
  if (work_email_only) {
    return block("opt-out", "no email address on file the debtor has not opted out of, other than a work address");
  }
  return block("opt-out", "the debtor opted out of every " + what + " on file (" + std::to_string(on_file) + ")");
}

bool has_postal_address(const Customer& customer) {
  return !customer.address.line1.empty() && (!customer.address.city.empty() || !customer.address.postal_code.empty());
}

}  // namespace

std::string_view to_string(Party party) { return name_of(kParties, party); }
std::optional<Party> parse_party(std::string_view text) { return value_named(kParties, text); }
std::string_view to_string(Verdict verdict) { return name_of(kVerdicts, verdict); }

std::vector<Contact> usable_contacts(const ContactRules& rules, const CustomerLedger& ledger,
                                     const CollectionState& state, ContactChannel channel) {
  std::vector<Contact> out;
  for (const auto& c : ledger.customer.contacts) {
    if (c.channel != channel || c.opted_out || opted_out(state, to_string(channel), c.value)) continue;
    if (rules.consumer && channel == ContactChannel::kEmail && c.type == ContactType::kWork) continue;
    out.push_back(c);
  }
  return out;
}

ContactRules rules_for(const Customer& customer, const GuardSettings& settings) {
  if (customer.kind == CustomerKind::kBusiness) return {"commercial", false, false, false};
  if (settings.party == Party::kThird) return {"consumer, third party (Regulation F)", true, true, true};
  if (settings.consumer_rules_for_first_party) {
    return {"consumer, first party (Regulation F contact rules applied by choice)", true, false, true};
  }
  return {"consumer, first party", false, false, true};
}

std::vector<std::string> zones_of(const Customer& customer, const GuardSettings& settings) {
  std::vector<std::string> zones;
  std::istringstream words(customer.timezone);
  for (std::string zone; words >> zone;) zones.push_back(zone);
  if (zones.empty()) zones = settings.unknown_zones;
  return zones;
}

GuardDecision check_hours(std::span<const std::string> zones, Timestamp now, const GuardSettings& settings) {
  const auto at = now.seconds();
  std::vector<Interval> open;
  bool first = true;
  std::string outside;  // the first zone where `now` is inconvenient, described
  const date::time_zone* first_zone = nullptr;
  for (const auto& name : zones) {
    const auto* zone = date::locate_zone(name);
    if (first_zone == nullptr) first_zone = zone;
    const auto windows = windows_in(zone, at, settings);
    open = first ? windows : intersect(open, windows);
    first = false;
    if (outside.empty()) {
      const bool inside =
          std::any_of(windows.begin(), windows.end(), [&](const Interval& w) { return w.from <= at && at < w.to; });
      if (!inside) {
        const auto local = date::make_zoned(zone, at).get_local_time();
        const auto minute = static_cast<int>((local - date::floor<date::days>(local)) / minutes{1});
        outside = local_time(zone, at, "%H:%M") + " at the debtor (" + name + ") is " +
                  (minute < settings.opens_minute ? "before " + clock_time(settings.opens_minute)
                                                  : "at or after " + clock_time(settings.closes_minute));
      }
    }
  }
  const auto next = std::find_if(open.begin(), open.end(), [&](const Interval& w) { return at < w.to; });
  if (next != open.end() && next->from <= at) return GuardDecision::allow();
  std::string zone_list;
  for (const auto& name : zones) zone_list += (zone_list.empty() ? "" : ", ") + name;
  if (next == open.end() || next->from - at > std::chrono::hours{48}) {
    return block("quiet-hours", "no hour from " + clock_time(settings.opens_minute) + " to " +
                                    clock_time(settings.closes_minute) + " is convenient in every zone (" + zone_list +
                                    ")");
  }
  if (outside.empty()) outside = "the time is inconvenient in one of the debtor's zones (" + zone_list + ")";
  return defer(Timestamp(next->from), "quiet-hours",
               outside + "; opens " + local_time(first_zone, next->from) +
                   (zones.size() > 1 ? " (convenient in all of " + zone_list + ")" : ""));
}

bool permitted_after_cease(std::string_view step) {
  return step == "cease-confirmation" || step == "remedy-notice" || step == "placement";
}

GuardDecision check_channel(const ContactRules& rules, const CustomerLedger& ledger, const CollectionState& state,
                            Channel channel, std::string_view step) {
  for (const auto& flag : state.flags) {
    if (flag.flag == StopFlag::kCeaseCommunication) {
      if (channel != Channel::kAgency && !permitted_after_cease(step)) {
        return block("cease-communication", "the debtor asked on " + flag.set_on.to_string() +
                                                " that communication stop; only the notices that collection stops "
                                                "or that a named remedy will be invoked may go out");
      }
    } else {
      return block("stop-flag", std::string(to_string(flag.flag)) + " flag set on " + flag.set_on.to_string());
    }
  }
  switch (channel) {
    case Channel::kEmail: return check_contacts(rules, ledger, state, ContactChannel::kEmail);
    case Channel::kCall: return check_contacts(rules, ledger, state, ContactChannel::kPhone);
    case Channel::kLetter:
      if (opted_out(state, "letter", "")) return block("opt-out", "the debtor opted out of letters");
      if (!has_postal_address(ledger.customer)) return block("no-contact", "no postal address on file");
      return GuardDecision::allow();
    case Channel::kAgency: return GuardDecision::allow();
  }
  return GuardDecision::allow();
}

GuardDecision check_call_frequency(const ContactRules& rules, std::span<const CallRecord> calls, Date day,
                                   const GuardSettings& settings) {
  if (!rules.consumer) return GuardDecision::allow();
  std::optional<Date> conversation;
  std::vector<Date> recent;  // counted attempts in the 7 days ending on `day`
  for (const auto& call : calls) {
    if (call.on > day) continue;
    if (is_conversation(call.outcome) && (!conversation || *conversation < call.on)) conversation = call.on;
    if (counts_as_attempt(call.outcome) && day.plus_days(-6) <= call.on) recent.push_back(call.on);
  }
  if (conversation && settings.days_after_conversation > 0) {
    const auto allowed = conversation->plus_days(settings.days_after_conversation);
    if (day < allowed) {
      return defer(Timestamp(sys_seconds(allowed.days())), "call-frequency",
                   "a conversation on " + conversation->to_string() + " (day 1); no call within " +
                       std::to_string(settings.days_after_conversation) + " days of it, next call " +
                       allowed.to_string());
    }
  }
  const auto cap = static_cast<size_t>(std::max(settings.max_calls_in_7_days, 0));
  if (cap > 0 && recent.size() >= cap) {
    std::sort(recent.begin(), recent.end());
    const auto allowed = recent[recent.size() - cap].plus_days(7);
    return defer(Timestamp(sys_seconds(allowed.days())), "call-frequency",
                 std::to_string(recent.size()) + " call attempts from " + day.plus_days(-6).to_string() + " to " +
                     day.to_string() + " (at most " + std::to_string(cap) + " in 7 days); next call " +
                     allowed.to_string());
  }
  return GuardDecision::allow();
}

const Limitation* LimitationTable::find(const Customer& customer) const {
  const auto region = customer.country + "-" + customer.region;
  const Limitation* best = nullptr;
  int best_rank = 0;
  for (const auto& e : entries) {
    int rank = 0;
    if (!customer.region.empty() && e.jurisdiction == region) {
      rank = 5;
    } else if (e.jurisdiction == customer.country) {
      rank = 3;
    } else if (e.jurisdiction == "*") {
      rank = 1;
    } else {
      continue;
    }
    if (e.kind) {
      if (*e.kind != customer.kind) continue;
      ++rank;
    }
    if (rank > best_rank) best = &e, best_rank = rank;
  }
  return best;
}

std::optional<std::string> time_barred(const GuardSettings& settings, const Customer& customer, Date oldest_due,
                                       Date day) {
  const auto* limit = settings.limitations.find(customer);
  if (limit == nullptr) return std::nullopt;
  auto ymd = oldest_due.ymd() + std::chrono::years{limit->years};
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / std::chrono::last;  // 29 February in a common year
  const Date ends(std::chrono::sys_days{ymd});
  if (day <= ends) return std::nullopt;
  return "the oldest open invoice fell due on " + oldest_due.to_string() + "; the limitation period in " +
         limit->jurisdiction + " is " + std::to_string(limit->years) + " years (" + limit->source + "), ended " +
         ends.to_string();
}

Date validation_period_end(Date sent, const HolidayCalendar& calendar) {
  return calendar.add_business_days(sent, 5).plus_days(30);
}

}  // namespace squeaky
