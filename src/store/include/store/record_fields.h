// How ledger records appear in the journal: their import-owned fields as named strings, in
// ascending name order so that they form canonical JSON. Shared by every Store implementation,
// so SQLite and PostgreSQL journal the same bytes for the same change. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/records.h"
#include "store/journal.h"

namespace squeaky {

std::vector<RecordField> record_fields(const Customer& customer);
std::vector<RecordField> record_fields(const Invoice& invoice);
std::vector<RecordField> record_fields(const Payment& payment);
std::vector<RecordField> record_fields(const Credit& credit);

// {"amount":"10.00",...}: the payload of a "<record>.created" entry.
std::string created_payload(const std::vector<RecordField>& fields);
// {"changes":{"amount":["10.00","12.00"]},"id":"INV-1"}: the payload of a "<record>.updated"
// entry, or "" when nothing differs. REQUIRES: both lists describe the same kind of record.
std::string updated_payload(const std::vector<RecordField>& before, const std::vector<RecordField>& after);

// The customer a record left, when `payload` is that of an update that moved it to another
// customer ({"changes":{"customer_id":["C1","C2"],...},...} gives "C1"); nothing otherwise.
std::optional<std::string> moved_from_customer(std::string_view payload);

}  // namespace squeaky
