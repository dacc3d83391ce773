#include "app/collect.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <future>
#include <iterator>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <date/tz.h>

#include "ledger/allocation.h"
#include "store/journal.h"

namespace squeaky {
namespace {

std::string invoices_json(const std::vector<OverdueInvoice>& invoices) {
  std::string out = "[";
  for (const OverdueInvoice& i : invoices) {
    if (out.size() > 1) out += ',';
    out += CanonicalJson()
               .add("days_past_due", i.days_past_due)
               .add("due_date", i.due_on.to_string())
               .add("id", i.id)
               .add("open", i.open.to_string())
               .str();
  }
  return out + "]";
}

std::string_view status_for(Channel channel) {
  switch (channel) {
    case Channel::kEmail:
    case Channel::kLetter: return "queued";
    case Channel::kCall: return "open";
    case Channel::kAgency: return "placed";
  }
  return "queued";
}

// The guard's decision on each channel of the day's action: stop flags, opt-outs, missing
// contacts, and suits on time-barred debts.
std::vector<GuardDecision> guard_action(const PlanSet& plans, const GuardSettings& settings,
                                        const CustomerLedger& ledger, const CollectionState& state,
                                        const DayPlan& plan) {
  std::vector<GuardDecision> decisions;
  if (!plan.action) return decisions;
  const PlannedAction& a = *plan.action;
  const ContactRules rules = rules_for(ledger.customer, settings);
  std::optional<std::string> barred;
  const Plan* chosen = plans.find(a.plan);
  const PlanStep* step = chosen != nullptr ? chosen->find_step(a.step) : nullptr;
  if (rules.time_bar && step != nullptr && step->threatens_suit && !a.invoices.empty()) {
    barred = time_barred(settings, ledger.customer, a.invoices.front().due_on, plan.day);
  }
  for (Channel channel : a.channels) {
    if (barred) {
      decisions.push_back({Verdict::kBlock, std::nullopt, "time-barred",
                           "no suit or threat of suit on a time-barred debt: " + *barred});
    } else {
      decisions.push_back(check_channel(rules, ledger, state, channel, a.step));
    }
  }
  return decisions;
}

// The fee the day's step charges, when its plan says so, some channel of it acts, and the terms
// allow it for this customer.
Result<std::optional<FeeCharge>> fee_for(const PlanSet& plans, const CustomerLedger& ledger, const DayPlan& plan,
                                         const std::vector<GuardDecision>& decisions) {
  if (!plan.action) return std::optional<FeeCharge>{};
  const PlannedAction& a = *plan.action;
  const Plan* chosen = plans.find(a.plan);
  const PlanStep* step = chosen != nullptr ? chosen->find_step(a.step) : nullptr;
  const bool acts = std::any_of(decisions.begin(), decisions.end(),
                                [](const GuardDecision& d) { return d.verdict != Verdict::kBlock; });
  if (step == nullptr || !step->charges_fee() || !acts) return std::optional<FeeCharge>{};
  const std::string code = ledger.customer.currency.code();
  FeeTerms terms;
  if (auto it = step->fee.find(code); it != step->fee.end()) terms.fixed = it->second;
  if (auto it = step->fee_max.find(code); it != step->fee_max.end()) terms.maximum = it->second;
  terms.percent_bp = step->fee_percent_bp;
  terms.allowed_on_consumers = chosen->fees_on_consumers;
  auto fee = contractual_fee(terms, a.overdue, ledger.customer.kind);
  if (!fee) return fee.status();
  if (!fee->amount.is_positive()) return std::optional<FeeCharge>{};
  return std::optional<FeeCharge>(std::move(*fee));
}

// Plans and guards one customer's day and adds it to the report when there is something to show.
Status add_to_report(RunReport& report, const PlanSet& plans, const GuardSettings& settings,
                     const CustomerLedger& ledger, const CollectionState& state, DayPlan plan) {
  const Customer& customer = ledger.customer;
  auto decisions = guard_action(plans, settings, ledger, state, plan);
  auto fee = fee_for(plans, ledger, plan, decisions);
  if (!fee) return Status(fee.status().code(), "customer " + customer.id + ": " + fee.status().message());
  report.fees += *fee ? 1 : 0;
  const bool contacts = plan.action && std::any_of(decisions.begin(), decisions.end(),
                                                   [](const GuardDecision& d) { return d.verdict != Verdict::kBlock; });
  std::optional<GuardDecision> validation_notice;
  if (contacts) {
    const ContactRules rules = rules_for(customer, settings);
    if (rules.validation_notice && (!state.episode || plan.next.episode->number != state.episode->number ||
                                    state.episode->find(kValidationNotice) == nullptr)) {
      validation_notice = check_channel(rules, ledger, state, Channel::kLetter, kValidationNotice);
    }
  }
  const bool busy = plan.action || !plan.skipped.empty() || !plan.events.empty();
  for (const GuardDecision& d : decisions) ++(d.verdict == Verdict::kBlock ? report.blocked : report.actions);
  report.skipped += plan.skipped.size();
  report.events += plan.events.size();
  if (busy) {
    report.customers.push_back(
        {customer.id, customer.name, std::move(plan), std::move(decisions), std::move(*fee), validation_notice});
  } else if (!plan.held.empty() && plan.next.episode) {
    report.held.push_back({customer.id, customer.name, std::move(plan.held)});
  }
  return Status::ok();
}

// Writes one customer's day through `txn`.
// Queues the day's letters and emails as held, for a person to approve before they go.
Status hold_for_review(StoreTransaction& txn, const std::vector<ActionRecord>& rows, const std::vector<int64_t>& ids,
                       std::string_view actor) {
  for (size_t i = 0; i < rows.size() && i < ids.size(); ++i) {
    if (rows[i].status != "queued" || (rows[i].channel != "email" && rows[i].channel != "letter")) continue;
    OutboxItem item;
    item.action_id = ids[i];
    item.customer_id = rows[i].customer_id;
    item.channel = rows[i].channel;
    item.step = rows[i].step;
    item.on = rows[i].on;
    item.status = "held";
    if (Status s = txn.update_outbox(item, "queued", "held", "held for review before sending", actor); !s.is_ok()) {
      return s;
    }
  }
  return Status::ok();
}

Status write_day(StoreTransaction& txn, const CustomerDay& day, const CollectionState& before,
                 const RunOptions& options, std::string_view actor) {
  const DayPlan& plan = day.plan;
  const std::string& id = day.customer_id;
  for (const PlannerEvent& e : plan.events) {
    Status s;
    switch (e.kind) {
      case PlannerEventKind::kEpisodeOpened: s = txn.open_episode(id, *plan.next.episode, e.detail, actor); break;
      case PlannerEventKind::kEpisodeClosed:
        s = txn.close_episode(id, static_cast<int>(e.ref), plan.day, e.detail, actor);
        break;
      case PlannerEventKind::kPromiseKept: s = txn.close_promise(e.ref, true, plan.day, e.detail, actor); break;
      case PlannerEventKind::kPromiseBroken: s = txn.close_promise(e.ref, false, plan.day, e.detail, actor); break;
      case PlannerEventKind::kPaymentPlanCompleted:
        s = txn.close_payment_plan(e.ref, "completed", plan.day, e.detail, actor);
        break;
      case PlannerEventKind::kPaymentPlanDefaulted:
        s = txn.close_payment_plan(e.ref, "defaulted", plan.day, e.detail, actor);
        break;
      case PlannerEventKind::kHoldEnded: s = txn.end_hold(e.ref, plan.day, e.detail, actor); break;
    }
    if (!s.is_ok()) return s;
  }
  if (plan.next.episode && before.episode && plan.next.episode->number == before.episode->number &&
      plan.next.episode->track_plan != before.episode->track_plan) {
    if (Status s = txn.set_episode_track(id, plan.next.episode->number, plan.next.episode->track_plan,
                                         plan.next.episode->track_since, actor);
        !s.is_ok()) {
      return s;
    }
  }
  const int episode = plan.next.episode ? plan.next.episode->number : 0;
  for (const SkippedStep& skip : plan.skipped) {
    ActionRecord r;
    r.customer_id = id;
    r.episode = episode;
    r.step = skip.step;
    r.on = plan.day;
    r.status = "skipped";
    r.plan = skip.plan;
    r.reason = skip.reason;
    if (auto written = txn.record_actions({r}, actor); !written) return written.status();
  }
  if (plan.action) {
    const PlannedAction& a = *plan.action;
    std::vector<ActionRecord> rows;
    for (size_t c = 0; c < a.channels.size(); ++c) {
      const Channel channel = a.channels[c];
      const GuardDecision* guard = c < day.guard.size() ? &day.guard[c] : nullptr;
      const bool blocked = guard != nullptr && guard->verdict == Verdict::kBlock;
      ActionRecord r;
      r.customer_id = id;
      r.episode = episode;
      r.step = a.step;
      r.channel = std::string(to_string(channel));
      r.on = plan.day;
      r.status = blocked ? "blocked" : std::string(status_for(channel));
      r.amount = a.overdue;
      r.plan = a.plan;
      r.agency = a.agency;  // the letter of a placement step names the agency too
      r.reason = blocked ? a.reason + "; blocked (" + guard->rule + "): " + guard->reason : a.reason;
      r.invoices = invoices_json(a.invoices);
      rows.push_back(std::move(r));
    }
    if (day.validation_notice) {
      // Recorded before the step's own rows, which close the customer's earlier call tasks only.
      ActionRecord notice = rows.front();
      notice.step = std::string(kValidationNotice);
      notice.channel = "letter";
      notice.agency.clear();
      notice.reason = "validation notice with the first contact of a third-party consumer account (" + a.step + ")";
      const GuardDecision& guard = *day.validation_notice;
      notice.status = guard.verdict == Verdict::kBlock ? "blocked" : "queued";
      if (guard.verdict == Verdict::kBlock) notice.reason += "; blocked (" + guard.rule + "): " + guard.reason;
      auto written = txn.record_actions({notice}, actor);
      if (!written) return written.status();
      if (options.review_messages) {
        if (Status s = hold_for_review(txn, {notice}, *written, actor); !s.is_ok()) return s;
      }
    }
    auto written = txn.record_actions(rows, actor);
    if (!written) return written.status();
    if (options.review_messages) {
      if (Status s = hold_for_review(txn, rows, *written, actor); !s.is_ok()) return s;
    }
    if (day.fee) {
      Invoice fee;
      fee.id = "FEE-" + id + "-" + std::to_string(episode) + "-" + a.step;
      fee.customer_id = id;
      fee.issue_date = plan.day;
      fee.due_date = plan.day;
      fee.amount = day.fee->amount;
      fee.reference = a.step + " fee";
      fee.description = day.fee->explanation;
      fee.kind = InvoiceKind::kFee;
      auto existing = txn.find_invoice(fee.id);
      if (!existing) return existing.status();
      if (!*existing) {
        if (auto put = txn.put_invoice(fee, actor); !put) return put.status();
      }
    }
  }
  return Status::ok();
}

const CollectionState kNoState{};

const CollectionState& state_of(const std::unordered_map<std::string, CollectionState>& states, const std::string& id) {
  auto it = states.find(id);
  return it == states.end() ? kNoState : it->second;
}

Result<Customer> existing_customer(Store& store, const std::string& customer_id) {
  auto ledger = store.customer_ledger(customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + customer_id + "'");
  return std::move((*ledger)->customer);
}

// Whether a call to the customer may be made at `now`: the channel, the call frequency, then the
// debtor's convenient hours.
GuardDecision guard_call(const GuardSettings& settings, const CustomerLedger& ledger, const CollectionState& state,
                         const std::vector<CallRecord>& calls, Date day, Timestamp now) {
  const ContactRules rules = rules_for(ledger.customer, settings);
  GuardDecision d = check_channel(rules, ledger, state, Channel::kCall, "call");
  if (d.verdict == Verdict::kAllow) d = check_call_frequency(rules, calls, day, settings);
  if (d.verdict == Verdict::kAllow) d = check_hours(zones_of(ledger.customer, settings), now, settings);
  return d;
}

}  // namespace

struct DayPlanner::Batch {
  std::vector<CustomerLedger> ledgers;  // reused from batch to batch: only the first `used` count
  size_t used = 0;
  size_t invoices = 0;
  std::vector<const CollectionState*> states;  // of ledgers[i]
  RunReport part;
  std::promise<Status> planned;
  std::future<Status> done;
};

// The threads that plan batches, started once per run rather than once per batch: a thread's
// start and end cost the kernel a stack mapped and unmapped, which stalls the other threads'
// page faults.
struct DayPlanner::Workers {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Batch*> waiting;
  bool stop = false;
  std::vector<std::thread> threads;

