// Dated reference-rate tables: the Bank of England base rate, the ECB main refinancing rate.
//
// A table lists every change of one rate, oldest first: from its effective day the rate is in
// force until the day before the next change. Each change names its source, and the table states
// the last day up to which it is known to be complete; asking for a later day is an error rather
// than a silent use of a stale rate. Tables are written in TOML (rates/*.toml, docs/charges.md); the
// shipped ones are compiled in, and a user's file replaces a shipped table of the same name.
// Values; thread-safe to share once built.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace squeaky {

struct RateChange {
  Date effective;            // in force from this day, inclusive
  int64_t basis_points = 0;  // 525 = 5.25%
  std::string source;        // where the value comes from; "unverified" when not checked yet
  int64_t line = 0;          // the line of the file it was read from (0 when not from a file)

  bool operator==(const RateChange&) const = default;
};

// The rate in force on one day, and where it came from.
struct RateOnDay {
  Date day;
  int64_t basis_points = 0;
  Date effective;  // the day that rate took effect
  std::string source;
};

struct RateTable {
  std::string name;                     // "boe-base": letters, digits, '-' and '_'
  std::string description;              // "Bank of England Bank Rate"
  std::string file;                     // where it was read: "rates/boe-base.toml"
  Date complete_through;                // every change up to and including this day is listed
  std::string complete_through_source;  // why we believe so
  std::vector<RateChange> changes;      // REQUIRES: not empty, effective dates strictly increasing

  // The rate in force on `day`: the last change effective on or before it. Fails (InvalidArgument)
  // for a day before the first change or after complete_through, naming the table and its file.
  Result<RateOnDay> rate_on(Date day) const;
};

// Parses one rate table (format: docs/charges.md). Every error is reported, one per line, as
// "<source_name>:<line>: <what is wrong>", naming the key and the value.
Result<RateTable> parse_rate_table(std::string_view toml_text, std::string_view source_name);

// Rate tables by name.
class RateTables {
 public:
  // Adds `table`, replacing a table of the same name (a user's file replaces the shipped one).
  void put(RateTable table);
  // Parses a table and puts it; on error nothing changes.
  Status load(std::string_view toml_text, std::string_view source_name);

  // nullptr when there is no table of that name.
  const RateTable* find(std::string_view name) const;
  // The rate of table `name` on `day`; NotFound for an unknown table, else as RateTable::rate_on.
  Result<RateOnDay> rate_on(std::string_view name, Date day) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, RateTable, std::less<>> tables_;
};

// One of the rates/*.toml files compiled into the program.
struct ShippedRateFile {
  std::string_view path;  // "rates/boe-base.toml"
  std::string_view text;
};
// The shipped files, as they were when the build was configured, in path order.
std::span<const ShippedRateFile> shipped_rate_files();
// The shipped tables, parsed once. Aborts with a message if a shipped file is invalid (a bug in
// this build: the files are tested).
const RateTables& shipped_rate_tables();

}  // namespace squeaky
