#include "app/import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <unordered_map>

namespace squeaky {
namespace {

// Below this many bytes of CSV, the importer asks the store for each customer a row names.
constexpr size_t kAskEachCustomerBelow = 64 * 1024;

Status read_currencies(Store& store, std::unordered_map<std::string, Currency>& out) {
  auto all = store.customer_currencies();
  if (!all) return all.status();
  out.swap(*all);
  return Status::ok();
}

// A read-only view of a whole file.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }

  Status open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io_error("cannot read " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::io_error("cannot read " + path + ": not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return Status::io_error("cannot read " + path + ": " + std::strerror(errno));
      }
      ::madvise(p, size_, MADV_SEQUENTIAL);
      data_ = p;
    }
    ::close(fd);
    return Status::ok();
  }
  std::string_view text() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// The rows of one file, checked against the ledger and written through one transaction.
class Importer {
 public:
  // `currencies`: every customer's when `all_currencies` (read up front for a large file); else each
  // customer's is asked of the store when a row first names it.
  Importer(StoreTransaction& txn, RecordKind kind, ImportReport& report,
           std::unordered_map<std::string, Currency> currencies, bool all_currencies, const ImportOptions& options)
      : by_(options.by.empty() ? std::string() : " by " + options.by),
        fixed_actor_(options.actor),
        txn_(txn),
        kind_(kind),
        report_(report),
        all_currencies_(all_currencies),
        currencies_(std::move(currencies)),
        actor_("import " + report.file + ":"),
        actor_prefix_size_(actor_.size()) {}

  Status row(const LedgerCsvHeader& header, const CsvRecord& record) {
    ++report_.rows;
    const size_t errors_before = row_errors_.size();
    // Duplicate ids are found first, from the raw id, so that they are reported even on rows with
    // other errors.
    const int id_column = header.index("id");
    if (id_column >= 0 && static_cast<size_t>(id_column) < record.fields.size()) {
      std::string_view id = record.fields[static_cast<size_t>(id_column)];
      if (!id.empty()) {
        if (id.data() < file_.data() || id.data() >= file_.data() + file_.size()) id = owned_ids_.emplace_back(id);
        auto [it, inserted] = first_line_.emplace(id, record.line);
        if (!inserted) {
          row_errors_.push_back({record.line, "column 'id': '" + std::string(id) + "' appears again (first on line " +
                                                  std::to_string(it->second) + ")"});
        }
      }
    }
    switch (kind_) {
      case RecordKind::kCustomers:
        if (auto c = parse_customer_row(header, record, row_errors_); c && errors_before == row_errors_.size()) {
          return customer(*c, record.line);
        }
        break;
      case RecordKind::kInvoices:
        if (auto i = parse_invoice_row(header, record, row_errors_); i && errors_before == row_errors_.size()) {
          auto known = check_customer(i->customer_id, i->amount.currency(), record.line);
          if (!known) return known.status();
          if (!*known || !writing()) return Status::ok();
          return write(txn_.put_invoice(*i, actor(record.line)));
        }
        break;
      case RecordKind::kPayments:
        if (auto p = parse_payment_row(header, record, row_errors_); p && errors_before == row_errors_.size()) {
          return receipt(*p, record.line, &StoreTransaction::put_payment);
        }
        break;
      case RecordKind::kCredits:
        if (auto c = parse_credit_row(header, record, row_errors_); c && errors_before == row_errors_.size()) {
          return receipt(*c, record.line, &StoreTransaction::put_credit);
        }
        break;
    }
    return Status::ok();
  }

  void set_file(std::string_view file) {
    file_ = file;
    first_line_.reserve(file.size() / 64);  // about a row per 64 bytes: rehashing a million ids is not free
  }
  std::vector<RowError>& row_errors() { return row_errors_; }

 private:
  // Once a row is bad the file will be rejected: the rest is only checked, not written.
  bool writing() const { return row_errors_.empty(); }

  // "import FILE:LINE" (and " by WHO"), rebuilt in place for each row; valid until the next call.
  std::string_view actor(size_t line) {
    if (!fixed_actor_.empty()) return fixed_actor_;
    char digits[24];
    char* end = std::to_chars(digits, digits + sizeof digits, line).ptr;
    actor_.resize(actor_prefix_size_);
    actor_.append(digits, end);
    actor_.append(by_);
    return actor_;
  }

  Status write(Result<WriteOutcome> outcome) {
    if (!outcome) return outcome.status();
    switch (*outcome) {
      case WriteOutcome::kCreated: ++report_.created; break;
      case WriteOutcome::kUpdated: ++report_.updated; break;
      case WriteOutcome::kUnchanged: ++report_.unchanged; break;
    }
    return Status::ok();
  }

  // The stored customer's currency, if there is such a customer.
  Result<std::optional<Currency>> currency_of(const std::string& customer_id) {
    if (auto it = currencies_.find(customer_id); it != currencies_.end()) return std::optional<Currency>(it->second);
    if (all_currencies_) return std::optional<Currency>{};
    auto found = txn_.customer_currency(customer_id);
    if (found && *found) currencies_.emplace(customer_id, **found);
    return found;
  }

  Result<bool> check_customer(const std::string& customer_id, Currency currency, size_t line) {
    auto stored = currency_of(customer_id);
    if (!stored) return stored.status();
    if (!*stored) {
      row_errors_.push_back({line, "column 'customer_id': '" + customer_id +
                                       "' is not a known customer (import it with the customers first)"});
      return false;
    }
    if (**stored != currency) {
      row_errors_.push_back({line, "column 'currency': '" + currency.code() + "' differs from customer " + customer_id +
                                       "'s currency " + (*stored)->code()});
      return false;
    }
    return true;
  }

