#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "render.h"

namespace squeaky::cli {
namespace {

std::string grouped(int64_t minor, Currency currency) { return Money::from_minor(minor, currency).to_grouped_string(); }

void aging_header(std::string& out, std::string_view first, size_t first_width) {
  out += fmt::format("{:<{}}", first, first_width);
  for (AgingBucket b : kAgingBuckets) out += fmt::format(" {:>14}", to_string(b));
  out += fmt::format(" {:>15}\n", "total");
}

// The columns a terminal gives one character: two for East Asian wide characters (the ranges fmt
// counts when it pads), one otherwise.
size_t display_columns(uint32_t cp) {
  const bool wide = cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
                                     (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                                     (cp >= 0xfe30 && cp <= 0xfe6f) || (cp >= 0xff00 && cp <= 0xff60) ||
                                     (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd));
  return wide ? 2 : 1;
}

// `text` (UTF-8) shortened to fit `columns` columns, ending in "…" when cut. It cuts between
// characters, never inside one, and counts columns rather than bytes, so "Ελένη Παπαδοπούλου" fits
// where its byte count would not.
std::string fit_columns(const std::string& text, size_t columns) {
  size_t width = 0;
  size_t cut = std::string::npos;  // where the text is cut if it does not fit
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? lead : lead & (0x7Fu >> len);
    for (size_t k = 1; k < len && i + k < text.size(); ++k) cp = (cp << 6) | (text[i + k] & 0x3Fu);
    const size_t w = display_columns(cp);
    if (cut == std::string::npos && width + w + 1 > columns) cut = i;  // + 1 for the "…"
    width += w;
    if (width > columns) return text.substr(0, cut) + "…";
    i += len;
  }
  return text;
}

std::string rows(size_t n) { return n == 1 ? "1 row" : fmt::format("{} rows", n); }

void aging_cells(std::string& out, const AgingRow& row, Currency currency) {
  for (AgingBucket b : kAgingBuckets)
    out += fmt::format(" {:>14}", grouped(row.buckets[static_cast<size_t>(b)], currency));
  out += fmt::format(" {:>15}\n", grouped(row.total, currency));
}

}  // namespace

std::string aging_text(const AgingSummary& summary, bool by_customer) {
  std::string out = "Aging as of " + summary.as_of.to_string() + " (days past due)\n\n";
  if (summary.totals.currencies().empty()) return out + "Nothing is open.\n";
  if (by_customer) {
    aging_header(out, "customer", 32);
    for (const CustomerAging& c : summary.customers) {
      out += fmt::format("{:<28}{:>4}", fit_columns(c.id + " " + c.name, 28), c.currency.code());
      aging_cells(out, c.row, c.currency);
      // A customer listed only for its unapplied cash would otherwise show nothing but zeros.
      if (!c.unapplied.is_zero()) out.insert(out.size() - 1, "  unapplied " + c.unapplied.to_grouped_string());
    }
    out += "\n";
  }
  aging_header(out, "currency", 32);
  for (const auto& [currency, row] : summary.totals.currencies()) {
    out += fmt::format("{:<32}", currency.code());
    aging_cells(out, row, currency);
  }
  return out;
}

std::string aging_csv(const AgingSummary& summary, bool by_customer) {
  std::string out = by_customer ? "customer_id,name,currency" : "currency";
  for (AgingBucket b : kAgingBuckets) out += fmt::format(",{}", to_string(b));
  out += ",total\n";
  const auto cells = [&](const AgingRow& row, Currency currency) {
    for (AgingBucket b : kAgingBuckets)
      out += "," + Money::from_minor(row.buckets[static_cast<size_t>(b)], currency).to_string();
    out += "," + Money::from_minor(row.total, currency).to_string() + "\n";
  };
  if (by_customer) {
    for (const CustomerAging& c : summary.customers) {
      append_csv_field(out, c.id);
      out += ',';
      append_csv_field(out, c.name);
      out += "," + c.currency.code();
      cells(c.row, c.currency);
    }
  } else {
    for (const auto& [currency, row] : summary.totals.currencies()) {
      out += currency.code();
      cells(row, currency);
    }
  }
  return out;
}

