#include "app/reports.h"

#include <algorithm>
#include <map>
#include <utility>

#include "analytics/measures.h"
#include "charges/rates.h"
#include "ledger/aging.h"
#include "ledger/allocation.h"

namespace squeaky {

namespace {

Status add_checked(int64_t& sum, int64_t value) {
  return __builtin_add_overflow(sum, value, &sum) ? Status::invalid("the sums do not fit 64 bits") : Status::ok();
}

}  // namespace

Result<FiguresBasis> figures_basis(const CustomerLedger& ledger, Date day) {
  auto position = allocate(ledger, day);
  if (!position) return position.status();
  FiguresBasis b;
  b.day = day;
  const auto later = [&b](Date d) { b.latest = std::max(b.latest, d); };
  for (const InvoicePosition& item : position->invoices) {
    if (item.open.is_zero()) continue;
    b.open.push_back({item.invoice->due_date, item.open.minor_units(), item.invoice->kind == InvoiceKind::kFee});
  }
  b.unapplied = position->unapplied;
  const Date sales_from = day.plus_days(1 - kDsoPeriodDays);
  const Date collected_from = day.plus_days(1 - kCollectedPeriodDays);
  for (const Invoice& i : ledger.invoices) {
    later(i.issue_date);
    if (i.kind == InvoiceKind::kInvoice && i.issue_date >= sales_from && i.issue_date <= day) {
      b.sales.emplace_back(i.issue_date, i.amount.minor_units());
    }
  }
  for (const Payment& p : ledger.payments) {
    later(p.date);
    if (p.date >= collected_from && p.date <= day) b.payments.emplace_back(p.date, p.amount.minor_units());
  }
  for (const Credit& c : ledger.credits) later(c.date);
  for (const Dispute& d : ledger.disputes) {
    later(d.opened_on);
    if (d.resolved_on) later(*d.resolved_on);
  }
  return b;
}

Result<CustomerFigures> figures_on(const FiguresBasis& basis, Date day) {
  CustomerFigures f;
  for (const FiguresBasis::OpenItem& item : basis.open) {  // as age() adds them, in allocation order
    if (Status s = f.row.add_open(item.open, item.due_on.days_until(day), item.fee); !s.is_ok()) return s;
  }
  f.unapplied = basis.unapplied;
  const Date sales_from = day.plus_days(1 - kDsoPeriodDays);
  const Date collected_from = day.plus_days(1 - kCollectedPeriodDays);
  for (const auto& [issued, amount] : basis.sales) {
    if (issued < sales_from || issued > day) continue;
    if (Status added = add_checked(f.sales_90_days, amount); !added.is_ok()) return added;
  }
  for (const auto& [paid, amount] : basis.payments) {
    if (paid < collected_from || paid > day) continue;
    if (Status added = add_checked(f.collected_30_days, amount); !added.is_ok()) return added;
  }
  return f;
}

Result<CustomerFigures> customer_figures(const CustomerLedger& ledger, Date as_of) {
  auto basis = figures_basis(ledger, as_of);
  if (!basis) return basis.status();
  return figures_on(*basis, as_of);
}

Result<AgingSummary> aging_summary(Store& store, Date as_of) {
  AgingSummary summary;
  summary.as_of = as_of;
  Status s = store.for_each_customer_ledger([&](const CustomerLedger& ledger) -> Status {
    auto f = customer_figures(ledger, as_of);
    if (!f) return f.status();
    const Customer& c = ledger.customer;
    return add_to_aging(summary, {c.id, c.name, c.currency, f->row, f->unapplied});
  });
  if (!s.is_ok()) return s;
  return summary;
}

Status add_to_aging(AgingSummary& summary, CustomerAging customer) {
  if (!in_aging(customer.row, customer.unapplied)) return Status::ok();
  if (Status added = summary.totals.add(customer.currency, customer.row); !added.is_ok()) return added;
  summary.customers.push_back(std::move(customer));
  return Status::ok();
}

std::vector<CustomerAging> largest_overdue(const AgingSummary& summary, size_t count) {
  std::vector<CustomerAging> out;
  for (const CustomerAging& c : summary.customers) {
    if (c.row.overdue() > 0) out.push_back(c);
  }
  const auto major = [](const CustomerAging& c) {
    int64_t scale = 1;
    for (int i = 0; i < c.currency.minor_digits(); ++i) scale *= 10;
    return c.row.overdue() / scale;
  };
  std::sort(out.begin(), out.end(), [&](const CustomerAging& a, const CustomerAging& b) {
    const int64_t x = major(a);
    const int64_t y = major(b);
    return x != y ? x > y : a.id < b.id;
  });
  if (out.size() > count) out.resize(count);
  return out;
}

Result<LateCharges> late_payment_charges(const CustomerLedger& ledger, Date as_of, const RateTables& rates) {
  LateCharges out;
  out.interest = Money::zero(ledger.customer.currency);
  out.compensation = Money::zero(ledger.customer.currency);
  const RegimeChoice choice =
      choose_late_payment_regime(ledger.customer.kind, ledger.customer.country, ledger.customer.currency);
  if (!choice.regime) {
    out.note = choice.reason;
    return out;
  }
  auto regime = late_payment_regime(*choice.regime);
  if (!regime) return regime.status();
  out.regime = *choice.regime;
  out.law = regime->law;
  // The amount owed on each invoice over time: the customer's money allocated as of each day some
  // arrived.
  std::vector<Date> money_days;
  for (const Payment& p : ledger.payments) money_days.push_back(p.date);
  for (const Credit& c : ledger.credits) money_days.push_back(c.date);
  std::sort(money_days.begin(), money_days.end());
  money_days.erase(std::unique(money_days.begin(), money_days.end()), money_days.end());
  std::map<std::string, std::vector<OpenAmountChange>, std::less<>> history;
  for (Date day : money_days) {
    if (day > as_of) break;
    auto position = allocate(ledger, day);
    if (!position) return position.status();
    for (const InvoicePosition& i : position->invoices) {
      auto& changes = history[i.invoice->id];
      const Money before = changes.empty() ? i.invoice->amount : changes.back().open;
      if (i.open != before) changes.push_back({day, i.open});
    }
  }
  auto position = allocate(ledger, as_of);
  if (!position) return position.status();
  for (const InvoicePosition& i : position->invoices) {
    const Invoice& invoice = *i.invoice;
    if (invoice.due_date >= as_of || i.disputed || invoice.kind != InvoiceKind::kInvoice) continue;
    const auto found = history.find(invoice.id);
    const std::vector<OpenAmountChange> none;
    auto charge = late_payment_charge(*regime, rates, invoice.amount, invoice.due_date,
                                      found == history.end() ? none : found->second, as_of);
    if (!charge) {
      out.note = "invoice " + invoice.id + ": " + charge.status().message();
      continue;
    }
    if (charge->days_late == 0) continue;
    auto interest = out.interest.plus(charge->interest);
    auto compensation = out.compensation.plus(charge->compensation);
    if (!interest) return interest.status();
    if (!compensation) return compensation.status();
    out.interest = *interest;
    out.compensation = *compensation;
    out.charges.push_back({invoice.id, std::move(*charge)});
  }
  return out;
}

Result<std::optional<StatementOfAccount>> statement_of_account(Store& store, const std::string& customer_id, Date as_of,
                                                               const RateTables& rates) {
  auto ledger = store.customer_ledger(customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return std::optional<StatementOfAccount>{};
  StatementOfAccount statement;
  statement.ledger = std::make_unique<CustomerLedger>(std::move(**ledger));
  // A statement lists payments and credits by date (then id), whatever order they were imported in.
  const auto by_date = [](const auto& a, const auto& b) { return a.date != b.date ? a.date < b.date : a.id < b.id; };
  std::sort(statement.ledger->payments.begin(), statement.ledger->payments.end(), by_date);
  std::sort(statement.ledger->credits.begin(), statement.ledger->credits.end(), by_date);
  auto position = allocate(*statement.ledger, as_of);
  if (!position) return position.status();
  statement.position = std::move(*position);
  auto row = age(statement.position);
  if (!row) return row.status();
  statement.aging = *row;
  auto collection = store.collection_state(customer_id);
  if (!collection) return collection.status();
  statement.collection = std::move(*collection);
  auto actions = store.actions(customer_id, "");
  if (!actions) return actions.status();
  for (ActionRecord& a : *actions) {
    if (a.on <= as_of) statement.actions.push_back(std::move(a));
  }
  auto calls = store.calls(customer_id);
  if (!calls) return calls.status();
  for (CallRecord& c : *calls) {
    if (c.on <= as_of) statement.calls.push_back(std::move(c));
  }
  auto late = late_payment_charges(*statement.ledger, as_of, rates);
  if (!late) return late.status();
  statement.late = std::move(*late);
  return std::optional<StatementOfAccount>(std::move(statement));
}

}  // namespace squeaky

namespace squeaky {

Status for_each_ledger_of(Store& store, std::string_view customer_id,
                          const std::function<Status(const CustomerLedger&)>& visit) {
  if (customer_id.empty()) return store.for_each_customer_ledger(visit);
  auto ledger = store.customer_ledger(customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + std::string(customer_id) + "'");
  return visit(**ledger);
}

Result<Dashboard> dashboard(Store& store, Date as_of) {
  Dashboard d;
  d.as_of = as_of;
  Status s = store.for_each_customer_ledger([&](const CustomerLedger& ledger) -> Status {
    auto f = customer_figures(ledger, as_of);
    if (!f) return f.status();
    return add_to_dashboard(d, ledger.customer.currency, *f);
  });
  if (!s.is_ok()) return s;
  if (Status finished = finish_dashboard(store, d); !finished.is_ok()) return finished;
  return d;
}

Status add_to_dashboard(Dashboard& d, Currency currency, const CustomerFigures& f) {
  if (!f.any()) return Status::ok();
  DashboardCurrency& c = d.currencies[currency];
  if (Status added = c.aging.add(f.row); !added.is_ok()) return added;
  if (Status added = add_checked(c.sales_90_days, f.sales_90_days); !added.is_ok()) return added;
  return add_checked(c.collected_30_days, f.collected_30_days);
}

Status finish_dashboard(Store& store, Dashboard& d) {
  for (auto& [currency, c] : d.currencies) {
    c.dso_tenths = dso_simple_tenths(c.aging.total, c.sales_90_days, kDsoPeriodDays);
  }
  auto counts = store.work_counts(d.as_of);
  if (!counts) return counts.status();
  d.actions_today = counts->actions_on;
  d.calls_open = counts->calls_open;
  d.outbox_waiting = counts->outbox_waiting;
  return Status::ok();
}

}  // namespace squeaky
