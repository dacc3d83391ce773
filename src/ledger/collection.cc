#include "ledger/collection.h"

#include <utility>

namespace squeaky {

std::string_view to_string(StepStatus status) { return status == StepStatus::kFired ? "fired" : "skipped"; }

std::string_view to_string(HoldKind kind) { return kind == HoldKind::kHardship ? "hardship" : "manual"; }

std::string_view to_string(StopFlag flag) {
  switch (flag) {
    case StopFlag::kBankruptcy: return "bankruptcy";
    case StopFlag::kDeceased: return "deceased";
    case StopFlag::kCeaseCommunication: return "cease-communication";
  }
  return "?";
}

std::optional<StopFlag> parse_stop_flag(std::string_view text) {
  for (StopFlag f : {StopFlag::kBankruptcy, StopFlag::kDeceased, StopFlag::kCeaseCommunication}) {
    if (to_string(f) == text) return f;
  }
  return std::nullopt;
}

namespace {
constexpr std::pair<CallOutcome, std::string_view> kOutcomes[] = {
    {CallOutcome::kPromise, "promise"},          {CallOutcome::kPaid, "paid"},
    {CallOutcome::kDispute, "dispute"},          {CallOutcome::kHardship, "hardship"},
    {CallOutcome::kWrongNumber, "wrong-number"}, {CallOutcome::kNoAnswer, "no-answer"},
    {CallOutcome::kLeftMessage, "left-message"}, {CallOutcome::kRefused, "refused"},
};
}  // namespace

std::string_view to_string(CallOutcome outcome) {
  for (const auto& [o, name] : kOutcomes) {
    if (o == outcome) return name;
  }
  return "?";
}

std::optional<CallOutcome> parse_call_outcome(std::string_view text) {
  for (const auto& [o, name] : kOutcomes) {
    if (name == text) return o;
  }
  return std::nullopt;
}

bool is_conversation(CallOutcome outcome) {
  return outcome == CallOutcome::kPromise || outcome == CallOutcome::kPaid || outcome == CallOutcome::kDispute ||
         outcome == CallOutcome::kHardship || outcome == CallOutcome::kRefused;
}

const StepRecord* Episode::find(std::string_view step) const {
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->step == step) return &*it;
  }
  return nullptr;
}

}  // namespace squeaky
