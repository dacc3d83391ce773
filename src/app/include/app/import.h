// Import: bring customers, invoices, payments or credits from a CSV file into the ledger.
//
// All or nothing: every row is checked (its fields, then against the ledger: a known customer,
// the customer's currency, an invoice that exists, an id not already used earlier in the file),
// and if any row is bad nothing is written and every bad row is reported as
// "FILE:LINE: column 'due_date': '2026-02-30' is not a date". Otherwise new records are created,
// changed ones updated, identical ones left alone, each change journaled with the actor
// "import FILE:LINE", in one transaction. Importing the same file again changes nothing.
// Not thread-safe with respect to `store`.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "io/ledger_csv.h"
#include "store/store.h"

namespace squeaky {

struct ImportOptions {
  bool dry_run = false;  // check everything, write nothing
  // Called now and then with the bytes read so far, the file's size and the rows read.
  std::function<void(size_t done, size_t total, size_t rows)> progress;
  // How the file is named in the errors and the journal; default: its path. The server names an
  // uploaded body "invoices.csv" rather than the temporary file that holds it.
  std::string name;
  // Who imports, when not the person at the command line: the journal's actor becomes
  // "import FILE:LINE by user alice" rather than "import FILE:LINE".
  std::string by;
  // When not empty, the journal's actor of every row, as it is ("user alice": records the API
  // was sent one by one rather than a file).
  std::string actor;
};

struct ImportReport {
  std::string file;
  RecordKind kind = RecordKind::kCustomers;
  size_t rows = 0;
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  std::vector<std::string> ignored_columns;
  std::vector<std::string> errors;  // "FILE:LINE: ..." in line order; non-empty means nothing was written
  bool written = false;             // the changes were committed
};

// Fails (rather than reporting row errors) only when the file cannot be read or the store fails.
Result<ImportReport> import_csv(Store& store, RecordKind kind, const std::string& path, const ImportOptions& options);

// The same for CSV text already in memory (an upload, or records the API was sent), named
// options.name in the errors and the journal.
Result<ImportReport> import_text(Store& store, RecordKind kind, std::string_view text, const ImportOptions& options);

}  // namespace squeaky
