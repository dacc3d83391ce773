// Contractual fees: what a collection-plan step may add to an overdue account when the contract
// with the customer allows it (a late fee, an administration fee).
//
// A fee is a fixed amount, a percentage of the overdue amount, or both, optionally capped. The
// percentage is in basis points (150 = 1.5%) and its result is rounded once, to the minor unit, by
// the named rounding; the fixed part and the cap are exact. Consumer accounts are charged nothing
// unless the terms say the contract allows it: consumer-protection law restricts such fees, so
// squeaky never assumes they are allowed. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "charges/arithmetic.h"
#include "core/money.h"
#include "core/result.h"
#include "ledger/records.h"

namespace squeaky {

struct FeeTerms {
  std::optional<Money> fixed;    // a flat fee, in the account's currency
  int64_t percent_bp = 0;        // a share of the overdue amount, in basis points: 150 = 1.5%
  std::optional<Money> maximum;  // the most the fee may be, in the account's currency
  Rounding rounding = Rounding::kHalfUp;
  bool allowed_on_consumers = false;  // the contract with consumers allows this fee
};

struct FeeCharge {
  Money amount;  // zero when no fee applies
  // "GBP 25.00 fixed fee + 1.50% of GBP 1,000.00 overdue (GBP 15.00, rounded half-up) = GBP 40.00"
  std::string explanation;
};

// The fee `terms` give on `overdue` for a customer of `kind`. Zero, with the reason, when nothing is
// overdue, when the terms have no fee, or on a consumer account the contract does not cover.
// Fails (InvalidArgument) when a fixed fee or cap is in another currency than `overdue` or
// negative, or the percentage is outside 0..kMaxBasisPoints; (Overflow) when the sum overflows.
Result<FeeCharge> contractual_fee(const FeeTerms& terms, Money overdue, CustomerKind kind);

}  // namespace squeaky