std::string largest_overdue_text(const AgingSummary& summary, size_t count) {
  const auto top = largest_overdue(summary, count);
  if (top.empty()) return "Nothing is overdue.\n";
  std::string out = fmt::format("Largest overdue accounts as of {}\n\n", summary.as_of.to_string());
  out += fmt::format("{:<8} {:<36} {:>16} {:>16}  {}\n", "customer", "name", "overdue", "90+ days", "");
  for (const CustomerAging& c : top) {
    const std::string name = fit_columns(c.name, 36);
    out +=
        fmt::format("{:<8} {:<36} {:>16} {:>16}  {}\n", c.id, name, grouped(c.row.overdue(), c.currency),
                    grouped(c.row.buckets[static_cast<size_t>(AgingBucket::kOver90)], c.currency), c.currency.code());
  }
  return out;
}

// The late-payment section of a statement: what the law lets the business claim.
std::string late_charges_text(const StatementOfAccount& s) {
  const LateCharges& late = s.late;
  if (late.regime.empty()) return "";
  std::string out = "\nLate-payment charges (" + late.regime + ", docs/charges.md)\n";
  if (late.charges.empty()) out += "  none: nothing was paid late\n";
  for (const LateCharge& c : late.charges) {
    out += fmt::format("  {:<16} interest {:>12}  compensation {:>9}  {}; {}\n", c.invoice_id,
                       c.charge.interest.to_grouped_string(), c.charge.compensation.to_grouped_string(),
                       c.charge.explanation, c.charge.compensation_explanation);
  }
  if (!late.charges.empty()) {
    out += fmt::format("  {:<16} interest {:>12}  compensation {:>9}  {}\n", "total", late.interest.to_grouped_string(),
                       late.compensation.to_grouped_string(), late.interest.currency().code());
  }
  if (!late.note.empty()) out += "  note: " + late.note + "\n";
  return out;
}

