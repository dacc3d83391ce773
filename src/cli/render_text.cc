#include <fmt/format.h>

#include "render.h"

namespace squeaky::cli {
namespace {

std::string grouped(int64_t minor, Currency currency) { return Money::from_minor(minor, currency).to_grouped_string(); }

void aging_header(std::string& out, std::string_view first, size_t first_width) {
  out += fmt::format("{:<{}}", first, first_width);
  for (AgingBucket b : kAgingBuckets) out += fmt::format(" {:>14}", to_string(b));
  out += fmt::format(" {:>15}\n", "total");
}

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
      std::string label = c.id + " " + c.name;
      if (label.size() > 28) label = label.substr(0, 27) + "…";
      out += fmt::format("{:<28}{:>4}", label, c.currency.code());
      aging_cells(out, c.row, c.currency);
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
    std::string name = c.name.size() > 36 ? c.name.substr(0, 35) + "…" : c.name;
    out +=
        fmt::format("{:<8} {:<36} {:>16} {:>16}  {}\n", c.id, name, grouped(c.row.overdue(), c.currency),
                    grouped(c.row.buckets[static_cast<size_t>(AgingBucket::kOver90)], c.currency), c.currency.code());
  }
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
  for (const std::string& part :
       {c.address.line1, c.address.line2, c.address.postal_code + " " + c.address.city, c.region, c.country}) {
    if (part.empty() || part == " ") continue;
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
          i.invoice->amount.to_grouped_string(), i.open.to_grouped_string(), i.invoice->disputed ? "  disputed" : "");
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
  out += "\n";
  aging_header(out, "aging", 5);
  out += "     ";
  aging_cells(out, s.aging, cur);
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
    out += fmt::format("{}: {} problem{} in {} rows; nothing was imported\n", r.file, r.errors.size(),
                       r.errors.size() == 1 ? "" : "s", r.rows);
    return out;
  }
  if (dry_run) {
    return out +
           fmt::format(
               "{}: {} rows are valid: {} would be created, {} updated, {} unchanged (dry run: nothing written)\n",
               r.file, r.rows, r.created, r.updated, r.unchanged);
  }
  if (r.created == 0 && r.updated == 0) {
    return out + fmt::format("{}: {} rows, nothing changed: every row is already in the ledger\n", r.file, r.rows);
  }
  return out + fmt::format("{}: {} rows: {} created, {} updated, {} unchanged\n", r.file, r.rows, r.created, r.updated,
                           r.unchanged);
}

std::string journal_check_text(const JournalCheck& c) {
  if (c.problem.empty()) {
    return fmt::format("journal intact: {} entries; last entry {} has hash {}\n", c.entries, c.head.seq, c.head.hash);
  }
  return fmt::format("journal NOT intact: {}\n{} entries before it check out (last good entry {}, hash {})\n",
                     c.problem, c.entries, c.head.seq, c.head.hash);
}

}  // namespace squeaky::cli
