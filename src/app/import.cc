#include "app/import.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace squeaky {
namespace {

// Above this many bytes of CSV a file is large: every customer's currency is read up front rather
// than asked of the store for each customer a row names, and the rows are read and checked on a
// thread of their own while they are written.
constexpr size_t kLargeFile = 64 * 1024;

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

// A row that passed the checks that need no store.
struct CheckedRow {
  size_t line;
  std::variant<Customer, Invoice, Payment, Credit> record;
};

// The customers' currencies: all of them when read up front (a large file), shared read-only by both
// stages; otherwise those asked of the store so far, by the writing stage alone.
struct Currencies {
  std::unordered_map<std::string, Currency> known;
  bool all = false;

  // The stored customer's currency, if there is such a customer; `txn` is asked unless `all`.
  Result<std::optional<Currency>> of(StoreTransaction& txn, const std::string& customer_id) {
    if (auto it = known.find(customer_id); it != known.end()) return std::optional<Currency>(it->second);
    if (all) return std::optional<Currency>{};
    auto found = txn.customer_currency(customer_id);
    if (found && *found) known.emplace(customer_id, **found);
    return found;
  }
};

// Adds the error of a record whose customer is unknown or keeps another currency; false then.
bool customer_matches(const std::optional<Currency>& stored, const std::string& customer_id, Currency currency,
                      size_t line, std::vector<RowError>& errors) {
  if (!stored) {
    errors.push_back({line, "column 'customer_id': '" + customer_id +
                                "' is not a known customer (import it with the customers first)"});
    return false;
  }
  if (*stored != currency) {
    errors.push_back({line, "column 'currency': '" + currency.code() + "' differs from customer " + customer_id +
                                "'s currency " + stored->code()});
    return false;
  }
  return true;
}

// The first stage: each row's fields, an id not used earlier in the file, and (when every
// customer's currency was read up front) the customer and currency. Needs no store, so for a large
// file it runs on a thread of its own while the second stage writes.
class RowChecker {
 public:
  RowChecker(RecordKind kind, std::string_view file, const Currencies& currencies)
      : kind_(kind), file_(file), currencies_(currencies) {
    first_line_.reserve(file.size() / 64);  // about a row per 64 bytes: rehashing a million ids is not free
  }

  // The row's record, or nothing when the row is bad (its errors added to errors()).
  std::optional<CheckedRow> check(const LedgerCsvHeader& header, const CsvRecord& record) {
    const size_t errors_before = errors_.size();
    // Duplicate ids are found first, from the raw id, so that they are reported even on rows with
    // other errors.
    const int id_column = header.index("id");
    if (id_column >= 0 && static_cast<size_t>(id_column) < record.fields.size()) {
      std::string_view id = record.fields[static_cast<size_t>(id_column)];
      if (!id.empty()) {
        if (id.data() < file_.data() || id.data() >= file_.data() + file_.size()) id = owned_ids_.emplace_back(id);
        auto [it, inserted] = first_line_.emplace(id, record.line);
        if (!inserted) {
          errors_.push_back({record.line, "column 'id': '" + std::string(id) + "' appears again (first on line " +
                                              std::to_string(it->second) + ")"});
        }
      }
    }
    std::optional<CheckedRow> row;
    switch (kind_) {
      case RecordKind::kCustomers:
        if (auto c = parse_customer_row(header, record, errors_)) row = CheckedRow{record.line, std::move(*c)};
        break;
      case RecordKind::kInvoices:
        if (auto i = parse_invoice_row(header, record, errors_)) row = customer_known(record.line, std::move(*i));
        break;
      case RecordKind::kPayments:
        if (auto p = parse_payment_row(header, record, errors_)) row = customer_known(record.line, std::move(*p));
        break;
      case RecordKind::kCredits:
        if (auto c = parse_credit_row(header, record, errors_)) row = customer_known(record.line, std::move(*c));
        break;
    }
    if (errors_.size() != errors_before) {
      any_errors_.store(true, std::memory_order_relaxed);
      return std::nullopt;
    }
    return row;
  }

  std::vector<RowError>& errors() { return errors_; }
  // Whether any row so far was bad; may be asked from the other stage's thread.
  bool any_errors() const { return any_errors_.load(std::memory_order_relaxed); }

