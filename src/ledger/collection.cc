#include "ledger/collection.h"

#include "core/names.h"

namespace squeaky {

std::string_view to_string(StepStatus status) { return status == StepStatus::kFired ? "fired" : "skipped"; }

std::string_view to_string(HoldKind kind) { return kind == HoldKind::kHardship ? "hardship" : "manual"; }

namespace {

constexpr NameTable<StopFlag, 3> kStopFlags{{
    {"bankruptcy", StopFlag::kBankruptcy},
    {"deceased", StopFlag::kDeceased},
    {"cease-communication", StopFlag::kCeaseCommunication},
}};

constexpr NameTable<CallOutcome, 9> kOutcomes{{
    {"promise", CallOutcome::kPromise},
    {"paid", CallOutcome::kPaid},
    {"dispute", CallOutcome::kDispute},
    {"hardship", CallOutcome::kHardship},
    {"wrong-number", CallOutcome::kWrongNumber},
    {"no-answer", CallOutcome::kNoAnswer},
    {"left-message", CallOutcome::kLeftMessage},
    {"refused", CallOutcome::kRefused},
    {"no-connection", CallOutcome::kNoConnection},
}};

}  // namespace

std::string_view to_string(StopFlag flag) { return name_of(kStopFlags, flag); }
std::optional<StopFlag> parse_stop_flag(std::string_view text) { return value_named(kStopFlags, text); }
std::string_view to_string(CallOutcome outcome) { return name_of(kOutcomes, outcome); }
std::optional<CallOutcome> parse_call_outcome(std::string_view text) { return value_named(kOutcomes, text); }

bool is_conversation(CallOutcome outcome) {
  return outcome == CallOutcome::kPromise || outcome == CallOutcome::kPaid || outcome == CallOutcome::kDispute ||
         outcome == CallOutcome::kHardship || outcome == CallOutcome::kRefused;
}

bool counts_as_attempt(CallOutcome outcome) { return outcome != CallOutcome::kNoConnection; }

const StepRecord* Episode::find(std::string_view step) const {
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->step == step) return &*it;
  }
  return nullptr;
}

}  // namespace squeaky
