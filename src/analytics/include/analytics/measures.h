// Measures of how well receivables are collected (docs/measures.md): days sales outstanding by
// the simple and the count-back methods.
//
// Amounts are whole minor units of one currency; a result in days is given in tenths of a day,
// rounded half-up once, so "46.0 days" is exact and the same on every machine. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace squeaky {

// Days sales outstanding, simple method: ending receivables / credit sales in the period x the
// period's days, in tenths of a day. Nothing when there were no sales (or negative ones) in the
// period, since the measure then says nothing.
// Example: 4,600,000 owed after 9,000,000 of sales in 90 days -> 460 (46.0 days).
std::optional<int64_t> dso_simple_tenths(int64_t ending_receivables, int64_t credit_sales, int period_days);

// One period's credit sales, for the count-back method.
struct PeriodSales {
  int64_t sales = 0;  // minor units
  int days = 0;       // the period's length
};

// Days sales outstanding, count-back method: each period's sales, newest first, are taken off the
// ending receivables while they cover it, adding that period's days; the period that covers the
// rest adds its share of its days. Tenths of a day. When the periods given do not cover the
// receivables, all their days are counted and nothing more (the answer is a lower bound).
// Example: 212,000 owed; months of 100,000, 80,000, 70,000 (30 days each) -> 737 (73.7 days).
int64_t dso_count_back_tenths(int64_t ending_receivables, std::span<const PeriodSales> newest_first);

// "46.0": tenths of a day as a decimal with one place.
std::string format_tenths(int64_t tenths);

}  // namespace squeaky
