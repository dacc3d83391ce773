#include "sql_store.h"

#include <algorithm>
#include <array>
#include <map>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include "packed_ledger.h"
#include "sql.h"
#include "sql_collection.h"
#include "sql_outbox.h"
#include "sql_users.h"
#include "store/record_fields.h"

namespace squeaky {
namespace {

using sql::CustomerIndex;
using sql::kDone;
using sql::kRow;
using sql::PackedLedger;
using sql::Statement;
using sql::stored_currency;
using sql::stored_date;
using sql::Use;

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Append only: a released migration is never edited. Written in SQLite's words; each connection
// turns them into its own dialect (sql::Connection::schema_sql). Money columns hold minor units;
// dates and times are ISO text, so that the database reads well in any SQL tool and every store
// gives back exactly the text it was given.
constexpr Migration kMigrations[] = {
    {1, "ledger and journal", R"sql(
CREATE TABLE customers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, contact_name TEXT NOT NULL,
  address_line1 TEXT NOT NULL, address_line2 TEXT NOT NULL, city TEXT NOT NULL,
  postal_code TEXT NOT NULL, country TEXT NOT NULL, region TEXT NOT NULL, timezone TEXT NOT NULL,
  currency TEXT NOT NULL, credit_limit INTEGER NOT NULL, language TEXT NOT NULL, plan TEXT NOT NULL,
  segment TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE contacts (
  customer_id TEXT NOT NULL, position INTEGER NOT NULL, channel TEXT NOT NULL, type TEXT NOT NULL,
  value TEXT NOT NULL, consent INTEGER NOT NULL DEFAULT 0, opted_out INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (customer_id, position)
) WITHOUT ROWID;
CREATE TABLE invoices (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, issue_date TEXT NOT NULL, due_date TEXT NOT NULL,
  amount INTEGER NOT NULL, currency TEXT NOT NULL, reference TEXT NOT NULL, description TEXT NOT NULL
);
CREATE INDEX invoices_by_customer ON invoices (customer_id);
CREATE TABLE payments (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, date TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, method TEXT NOT NULL, reference TEXT NOT NULL, invoice_id TEXT NOT NULL
);
CREATE INDEX payments_by_customer ON payments (customer_id);
CREATE TABLE credits (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, date TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, invoice_id TEXT NOT NULL
);
CREATE INDEX credits_by_customer ON credits (customer_id);
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, customer_id TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,
  payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE journal_head (
  one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL
);
INSERT INTO journal_head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"},
    {2, "collection: episodes, actions, promises, payment plans, holds, flags, disputes, calls, runs", nullptr},
    {3, "outbox and opt-outs", nullptr},
    {4, "invoice kinds: fees apart from the principal", R"sql(
ALTER TABLE invoices ADD COLUMN kind TEXT NOT NULL DEFAULT 'invoice';
)sql"},
    {5, "users, sessions and API tokens", nullptr},
    {6, "a day's run in parts, one per machine", R"sql(
CREATE TABLE run_parts (
  as_of TEXT NOT NULL, part INTEGER NOT NULL, parts INTEGER NOT NULL, at TEXT NOT NULL,
  actions INTEGER NOT NULL, skipped INTEGER NOT NULL, PRIMARY KEY (as_of, part)
) WITHOUT ROWID;
)sql"},
    {7, "the day's actions counted from an index", R"sql(
CREATE INDEX actions_by_day ON actions (on_date, status);
)sql"},
    // Filled from the records by the migration itself (SqlStore::write_all_copies).
    {8, "each customer's records packed into one row, for whole-ledger reads", R"sql(
CREATE TABLE ledger_copies (customer_id TEXT PRIMARY KEY, records BLOB NOT NULL) WITHOUT ROWID;
)sql"},
    {9, "a customer's journal entries found without reading the whole journal", R"sql(
CREATE INDEX journal_by_customer ON journal (customer_id, seq);
)sql"},
};
constexpr int kLedgerCopiesMigration = 8;
// From how many changed customers a transaction considers rewriting their copies from a whole read.
constexpr size_t kWholeReadFrom = 10'000;

// The migrations whose text lives beside the code that uses the tables.
const char* migration_sql(const Migration& m) {
  if (m.sql != nullptr) return m.sql;
  switch (m.version) {
    case 2: return sql::kCollectionSchema;
    case 3: return sql::kOutboxSchema;
    default: return sql::kUsersSchema;
  }
}

// Column lists, kept beside the readers that depend on their order.
constexpr const char* kCustomerColumns =
    "id, name, kind, contact_name, address_line1, address_line2, city, postal_code, country, region, timezone, "
    "currency, credit_limit, language, plan, segment";
// Columns channel, type, value, consent, opted_out from column `first` on.
Contact read_contact(const Statement& s, int first) {
  return {parse_contact_channel(s.text(first)).value_or(ContactChannel::kEmail),
          parse_contact_type(s.text(first + 1)).value_or(ContactType::kWork), std::string(s.text(first + 2)),
          s.integer(first + 3) != 0, s.integer(first + 4) != 0};
}

Customer read_customer(const Statement& s) {
  Customer c;
  c.id = s.text(0);
  c.name = s.text(1);
  c.kind = parse_customer_kind(s.text(2)).value_or(CustomerKind::kBusiness);
  c.contact_name = s.text(3);
  c.address = {std::string(s.text(4)), std::string(s.text(5)), std::string(s.text(6)), std::string(s.text(7))};
  c.country = s.text(8);
  c.region = s.text(9);
  c.timezone = s.text(10);
  c.currency = stored_currency(s.text(11));
  c.credit_limit = Money::from_minor(s.integer(12), c.currency);
  c.language = s.text(13);
  c.plan = s.text(14);
  c.segment = s.text(15);
  return c;
}

// Every customer's packed records, in the order the customers are visited.
constexpr const char* kCopiesInOrder = "SELECT customer_id, records FROM ledger_copies ORDER BY customer_id";

constexpr const char* kInvoiceColumns =
    "id, customer_id, issue_date, due_date, amount, currency, reference, description, kind";
Invoice read_invoice(const Statement& s) {
  Invoice i;
  i.id = s.text(0);
  i.customer_id = s.text(1);
  i.issue_date = stored_date(s.text(2));
  i.due_date = stored_date(s.text(3));
  i.amount = Money::from_minor(s.integer(4), stored_currency(s.text(5)));
  i.reference = s.text(6);
  i.description = s.text(7);
  i.kind = parse_invoice_kind(s.text(8)).value_or(InvoiceKind::kInvoice);
  return i;
}

constexpr const char* kPaymentColumns = "id, customer_id, date, amount, currency, method, reference, invoice_id";
Payment read_payment(const Statement& s) {
  Payment p;
  p.id = s.text(0);
  p.customer_id = s.text(1);
  p.date = stored_date(s.text(2));
  p.amount = Money::from_minor(s.integer(3), stored_currency(s.text(4)));
  p.method = s.text(5);
  p.reference = s.text(6);
  p.invoice_id = s.text(7);
  return p;
}

constexpr const char* kCreditColumns = "id, customer_id, date, amount, currency, kind, reason, invoice_id";
Credit read_credit(const Statement& s) {
  Credit c;
  c.id = s.text(0);
  c.customer_id = s.text(1);
  c.date = stored_date(s.text(2));
  c.amount = Money::from_minor(s.integer(3), stored_currency(s.text(4)));
  c.kind = parse_credit_kind(s.text(5)).value_or(CreditKind::kCreditNote);
  c.reason = s.text(6);
  c.invoice_id = s.text(7);
  return c;
}

std::string sql(const char* head, const char* columns, const char* tail) { return std::string(head) + columns + tail; }

// Every customer with its contacts, in id order: two statements merged as they are read.
class CustomerScan {
 public:
  explicit CustomerScan(sql::Connection* db) : db_(db) {}

  Status prepare() {
    if (Status s = people_.prepare(db_, sql("SELECT ", kCustomerColumns, " FROM customers ORDER BY id").c_str());
        !s.is_ok()) {
      return s;
    }
    return contacts_.prepare(db_,
                             "SELECT customer_id, channel, type, value, consent, opted_out FROM contacts ORDER BY "
                             "customer_id, position");
  }
  // Replaces `out` with the next customer; false after the last.
  Result<bool> next(Customer& out) {
    const int rc = people_.step();
    if (rc == kDone) return false;
    if (rc != kRow) return sql::error(db_, "reading customers");
    out = read_customer(people_);
    if (contact_rc_ == 0) contact_rc_ = contacts_.step();
    while (contact_rc_ == kRow && contacts_.text(0) < out.id) contact_rc_ = contacts_.step();
    for (; contact_rc_ == kRow && contacts_.text(0) == out.id; contact_rc_ = contacts_.step()) {
      out.contacts.push_back(read_contact(contacts_, 1));
    }
    if (contact_rc_ != kRow && contact_rc_ != kDone) return sql::error(db_, "reading contacts");
    return true;
  }

 private:
  sql::Connection* db_;
  Statement people_, contacts_;
  int contact_rc_ = 0;  // of the contact row at hand; 0 before the first step
};

// The customer a record belongs to, for the journal.
const std::string& owner_of(const Customer& c) { return c.id; }
template <typename R>
const std::string& owner_of(const R& r) {
  return r.customer_id;
}

class SqlStore;

class SqlTransaction final : public StoreTransaction, public sql::JournalWriter {
 public:
  SqlTransaction(SqlStore& store, Timestamp at, JournalHead head);
  ~SqlTransaction() override;

  Result<WriteOutcome> put_customer(const Customer& customer, std::string_view actor) override;
  Result<WriteOutcome> put_invoice(const Invoice& invoice, std::string_view actor) override;
  Result<WriteOutcome> put_payment(const Payment& payment, std::string_view actor) override;
  Result<WriteOutcome> put_credit(const Credit& credit, std::string_view actor) override;
  Result<std::optional<Invoice>> find_invoice(std::string_view id) override;
  Result<std::optional<Currency>> customer_currency(std::string_view customer_id) override;
  Result<bool> customer_has_records(std::string_view customer_id) override;
  Status commit() override;

  Status open_episode(std::string_view customer_id, const Episode& episode, std::string_view detail,
                      std::string_view actor) override;
  Status close_episode(std::string_view customer_id, int number, Date on, std::string_view detail,
                       std::string_view actor) override;
  Status set_episode_track(std::string_view customer_id, int number, std::string_view plan, Date since,
                           std::string_view actor) override;
  Result<std::vector<int64_t>> record_actions(const std::vector<ActionRecord>& records,
                                              std::string_view actor) override;
  Result<int64_t> add_promise(std::string_view customer_id, const PromiseToPay& promise,
                              std::string_view actor) override;
  Status close_promise(int64_t id, bool kept, Date on, std::string_view detail, std::string_view actor) override;
  Result<int64_t> add_payment_plan(std::string_view customer_id, const PaymentPlan& plan,
                                   std::string_view actor) override;
  Status close_payment_plan(int64_t id, std::string_view status, Date on, std::string_view detail,
                            std::string_view actor) override;
  Result<int64_t> add_hold(std::string_view customer_id, const Hold& hold, std::string_view actor) override;
  Status end_hold(int64_t id, Date on, std::string_view detail, std::string_view actor) override;
  Status set_flag(std::string_view customer_id, const FlagRecord& flag, std::string_view actor) override;
  Status clear_flag(std::string_view customer_id, StopFlag flag, Date on, std::string_view actor) override;
  Result<int64_t> open_dispute(const Dispute& dispute, std::string_view actor) override;
  Status resolve_dispute(int64_t id, Date on, std::string_view resolution, std::string_view actor) override;
  Result<int64_t> log_call(const CallRecord& call, std::string_view actor) override;
  Status record_run(Date as_of, int64_t actions, int64_t skipped, std::string_view actor) override;
  Status record_run_part(Date as_of, int part, int parts, int64_t actions, int64_t skipped,
                         std::string_view actor) override;
  Result<int64_t> add_opt_out(std::string_view customer_id, const OptOut& opt_out, std::string_view actor) override;
  Status update_outbox(const OutboxItem& item, std::string_view expected_status, std::string_view event,
                       std::string_view detail, std::string_view actor) override;
  Status add_user(const User& user, std::string_view actor) override;
  Status set_password(std::string_view name, std::string_view password_hash, std::string_view actor) override;
  Status disable_user(std::string_view name, std::string_view actor) override;
  Status add_api_token(const ApiToken& token, std::string_view actor) override;
  Status revoke_api_token(std::string_view name, std::string_view actor) override;
  Status add_session(const Session& session) override;
  Status end_session(std::string_view token_sha256) override;
  Status record_login_failure(std::string_view key, Timestamp at) override;
  Status clear_login_failures(std::string_view key) override;

  Status append(std::string_view customer_id, std::string_view actor, std::string_view kind,
                std::string payload) override;

 private:
  // Inserts or updates one record of type R; `insert` binds the record to the insert statement,
  // `update` to the update statement. When the record existed and `before` is given, it receives the
  // stored record as it was.
  template <typename R>
  Result<WriteOutcome> put(const R& record, std::string_view kind_prefix, Statement& insert, Statement& select,
                           Statement& update, R (*read)(const Statement&), void (*bind)(Statement&, const R&),
                           std::string_view actor, std::optional<R>* before = nullptr);

  // Notes that the customer's records changed, so that its packed copy is rewritten before the
  // transaction commits.
  void touch(const std::string& customer_id) {
    if (!customer_id.empty()) touched_.insert(customer_id);
  }

  SqlStore& store_;
  Timestamp at_;
  std::string at_text_;  // at_.to_string(), written on every journal entry of the transaction
  JournalHead head_;
  bool done_ = false;
  // Customers whose records changed since their copies were last written.
  std::unordered_set<std::string> touched_;

  friend class SqlStore;
};

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<sql::Connection> connection, const Clock& clock)
      : connection_(std::move(connection)), db_(connection_.get()), clock_(clock) {}

