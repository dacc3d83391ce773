// Allocation: which payments and credits settle which invoices, as of a date.
//
// The rule (DOMAIN.md §4): the debtor's instruction governs; otherwise money goes to the invoice
// due first; it never goes onto a disputed invoice while an undisputed one is open; what cannot
// be applied stays on the customer as unapplied cash. Allocation is derived, never stored: it is
// recomputed from the ledger for any date, so a late-arriving instruction or a dispute changes it
// everywhere at once. Pure; thread-safe.
#pragma once

#include <vector>

#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "ledger/records.h"

namespace squeaky {

struct InvoicePosition {
  const Invoice* invoice = nullptr;  // points into the CustomerLedger passed to allocate()
  Money open;                        // what is still owed on it, never negative
  int64_t days_past_due = 0;         // as of the allocation date; zero or negative when not yet due
  bool disputed = false;             // under dispute on the allocation date

  // Principal that is overdue and not disputed: what collection is about. Fees are kept apart.
  bool overdue_principal() const {
    return !open.is_zero() && days_past_due > 0 && !disputed && invoice->kind == InvoiceKind::kInvoice;
  }
};

struct AccountPosition {
  Date as_of;
  Currency currency;
  // Every invoice issued on or before as_of, in allocation order (due date, issue date, id).
  std::vector<InvoicePosition> invoices;
  Money invoiced;   // the sum of those invoices
  Money paid;       // payments dated on or before as_of
  Money credited;   // credits dated on or before as_of
  Money open;       // the sum of the invoices' open amounts
  Money unapplied;  // payments and credits left over after every invoice they could settle
  Money balance;    // open - unapplied: what the customer owes (negative: what the business owes)
};

// Allocates the ledger's payments and credits dated on or before `as_of` to its invoices issued on
// or before it:
//   1. each payment or credit that names an invoice settles that invoice first, oldest payment
//      first (date, then id);
//   2. what remains of all of them is applied to undisputed invoices by due date (then issue
//      date, then id), then to disputed invoices in the same order;
//   3. what still remains is unapplied cash.
// Fails only if a sum overflows 64 bits.
// REQUIRES: every record is in ledger.customer.currency; the ledger outlives the result.
Result<AccountPosition> allocate(const CustomerLedger& ledger, Date as_of);

}  // namespace squeaky
