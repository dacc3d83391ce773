// Reading limitation tables (docs/compliance.md). toml++ is confined to this file.
#include <toml++/toml.h>

#include <string>

#include "guard/guard.h"

namespace squeaky {
namespace {

constexpr int kMaxYears = 100;

class LimitationReader {
 public:
  explicit LimitationReader(std::string_view source) : source_(source) {}

  Result<LimitationTable> read(const toml::table& root) {
    for (const auto& [key, node] : root) {
      if (key.str() != "limitation")
        fail(key.source().begin.line, key.str(),
             "is not a key of a limitation table (the file holds [[limitation]] entries)");
    }
    if (const auto* entries = root["limitation"].as_array()) {
      for (const auto& node : *entries) {
        if (const auto* entry = node.as_table()) {
          read_entry(*entry);
        } else {
          fail(node.source().begin.line, "limitation", "must be a table ([[limitation]])");
        }
      }
    } else if (root.contains("limitation")) {
      fail(root["limitation"].node()->source().begin.line, "limitation", "must be an array of tables ([[limitation]])");
    }
    if (!errors_.empty()) return Status::invalid(errors_);
    return std::move(table_);
  }

 private:
  void read_entry(const toml::table& entry) {
    Limitation limitation;
    const auto line = entry.source().begin.line;
    for (const auto& [key, node] : entry) {
      const auto name = key.str();
      const auto at = key.source().begin.line;
      if (name == "jurisdiction" || name == "kind" || name == "source") {
        const auto* text = node.as_string();
        if (text == nullptr) {
          fail(at, name, "must be a string");
          continue;
        }
        if (name == "jurisdiction") limitation.jurisdiction = text->get();
        if (name == "source") limitation.source = text->get();
        if (name == "kind") {
          limitation.kind = parse_customer_kind(text->get());
          if (!limitation.kind) fail(at, name, "'" + text->get() + "' is not business or consumer");
        }
      } else if (name == "years") {
        const auto* years = node.as_integer();
        if (years == nullptr || years->get() < 1 || years->get() > kMaxYears) {
          fail(at, name, "must be a whole number of years from 1 to " + std::to_string(kMaxYears));
          continue;
        }
        limitation.years = static_cast<int>(years->get());
      } else {
        fail(at, name, "is not a key of [[limitation]] (jurisdiction, kind, years, source)");
      }
    }
    if (limitation.jurisdiction.empty()) fail(line, "jurisdiction", "is missing (as \"US-NY\", \"GB\" or \"*\")");
    if (limitation.years == 0 && !entry.contains("years")) fail(line, "years", "is missing");
    table_.entries.push_back(std::move(limitation));
  }

  void fail(uint32_t line, std::string_view key, const std::string& what) {
    if (!errors_.empty()) errors_ += "\n";
    errors_ += std::string(source_) + ":" + std::to_string(line) + ": key '" + std::string(key) + "' " + what;
  }

  std::string_view source_;
  LimitationTable table_;
  std::string errors_;
};

}  // namespace

Result<LimitationTable> parse_limitation_table(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::invalid(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": invalid TOML: " + std::string(e.description()));
  }
  return LimitationReader(source_name).read(root);
}

const LimitationTable& default_limitation_table() {
  static const LimitationTable table = [] {
    auto parsed = parse_limitation_table(default_limitation_toml(), "compliance/limitations.toml");
    if (!parsed) {
      std::fprintf(stderr, "the shipped limitation table is invalid: %s\n", parsed.status().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return table;
}

}  // namespace squeaky