  Workers(const DayPlanner& planner, int count) {
    for (int n = 0; n < count; ++n) {
      threads.emplace_back([this, &planner] {
        for (;;) {
          Batch* b = nullptr;
          {
            std::unique_lock lock(mutex);
            wake.wait(lock, [this] { return stop || !waiting.empty(); });
            if (waiting.empty()) return;
            b = waiting.front();
            waiting.pop_front();
          }
          try {
            b->planned.set_value(planner.plan(*b));
          } catch (...) {  // out of memory: the caller's future rethrows it, as it would on its own thread
            b->planned.set_exception(std::current_exception());
          }
        }
      });
    }
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    wake.notify_all();
    for (std::thread& t : threads) t.join();
  }
  void hand(Batch* b) {
    {
      std::lock_guard lock(mutex);
      waiting.push_back(b);
    }
    wake.notify_one();
  }
};

namespace {
// A batch is handed to a thread when it holds this many customers or invoices, whichever first:
// enough work to be worth a thread, little enough to keep the copies in the cache's reach.
constexpr size_t kBatchCustomers = 1024;
constexpr size_t kBatchInvoices = 16384;
}  // namespace

DayPlanner::DayPlanner(const PlanSet& plans, const GuardSettings& rules,
                       const std::unordered_map<std::string, CollectionState>& states, Date day, int threads)
    : plans_(plans), rules_(rules), states_(states), day_(day), threads_(threads), filling_(std::make_unique<Batch>()) {
  report_.as_of = day;
}

DayPlanner::~DayPlanner() {
  for (auto& batch : under_way_) {
    if (batch->done.valid()) batch->done.wait();
  }
}

Status DayPlanner::add(const CustomerLedger& ledger) {
  Batch& b = *filling_;
  if (b.used < b.ledgers.size()) {
    b.ledgers[b.used] = ledger;  // assignment keeps the room the strings and vectors already have
  } else {
    b.ledgers.push_back(ledger);
  }
  return added(b.ledgers[b.used]);
}

Status DayPlanner::add(CustomerLedger&& ledger) {
  Batch& b = *filling_;
  if (b.used == b.ledgers.size()) b.ledgers.emplace_back();
  std::swap(b.ledgers[b.used], ledger);
  return added(b.ledgers[b.used]);
}

Status DayPlanner::added(const CustomerLedger& ledger) {
  Batch& b = *filling_;
  ++b.used;
  b.invoices += ledger.invoices.size();
  return b.used >= kBatchCustomers || b.invoices >= kBatchInvoices ? launch() : Status::ok();
}

Status DayPlanner::plan(Batch& b) const {
  // Every customer's state first: the lookups are independent, so their cache misses overlap
  // instead of each waiting behind a customer's planning.
  b.states.resize(b.used);
  for (size_t i = 0; i < b.used; ++i) b.states[i] = &state_of(states_, b.ledgers[i].customer.id);
  for (size_t i = 0; i < b.used; ++i) {
    const CustomerLedger& ledger = b.ledgers[i];
    const CollectionState& state = *b.states[i];
    if (Status s = add_to_report(b.part, plans_, rules_, ledger, state, plan_day(plans_, ledger, state, day_));
        !s.is_ok()) {
      return s;
    }
  }
  return Status::ok();
}

Status DayPlanner::launch() {
  std::unique_ptr<Batch> batch = std::move(filling_);
  if (spare_.empty()) {
    filling_ = std::make_unique<Batch>();
  } else {
    filling_ = std::move(spare_.back());
    spare_.pop_back();
  }
  batch->planned = std::promise<Status>();
  batch->done = batch->planned.get_future();
  if (threads_ <= 1) {
    batch->planned.set_value(plan(*batch));
  } else {
    while (under_way_.size() >= static_cast<size_t>(threads_)) {
      if (Status s = merge_oldest(); !s.is_ok()) return s;
    }
    if (!workers_) workers_ = std::make_unique<Workers>(*this, threads_);
    workers_->hand(batch.get());
  }
  under_way_.push_back(std::move(batch));
  return threads_ <= 1 ? merge_oldest() : Status::ok();
}

Status DayPlanner::merge_oldest() {
  std::unique_ptr<Batch> b = std::move(under_way_.front());
  under_way_.pop_front();
  Status planned = b->done.get();
  RunReport& part = b->part;
  if (planned.is_ok()) {
    std::move(part.customers.begin(), part.customers.end(), std::back_inserter(report_.customers));
    std::move(part.held.begin(), part.held.end(), std::back_inserter(report_.held));
    report_.actions += part.actions;
    report_.blocked += part.blocked;
    report_.skipped += part.skipped;
    report_.events += part.events;
    report_.fees += part.fees;
  }
  part = RunReport{};
  b->used = 0;
  b->invoices = 0;
  spare_.push_back(std::move(b));
  return planned;
}

Result<RunReport> DayPlanner::finish() {
  if (filling_->used > 0) {
    if (Status s = launch(); !s.is_ok()) return s;
  }
  while (!under_way_.empty()) {
    if (Status s = merge_oldest(); !s.is_ok()) return s;
  }
  return std::move(report_);
}

Result<Shard> Shard::parse(std::string_view text) {
  const auto number = [](std::string_view digits, int& out) {
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
  };
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string_view::npos || !number(text.substr(0, slash), s.index) ||
      !number(text.substr(slash + 1), s.count)) {
    return Status::invalid("is not K/N (this machine's part K of N parts, such as 2/3)");
  }
  if (s.count < 1 || s.count > 1024)
    return Status::invalid("splits the customers into 1 to 1024 parts, not " + std::to_string(s.count));
  if (s.index < 1 || s.index > s.count) {
    return Status::invalid("names part " + std::to_string(s.index) + " of " + std::to_string(s.count) +
                           ": the part is 1 to " + std::to_string(s.count));
  }
  return s;
}

