#include "policy/plan.h"

#include "core/names.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace squeaky {
namespace {

constexpr NameTable<Channel, 4> kChannels{{
    {"email", Channel::kEmail},
    {"letter", Channel::kLetter},
    {"call", Channel::kCall},
    {"agency", Channel::kAgency},
}};

// The threshold of `rule` for `currency`, in major units, or nullopt when the rule sets none for
// it (then a rule that names any threshold does not match; see PlanRule).
std::optional<int64_t> threshold_for(const PlanRule& rule, const Currency& currency) {
  if (currency.is_set()) {
    auto it = rule.min_overdue_by_currency.find(currency.code());
    if (it != rule.min_overdue_by_currency.end()) return it->second;
  }
  return rule.min_overdue;
}

// overdue >= threshold major units, compared exactly in minor units. A threshold too large to
// express in 64 bits of minor units is more than any amount can be.
bool at_least(Money overdue, int64_t threshold_major, int minor_digits) {
  if (threshold_major <= 0) return overdue.minor_units() >= threshold_major;
  int64_t scale = 1;
  for (int i = 0; i < minor_digits; ++i) scale *= 10;
  if (threshold_major > std::numeric_limits<int64_t>::max() / scale) return false;
  return overdue.minor_units() >= threshold_major * scale;
}

bool has_overdue_condition(const PlanRule& rule) {
  return rule.min_overdue.has_value() || !rule.min_overdue_by_currency.empty();
}

bool matches(const PlanRule& rule, const Customer& customer, Money overdue) {
  if (rule.kind && *rule.kind != customer.kind) return false;
  if (!rule.segment.empty() && rule.segment != customer.segment) return false;
  if (has_overdue_condition(rule)) {
    const Currency currency = overdue.currency().is_set() ? overdue.currency() : customer.currency;
    const std::optional<int64_t> threshold = threshold_for(rule, currency);
    if (!threshold) return false;
    if (!at_least(overdue, *threshold, currency.minor_digits())) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Channel channel) { return name_of(kChannels, channel); }

std::optional<Channel> parse_channel(std::string_view text) { return value_named(kChannels, text); }

const PlanStep* Plan::find_step(std::string_view step) const {
  for (const PlanStep& s : steps) {
    if (s.name == step) return &s;
  }
  return nullptr;
}

int Plan::index_of(std::string_view step) const {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].name == step) return static_cast<int>(i);
  }
  return -1;
}

const Plan* PlanSet::find(std::string_view name) const {
  for (const Plan& p : plans) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const Plan& PlanSet::choose(const Customer& customer, Money overdue) const {
  if (!customer.plan.empty()) {
    if (const Plan* p = find(customer.plan)) return *p;
  }
  for (const PlanRule& rule : rules) {
    if (!matches(rule, customer, overdue)) continue;
    if (const Plan* p = find(rule.plan)) return *p;
  }
  if (const Plan* p = find(default_plan)) return *p;
  // parse_plan_set() never returns a set without its default plan: reaching here is a bug.
  std::fprintf(stderr, "squeaky: plan set has no default plan '%s'\n", default_plan.c_str());
  std::abort();
}

}  // namespace squeaky
