// The JSON shapes of json/render.h: the one translation unit of the json layer that includes
// nlohmann/json (a heavy header).
#include <nlohmann/json.hpp>

#include "json/render.h"

#include "analytics/measures.h"

namespace squeaky {
namespace {

using Json = nlohmann::ordered_json;

std::string amount(int64_t minor, Currency currency) { return Money::from_minor(minor, currency).to_string(); }

Json aging_row(const AgingRow& row, Currency currency) {
  Json j = Json::object();
  for (AgingBucket b : kAgingBuckets)
    j[std::string(to_string(b))] = amount(row.buckets[static_cast<size_t>(b)], currency);
  j["total"] = amount(row.total, currency);
  j["fees"] = amount(row.fees, currency);
  return j;
}

}  // namespace

std::string aging_json(const AgingSummary& summary, bool by_customer) {
  Json j;
  j["as_of"] = summary.as_of.to_string();
  j["currencies"] = Json::object();
  for (const auto& [currency, row] : summary.totals.currencies())
    j["currencies"][currency.code()] = aging_row(row, currency);
  if (by_customer) {
    j["customers"] = Json::array();
    for (const CustomerAging& c : summary.customers) {
      Json row = {{"id", c.id}, {"name", c.name}, {"currency", c.currency.code()}};
      row.update(aging_row(c.row, c.currency));
      row["unapplied"] = c.unapplied.to_string();
      j["customers"].push_back(std::move(row));
    }
  }
  return j.dump() + "\n";
}

std::string statement_json(const StatementOfAccount& s) {
  const Customer& c = s.ledger->customer;
  const AccountPosition& p = s.position;
  Json j;
  j["as_of"] = p.as_of.to_string();
  Json contacts = Json::array();
  for (const Contact& k : c.contacts) {
    contacts.push_back({{"channel", to_string(k.channel)},
                        {"type", to_string(k.type)},
                        {"value", k.value},
                        {"consent", k.consent},
                        {"opted_out", k.opted_out}});
  }
  j["customer"] = {{"id", c.id},
                   {"name", c.name},
                   {"kind", to_string(c.kind)},
                   {"contact_name", c.contact_name},
                   {"contacts", contacts},
                   {"address",
                    {{"line1", c.address.line1},
                     {"line2", c.address.line2},
                     {"city", c.address.city},
                     {"postal_code", c.address.postal_code},
                     {"region", c.region},
                     {"country", c.country}}},
                   {"timezone", c.timezone},
                   {"currency", c.currency.code()},
                   {"credit_limit", c.credit_limit.to_string()},
                   {"language", c.language},
                   {"plan", c.plan}};
  Json late = Json::array();
  for (const LateCharge& lc : s.late.charges) {
    late.push_back({{"invoice", lc.invoice_id},
                    {"days_late", lc.charge.days_late},
                    {"statutory_rate_bp", lc.charge.statutory_rate_bp},
                    {"interest", lc.charge.interest.to_string()},
                    {"compensation", lc.charge.compensation.to_string()},
                    {"explanation", lc.charge.explanation},
                    {"compensation_explanation", lc.charge.compensation_explanation}});
  }
  j["late_payment"] = {{"regime", s.late.regime}, {"note", s.late.note}, {"charges", late}};
  Json invoices = Json::array();
  for (const InvoicePosition& i : p.invoices) {
    if (i.open.is_zero()) continue;
    invoices.push_back({{"id", i.invoice->id},
                        {"issue_date", i.invoice->issue_date.to_string()},
                        {"due_date", i.invoice->due_date.to_string()},
                        {"days_past_due", std::max<int64_t>(i.days_past_due, 0)},
                        {"amount", i.invoice->amount.to_string()},
                        {"open", i.open.to_string()},
                        {"disputed", i.disputed},
                        {"kind", to_string(i.invoice->kind)}});
  }
  j["open_invoices"] = invoices;
  Json payments = Json::array();
  for (const Payment& pay : s.ledger->payments) {
    if (pay.date > p.as_of) continue;
    payments.push_back({{"id", pay.id},
                        {"date", pay.date.to_string()},
                        {"amount", pay.amount.to_string()},
                        {"invoice_id", pay.invoice_id},
                        {"method", pay.method},
                        {"reference", pay.reference}});
  }
  j["payments"] = payments;
  Json credits = Json::array();
  for (const Credit& cr : s.ledger->credits) {
    if (cr.date > p.as_of) continue;
    credits.push_back({{"id", cr.id},
                       {"date", cr.date.to_string()},
                       {"amount", cr.amount.to_string()},
                       {"kind", to_string(cr.kind)},
                       {"reason", cr.reason},
                       {"invoice_id", cr.invoice_id}});
  }
  j["credits"] = credits;
  j["invoiced"] = p.invoiced.to_string();
  j["paid"] = p.paid.to_string();
  j["credited"] = p.credited.to_string();
  j["unapplied"] = p.unapplied.to_string();
  j["balance"] = p.balance.to_string();
  j["aging"] = aging_row(s.aging, p.currency);
  j["overdue"] = amount(s.aging.overdue(), p.currency);
  const CollectionState& st = s.collection;
  Json collection;
  collection["episode"] = nullptr;
  if (st.episode) {
    collection["episode"] = {{"number", st.episode->number},
                             {"opened_on", st.episode->opened_on.to_string()},
                             {"track_plan", st.episode->track_plan},
                             {"placed", st.episode->placed}};
  }
  collection["promises"] = Json::array();
  for (const PromiseToPay& pr : st.open_promises) {
    collection["promises"].push_back(
        {{"amount", pr.amount.to_string()}, {"made_on", pr.made_on.to_string()}, {"due_on", pr.due_on.to_string()}});
  }
  collection["payment_plan"] = nullptr;
  if (st.payment_plan) {
    Json instalments = Json::array();
    for (const Instalment& i : st.payment_plan->instalments) {
      instalments.push_back({{"due_on", i.due_on.to_string()}, {"amount", i.amount.to_string()}});
    }
    collection["payment_plan"] = {{"agreed_on", st.payment_plan->agreed_on.to_string()}, {"instalments", instalments}};
  }
  collection["holds"] = Json::array();
  for (const Hold& h : st.holds) {
    collection["holds"].push_back({{"kind", to_string(h.kind)},
                                   {"starts_on", h.starts_on.to_string()},
                                   {"ends_on", h.ends_on.to_string()},
                                   {"reason", h.reason}});
  }
  collection["flags"] = Json::array();
  for (const FlagRecord& f : st.flags) {
    collection["flags"].push_back({{"flag", to_string(f.flag)}, {"set_on", f.set_on.to_string()}, {"note", f.note}});
  }
  collection["actions"] = Json::array();
  for (const ActionRecord& a : s.actions) {
    collection["actions"].push_back({{"date", a.on.to_string()},
                                     {"step", a.step},
                                     {"channel", a.channel},
                                     {"status", a.status},
                                     {"reason", a.reason}});
  }
  collection["calls"] = Json::array();
  for (const CallRecord& call : s.calls) {
    collection["calls"].push_back(
        {{"date", call.on.to_string()}, {"outcome", to_string(call.outcome)}, {"note", call.note}});
  }
  j["collection"] = collection;
  return j.dump() + "\n";
}

std::string import_json(const ImportReport& r) {
  Json j = {{"file", r.file},       {"kind", to_string(r.kind)},
            {"rows", r.rows},       {"created", r.created},
            {"updated", r.updated}, {"unchanged", r.unchanged},
            {"written", r.written}, {"ignored_columns", r.ignored_columns},
            {"errors", r.errors}};
  return j.dump() + "\n";
}

std::string journal_check_json(const JournalCheck& c) {
  Json j = {{"intact", c.intact()}, {"entries", c.entries}, {"last_seq", c.head.seq}, {"last_hash", c.head.hash}};
  if (!c.problem.empty()) {
    j["bad_entry"] = c.bad_entry;
    j["problem"] = c.problem;
  } else {
    j["records_checked"] = c.records_checked;
    j["messages_checked"] = c.messages_checked;
    j["ledger_differences"] = c.ledger_problem_count;
    j["ledger_problems"] = c.ledger_problems;
  }
  return j.dump() + "\n";
}

}  // namespace squeaky