bool Shard::owns(std::string_view customer_id) const {
  if (count == 1) return true;
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: the same on every machine and compiler
  for (char c : customer_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return static_cast<int>(h % static_cast<uint64_t>(count)) == index - 1;
}

namespace {
// Plans `day` for every customer of `shard` as the ledger is read, on every core.
Result<RunReport> plan_whole_day(Store& store, const PlanSet& plans, const GuardSettings& rules,
                                 const std::unordered_map<std::string, CollectionState>& states, Date day,
                                 const Shard& shard) {
  DayPlanner planner(plans, rules, states, day, static_cast<int>(std::thread::hardware_concurrency()));
  Status visited = store.for_each_customer_ledger([&](CustomerLedger& ledger) {
    return shard.owns(ledger.customer.id) ? planner.add(std::move(ledger)) : Status::ok();
  });
  if (!visited.is_ok()) return visited;
  return planner.finish();
}
}  // namespace

Result<RunReport> run_day(Store& store, const PlanSet& plans, Date as_of, const GuardSettings& rules,
                          const RunOptions& options) {
  RunReport report;
  report.as_of = as_of;
  const Shard& shard = options.shard;
  if (!shard.whole()) report.part = shard.to_string();
  // The whole day, then (when running a part) this part: each goes forward in time.
  for (bool part : {false, true}) {
    if (part && shard.whole()) break;
    auto last = part ? store.last_run_part(shard.index, shard.count) : store.last_run();
    if (!last) return last.status();
    const std::string what = part ? "part " + shard.to_string() + " of the day " : "the day ";
    if (*last && **last > as_of) {
      return Status::conflict(what + as_of.to_string() + " cannot be run after " + (*last)->to_string() +
                              " was: runs go forward in time");
    }
    if (*last && **last == as_of) {
      report.already_run = true;
      return report;
    }
  }
  auto states = store.collection_states();
  if (!states) return states.status();
  {
    auto planned = plan_whole_day(store, plans, rules, *states, as_of, shard);
    if (!planned) return planned.status();
    planned->part = std::move(report.part);
    report = std::move(*planned);
  }
  const std::string actor = "run " + as_of.to_string() + (shard.whole() ? "" : " part " + shard.to_string()) +
                            (options.by.empty() ? "" : " by " + options.by);
  Status written = in_transaction(store, [&](StoreTransaction& txn) {
    for (const CustomerDay& day : report.customers) {
      if (Status s = write_day(txn, day, state_of(*states, day.customer_id), options, actor); !s.is_ok()) return s;
    }
    const auto actions = static_cast<int64_t>(report.actions);
    const auto skipped = static_cast<int64_t>(report.skipped);
    if (shard.whole()) return txn.record_run(as_of, actions, skipped, actor);
    return txn.record_run_part(as_of, shard.index, shard.count, actions, skipped, actor);
  });
  if (!written.is_ok()) return written;
  return report;
}

Result<std::vector<RunReport>> forecast(Store& store, const PlanSet& plans, Date from, int days,
                                        const GuardSettings& rules) {
  auto states = store.collection_states();
  if (!states) return states.status();
  if (days == 1) {  // planned as the run plans it, without holding the ledger
    auto planned = plan_whole_day(store, plans, rules, *states, from, Shard{});
    if (!planned) return planned.status();
    std::vector<RunReport> reports;
    reports.push_back(std::move(*planned));
    return reports;
  }
  // Several days: each customer's state is carried from one day to the next, so the ledgers are
  // kept and planned one customer after another.
  std::vector<CustomerLedger> ledgers;
  Status loaded = store.for_each_customer_ledger([&](CustomerLedger& ledger) {
    ledgers.push_back(std::move(ledger));  // the store refills what it gets back
    return Status::ok();
  });
  if (!loaded.is_ok()) return loaded;
  std::vector<RunReport> reports;
  for (int d = 0; d < days; ++d) {
    RunReport report;
    report.as_of = from.plus_days(d);
    for (const CustomerLedger& ledger : ledgers) {
      DayPlan plan = plan_day(plans, ledger, state_of(*states, ledger.customer.id), report.as_of);
      const CollectionState before = state_of(*states, ledger.customer.id);
      (*states)[ledger.customer.id] = plan.next;
      if (Status s = add_to_report(report, plans, rules, ledger, before, std::move(plan)); !s.is_ok()) return s;
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

Result<std::vector<WorkItem>> worklist(Store& store, Date as_of, Timestamp now, const GuardSettings& rules) {
  auto tasks = store.actions("", "open");
  if (!tasks) return tasks.status();
  auto states = store.collection_states();
  if (!states) return states.status();
  std::vector<WorkItem> items;
  for (const ActionRecord& task : *tasks) {
    auto ledger = store.customer_ledger(task.customer_id);
    if (!ledger) return ledger.status();
    if (!*ledger) continue;
    const CustomerLedger& l = **ledger;
    auto position = allocate(l, as_of);
    if (!position) return position.status();
    WorkItem item;
    item.customer_id = l.customer.id;
    item.name = l.customer.name;
    item.task = task;
    int64_t overdue = 0;
    for (const InvoicePosition& i : position->invoices) {
      if (!i.overdue_principal()) continue;
      overdue += i.open.minor_units();
      item.days_past_due = std::max(item.days_past_due, i.days_past_due);
    }
    item.overdue = Money::from_minor(overdue, l.customer.currency);
    item.expected = Money::from_minor(collectable_minor_units(overdue, item.days_past_due), l.customer.currency);
    item.phones =
        usable_contacts(rules_for(l.customer, rules), l, state_of(*states, l.customer.id), ContactChannel::kPhone);
    // The debtor's local time in each zone the customer names (none when it names none).
    if (!l.customer.timezone.empty()) {
      for (const std::string& zone : zones_of(l.customer, rules)) {
        const date::zoned_seconds local{zone, now.seconds()};
        item.local_time += (item.local_time.empty() ? "" : ", ") + date::format("%H:%M %a", local) + " (" + zone + ")";
      }
    }
    auto actions = store.actions(l.customer.id, "");
    if (!actions) return actions.status();
    auto calls = store.calls(l.customer.id);
    if (!calls) return calls.status();
    std::vector<std::pair<Date, std::string>> history;
    for (const ActionRecord& a : *actions) {
      if (a.id == task.id || a.status == "skipped") continue;
      history.emplace_back(a.on, a.on.to_string() + " " + a.step + (a.channel.empty() ? "" : " (" + a.channel + ")"));
    }
    for (const CallRecord& c : *calls) {
      history.emplace_back(c.on, c.on.to_string() + " call: " + std::string(to_string(c.outcome)) +
                                     (c.note.empty() ? "" : " - " + c.note));
    }
    std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < history.size() && i < 5; ++i) item.history.push_back(history[i].second);
    item.guard = guard_call(rules, l, state_of(*states, l.customer.id), *calls, as_of, now);
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const WorkItem& a, const WorkItem& b) {
    const bool a_now = a.guard.verdict == Verdict::kAllow;
    const bool b_now = b.guard.verdict == Verdict::kAllow;
    if (a_now != b_now) return a_now;
    if (!a_now) {
      const auto a_until = a.guard.until.value_or(Timestamp(std::chrono::sys_seconds::max()));
      const auto b_until = b.guard.until.value_or(Timestamp(std::chrono::sys_seconds::max()));
      if (a_until != b_until) return a_until < b_until;
      return a.customer_id < b.customer_id;
    }
    // Amounts in different currencies are ranked as numbers of major units.
    const auto major = [](const WorkItem& w) {
      int64_t scale = 1;
      for (int i = 0; i < w.expected.currency().minor_digits(); ++i) scale *= 10;
      return w.expected.minor_units() / scale;
    };
    return major(a) != major(b) ? major(a) > major(b) : a.customer_id < b.customer_id;
  });
  return items;
}

Status log_call(Store& store, const PlanSet& plans, const CallLog& call, std::string_view actor) {
  auto ledger = store.customer_ledger(call.customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + call.customer_id + "'");
  const CustomerLedger& l = **ledger;
  auto position = allocate(l, call.on);
  if (!position) return position.status();
  int64_t overdue = 0;
  for (const InvoicePosition& i : position->invoices) {
    if (i.overdue_principal()) overdue += i.open.minor_units();
  }
  const Money overdue_total = Money::from_minor(overdue, l.customer.currency);
  if (call.outcome == CallOutcome::kPromise && (!call.amount || !call.date)) {
    return Status::invalid("a promise needs --amount and --date");
  }
  if (call.outcome == CallOutcome::kDispute && call.invoice_id.empty()) {
    return Status::invalid("a dispute needs --invoice");
  }
  if (call.amount && call.amount->currency() != l.customer.currency) {
    return Status::invalid("the amount must be in the customer's currency " + l.customer.currency.code());
  }
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    auto logged = txn.log_call({0, call.customer_id, call.on, call.outcome, call.note}, actor);
    if (!logged) return logged.status();
    switch (call.outcome) {
      case CallOutcome::kPromise:
      case CallOutcome::kPaid: {
        const Money amount = call.amount.value_or(overdue_total);
        if (!amount.is_positive()) return Status::ok();  // nothing overdue: nothing to wait for
        const Date due = call.date.value_or(call.on);
        if (due < call.on) return Status::invalid("the promised date " + due.to_string() + " is in the past");
        auto added = txn.add_promise(call.customer_id, {0, call.on, due, amount}, actor);
        return added ? Status::ok() : added.status();
      }
      case CallOutcome::kDispute: {
        auto invoice = txn.find_invoice(call.invoice_id);
        if (!invoice) return invoice.status();
        if (!*invoice || (*invoice)->customer_id != call.customer_id) {
          return Status::not_found("customer " + call.customer_id + " has no invoice '" + call.invoice_id + "'");
        }
        auto opened = txn.open_dispute({0, call.invoice_id, call.customer_id, call.on, std::nullopt,
                                        call.note.empty() ? "disputed on a call" : call.note, ""},
                                       actor);
        return opened ? Status::ok() : opened.status();
      }
      case CallOutcome::kHardship: {
        const Plan& plan = plans.choose(l.customer, overdue_total);
        auto added = txn.add_hold(
            call.customer_id,
            {0, HoldKind::kHardship, call.on, call.on.plus_days(plan.hardship_pause_days - 1), call.note}, actor);
        return added ? Status::ok() : added.status();
      }
      default: return Status::ok();
    }
  });
}

