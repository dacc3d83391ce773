#include "charges/fees.h"

namespace squeaky {
namespace {

std::string show(Money amount) { return amount.currency().code() + " " + amount.to_grouped_string(); }

Status check_amount(const std::optional<Money>& amount, std::string_view what, Currency currency) {
  if (!amount) return Status::ok();
  if (amount->currency() != currency) {
    return Status::invalid("the " + std::string(what) + " " + amount->to_string() + " is in " +
                           amount->currency().code() + "; the account is in " + currency.code());
  }
  if (amount->is_negative()) return Status::invalid("the " + std::string(what) + " " + show(*amount) + " is negative");
  return Status::ok();
}

}  // namespace

Result<FeeCharge> contractual_fee(const FeeTerms& terms, Money overdue, CustomerKind kind) {
  const Currency currency = overdue.currency();
  if (Status s = check_amount(terms.fixed, "fixed fee", currency); !s.is_ok()) return s;
  if (Status s = check_amount(terms.maximum, "fee cap", currency); !s.is_ok()) return s;
  if (terms.percent_bp < 0 || terms.percent_bp > kMaxBasisPoints) {
    return Status::invalid("the fee percentage " + format_percent(terms.percent_bp) + " is outside 0%..1000%");
  }

  const Money zero = Money::zero(currency);
  const bool has_fixed = terms.fixed && terms.fixed->is_positive();
  const bool has_percent = terms.percent_bp > 0;
  if (!has_fixed && !has_percent) return FeeCharge{zero, "no fee: the terms have none"};
  if (!overdue.is_positive()) return FeeCharge{zero, "no fee: nothing is overdue"};
  if (kind == CustomerKind::kConsumer && !terms.allowed_on_consumers) {
    return FeeCharge{zero, "no fee: consumer account, and the contract does not allow fees on consumers"};
  }

  Money total = zero;
  std::string explanation;
  if (has_fixed) {
    total = *terms.fixed;
    explanation = show(*terms.fixed) + " fixed fee";
  }
  if (has_percent) {
    Result<Money> share = percent_of(overdue, terms.percent_bp, terms.rounding);
    if (!share) return share.status();
    const std::string part = format_percent(terms.percent_bp) + " of " + show(overdue) + " overdue";
    const std::string rounded = std::string(", rounded ") + std::string(to_string(terms.rounding));
    if (has_fixed) {
      Result<Money> sum = total.plus(*share);
      if (!sum) return sum.status();
      total = *sum;
      explanation += " + " + part + " (" + show(*share) + rounded + ") = " + show(total);
    } else {
      total = *share;
      explanation = part + " = " + show(total) + " (" + rounded.substr(2) + ")";
    }
  }
  if (terms.maximum && total > *terms.maximum) {
    total = *terms.maximum;
    explanation += ", capped at " + show(total);
  }
  return FeeCharge{total, explanation};
}

}  // namespace squeaky