namespace squeaky {
namespace {

using Json = nlohmann::ordered_json;

Json guard_json(const GuardDecision& d) {
  Json out{{"verdict", to_string(d.verdict)}};
  if (d.until) out["until"] = d.until->to_string();
  if (!d.rule.empty()) out["rule"] = d.rule;
  if (!d.reason.empty()) out["reason"] = d.reason;
  return out;
}

Json run_report_json(const RunReport& r) {
  Json j;
  j["as_of"] = r.as_of.to_string();
  if (!r.part.empty()) j["part"] = r.part;
  j["already_run"] = r.already_run;
  Json actions = Json::array();
  Json skipped = Json::array();
  Json events = Json::array();
  for (const CustomerDay& c : r.customers) {
    for (const PlannerEvent& e : c.plan.events) {
      events.push_back({{"customer", c.customer_id}, {"event", to_string(e.kind)}, {"detail", e.detail}});
    }
    for (const SkippedStep& s : c.plan.skipped) {
      skipped.push_back({{"customer", c.customer_id}, {"step", s.step}, {"reason", s.reason}});
    }
    if (const auto& a = c.plan.action) {
      for (size_t i = 0; i < a->channels.size(); ++i) {
        Json action{{"customer", c.customer_id},
                    {"step", a->step},
                    {"channel", to_string(a->channels[i])},
                    {"amount", a->overdue.to_string()},
                    {"currency", a->overdue.currency().code()},
                    {"plan", a->plan},
                    {"reason", a->reason}};
        if (i < c.guard.size()) action["guard"] = guard_json(c.guard[i]);
        if (c.fee && i == 0)
          action["fee"] = {{"amount", c.fee->amount.to_string()}, {"explanation", c.fee->explanation}};
        actions.push_back(std::move(action));
      }
    }
  }
  j["actions"] = actions;
  j["skipped"] = skipped;
  j["events"] = events;
  Json held = Json::array();
  for (const HeldCustomer& c : r.held) held.push_back({{"customer", c.customer_id}, {"reason", c.reason}});
  j["held"] = held;
  return j;
}

}  // namespace

std::string run_json(const RunReport& report) { return run_report_json(report).dump() + "\n"; }

std::string forecast_json(const std::vector<RunReport>& days) {
  Json j = Json::array();
  for (const RunReport& r : days) {
    Json day = run_report_json(r);
    day.erase("already_run");
    j.push_back(std::move(day));
  }
  return Json{{"days", j}}.dump() + "\n";
}

std::string worklist_json(Date as_of, const std::vector<WorkItem>& items) {
  Json list = Json::array();
  for (const WorkItem& w : items) {
    Json phones = Json::array();
    for (const Contact& c : w.phones) phones.push_back({{"number", c.value}, {"type", to_string(c.type)}});
    list.push_back({{"customer", w.customer_id},
                    {"name", w.name},
                    {"task", w.task.id},
                    {"step", w.task.step},
                    {"overdue", w.overdue.to_string()},
                    {"currency", w.overdue.currency().code()},
                    {"days_past_due", w.days_past_due},
                    {"expected", w.expected.to_string()},
                    {"phones", phones},
                    {"local_time", w.local_time},
                    {"reason", w.task.reason},
                    {"history", w.history},
                    {"guard", guard_json(w.guard)}});
  }
  return Json{{"as_of", as_of.to_string()}, {"calls", list}}.dump() + "\n";
}

}  // namespace squeaky