Status record_promise(Store& store, const std::string& customer_id, Money amount, Date made_on, Date due_on,
                      std::string_view actor) {
  auto customer = existing_customer(store, customer_id);
  if (!customer) return customer.status();
  if (amount.currency() != customer->currency) {
    return Status::invalid("the amount must be in the customer's currency " + customer->currency.code());
  }
  if (!amount.is_positive()) return Status::invalid("a promise must be for more than zero");
  if (due_on < made_on) return Status::invalid("the promised date " + due_on.to_string() + " is in the past");
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    auto added = txn.add_promise(customer_id, {0, made_on, due_on, amount}, actor);
    return added ? Status::ok() : added.status();
  });
}

Status record_payment_plan(Store& store, const std::string& customer_id, Date agreed_on,
                           std::vector<Instalment> instalments, std::string_view actor) {
  auto customer = existing_customer(store, customer_id);
  if (!customer) return customer.status();
  if (instalments.empty()) return Status::invalid("a payment plan needs at least one instalment");
  std::sort(instalments.begin(), instalments.end(),
            [](const Instalment& a, const Instalment& b) { return a.due_on < b.due_on; });
  for (const Instalment& i : instalments) {
    if (i.amount.currency() != customer->currency || !i.amount.is_positive()) {
      return Status::invalid("instalment " + i.due_on.to_string() + ": the amount must be more than zero in " +
                             customer->currency.code());
    }
    if (i.due_on < agreed_on) return Status::invalid("instalment " + i.due_on.to_string() + " is before the plan");
  }
  auto state = store.collection_state(customer_id);
  if (!state) return state.status();
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    if (state->payment_plan) {
      if (Status s = txn.close_payment_plan(state->payment_plan->id, "cancelled", agreed_on,
                                            "replaced by a new payment plan", actor);
          !s.is_ok()) {
        return s;
      }
    }
    auto added = txn.add_payment_plan(customer_id, {0, agreed_on, instalments}, actor);
    return added ? Status::ok() : added.status();
  });
}

