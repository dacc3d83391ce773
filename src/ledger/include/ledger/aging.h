// Aging: open receivables by how late they are, as of a date.
//
// Buckets (DOMAIN.md §5): current (not yet due, or due today), 1-30, 31-60, 61-90 and 90+ days
// past due; each open invoice falls in exactly one. Days past due are whole days from the due
// date to the "as of" date, so an invoice due 2026-01-31 is 1 day past due on 2026-02-01 and 29
// days past due on 2026-03-01. Sums are exact and per currency, never converted. Pure; a report
// is a value, not thread-safe to mutate from several threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string_view>

#include "core/money.h"
#include "core/result.h"
#include "ledger/allocation.h"

namespace squeaky {

enum class AgingBucket { kCurrent = 0, k1To30, k31To60, k61To90, kOver90 };
inline constexpr size_t kAgingBucketCount = 5;
inline constexpr std::array<AgingBucket, kAgingBucketCount> kAgingBuckets{
    AgingBucket::kCurrent, AgingBucket::k1To30, AgingBucket::k31To60, AgingBucket::k61To90, AgingBucket::kOver90};

AgingBucket aging_bucket(int64_t days_past_due);
std::string_view to_string(AgingBucket bucket);  // "current", "1-30", "31-60", "61-90", "90+"

// The open amounts of one currency, by bucket, in minor units.
// Principal by bucket and in total; fees the plan charged are kept apart in `fees`.
struct AgingRow {
  std::array<int64_t, kAgingBucketCount> buckets{};
  int64_t total = 0;
  int64_t fees = 0;

  int64_t overdue() const { return total - buckets[0]; }
  // Adds `minor_units` to `bucket` and the total; fails on overflow.
  Status add(AgingBucket bucket, int64_t minor_units);
  Status add(const AgingRow& other);
  // Adds an open fee; fails on overflow.
  Status add_fee(int64_t minor_units);
  // Adds what is open on one invoice: a fee apart, the principal in the bucket of its days past
  // due; fails on overflow.
  Status add_open(int64_t minor_units, int64_t days_past_due, bool fee);
};

// Ages one customer's position: its open invoices by bucket (unapplied cash is not aged).
Result<AgingRow> age(const AccountPosition& position);

// The aging of many customers, summed per currency.
class AgingReport {
 public:
  Status add(Currency currency, const AgingRow& row);
  const std::map<Currency, AgingRow>& currencies() const { return rows_; }

 private:
  std::map<Currency, AgingRow> rows_;
};

}  // namespace squeaky
