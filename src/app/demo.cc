#include "app/demo.h"

#include <filesystem>

#include "app/collect.h"
#include "app/database.h"

namespace squeaky {
namespace {

// A small deterministic hash (FNV-1a) of a customer and a day: the demo's dice.
uint64_t dice(std::string_view customer_id, Date day, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (char c : customer_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  h = (h ^ static_cast<uint64_t>(day.days().time_since_epoch().count())) * 1099511628211ULL;
  return h ^ (h >> 29);
}

// The collectors' day: every open call task gets an outcome.
Status work_calls(Store& store, const PlanSet& plans, Date day, uint64_t seed, DemoReport& report) {
  auto tasks = store.actions("", "open");
  if (!tasks) return tasks.status();
  for (const ActionRecord& task : *tasks) {
    const uint64_t roll = dice(task.customer_id, day, seed) % 100;
    CallLog call;
    call.customer_id = task.customer_id;
    call.on = day;
    if (roll < 30) {
      call.outcome = CallOutcome::kPromise;
      call.amount = task.amount;
      call.date = day.plus_days(static_cast<int64_t>(5 + roll % 10));
      call.note = "will pay by bank transfer";
    } else if (roll < 55) {
      call.outcome = CallOutcome::kNoAnswer;
    } else if (roll < 72) {
      call.outcome = CallOutcome::kLeftMessage;
      call.note = "asked to call back";
    } else if (roll < 84) {
      call.outcome = CallOutcome::kRefused;
      call.note = "says the owner deals with it";
    } else if (roll < 90) {
      call.outcome = CallOutcome::kWrongNumber;
    } else if (roll < 95) {
      call.outcome = CallOutcome::kDispute;
      // The oldest overdue invoice named in the task.
      const std::string& invoices = task.invoices;
      const size_t at = invoices.find("\"id\":\"");
      if (at == std::string::npos) continue;
      call.invoice_id = invoices.substr(at + 6, invoices.find('"', at + 6) - at - 6);
      call.note = "says the goods arrived damaged";
      auto disputed = store.open_dispute_on(call.invoice_id);
      if (!disputed) return disputed.status();
      if (*disputed) call.outcome = CallOutcome::kRefused;
    } else {
      call.outcome = CallOutcome::kHardship;
      call.note = "business lost its main client";
    }
    if (Status s = log_call(store, plans, call, "user demo-collector"); !s.is_ok()) return s;
    ++report.outcomes[std::string(to_string(call.outcome))];
  }
  return Status::ok();
}

}  // namespace

Result<DemoReport> build_demo(const DemoOptions& options, const PlanSet& plans, const Clock& clock) {
  DemoReport report;
  GenerateOptions g;
  g.customers = options.customers;
  g.invoices = options.invoices;
  g.seed = options.seed;
  g.as_of = options.as_of;
  auto counts = generate_ledger_csv(g, options.dir);
  if (!counts) return counts.status();
  report.generated = *counts;
  report.db = (std::filesystem::path(options.dir) / "squeaky.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(report.db + suffix);
  auto store = open_database(report.db, clock, OpenMode::kCreateIfMissing);
  if (!store) return store.status();
  for (RecordKind kind : {RecordKind::kCustomers, RecordKind::kInvoices, RecordKind::kPayments, RecordKind::kCredits}) {
    const std::string file = (std::filesystem::path(options.dir) / (std::string(to_string(kind)) + ".csv")).string();
    auto imported = import_csv(**store, kind, file, {});
    if (!imported) return imported.status();
    if (!imported->errors.empty())
      return Status::invalid("the generated " + file + " was rejected: " + imported->errors[0]);
    report.imports.push_back(std::move(*imported));
  }
  for (Date day = options.as_of.plus_days(1 - options.history_days); day <= options.as_of; day = day.plus_days(1)) {
    // The collectors have not yet worked the last two days' calls: they are today's worklist.
    if (day < options.as_of.plus_days(-1)) {
      if (Status s = work_calls(**store, plans, day, options.seed, report); !s.is_ok()) return s;
    }
    auto run = run_day(**store, plans, day);
    if (!run) return run.status();
    ++report.days_run;
    for (const CustomerDay& c : run->customers) {
      if (c.plan.action) ++report.steps[c.plan.action->step];
    }
  }
  return report;
}

}  // namespace squeaky
