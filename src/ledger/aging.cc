#include "ledger/aging.h"

namespace squeaky {

AgingBucket aging_bucket(int64_t days_past_due) {
  if (days_past_due <= 0) return AgingBucket::kCurrent;
  if (days_past_due <= 30) return AgingBucket::k1To30;
  if (days_past_due <= 60) return AgingBucket::k31To60;
  if (days_past_due <= 90) return AgingBucket::k61To90;
  return AgingBucket::kOver90;
}

std::string_view to_string(AgingBucket bucket) {
  switch (bucket) {
    case AgingBucket::kCurrent: return "current";
    case AgingBucket::k1To30: return "1-30";
    case AgingBucket::k31To60: return "31-60";
    case AgingBucket::k61To90: return "61-90";
    case AgingBucket::kOver90: return "90+";
  }
  return "?";
}

Status AgingRow::add(AgingBucket bucket, int64_t minor_units) {
  int64_t& cell = buckets[static_cast<size_t>(bucket)];
  int64_t new_cell = 0;
  int64_t new_total = 0;
  if (__builtin_add_overflow(cell, minor_units, &new_cell) || __builtin_add_overflow(total, minor_units, &new_total)) {
    return Status::overflow("aging total overflows 64 bits");
  }
  cell = new_cell;
  total = new_total;
  return Status::ok();
}

Status AgingRow::add_fee(int64_t minor_units) {
  if (__builtin_add_overflow(fees, minor_units, &fees)) return Status::overflow("fees total overflows 64 bits");
  return Status::ok();
}

Status AgingRow::add(const AgingRow& other) {
  for (AgingBucket bucket : kAgingBuckets) {
    if (Status s = add(bucket, other.buckets[static_cast<size_t>(bucket)]); !s.is_ok()) return s;
  }
  return add_fee(other.fees);
}

Status AgingRow::add_open(int64_t minor_units, int64_t days_past_due, bool fee) {
  return fee ? add_fee(minor_units) : add(aging_bucket(days_past_due), minor_units);
}

Result<AgingRow> age(const AccountPosition& position) {
  AgingRow row;
  for (const InvoicePosition& item : position.invoices) {
    if (item.open.is_zero()) continue;
    Status s = row.add_open(item.open.minor_units(), item.days_past_due, item.invoice->kind == InvoiceKind::kFee);
    if (!s.is_ok()) return s;
  }
  return row;
}

Status AgingReport::add(Currency currency, const AgingRow& row) { return rows_[currency].add(row); }

}  // namespace squeaky