 private:
  template <typename R>
  std::optional<CheckedRow> customer_known(size_t line, R&& r) {
    if (currencies_.all) {
      auto it = currencies_.known.find(r.customer_id);
      const std::optional<Currency> stored =
          it != currencies_.known.end() ? std::optional<Currency>(it->second) : std::nullopt;
      if (!customer_matches(stored, r.customer_id, r.amount.currency(), line, errors_)) return std::nullopt;
    }
    return CheckedRow{line, std::forward<R>(r)};
  }

  RecordKind kind_;
  std::string_view file_;
  const Currencies& currencies_;
  std::deque<std::string> owned_ids_;  // ids that were unescaped out of the file's own bytes
  std::unordered_map<std::string_view, size_t> first_line_;
  std::vector<RowError> errors_;
  std::atomic<bool> any_errors_{false};
};

// The second stage: the checks that ask the store, then the write through the file's transaction.
class RowWriter {
 public:
  RowWriter(StoreTransaction& txn, ImportReport& report, Currencies& currencies, const ImportOptions& options)
      : by_(options.by.empty() ? std::string() : " by " + options.by),
        fixed_actor_(options.actor),
        txn_(txn),
        report_(report),
        currencies_(currencies),
        actor_("import " + report.file + ":"),
        actor_prefix_size_(actor_.size()) {}

  // `writing`: no row of the file is known to be bad, so the row is written and not only checked.
  Status apply(const CheckedRow& row, bool writing) {
    writing = writing && errors_.empty();
    return std::visit(
        [&](const auto& r) -> Status {
          using R = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<R, Customer>) {
            return customer(r, row.line, writing);
          } else {
            auto known = check_customer(r.customer_id, r.amount.currency(), row.line);
            if (!known) return known.status();
            if (!*known) return Status::ok();
            if constexpr (std::is_same_v<R, Invoice>) {
              return writing ? write(txn_.put_invoice(r, actor(row.line))) : Status::ok();
            } else {
              return receipt(r, row.line, writing);
            }
          }
        },
        row.record);
  }

  std::vector<RowError>& errors() { return errors_; }

 private:
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

  // Checked here only when the first stage could not (the currencies were not read up front).
  Result<bool> check_customer(const std::string& customer_id, Currency currency, size_t line) {
    if (currencies_.all) return true;
    auto stored = currencies_.of(txn_, customer_id);
    if (!stored) return stored.status();
    return customer_matches(*stored, customer_id, currency, line, errors_);
  }

  Status customer(const Customer& c, size_t line, bool writing) {
    auto stored = currencies_.of(txn_, c.id);
    if (!stored) return stored.status();
    if (*stored && **stored != c.currency) {
      auto has_records = txn_.customer_has_records(c.id);
      if (!has_records) return has_records.status();
      if (*has_records) {
        errors_.push_back({line, "column 'currency': '" + c.currency.code() + "' differs from " + (*stored)->code() +
                                     ", the currency of the customer's invoices and payments; a customer's "
                                     "currency cannot change once it has any"});
        return Status::ok();
      }
    }
    if (!writing) return Status::ok();
    return write(txn_.put_customer(c, actor(line)));
  }

  // A payment or credit: the invoice it names.
  template <typename R>
  Status receipt(const R& r, size_t line, bool writing) {
    if (!r.invoice_id.empty()) {
      auto invoice = txn_.find_invoice(r.invoice_id);
      if (!invoice) return invoice.status();
      if (!*invoice) {
        errors_.push_back({line, "column 'invoice_id': '" + r.invoice_id + "' is not a known invoice"});
        return Status::ok();
      }
      if ((*invoice)->customer_id != r.customer_id) {
        errors_.push_back({line, "column 'invoice_id': '" + r.invoice_id + "' belongs to customer " +
                                     (*invoice)->customer_id + ", not " + r.customer_id});
        return Status::ok();
      }
    }
    if (!writing) return Status::ok();
    if constexpr (std::is_same_v<R, Payment>) {
      return write(txn_.put_payment(r, actor(line)));
    } else {
      return write(txn_.put_credit(r, actor(line)));
    }
  }