  Status prepare_all();
  Status migrate();

  Result<std::unique_ptr<StoreTransaction>> begin() override;
  Result<std::unordered_map<std::string, Currency>> customer_currencies() override;
  Result<std::optional<CustomerLedger>> customer_ledger(std::string_view customer_id) override;
  Status for_each_customer_ledger(const std::function<Status(CustomerLedger&)>& visit) override;
  Status check_customer_ledgers(const std::function<Status(CustomerLedger&)>& visit,
                                const std::function<void(const std::string&)>& copy_differs) override;
  Result<int64_t> rewrite_ledger_copies() override;
  Status for_each_journal_entry(const std::function<Status(const JournalEntry&)>& visit) override;
  Status for_each_journal_entry_after(int64_t seq, const std::function<Status(const JournalEntry&)>& visit) override;
  Status for_each_journal_entry_of(std::string_view customer_id,
                                   const std::function<Status(const JournalEntry&)>& visit) override;
  Result<JournalHead> journal_head() override;
  Result<WorkCounts> work_counts(Date on) override;
  Result<std::unordered_map<std::string, CollectionState>> collection_states() override {
    return collection_.states("");
  }
  Result<CollectionState> collection_state(std::string_view customer_id) override;
  Result<std::optional<Date>> last_run() override { return collection_.last_run(); }
  Result<std::optional<Date>> last_run_part(int part, int parts) override {
    return collection_.last_run_part(part, parts);
  }
  Result<std::vector<ActionRecord>> actions(std::string_view customer_id, std::string_view status) override {
    return collection_.actions(customer_id, status);
  }
  Result<std::vector<CallRecord>> calls(std::string_view customer_id) override {
    return collection_.calls(customer_id);
  }
  Result<std::optional<Dispute>> open_dispute_on(std::string_view invoice_id) override {
    return collection_.open_dispute_on(invoice_id);
  }
  Result<std::vector<OutboxItem>> outbox(std::string_view status, std::string_view customer_id,
                                         bool with_content) override {
    return outbox_.items(status, customer_id, with_content);
  }
  Result<std::optional<OutboxItem>> outbox_item(int64_t action_id) override { return outbox_.item(action_id); }
  Result<std::optional<User>> user(std::string_view name) override { return users_.user(name); }
  Result<std::vector<User>> users() override { return users_.users(); }
  Result<std::optional<Session>> session(std::string_view token_sha256) override {
    return users_.session(token_sha256);
  }
  Result<std::optional<ApiToken>> api_token(std::string_view token_sha256) override {
    return users_.api_token(token_sha256);
  }
  Result<std::vector<ApiToken>> api_tokens() override { return users_.api_tokens(); }
  Result<std::vector<Timestamp>> login_failures(std::string_view key, Timestamp since) override {
    return users_.login_failures(key, since);
  }

