#include "sql_collection.h"

#include <algorithm>

#include "store/journal.h"

namespace squeaky::sql {

const char* const kCollectionSchema = R"sql(
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY, invoice_id TEXT NOT NULL, customer_id TEXT NOT NULL, opened_on TEXT NOT NULL,
  resolved_on TEXT, reason TEXT NOT NULL, resolution TEXT NOT NULL DEFAULT ''
);
CREATE INDEX disputes_by_invoice ON disputes (invoice_id);
CREATE INDEX disputes_by_customer ON disputes (customer_id);
CREATE TABLE episodes (
  customer_id TEXT NOT NULL, number INTEGER NOT NULL, opened_on TEXT NOT NULL, closed_on TEXT,
  track_plan TEXT NOT NULL DEFAULT '', track_since TEXT, placed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (customer_id, number)
) WITHOUT ROWID;
CREATE TABLE actions (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, episode INTEGER NOT NULL, step TEXT NOT NULL,
  channel TEXT NOT NULL, on_date TEXT NOT NULL, status TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, plan TEXT NOT NULL, agency TEXT NOT NULL, reason TEXT NOT NULL, invoices TEXT NOT NULL,
  UNIQUE (customer_id, episode, plan, step, channel)
);
CREATE INDEX actions_by_status ON actions (status, customer_id);
CREATE TABLE promises (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, made_on TEXT NOT NULL, due_on TEXT NOT NULL,
  amount INTEGER NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', closed_on TEXT
);
CREATE TABLE payment_plans (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, agreed_on TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', closed_on TEXT
);
CREATE TABLE instalments (
  plan_id INTEGER NOT NULL, seq INTEGER NOT NULL, due_on TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, PRIMARY KEY (plan_id, seq)
) WITHOUT ROWID;
CREATE TABLE holds (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, kind TEXT NOT NULL, starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL, reason TEXT NOT NULL, ended_on TEXT
);
CREATE TABLE flags (
  customer_id TEXT NOT NULL, flag TEXT NOT NULL, set_on TEXT NOT NULL, note TEXT NOT NULL,
  PRIMARY KEY (customer_id, flag)
) WITHOUT ROWID;
CREATE TABLE calls (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, on_date TEXT NOT NULL, outcome TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX calls_by_customer ON calls (customer_id);
CREATE TABLE runs (
  as_of TEXT PRIMARY KEY, at TEXT NOT NULL, actions INTEGER NOT NULL, skipped INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

Status Collection::prepare(Connection* db) {
  db_ = db;
  const std::pair<Statement*, const char*> statements[] = {
      {&open_episode_, "INSERT INTO episodes (customer_id, number, opened_on) VALUES (?1, ?2, ?3)"},
      {&close_episode_, "UPDATE episodes SET closed_on = ?3 WHERE customer_id = ?1 AND number = ?2"},
      {&set_track_, "UPDATE episodes SET track_plan = ?3, track_since = ?4 WHERE customer_id = ?1 AND number = ?2"},
      {&mark_placed_, "UPDATE episodes SET placed = 1 WHERE customer_id = ?1 AND number = ?2"},
      {&insert_action_,
       "INSERT INTO actions (id, customer_id, episode, step, channel, on_date, status, amount, currency, plan, "
       "agency, reason, invoices) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM actions), "
       "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) RETURNING id"},
      {&supersede_calls_, "UPDATE actions SET status = 'superseded' WHERE customer_id = ?1 AND status = 'open'"},
      {&complete_calls_, "UPDATE actions SET status = 'done' WHERE customer_id = ?1 AND status = 'open'"},
      {&insert_promise_,
       "INSERT INTO promises (id, customer_id, made_on, due_on, amount, currency) VALUES ((SELECT COALESCE(MAX(id), 0) "
       "+ 1 FROM promises), "
       "?1, ?2, ?3, ?4, ?5) RETURNING id"},
      {&close_promise_, "UPDATE promises SET status = ?2, closed_on = ?3 WHERE id = ?1 AND status = 'open'"},
      {&promise_customer_, "SELECT customer_id FROM promises WHERE id = ?1"},
      {&insert_plan_,
       "INSERT INTO payment_plans (id, customer_id, agreed_on) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM "
       "payment_plans), "
       "?1, ?2) RETURNING id"},
      {&insert_instalment_,
       "INSERT INTO instalments (plan_id, seq, due_on, amount, currency) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&close_plan_, "UPDATE payment_plans SET status = ?2, closed_on = ?3 WHERE id = ?1 AND status = 'active'"},
      {&plan_customer_, "SELECT customer_id FROM payment_plans WHERE id = ?1"},
      {&insert_hold_,
       "INSERT INTO holds (id, customer_id, kind, starts_on, ends_on, reason) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 "
       "FROM holds), "
       "?1, ?2, ?3, ?4, ?5) RETURNING id"},
      {&end_hold_, "UPDATE holds SET ended_on = ?2 WHERE id = ?1 AND ended_on IS NULL"},
      {&hold_customer_, "SELECT customer_id FROM holds WHERE id = ?1"},
      {&upsert_flag_,
       "INSERT INTO flags (customer_id, flag, set_on, note) VALUES (?1, ?2, ?3, ?4) "
       "ON CONFLICT (customer_id, flag) DO UPDATE SET set_on = excluded.set_on, note = excluded.note"},
      {&delete_flag_, "DELETE FROM flags WHERE customer_id = ?1 AND flag = ?2"},
      {&insert_dispute_,
       "INSERT INTO disputes (id, invoice_id, customer_id, opened_on, reason) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 "
       "FROM disputes), "
       "?1, ?2, ?3, ?4) RETURNING id"},
      {&resolve_dispute_,
       "UPDATE disputes SET resolved_on = ?2, resolution = ?3 WHERE id = ?1 AND resolved_on IS NULL"},
      {&dispute_by_id_, "SELECT customer_id, invoice_id FROM disputes WHERE id = ?1"},
      {&open_dispute_on_,
       "SELECT id, invoice_id, customer_id, opened_on, reason FROM disputes WHERE invoice_id = ?1 AND resolved_on IS "
       "NULL"},
      {&insert_call_,
       "INSERT INTO calls (id, customer_id, on_date, outcome, note) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM "
       "calls), "
       "?1, ?2, ?3, ?4) RETURNING id"},
      {&insert_run_, "INSERT INTO runs (as_of, at, actions, skipped) VALUES (?1, ?2, ?3, ?4)"},
      {&select_run_, "SELECT 1 FROM runs WHERE as_of = ?1"},
  };
  for (const auto& [statement, text] : statements) {
    if (Status s = statement->prepare(db, text, true); !s.is_ok()) return s;
  }
  return Status::ok();
}

Result<int64_t> Collection::insert(Statement& s, std::string_view what) {
  if (s.step() != kRow) return error(db_, what);
  return s.integer(0);
}

Status Collection::change(Statement& s, std::string_view what) {
  return s.step() == kDone ? Status::ok() : error(db_, what);
}

Status Collection::must_change_one(Statement& s, std::string_view what) {
  if (s.step() != kDone) return error(db_, what);
  if (db_->changes() != 1) return Status::conflict(std::string(what) + ": nothing to change (already done?)");
  return Status::ok();
}

namespace {

// The customer a row belongs to, found by id with `lookup`.
Result<std::string> owner(Connection* db, Statement& lookup, int64_t id, std::string_view what) {
  Use q(lookup);
  q->bind(1, id);
  const int rc = q->step();
  if (rc == kDone) return Status::not_found("no " + std::string(what) + " " + std::to_string(id));
  if (rc != kRow) return error(db, "reading a " + std::string(what));
  return std::string(q->text(0));
}

}  // namespace

Status Collection::open_episode(JournalWriter& j, std::string_view customer_id, const Episode& episode,
                                std::string_view detail, std::string_view actor) {
  {
    Use q(open_episode_);
    q->bind(1, customer_id).bind(2, int64_t{episode.number}).bind(3, episode.opened_on.to_string());
    if (Status s = change(*q.operator->(), "opening an episode"); !s.is_ok()) return s;
  }
  return j.append(customer_id, actor, "episode.opened",
                  CanonicalJson()
                      .add("customer_id", customer_id)
                      .add("detail", detail)
                      .add("episode", int64_t{episode.number})
                      .add("opened_on", episode.opened_on.to_string())
                      .str());
}

Status Collection::close_episode(JournalWriter& j, std::string_view customer_id, int number, Date on,
                                 std::string_view detail, std::string_view actor) {
  {
    Use q(close_episode_);
    q->bind(1, customer_id).bind(2, int64_t{number}).bind(3, on.to_string());
    if (Status s = must_change_one(*q.operator->(), "closing an episode"); !s.is_ok()) return s;
  }
  // A call task cannot outlive its episode.
  {
    Use q(supersede_calls_);
    q->bind(1, customer_id);
    if (Status s = change(*q.operator->(), "closing call tasks"); !s.is_ok()) return s;
  }
  return j.append(customer_id, actor, "episode.closed",
                  CanonicalJson()
                      .add("closed_on", on.to_string())
                      .add("customer_id", customer_id)
                      .add("detail", detail)
                      .add("episode", int64_t{number})
                      .str());
}

Status Collection::set_episode_track(JournalWriter& j, std::string_view customer_id, int number, std::string_view plan,
                                     Date since, std::string_view actor) {
  {
    Use q(set_track_);
    q->bind(1, customer_id).bind(2, int64_t{number}).bind(3, plan).bind(4, since.to_string());
    if (Status s = must_change_one(*q.operator->(), "changing an episode's plan"); !s.is_ok()) return s;
  }
  return j.append(customer_id, actor, "episode.track",
                  CanonicalJson()
                      .add("customer_id", customer_id)
                      .add("episode", int64_t{number})
                      .add("plan", plan)
                      .add("since", since.to_string())
                      .str());
}

Result<std::vector<int64_t>> Collection::record_actions(JournalWriter& j, const std::vector<ActionRecord>& records,
                                                        std::string_view actor) {
  std::vector<int64_t> ids;
  if (records.empty()) return ids;
  const ActionRecord& first = records.front();
  const bool fired = first.status != "skipped";
  if (fired) {
    Use q(supersede_calls_);
    q->bind(1, first.customer_id);
    if (Status s = change(*q.operator->(), "superseding call tasks"); !s.is_ok()) return s;
  }
  std::string channels = "[";
  for (const ActionRecord& a : records) {
    Use q(insert_action_);
    q->bind(1, a.customer_id).bind(2, int64_t{a.episode}).bind(3, a.step).bind(4, a.channel).bind(5, a.on.to_string());
    q->bind(6, a.status).bind(7, a.amount.minor_units()).bind(8, a.amount.currency().code()).bind(9, a.plan);
    q->bind(10, a.agency).bind(11, a.reason).bind(12, a.invoices);
    auto id = insert(*q.operator->(), "recording an action");
    if (!id) return id.status();
    ids.push_back(*id);
    if (channels.size() > 1) channels += ',';
    append_json_string(channels, a.channel);
    if (a.status == "placed") {
      Use placed(mark_placed_);
      placed->bind(1, a.customer_id).bind(2, int64_t{a.episode});
      if (Status s = change(*placed.operator->(), "marking the episode placed"); !s.is_ok()) return s;
    }
  }
  channels += ']';
  CanonicalJson payload;
  payload.add("customer_id", first.customer_id)
      .add("episode", int64_t{first.episode})
      .add("on", first.on.to_string())
      .add("plan", first.plan)
      .add("reason", first.reason)
      .add("step", first.step);
  if (fired) {
    payload.add("amount", first.amount.to_string())
        .add("currency", first.amount.currency().code())
        .add_raw("channels", channels)
        .add_raw("invoices", first.invoices.empty() ? "[]" : first.invoices);
    if (!first.agency.empty()) payload.add("agency", first.agency);
  }
  if (Status s = j.append(first.customer_id, actor, fired ? "action.created" : "action.skipped", payload.str());
      !s.is_ok()) {
    return s;
  }
  return ids;
}

Result<int64_t> Collection::add_promise(JournalWriter& j, std::string_view customer_id, const PromiseToPay& p,
                                        std::string_view actor) {
  Use q(insert_promise_);
  q->bind(1, customer_id).bind(2, p.made_on.to_string()).bind(3, p.due_on.to_string()).bind(4, p.amount.minor_units());
  q->bind(5, p.amount.currency().code());
  auto id = insert(*q.operator->(), "recording a promise");
  if (!id) return id;
  if (Status s = j.append(customer_id, actor, "promise.made",
                          CanonicalJson()
                              .add("amount", p.amount.to_string())
                              .add("currency", p.amount.currency().code())
                              .add("customer_id", customer_id)
                              .add("due_on", p.due_on.to_string())
                              .add("made_on", p.made_on.to_string())
                              .add("promise", *id)
                              .str());
      !s.is_ok()) {
    return s;
  }
  return id;
}

Status Collection::close_promise(JournalWriter& j, int64_t id, bool kept, Date on, std::string_view detail,
                                 std::string_view actor) {
  auto customer = owner(db_, promise_customer_, id, "promise");
  if (!customer) return customer.status();
  {
    Use q(close_promise_);
    q->bind(1, id).bind(2, kept ? "kept" : "broken").bind(3, on.to_string());
    if (Status s = must_change_one(*q.operator->(), "closing a promise"); !s.is_ok()) return s;
  }
  return j.append(*customer, actor, kept ? "promise.kept" : "promise.broken",
                  CanonicalJson()
                      .add("customer_id", *customer)
                      .add("detail", detail)
                      .add("on", on.to_string())
                      .add("promise", id)
                      .str());
}

Result<int64_t> Collection::add_payment_plan(JournalWriter& j, std::string_view customer_id, const PaymentPlan& plan,
                                             std::string_view actor) {
  int64_t id = 0;
  {
    Use q(insert_plan_);
    q->bind(1, customer_id).bind(2, plan.agreed_on.to_string());
    auto inserted = insert(*q.operator->(), "recording a payment plan");
    if (!inserted) return inserted;
    id = *inserted;
  }
  std::string instalments = "[";
  int64_t seq = 0;
  for (const Instalment& i : plan.instalments) {
    Use q(insert_instalment_);
    q->bind(1, id).bind(2, ++seq).bind(3, i.due_on.to_string()).bind(4, i.amount.minor_units());
    q->bind(5, i.amount.currency().code());
    if (Status s = change(*q.operator->(), "recording an instalment"); !s.is_ok()) return s;
    if (instalments.size() > 1) instalments += ',';
    instalments += CanonicalJson().add("amount", i.amount.to_string()).add("due_on", i.due_on.to_string()).str();
  }
  instalments += ']';
  if (Status s = j.append(
          customer_id, actor, "payment_plan.agreed",
          CanonicalJson()
              .add("agreed_on", plan.agreed_on.to_string())
              .add("currency", plan.instalments.empty() ? std::string() : plan.instalments[0].amount.currency().code())
              .add("customer_id", customer_id)
              .add_raw("instalments", instalments)
              .add("payment_plan", id)
              .str());
      !s.is_ok()) {
    return s;
  }
  return id;
}

Status Collection::close_payment_plan(JournalWriter& j, int64_t id, std::string_view status, Date on,
                                      std::string_view detail, std::string_view actor) {
  auto customer = owner(db_, plan_customer_, id, "payment plan");
  if (!customer) return customer.status();
  {
    Use q(close_plan_);
    q->bind(1, id).bind(2, status).bind(3, on.to_string());
    if (Status s = must_change_one(*q.operator->(), "closing a payment plan"); !s.is_ok()) return s;
  }
  return j.append(*customer, actor, "payment_plan." + std::string(status),
                  CanonicalJson()
                      .add("customer_id", *customer)
                      .add("detail", detail)
                      .add("on", on.to_string())
                      .add("payment_plan", id)
                      .str());
}

Result<int64_t> Collection::add_hold(JournalWriter& j, std::string_view customer_id, const Hold& hold,
                                     std::string_view actor) {
  Use q(insert_hold_);
  q->bind(1, customer_id).bind(2, to_string(hold.kind)).bind(3, hold.starts_on.to_string());
  q->bind(4, hold.ends_on.to_string()).bind(5, hold.reason);
  auto id = insert(*q.operator->(), "recording a hold");
  if (!id) return id;
  if (Status s = j.append(customer_id, actor, "hold.added",
                          CanonicalJson()
                              .add("customer_id", customer_id)
                              .add("ends_on", hold.ends_on.to_string())
                              .add("hold", *id)
                              .add("kind", to_string(hold.kind))
                              .add("reason", hold.reason)
                              .add("starts_on", hold.starts_on.to_string())
                              .str());
      !s.is_ok()) {
    return s;
  }
  return id;
}

Status Collection::end_hold(JournalWriter& j, int64_t id, Date on, std::string_view detail, std::string_view actor) {
  auto customer = owner(db_, hold_customer_, id, "hold");
  if (!customer) return customer.status();
  {
    Use q(end_hold_);
    q->bind(1, id).bind(2, on.to_string());
    if (Status s = must_change_one(*q.operator->(), "ending a hold"); !s.is_ok()) return s;
  }
  return j.append(*customer, actor, "hold.ended",
                  CanonicalJson()
                      .add("customer_id", *customer)
                      .add("detail", detail)
                      .add("hold", id)
                      .add("on", on.to_string())
                      .str());
}

Status Collection::set_flag(JournalWriter& j, std::string_view customer_id, const FlagRecord& flag,
                            std::string_view actor) {
  {
    Use q(upsert_flag_);
    q->bind(1, customer_id).bind(2, to_string(flag.flag)).bind(3, flag.set_on.to_string()).bind(4, flag.note);
    if (Status s = change(*q.operator->(), "setting a flag"); !s.is_ok()) return s;
  }
  return j.append(customer_id, actor, "flag.set",
                  CanonicalJson()
                      .add("customer_id", customer_id)
                      .add("flag", to_string(flag.flag))
                      .add("note", flag.note)
                      .add("on", flag.set_on.to_string())
                      .str());
}

Status Collection::clear_flag(JournalWriter& j, std::string_view customer_id, StopFlag flag, Date on,
                              std::string_view actor) {
  {
    Use q(delete_flag_);
    q->bind(1, customer_id).bind(2, to_string(flag));
    if (Status s = must_change_one(*q.operator->(), "clearing the flag " + std::string(to_string(flag))); !s.is_ok()) {
      return s;
    }
  }
  return j.append(
      customer_id, actor, "flag.cleared",
      CanonicalJson().add("customer_id", customer_id).add("flag", to_string(flag)).add("on", on.to_string()).str());
}

Result<int64_t> Collection::open_dispute(JournalWriter& j, const Dispute& d, std::string_view actor) {
  Use q(insert_dispute_);
  q->bind(1, d.invoice_id).bind(2, d.customer_id).bind(3, d.opened_on.to_string()).bind(4, d.reason);
  auto id = insert(*q.operator->(), "recording a dispute");
  if (!id) return id;
  if (Status s = j.append(d.customer_id, actor, "dispute.opened",
                          CanonicalJson()
                              .add("customer_id", d.customer_id)
                              .add("dispute", *id)
                              .add("invoice_id", d.invoice_id)
                              .add("opened_on", d.opened_on.to_string())
                              .add("reason", d.reason)
                              .str());
      !s.is_ok()) {
    return s;
  }
  return id;
}

Status Collection::resolve_dispute(JournalWriter& j, int64_t id, Date on, std::string_view resolution,
                                   std::string_view actor) {
  std::string customer;
  std::string invoice;
  {
    Use q(dispute_by_id_);
    q->bind(1, id);
    if (q->step() != kRow) return Status::not_found("no dispute " + std::to_string(id));
    customer = q->text(0);
    invoice = q->text(1);
  }
  {
    Use q(resolve_dispute_);
    q->bind(1, id).bind(2, on.to_string()).bind(3, resolution);
    if (Status s = must_change_one(*q.operator->(), "resolving a dispute"); !s.is_ok()) return s;
  }
  return j.append(customer, actor, "dispute.resolved",
                  CanonicalJson()
                      .add("customer_id", customer)
                      .add("dispute", id)
                      .add("invoice_id", invoice)
                      .add("resolution", resolution)
                      .add("resolved_on", on.to_string())
                      .str());
}

Result<int64_t> Collection::log_call(JournalWriter& j, const CallRecord& call, std::string_view actor) {
  int64_t id = 0;
  {
    Use q(insert_call_);
    q->bind(1, call.customer_id).bind(2, call.on.to_string()).bind(3, to_string(call.outcome)).bind(4, call.note);
    auto inserted = insert(*q.operator->(), "logging a call");
    if (!inserted) return inserted;
    id = *inserted;
  }
  {
    Use q(complete_calls_);
    q->bind(1, call.customer_id);
    if (Status s = change(*q.operator->(), "closing call tasks"); !s.is_ok()) return s;
  }
  if (Status s = j.append(call.customer_id, actor, "call.logged",
                          CanonicalJson()
                              .add("call", id)
                              .add("customer_id", call.customer_id)
                              .add("note", call.note)
                              .add("on", call.on.to_string())
                              .add("outcome", to_string(call.outcome))
                              .str());
      !s.is_ok()) {
    return s;
  }
  return id;
}

Status Collection::record_run(JournalWriter& j, Date as_of, std::string_view at, int64_t actions, int64_t skipped,
                              std::string_view actor) {
  {
    Use q(select_run_);
    q->bind(1, as_of.to_string());
    if (q->step() == kRow) return Status::conflict("the run for " + as_of.to_string() + " was already made");
  }
  {
    Statement q;
    if (Status s = q.prepare(db_, "SELECT parts FROM run_parts WHERE as_of = ?1"); !s.is_ok()) return s;
    q.bind(1, as_of.to_string());
    if (q.step() == kRow) {
      const std::string parts = std::to_string(q.integer(0));
      return Status::conflict("the day " + as_of.to_string() + " is being run in " + parts +
                              " parts; run the rest of them (squeaky run --shard K/" + parts + ")");
    }
  }
  {
    Use q(insert_run_);
    q->bind(1, as_of.to_string()).bind(2, at).bind(3, actions).bind(4, skipped);
    if (Status s = change(*q.operator->(), "recording the run"); !s.is_ok()) return s;
  }
  return j.append(
      "", actor, "run.completed",
      CanonicalJson().add("actions", actions).add("as_of", as_of.to_string()).add("skipped", skipped).str());
}

Status Collection::record_run_part(JournalWriter& j, Date as_of, int part, int parts, std::string_view at,
                                   int64_t actions, int64_t skipped, std::string_view actor) {
  const std::string day = as_of.to_string();
  const std::string name = std::to_string(part) + "/" + std::to_string(parts);
  {
    Use q(select_run_);
    q->bind(1, day);
    if (q->step() == kRow) return Status::conflict("the run for " + day + " was already made");
  }
  int64_t done = 0;
  int64_t total_actions = actions;
  int64_t total_skipped = skipped;
  {
    Statement q;
    if (Status s = q.prepare(db_, "SELECT part, parts, actions, skipped FROM run_parts WHERE as_of = ?1"); !s.is_ok())
      return s;
    q.bind(1, day);
    int rc = 0;
    while ((rc = q.step()) == kRow) {
      if (q.integer(1) != parts) {
        return Status::conflict("the day " + day + " is being run in " + std::to_string(q.integer(1)) + " parts, not " +
                                std::to_string(parts));
      }
      if (q.integer(0) == part)
        return Status::conflict("part " + name + " of the run for " + day + " was already made");
      ++done;
      total_actions += q.integer(2);
      total_skipped += q.integer(3);
    }
    if (rc != kDone) return error(db_, "reading the run's parts");
  }
  {
    Statement q;
    if (Status s = q.prepare(db_,
                             "INSERT INTO run_parts (as_of, part, parts, at, actions, skipped) VALUES (?1, ?2, ?3, ?4, "
                             "?5, ?6)");
        !s.is_ok()) {
      return s;
    }
    q.bind(1, day).bind(2, int64_t{part}).bind(3, int64_t{parts}).bind(4, at).bind(5, actions).bind(6, skipped);
    if (Status s = change(q, "recording the run's part"); !s.is_ok()) return s;
  }
  if (Status s = j.append(
          "", actor, "run.part_completed",
          CanonicalJson().add("actions", actions).add("as_of", day).add("part", name).add("skipped", skipped).str());
      !s.is_ok()) {
    return s;
  }
  if (done + 1 < parts) return Status::ok();
  // The last part: the day is run.
  {
    Use q(insert_run_);
    q->bind(1, day).bind(2, at).bind(3, total_actions).bind(4, total_skipped);
    if (Status s = change(*q.operator->(), "recording the run"); !s.is_ok()) return s;
  }
  return j.append("", actor, "run.completed",
                  CanonicalJson().add("actions", total_actions).add("as_of", day).add("skipped", total_skipped).str());
}

Result<std::optional<Date>> Collection::last_run_part(int part, int parts) {
  Statement q;
  if (Status s = q.prepare(db_, "SELECT MAX(as_of) FROM run_parts WHERE part = ?1 AND parts = ?2"); !s.is_ok())
    return s;
  q.bind(1, int64_t{part}).bind(2, int64_t{parts});
  if (q.step() != kRow) return error(db_, "reading the run's parts");
  if (q.text(0).empty()) return std::optional<Date>{};
  return std::optional<Date>(stored_date(q.text(0)));
}

Result<std::optional<Date>> Collection::last_run() {
  Statement q;
  if (Status s = q.prepare(db_, "SELECT MAX(as_of) FROM runs"); !s.is_ok()) return s;
  if (q.step() != kRow) return error(db_, "reading runs");
  if (q.text(0).empty()) return std::optional<Date>{};
  return std::optional<Date>(stored_date(q.text(0)));
}

namespace {

// Appends " WHERE <column> = ?1" when `customer_id` is not empty.
std::string for_customer(const char* sql, std::string_view customer_id, const char* column = "customer_id",
                         const char* tail = "") {
  std::string out = sql;
  if (!customer_id.empty())
    out += std::string(out.find(" WHERE ") == std::string::npos ? " WHERE " : " AND ") + column + " = ?1";
  return out + tail;
}

}  // namespace

Result<bool> Collection::from_open_episodes(std::string_view customer_id) {
  if (!customer_id.empty()) return true;  // one customer's: through the indexes
  Statement q;
  if (Status s = q.prepare(db_,
                           "SELECT (SELECT count(*) FROM episodes WHERE closed_on IS NULL), "
                           "(SELECT COALESCE(MAX(id), 0) FROM actions)");
      !s.is_ok()) {
    return s;
  }
  if (q.step() != kRow) return error(db_, "counting the open episodes");
  return q.integer(1) > 8 * q.integer(0);
}

Result<std::unordered_map<std::string, CollectionState>> Collection::states(std::string_view customer_id) {
  std::unordered_map<std::string, CollectionState> out;
  const auto each = [&](const std::string& sql, auto&& row) -> Status {
    Statement q;  // read as it streams: every customer's state can be hundreds of MB of rows
    if (Status s = q.prepare_scan(db_, sql.c_str()); !s.is_ok()) return s;
    if (!customer_id.empty()) q.bind(1, customer_id);
    // A customer's rows often come one after another (a day's actions are written customer by
    // customer): the state found for the row before is used again without a lookup.
    std::string last_id;
    CollectionState* last = nullptr;
    int rc = 0;
    while ((rc = q.step()) == kRow) {
      if (last == nullptr || q.text(0) != last_id) {
        last_id.assign(q.text(0));
        last = &out[last_id];
      }
      row(q, *last);
    }
    return rc == kDone ? Status::ok() : error(db_, "reading the collection state");
  };
  Status s = each(for_customer("SELECT customer_id, MAX(number) FROM episodes", customer_id, "customer_id",
                               " GROUP BY customer_id"),
                  [](Statement& q, CollectionState& st) { st.last_episode_number = static_cast<int>(q.integer(1)); });
  if (s.is_ok()) {
    s = each(for_customer(
                 "SELECT customer_id, number, opened_on, track_plan, placed, track_since FROM episodes WHERE closed_on "
                 "IS NULL",
                 customer_id),
             [](Statement& q, CollectionState& st) {
               Episode e;
               e.number = static_cast<int>(q.integer(1));
               e.opened_on = stored_date(q.text(2));
               e.track_plan = q.text(3);
               e.placed = q.integer(4) != 0;
               if (!q.text(5).empty()) e.track_since = stored_date(q.text(5));
               st.episode = std::move(e);
             });
  }
  if (s.is_ok()) {
    // The open episodes' actions, read one of two ways. Scanning every action reads the table in
    // order; going from each open episode to its actions through the actions' unique index reads
    // only those, a few page reads each, and does not grow with the closed episodes' history,
    // which grows day after day. The index is taken once the actions outnumber the open episodes
    // eightfold (at 10M, a new ledger's 3.6 actions an open episode scan in 0.6 s against 1.0-1.3
    // s; a ledger with twenty closed episodes a customer, 78 an open episode, in 1.8 s against 0.2).
    // CROSS JOIN keeps SQLite to that order; either way a customer's rows come sorted by id.
    auto through_index = from_open_episodes(customer_id);
    if (!through_index) return through_index.status();
    s = each(*through_index
                 ? for_customer("SELECT a.customer_id, a.step, a.status, a.on_date, a.channel FROM episodes e CROSS "
                                "JOIN actions a WHERE a.customer_id = e.customer_id AND a.episode = e.number AND "
                                "e.closed_on IS NULL",
                                customer_id, "e.customer_id", " ORDER BY e.customer_id, a.id")
                 : for_customer("SELECT a.customer_id, a.step, a.status, a.on_date, a.channel FROM actions a JOIN "
                                "episodes e ON e.customer_id = a.customer_id AND e.number = a.episode WHERE "
                                "e.closed_on IS NULL",
                                customer_id, "a.customer_id", " ORDER BY a.id"),
             [](Statement& q, CollectionState& st) {
               // One record per step: the rows of its other channels say the same.
               const StepRecord* last = st.episode ? st.episode->find(q.text(1)) : nullptr;
               if (!st.episode || (last != nullptr && last->on == stored_date(q.text(3)))) return;
               st.episode->steps.push_back({std::string(q.text(1)),
                                            q.text(2) == "skipped" ? StepStatus::kSkipped : StepStatus::kFired,
                                            stored_date(q.text(3))});
             });
  }
  if (s.is_ok()) {
    s = each(for_customer("SELECT customer_id, id, made_on, due_on, amount, currency FROM promises WHERE status = "
                          "'open'",
                          customer_id, "customer_id", " ORDER BY id"),
             [](Statement& q, CollectionState& st) {
               st.open_promises.push_back({q.integer(1), stored_date(q.text(2)), stored_date(q.text(3)),
                                           Money::from_minor(q.integer(4), stored_currency(q.text(5)))});
             });
  }
  if (s.is_ok()) {
    s = each(for_customer("SELECT p.customer_id, p.id, p.agreed_on, i.due_on, i.amount, i.currency FROM payment_plans "
                          "p JOIN instalments i ON i.plan_id = p.id WHERE p.status = 'active'",
                          customer_id, "p.customer_id", " ORDER BY p.id, i.seq"),
             [](Statement& q, CollectionState& st) {
               if (!st.payment_plan || st.payment_plan->id != q.integer(1)) {
                 st.payment_plan = PaymentPlan{q.integer(1), stored_date(q.text(2)), {}};
               }
               st.payment_plan->instalments.push_back(
                   {stored_date(q.text(3)), Money::from_minor(q.integer(4), stored_currency(q.text(5)))});
             });
  }
  if (s.is_ok()) {
    s = each(for_customer("SELECT customer_id, id, kind, starts_on, ends_on, reason FROM holds WHERE ended_on IS NULL",
                          customer_id, "customer_id", " ORDER BY id"),
             [](Statement& q, CollectionState& st) {
               st.holds.push_back({q.integer(1), q.text(2) == "hardship" ? HoldKind::kHardship : HoldKind::kManual,
                                   stored_date(q.text(3)), stored_date(q.text(4)), std::string(q.text(5))});
             });
  }
  if (s.is_ok()) {
    s = each(
        for_customer("SELECT customer_id, flag, set_on, note FROM flags", customer_id, "customer_id", " ORDER BY flag"),
        [](Statement& q, CollectionState& st) {
          if (auto f = parse_stop_flag(q.text(1))) {
            st.flags.push_back({*f, stored_date(q.text(2)), std::string(q.text(3))});
          }
        });
  }
  if (s.is_ok()) {
    s = each(for_customer("SELECT customer_id, MAX(on_date) FROM calls WHERE outcome IN ('promise', 'paid', "
                          "'dispute', 'hardship', 'refused')",
                          customer_id, "customer_id", " GROUP BY customer_id"),
             [](Statement& q, CollectionState& st) {
               if (!q.text(1).empty()) st.last_conversation = stored_date(q.text(1));
             });
  }
  if (s.is_ok()) {
    s = each(for_customer("SELECT customer_id, id, channel, contact, on_date, note FROM opt_outs", customer_id,
                          "customer_id", " ORDER BY id"),
             [](Statement& q, CollectionState& st) {
               st.opt_outs.push_back({q.integer(1), std::string(q.text(2)), std::string(q.text(3)),
                                      stored_date(q.text(4)), std::string(q.text(5))});
             });
  }
  if (!s.is_ok()) return s;
  return out;
}

Result<std::vector<ActionRecord>> Collection::actions(std::string_view customer_id, std::string_view status) {
  std::string sql =
      "SELECT id, customer_id, episode, step, channel, on_date, status, amount, currency, plan, agency, reason, "
      "invoices FROM actions WHERE 1 = 1";
  if (!customer_id.empty()) sql += " AND customer_id = ?1";
  if (!status.empty()) sql += " AND status = ?2";
  sql += " ORDER BY id";
  Statement q;
  if (Status s = q.prepare(db_, sql.c_str()); !s.is_ok()) return s;
  if (!customer_id.empty()) q.bind(1, customer_id);
  if (!status.empty()) q.bind(2, status);
  std::vector<ActionRecord> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    ActionRecord a;
    a.id = q.integer(0);
    a.customer_id = q.text(1);
    a.episode = static_cast<int>(q.integer(2));
    a.step = q.text(3);
    a.channel = q.text(4);
    a.on = stored_date(q.text(5));
    a.status = q.text(6);
    a.amount = Money::from_minor(q.integer(7), stored_currency(q.text(8)));
    a.plan = q.text(9);
    a.agency = q.text(10);
    a.reason = q.text(11);
    a.invoices = q.text(12);
    out.push_back(std::move(a));
  }
  if (rc != kDone) return error(db_, "reading actions");
  return out;
}

Result<std::vector<CallRecord>> Collection::calls(std::string_view customer_id) {
  Statement q;
  if (Status s = q.prepare(db_, for_customer("SELECT id, customer_id, on_date, outcome, note FROM calls", customer_id,
                                             "customer_id", " ORDER BY id")
                                    .c_str());
      !s.is_ok()) {
    return s;
  }
  if (!customer_id.empty()) q.bind(1, customer_id);
  std::vector<CallRecord> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    out.push_back({q.integer(0), std::string(q.text(1)), stored_date(q.text(2)),
                   parse_call_outcome(q.text(3)).value_or(CallOutcome::kNoAnswer), std::string(q.text(4))});
  }
  if (rc != kDone) return error(db_, "reading calls");
  return out;
}

Result<std::optional<Dispute>> Collection::open_dispute_on(std::string_view invoice_id) {
  Use q(open_dispute_on_);
  q->bind(1, invoice_id);
  const int rc = q->step();
  if (rc == kDone) return std::optional<Dispute>{};
  if (rc != kRow) return error(db_, "reading disputes");
  Dispute d;
  d.id = q->integer(0);
  d.invoice_id = q->text(1);
  d.customer_id = q->text(2);
  d.opened_on = stored_date(q->text(3));
  d.reason = q->text(4);
  return std::optional<Dispute>(std::move(d));
}

Result<std::unordered_map<std::string, std::vector<Dispute>>> Collection::disputes(std::string_view customer_id) {
  Statement q;
  if (Status s = q.prepare(db_, for_customer("SELECT id, invoice_id, customer_id, opened_on, resolved_on, reason, "
                                             "resolution FROM disputes",
                                             customer_id, "customer_id", " ORDER BY id")
                                    .c_str());
      !s.is_ok()) {
    return s;
  }
  if (!customer_id.empty()) q.bind(1, customer_id);
  std::unordered_map<std::string, std::vector<Dispute>> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    Dispute d;
    d.id = q.integer(0);
    d.invoice_id = q.text(1);
    d.customer_id = q.text(2);
    d.opened_on = stored_date(q.text(3));
    if (!q.text(4).empty()) d.resolved_on = stored_date(q.text(4));
    d.reason = q.text(5);
    d.resolution = q.text(6);
    out[d.customer_id].push_back(std::move(d));
  }
  if (rc != kDone) return error(db_, "reading disputes");
  return out;
}

}  // namespace squeaky::sql
