// Store: where the ledger and its journal live.
//
// One interface, several databases: SQLite is the embedded default (sqlite_store.h); a shared
// PostgreSQL server is to follow behind the same interface. Every change goes through a
// StoreTransaction, and every change writes its journal entry in that same transaction, so the
// ledger and its evidence can never disagree. A Store is used from one thread at a time; open one
// per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/date.h"
#include "core/result.h"
#include "ledger/records.h"
#include "store/journal.h"

namespace squeaky {

enum class WriteOutcome { kCreated, kUpdated, kUnchanged };

// A unit of work. Destroying it without a successful commit() rolls everything back.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  // Creates the record, or updates the fields an import owns when they differ (a customer's
  // contact consent and opt-out flags, and an invoice's dispute, are kept), and journals the
  // change as `actor` with kind "<record>.created" or "<record>.updated". An unchanged record
  // writes nothing.
  virtual Result<WriteOutcome> put_customer(const Customer& customer, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_invoice(const Invoice& invoice, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_payment(const Payment& payment, std::string_view actor) = 0;
  virtual Result<WriteOutcome> put_credit(const Credit& credit, std::string_view actor) = 0;

  virtual Result<std::optional<Invoice>> find_invoice(std::string_view id) = 0;
  // Whether the customer has any invoice, payment or credit.
  virtual Result<bool> customer_has_records(std::string_view customer_id) = 0;

  virtual Status commit() = 0;
};

// The journal's last entry as recorded at the last commit.
struct JournalHead {
  int64_t seq = 0;
  std::string hash{kGenesisHash};
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::unique_ptr<StoreTransaction>> begin() = 0;

  // Every customer's id and currency.
  virtual Result<std::unordered_map<std::string, Currency>> customer_currencies() = 0;
  virtual Result<std::optional<CustomerLedger>> customer_ledger(std::string_view customer_id) = 0;
  // Visits every customer with its records, in customer id order. Stops at the first failure.
  virtual Status for_each_customer_ledger(const std::function<Status(const CustomerLedger&)>& visit) = 0;

  // Visits the journal in stored sequence order. Stops at the first failure.
  virtual Status for_each_journal_entry(const std::function<Status(const JournalEntry&)>& visit) = 0;
  virtual Result<JournalHead> journal_head() = 0;
};

enum class OpenMode { kCreateIfMissing, kMustExist };

}  // namespace squeaky