  Status exec(const char* statement) { return sql::exec(db_, statement); }
  Status error(const char* what) const { return sql::error(db_, what); }
  // The journal's rows matching `where` (its ?1 bound by `bind`), by seq.
  Status visit_journal(const char* where, const std::function<void(Statement&)>& bind,
                       const std::function<Status(const JournalEntry&)>& visit);
  Status load_contacts(Customer& customer);
  // Replaces `ledger`'s invoices, payments and credits with the rows of `ledger.customer.id`.
  Status load_records(CustomerLedger& ledger);

  using Disputes = std::unordered_map<std::string, std::vector<Dispute>>;
  // Visits every customer with its records read from their own tables, whole, in storage order,
  // and packed by customer (packed_ledger.h); with its disputes when `disputes` is given.
  Status visit_rows(const Disputes* disputes, const std::function<Status(CustomerLedger&)>& visit);
  // Writes the packed copy of `ledger`'s records (none when it has none).
  Status write_copy(const CustomerLedger& ledger);
  // Packs `ledger`'s records and writes them with `put`, an insert of (customer_id, records).
  Status put_copy(Statement& put, const CustomerLedger& ledger);
  // Writes every customer's copy from the rows into an empty table (what the migration that made
  // it does); returns how many were written.
  Result<int64_t> write_all_copies();
  // Brings the copies of the records the open transaction changed up to date, so that a
  // whole-ledger read inside it sees its changes.
  Status write_pending_copies();

