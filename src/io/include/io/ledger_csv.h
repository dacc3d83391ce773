// The CSV import formats: customers, invoices, payments and credits (docs/formats.md).
//
// A file's first record names its columns, in any order. LedgerCsvHeader checks that every
// required column is present and notes the ones squeaky does not know (they are ignored).
// parse_*_row turn one record into a ledger record, reporting every bad field of the row; checks
// that need the database (does the customer exist? is this id in the file twice?) are the
// importer's (app/import.h). Pure apart from time-zone names, which are checked against the
// system's IANA database. Thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "io/csv.h"
#include "ledger/records.h"

namespace squeaky {

enum class RecordKind { kCustomers, kInvoices, kPayments, kCredits };
std::string_view to_string(RecordKind kind);  // "customers", ...
std::optional<RecordKind> parse_record_kind(std::string_view text);

struct ColumnSpec {
  std::string_view name;
  bool required;
};
// The columns of a format, required ones first, in the order docs/formats.md lists them.
std::span<const ColumnSpec> columns_of(RecordKind kind);

// One problem with one row: `message` is "column 'due_date': '2026-02-30' is not a date".
struct RowError {
  size_t line;
  std::string message;
};

class LedgerCsvHeader {
 public:
  // Reads the header record. Fails naming every missing required column and any column given
  // twice.
  static Result<LedgerCsvHeader> read(RecordKind kind, const CsvRecord& header);

  RecordKind kind() const { return kind_; }
  size_t field_count() const { return names_.size(); }
  // The position of `column` in a record, or -1 when the file does not have it.
  int index(std::string_view column) const;
  const std::vector<std::string>& ignored_columns() const { return ignored_; }

 private:
  RecordKind kind_ = RecordKind::kCustomers;
  std::vector<std::string> names_;
  std::vector<std::string> ignored_;
};

// Each returns the record, or nothing after appending at least one error to `errors`.
std::optional<Customer> parse_customer_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                           std::vector<RowError>& errors);
std::optional<Invoice> parse_invoice_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                         std::vector<RowError>& errors);
std::optional<Payment> parse_payment_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                         std::vector<RowError>& errors);
std::optional<Credit> parse_credit_row(const LedgerCsvHeader& header, const CsvRecord& record,
                                       std::vector<RowError>& errors);

// Writes `value` as one CSV field, quoting it when it holds a comma, a quote or a line break.
void append_csv_field(std::string& out, std::string_view value);

}  // namespace squeaky
