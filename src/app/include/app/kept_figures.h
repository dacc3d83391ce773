// Kept figures: every customer's aging, unapplied cash, sales and cash collected as of one day,
// held in memory and brought up to date from the journal.
//
// A long-running process (squeaky serve) answers the aging, the dashboard and the customer list
// from them instead of reading the whole ledger per request. After a change only the customers
// the new journal entries name are read again (a record moved to another customer names both);
// a later day is worked out from what each customer's figures are made of (app/reports.h:
// FiguresBasis), reading again only the customers whose records are dated after the day before;
// an earlier day, a journal that went backwards (a restored file) or a change to more than an
// eighth of the customers reads the whole ledger once. The totals per currency are kept too,
// each customer read again taken out of them and put back, so the aging's totals and the
// dashboard cost a few additions per currency however many customers there are. The same ledger
// and day give exactly the figures aging_summary() and dashboard() give. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "app/reports.h"
#include "core/date.h"
#include "core/result.h"
#include "store/store.h"

namespace squeaky {

class KeptFigures {
 public:
  struct Customer {
    std::string name;
    CustomerKind kind = CustomerKind::kBusiness;
    Currency currency;
    CustomerFigures figures;
    FiguresBasis basis;  // what the figures are made of, to date them again on a later day
  };

  // Brings the figures to the store's journal as of `as_of`. After a failure the next refresh
  // reads the whole ledger. A whole read gives up (failing) at the next customer once `stop` is
  // set, so that a process can end without waiting for it.
  Status refresh(Store& store, Date as_of, const std::atomic<bool>* stop = nullptr);

  // Every customer, by id, as of the last refresh.
  const std::map<std::string, Customer, std::less<>>& customers() const { return customers_; }
  // The aging's totals per currency; with `by_customer`, every customer's row too (which costs a
  // pass over the customers).
  Result<AgingSummary> aging(bool by_customer) const;
  // The dashboard: its ledger figures from here, the rest read from `store`.
  Result<Dashboard> dashboard(Store& store) const;

  Date as_of() const { return as_of_; }
  // How the last refresh went: whether it read the whole ledger, and how many customers it read.
  bool last_read_all() const { return last_read_all_; }
  size_t last_read_customers() const { return last_read_customers_; }

 private:
  // The customers' sums in one currency, with how many customers make up each, so that a
  // currency leaves a report when its last customer does, as it would from a fresh read.
  struct Sums {
    AgingRow aging;  // of the customers with anything open or unapplied
    int64_t aging_customers = 0;
    DashboardCurrency dashboard;  // of the customers with anything for the dashboard
    int64_t dashboard_customers = 0;
  };

  Status catch_up(Store& store, Date as_of, const std::atomic<bool>* stop);
  Status read_all(Store& store, Date as_of, const std::atomic<bool>* stop);
  Status read_customer(Store& store, const std::string& id);
  // Dates every customer's figures `as_of` (a later day) from their basis; adds to `stale` those
  // whose basis does not hold then.
  Status move_to(Date as_of, std::set<std::string, std::less<>>& stale);
  // Adds the customer's figures to the sums (sign +1) or takes them out (-1).
  Status count(const Customer& customer, int sign);

  std::map<std::string, Customer, std::less<>> customers_;
  std::map<Currency, Sums> sums_;
  Date as_of_;
  int64_t seq_ = -1;  // the journal entry the figures include, -1 before the first refresh
  bool last_read_all_ = false;
  size_t last_read_customers_ = 0;
};

}  // namespace squeaky
