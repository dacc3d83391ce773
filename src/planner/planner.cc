#include "planner/planner.h"

#include <algorithm>
#include <array>
#include <map>

#include "ledger/allocation.h"

namespace squeaky {
namespace {

std::string money_text(Money m) { return m.to_grouped_string() + " " + m.currency().code(); }

// Payments dated from `from` through `to`, in minor units.
int64_t paid_between(const CustomerLedger& ledger, Date from, Date to) {
  int64_t sum = 0;
  for (const Payment& p : ledger.payments) {
    if (p.date >= from && p.date <= to) sum += p.amount.minor_units();
  }
  return sum;
}

std::optional<Date> last_payment_between(const CustomerLedger& ledger, Date from, Date to) {
  std::optional<Date> last;
  for (const Payment& p : ledger.payments) {
    if (p.date >= from && p.date <= to && (!last || p.date > *last)) last = p.date;
  }
  return last;
}

std::string overdue_summary(const std::vector<OverdueInvoice>& overdue, Money total) {
  const OverdueInvoice& oldest = overdue.front();
  return "oldest overdue invoice " + oldest.id + " is " + std::to_string(oldest.days_past_due) +
         (oldest.days_past_due == 1 ? " day" : " days") + " past due (due " + oldest.due_on.to_string() + "); " +
         std::to_string(overdue.size()) + " invoice" + (overdue.size() == 1 ? "" : "s") + " overdue, total " +
         money_text(total);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

// What made a step due on the day it became due. Put into words only for the steps that are due
// (most customers' next step is not, and planning skips the words for them).
struct Because {
  enum class Kind { kAge, kAfter, kPayment, kConversation, kLatest, kEscalation } kind = Kind::kAge;
  Date on;           // of the step it follows, the last payment or the last conversation
  int64_t days = 0;  // counted from `on`, or the latest days past due the plan allows
};

std::string words(const Because& b, const PlanStep& step, const std::string& escalation) {
  switch (b.kind) {
    case Because::Kind::kAge: return "";
    case Because::Kind::kAfter: return std::to_string(b.days) + " days since " + step.after + " on " + b.on.to_string();
    case Because::Kind::kPayment: return std::to_string(b.days) + " days since the last payment on " + b.on.to_string();
    case Because::Kind::kConversation:
      return std::to_string(b.days) + " days since the last conversation on " + b.on.to_string();
    case Because::Kind::kLatest:
      return "the oldest overdue invoice is " + std::to_string(b.days) + " days past due, the latest this plan allows";
    case Because::Kind::kEscalation: return escalation;
  }
  return "";
}

// A step that is due, with the day it became due and what made it due.
struct DueStep {
  size_t index;
  Date due_on;
  std::string why;  // "" when the overdue age itself is the reason
};

}  // namespace

std::string_view to_string(PlannerEventKind kind) {
  switch (kind) {
    case PlannerEventKind::kEpisodeOpened: return "episode.opened";
    case PlannerEventKind::kEpisodeClosed: return "episode.closed";
    case PlannerEventKind::kPromiseKept: return "promise.kept";
    case PlannerEventKind::kPromiseBroken: return "promise.broken";
    case PlannerEventKind::kPaymentPlanCompleted: return "payment_plan.completed";
    case PlannerEventKind::kPaymentPlanDefaulted: return "payment_plan.defaulted";
    case PlannerEventKind::kHoldEnded: return "hold.ended";
  }
  return "?";
}

DayPlan plan_day(const PlanSet& plans, const CustomerLedger& ledger, const CollectionState& state, Date day) {
  DayPlan out;
  out.day = day;
  out.next = state;
  CollectionState& next = out.next;
  const Currency currency = ledger.customer.currency;

  auto position = allocate(ledger, day);
  if (!position) {
    out.held = "cannot plan: " + position.status().message();
    return out;
  }
  // Oldest due first: allocate() orders the invoices by due date.
  std::vector<OverdueInvoice> overdue;
  int64_t overdue_minor = 0;
  for (const InvoicePosition& i : position->invoices) {
    if (!i.overdue_principal()) continue;
    overdue.push_back({i.invoice->id, i.invoice->due_date, i.days_past_due, i.open});
    overdue_minor += i.open.minor_units();  // cannot overflow: allocate() summed the same amounts
  }
  const Money overdue_total = Money::from_minor(overdue_minor, currency);

  const auto current_plan = [&]() -> const Plan& {
    if (next.episode && !next.episode->track_plan.empty()) {
      if (const Plan* track = plans.find(next.episode->track_plan)) return *track;
    }
    return plans.choose(ledger.customer, overdue_total);
  };
  const Plan* plan = &current_plan();
  std::vector<std::string> holding;
  bool escalate = false;
  std::string escalate_why;

  // Promises to pay.
  next.open_promises.clear();
  for (const PromiseToPay& p : state.open_promises) {
    const Date deadline = p.due_on.plus_days(plan->promise_grace_days);
    const int64_t paid = paid_between(ledger, p.made_on, std::min(day, deadline));
    const std::string what = "promise to pay " + money_text(p.amount) + " by " + p.due_on.to_string();
    if (paid >= p.amount.minor_units() || overdue.empty()) {
      out.events.push_back({PlannerEventKind::kPromiseKept, p.id,
                            what + " kept: " + money_text(Money::from_minor(paid, currency)) + " paid"});
    } else if (day > deadline) {
      out.events.push_back(
          {PlannerEventKind::kPromiseBroken, p.id,
           what + " broken: " + money_text(Money::from_minor(paid, currency)) + " paid by " + deadline.to_string()});
      escalate = true;
      escalate_why = "the " + what + " was broken";
    } else {
      next.open_promises.push_back(p);
      holding.push_back(what + " (no escalation until " + deadline.to_string() + ")");
    }
  }

  // The payment plan.
  if (state.payment_plan) {
    const PaymentPlan& pp = *state.payment_plan;
    int64_t total = 0;
    for (const Instalment& i : pp.instalments) total += i.amount.minor_units();
    const int64_t paid = paid_between(ledger, pp.agreed_on, day);
    if (paid >= total || overdue.empty()) {
      out.events.push_back({PlannerEventKind::kPaymentPlanCompleted, pp.id,
                            "payment plan of " + money_text(Money::from_minor(total, currency)) + " agreed on " +
                                pp.agreed_on.to_string() + " completed"});
      next.payment_plan.reset();
    } else {
      int64_t cumulative = 0;
      std::optional<Instalment> upcoming;
      for (size_t n = 0; n < pp.instalments.size(); ++n) {
        const Instalment& inst = pp.instalments[n];
        cumulative += inst.amount.minor_units();
        const Date deadline = inst.due_on.plus_days(plan->instalment_grace_days);
        if (deadline >= day) {
          if (!upcoming) upcoming = inst;
          continue;
        }
        if (paid_between(ledger, pp.agreed_on, deadline) < cumulative) {
          const std::string what = "instalment " + std::to_string(n + 1) + " of the payment plan (" +
                                   money_text(inst.amount) + " due " + inst.due_on.to_string() + ") was missed";
          out.events.push_back({PlannerEventKind::kPaymentPlanDefaulted, pp.id, what});
          next.payment_plan.reset();
          escalate = true;
          escalate_why = "the " + what;
          break;
        }
      }
      if (next.payment_plan) {
        holding.push_back(upcoming ? "payment plan current; next instalment " + money_text(upcoming->amount) + " due " +
                                         upcoming->due_on.to_string()
                                   : "payment plan current");
      }
    }
  }

  // Holds.
  next.holds.clear();
  bool hardship_over = false;
  for (const Hold& h : state.holds) {
    if (day > h.ends_on) {
      out.events.push_back({PlannerEventKind::kHoldEnded, h.id,
                            std::string(to_string(h.kind)) + " hold until " + h.ends_on.to_string() + " is over"});
      if (h.kind == HoldKind::kHardship && state.episode && h.starts_on >= state.episode->opened_on) {
        hardship_over = true;
      }
      continue;
    }
    next.holds.push_back(h);
    if (h.starts_on <= day) {
      holding.push_back((h.kind == HoldKind::kHardship ? "hardship pause until " : "on hold until ") +
                        h.ends_on.to_string() + (h.reason.empty() ? "" : ": " + h.reason));
    }
  }
  for (const FlagRecord& f : state.flags) {
    holding.push_back("contact stopped: " + std::string(to_string(f.flag)) + " flagged on " + f.set_on.to_string() +
                      (f.note.empty() ? "" : " (" + f.note + ")"));
  }

  // The episode.
  if (overdue.empty()) {
    if (next.episode) {
      out.events.push_back({PlannerEventKind::kEpisodeClosed, next.episode->number, "nothing is overdue"});
      next.episode.reset();
    }
    return out;
  }
  if (!next.episode) {
    Episode e;
    e.number = ++next.last_episode_number;
    e.opened_on = day;
    next.episode = e;
    out.events.push_back({PlannerEventKind::kEpisodeOpened, e.number, overdue_summary(overdue, overdue_total)});
  }
  Episode& episode = *next.episode;
  if (hardship_over && !plan->hardship_plan.empty()) {
    episode.track_plan = plan->hardship_plan;
    episode.track_since = day;
    plan = &current_plan();
  }
  if (episode.placed) {
    out.held = "placed with an agency: in-house contact has stopped";
    return out;
  }
  if (!holding.empty()) {
    out.held = join(holding, "; ");
    return out;
  }

  // Which steps are due. Steps before the most advanced one already recorded are behind the
  // customer: the ladder never goes back down.
  const Date oldest_due = overdue.front().due_on;
  // On a track, the ladder starts afresh on the day the track began.
  const bool on_track = !episode.track_plan.empty();
  const auto recorded = [&](std::string_view step) -> const StepRecord* {
    const StepRecord* r = episode.find(step);
    return r != nullptr && (!on_track || r->on >= episode.track_since) ? r : nullptr;
  };
  std::optional<Date> prev;
  if (on_track) prev = episode.track_since;
  size_t first = 0;
  for (size_t i = 0; i < plan->steps.size(); ++i) {
    if (const StepRecord* r = recorded(plan->steps[i].name)) {
      first = i + 1;
      prev = r->on;
    }
  }
  const std::optional<Date> last_payment = last_payment_between(ledger, episode.opened_on, day);
  std::map<std::string, Date, std::less<>> hypothetical;
  std::vector<DueStep> due;
  for (size_t i = first; i < plan->steps.size(); ++i) {
    const PlanStep& step = plan->steps[i];
    Date base = prev.value_or(Date::from_ymd(1970, 1, 1));
    Because why;
    if (step.days_past_due) base = std::max(base, oldest_due.plus_days(*step.days_past_due));
    if (!step.after.empty()) {
      std::optional<Date> after_on;
      if (const StepRecord* r = recorded(step.after)) {
        after_on = r->on;
      } else if (auto it = hypothetical.find(step.after); it != hypothetical.end()) {
        after_on = it->second;
      }
      if (!after_on) break;  // the step it follows has not happened and is not due
      if (after_on->plus_days(step.days_after) > base) {
        base = after_on->plus_days(step.days_after);
        why = {Because::Kind::kAfter, *after_on, step.days_after};
      }
    }
    Date when = base;
    if (last_payment && last_payment->plus_days(plan->payment_grace_days) > when) {
      when = last_payment->plus_days(plan->payment_grace_days);
      why = {Because::Kind::kPayment, *last_payment, plan->payment_grace_days};
    }
    const bool is_call = std::find(step.channels.begin(), step.channels.end(), Channel::kCall) != step.channels.end();
    if (is_call && state.last_conversation &&
        state.last_conversation->plus_days(plan->conversation_grace_days) > when) {
      when = state.last_conversation->plus_days(plan->conversation_grace_days);
      why = {Because::Kind::kConversation, *state.last_conversation, plan->conversation_grace_days};
    }
    if (step.latest_days_past_due) {
      const Date latest = std::max(base, oldest_due.plus_days(*step.latest_days_past_due));
      if (latest < when) {
        when = latest;
        why = {Because::Kind::kLatest, {}, *step.latest_days_past_due};
      }
    }
    if (escalate && i == first) {
      when = day;
      why = {Because::Kind::kEscalation, {}, 0};
    }
    if (when > day) break;
    due.push_back({i, when, words(why, step, escalate_why)});
    hypothetical.emplace(step.name, when);
    prev = when;
  }
  if (due.empty()) return out;

  // One step a day: the first that became due today; when all became due earlier (runs were
  // missed, a hold ended, the customer came in already late), the most advanced of them.
  size_t pick = due.size() - 1;
  for (size_t k = 0; k < due.size(); ++k) {
    if (due[k].due_on == day) {
      pick = k;
      break;
    }
  }
  const PlanStep& fired = plan->steps[due[pick].index];
  for (size_t k = 0; k < pick; ++k) {
    const PlanStep& skipped = plan->steps[due[k].index];
    out.skipped.push_back({skipped.name, plan->name,
                           "due on " + due[k].due_on.to_string() + " but not sent then; skipped so that only " +
                               fired.name + " goes out today"});
    episode.steps.push_back({skipped.name, StepStatus::kSkipped, day});
  }
  episode.steps.push_back({fired.name, StepStatus::kFired, day});
  if (std::find(fired.channels.begin(), fired.channels.end(), Channel::kAgency) != fired.channels.end()) {
    episode.placed = true;
  }
  PlannedAction action;
  action.step = fired.name;
  action.plan = plan->name;
  action.channels = fired.channels;
  action.agency = fired.agency;
  action.overdue = overdue_total;
  action.invoices = overdue;
  action.reason =
      fired.name + ": " + (due[pick].why.empty() ? "" : due[pick].why + "; ") + overdue_summary(overdue, overdue_total);
  if (due[pick].due_on < day) action.reason += " (due since " + due[pick].due_on.to_string() + ")";
  out.action = std::move(action);
  return out;
}

int64_t collectable_minor_units(int64_t overdue_minor, int64_t days_past_due) {
  // (days past due, chance in basis points)
  constexpr std::array<std::pair<int64_t, int64_t>, 5> kPriors{
      {{0, 10000}, {90, 7000}, {180, 5000}, {365, 2500}, {730, 1000}}};
  int64_t bp = 500;
  const int64_t age = std::max<int64_t>(days_past_due, 0);
  for (size_t i = 0; i + 1 < kPriors.size(); ++i) {
    const auto [d0, p0] = kPriors[i];
    const auto [d1, p1] = kPriors[i + 1];
    if (age <= d1) {
      bp = p0 + (p1 - p0) * (age - d0) / (d1 - d0);
      break;
    }
  }
  if (age == kPriors.back().first) bp = kPriors.back().second;
  // Split so that the product cannot overflow: bp <= 10000.
  return overdue_minor / 10000 * bp + overdue_minor % 10000 * bp / 10000;
}

}  // namespace squeaky