  Status customer(const Customer& c, size_t line) {
    auto stored = currency_of(c.id);
    if (!stored) return stored.status();
    if (*stored && **stored != c.currency) {
      auto has_records = txn_.customer_has_records(c.id);
      if (!has_records) return has_records.status();
      if (*has_records) {
        row_errors_.push_back({line, "column 'currency': '" + c.currency.code() + "' differs from " +
                                         (*stored)->code() +
                                         ", the currency of the customer's invoices and payments; a customer's "
                                         "currency cannot change once it has any"});
        return Status::ok();
      }
    }
    if (!writing()) return Status::ok();
    return write(txn_.put_customer(c, actor(line)));
  }

  // A payment or credit: its customer, and the invoice it names.
  template <typename R>
  Status receipt(const R& r, size_t line, Result<WriteOutcome> (StoreTransaction::*put)(const R&, std::string_view)) {
    auto known = check_customer(r.customer_id, r.amount.currency(), line);
    if (!known) return known.status();
    if (!*known) return Status::ok();
    if (!r.invoice_id.empty()) {
      auto invoice = txn_.find_invoice(r.invoice_id);
      if (!invoice) return invoice.status();
      if (!*invoice) {
        row_errors_.push_back({line, "column 'invoice_id': '" + r.invoice_id + "' is not a known invoice"});
        return Status::ok();
      }
      if ((*invoice)->customer_id != r.customer_id) {
        row_errors_.push_back({line, "column 'invoice_id': '" + r.invoice_id + "' belongs to customer " +
                                         (*invoice)->customer_id + ", not " + r.customer_id});
        return Status::ok();
      }
    }
    if (!writing()) return Status::ok();
    return write((txn_.*put)(r, actor(line)));
  }

  std::string by_;           // " by WHO", or empty
  std::string fixed_actor_;  // ImportOptions::actor
  StoreTransaction& txn_;
  RecordKind kind_;
  ImportReport& report_;
  const bool all_currencies_;
  std::unordered_map<std::string, Currency> currencies_;
  std::string_view file_;
  std::deque<std::string> owned_ids_;  // ids that were unescaped out of the file's own bytes
  std::unordered_map<std::string_view, size_t> first_line_;
  std::string actor_;  // "import FILE:", then the line of the row being written
  size_t actor_prefix_size_;
  std::vector<RowError> row_errors_;
};

}  // namespace

Result<ImportReport> import_csv(Store& store, RecordKind kind, const std::string& path, const ImportOptions& options) {
  MappedFile file;
  if (Status s = file.open(path); !s.is_ok()) return s;
  ImportOptions named = options;
  if (named.name.empty()) named.name = path;
  return import_text(store, kind, file.text(), named);
}

Result<ImportReport> import_text(Store& store, RecordKind kind, std::string_view text, const ImportOptions& options) {
  ImportReport report;
  report.file = options.name;
  const std::string& name = report.file;
  report.kind = kind;
  const auto file_error = [&](const Status& s) {
    // The parsers say "line N: ..."; the report says "FILE:N: ...".
    const std::string& m = s.message();
    if (m.starts_with("line ")) {
      report.errors.push_back(name + ":" + m.substr(5));
    } else {
      report.errors.push_back(name + ": " + m);
    }
    return report;
  };
  if (Status s = check_utf8(text); !s.is_ok()) return file_error(s);

  CsvReader reader(text);
  CsvRecord record;
  if (!reader.next(record)) {
    if (!reader.error().is_ok()) return file_error(reader.error());
    report.errors.push_back(name + ": the file is empty; the first line must name the columns");
    return report;
  }
  auto header = LedgerCsvHeader::read(kind, record);
  if (!header) return file_error(header.status());
  report.ignored_columns = header->ignored_columns();

  // A large file names many customers: one pass over them all is cheaper than a query each. A small
  // one (a record the API was sent) asks only for the customers it names.
  std::unordered_map<std::string, Currency> currencies;
  const bool all_currencies = text.size() > kAskEachCustomerBelow;
  if (all_currencies) {
    if (Status s = read_currencies(store, currencies); !s.is_ok()) return s;
  }
  auto txn = store.begin();
  if (!txn) return txn.status();
  Importer importer(**txn, kind, report, std::move(currencies), all_currencies, options);
  importer.set_file(text);
  while (reader.next(record)) {
    if (Status s = importer.row(*header, record); !s.is_ok()) return s;
    if (options.progress && (report.rows & 0xffff) == 0) options.progress(reader.offset(), text.size(), report.rows);
  }
  if (options.progress) options.progress(text.size(), text.size(), report.rows);
  for (const RowError& e : importer.row_errors())
    report.errors.push_back(name + ":" + std::to_string(e.line) + ": " + e.message);
  // Malformed quoting stops the reading; the bad rows before it are still listed, in line order.
  if (!reader.error().is_ok()) (void)file_error(reader.error());
  if (!report.errors.empty() || options.dry_run) {
    if (!report.errors.empty()) report.created = report.updated = report.unchanged = 0;
    return report;  // the transaction rolls back when it goes out of scope
  }
  if (Status s = (*txn)->commit(); !s.is_ok()) return s;
  report.written = true;
  return report;
}

}  // namespace squeaky
