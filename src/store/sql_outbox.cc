#include "sql_outbox.h"

#include <string>

#include "store/journal.h"

namespace squeaky::sql {

const char* const kOutboxSchema = R"sql(
CREATE TABLE outbox (
  action_id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, channel TEXT NOT NULL, step TEXT NOT NULL,
  on_date TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, not_before TEXT,
  message_id TEXT NOT NULL DEFAULT '', recipients TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL DEFAULT '',
  content BLOB, sha256 TEXT NOT NULL DEFAULT '', pages INTEGER NOT NULL DEFAULT 0, sent_at TEXT,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_by_status ON outbox (status, action_id);
CREATE INDEX outbox_by_customer ON outbox (customer_id);
INSERT INTO outbox (action_id, customer_id, channel, step, on_date, status)
  SELECT id, customer_id, channel, step, on_date, 'queued' FROM actions
  WHERE status = 'queued' AND channel IN ('email', 'letter');
CREATE TABLE opt_outs (
  id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL, channel TEXT NOT NULL, contact TEXT NOT NULL,
  on_date TEXT NOT NULL, note TEXT NOT NULL
);
CREATE INDEX opt_outs_by_customer ON opt_outs (customer_id);
)sql";

namespace {

constexpr const char* kColumns =
    "action_id, customer_id, channel, step, on_date, status, attempts, not_before, message_id, recipients, subject, "
    "sha256, pages, sent_at, last_error";

OutboxItem read_item(const Statement& q) {
  OutboxItem item;
  item.action_id = q.integer(0);
  item.customer_id = q.text(1);
  item.channel = q.text(2);
  item.step = q.text(3);
  item.on = stored_date(q.text(4));
  item.status = q.text(5);
  item.attempts = static_cast<int>(q.integer(6));
  if (auto t = Timestamp::parse(q.text(7))) item.not_before = *t;
  item.message_id = q.text(8);
  item.recipients = q.text(9);
  item.subject = q.text(10);
  item.sha256 = q.text(11);
  item.pages = static_cast<int>(q.integer(12));
  if (auto t = Timestamp::parse(q.text(13))) item.sent_at = *t;
  item.last_error = q.text(14);
  return item;
}

void bind_optional(Statement& q, int i, const std::optional<Timestamp>& at) {
  if (at) {
    q.bind(i, at->to_string());
  } else {
    q.bind_null(i);
  }
}

}  // namespace

Status Outbox::prepare(Connection* db) {
  db_ = db;
  const std::pair<Statement*, std::string> statements[] = {
      {&insert_,
       "INSERT INTO outbox (action_id, customer_id, channel, step, on_date, status) VALUES (?1,?2,?3,?4,?5,"
       "'queued')"},
      {&update_,
       "UPDATE outbox SET status = ?3, attempts = ?4, not_before = ?5, message_id = ?6, recipients = ?7, "
       "subject = ?8, content = COALESCE(?9, content), sha256 = ?10, pages = ?11, "
       "sent_at = ?12, last_error = ?13 WHERE action_id = ?1 AND status = ?2"},
      {&update_action_, "UPDATE actions SET status = ?2 WHERE id = ?1"},
      {&select_one_, std::string("SELECT ") + kColumns + ", content FROM outbox WHERE action_id = ?1"},
      {&insert_opt_out_,
       "INSERT INTO opt_outs (id, customer_id, channel, contact, on_date, note) VALUES ((SELECT COALESCE(MAX(id), 0) + "
       "1 FROM opt_outs), "
       "?1, ?2, ?3, ?4, ?5) RETURNING id"},
  };
  for (const auto& [statement, text] : statements) {
    if (Status s = statement->prepare(db, text.c_str(), true); !s.is_ok()) return s;
  }
  return Status::ok();
}

Status Outbox::enqueue(const std::vector<ActionRecord>& records, const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < records.size() && i < ids.size(); ++i) {
    const ActionRecord& a = records[i];
    if (a.status != "queued" || (a.channel != "email" && a.channel != "letter")) continue;
    Use q(insert_);
    q->bind(1, ids[i]).bind(2, a.customer_id).bind(3, a.channel).bind(4, a.step).bind(5, a.on.to_string());
    if (q->step() != kDone) return error(db_, "queueing a message");
  }
  return Status::ok();
}

