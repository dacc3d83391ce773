// Fuzzes what an import reads before anything touches the ledger: the UTF-8 check, the CSV reader
// and the row parsers of the four import formats.
//
// Input: the first byte is a control byte, the rest is the file. Bits 0-1 of the control byte
// pick the record kind (customers, invoices, payments, credits). With bit 2 clear the file's first
// record is its header, as in a real import; with bit 2 set the format's own header (every column,
// in docs/formats.md order) is used and every record is a row, so that most inputs reach the row
// parsers.
//
// Besides "no crash, no sanitizer report", each run checks properties:
//   - check_utf8 agrees with an independent validator (Unicode table 3-7) and names the line and
//     column of the first bad byte;
//   - the reader terminates, its lines never go backwards, and once it has stopped it stays
//     stopped; a file it reads without error reads back to the same fields once rewritten with
//     every field quoted, and once rewritten with append_csv_field;
//   - a row parser returns a record exactly when it reported no error, every error names the
//     row's line, and every record it returns keeps the invariants the ledger relies on
//     (non-empty ids, positive amounts, due date not before issue date, ...).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.h"
#include "io/ledger_csv.h"

#include "property.h"

namespace squeaky {
namespace {

// The offset of the first byte that does not start a well-formed UTF-8 sequence, following the
// table of well-formed byte sequences in the Unicode standard (table 3-7); npos when all are.
size_t first_bad_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned c = s[i];
    if (c <= 0x7F) {
      ++i;
      continue;
    }
    unsigned lo = 0x80;  // the range of the second byte
    unsigned hi = 0xBF;
    size_t len = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

void check_utf8_against_reference(std::string_view text) {
  const Status status = check_utf8(text);
  const size_t bad = first_bad_utf8(text);
  expect(status.is_ok() == (bad == std::string_view::npos), "check_utf8 agrees with the reference validator");
  if (status.is_ok()) return;
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  char expected[96];
  std::snprintf(expected, sizeof expected, "line %zu: byte 0x%02X at column %zu is not UTF-8", line,
                static_cast<unsigned>(static_cast<unsigned char>(text[bad])), bad - line_start + 1);
  expect(status.message().starts_with(expected), "check_utf8 names the line, byte and column of the first bad byte");
}

using Rows = std::vector<std::vector<std::string>>;

// Reads every record of `text`, checking the reader's own contract on the way. Returns false when
// the reader reported an error.
bool read_all(std::string_view text, Rows& rows) {
  CsvReader reader(text);
  CsvRecord record;
  size_t last_line = 0;
  size_t last_offset = reader.offset();
  size_t line_breaks = 0;  // at most: a record may also end at a lone CR
  for (char c : text) line_breaks += c == '\n' || c == '\r' ? 1 : 0;
  const bool lf_only = text.find('\r') == std::string_view::npos;
  size_t records = 0;
  while (reader.next(record)) {
    expect(++records <= text.size(), "the reader ends (at most one record per byte)");
    expect(!record.fields.empty(), "a record has at least one field");
    expect(record.line >= last_line && record.line >= 1 && record.line <= line_breaks + 1,
           "record lines are in the file and never go backwards");
    if (lf_only) {  // then a record's line is one more than the line feeds before its first byte
      size_t start = last_offset;
      while (start < text.size() && text[start] == '\n') ++start;
      size_t line = 1;
      for (size_t i = 0; i < start; ++i) line += text[i] == '\n' ? 1 : 0;
      expect(record.line == line, "a record's line is the line its first byte is on");
    }
    expect(reader.offset() > last_offset && reader.offset() <= text.size(), "the reader moves forward");
    last_line = record.line;
    last_offset = reader.offset();
    rows.emplace_back(record.fields.begin(), record.fields.end());
  }
  expect(!reader.next(record), "a stopped reader stays stopped");
  if (!reader.error().is_ok()) {
    expect(reader.error().message().starts_with("line "), "a CSV error names its line");
    return false;
  }
  return true;
}

// Rewrites rows that were read without error and checks that they read back the same.
void check_round_trips(const Rows& rows) {
  // Every field quoted: any record, even a single empty field, survives.
  std::string quoted;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) quoted += ',';
      quoted += '"';
      for (char c : row[i]) {
        if (c == '"') quoted += '"';
        quoted += c;
      }
      quoted += '"';
    }
    quoted += "\r\n";
  }
  Rows again;
  expect(read_all(quoted, again) && again == rows, "records rewritten with every field quoted read back the same");

  // append_csv_field, as the generator writes. A record that is one empty field is written as a
  // blank line, which the reader skips, so such records are left out; a first record guards the
  // start of the file, where a byte order mark would be skipped.
  std::string minimal = "h\n";
  Rows expected{{"h"}};
  for (const auto& row : rows) {
    if (row.size() == 1 && row[0].empty()) continue;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) minimal += ',';
      append_csv_field(minimal, row[i]);
    }
    minimal += '\n';
    expected.push_back(row);
  }
  again.clear();
  expect(read_all(minimal, again) && again == expected, "records written with append_csv_field read back the same");
}

