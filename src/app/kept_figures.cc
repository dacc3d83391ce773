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

}  // namespace

Status KeptFigures::refresh(Store& store, Date as_of) {
  auto head = store.journal_head();
  if (!head) return head.status();
  last_read_all_ = false;
  last_read_customers_ = 0;
  if (seq_ >= 0 && as_of == as_of_ && head->seq == seq_) return Status::ok();
  if (seq_ < 0 || as_of != as_of_ || head->seq < seq_) return read_all(store, as_of);

  std::set<std::string, std::less<>> changed;
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
  if (changed.size() > customers_.size() / 8 + 1) return read_all(store, as_of);
  for (const std::string& id : changed) {
    if (Status read = read_customer(store, id); !read.is_ok()) return read;
  }
  last_read_customers_ = changed.size();
  seq_ = last;
  return Status::ok();
}

Status KeptFigures::read_all(Store& store, Date as_of) {
  // The head first: whatever is written while the ledger is read is then read again next time.
  auto head = store.journal_head();
  if (!head) return head.status();
  std::map<std::string, Customer, std::less<>> fresh;
  Status s = store.for_each_customer_ledger([&](const CustomerLedger& ledger) -> Status {
    auto f = customer_figures(ledger, as_of);
    if (!f) return f.status();
    fresh.emplace_hint(fresh.end(), ledger.customer.id,
                       Customer{ledger.customer.name, ledger.customer.kind, ledger.customer.currency, *f});
    return Status::ok();
  });
  if (!s.is_ok()) return s;
  customers_ = std::move(fresh);
  as_of_ = as_of;
  seq_ = head->seq;
  last_read_all_ = true;
  last_read_customers_ = customers_.size();
  return Status::ok();
}

Status KeptFigures::read_customer(Store& store, const std::string& id) {
  auto ledger = store.customer_ledger(id);
  if (!ledger) return ledger.status();
  if (!*ledger) {
    customers_.erase(id);
    return Status::ok();
  }
  auto f = customer_figures(**ledger, as_of_);
  if (!f) return f.status();
  const squeaky::Customer& c = (*ledger)->customer;
  customers_.insert_or_assign(id, Customer{c.name, c.kind, c.currency, *f});
  return Status::ok();
}

Result<AgingSummary> KeptFigures::aging() const {
  AgingSummary summary;
  summary.as_of = as_of_;
  for (const auto& [id, c] : customers_) {
    if (Status added = add_to_aging(summary, {id, c.name, c.currency, c.figures.row, c.figures.unapplied});
        !added.is_ok()) {
      return added;
    }
  }
  return summary;
}

Result<Dashboard> KeptFigures::dashboard(Store& store) const {
  Dashboard d;
  d.as_of = as_of_;
  for (const auto& [id, c] : customers_) {
    if (Status added = add_to_dashboard(d, c.currency, c.figures); !added.is_ok()) return added;
  }
  if (Status finished = finish_dashboard(store, d); !finished.is_ok()) return finished;
  return d;
}

}  // namespace squeaky
