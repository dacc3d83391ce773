// Reading plan files (docs/plans.md). toml++ is confined to this file: its headers are heavy, and
// nothing outside needs to know how a plan set was written down.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

#include "policy/plan.h"

namespace squeaky {
namespace {

// Days beyond a hundred years are a typo, and keeping every count this small means the planner's
// date arithmetic cannot overflow.
constexpr int64_t kMaxDays = 36500;

using Line = int64_t;

Line line_of(const toml::node& node) { return static_cast<Line>(node.source().begin.line); }
Line line_of(const toml::key& key) { return static_cast<Line>(key.source().begin.line); }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// "a string 'three'", "a whole number 3", "a table": what a node is, for messages about a value
// of the wrong type.
std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string " + quoted(node.as_string()->get());
    case toml::node_type::integer: return "a whole number " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      std::ostringstream out;
      out << *node.as_floating_point();
      return "a decimal number " + out.str();
    }
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
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A name that points at a plan, checked once every plan has been read.
struct PlanReference {
  Line line;
  std::string key;
  std::string plan;
};

class PlanFileReader {
 public:
  explicit PlanFileReader(std::string_view source) : source_(source) {}

  Result<PlanSet> read(const toml::table& root) {
    check_keys(root, {"default_plan", "plan", "rule"}, "",
               " (the top level holds 'default_plan', [[plan]] and [[rule]])");
    read_plans(root);
    read_rules(root);
    read_default_plan(root);
    check_references();
    if (!errors_.empty()) return Status::invalid(joined_errors());
    return std::move(set_);
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

  // Unknown keys are errors: a misspelt key must not silently leave a default in place.
  void check_keys(const toml::table& table, std::initializer_list<std::string_view> allowed, std::string_view where,
                  std::string_view hint = "") {
    for (const auto& [key, node] : table) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      std::string message = "unknown key " + quoted(key.str());
      if (!where.empty()) message += " in " + std::string(where);
      error(line_of(key), message + std::string(hint));
    }
  }

  void wrong_type(const toml::node& node, std::string_view key, std::string_view expected) {
    error(line_of(node), "key " + quoted(key) + ": expected " + std::string(expected) + ", found " + describe(node));
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

  // A whole number in [0, max]; `unit` completes "is more than <max> <unit>".
  std::optional<int64_t> get_count(const toml::node& node, std::string_view key, int64_t max, std::string_view unit) {
    if (!node.is_integer()) {
      wrong_type(node, key, "a whole number");
      return std::nullopt;
    }
    const int64_t value = node.as_integer()->get();
    if (value < 0) {
      error(line_of(node), "key " + quoted(key) + ": " + std::to_string(value) + " is negative");
      return std::nullopt;
    }
    if (value > max) {
      error(line_of(node), "key " + quoted(key) + ": " + std::to_string(value) + " is more than " +
                               std::to_string(max) + std::string(unit));
      return std::nullopt;
    }
    return value;
  }

  std::optional<int> get_days(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    auto days = get_count(*node, key, kMaxDays, " days");
    if (!days) return std::nullopt;
    return static_cast<int>(*days);
  }

  // A name (of a plan or a step): required, letters, digits, '-' and '_' so that it can appear in
  // journal entries, idempotency keys and command lines unquoted.
  std::optional<std::string> get_name(const toml::table& table, std::string_view what) {
    const toml::node* node = table.get("name");
    if (node == nullptr) {
      error(line_of(table), std::string(what) + " has no key 'name'");
      return std::nullopt;
    }
    auto name = get_string(table, "name");
    if (!name) return std::nullopt;
    if (!is_valid_name(*name)) {
      error(line_of(*node),
            "key 'name': " + quoted(*name) + " is not a name (use letters, digits, '-' and '_', no spaces)");
      return std::nullopt;
    }
    return name;
  }

  // Amounts per currency: { GBP = "25.00", JPY = "3000" }, each exact in its currency.
  std::map<std::string, Money, std::less<>> get_amounts(const toml::table& table, std::string_view key) {
    std::map<std::string, Money, std::less<>> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::table* amounts = node->as_table();
    if (amounts == nullptr) {
      wrong_type(*node, key, "a table of amounts by currency (as { USD = \"25.00\" })");
      return out;
    }
    for (const auto& [code, value] : *amounts) {
      auto currency = Currency::from_code(code.str());
      if (!currency) {
        error(line_of(code), "key " + quoted(key) + ": " + quoted(code.str()) + " is not an ISO 4217 currency code");
        continue;
      }
      if (!value.is_string()) {
        wrong_type(value, std::string(key) + "." + std::string(code.str()), "an amount as a string (\"25.00\")");
        continue;
      }
      auto amount = Money::parse(value.as_string()->get(), *currency);
      if (!amount || amount->is_negative()) {
        error(line_of(value), "key " + quoted(std::string(key) + "." + std::string(code.str())) + ": " +
                                  quoted(value.as_string()->get()) + " " +
                                  (amount ? std::string("is negative") : amount.status().message()));
        continue;
      }
      out.emplace(std::string(code.str()), *amount);
    }
    return out;
  }

  // "1.5" -> 150 basis points; at most two decimals, from 0 to 100.
  static std::optional<int64_t> percent_basis_points(std::string_view text) {
    int64_t whole = 0;
    int64_t fraction = 0;
    int fraction_digits = -1;
    if (text.empty()) return std::nullopt;
    for (char c : text) {
      if (c == '.' && fraction_digits < 0) {
        fraction_digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (fraction_digits < 0) {
          whole = whole * 10 + (c - '0');
          if (whole > 100) return std::nullopt;
        } else {
          if (++fraction_digits > 2) return std::nullopt;
          fraction = fraction * 10 + (c - '0');
        }
      } else {
        return std::nullopt;
      }
    }
    if (fraction_digits == 0) return std::nullopt;  // "1."
    if (fraction_digits == 1) fraction *= 10;
    const int64_t bp = whole * 100 + fraction;
    return bp <= 10000 ? std::optional<int64_t>(bp) : std::nullopt;
  }

  // The tables of an array-of-tables key such as [[plan]]; an error for anything else.
  std::vector<const toml::table*> get_tables(const toml::table& table, std::string_view key, std::string_view header) {
    std::vector<const toml::table*> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      wrong_type(*node, key, "an array of tables (" + std::string(header) + ")");
      return out;
    }
    for (const toml::node& element : *array) {
      if (const toml::table* t = element.as_table()) {
        out.push_back(t);
      } else {
        wrong_type(element, key, "a table (" + std::string(header) + ")");
      }
    }
    return out;
  }

