#include "io/ledger_csv.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <string>

#include <date/tz.h>

namespace squeaky {
namespace {

constexpr std::array kCustomerColumns = std::to_array<ColumnSpec>({
    {"id", true},
    {"name", true},
    {"kind", true},
    {"email", true},
    {"phone", true},
    {"country", true},
    {"region", true},
    {"timezone", true},
    {"currency", true},
    {"credit_limit", true},
    {"contact_name", false},
    {"address_line1", false},
    {"address_line2", false},
    {"city", false},
    {"postal_code", false},
    {"mobile", false},
    {"language", false},
    {"plan", false},
    {"segment", false},
});
constexpr std::array kInvoiceColumns = std::to_array<ColumnSpec>({
    {"id", true},
    {"customer_id", true},
    {"issue_date", true},
    {"due_date", true},
    {"amount", true},
    {"currency", true},
    {"reference", false},
    {"description", false},
});
constexpr std::array kPaymentColumns = std::to_array<ColumnSpec>({
    {"id", true},
    {"customer_id", true},
    {"date", true},
    {"amount", true},
    {"currency", true},
    {"invoice_id", false},
    {"method", false},
    {"reference", false},
});
constexpr std::array kCreditColumns = std::to_array<ColumnSpec>({
    {"id", true},
    {"customer_id", true},
    {"date", true},
    {"amount", true},
    {"currency", true},
    {"reason", true},
    {"invoice_id", false},
    {"kind", false},
});

bool is_upper_alpha(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool looks_like_email(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() && s.find('@', at + 1) == std::string_view::npos &&
         s.find('.', at) != std::string_view::npos && std::none_of(s.begin(), s.end(), [](char c) {
           return c == ' ' || c == ',' || c == ';' || c == '<' || c == '>';
         });
}

bool looks_like_phone(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 5 && digits <= 15;
}

bool looks_like_language(std::string_view s) {
  return !s.empty() && s.size() <= 35 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Reads the fields of one record, collecting every problem as a RowError of that line.
class RowReader {
 public:
  RowReader(const LedgerCsvHeader& header, const CsvRecord& record, std::vector<RowError>& errors)
      : header_(header), record_(record), errors_(errors), errors_before_(errors.size()) {
    if (record.fields.size() != header.field_count()) {
      fail("has " + std::to_string(record.fields.size()) + " fields; the header has " +
           std::to_string(header.field_count()));
      shape_ok_ = false;
    }
  }

  bool ok() const { return errors_.size() == errors_before_; }
  bool shape_ok() const { return shape_ok_; }

  std::string_view raw(std::string_view column) const {
    const int i = header_.index(column);
    return i < 0 || !shape_ok_ ? std::string_view{} : record_.fields[static_cast<size_t>(i)];
  }

  void fail(std::string message) { errors_.push_back({record_.line, std::move(message)}); }
  void fail_value(std::string_view column, std::string_view value, std::string_view predicate) {
    fail("column '" + std::string(column) + "': '" + std::string(value) + "' " + std::string(predicate));
  }

  std::string text(std::string_view column, bool required) {
    const std::string_view v = raw(column);
    if (required && v.empty()) fail("column '" + std::string(column) + "' is empty");
    return std::string(v);
  }

  Date date(std::string_view column) {
    const std::string_view v = raw(column);
    if (v.empty()) {
      fail("column '" + std::string(column) + "' is empty");
      return {};
    }
    auto d = Date::parse(v);
    if (!d) {
      fail_value(column, v, d.status().message());
      return {};
    }
    return *d;
  }

  std::optional<Currency> currency(std::string_view column) {
    const std::string_view v = raw(column);
    if (v.empty()) {
      fail("column '" + std::string(column) + "' is empty");
      return std::nullopt;
    }
    auto c = Currency::from_code(v);
    if (!c) {
      fail_value(column, v, c.status().message());
      return std::nullopt;
    }
    return *c;
  }

  // An amount in `currency`: positive, or when `allow_zero_or_empty`, zero or empty (read as zero).
  Money amount(std::string_view column, std::optional<Currency> currency, bool allow_zero_or_empty) {
    const std::string_view v = raw(column);
    if (v.empty()) {
      if (!allow_zero_or_empty) fail("column '" + std::string(column) + "' is empty");
      return currency ? Money::zero(*currency) : Money{};
    }
    if (!currency) return {};  // the currency's own error is already reported
    auto m = Money::parse(v, *currency);
    if (!m) {
      fail_value(column, v, m.status().message());
      return {};
    }
    if (m->is_negative()) {
      fail_value(column, v, "is negative");
    } else if (m->is_zero() && !allow_zero_or_empty) {
      fail_value(column, v, "is zero; an amount must be more than zero");
    }
    return *m;
  }

 private:
  const LedgerCsvHeader& header_;
  const CsvRecord& record_;
  std::vector<RowError>& errors_;
  size_t errors_before_;
  bool shape_ok_ = true;
};

}  // namespace

std::string_view to_string(RecordKind kind) {
  switch (kind) {
    case RecordKind::kCustomers: return "customers";
    case RecordKind::kInvoices: return "invoices";
    case RecordKind::kPayments: return "payments";
    case RecordKind::kCredits: return "credits";
  }
  return "?";
}

std::optional<RecordKind> parse_record_kind(std::string_view text) {
  for (RecordKind k : {RecordKind::kCustomers, RecordKind::kInvoices, RecordKind::kPayments, RecordKind::kCredits}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::span<const ColumnSpec> columns_of(RecordKind kind) {
  switch (kind) {
    case RecordKind::kCustomers: return kCustomerColumns;
    case RecordKind::kInvoices: return kInvoiceColumns;
    case RecordKind::kPayments: return kPaymentColumns;
    case RecordKind::kCredits: return kCreditColumns;
  }
  return {};
}

Result<LedgerCsvHeader> LedgerCsvHeader::read(RecordKind kind, const CsvRecord& header) {
  LedgerCsvHeader h;
  h.kind_ = kind;
  std::string problems;
  const auto columns = columns_of(kind);
  for (std::string_view field : header.fields) {
    const std::string name(field);
    if (std::find(h.names_.begin(), h.names_.end(), name) != h.names_.end()) {
      problems += (problems.empty() ? "" : "; ") + ("column '" + name + "' appears twice");
    }
    const bool known =
        std::any_of(columns.begin(), columns.end(), [&](const ColumnSpec& c) { return c.name == field; });
    if (!known) h.ignored_.push_back(name);
    h.names_.push_back(name);
  }
  std::string missing;
  for (const ColumnSpec& c : columns) {
    if (c.required && h.index(c.name) < 0) missing += (missing.empty() ? "'" : ", '") + std::string(c.name) + "'";
  }
  if (!missing.empty()) {
    problems += (problems.empty() ? "" : "; ") +
                ("missing column" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing + " (" +
                 std::string(to_string(kind)) + " files need: ");
    bool first = true;
    for (const ColumnSpec& c : columns) {
      if (!c.required) continue;
      problems += (first ? "" : ",") + std::string(c.name);
      first = false;
    }
    problems += ")";
  }
  if (!problems.empty()) return Status::invalid("line " + std::to_string(header.line) + ": " + problems);
  return h;
}

int LedgerCsvHeader::index(std::string_view column) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == column) return static_cast<int>(i);
  }
  return -1;
}

std::optional<Customer> parse_customer_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                           std::vector<RowError>& errors) {
  RowReader row(header, record, errors);
  if (!row.shape_ok()) return std::nullopt;
  Customer c;
  c.id = row.text("id", true);
  c.name = row.text("name", true);
  const std::string_view kind = row.raw("kind");
  if (auto k = parse_customer_kind(kind)) {
    c.kind = *k;
  } else {
    row.fail_value("kind", kind, "is not business or consumer");
  }
  c.contact_name = row.text("contact_name", false);
  // Emails: one or more, separated by ';'.
  std::string_view emails = row.raw("email");
  while (!emails.empty()) {
    const size_t semi = emails.find(';');
    std::string_view one = emails.substr(0, semi);
    while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
    if (!one.empty()) {
      if (looks_like_email(one)) {
        c.contacts.push_back({ContactChannel::kEmail, ContactType::kWork, std::string(one)});
      } else {
        row.fail_value("email", one, "is not an email address");
      }
    }
    emails = semi == std::string_view::npos ? std::string_view{} : emails.substr(semi + 1);
  }
  const ContactType phone_type = c.kind == CustomerKind::kConsumer ? ContactType::kHome : ContactType::kWork;
  for (auto [column, type] : {std::pair{std::string_view("phone"), phone_type},
                              std::pair{std::string_view("mobile"), ContactType::kMobile}}) {
    const std::string_view phone = row.raw(column);
    if (phone.empty()) continue;
    if (looks_like_phone(phone)) {
      c.contacts.push_back({ContactChannel::kPhone, type, std::string(phone)});
    } else {
      row.fail_value(column, phone, "is not a phone number");
    }
  }
  c.address = {row.text("address_line1", false), row.text("address_line2", false), row.text("city", false),
               row.text("postal_code", false)};
  c.country = row.text("country", true);
  if (!c.country.empty() && !is_upper_alpha(c.country, 2)) {
    row.fail_value("country", c.country, "is not an ISO 3166 country code (two capital letters, as US)");
  }
  c.region = row.text("region", false);
  // One IANA zone, or several separated by spaces when the debtor may be in more than one place.
  c.timezone = row.text("timezone", false);
  std::istringstream zones(c.timezone);
  for (std::string zone; zones >> zone;) {
    try {
      (void)date::locate_zone(zone);
    } catch (const std::exception&) {
      row.fail_value("timezone", zone, "is not an IANA time zone (as America/New_York)");
    }
  }
  const auto currency = row.currency("currency");
  if (currency) c.currency = *currency;
  c.credit_limit = row.amount("credit_limit", currency, true);
  c.language = row.text("language", false);
  if (!c.language.empty() && !looks_like_language(c.language)) {
    row.fail_value("language", c.language, "is not a language tag (as en or fr-CA)");
  }
  c.plan = row.text("plan", false);
  c.segment = row.text("segment", false);
  if (!row.ok()) return std::nullopt;
  return c;
}

std::optional<Invoice> parse_invoice_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                         std::vector<RowError>& errors) {
  RowReader row(header, record, errors);
  if (!row.shape_ok()) return std::nullopt;
  Invoice inv;
  inv.id = row.text("id", true);
  inv.customer_id = row.text("customer_id", true);
  inv.issue_date = row.date("issue_date");
  inv.due_date = row.date("due_date");
  if (row.ok() && inv.due_date < inv.issue_date) {
    row.fail_value("due_date", row.raw("due_date"), "is before issue_date " + inv.issue_date.to_string());
  }
  inv.amount = row.amount("amount", row.currency("currency"), false);
  inv.reference = row.text("reference", false);
  inv.description = row.text("description", false);
  if (!row.ok()) return std::nullopt;
  return inv;
}

