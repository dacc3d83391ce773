#include "app/kept_figures.h"

#include <set>
#include <string_view>

#include "store/record_fields.h"

namespace squeaky {
namespace {

// The journal kinds that can change a customer's figures: the ledger's records and the disputes
// that change the order money is allocated in. Actions, promises, calls and the like do not.
bool changes_figures(std::string_view kind) {
  for (std::string_view prefix : {"customer.", "invoice.", "payment.", "credit.", "dispute."}) {
    if (kind.starts_with(prefix)) return true;
  }
  return false;
}

// `row` with every amount's sign turned when `sign` is -1.
AgingRow signed_row(const AgingRow& row, int sign) {
  AgingRow out = row;
  for (int64_t& b : out.buckets) b *= sign;
  out.total *= sign;
  out.fees *= sign;
  return out;
}

Status add_signed(int64_t& sum, int64_t amount, int sign) {
  if (__builtin_add_overflow(sum, amount * sign, &sum)) return Status::overflow("the kept totals overflow 64 bits");
  return Status::ok();
}

}  // namespace

Status KeptFigures::count(const Customer& c, int sign) {
  const CustomerFigures& f = c.figures;
  const bool aged = in_aging(f.row, f.unapplied);
  if (!aged && !f.any()) return Status::ok();
  Sums& sums = sums_[c.currency];
  const AgingRow row = signed_row(f.row, sign);
  if (aged) {
    if (Status s = sums.aging.add(row); !s.is_ok()) return s;
    sums.aging_customers += sign;
  }
  if (f.any()) {  // as add_to_dashboard() counts them
    if (Status s = sums.dashboard.aging.add(row); !s.is_ok()) return s;
    if (Status s = add_signed(sums.dashboard.sales_90_days, f.sales_90_days, sign); !s.is_ok()) return s;
    if (Status s = add_signed(sums.dashboard.collected_30_days, f.collected_30_days, sign); !s.is_ok()) return s;
    sums.dashboard_customers += sign;
  }
  if (sums.aging_customers == 0 && sums.dashboard_customers == 0) sums_.erase(c.currency);
  return Status::ok();
}

Status KeptFigures::refresh(Store& store, Date as_of, const std::atomic<bool>* stop) {
  Status s = catch_up(store, as_of, stop);
  if (!s.is_ok()) seq_ = -1;  // whatever was half done is read again in full next time
  return s;
}

Status KeptFigures::catch_up(Store& store, Date as_of, const std::atomic<bool>* stop) {
  auto head = store.journal_head();
  if (!head) return head.status();
  last_read_all_ = false;
  last_read_customers_ = 0;
  if (seq_ >= 0 && as_of == as_of_ && head->seq == seq_) return Status::ok();
  if (seq_ < 0 || as_of < as_of_ || head->seq < seq_) return read_all(store, as_of, stop);

  std::set<std::string, std::less<>> changed;
  if (as_of > as_of_) {
    if (Status moved = move_to(as_of, changed); !moved.is_ok()) return moved;
  }
  int64_t last = seq_;
  Status s = store.for_each_journal_entry_after(seq_, [&](const JournalEntry& e) {
    last = e.seq;
    if (e.customer_id.empty() || !changes_figures(e.kind)) return Status::ok();
    changed.insert(e.customer_id);
    if (auto left = moved_from_customer(e.payload)) changed.insert(std::move(*left));
    return Status::ok();
  });
  if (!s.is_ok()) return s;
  // Reading one customer costs a few indexed queries; reading all of them one sequential pass per
  // table. Past about an eighth of the customers the pass is cheaper.
  if (changed.size() > customers_.size() / 8 + 1) return read_all(store, as_of, stop);
  for (const std::string& id : changed) {
    if (Status read = read_customer(store, id); !read.is_ok()) return read;
  }
  last_read_customers_ = changed.size();
  seq_ = last;
  return Status::ok();
}

Status KeptFigures::read_all(Store& store, Date as_of, const std::atomic<bool>* stop) {
  // The head first: whatever is written while the ledger is read is then read again next time.
  auto head = store.journal_head();
  if (!head) return head.status();
  std::map<std::string, Customer, std::less<>> fresh;
  Status s = store.for_each_customer_ledger([&](const CustomerLedger& ledger) -> Status {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return Status::conflict("stopped before the end");
    auto basis = figures_basis(ledger, as_of);
    if (!basis) return basis.status();
    auto f = figures_on(*basis, as_of);
    if (!f) return f.status();
    fresh.emplace_hint(
        fresh.end(), ledger.customer.id,
        Customer{ledger.customer.name, ledger.customer.kind, ledger.customer.currency, *f, std::move(*basis)});
    return Status::ok();
  });
  if (!s.is_ok()) return s;
  customers_ = std::move(fresh);
  sums_.clear();
  for (const auto& [id, c] : customers_) {
    if (Status counted = count(c, +1); !counted.is_ok()) return counted;
  }
  as_of_ = as_of;
  seq_ = head->seq;
  last_read_all_ = true;
  last_read_customers_ = customers_.size();
  return Status::ok();
}

Status KeptFigures::read_customer(Store& store, const std::string& id) {
  auto ledger = store.customer_ledger(id);
  if (!ledger) return ledger.status();
  if (auto it = customers_.find(id); it != customers_.end()) {
    if (Status s = count(it->second, -1); !s.is_ok()) return s;
    customers_.erase(it);
  }
  if (!*ledger) return Status::ok();
  auto basis = figures_basis(**ledger, as_of_);
  if (!basis) return basis.status();
  auto f = figures_on(*basis, as_of_);
  if (!f) return f.status();
  const squeaky::Customer& c = (*ledger)->customer;
  auto [it, added] = customers_.insert_or_assign(id, Customer{c.name, c.kind, c.currency, *f, std::move(*basis)});
  return count(it->second, +1);
}

Status KeptFigures::move_to(Date as_of, std::set<std::string, std::less<>>& stale) {
  sums_.clear();
  for (auto& [id, c] : customers_) {
    if (c.basis.holds_on(as_of)) {
      auto f = figures_on(c.basis, as_of);
      if (!f) return f.status();
      c.figures = *f;
      if (Status counted = count(c, +1); !counted.is_ok()) return counted;
    } else {  // records dated after the day before: read again below, at the new day
      c.figures = CustomerFigures{};
      stale.insert(id);
    }
  }
  as_of_ = as_of;
  return Status::ok();
}

Result<AgingSummary> KeptFigures::aging(bool by_customer) const {
  AgingSummary summary;
  summary.as_of = as_of_;
  for (const auto& [currency, sums] : sums_) {
    if (sums.aging_customers == 0) continue;
    if (Status added = summary.totals.add(currency, sums.aging); !added.is_ok()) return added;
  }
  if (!by_customer) return summary;
  for (const auto& [id, c] : customers_) {
    if (!in_aging(c.figures.row, c.figures.unapplied)) continue;
    summary.customers.push_back({id, c.name, c.currency, c.figures.row, c.figures.unapplied});
  }
  return summary;
}

Result<Dashboard> KeptFigures::dashboard(Store& store) const {
  Dashboard d;
  d.as_of = as_of_;
  for (const auto& [currency, sums] : sums_) {
    if (sums.dashboard_customers > 0) d.currencies[currency] = sums.dashboard;
  }
  if (Status finished = finish_dashboard(store, d); !finished.is_ok()) return finished;
  return d;
}

}  // namespace squeaky
