#include "ledger/allocation.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

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

  position.invoices.reserve(ledger.invoices.size());
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
  // What is still open on each invoice, in minor units, kept in its position until the end.
  int64_t invoiced = 0;
  bool fits = true;
  for (InvoicePosition& i : position.invoices) {
    i.open = Money::from_minor(i.invoice->amount.minor_units(), currency);
    fits = fits && add(invoiced, i.invoice->amount.minor_units());
  }
  const auto take = [&](InvoicePosition& i, int64_t amount) {
    const int64_t applied = std::min(amount, i.open.minor_units());
    i.open = Money::from_minor(i.open.minor_units() - applied, currency);
    return applied;
  };
  // Invoices by id, for the receipts that name one; made only when one does.
  std::vector<std::pair<std::string_view, size_t>> by_id;
  const auto index_of = [&](const std::string& id) -> std::optional<size_t> {
    if (by_id.empty()) {
      by_id.reserve(position.invoices.size());
      for (size_t i = 0; i < position.invoices.size(); ++i) by_id.emplace_back(position.invoices[i].invoice->id, i);
      // Ids are unique within a ledger, so the order of equal keys cannot matter.
      std::sort(by_id.begin(), by_id.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    auto it = std::lower_bound(by_id.begin(), by_id.end(), std::string_view(id),
                               [](const auto& entry, std::string_view key) { return entry.first < key; });
    if (it == by_id.end() || it->first != id) return std::nullopt;
    return it->second;
  };

  std::vector<Receipt> receipts;
  receipts.reserve(ledger.payments.size() + ledger.credits.size());
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
      if (const std::optional<size_t> i = index_of(*r.invoice_id)) left -= take(position.invoices[*i], left);
    }
    fits = fits && add(pool, left);
  }
  // 2. The rest: undisputed invoices first, then disputed ones, each by due date.
  for (const bool disputed : {false, true}) {
    for (size_t i = 0; i < position.invoices.size() && pool > 0; ++i) {
      if (position.invoices[i].disputed == disputed) pool -= take(position.invoices[i], pool);
    }
  }

  int64_t total_open = 0;
  for (const InvoicePosition& i : position.invoices) fits = fits && add(total_open, i.open.minor_units());
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
