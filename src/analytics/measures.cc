#include "analytics/measures.h"

namespace squeaky {
namespace {

__extension__ using Int128 = __int128;

// numerator / denominator rounded half-up; both positive.
int64_t divide_half_up(Int128 numerator, Int128 denominator) {
  return static_cast<int64_t>((2 * numerator + denominator) / (2 * denominator));
}

}  // namespace

std::optional<int64_t> dso_simple_tenths(int64_t ending_receivables, int64_t credit_sales, int period_days) {
  if (credit_sales <= 0 || period_days <= 0) return std::nullopt;
  if (ending_receivables <= 0) return 0;
  return divide_half_up(Int128{ending_receivables} * period_days * 10, credit_sales);
}

int64_t dso_count_back_tenths(int64_t ending_receivables, std::span<const PeriodSales> newest_first) {
  int64_t rest = ending_receivables;
  int64_t whole_days = 0;
  for (const PeriodSales& p : newest_first) {
    if (rest <= 0) break;
    if (p.sales >= rest && p.sales > 0) {
      return whole_days * 10 + divide_half_up(Int128{rest} * p.days * 10, p.sales);
    }
    rest -= p.sales;
    whole_days += p.days;
  }
  return whole_days * 10;
}

std::string format_tenths(int64_t tenths) {
  const bool negative = tenths < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(tenths) : static_cast<uint64_t>(tenths);
  return (negative ? "-" : "") + std::to_string(magnitude / 10) + "." + std::to_string(magnitude % 10);
}

}  // namespace squeaky
