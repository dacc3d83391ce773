#include "ledger/allocation.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace squeaky {
namespace {

struct Receipt {  // a payment or a credit, seen the same way by allocation
  Date date;
  const std::string* id;
  const std::string* invoice_id;
  int64_t amount;
};

bool add(int64_t& sum, int64_t amount) { return !__builtin_add_overflow(sum, amount, &sum); }

}  // namespace

Result<AccountPosition> allocate(const CustomerLedger& ledger, Date as_of) {
  const Currency currency = ledger.customer.currency;
  AccountPosition position;
  position.as_of = as_of;
  position.currency = currency;

  std::vector<int64_t> open;  // parallel to position.invoices
  for (const Invoice& invoice : ledger.invoices) {
    if (invoice.issue_date > as_of) continue;
    position.invoices.push_back(
        {&invoice, {}, invoice.due_date.days_until(as_of), ledger.disputed_on(invoice.id, as_of)});
  }
  std::sort(position.invoices.begin(), position.invoices.end(), [](const InvoicePosition& a, const InvoicePosition& b) {
    const Invoice& x = *a.invoice;
    const Invoice& y = *b.invoice;
    if (x.due_date != y.due_date) return x.due_date < y.due_date;
    if (x.issue_date != y.issue_date) return x.issue_date < y.issue_date;
    return x.id < y.id;
  });
  std::unordered_map<std::string_view, size_t> index_of;
  int64_t invoiced = 0;
  bool fits = true;
  for (size_t i = 0; i < position.invoices.size(); ++i) {
    const Invoice& invoice = *position.invoices[i].invoice;
    open.push_back(invoice.amount.minor_units());
    index_of.emplace(invoice.id, i);
    fits = fits && add(invoiced, invoice.amount.minor_units());
  }

  std::vector<Receipt> receipts;
  int64_t paid = 0;
  int64_t credited = 0;
  for (const Payment& p : ledger.payments) {
    if (p.date > as_of) continue;
    receipts.push_back({p.date, &p.id, &p.invoice_id, p.amount.minor_units()});
    fits = fits && add(paid, p.amount.minor_units());
  }
  for (const Credit& c : ledger.credits) {
    if (c.date > as_of) continue;
    receipts.push_back({c.date, &c.id, &c.invoice_id, c.amount.minor_units()});
    fits = fits && add(credited, c.amount.minor_units());
  }
  std::sort(receipts.begin(), receipts.end(),
            [](const Receipt& a, const Receipt& b) { return a.date != b.date ? a.date < b.date : *a.id < *b.id; });

  // 1. Instructions.
  int64_t pool = 0;
  for (const Receipt& r : receipts) {
    int64_t left = r.amount;
    if (!r.invoice_id->empty()) {
      if (auto it = index_of.find(*r.invoice_id); it != index_of.end()) {
        const int64_t applied = std::min(left, open[it->second]);
        open[it->second] -= applied;
        left -= applied;
      }
    }
    fits = fits && add(pool, left);
  }
  // 2. The rest: undisputed invoices first, then disputed ones, each by due date.
  for (const bool disputed : {false, true}) {
    for (size_t i = 0; i < position.invoices.size() && pool > 0; ++i) {
      if (position.invoices[i].disputed != disputed) continue;
      const int64_t applied = std::min(pool, open[i]);
      open[i] -= applied;
      pool -= applied;
    }
  }

  int64_t total_open = 0;
  for (size_t i = 0; i < position.invoices.size(); ++i) {
    position.invoices[i].open = Money::from_minor(open[i], currency);
    fits = fits && add(total_open, open[i]);
  }
  if (!fits) return Status::overflow("the ledger of customer '" + ledger.customer.id + "' overflows 64 bits");
  position.invoiced = Money::from_minor(invoiced, currency);
  position.paid = Money::from_minor(paid, currency);
  position.credited = Money::from_minor(credited, currency);
  position.open = Money::from_minor(total_open, currency);
  position.unapplied = Money::from_minor(pool, currency);
  position.balance = Money::from_minor(total_open - pool, currency);
  return position;
}

}  // namespace squeaky
