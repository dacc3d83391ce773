// A ledger's four CSV files (customers, invoices, payments, credits) imported in that order, as a
// user would: for tests above the app layer's importer. Test code only.
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "app/import.h"
#include "store/store.h"

namespace squeaky::testing {

// Imports DIR/customers.csv, invoices.csv, payments.csv and credits.csv; fails on the first file
// that cannot be read or has a bad row, naming it.
inline Status import_ledger_files(Store& store, const std::filesystem::path& dir) {
  for (auto [kind, file] : {std::pair{RecordKind::kCustomers, "customers.csv"},
                            {RecordKind::kInvoices, "invoices.csv"},
                            {RecordKind::kPayments, "payments.csv"},
                            {RecordKind::kCredits, "credits.csv"}}) {
    auto report = import_csv(store, kind, (dir / file).string(), {});
    if (!report) return report.status();
    if (!report->errors.empty()) return Status::invalid(report->errors.front());
    if (!report->written) return Status::invalid(std::string(file) + " was not written");
  }
  return Status::ok();
}

}  // namespace squeaky::testing