// The collection section of a statement: where the customer stands and what was done, by day.
std::string collection_text(const StatementOfAccount& s) {
  const CollectionState& st = s.collection;
  std::vector<std::string> now;
  if (st.episode) {
    now.push_back(
        fmt::format("in collection since {} (episode {}){}{}", st.episode->opened_on.to_string(), st.episode->number,
                    st.episode->track_plan.empty()
                        ? ""
                        : ", on the " + st.episode->track_plan + " plan since " + st.episode->track_since.to_string(),
                    st.episode->placed ? ", placed with an agency" : ""));
  }
  for (const PromiseToPay& p : st.open_promises) {
    now.push_back(fmt::format("promise to pay {} {} by {} (made {})", p.amount.to_grouped_string(),
                              p.amount.currency().code(), p.due_on.to_string(), p.made_on.to_string()));
  }
  if (st.payment_plan) {
    std::string instalments;
    for (const Instalment& i : st.payment_plan->instalments) {
      instalments += (instalments.empty() ? "" : ", ") + i.amount.to_grouped_string() + " on " + i.due_on.to_string();
    }
    now.push_back("payment plan agreed " + st.payment_plan->agreed_on.to_string() + ": " + instalments);
  }
  for (const Hold& h : st.holds) {
    now.push_back(fmt::format("{} hold {} to {}{}", to_string(h.kind), h.starts_on.to_string(), h.ends_on.to_string(),
                              h.reason.empty() ? "" : ": " + h.reason));
  }
  for (const FlagRecord& f : st.flags) {
    now.push_back(fmt::format("contact stopped: {} since {}{}", to_string(f.flag), f.set_on.to_string(),
                              f.note.empty() ? "" : " (" + f.note + ")"));
  }
  // What happened, by day: the run's steps (one line per step, its channels together), then calls.
  std::vector<std::pair<Date, std::string>> history;
  for (size_t i = 0; i < s.actions.size(); ++i) {
    const ActionRecord& a = s.actions[i];
    if (a.status == "skipped") {
      history.emplace_back(a.on, "skipped " + a.step);
      continue;
    }
    // One line per step, its channels together with their statuses; a channel the guard blocked
    // says why.
    std::string channels;
    std::string blocked;
    for (size_t j = i; j < s.actions.size() && s.actions[j].step == a.step && s.actions[j].on == a.on &&
                       s.actions[j].status != "skipped";
         i = j++) {
      const ActionRecord& c = s.actions[j];
      channels += (channels.empty() ? "" : ", ") + c.channel + " (" + c.status + ")";
      if (const size_t at = c.reason.find("; blocked ("); c.status == "blocked" && at != std::string::npos) {
        blocked += " - " + c.channel + " " + c.reason.substr(at + 2);
      }
    }
    history.emplace_back(a.on, a.step + " by " + channels + blocked);
  }
  for (const CallRecord& c : s.calls) {
    history.emplace_back(c.on, "call: " + std::string(to_string(c.outcome)) + (c.note.empty() ? "" : " - " + c.note));
  }
  std::stable_sort(history.begin(), history.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (now.empty() && history.empty()) return "";
  std::string out = "\nCollection\n";
  for (const std::string& line : now) out += "  " + line + "\n";
  for (const auto& [on, line] : history) out += "  " + on.to_string() + "  " + line + "\n";
  return out;
}

std::string statement_text(const StatementOfAccount& s) {
  const Customer& c = s.ledger->customer;
  const AccountPosition& p = s.position;
  const Currency cur = p.currency;
  std::string out = fmt::format("{} {} ({})\n", c.id, c.name, to_string(c.kind));
  if (!c.contact_name.empty()) out += "  contact:    " + c.contact_name + "\n";
  for (const Contact& k : c.contacts) {
    out += fmt::format("  {:<11} {} ({}{}{})\n", std::string(to_string(k.channel)) + ":", k.value, to_string(k.type),
                       k.consent ? ", consented" : "", k.opted_out ? ", opted out" : "");
  }
  std::string address;
  std::string place = c.address.postal_code;
  if (!c.address.city.empty()) place += (place.empty() ? "" : " ") + c.address.city;
  for (const std::string& part : {c.address.line1, c.address.line2, place, c.region, c.country}) {
    if (part.empty()) continue;
    address += (address.empty() ? "" : ", ") + part;
  }
  out += "  address:    " + address + "\n";
  out += "  time zone:  " + (c.timezone.empty() ? std::string("unknown") : c.timezone) + "\n";
  out += fmt::format("  currency:   {}   credit limit: {}\n", cur.code(),
                     c.credit_limit.is_zero() ? std::string("none") : c.credit_limit.to_grouped_string());
  out += "\nStatement of account as of " + p.as_of.to_string() + "\n\n";

  size_t open_count = 0;
  for (const InvoicePosition& i : p.invoices) open_count += i.open.is_zero() ? 0 : 1;
  if (open_count == 0) {
    out += "No open invoices.\n";
  } else {
    out += fmt::format("{:<16} {:<10} {:<10} {:>13} {:>14} {:>14}\n", "open invoice", "issued", "due", "days past due",
                       "amount", "open");
    for (const InvoicePosition& i : p.invoices) {
      if (i.open.is_zero()) continue;
      out += fmt::format(
          "{:<16} {:<10} {:<10} {:>13} {:>14} {:>14}{}\n", i.invoice->id, i.invoice->issue_date.to_string(),
          i.invoice->due_date.to_string(), i.days_past_due > 0 ? std::to_string(i.days_past_due) : "-",
          i.invoice->amount.to_grouped_string(), i.open.to_grouped_string(),
          std::string(i.disputed ? "  disputed" : "") + (i.invoice->kind == InvoiceKind::kFee ? "  fee" : ""));
    }
  }
  bool any = false;
  for (const Payment& pay : s.ledger->payments) {
    if (pay.date > p.as_of) continue;
    if (!any)
      out +=
          fmt::format("\n{:<16} {:<10} {:<16} {:<14} {:>14}\n", "payment", "date", "for invoice", "method", "amount");
    any = true;
    out += fmt::format("{:<16} {:<10} {:<16} {:<14} {:>14}\n", pay.id, pay.date.to_string(),
                       pay.invoice_id.empty() ? "-" : pay.invoice_id, pay.method, pay.amount.to_grouped_string());
  }
  any = false;
  for (const Credit& cr : s.ledger->credits) {
    if (cr.date > p.as_of) continue;
    if (!any)
      out += fmt::format("\n{:<16} {:<10} {:<16} {:<14} {:>14}\n", "credit", "date", "for invoice", "reason", "amount");
    any = true;
    out += fmt::format("{:<16} {:<10} {:<16} {:<14} {:>14}\n", cr.id, cr.date.to_string(),
                       cr.invoice_id.empty() ? "-" : cr.invoice_id, std::string(to_string(cr.kind)) + ":" + cr.reason,
                       cr.amount.to_grouped_string());
  }
  out += "\n";
  out += fmt::format("{:<16} {:>14} {}\n", "invoiced", p.invoiced.to_grouped_string(), cur.code());
  out += fmt::format("{:<16} {:>14} {}\n", "paid", p.paid.to_grouped_string(), cur.code());
  out += fmt::format("{:<16} {:>14} {}\n", "credited", p.credited.to_grouped_string(), cur.code());
  out += fmt::format("{:<16} {:>14} {}\n", "unapplied cash", p.unapplied.to_grouped_string(), cur.code());
  out += fmt::format("{:<16} {:>14} {}\n", "balance", p.balance.to_grouped_string(), cur.code());
  if (s.aging.fees != 0) {
    out += fmt::format("{:<16} {:>14} {}  (charged by the plan; not in the aging below)\n", "  of which fees",
                       Money::from_minor(s.aging.fees, cur).to_grouped_string(), cur.code());
  }
  out += "\n";
  aging_header(out, "aging", 5);
  out += "     ";
  aging_cells(out, s.aging, cur);
  out += late_charges_text(s);
  out += collection_text(s);
  return out;
}

std::string import_text(const ImportReport& r, bool dry_run) {
  std::string out;
  if (!r.ignored_columns.empty()) {
    out += r.file + ": ignored unknown column";
    out += r.ignored_columns.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < r.ignored_columns.size(); ++i) out += (i ? ", '" : "'") + r.ignored_columns[i] + "'";
    out += "\n";
  }
  if (!r.errors.empty()) {
    out += fmt::format("{}: {} problem{} in {}; nothing was imported\n", r.file, r.errors.size(),
                       r.errors.size() == 1 ? "" : "s", rows(r.rows));
    return out;
  }
  if (dry_run) {
    return out +
           fmt::format("{}: {} {} valid: {} would be created, {} updated, {} unchanged (dry run: nothing written)\n",
                       r.file, rows(r.rows), r.rows == 1 ? "is" : "are", r.created, r.updated, r.unchanged);
  }
  if (r.created == 0 && r.updated == 0) {
    return out + fmt::format("{}: {}, nothing changed: every row is already in the ledger\n", r.file, rows(r.rows));
  }
  return out + fmt::format("{}: {}: {} created, {} updated, {} unchanged\n", r.file, rows(r.rows), r.created, r.updated,
                           r.unchanged);
}

