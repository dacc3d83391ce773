// A believable small business's receivables, generated: the demo's data and the benchmarks'.
//
// Writes customers.csv, invoices.csv, payments.csv and credits.csv in the import formats
// (docs/formats.md) into a directory. Customers are businesses and consumers across several
// countries, time zones and currencies; invoice amounts are log-normal; each customer is a good,
// slow or bad payer, which sets how late it pays and how often it pays short or not at all; some
// invoices get credit notes and some payments deductions. Everything is dated in the
// `history_days` before `as_of`. The same options give byte-identical files on the same platform.
// Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "core/date.h"
#include "core/result.h"

namespace squeaky {

struct GenerateOptions {
  size_t customers = 300;
  size_t invoices = 3000;
  uint64_t seed = 1;
  Date as_of;
  int history_days = 365;
};

struct GenerateCounts {
  size_t customers = 0;
  size_t invoices = 0;
  size_t payments = 0;
  size_t credits = 0;
};

// REQUIRES: options.customers > 0. Creates `dir` if needed; replaces files of the same names.
Result<GenerateCounts> generate_ledger_csv(const GenerateOptions& options, const std::string& dir);

}  // namespace squeaky