Status open_dispute(Store& store, const std::string& invoice_id, Date on, const std::string& reason,
                    std::string_view actor) {
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    auto invoice = txn.find_invoice(invoice_id);
    if (!invoice) return invoice.status();
    if (!*invoice) return Status::not_found("no invoice '" + invoice_id + "'");
    auto existing = store.open_dispute_on(invoice_id);
    if (!existing) return existing.status();
    if (*existing) {
      return Status::conflict("invoice " + invoice_id + " is already disputed (since " +
                              (*existing)->opened_on.to_string() + ": " + (*existing)->reason + ")");
    }
    auto opened = txn.open_dispute({0, invoice_id, (*invoice)->customer_id, on, std::nullopt, reason, ""}, actor);
    return opened ? Status::ok() : opened.status();
  });
}

Status resolve_dispute(Store& store, const std::string& invoice_id, Date on, const std::string& resolution,
                       std::string_view actor) {
  auto existing = store.open_dispute_on(invoice_id);
  if (!existing) return existing.status();
  if (!*existing) return Status::not_found("invoice '" + invoice_id + "' has no open dispute");
  if (on < (*existing)->opened_on) {
    return Status::invalid("the dispute was opened on " + (*existing)->opened_on.to_string() +
                           "; it cannot be resolved before");
  }
  return in_transaction(
      store, [&](StoreTransaction& txn) { return txn.resolve_dispute((*existing)->id, on, resolution, actor); });
}