std::string journal_check_text(const JournalCheck& c) {
  if (c.problem.empty()) {
    std::string out = fmt::format("journal intact: {} entr{}; last entry {} has hash {}\n", c.entries,
                                  c.entries == 1 ? "y" : "ies", c.head.seq, c.head.hash);
    if (c.ledger_problem_count == 0) {
      return out +
             fmt::format("ledger matches the journal: {} record{} checked\n", c.records_checked,
                         c.records_checked == 1 ? "" : "s") +
             fmt::format("letters and emails match the journal: {} stored cop{} checked\n", c.messages_checked,
                         c.messages_checked == 1 ? "y" : "ies");
    }
    out += fmt::format("ledger does NOT match the journal: {} difference{}\n", c.ledger_problem_count,
                       c.ledger_problem_count == 1 ? "" : "s");
    for (const std::string& p : c.ledger_problems) out += "  " + p + "\n";
    if (c.ledger_problem_count > static_cast<int64_t>(c.ledger_problems.size())) {
      out +=
          fmt::format("  ... and {} more\n", c.ledger_problem_count - static_cast<int64_t>(c.ledger_problems.size()));
    }
    return out;
  }
  if (c.entries == 0) return fmt::format("journal NOT intact: {}\nno entry before it checks out\n", c.problem);
  return fmt::format("journal NOT intact: {}\n{} before it check{} out (last good entry {}, hash {})\n", c.problem,
                     c.entries == 1 ? "1 entry" : fmt::format("{} entries", c.entries), c.entries == 1 ? "s" : "",
                     c.head.seq, c.head.hash);
}

}  // namespace squeaky::cli

