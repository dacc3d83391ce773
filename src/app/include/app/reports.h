// Reports over the ledger: the aging and a customer's statement of account.
//
// Each takes the "as of" date as an argument and reads the store; none writes. The same ledger and
// date always give the same report. Not thread-safe with respect to `store`.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "charges/late_payment.h"
#include "charges/rates.h"
#include "core/date.h"
#include "core/result.h"
#include "ledger/aging.h"
#include "store/store.h"

namespace squeaky {

struct CustomerAging {
  std::string id;
  std::string name;
  Currency currency;
  AgingRow row;
  Money unapplied;
};

struct AgingSummary {
  Date as_of;
  AgingReport totals;                    // per currency
  std::vector<CustomerAging> customers;  // those with anything open or unapplied, by id
};

Result<AgingSummary> aging_summary(Store& store, Date as_of);
// Whether a customer has a line in the aging: anything open, or unapplied cash.
inline bool in_aging(const AgingRow& row, Money unapplied) { return row.total != 0 || !unapplied.is_zero(); }
// Adds one customer's aging to `summary` when it has anything open or unapplied. Customers must
// come in id order.
Status add_to_aging(AgingSummary& summary, CustomerAging customer);

// One customer's part of the aging and of the dashboard's figures as of a day.
struct CustomerFigures {
  AgingRow row;
  Money unapplied;
  int64_t sales_90_days = 0;      // invoices (not fees) issued in the 90 days through the day
  int64_t collected_30_days = 0;  // payments dated in the 30 days through the day

  // Whether the customer adds anything to the dashboard.
  bool any() const { return row.total != 0 || row.fees != 0 || sales_90_days != 0 || collected_30_days != 0; }
};
Result<CustomerFigures> customer_figures(const CustomerLedger& ledger, Date as_of);

// What a customer's figures are made of before they are dated: what is open after allocating
// everything dated up to `day` (allocation order), and the invoices and payments recent enough
// to fall in the sales or cash window of `day` or a later day. On any later day on which the
// ledger names nothing new (holds_on), figures_on() gives exactly what customer_figures() would,
// without the ledger: a long-running process moves to a new day without reading it again.
struct FiguresBasis {
  struct OpenItem {
    Date due_on;
    int64_t open = 0;
    bool fee = false;
  };
  Date day;
  Date latest;  // the latest day the customer's invoices, payments, credits and disputes name
  std::vector<OpenItem> open;
  Money unapplied;
  std::vector<std::pair<Date, int64_t>> sales;     // invoices (not fees) issued in the 90 days through `day`
  std::vector<std::pair<Date, int64_t>> payments;  // payments dated in the 30 days through `day`

  bool holds_on(Date later) const { return later >= day && latest <= day; }
};
Result<FiguresBasis> figures_basis(const CustomerLedger& ledger, Date day);
// REQUIRES: basis.holds_on(day), or day == basis.day.
Result<CustomerFigures> figures_on(const FiguresBasis& basis, Date day);

// The `count` customers with the most overdue (past due) in their currency, largest first, ties
// by id. Amounts in different currencies are compared as numbers of major units: good enough to
// rank a demo, not to convert money.
std::vector<CustomerAging> largest_overdue(const AgingSummary& summary, size_t count);

// Statutory late-payment interest and compensation on one invoice paid late or still unpaid.
struct LateCharge {
  std::string invoice_id;
  LatePaymentCharge charge;
};

// The statutory late-payment charges on a customer's invoices as of a day: the regime that applies
// ("" for none, with the reason in `note`), and the charge per invoice paid late or still owed
// after its due date (disputed invoices left out).
struct LateCharges {
  std::string regime;
  std::string law;  // the regime's law, for people
  std::string note;
  std::vector<LateCharge> charges;
  Money interest;  // the sums of the charges, zero in the customer's currency when none
  Money compensation;
};
Result<LateCharges> late_payment_charges(const CustomerLedger& ledger, Date as_of,
                                         const RateTables& rates = shipped_rate_tables());

struct StatementOfAccount {
  std::unique_ptr<CustomerLedger> ledger;  // owns what position points into
  AccountPosition position;
  AgingRow aging;
  CollectionState collection;         // as it stands now: episode, promises, plan, holds, flags
  std::vector<ActionRecord> actions;  // what the daily run did, up to the "as of" date, oldest first
  std::vector<CallRecord> calls;      // calls logged up to the "as of" date, oldest first
  // What the business may claim by law for late payment (docs/charges.md), up to the "as of" date.
  LateCharges late;
};

// Nothing when the customer does not exist.
Result<std::optional<StatementOfAccount>> statement_of_account(Store& store, const std::string& customer_id, Date as_of,
                                                               const RateTables& rates = shipped_rate_tables());

// Visits one customer's ledger when `customer_id` is given (kNotFound "no customer 'C9'" when there
// is none), else every customer's, in id order.
Status for_each_ledger_of(Store& store, std::string_view customer_id,
                          const std::function<Status(const CustomerLedger&)>& visit);

// The owner's figures for one day, per currency (docs/measures.md).
struct DashboardCurrency {
  AgingRow aging;                     // open receivables by days past due, fees apart
  int64_t sales_90_days = 0;          // invoices (not fees) issued in the 90 days through the day
  int64_t collected_30_days = 0;      // payments dated in the 30 days through the day
  std::optional<int64_t> dso_tenths;  // simple DSO over those 90 days, tenths of a day; none without sales
};
struct Dashboard {
  Date as_of;
  std::map<Currency, DashboardCurrency> currencies;  // every currency with receivables, sales or payments
  int64_t actions_today = 0;                         // what the daily run recorded for the day, of every channel
  int64_t calls_open = 0;                            // call tasks not yet logged
  int64_t outbox_waiting = 0;  // letters and emails queued, held for review, failed (to be retried) or unknown
};
inline constexpr int kDsoPeriodDays = 90;
inline constexpr int kCollectedPeriodDays = 30;
Result<Dashboard> dashboard(Store& store, Date as_of);

// Adds one customer's figures to `d` (its aging, sales and cash collected).
Status add_to_dashboard(Dashboard& d, Currency currency, const CustomerFigures& figures);
// Fills in what the dashboard reads besides the ledger: the DSO of each currency, the day's
// actions, the open calls and the messages waiting.
Status finish_dashboard(Store& store, Dashboard& d);

}  // namespace squeaky
