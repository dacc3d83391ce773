// Micro-benchmark of the ledger's per-customer work in every report: allocation of payments and
// credits to invoices, then aging.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>

#include "ledger/aging.h"
#include "ledger/allocation.h"

namespace squeaky {
namespace {

// A customer with `invoices` invoices three days apart, two in three of them paid (every other
// payment naming its invoice) and one partly credited.
CustomerLedger customer_with(int invoices) {
  const Currency usd = *Currency::from_code("USD");
  CustomerLedger ledger;
  ledger.customer.id = "C0001";
  ledger.customer.currency = usd;
  const Date first = Date::from_ymd(2025, 1, 15);
  for (int n = 0; n < invoices; ++n) {
    Invoice invoice;
    invoice.id = "INV-" + std::to_string(100000 + n);
    invoice.customer_id = "C0001";
    invoice.issue_date = first.plus_days(3 * n);
    invoice.due_date = invoice.issue_date.plus_days(30);
    invoice.amount = Money::from_minor(100000 + 1234 * n, usd);
    invoice.reference = "PO-" + std::to_string(n);
    if (n % 3 != 2) {
      Payment payment;
      payment.id = "PAY-" + std::to_string(n);
      payment.customer_id = "C0001";
      payment.date = invoice.issue_date.plus_days(40);
      payment.amount = invoice.amount;
      payment.method = "ach";
      if (n % 2 == 0) payment.invoice_id = invoice.id;
      ledger.payments.push_back(std::move(payment));
    }
    ledger.invoices.push_back(std::move(invoice));
  }
  Credit credit;
  credit.id = "CN-1";
  credit.customer_id = "C0001";
  credit.date = first.plus_days(10);
  credit.amount = Money::from_minor(2500, usd);
  credit.reason = "pricing";
  credit.invoice_id = "INV-100000";
  ledger.credits.push_back(std::move(credit));
  return ledger;
}

void BM_AllocateAndAge(benchmark::State& state) {
  const CustomerLedger ledger = customer_with(static_cast<int>(state.range(0)));
  const Date as_of = Date::from_ymd(2026, 3, 31);
  for (auto _ : state) {
    auto position = allocate(ledger, as_of);
    auto row = age(*position);
    benchmark::DoNotOptimize(row);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AllocateAndAge)->Arg(10)->Arg(100);

}  // namespace
}  // namespace squeaky