  std::string by_;           // " by WHO", or empty
  std::string fixed_actor_;  // ImportOptions::actor
  StoreTransaction& txn_;
  ImportReport& report_;
  Currencies& currencies_;
  std::string actor_;  // "import FILE:", then the line of the row being written
  size_t actor_prefix_size_;
  std::vector<RowError> errors_;
};

// Checked rows on their way from the first stage to the second.
class RowQueue {
 public:
  struct Batch {
    std::vector<CheckedRow> rows;
    size_t offset = 0;     // bytes of the file read
    size_t rows_read = 0;  // rows of the file read, good and bad
  };

  // push() waits while `most_batches` are waiting to be popped.
  explicit RowQueue(size_t most_batches) : most_batches_(most_batches) {}

  // False when the reader gave up: the writer need not go on.
  bool push(Batch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return batches_.size() < most_batches_ || cancelled_; });
    if (cancelled_) return false;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  // The writer stops early (the store failed): the reader stops at its next batch.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    room_.notify_one();
  }
  // False once the queue is closed and empty.
  bool pop(Batch& batch) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !batches_.empty() || closed_; });
    if (batches_.empty()) return false;
    batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return true;
  }

 private:
  const size_t most_batches_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<Batch> batches_;
  bool closed_ = false;
  bool cancelled_ = false;
};

// Rows per batch handed from the first stage to the second.
constexpr size_t kBatchRows = 2048;

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
  const bool large = text.size() > kLargeFile;
  Currencies currencies;
  currencies.all = large;
  if (currencies.all) {
    auto all = store.customer_currencies();
    if (!all) return all.status();
    currencies.known = std::move(*all);
  }
  auto txn = store.begin();
  if (!txn) return txn.status();
  RowChecker checker(kind, text, currencies);
  RowWriter writer(**txn, report, currencies, options);

  // The first stage reads and checks the whole file in batches; the second applies each batch. A
  // large file's first stage runs on its own thread, so that reading and writing overlap, a few
  // batches ahead at most; a small file's is read whole first.
  RowQueue queue(large ? 4 : SIZE_MAX);
  const auto read_rows = [&] {
    const struct CloseAtEnd {
      RowQueue& queue;
      ~CloseAtEnd() { queue.close(); }
    } close_at_end{queue};
    RowQueue::Batch batch;
    while (reader.next(record)) {
      ++batch.rows_read;
      if (auto row = checker.check(*header, record)) batch.rows.push_back(std::move(*row));
      if (batch.rows.size() == kBatchRows) {
        batch.offset = reader.offset();
        const size_t rows_read = batch.rows_read;
        if (!queue.push(std::move(batch))) return;
        batch = {};
        batch.rows_read = rows_read;
      }
    }
    batch.offset = text.size();
    queue.push(std::move(batch));
  };
  const auto write_rows = [&]() -> Status {
    RowQueue::Batch batch;
    while (queue.pop(batch)) {
      for (const CheckedRow& row : batch.rows) {
        if (Status s = writer.apply(row, !checker.any_errors()); !s.is_ok()) return s;
      }
      if (options.progress && (batch.rows_read >> 16) != (report.rows >> 16))
        options.progress(batch.offset, text.size(), batch.rows_read);
      report.rows = batch.rows_read;
    }
    return Status::ok();
  };
  if (large) {
    std::future<void> reading = std::async(std::launch::async, read_rows);
    Status written;
    {
      // However the writing ends, the reader stops before `reading` is waited for.
      const struct CancelAtEnd {
        RowQueue& queue;
        ~CancelAtEnd() { queue.cancel(); }
      } cancel_at_end{queue};
      written = write_rows();
    }
    reading.get();
    if (!written.is_ok()) return written;
  } else {
    read_rows();
    if (Status s = write_rows(); !s.is_ok()) return s;
  }
  if (options.progress) options.progress(text.size(), text.size(), report.rows);
  // The two stages' errors, in line order (a row bad in the first never reaches the second).
  std::vector<RowError>& errors = checker.errors();
  errors.insert(errors.end(), std::make_move_iterator(writer.errors().begin()),
                std::make_move_iterator(writer.errors().end()));
  std::stable_sort(errors.begin(), errors.end(), [](const RowError& a, const RowError& b) { return a.line < b.line; });
  for (const RowError& e : errors) report.errors.push_back(name + ":" + std::to_string(e.line) + ": " + e.message);
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