namespace squeaky::cli {
namespace {

std::string channels_text(const std::vector<Channel>& channels) {
  std::string out;
  for (Channel c : channels) out += (out.empty() ? "" : ", ") + std::string(to_string(c));
  return out;
}

// The lines of one customer's day: its events, skipped steps and action.
void day_lines(std::string& out, const CustomerDay& c, std::string_view indent) {
  const std::string who = c.customer_id + " " + c.name;
  for (const PlannerEvent& e : c.plan.events) {
    out += fmt::format("{}{}: {}: {}\n", indent, who, to_string(e.kind), e.detail);
  }
  for (const SkippedStep& s : c.plan.skipped)
    out += fmt::format("{}{}: skipped {}: {}\n", indent, who, s.step, s.reason);
  if (c.plan.action) {
    out += fmt::format("{}{}: {} by {}: {}\n", indent, who, c.plan.action->step, channels_text(c.plan.action->channels),
                       c.plan.action->reason);
    for (size_t i = 0; i < c.guard.size() && i < c.plan.action->channels.size(); ++i) {
      if (c.guard[i].verdict != Verdict::kBlock) continue;
      out += fmt::format("{}{}: {} by {} blocked ({}): {}\n", indent, who, c.plan.action->step,
                         to_string(c.plan.action->channels[i]), c.guard[i].rule, c.guard[i].reason);
    }
    if (c.fee) out += fmt::format("{}{}: {} fee: {}\n", indent, who, c.plan.action->step, c.fee->explanation);
    if (c.validation_notice) {
      out += fmt::format("{}{}: validation-notice by letter (first contact){}\n", indent, who,
                         c.validation_notice->verdict == Verdict::kBlock
                             ? " blocked (" + c.validation_notice->rule + "): " + c.validation_notice->reason
                             : "");
    }
  }
}

std::string counts(const RunReport& r) {
  return fmt::format("{} action{}, {} skipped step{}, {} event{}; {} overdue customer{} held", r.actions,
                     r.actions == 1 ? "" : "s", r.skipped, r.skipped == 1 ? "" : "s", r.events,
                     r.events == 1 ? "" : "s", r.held.size(), r.held.size() == 1 ? "" : "s") +
         (r.blocked == 0 ? "" : fmt::format("; {} blocked by the contact rules", r.blocked));
}

}  // namespace

std::string run_text(const RunReport& r) {
  const std::string part = r.part.empty() ? "" : " (part " + r.part + ")";
  if (r.already_run) return "The day " + r.as_of.to_string() + part + " was already run: nothing was added.\n";
  std::string out = "Run for " + r.as_of.to_string() + part + ": " + counts(r) + "\n";
  for (const CustomerDay& c : r.customers) day_lines(out, c, "  ");
  if (!r.held.empty()) {
    out += "held:\n";
    for (const HeldCustomer& c : r.held) out += fmt::format("  {} {}: {}\n", c.customer_id, c.name, c.reason);
  }
  return out;
}

std::string forecast_text(const std::vector<RunReport>& days) {
  if (days.empty()) return "";
  std::string out = fmt::format("Forecast for {} day{} from {}, if no money arrives and nobody records anything\n",
                                days.size(), days.size() == 1 ? "" : "s", days.front().as_of.to_string());
  for (const RunReport& r : days) {
    out += "\n" + r.as_of.to_string() + ": " + counts(r) + "\n";
    for (const CustomerDay& c : r.customers) day_lines(out, c, "  ");
  }
  return out;
}

std::string worklist_text(Date as_of, const std::vector<WorkItem>& items) {
  const auto callable = static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [](const WorkItem& w) { return w.guard.verdict == Verdict::kAllow; }));
  std::string out = fmt::format("Worklist for {}: {} call{}, largest expected recovery first\n", as_of.to_string(),
                                callable, callable == 1 ? "" : "s");
  if (callable < items.size()) {
    out += fmt::format("  and {} held back by the contact rules (listed last)\n", items.size() - callable);
  }
  size_t n = 0;
  for (const WorkItem& w : items) {
    if (n == callable) out += "\nNot callable now:\n";
    out += fmt::format("\n{}. {} {}: {} {} overdue, oldest {} days; expected {} {}\n", ++n, w.customer_id, w.name,
                       w.overdue.to_grouped_string(), w.overdue.currency().code(), w.days_past_due,
                       w.expected.to_grouped_string(), w.expected.currency().code());
    std::string phones;
    for (const Contact& c : w.phones)
      phones += (phones.empty() ? "" : ", ") + c.value + " (" + std::string(to_string(c.type)) + ")";
    out += "   call:    " + (phones.empty() ? std::string("no number on file") : phones) + "\n";
    if (!w.local_time.empty()) out += "   local:   " + w.local_time + "\n";
    if (w.guard.verdict == Verdict::kDefer) {
      out += "   from:    " + w.guard.until->to_string() + " (" + w.guard.rule + ": " + w.guard.reason + ")\n";
    } else if (w.guard.verdict == Verdict::kBlock) {
      out += "   blocked: " + w.guard.rule + ": " + w.guard.reason + "\n";
    }
    out += "   why:     " + w.task.reason + "\n";
    for (size_t i = 0; i < w.history.size(); ++i)
      out += (i == 0 ? "   history: " : "            ") + w.history[i] + "\n";
  }
  return out;
}

}  // namespace squeaky::cli