std::optional<Payment> parse_payment_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                         std::vector<RowError>& errors) {
  RowReader row(header, record, errors);
  if (!row.shape_ok()) return std::nullopt;
  Payment p;
  p.id = row.text("id", true);
  p.customer_id = row.text("customer_id", true);
  p.date = row.date("date");
  p.amount = row.amount("amount", row.currency("currency"), false);
  p.invoice_id = row.text("invoice_id", false);
  p.method = row.text("method", false);
  p.reference = row.text("reference", false);
  if (!row.ok()) return std::nullopt;
  return p;
}

std::optional<Credit> parse_credit_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                       std::vector<RowError>& errors) {
  RowReader row(header, record, errors);
  if (!row.shape_ok()) return std::nullopt;
  Credit c;
  c.id = row.text("id", true);
  c.customer_id = row.text("customer_id", true);
  c.date = row.date("date");
  c.amount = row.amount("amount", row.currency("currency"), false);
  c.reason = row.text("reason", true);
  c.invoice_id = row.text("invoice_id", false);
  const std::string_view kind = row.raw("kind");
  if (!kind.empty()) {
    if (auto k = parse_credit_kind(kind)) {
      c.kind = *k;
    } else {
      row.fail_value("kind", kind, "is not credit or deduction");
    }
  }
  if (!row.ok()) return std::nullopt;
  return c;
}

void append_csv_field(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace squeaky