Status add_hold(Store& store, const PlanSet& plans, const std::string& customer_id, Date on, std::optional<Date> until,
                bool hardship, const std::string& reason, std::string_view actor) {
  auto ledger = store.customer_ledger(customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + customer_id + "'");
  Date ends_on = on;
  if (hardship) {
    const Plan& plan = plans.choose((*ledger)->customer, Money::zero((*ledger)->customer.currency));
    ends_on = until.value_or(on.plus_days(plan.hardship_pause_days - 1));
  } else {
    if (!until) return Status::invalid("a hold needs --until DATE");
    ends_on = *until;
  }
  if (ends_on < on) return Status::invalid("the hold would end (" + ends_on.to_string() + ") before it starts");
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    auto added =
        txn.add_hold(customer_id, {0, hardship ? HoldKind::kHardship : HoldKind::kManual, on, ends_on, reason}, actor);
    return added ? Status::ok() : added.status();
  });
}

Status set_flag(Store& store, const std::string& customer_id, StopFlag flag, Date on, const std::string& note,
                std::string_view actor) {
  auto customer = existing_customer(store, customer_id);
  if (!customer) return customer.status();
  return in_transaction(store, [&](StoreTransaction& txn) {
    return txn.set_flag(customer_id, {flag, on, note}, actor);
  });
}