namespace squeaky {

std::string outbox_json(const std::vector<OutboxItem>& items) {
  Json list = Json::array();
  for (const OutboxItem& i : items) {
    Json item{{"id", i.action_id},
              {"customer", i.customer_id},
              {"channel", i.channel},
              {"step", i.step},
              {"queued_on", i.on.to_string()},
              {"status", i.status},
              {"attempts", i.attempts},
              {"sha256", i.sha256},
              {"message_id", i.message_id},
              {"subject", i.subject},
              {"last_error", i.last_error}};
    item["not_before"] = i.not_before ? Json(i.not_before->to_string()) : Json(nullptr);
    item["sent_at"] = i.sent_at ? Json(i.sent_at->to_string()) : Json(nullptr);
    list.push_back(std::move(item));
  }
  return Json{{"items", list}}.dump() + "\n";
}

std::string send_json(const SendReport& r) {
  return Json{
             {"sent", r.sent},       {"deferred", r.deferred}, {"failed", r.failed},           {"rejected", r.rejected},
             {"unknown", r.unknown}, {"blocked", r.blocked},   {"interrupted", r.interrupted}, {"items", r.lines}}
             .dump() +
         "\n";
}

std::string letters_json(const LetterBatch& b) {
  return Json{{"date", b.day.to_string()}, {"letters", b.letters}, {"pages", b.pages},
              {"blocked", b.blocked},      {"failed", b.failed},   {"pdf", b.pdf},
              {"manifest", b.manifest},    {"folder", b.folder},   {"items", b.lines}}
             .dump() +
         "\n";
}

std::string users_json(const std::vector<User>& users) {
  Json j = Json::array();
  for (const User& u : users) {
    j.push_back({{"name", u.name},
                 {"role", std::string(to_string(u.role))},
                 {"disabled", u.disabled},
                 {"created", u.created.to_string()}});
  }
  return j.dump() + "\n";
}

std::string api_tokens_json(const std::vector<ApiToken>& tokens) {
  Json j = Json::array();
  for (const ApiToken& t : tokens) {
    j.push_back({{"name", t.name},
                 {"role", std::string(to_string(t.role))},
                 {"user", t.user},
                 {"created", t.created.to_string()},
                 {"revoked", t.revoked}});
  }
  return j.dump() + "\n";
}

std::string dashboard_json(const Dashboard& d) {
  Json currencies = Json::object();
  for (const auto& [currency, c] : d.currencies) {
    Json row = aging_row(c.aging, currency);
    row["overdue"] = amount(c.aging.overdue(), currency);
    row["sales_90_days"] = amount(c.sales_90_days, currency);
    row["collected_30_days"] = amount(c.collected_30_days, currency);
    row["dso_days"] = c.dso_tenths ? Json(format_tenths(*c.dso_tenths)) : Json(nullptr);
    currencies[currency.code()] = std::move(row);
  }
  return Json{{"as_of", d.as_of.to_string()},
              {"currencies", std::move(currencies)},
              {"actions_today", d.actions_today},
              {"calls_open", d.calls_open},
              {"outbox_waiting", d.outbox_waiting}}
             .dump() +
         "\n";
}

std::string plans_json(const PlanSet& set) {
  Json plans = Json::array();
  for (const Plan& p : set.plans) {
    Json steps = Json::array();
    for (const PlanStep& s : p.steps) {
      Json channels = Json::array();
      for (Channel c : s.channels) channels.push_back(to_string(c));
      std::string when;
      if (s.days_past_due) when = "from " + std::to_string(*s.days_past_due) + " days past due";
      if (!s.after.empty()) {
        when += (when.empty() ? "" : " and ") + std::to_string(s.days_after) + " days after " + s.after;
      }
      if (s.latest_days_past_due) {
        when += ", at the latest at " + std::to_string(*s.latest_days_past_due) + " days past due";
      }
      steps.push_back({{"name", s.name},
                       {"channels", std::move(channels)},
                       {"when", when},
                       {"threatens_suit", s.threatens_suit},
                       {"charges_fee", s.charges_fee()},
                       {"description", s.description}});
    }
    plans.push_back({{"name", p.name},
                     {"description", p.description},
                     {"default", p.name == set.default_plan},
                     {"steps", std::move(steps)}});
  }
  return Json{{"plans", std::move(plans)}}.dump() + "\n";
}

}  // namespace squeaky
