// Reading rate-table files (docs/charges.md). toml++ is confined to this file.
#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <utility>

#include "charges/arithmetic.h"
#include "charges/rates.h"

namespace squeaky {
namespace {

using Line = int64_t;

Line line_of(const toml::node& node) { return static_cast<Line>(node.source().begin.line); }
Line line_of(const toml::key& key) { return static_cast<Line>(key.source().begin.line); }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// What a node is, for messages about a value of the wrong type: "a string '5.25'".
std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string " + quoted(node.as_string()->get());
    case toml::node_type::integer: return "a whole number " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: return "a decimal number";
    case toml::node_type::boolean: return node.as_boolean()->get() ? "a boolean true" : "a boolean false";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

bool is_valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

class RateFileReader {
 public:
  explicit RateFileReader(std::string_view source) : source_(source) {}

  Result<RateTable> read(const toml::table& root) {
    table_.file = source_;
    check_keys(root, {"name", "description", "complete_through", "complete_through_source", "rate"}, "");
    if (auto name = required_string(root, "name")) {
      if (is_valid_name(*name)) {
        table_.name = *name;
      } else {
        error(line_of(*root.get("name")),
              "key 'name': " + quoted(*name) + " is not a name (use letters, digits, '-' and '_', no spaces)");
      }
    }
    if (root.get("description") != nullptr) {
      if (auto d = get_string(root, "description")) table_.description = *d;
    }
    if (auto through = required_date(root, "complete_through")) {
      table_.complete_through = *through;
      complete_through_read_ = true;
    }
    if (auto s = required_string(root, "complete_through_source")) table_.complete_through_source = *s;
    read_rates(root);
    if (!errors_.empty()) return Status::invalid(joined_errors());
    return std::move(table_);
  }

 private:
  void error(Line line, std::string message) {
    errors_.emplace_back(line, source_ + ":" + std::to_string(line) + ": " + std::move(message));
  }

  std::string joined_errors() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [line, message] : errors_) {
      if (!out.empty()) out += '\n';
      out += message;
    }
    return out;
  }

  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (const auto& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      error(line_of(key), "unknown key " + quoted(key.str()) + std::string(where));
    }
  }

  void wrong_type(const toml::node& node, std::string_view key, std::string_view expected) {
    error(line_of(node), "key " + quoted(key) + ": expected " + std::string(expected) + ", found " + describe(node));
  }

  void missing(const toml::table& table, std::string_view key, std::string_view where) {
    // The line of the table's header, or 1 for the top level.
    error(std::max<Line>(1, line_of(table)), "no key " + quoted(key) + std::string(where));
  }

  std::optional<std::string> get_string(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
      wrong_type(*node, key, "a string");
      return std::nullopt;
    }
    return node->as_string()->get();
  }

  std::optional<std::string> required_string(const toml::table& table, std::string_view key,
                                             std::string_view where = "") {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      missing(table, key, where);
      return std::nullopt;
    }
    auto value = get_string(table, key);
    if (value && value->empty()) {
      error(line_of(*node), "key " + quoted(key) + " is empty");
      return std::nullopt;
    }
    return value;
  }

  std::optional<Date> required_date(const toml::table& table, std::string_view key, std::string_view where = "") {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      missing(table, key, where);
      return std::nullopt;
    }
    const toml::value<toml::date>* date = node->as_date();
    if (date == nullptr) {
      wrong_type(*node, key, "a date (written 2025-08-07, without quotes)");
      return std::nullopt;
    }
    const toml::date& d = date->get();
    return Date::from_ymd(d.year, d.month, d.day);
  }

  void read_rates(const toml::table& root) {
    const toml::node* node = root.get("rate");
    if (node == nullptr) {
      missing(root, "rate", " (the table needs at least one [[rate]])");
      return;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || array->empty()) {
      wrong_type(*node, "rate", "an array of tables ([[rate]])");
      return;
    }
    for (const toml::node& element : *array) {
      const toml::table* table = element.as_table();
      if (table == nullptr) {
        wrong_type(element, "rate", "a table ([[rate]])");
        continue;
      }
      read_rate(*table);
    }
  }

  void read_rate(const toml::table& table) {
    const std::string where = " in the [[rate]] at line " + std::to_string(line_of(table));
    check_keys(table, {"effective", "rate_bp", "source"}, where);
    RateChange change;
    change.line = line_of(table);
    bool ok = true;
    if (auto effective = required_date(table, "effective", where)) {
      change.effective = *effective;
    } else {
      ok = false;
    }
    if (const toml::node* bp = table.get("rate_bp"); bp == nullptr) {
      missing(table, "rate_bp", where);
      ok = false;
    } else if (!bp->is_integer()) {
      wrong_type(*bp, "rate_bp", "a whole number of basis points (525 = 5.25%)");
      ok = false;
    } else if (const int64_t v = bp->as_integer()->get(); v < -kMaxBasisPoints || v > kMaxBasisPoints) {
      error(line_of(*bp), "key 'rate_bp': " + std::to_string(v) + " is outside -100000..100000 (basis points)");
      ok = false;
    } else {
      change.basis_points = v;
    }
    if (auto source = required_string(table, "source", where)) {
      change.source = *source;
    } else {
      ok = false;
    }
    if (!ok) return;

    const toml::node& effective_node = *table.get("effective");
    if (!table_.changes.empty() && change.effective <= table_.changes.back().effective) {
      error(line_of(effective_node), "key 'effective': " + change.effective.to_string() + " is not after " +
                                         table_.changes.back().effective.to_string() + " (line " +
                                         std::to_string(table_.changes.back().line) +
                                         "); list the changes oldest first, one per day");
      return;
    }
    if (complete_through_read_ && change.effective > table_.complete_through) {
      error(line_of(effective_node), "key 'effective': " + change.effective.to_string() +
                                         " is after complete_through " + table_.complete_through.to_string());
      return;
    }
    table_.changes.push_back(std::move(change));
  }

  std::string source_;
  RateTable table_;
  bool complete_through_read_ = false;
  std::vector<std::pair<Line, std::string>> errors_;
};

}  // namespace

Result<RateTable> parse_rate_table(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    std::string description(e.description());
    if (!description.empty() && description[0] >= 'A' && description[0] <= 'Z') description[0] += 'a' - 'A';
    return Status::invalid(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": invalid TOML: " + description);
  }
  return RateFileReader(source_name).read(root);
}

}  // namespace squeaky
