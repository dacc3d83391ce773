// The demo: a believable small business with a lived-in collections history.
//
// Generates a year of receivables (app/generate.h) into a directory, imports them into a fresh
// ledger there, then runs the collection plan day by day over the last `history_days` days. On each
// day, before the run, the collectors "work" the open call tasks: an outcome drawn from a seeded
// sequence (a promise, no answer, a message, a refusal, now and then a dispute or a hardship), so
// the demo shows promises kept and broken, disputes and hardship pauses; the calls of the last two
// days are left open as the worklist. The same options give the same demo. Not thread-safe with respect to the store it
// creates.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/generate.h"
#include "app/import.h"
#include "core/date.h"
#include "core/result.h"
#include "policy/plan.h"
#include "store/store.h"

namespace squeaky {

struct DemoOptions {
  std::string dir = "demo";
  Date as_of;
  size_t customers = 300;
  size_t invoices = 3600;
  uint64_t seed = 20260101;
  int history_days = 90;  // days of collection runs ending on as_of
};

struct DemoReport {
  std::string db;  // the ledger's file
  GenerateCounts generated;
  std::vector<ImportReport> imports;
  int days_run = 0;
  std::map<std::string, size_t> steps;     // actions by step over the runs (one per step, not channel)
  std::map<std::string, size_t> outcomes;  // calls logged by outcome
};

// Rebuilds `options.dir`'s ledger from scratch (any squeaky.db there is replaced).
Result<DemoReport> build_demo(const DemoOptions& options, const PlanSet& plans, const Clock& clock);

}  // namespace squeaky
