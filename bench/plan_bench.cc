// Micro-benchmark of the daily run's planning alone: DayPlanner (app/collect.h) over ledgers held
// in memory, no database, on one thread and on every core. The figure that matters is invoices
// planned per second (items_per_second): each customer is allocated, aged, put on its plan's
// ladder and its day's action guarded.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/collect.h"

namespace squeaky {
namespace {

// `customers` customers of 10 invoices each, issued over the last year; two in three invoices
// paid, the rest overdue by up to a year or not yet due, so that the shipped plans fire every
// kind of step somewhere.
std::vector<CustomerLedger> ledgers(int customers) {
  const Currency usd = *Currency::from_code("USD");
  const Date as_of = Date::from_ymd(2026, 3, 31);
  std::vector<CustomerLedger> out;
  out.reserve(static_cast<size_t>(customers));
  for (int n = 0; n < customers; ++n) {
    CustomerLedger l;
    l.customer.id = "C" + std::to_string(1000000 + n);
    l.customer.name = "Customer " + std::to_string(n);
    l.customer.kind = n % 4 == 0 ? CustomerKind::kConsumer : CustomerKind::kBusiness;
    l.customer.country = "US";
    l.customer.timezone = "America/Chicago";
    l.customer.currency = usd;
    l.customer.contacts = {{ContactChannel::kEmail, ContactType::kWork, "ap@example.com"},
                           {ContactChannel::kPhone, ContactType::kWork, "+1 512 555 0100"}};
    l.customer.address = {"1 Main St", "", "Austin", "78701"};
    for (int i = 0; i < 10; ++i) {
      const Date issued = as_of.plus_days(-((n * 17 + i * 37) % 365));
      Invoice invoice{
          "INV-" + std::to_string(n) + "-" + std::to_string(i),  l.customer.id, issued, issued.plus_days(30),
          Money::from_minor(10000 + 131 * ((n + i) % 997), usd), "PO-1",        ""};
      if ((n + i) % 3 != 0 && issued.plus_days(45) <= as_of) {
        l.payments.push_back({"PAY-" + invoice.id, l.customer.id, issued.plus_days(45), invoice.amount, "ach", "",
                              i % 2 == 0 ? invoice.id : ""});
      }
      l.invoices.push_back(std::move(invoice));
    }
    out.push_back(std::move(l));
  }
  return out;
}

// Plans `ledgers` for `day` on `threads` threads, handing each ledger over as the store's visit
// does (without a copy): `all` is left holding other ledgers.
Result<RunReport> plan(std::vector<CustomerLedger>& all, const std::unordered_map<std::string, CollectionState>& states,
                       Date day, int threads) {
  DayPlanner planner(default_plan_set(), {}, states, day, threads);
  for (CustomerLedger& l : all) {
    if (Status s = planner.add(std::move(l)); !s.is_ok()) return s;
  }
  return planner.finish();
}

// Arguments: customers; threads (0: one per core); 0 for the first run of a new ledger (every
// overdue customer catches up: an action, skipped steps and events for most), 1 for the next,
// ordinary day (each customer's state after the first run: a few steps fall due).
void BM_PlanDay(benchmark::State& state) {
  const std::vector<CustomerLedger> all = ledgers(static_cast<int>(state.range(0)));
  const int threads =
      state.range(1) > 0 ? static_cast<int>(state.range(1)) : static_cast<int>(std::thread::hardware_concurrency());
  Date day = Date::from_ymd(2026, 3, 31);
  std::unordered_map<std::string, CollectionState> states;
  if (state.range(2) == 1) {
    std::vector<CustomerLedger> copy = all;
    auto first = plan(copy, states, day, threads);
    if (!first) {
      state.SkipWithError("planning failed");
      return;
    }
    for (const CustomerDay& c : first->customers) states[c.customer_id] = c.plan.next;
    day = day.plus_days(1);
  }
  size_t actions = 0;
  std::vector<CustomerLedger> fresh;
  for (auto _ : state) {
    state.PauseTiming();  // the ledgers as the store would have read them
    fresh = all;
    state.ResumeTiming();
    auto report = plan(fresh, states, day, threads);
    if (!report) {
      state.SkipWithError("planning failed");
      return;
    }
    actions = report->actions;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 10);
  state.counters["actions"] = static_cast<double>(actions);
  state.counters["threads"] = threads;
}
// 100,000 customers (1M invoices): the first run, then the next day, each on one thread and on
// every core.
BENCHMARK(BM_PlanDay)
    ->ArgNames({"customers", "threads", "next_day"})
    ->Args({100000, 1, 0})
    ->Args({100000, 0, 0})
    ->Args({100000, 1, 1})
    ->Args({100000, 0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace squeaky