namespace squeaky::cli {

std::string demo_history_text(const DemoReport& demo) {
  std::string out = fmt::format("Collection over the last {} days\n", demo.days_run);
  std::string steps;
  for (const auto& [step, n] : demo.steps) steps += fmt::format("{}{} {}", steps.empty() ? "" : ", ", n, step);
  out += "  steps taken:  " + (steps.empty() ? std::string("none") : steps) + "\n";
  std::string calls;
  for (const auto& [outcome, n] : demo.outcomes) calls += fmt::format("{}{} {}", calls.empty() ? "" : ", ", n, outcome);
  out += "  calls logged: " + (calls.empty() ? std::string("none") : calls) + "\n";
  out += fmt::format(
      "  emails sent:  {} (to {}/mail){}\n", demo.emails_sent, std::filesystem::path(demo.db).parent_path().string(),
      demo.emails_blocked == 0 ? "" : fmt::format(", {} blocked by the contact rules", demo.emails_blocked));
  out += fmt::format("  letters:      {} printed (to {}/letters){}\n", demo.letters_printed,
                     std::filesystem::path(demo.db).parent_path().string(),
                     demo.letters_blocked == 0 ? "" : fmt::format(", {} blocked", demo.letters_blocked));
  return out;
}

}  // namespace squeaky::cli

namespace squeaky::cli {

std::string outbox_text(const std::vector<OutboxItem>& items) {
  std::string out = fmt::format("{} item{}\n", items.size(), items.size() == 1 ? "" : "s");
  if (items.empty()) return out;
  out += fmt::format("{:>8}  {:<10} {:<12} {:<7} {:<10} {:<9} {}\n", "id", "queued", "customer", "channel", "step",
                     "status", "detail");
  for (const OutboxItem& i : items) {
    std::string detail = i.last_error;
    if (i.status == "sent" && i.sent_at)
      detail = i.sent_at->to_string() + (i.sha256.empty() ? "" : " sha256 " + i.sha256.substr(0, 16));
    if (i.not_before && (i.status == "queued" || i.status == "failed")) {
      detail = "not before " + i.not_before->to_string() + (detail.empty() ? "" : "; " + detail);
    }
    if (i.attempts > 0 && i.status != "sent")
      detail += fmt::format(" ({} attempt{})", i.attempts, i.attempts == 1 ? "" : "s");
    out += fmt::format("{:>8}  {:<10} {:<12} {:<7} {:<10} {:<9} {}\n", i.action_id, i.on.to_string(), i.customer_id,
                       i.channel, i.step, i.status, detail);
  }
  return out;
}

std::string send_text(const SendReport& r) {
  std::string out = fmt::format("Sent {}, deferred {}, failed {}, rejected {}, unknown {}, blocked {}", r.sent,
                                r.deferred, r.failed, r.rejected, r.unknown, r.blocked);
  if (r.interrupted > 0) out += fmt::format("; {} interrupted earlier, now unknown", r.interrupted);
  out += "\n";
  for (const std::string& line : r.lines) out += "  " + line + "\n";
  return out;
}

std::string letters_text(const LetterBatch& b) {
  std::string problems;
  if (b.blocked > 0) problems += fmt::format("{} blocked", b.blocked);
  if (b.failed > 0) problems += fmt::format("{}{} failed", problems.empty() ? "" : ", ", b.failed);
  if (b.letters == 0) {
    std::string out =
        fmt::format("No letters to print on {}{}\n", b.day.to_string(), problems.empty() ? "" : " (" + problems + ")");
    for (const std::string& line : b.lines) out += "  " + line + "\n";
    return out;
  }
  std::string out =
      fmt::format("{} letter{}, {} page{} for {}{}\n  print:    {}\n  manifest: {}\n  copies:   {}\n", b.letters,
                  b.letters == 1 ? "" : "s", b.pages, b.pages == 1 ? "" : "s", b.day.to_string(),
                  problems.empty() ? "" : " (" + problems + ")", b.pdf, b.manifest, b.folder);
  for (const std::string& line : b.lines) out += "  " + line + "\n";
  return out;
}

}  // namespace squeaky::cli
