// The demo: a believable small business with a lived-in collections history.
//
// Generates a year of receivables (app/generate.h) into a directory, imports them into a fresh
// ledger there, then runs the collection plan day by day over the last `history_days` days. On each
// day, before the run, the collectors "work" the open call tasks: an outcome drawn from a seeded
// sequence (a promise, no answer, a message, a refusal, now and then a dispute or a hardship), so
// the demo shows promises kept and broken, disputes and hardship pauses; the calls of the last two
// days are left open as the worklist. After each run the day's emails are sent (to .eml files, at
// 09:00 and 17:00 UTC so that every debtor's convenient hours come round) and its letters printed. The same options
// give the same demo. Not thread-safe with respect to the store it creates.
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
  size_t emails_sent = 0;                  // into <dir>/mail as .eml files
  size_t emails_blocked = 0;
  size_t letters_printed = 0;  // into <dir>/letters/<day>/
  size_t letters_blocked = 0;
};

// The settings the demo's business uses (written to <dir>/squeaky.toml).
std::string_view demo_settings_toml();

// Rebuilds `options.dir`'s ledger from scratch (any squeaky.db there is replaced).
Result<DemoReport> build_demo(const DemoOptions& options, const PlanSet& plans, const Clock& clock);

}  // namespace squeaky