  void read_plans(const toml::table& root) {
    std::map<std::string, Line, std::less<>> first_line;
    for (const toml::table* table : get_tables(root, "plan", "[[plan]]")) {
      Plan plan;
      std::optional<std::string> name = get_name(*table, "plan");
      if (name) plan.name = *name;
      const std::string where = name ? "plan " + quoted(*name) : "a plan without a name";
      check_keys(*table,
                 {"name", "description", "payment_grace_days", "conversation_grace_days", "promise_grace_days",
                  "instalment_grace_days", "hardship_pause_days", "hardship_plan", "fees_on_consumers", "step"},
                 where);
      if (name) {
        const Line line = line_of(*table->get("name"));
        auto [it, inserted] = first_line.emplace(*name, line);
        if (!inserted) {
          error(line, "plan " + quoted(*name) + " is defined twice (first at line " + std::to_string(it->second) + ")");
        }
      }
      if (auto d = get_string(*table, "description")) plan.description = *d;
      if (auto v = get_days(*table, "payment_grace_days")) plan.payment_grace_days = *v;
      if (auto v = get_days(*table, "conversation_grace_days")) plan.conversation_grace_days = *v;
      if (auto v = get_days(*table, "promise_grace_days")) plan.promise_grace_days = *v;
      if (auto v = get_days(*table, "instalment_grace_days")) plan.instalment_grace_days = *v;
      if (auto v = get_days(*table, "hardship_pause_days")) plan.hardship_pause_days = *v;
      if (auto h = get_string(*table, "hardship_plan")) {
        plan.hardship_plan = *h;
        if (!h->empty()) references_.push_back({line_of(*table->get("hardship_plan")), "hardship_plan", *h});
      }
      if (const toml::node* node = table->get("fees_on_consumers")) {
        if (node->is_boolean()) {
          plan.fees_on_consumers = node->as_boolean()->get();
        } else {
          wrong_type(*node, "fees_on_consumers", "true or false");
        }
      }
      read_steps(*table, plan);
      set_.plans.push_back(std::move(plan));
    }
  }