  std::unique_ptr<sql::Connection> connection_;
  sql::Connection* db_;
  const Clock& clock_;
  Statement insert_customer_, select_customer_, update_customer_;
  Statement delete_contacts_, insert_contact_, select_contacts_;
  Statement insert_invoice_, select_invoice_, update_invoice_;
  Statement insert_payment_, select_payment_, update_payment_;
  Statement insert_credit_, select_credit_, update_credit_;
  Statement insert_journal_, update_head_, select_head_;
  Statement customer_has_records_, select_currency_;
  Statement select_invoices_of_, select_payments_of_, select_credits_of_, upsert_copy_, delete_copy_;
  SqlTransaction* open_ = nullptr;  // the transaction under way, if any
  std::string copy_;                // a packed copy being written
  sql::Collection collection_;
  sql::Outbox outbox_;
  sql::Users users_;
};

void bind_customer(Statement& s, const Customer& c) {
  s.bind(1, c.id).bind(2, c.name).bind(3, to_string(c.kind)).bind(4, c.contact_name).bind(5, c.address.line1);
  s.bind(6, c.address.line2).bind(7, c.address.city).bind(8, c.address.postal_code).bind(9, c.country);
  s.bind(10, c.region).bind(11, c.timezone).bind(12, c.currency.code()).bind(13, c.credit_limit.minor_units());
  s.bind(14, c.language).bind(15, c.plan).bind(16, c.segment);
}
void bind_invoice(Statement& s, const Invoice& i) {
  s.bind(1, i.id).bind(2, i.customer_id).bind(3, i.issue_date.to_string()).bind(4, i.due_date.to_string());
  s.bind(5, i.amount.minor_units()).bind(6, i.amount.currency().code()).bind(7, i.reference).bind(8, i.description);
  s.bind(9, to_string(i.kind));
}
void bind_payment(Statement& s, const Payment& p) {
  s.bind(1, p.id).bind(2, p.customer_id).bind(3, p.date.to_string()).bind(4, p.amount.minor_units());
  s.bind(5, p.amount.currency().code()).bind(6, p.method).bind(7, p.reference).bind(8, p.invoice_id);
}
void bind_credit(Statement& s, const Credit& c) {
  s.bind(1, c.id).bind(2, c.customer_id).bind(3, c.date.to_string()).bind(4, c.amount.minor_units());
  s.bind(5, c.amount.currency().code()).bind(6, to_string(c.kind)).bind(7, c.reason).bind(8, c.invoice_id);
}

Status SqlStore::prepare_all() {
  const std::string customer_insert = sql("INSERT INTO customers (", kCustomerColumns,
                                          ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16) "
                                          "ON CONFLICT (id) DO NOTHING");
  const std::string customer_select = sql("SELECT ", kCustomerColumns, " FROM customers WHERE id = ?1");
  const std::string invoice_select = sql("SELECT ", kInvoiceColumns, " FROM invoices WHERE id = ?1");
  const std::string payment_select = sql("SELECT ", kPaymentColumns, " FROM payments WHERE id = ?1");
  const std::string credit_select = sql("SELECT ", kCreditColumns, " FROM credits WHERE id = ?1");
  const std::string invoices_of = sql("SELECT ", kInvoiceColumns, " FROM invoices WHERE customer_id = ?1");
  const std::string payments_of = sql("SELECT ", kPaymentColumns, " FROM payments WHERE customer_id = ?1");
  const std::string credits_of = sql("SELECT ", kCreditColumns, " FROM credits WHERE customer_id = ?1");
  const std::pair<Statement*, const char*> statements[] = {
      {&insert_customer_, customer_insert.c_str()},
      {&select_customer_, customer_select.c_str()},
      {&update_customer_,
       "UPDATE customers SET name=?2, kind=?3, contact_name=?4, address_line1=?5, address_line2=?6, city=?7, "
       "postal_code=?8, country=?9, region=?10, timezone=?11, currency=?12, credit_limit=?13, language=?14, "
       "plan=?15, segment=?16 WHERE id=?1"},
      {&delete_contacts_, "DELETE FROM contacts WHERE customer_id = ?1"},
      {&insert_contact_,
       "INSERT INTO contacts (customer_id, position, channel, type, value, consent, opted_out) "
       "VALUES (?1,?2,?3,?4,?5,?6,?7)"},
      {&select_contacts_,
       "SELECT channel, type, value, consent, opted_out FROM contacts WHERE customer_id = ?1 ORDER BY position"},
      {&insert_invoice_,
       "INSERT INTO invoices (id, customer_id, issue_date, due_date, amount, currency, reference, description, kind) "
       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT (id) DO NOTHING"},
      {&select_invoice_, invoice_select.c_str()},
      {&update_invoice_,
       "UPDATE invoices SET customer_id=?2, issue_date=?3, due_date=?4, amount=?5, currency=?6, reference=?7, "
       "description=?8, kind=?9 WHERE id=?1"},
      {&insert_payment_,
       "INSERT INTO payments (id, customer_id, date, amount, currency, method, reference, invoice_id) "
       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT (id) DO NOTHING"},
      {&select_payment_, payment_select.c_str()},
      {&update_payment_,
       "UPDATE payments SET customer_id=?2, date=?3, amount=?4, currency=?5, method=?6, reference=?7, "
       "invoice_id=?8 WHERE id=?1"},
      {&insert_credit_,
       "INSERT INTO credits (id, customer_id, date, amount, currency, kind, reason, invoice_id) "
       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT (id) DO NOTHING"},
      {&select_credit_, credit_select.c_str()},
      {&update_credit_,
       "UPDATE credits SET customer_id=?2, date=?3, amount=?4, currency=?5, kind=?6, reason=?7, invoice_id=?8 "
       "WHERE id=?1"},
      {&insert_journal_,
       "INSERT INTO journal (seq, at, customer_id, actor, kind, payload, prev_hash, hash) "
       "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"},
      {&update_head_, "UPDATE journal_head SET seq = ?1, hash = ?2 WHERE one = 1"},
      {&select_head_, "SELECT seq, hash FROM journal_head WHERE one = 1"},
      {&select_currency_, "SELECT currency FROM customers WHERE id = ?1"},
      {&customer_has_records_,
       "SELECT CASE WHEN EXISTS (SELECT 1 FROM invoices WHERE customer_id = ?1) OR "
       "EXISTS (SELECT 1 FROM payments WHERE customer_id = ?1) OR "
       "EXISTS (SELECT 1 FROM credits WHERE customer_id = ?1) THEN 1 ELSE 0 END"},
      {&select_invoices_of_, invoices_of.c_str()},
      {&select_payments_of_, payments_of.c_str()},
      {&select_credits_of_, credits_of.c_str()},
      {&upsert_copy_,
       "INSERT INTO ledger_copies (customer_id, records) VALUES (?1, ?2) "
       "ON CONFLICT (customer_id) DO UPDATE SET records = excluded.records"},
      {&delete_copy_, "DELETE FROM ledger_copies WHERE customer_id = ?1"},
  };
  for (const auto& [statement, text] : statements) {
    if (Status s = statement->prepare(db_, text, true); !s.is_ok()) return s;
  }
  if (Status s = collection_.prepare(db_); !s.is_ok()) return s;
  if (Status s = outbox_.prepare(db_); !s.is_ok()) return s;
  return users_.prepare(db_);
}

Status SqlStore::migrate() {
  if (Status s = db_->begin_write(); !s.is_ok()) return s;
  auto rollback = [this](Status s) {
    (void)exec("ROLLBACK");
    return s;
  };
  if (Status s = exec(db_->schema_sql("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                                      "description TEXT NOT NULL)")
                          .c_str());
      !s.is_ok()) {
    return rollback(s);
  }
  int64_t current = 0;
  {
    Statement q;
    if (Status s = q.prepare(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"); !s.is_ok()) {
      return rollback(s);
    }
    if (q.step() == kRow) current = q.integer(0);
  }
  if (current > sql::schema_version()) {
    return rollback(Status::conflict("the database has schema version " + std::to_string(current) +
                                     ", newer than this squeaky understands (" + std::to_string(sql::schema_version()) +
                                     "); upgrade squeaky"));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current) continue;
    if (Status s = exec(db_->schema_sql(migration_sql(m)).c_str()); !s.is_ok()) return rollback(s);
    if (m.version == kLedgerCopiesMigration) {
      if (auto written = write_all_copies(); !written) return rollback(written.status());
    }
    Statement record;
    if (Status s = record.prepare(db_, "INSERT INTO schema_migrations (version, description) VALUES (?1, ?2)");
        !s.is_ok()) {
      return rollback(s);
    }
    record.bind(1, static_cast<int64_t>(m.version)).bind(2, m.description);
    if (record.step() != kDone) return rollback(error("recording a migration"));
  }
  return exec("COMMIT");
}

Result<std::unique_ptr<StoreTransaction>> SqlStore::begin() {
  if (Status s = db_->begin_write(); !s.is_ok()) return s;
  auto head = journal_head();
  if (!head) {
    (void)exec("ROLLBACK");
    return head.status();
  }
  return std::unique_ptr<StoreTransaction>(std::make_unique<SqlTransaction>(*this, clock_.now(), std::move(*head)));
}

Result<JournalHead> SqlStore::journal_head() {
  Use q(select_head_);
  if (q->step() != kRow) return error("reading the journal head");
  return JournalHead{q->integer(0), std::string(q->text(1))};
}

Result<std::unordered_map<std::string, Currency>> SqlStore::customer_currencies() {
  Statement q;
  if (Status s = q.prepare(db_, "SELECT id, currency FROM customers"); !s.is_ok()) return s;
  std::unordered_map<std::string, Currency> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.emplace(q.text(0), stored_currency(q.text(1)));
  if (rc != kDone) return error("reading customers");
  return out;
}

Status SqlStore::load_contacts(Customer& customer) {
  Use q(select_contacts_);
  q->bind(1, customer.id);
  int rc = 0;
  while ((rc = q->step()) == kRow) customer.contacts.push_back(read_contact(*q.operator->(), 0));
  return rc == kDone ? Status::ok() : error("reading contacts");
}

Result<std::optional<CustomerLedger>> SqlStore::customer_ledger(std::string_view customer_id) {
  CustomerLedger ledger;
  {
    Use q(select_customer_);
    q->bind(1, customer_id);
    const int rc = q->step();
    if (rc == kDone) return std::optional<CustomerLedger>{};
    if (rc != kRow) return error("reading a customer");
    ledger.customer = read_customer(*q.operator->());
  }
  if (Status s = load_contacts(ledger.customer); !s.is_ok()) return s;
  if (Status s = load_records(ledger); !s.is_ok()) return s;
  auto disputes = collection_.disputes(customer_id);
  if (!disputes) return disputes.status();
  if (auto it = disputes->find(std::string(customer_id)); it != disputes->end())
    ledger.disputes = std::move(it->second);
  return std::optional<CustomerLedger>(std::move(ledger));
}

Status SqlStore::load_records(CustomerLedger& ledger) {
  const auto load = [&]<typename R>(Statement& select, std::vector<R>& out, R (*read)(const Statement&)) -> Status {
    Use q(select);
    q->bind(1, ledger.customer.id);
    out.clear();
    int rc = 0;
    while ((rc = q->step()) == kRow) out.push_back(read(*q.operator->()));
    return rc == kDone ? Status::ok() : error("reading the ledger");
  };
  if (Status s = load(select_invoices_of_, ledger.invoices, read_invoice); !s.is_ok()) return s;
  if (Status s = load(select_payments_of_, ledger.payments, read_payment); !s.is_ok()) return s;
  return load(select_credits_of_, ledger.credits, read_credit);
}

bool has_records(const CustomerLedger& ledger) {
  return !ledger.invoices.empty() || !ledger.payments.empty() || !ledger.credits.empty();
}

Status SqlStore::write_copy(const CustomerLedger& ledger) {
  if (has_records(ledger)) return put_copy(upsert_copy_, ledger);
  Use q(delete_copy_);
  q->bind(1, ledger.customer.id);
  return q->step() == kDone ? Status::ok() : error("removing a customer's packed records");
}

Status SqlStore::put_copy(Statement& put, const CustomerLedger& ledger) {
  sql::pack_records(ledger, copy_);
  Use q(put);
  q->bind(1, ledger.customer.id).bind_blob(2, copy_);
  return q->step() == kDone ? Status::ok() : error("writing a customer's packed records");
}

Result<int64_t> SqlStore::write_all_copies() {
  // Runs inside the migration too, before the store's statements are prepared.
  Statement insert;
  if (Status s = insert.prepare(db_, "INSERT INTO ledger_copies (customer_id, records) VALUES (?1, ?2)"); !s.is_ok()) {
    return s;
  }
  int64_t written = 0;
  Status s = visit_rows(nullptr, [&](CustomerLedger& ledger) {
    if (!has_records(ledger)) return Status::ok();
    ++written;
    return put_copy(insert, ledger);
  });
  if (!s.is_ok()) return s;
  return written;
}

Result<int64_t> SqlStore::rewrite_ledger_copies() {
  if (open_ != nullptr) return Status::conflict("a transaction is under way on this store");
  if (Status s = db_->begin_write(); !s.is_ok()) return s;
  const auto rollback = [this](Status s) {
    (void)exec("ROLLBACK");
    return s;
  };
  if (Status s = exec("DELETE FROM ledger_copies"); !s.is_ok()) return rollback(s);
  auto written = write_all_copies();
  if (!written) return rollback(written.status());
  if (Status s = exec("COMMIT"); !s.is_ok()) return rollback(s);
  return written;
}

Status SqlStore::write_pending_copies() {
  if (open_ == nullptr || open_->touched_.empty()) return Status::ok();
  const auto& touched = open_->touched_;
  // Only customers get a copy: a record naming none (which the store does not refuse; the import
  // does) is read by no visit either way.
  const auto rewrite = [&](CustomerLedger& ledger) {
    return touched.contains(ledger.customer.id) ? write_copy(ledger) : Status::ok();
  };
  // A customer's records are read back through the customer indexes: a few page reads a record,
  // up to ~70 us a customer when the pages are not cached. Past an eighth of the customers (a
  // large import), reading every table whole in storage order costs less.
  bool whole = false;
  if (touched.size() >= kWholeReadFrom) {
    Statement count;
    if (Status s = count.prepare(db_, "SELECT count(*) FROM customers"); !s.is_ok()) return s;
    if (count.step() != kRow) return error("counting customers");
    whole = static_cast<int64_t>(touched.size()) * 8 >= count.integer(0);
  }
  if (whole) {
    if (Status s = visit_rows(nullptr, rewrite); !s.is_ok()) return s;
  } else {
    std::vector<std::string_view> ids(touched.begin(), touched.end());
    std::sort(ids.begin(), ids.end());  // neighbours in the indexes and in the copies' table
    CustomerLedger ledger;              // reused, so its vectors keep their room
    for (const std::string_view id : ids) {
      auto currency = open_->customer_currency(id);  // whether there is such a customer
      if (!currency) return currency.status();
      if (!*currency) continue;
      ledger.customer.id = id;
      if (Status s = load_records(ledger); !s.is_ok()) return s;
      if (Status s = rewrite(ledger); !s.is_ok()) return s;
    }
  }
  open_->touched_.clear();
  return Status::ok();
}

Status SqlStore::for_each_customer_ledger(const std::function<Status(CustomerLedger&)>& visit) {
  // One row per customer from each of three tables kept in customer id order (customers, their
  // contacts, their packed records), merged as they are read: no record is held beyond its
  // customer's visit. Where the database offers them, the reading is done on a connection of its
  // own, with a cache the size of a scan's need rather than of a writer's (sql.h).
  if (Status s = write_pending_copies(); !s.is_ok()) return s;
  auto disputes = collection_.disputes("");
  if (!disputes) return disputes.status();
  const std::unique_ptr<sql::Connection> reader = db_->reader();
  sql::Connection* const source = reader ? reader.get() : db_;
  CustomerScan people(source);
  if (Status s = people.prepare(); !s.is_ok()) return s;
  // On a connection of its own the copies come as a scan, one row at a time; on this one, where
  // the visitor may use the store, as one result, so that the connection stays free for it.
  Statement copies;
  if (Status s = reader ? copies.prepare_scan(source, kCopiesInOrder) : copies.prepare(source, kCopiesInOrder);
      !s.is_ok()) {
    return s;
  }
  int copy_rc = copies.step();
  CustomerLedger ledger;  // reused from customer to customer, so its vectors and strings keep their room
  for (;;) {
    auto more = people.next(ledger.customer);
    if (!more) return more.status();
    if (!*more) return Status::ok();
    const std::string& id = ledger.customer.id;
    while (copy_rc == kRow && copies.text(0) < id) copy_rc = copies.step();
    if (copy_rc != kRow && copy_rc != kDone) return sql::error(source, "reading the ledger");
    if (copy_rc == kRow && copies.text(0) == id) {
      if (!sql::unpack_records(copies.blob(1), ledger)) {
        return Status::corruption(
            "the packed records of customer '" + id +
            "' cannot be read: they were damaged or edited outside squeaky "
            "('squeaky verify' checks them against the records; 'squeaky repack' writes them again)");
      }
    } else {  // a customer without records
      ledger.invoices.clear();
      ledger.payments.clear();
      ledger.credits.clear();
    }
    ledger.disputes.clear();
    if (auto it = disputes->find(id); it != disputes->end()) ledger.disputes = std::move(it->second);
    if (Status s = visit(ledger); !s.is_ok()) return s;
  }
}

namespace {
// Whether the two ledgers hold the same invoices, payments and credits, in whatever order.
// Sorts both's records by id.
bool same_records(CustomerLedger& a, CustomerLedger& b) {
  const auto same = []<typename R>(std::vector<R>& x, std::vector<R>& y) {
    const auto by_id = [](const R& l, const R& r) { return l.id < r.id; };
    std::sort(x.begin(), x.end(), by_id);
    std::sort(y.begin(), y.end(), by_id);
    return x == y;
  };
  return same(a.invoices, b.invoices) && same(a.payments, b.payments) && same(a.credits, b.credits);
}
}  // namespace

Status SqlStore::check_customer_ledgers(const std::function<Status(CustomerLedger&)>& visit,
                                        const std::function<void(const std::string&)>& copy_differs) {
  if (Status s = write_pending_copies(); !s.is_ok()) return s;
  auto disputes = collection_.disputes("");
  if (!disputes) return disputes.status();
  // The copies are read beside the rows' visit, on a connection of their own where the database
  // offers one; otherwise on this one, prepared once the visit has read what it reads as a scan.
  const std::unique_ptr<sql::Connection> reader = db_->reader();
  Statement copies;
  int copy_rc = kDone;
  bool started = false;
  const auto start = [&]() -> Status {
    started = true;
    if (Status s = copies.prepare_scan(reader ? reader.get() : db_, kCopiesInOrder); !s.is_ok()) {
      return s;
    }
    copy_rc = copies.step();
    return Status::ok();
  };
  const auto skip_to = [&](const std::string* id) -> Status {
    for (; copy_rc == kRow && (id == nullptr || copies.text(0) < *id); copy_rc = copies.step()) {
      copy_differs(std::string(copies.text(0)));  // a copy without its customer
    }
    return copy_rc == kRow || copy_rc == kDone ? Status::ok() : error("reading the packed records");
  };
  CustomerLedger copy;
  Status visited = visit_rows(&*disputes, [&](CustomerLedger& ledger) -> Status {
    if (!started) {
      if (Status s = start(); !s.is_ok()) return s;
    }
    const std::string& id = ledger.customer.id;
    if (Status s = skip_to(&id); !s.is_ok()) return s;
    copy.customer.id = id;
    copy.invoices.clear();
    copy.payments.clear();
    copy.credits.clear();
    bool readable = true;
    if (copy_rc == kRow && copies.text(0) == id) {
      readable = sql::unpack_records(copies.blob(1), copy);
      copy_rc = copies.step();
    }
    if (!readable || !same_records(ledger, copy)) copy_differs(id);
    return visit(ledger);
  });
  if (!visited.is_ok()) return visited;
  if (!started) {
    if (Status s = start(); !s.is_ok()) return s;
  }
  return skip_to(nullptr);
}

Status SqlStore::visit_rows(const Disputes* disputes, const std::function<Status(CustomerLedger&)>& visit) {
  // Each table is read once in storage order (a sequential scan) and its records packed by
  // customer (packed_ledger.h): far faster than one indexed query per customer, and a few dozen
  // bytes a record rather than whole values. The customers and their contacts are read last, in
  // id order, one at a time beside the visit.
  // Where the database offers them, the reading is done on connections of its own (with a cache
  // the size of a scan's need, not of a writer's), so that this connection's page cache neither
  // fills with pages read once nor changes what it holds for the writes that follow.
  const std::unique_ptr<sql::Connection> reader = db_->reader();
  sql::Connection* const source = reader ? reader.get() : db_;
  CustomerIndex customers;
  {
    Statement q;
    if (Status s = q.prepare_scan(source, "SELECT id FROM customers ORDER BY id"); !s.is_ok()) return s;
    int rc = 0;
    while ((rc = q.step()) == kRow) customers.add(q.text(0));
    if (rc != kDone) return sql::error(source, "reading customers");
  }
  PackedLedger packed;
  const auto pack = [&]<typename R>(sql::Connection* db, const char* columns, const char* table,
                                    R (*read)(const Statement&)) -> Status {
    Statement q;
    if (Status s = q.prepare_scan(db, sql("SELECT ", columns, (std::string(" FROM ") + table).c_str()).c_str());
        !s.is_ok()) {
      return s;
    }
    // Rows are taken a few at a time: their owners' slots in the customer index are fetched
    // ahead, so that the cache misses of a large index overlap rather than follow one another.
    struct Row {
      std::string owner;
      uint64_t hash = 0;
      R record;
    };
    std::array<Row, 16> ahead;
    size_t held = 0;
    const auto add_held = [&] {
      for (size_t i = 0; i < held; ++i) {
        if (auto owner = customers.find(ahead[i].owner, ahead[i].hash)) packed.add(*owner, ahead[i].record);
      }
      held = 0;
    };
    int rc = 0;
    while ((rc = q.step()) == kRow) {
      Row& row = ahead[held++];
      row.owner.assign(q.text(1));
      row.hash = CustomerIndex::hash(row.owner);
      customers.prefetch(row.hash);
      row.record = read(q);
      if (held == ahead.size()) add_held();
    }
    add_held();
    return rc == kDone ? Status::ok() : sql::error(db, "reading the ledger");
  };
  {
    // The invoices on a second connection and thread, where the database offers one, while this
    // thread reads the payments and credits.
    const std::unique_ptr<sql::Connection> second = db_->reader();
    Status invoices_read;
    std::jthread invoice_reader;
    if (second) {
      invoice_reader =
          std::jthread([&] { invoices_read = pack(second.get(), kInvoiceColumns, "invoices", read_invoice); });
    } else {
      invoices_read = pack(source, kInvoiceColumns, "invoices", read_invoice);
    }
    Status rest = pack(source, kPaymentColumns, "payments", read_payment);
    if (rest.is_ok()) rest = pack(source, kCreditColumns, "credits", read_credit);
    if (invoice_reader.joinable()) invoice_reader.join();
    if (!invoices_read.is_ok()) return invoices_read;
    if (!rest.is_ok()) return rest;
  }
  packed.group(customers.size());

  CustomerScan people(source);
  if (Status s = people.prepare(); !s.is_ok()) return s;
  CustomerLedger ledger;  // reused from customer to customer, so its vectors and strings keep their room
  uint32_t next = 0;      // the ordinal of the customer expected next
  for (;;) {
    auto more = people.next(ledger.customer);
    if (!more) return more.status();
    if (!*more) return Status::ok();
    const std::string& id = ledger.customer.id;
    // The customers come in the order they were numbered in, unless one was added in between.
    std::optional<uint32_t> ordinal;
    if (next < customers.size() && customers.id(next) == id) {
      ordinal = next++;
    } else {
      ordinal = customers.find(id);
    }
    if (ordinal) {
      packed.unpack(*ordinal, ledger);
    } else {  // added since the records were read
      ledger.invoices.clear();
      ledger.payments.clear();
      ledger.credits.clear();
    }
    ledger.disputes.clear();
    if (disputes != nullptr) {
      if (auto it = disputes->find(id); it != disputes->end()) ledger.disputes = it->second;
    }
    if (Status s = visit(ledger); !s.is_ok()) return s;
  }
}

Status SqlStore::for_each_journal_entry(const std::function<Status(const JournalEntry&)>& visit) {
  // Every stored row, whatever its seq, so that verify sees rows an editor renumbered.
  return visit_journal(
      "", [](Statement&) {}, visit);
}

Status SqlStore::for_each_journal_entry_after(int64_t seq, const std::function<Status(const JournalEntry&)>& visit) {
  return visit_journal(
      " WHERE seq > ?1", [seq](Statement& q) { q.bind(1, seq); }, visit);
}

Status SqlStore::for_each_journal_entry_of(std::string_view customer_id,
                                           const std::function<Status(const JournalEntry&)>& visit) {
  return visit_journal(
      " WHERE customer_id = ?1", [customer_id](Statement& q) { q.bind(1, customer_id); }, visit);
}

Status SqlStore::visit_journal(const char* where, const std::function<void(Statement&)>& bind,
                               const std::function<Status(const JournalEntry&)>& visit) {
  Statement q;
  const std::string text =
      std::string("SELECT seq, at, customer_id, actor, kind, payload, prev_hash, hash FROM journal") + where +
      " ORDER BY seq";
  if (Status s = q.prepare_scan(db_, text.c_str()); !s.is_ok()) return s;
  bind(q);
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    JournalEntry e;
    e.seq = q.integer(0);
    auto at = Timestamp::parse(q.text(1));
    e.at = at ? *at : Timestamp{};
    e.customer_id = q.text(2);
    e.actor = q.text(3);
    e.kind = q.text(4);
    e.payload = q.text(5);
    e.prev_hash = q.text(6);
    e.hash = q.text(7);
    if (!at) e.hash = "unreadable time '" + std::string(q.text(1)) + "'";  // cannot match any real hash
    if (Status s = visit(e); !s.is_ok()) return s;
  }
  return rc == kDone ? Status::ok() : error("reading the journal");
}

Result<WorkCounts> SqlStore::work_counts(Date on) {
  // One statement, so one snapshot: the three counts agree with each other.
  Statement q;
  if (Status s = q.prepare(db_,
                           "SELECT (SELECT count(*) FROM actions WHERE on_date = ?1 AND status <> 'skipped'), "
                           "(SELECT count(*) FROM actions WHERE status = 'open'), "
                           "(SELECT count(*) FROM outbox WHERE status IN (?2, ?3, ?4, ?5))");
      !s.is_ok()) {
    return s;
  }
  q.bind(1, on.to_string());
  for (int i = 0; i < 4; ++i) q.bind(i + 2, kOutboxWaiting[i]);
  if (q.step() != kRow) return error("counting actions and messages");
  return WorkCounts{q.integer(0), q.integer(1), q.integer(2)};
}

SqlTransaction::SqlTransaction(SqlStore& store, Timestamp at, JournalHead head)
    : store_(store), at_(at), at_text_(at.to_string()), head_(std::move(head)) {
  store_.open_ = this;
}

SqlTransaction::~SqlTransaction() {
  store_.open_ = nullptr;
  if (!done_) (void)store_.exec("ROLLBACK");
}

Status SqlTransaction::append(std::string_view customer_id, std::string_view actor, std::string_view kind,
                              std::string payload) {
  JournalEntry e;
  e.seq = head_.seq + 1;
  e.at = at_;
  e.customer_id = customer_id;
  e.actor = actor;
  e.kind = kind;
  e.payload = std::move(payload);
  e.prev_hash = std::move(head_.hash);
  e.hash = journal_entry_hash(e);
  Use q(store_.insert_journal_);
  q->bind(1, e.seq).bind(2, at_text_).bind(3, e.customer_id).bind(4, e.actor).bind(5, e.kind);
  q->bind(6, e.payload).bind(7, e.prev_hash).bind(8, e.hash);
  if (q->step() != kDone) return store_.error("writing the journal");
  head_ = {e.seq, std::move(e.hash)};
  return Status::ok();
}

template <typename R>
Result<WriteOutcome> SqlTransaction::put(const R& record, std::string_view kind_prefix, Statement& insert,
                                         Statement& select, Statement& update, R (*read)(const Statement&),
                                         void (*bind)(Statement&, const R&), std::string_view actor,
                                         std::optional<R>* before) {
  {
    Use q(insert);
    bind(*q.operator->(), record);
    if (q->step() != kDone) return store_.error("inserting a record");
  }
  constexpr bool kRecord = !std::is_same_v<R, Customer>;  // an invoice, payment or credit
  const std::vector<RecordField> after = record_fields(record);
  if (store_.db_->changes() == 1) {
    if (Status s = append(owner_of(record), actor, std::string(kind_prefix) + ".created", created_payload(after));
        !s.is_ok())
      return s;
    if constexpr (kRecord) touch(record.customer_id);
    return WriteOutcome::kCreated;
  }
  R existing;
  {
    Use q(select);
    q->bind(1, record.id);
    if (q->step() != kRow) return store_.error("reading a record");
    existing = read(*q.operator->());
  }
  if constexpr (std::is_same_v<R, Customer>) {
    if (Status s = store_.load_contacts(existing); !s.is_ok()) return s;
  }
  if (before != nullptr) *before = existing;
  std::string payload = updated_payload(record_fields(existing), after);
  if (payload.empty()) return WriteOutcome::kUnchanged;
  {
    Use q(update);
    bind(*q.operator->(), record);
    if (q->step() != kDone) return store_.error("updating a record");
  }
  if (Status s = append(owner_of(record), actor, std::string(kind_prefix) + ".updated", std::move(payload)); !s.is_ok())
    return s;
  if constexpr (kRecord) {
    touch(existing.customer_id);  // the record may have moved to another customer
    touch(record.customer_id);
  }
  return WriteOutcome::kUpdated;
}

Result<WriteOutcome> SqlTransaction::put_customer(const Customer& customer, std::string_view actor) {
  // Contacts keep their consent and opt-out flags when the same address or number comes again.
  std::optional<Customer> before;
  auto outcome = put<Customer>(customer, "customer", store_.insert_customer_, store_.select_customer_,
                               store_.update_customer_, read_customer, bind_customer, actor, &before);
  if (!outcome || *outcome == WriteOutcome::kUnchanged) return outcome;
  {
    Use q(store_.delete_contacts_);
    q->bind(1, customer.id);
    if (q->step() != kDone) return store_.error("replacing contacts");
  }
  int64_t position = 0;
  for (Contact c : customer.contacts) {
    if (before) {
      for (const Contact& old : before->contacts) {
        if (old.channel == c.channel && old.value == c.value) {
          c.consent = old.consent;
          c.opted_out = old.opted_out;
        }
      }
    }
    Use q(store_.insert_contact_);
    q->bind(1, customer.id).bind(2, position++).bind(3, to_string(c.channel)).bind(4, to_string(c.type));
    q->bind(5, c.value).bind(6, int64_t{c.consent}).bind(7, int64_t{c.opted_out});
    if (q->step() != kDone) return store_.error("writing a contact");
  }
  return outcome;
}

Result<WriteOutcome> SqlTransaction::put_invoice(const Invoice& invoice, std::string_view actor) {
  return put<Invoice>(invoice, "invoice", store_.insert_invoice_, store_.select_invoice_, store_.update_invoice_,
                      read_invoice, bind_invoice, actor);
}

Result<WriteOutcome> SqlTransaction::put_payment(const Payment& payment, std::string_view actor) {
  return put<Payment>(payment, "payment", store_.insert_payment_, store_.select_payment_, store_.update_payment_,
                      read_payment, bind_payment, actor);
}

Result<WriteOutcome> SqlTransaction::put_credit(const Credit& credit, std::string_view actor) {
  return put<Credit>(credit, "credit", store_.insert_credit_, store_.select_credit_, store_.update_credit_, read_credit,
                     bind_credit, actor);
}

Result<std::optional<Invoice>> SqlTransaction::find_invoice(std::string_view id) {
  Use q(store_.select_invoice_);
  q->bind(1, id);
  const int rc = q->step();
  if (rc == kDone) return std::optional<Invoice>{};
  if (rc != kRow) return store_.error("reading an invoice");
  return std::optional<Invoice>(read_invoice(*q.operator->()));
}

Result<std::optional<Currency>> SqlTransaction::customer_currency(std::string_view customer_id) {
  Use q(store_.select_currency_);
  q->bind(1, customer_id);
  const int rc = q->step();
  if (rc == kDone) return std::optional<Currency>{};
  if (rc != kRow) return store_.error("reading a customer's currency");
  return std::optional<Currency>(stored_currency(q->text(0)));
}

Result<bool> SqlTransaction::customer_has_records(std::string_view customer_id) {
  Use q(store_.customer_has_records_);
  q->bind(1, customer_id);
  if (q->step() != kRow) return store_.error("reading a customer's records");
  return q->integer(0) != 0;
}

Status SqlTransaction::commit() {
  if (Status s = store_.write_pending_copies(); !s.is_ok()) return s;
  {
    Use q(store_.update_head_);
    q->bind(1, head_.seq).bind(2, head_.hash);
    if (q->step() != kDone) return store_.error("writing the journal head");
  }
  if (Status s = store_.exec("COMMIT"); !s.is_ok()) return s;
  done_ = true;
  return Status::ok();
}

Status SqlTransaction::open_episode(std::string_view customer_id, const Episode& episode, std::string_view detail,
                                    std::string_view actor) {
  return store_.collection_.open_episode(*this, customer_id, episode, detail, actor);
}
Status SqlTransaction::close_episode(std::string_view customer_id, int number, Date on, std::string_view detail,
                                     std::string_view actor) {
  return store_.collection_.close_episode(*this, customer_id, number, on, detail, actor);
}
Status SqlTransaction::set_episode_track(std::string_view customer_id, int number, std::string_view plan, Date since,
                                         std::string_view actor) {
  return store_.collection_.set_episode_track(*this, customer_id, number, plan, since, actor);
}
Result<std::vector<int64_t>> SqlTransaction::record_actions(const std::vector<ActionRecord>& records,
                                                            std::string_view actor) {
  auto ids = store_.collection_.record_actions(*this, records, actor);
  if (!ids) return ids;
  if (Status s = store_.outbox_.enqueue(records, *ids); !s.is_ok()) return s;
  return ids;
}
Result<int64_t> SqlTransaction::add_promise(std::string_view customer_id, const PromiseToPay& promise,
                                            std::string_view actor) {
  return store_.collection_.add_promise(*this, customer_id, promise, actor);
}
Status SqlTransaction::close_promise(int64_t id, bool kept, Date on, std::string_view detail, std::string_view actor) {
  return store_.collection_.close_promise(*this, id, kept, on, detail, actor);
}
Result<int64_t> SqlTransaction::add_payment_plan(std::string_view customer_id, const PaymentPlan& plan,
                                                 std::string_view actor) {
  return store_.collection_.add_payment_plan(*this, customer_id, plan, actor);
}
Status SqlTransaction::close_payment_plan(int64_t id, std::string_view status, Date on, std::string_view detail,
                                          std::string_view actor) {
  return store_.collection_.close_payment_plan(*this, id, status, on, detail, actor);
}
Result<int64_t> SqlTransaction::add_hold(std::string_view customer_id, const Hold& hold, std::string_view actor) {
  return store_.collection_.add_hold(*this, customer_id, hold, actor);
}
Status SqlTransaction::end_hold(int64_t id, Date on, std::string_view detail, std::string_view actor) {
  return store_.collection_.end_hold(*this, id, on, detail, actor);
}
Status SqlTransaction::set_flag(std::string_view customer_id, const FlagRecord& flag, std::string_view actor) {
  return store_.collection_.set_flag(*this, customer_id, flag, actor);
}
Status SqlTransaction::clear_flag(std::string_view customer_id, StopFlag flag, Date on, std::string_view actor) {
  return store_.collection_.clear_flag(*this, customer_id, flag, on, actor);
}
Result<int64_t> SqlTransaction::open_dispute(const Dispute& dispute, std::string_view actor) {
  return store_.collection_.open_dispute(*this, dispute, actor);
}
Status SqlTransaction::resolve_dispute(int64_t id, Date on, std::string_view resolution, std::string_view actor) {
  return store_.collection_.resolve_dispute(*this, id, on, resolution, actor);
}
Result<int64_t> SqlTransaction::log_call(const CallRecord& call, std::string_view actor) {
  return store_.collection_.log_call(*this, call, actor);
}
Status SqlTransaction::record_run(Date as_of, int64_t actions, int64_t skipped, std::string_view actor) {
  return store_.collection_.record_run(*this, as_of, at_.to_string(), actions, skipped, actor);
}

Status SqlTransaction::record_run_part(Date as_of, int part, int parts, int64_t actions, int64_t skipped,
                                       std::string_view actor) {
  return store_.collection_.record_run_part(*this, as_of, part, parts, at_.to_string(), actions, skipped, actor);
}

Result<int64_t> SqlTransaction::add_opt_out(std::string_view customer_id, const OptOut& opt_out,
                                            std::string_view actor) {
  return store_.outbox_.add_opt_out(*this, customer_id, opt_out, actor);
}

Status SqlTransaction::update_outbox(const OutboxItem& item, std::string_view expected_status, std::string_view event,
                                     std::string_view detail, std::string_view actor) {
  return store_.outbox_.update(*this, item, expected_status, event, detail, actor);
}

Status SqlTransaction::add_user(const User& user, std::string_view actor) {
  return store_.users_.add_user(*this, user, actor);
}
Status SqlTransaction::set_password(std::string_view name, std::string_view password_hash, std::string_view actor) {
  return store_.users_.set_password(*this, name, password_hash, actor);
}
Status SqlTransaction::disable_user(std::string_view name, std::string_view actor) {
  return store_.users_.disable_user(*this, name, actor);
}
Status SqlTransaction::add_api_token(const ApiToken& token, std::string_view actor) {
  return store_.users_.add_api_token(*this, token, actor);
}
Status SqlTransaction::revoke_api_token(std::string_view name, std::string_view actor) {
  return store_.users_.revoke_api_token(*this, name, actor);
}
Status SqlTransaction::add_session(const Session& session) { return store_.users_.add_session(*this, session); }
Status SqlTransaction::end_session(std::string_view token_sha256) {
  return store_.users_.end_session(*this, token_sha256);
}
Status SqlTransaction::record_login_failure(std::string_view key, Timestamp at) {
  return store_.users_.record_login_failure(key, at);
}
Status SqlTransaction::clear_login_failures(std::string_view key) { return store_.users_.clear_login_failures(key); }

Result<CollectionState> SqlStore::collection_state(std::string_view customer_id) {
  auto states = collection_.states(customer_id);
  if (!states) return states.status();
  auto it = states->find(std::string(customer_id));
  return it == states->end() ? CollectionState{} : std::move(it->second);
}

}  // namespace

int sql::schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<std::unique_ptr<Store>> sql::open_store(std::unique_ptr<Connection> connection, const Clock& clock) {
  auto store = std::make_unique<SqlStore>(std::move(connection), clock);
  if (Status s = store->migrate(); !s.is_ok()) return s;
  if (Status s = store->prepare_all(); !s.is_ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace squeaky
