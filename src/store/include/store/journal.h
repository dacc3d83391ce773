// The journal: the append-only, hash-chained record of every change to the ledger.
//
// Entry n's hash is SHA-256 over its sequence number, UTC time, customer, actor, kind, payload and the hash
// of entry n-1 (the first entry chains to 64 zeros). Changing, removing or reordering any entry
// breaks every hash after it, so `squeaky verify` can name the first entry that no longer fits.
// Payloads are canonical JSON: keys sorted, no white space, so the same change always hashes the
// same. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"

namespace squeaky {

struct JournalEntry {
  int64_t seq = 0;          // 1, 2, 3, ... with no gaps
  Timestamp at;             // when it was written, UTC
  std::string customer_id;  // the customer it concerns; "" for none in particular
  std::string actor;        // "user alice", "import invoices.csv:12", "run 2026-03-31"
  std::string kind;         // "invoice.created", "invoice.updated", ...
  std::string payload;      // canonical JSON
  std::string prev_hash;    // hex SHA-256 of the previous entry
  std::string hash;         // hex SHA-256 of this one
};

inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

// The hash `entry` should have given its other fields.
std::string journal_entry_hash(const JournalEntry& entry);

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Builds a canonical JSON object: keys sorted by byte, no white space. Values are strings,
// integers, booleans, or JSON already in canonical form (add_raw). A key given twice is a bug.
class CanonicalJson {
 public:
  CanonicalJson& add(std::string_view key, std::string_view value);
  CanonicalJson& add(std::string_view key, int64_t value);
  CanonicalJson& add(std::string_view key, bool value);
  CanonicalJson& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  CanonicalJson& add_raw(std::string_view key, std::string_view json);
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // key, JSON value
};

// Appends `value` to `out` as a JSON string literal.
void append_json_string(std::string& out, std::string_view value);

// One named field of a record as it appears in the journal.
using RecordField = std::pair<std::string_view, std::string>;

}  // namespace squeaky