  void read_steps(const toml::table& plan_table, Plan& plan) {
    std::map<std::string, Line, std::less<>> first_line;
    const std::vector<const toml::table*> tables = get_tables(plan_table, "step", "[[plan.step]]");
    for (size_t i = 0; i < tables.size(); ++i) {
      const toml::table& table = *tables[i];
      PlanStep step;
      std::optional<std::string> name = get_name(table, "step");
      if (name) step.name = *name;
      const std::string where =
          name ? "step " + quoted(*name) : "step " + std::to_string(i + 1) + " of plan " + quoted(plan.name);
      check_keys(table,
                 {"name", "description", "channels", "days_past_due", "after", "days_after", "latest_days_past_due",
                  "agency", "threatens_suit", "fee", "fee_percent", "fee_max"},
                 where);
      if (name) {
        const Line line = line_of(*table.get("name"));
        auto [it, inserted] = first_line.emplace(*name, line);
        if (!inserted) {
          error(line, "step " + quoted(*name) + " is defined twice in plan " + quoted(plan.name) + " (first at line " +
                          std::to_string(it->second) + ")");
        }
      }
      if (auto d = get_string(table, "description")) step.description = *d;
      read_channels(table, where, step);

      step.days_past_due = get_days(table, "days_past_due");
      if (auto after = get_string(table, "after")) {
        step.after = *after;
        // Only an earlier step: the ladder runs in order, so a later one would never have fired.
        const bool earlier =
            std::any_of(plan.steps.begin(), plan.steps.end(), [&](const PlanStep& s) { return s.name == *after; });
        if (!earlier) {
          error(line_of(*table.get("after")),
                "key 'after': " + quoted(*after) + " is not an earlier step of plan " + quoted(plan.name));
        }
      }
      if (auto days_after = get_days(table, "days_after")) step.days_after = *days_after;
      if (table.contains("days_after") && !table.contains("after")) {
        error(line_of(*table.get("days_after")), "key 'days_after' needs key 'after' (the step it counts from)");
      }
      if (!table.contains("days_past_due") && !table.contains("after")) {
        error(line_of(table), where + " has neither 'days_past_due' nor 'after'");
      }
      step.latest_days_past_due = get_days(table, "latest_days_past_due");
      if (step.latest_days_past_due && step.days_past_due && *step.latest_days_past_due < *step.days_past_due) {
        error(line_of(*table.get("latest_days_past_due")),
              "key 'latest_days_past_due': " + std::to_string(*step.latest_days_past_due) +
                  " is less than days_past_due " + std::to_string(*step.days_past_due));
      }

      const bool to_agency =
          std::find(step.channels.begin(), step.channels.end(), Channel::kAgency) != step.channels.end();
      if (auto agency = get_string(table, "agency")) {
        step.agency = *agency;
        const Line line = line_of(*table.get("agency"));
        if (!to_agency) {
          error(line, "key 'agency' is only for a step with channel 'agency'");
        } else if (agency->empty()) {
          error(line, "key 'agency' is empty; name who receives the account");
        }
      } else if (to_agency && !table.contains("agency")) {
        error(line_of(table), where + " has channel 'agency' but no key 'agency' (who receives the account)");
      }
      step.fee = get_amounts(table, "fee");
      step.fee_max = get_amounts(table, "fee_max");
      if (auto percent = get_string(table, "fee_percent")) {
        if (auto bp = percent_basis_points(*percent)) {
          step.fee_percent_bp = *bp;
        } else {
          error(line_of(*table.get("fee_percent")),
                "key 'fee_percent': " + quoted(*percent) +
                    " is not a percentage from 0 to 100 with at most two decimals (as \"1.5\")");
        }
      }
      if (const toml::node* node = table.get("threatens_suit")) {
        if (node->is_boolean()) {
          step.threatens_suit = node->as_boolean()->get();
        } else {
          wrong_type(*node, "threatens_suit", "true or false");
        }
      }
      plan.steps.push_back(std::move(step));
    }
  }

