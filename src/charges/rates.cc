#include "charges/rates.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace squeaky {

Result<RateOnDay> RateTable::rate_on(Date day) const {
  const std::string which = "rate table '" + name + "'" + (file.empty() ? "" : " (" + file + ")");
  if (changes.empty() || day < changes.front().effective) {
    return Status::invalid(which + " has no rate for " + day.to_string() + ": its first entry is " +
                           (changes.empty() ? std::string("missing") : changes.front().effective.to_string()));
  }
  if (day > complete_through) {
    return Status::invalid(which + " is complete only through " + complete_through.to_string() + "; the rate on " +
                           day.to_string() + " is needed: add the changes since then (docs/charges.md)");
  }
  // The last change effective on or before `day`.
  auto it = std::upper_bound(changes.begin(), changes.end(), day,
                             [](Date d, const RateChange& c) { return d < c.effective; });
  --it;
  return RateOnDay{day, it->basis_points, it->effective, it->source};
}

void RateTables::put(RateTable table) {
  std::string name = table.name;
  tables_.insert_or_assign(std::move(name), std::move(table));
}

Status RateTables::load(std::string_view toml_text, std::string_view source_name) {
  Result<RateTable> table = parse_rate_table(toml_text, source_name);
  if (!table) return table.status();
  put(std::move(table).value());
  return Status::ok();
}

const RateTable* RateTables::find(std::string_view name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

Result<RateOnDay> RateTables::rate_on(std::string_view name, Date day) const {
  const RateTable* table = find(name);
  if (table == nullptr) return Status::not_found("no rate table '" + std::string(name) + "' is loaded");
  return table->rate_on(day);
}

std::vector<std::string> RateTables::names() const {
  std::vector<std::string> out;
  for (const auto& [name, table] : tables_) out.push_back(name);
  return out;
}

const RateTables& shipped_rate_tables() {
  static const RateTables tables = [] {
    RateTables out;
    for (const ShippedRateFile& file : shipped_rate_files()) {
      const Status status = out.load(file.text, file.path);
      if (!status.is_ok()) {
        // The files are compiled in and tested: an invalid one is a bug in this build.
        std::fprintf(stderr, "squeaky: the built-in %.*s is invalid:\n%s\n", static_cast<int>(file.path.size()),
                     file.path.data(), status.message().c_str());
        std::abort();
      }
    }
    return out;
  }();
  return tables;
}

}  // namespace squeaky