Status Outbox::update(JournalWriter& j, const OutboxItem& item, std::string_view expected_status,
                      std::string_view event, std::string_view detail, std::string_view actor) {
  {
    Use q(update_);
    q->bind(1, item.action_id).bind(2, expected_status).bind(3, item.status).bind(4, int64_t{item.attempts});
    bind_optional(*q.operator->(), 5, item.not_before);
    q->bind(6, item.message_id).bind(7, item.recipients).bind(8, item.subject);
    if (item.content.empty()) {
      q->bind_null(9);
    } else {
      q->bind_blob(9, item.content);
    }
    q->bind(10, item.sha256).bind(11, int64_t{item.pages});
    bind_optional(*q.operator->(), 12, item.sent_at);
    q->bind(13, item.last_error);
    if (q->step() != kDone) return error(db_, "updating the outbox");
    if (db_->changes() != 1) {
      return Status::conflict("outbox item " + std::to_string(item.action_id) + " is no longer " +
                              std::string(expected_status));
    }
  }
  {
    Use q(update_action_);
    q->bind(1, item.action_id).bind(2, item.status);
    if (q->step() != kDone) return error(db_, "updating an action");
  }
  CanonicalJson payload;
  payload.add("action", item.action_id)
      .add("attempts", int64_t{item.attempts})
      .add("channel", item.channel)
      .add("customer_id", item.customer_id)
      .add("status", item.status)
      .add("step", item.step);
  if (!detail.empty()) payload.add("detail", detail);
  if (!item.message_id.empty()) payload.add("message_id", item.message_id);
  if (item.not_before) payload.add("not_before", item.not_before->to_string());
  if (!item.recipients.empty()) payload.add("recipients", item.recipients);
  if (!item.sha256.empty()) payload.add("sha256", item.sha256);
  return j.append(item.customer_id, actor, "outbox." + std::string(event), payload.str());
}

Result<int64_t> Outbox::add_opt_out(JournalWriter& j, std::string_view customer_id, const OptOut& o,
                                    std::string_view actor) {
  Use q(insert_opt_out_);
  q->bind(1, customer_id).bind(2, o.channel).bind(3, o.contact).bind(4, o.on.to_string()).bind(5, o.note);
  if (q->step() != kRow) return error(db_, "recording an opt-out");
  const int64_t id = q->integer(0);
  CanonicalJson payload;
  payload.add("channel", o.channel).add("customer_id", customer_id).add("on", o.on.to_string()).add("opt_out", id);
  if (!o.contact.empty()) payload.add("contact", o.contact);
  if (!o.note.empty()) payload.add("note", o.note);
  if (Status s = j.append(customer_id, actor, "contact.opted-out", payload.str()); !s.is_ok()) return s;
  return id;
}

Result<std::vector<OutboxItem>> Outbox::items(std::string_view status, std::string_view customer_id,
                                              bool with_content) {
  std::string sql = std::string("SELECT ") + kColumns + (with_content ? ", content" : "") + " FROM outbox WHERE 1 = 1";
  if (!status.empty()) sql += " AND status = ?1";
  if (!customer_id.empty()) sql += " AND customer_id = ?2";
  sql += " ORDER BY action_id";
  Statement q;
  if (Status s = q.prepare(db_, sql.c_str()); !s.is_ok()) return s;
  if (!status.empty()) q.bind(1, status);
  if (!customer_id.empty()) q.bind(2, customer_id);
  std::vector<OutboxItem> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    out.push_back(read_item(q));
    if (with_content) out.back().content = q.blob(15);
  }
  if (rc != kDone) return error(db_, "reading the outbox");
  return out;
}

Result<std::optional<OutboxItem>> Outbox::item(int64_t action_id) {
  Use q(select_one_);
  q->bind(1, action_id);
  const int rc = q->step();
  if (rc == kDone) return std::optional<OutboxItem>{};
  if (rc != kRow) return error(db_, "reading the outbox");
  OutboxItem item = read_item(*q.operator->());
  item.content = q->blob(15);
  return std::optional<OutboxItem>(std::move(item));
}

}  // namespace squeaky::sql