  // `channels = ["letter", "email"]`, or one channel as a plain string.
  void read_channels(const toml::table& table, std::string_view where, PlanStep& step) {
    const toml::node* node = table.get("channels");
    if (node == nullptr) {
      error(line_of(table), std::string(where) + " has no key 'channels'");
      return;
    }
    std::vector<const toml::node*> items;
    if (const toml::array* array = node->as_array()) {
      for (const toml::node& item : *array) items.push_back(&item);
      if (items.empty()) error(line_of(*node), "key 'channels' is empty");
    } else {
      items.push_back(node);
    }
    for (const toml::node* item : items) {
      if (!item->is_string()) {
        wrong_type(*item, "channels", "a string");
        continue;
      }
      const std::string& text = item->as_string()->get();
      std::optional<Channel> channel = parse_channel(text);
      if (!channel) {
        error(line_of(*item), "key 'channels': " + quoted(text) + " is not a channel (email, letter, call, agency)");
      } else if (std::find(step.channels.begin(), step.channels.end(), *channel) != step.channels.end()) {
        error(line_of(*item), "key 'channels': " + quoted(text) + " is listed twice");
      } else {
        step.channels.push_back(*channel);
      }
    }
  }

  void read_rules(const toml::table& root) {
    const std::vector<const toml::table*> tables = get_tables(root, "rule", "[[rule]]");
    for (size_t i = 0; i < tables.size(); ++i) {
      const toml::table& table = *tables[i];
      const std::string where = "rule " + std::to_string(i + 1);
      check_keys(table, {"plan", "kind", "segment", "min_overdue", "min_overdue_by_currency"}, where);
      PlanRule rule;
      if (auto plan = get_string(table, "plan")) {
        rule.plan = *plan;
        references_.push_back({line_of(*table.get("plan")), "plan", *plan});
      } else if (!table.contains("plan")) {
        error(line_of(table), where + " has no key 'plan'");
      }
      if (auto kind = get_string(table, "kind")) {
        rule.kind = parse_customer_kind(*kind);
        if (!rule.kind) {
          error(line_of(*table.get("kind")),
                "key 'kind': " + quoted(*kind) + " is not a customer kind (business, consumer)");
        }
      }
      if (auto segment = get_string(table, "segment")) rule.segment = *segment;
      if (const toml::node* node = table.get("min_overdue")) {
        rule.min_overdue = get_count(*node, "min_overdue", std::numeric_limits<int64_t>::max(), "");
      }
      if (const toml::node* node = table.get("min_overdue_by_currency")) read_thresholds(*node, rule);
      set_.rules.push_back(std::move(rule));
    }
  }

  // min_overdue_by_currency = { JPY = 1_500_000, KRW = 13_000_000 }
  void read_thresholds(const toml::node& node, PlanRule& rule) {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      wrong_type(node, "min_overdue_by_currency", "a table of currency = amount");
      return;
    }
    for (const auto& [key, value] : *table) {
      const std::string code(key.str());
      if (!Currency::from_code(code)) {
        error(line_of(key), "key 'min_overdue_by_currency': " + quoted(code) + " is not an ISO 4217 currency code");
        continue;
      }
      if (auto amount = get_count(value, "min_overdue_by_currency." + code, std::numeric_limits<int64_t>::max(), "")) {
        rule.min_overdue_by_currency[code] = *amount;
      }
    }
  }

  void read_default_plan(const toml::table& root) {
    if (!root.contains("default_plan")) {
      error(1, "key 'default_plan' is missing: it names the plan for customers no rule chooses");
      return;
    }
    if (auto name = get_string(root, "default_plan")) {
      set_.default_plan = *name;
      references_.push_back({line_of(*root.get("default_plan")), "default_plan", *name});
    }
  }

  void check_references() {
    for (const PlanReference& ref : references_) {
      if (set_.find(ref.plan) == nullptr)
        error(ref.line, "key " + quoted(ref.key) + ": unknown plan " + quoted(ref.plan));
    }
  }

  std::string source_;
  PlanSet set_;
  std::vector<PlanReference> references_;
  std::vector<std::pair<Line, std::string>> errors_;
};

}  // namespace

Result<PlanSet> parse_plan_set(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    std::string description(e.description());
    if (!description.empty() && description[0] >= 'A' && description[0] <= 'Z') description[0] += 'a' - 'A';
    return Status::invalid(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": invalid TOML: " + description);
  }
  return PlanFileReader(source_name).read(root);
}

const PlanSet& default_plan_set() {
  static const PlanSet set = [] {
    Result<PlanSet> parsed = parse_plan_set(default_plan_toml(), "plans/default.toml");
    if (!parsed) {
      // The file is compiled in and tested: an invalid one is a bug in this build.
      std::fprintf(stderr, "squeaky: the built-in plans/default.toml is invalid:\n%s\n",
                   parsed.status().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return set;
}

}  // namespace squeaky