bool is_positive(const Money& m) { return m.currency().is_set() && m.is_positive(); }

bool round_trips(const Money& m) {
  auto back = Money::parse(m.to_string(), m.currency());
  return back && *back == m;
}

std::string_view field(const LedgerCsvHeader& header, const CsvRecord& record, std::string_view column) {
  const int i = header.index(column);
  return i < 0 ? std::string_view{} : record.fields[static_cast<size_t>(i)];
}

void check_row(const LedgerCsvHeader& header, const CsvRecord& record) {
  std::vector<RowError> errors;
  bool parsed = false;
  const bool shape_ok = record.fields.size() == header.field_count();
  switch (header.kind()) {
    case RecordKind::kCustomers:
      if (auto c = parse_customer_row(header, record, errors)) {
        parsed = true;
        expect(!c->id.empty() && !c->name.empty(), "a customer has an id and a name");
        expect(c->id == field(header, record, "id"), "a customer's id is its field, unchanged");
        expect(c->currency.is_set() && c->credit_limit.currency() == c->currency, "a customer has a currency");
        expect(!c->credit_limit.is_negative() && round_trips(c->credit_limit), "a credit limit is not negative");
        expect(c->country.size() == 2, "a country is two letters");
        for (const Contact& contact : c->contacts) expect(!contact.value.empty(), "a contact has a value");
      }
      break;
    case RecordKind::kInvoices:
      if (auto i = parse_invoice_row(header, record, errors)) {
        parsed = true;
        expect(!i->id.empty() && !i->customer_id.empty(), "an invoice has an id and a customer");
        expect(i->id == field(header, record, "id"), "an invoice's id is its field, unchanged");
        expect(i->due_date >= i->issue_date, "an invoice is not due before it is issued");
        expect(i->issue_date.to_string() == field(header, record, "issue_date"), "an issue date reads back");
        expect(is_positive(i->amount) && round_trips(i->amount), "an invoice amount is positive");
      }
      break;
    case RecordKind::kPayments:
      if (auto p = parse_payment_row(header, record, errors)) {
        parsed = true;
        expect(!p->id.empty() && !p->customer_id.empty(), "a payment has an id and a customer");
        expect(is_positive(p->amount) && round_trips(p->amount), "a payment amount is positive");
        expect(p->date.to_string() == field(header, record, "date"), "a payment date reads back");
      }
      break;
    case RecordKind::kCredits:
      if (auto c = parse_credit_row(header, record, errors)) {
        parsed = true;
        expect(!c->id.empty() && !c->customer_id.empty() && !c->reason.empty(),
               "a credit has an id, a customer and a reason");
        expect(is_positive(c->amount) && round_trips(c->amount), "a credit amount is positive");
      }
      break;
  }
  expect(parsed == errors.empty(), "a row parses exactly when it has no error");
  expect(shape_ok || !parsed, "a row with the wrong number of fields is refused");
  for (const RowError& e : errors) {
    expect(e.line == record.line && !e.message.empty(), "a row error names the row's line");
  }
}

// One input, as libFuzzer hands it over.
int fuzz_one(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr RecordKind kKinds[] = {RecordKind::kCustomers, RecordKind::kInvoices, RecordKind::kPayments,
                                   RecordKind::kCredits};
  const RecordKind kind = kKinds[data[0] & 3];
  const bool built_in_header = (data[0] & 4) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  check_utf8_against_reference(text);

  Rows rows;
  if (read_all(text, rows)) check_round_trips(rows);

  CsvRecord header_record;
  header_record.line = 0;
  for (const ColumnSpec& c : columns_of(kind)) header_record.fields.push_back(c.name);
  CsvReader reader(text);
  CsvRecord record;
  if (!built_in_header) {
    if (!reader.next(record)) return 0;
    header_record = record;
  }
  auto header = LedgerCsvHeader::read(kind, header_record);
  if (!header) {
    expect(!built_in_header, "the format's own header is accepted");
    expect(header.status().message().starts_with("line "), "a header error names its line");
    return 0;
  }
  expect(header->field_count() == header_record.fields.size(), "the header counts its fields");
  for (const ColumnSpec& c : columns_of(kind)) {
    expect(!c.required || header->index(c.name) >= 0, "an accepted header has every required column");
  }
  while (reader.next(record)) check_row(*header, record);
  return 0;
}

}  // namespace
}  // namespace squeaky

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return squeaky::fuzz_one(data, size); }