Status clear_flag(Store& store, const std::string& customer_id, StopFlag flag, Date on, std::string_view actor) {
  auto customer = existing_customer(store, customer_id);
  if (!customer) return customer.status();
  return in_transaction(store, [&](StoreTransaction& txn) { return txn.clear_flag(customer_id, flag, on, actor); });
}

Status record_opt_out(Store& store, const std::string& customer_id, const std::string& channel,
                      const std::string& contact, Date on, const std::string& note, std::string_view actor) {
  auto customer = existing_customer(store, customer_id);
  if (!customer) return customer.status();
  if (channel != "email" && channel != "phone" && channel != "letter") {
    return Status::invalid("channel '" + channel + "' is not email, phone or letter");
  }
  if (!contact.empty()) {
    if (channel == "letter") return Status::invalid("a letter opt-out covers the postal address; give no contact");
    const bool known = std::any_of(customer->contacts.begin(), customer->contacts.end(), [&](const Contact& c) {
      return to_string(c.channel) == channel && c.value == contact;
    });
    if (!known)
      return Status::not_found("customer " + customer_id + " has no " + channel + " contact '" + contact + "'");
  }
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    auto added = txn.add_opt_out(customer_id, {0, channel, contact, on, note}, actor);
    return added ? Status::ok() : added.status();
  });
}

}  // namespace squeaky
