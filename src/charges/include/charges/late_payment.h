// Statutory late-payment interest and fixed compensation on business debts (DOMAIN.md §3).
//
// A regime is the law's formula: which reference-rate table, which day fixes the reference rate,
// the margin over it, the currency, the day count, the rounding and the compensation bands. Two are
// built in:
//   "uk-late-payment": Late Payment of Commercial Debts (Interest) Act 1998 and the Rate of Interest
//     (No. 3) Order 2002: the Bank of England base rate in force on 31 December (for interest that
//     starts to run 1 January-30 June) or 30 June (for 1 July-31 December) immediately before the
//     day interest starts, + 8 points, fixed for the life of the debt; compensation GBP 40 for a
//     debt under GBP 1,000, GBP 70 from GBP 1,000 to under GBP 10,000, GBP 100 from GBP 10,000.
//   "eu-late-payment": Directive 2011/7/EU for euro-area member states: the ECB main refinancing
//     rate in force on 1 January for the days of the first half-year and on 1 July for the days of
//     the second, + 8 points (the directive's minimum; national laws may add more); EUR 40.
//
// The calculation, for one invoice:
//   - interest runs from the day after the due date up to and including the as-of day; the day a
//     payment arrives still accrues on the amount owed before it, which is reduced from the next day;
//   - each day accrues  open amount x statutory rate / 10,000 x (1 / days in the day count's year);
//   - the exact sum over all days (a rational number, kept in 128-bit integers) is rounded once,
//     to the minor unit, by the regime's rounding (half-up by default);
//   - days late counts the days on which something was owed; compensation is due once (fixed per
//     debt, banded on the invoice amount) when days late > 0.
// Check (DOMAIN.md): GBP 5,000.00, 101 days at 12.25%, actual/365 -> 5,000 x 0.1225 x 101 / 365 =
// 169.486... -> GBP 169.49 interest + GBP 70.00 compensation.
//
// Pure: no clock, no I/O; the as-of day and the rate tables are arguments. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "charges/arithmetic.h"
#include "charges/rates.h"
#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "ledger/records.h"

namespace squeaky {

// Which day's reference rate applies.
enum class ReferenceDay {
  kEndOfPreviousHalfYear,  // 31 December or 30 June immediately before (UK)
  kStartOfHalfYear,        // 1 January or 1 July (EU)
};

// Whether one rate holds for the whole debt or each half-year has its own.
enum class RateFixing {
  kFixedPerDebt,  // fixed by the day interest starts to run, never changed (UK)
  kPerHalfYear,   // the days of each half-year use that half-year's reference rate (EU)
};

// A debt of at least `from` (in minor units) earns `compensation` (minor units).
struct CompensationBand {
  int64_t from_minor = 0;
  int64_t compensation_minor = 0;
};

struct LatePaymentRegime {
  std::string name;        // "uk-late-payment"
  std::string law;         // "Late Payment of Commercial Debts (Interest) Act 1998"
  std::string rate_table;  // the RateTables name: "boe-base"
  std::string rate_label;  // for explanations: "the Bank of England base rate"
  Currency currency;       // debts in any other currency are refused
  int64_t margin_basis_points = 800;
  ReferenceDay reference_day = ReferenceDay::kEndOfPreviousHalfYear;
  RateFixing fixing = RateFixing::kFixedPerDebt;
  DayCount day_count = DayCount::kActual365Fixed;
  Rounding rounding = Rounding::kHalfUp;
  std::vector<CompensationBand> compensation;  // ascending `from_minor`, the first from 0
};

// The built-in regime named `name` ("uk-late-payment", "eu-late-payment"); NotFound otherwise. A
// caller may adjust a copy (a national margin of 9 points, actual/actual) before using it.
Result<LatePaymentRegime> late_payment_regime(std::string_view name);
std::span<const std::string_view> late_payment_regime_names();

// The day whose reference rate applies to interest accruing on `day` (for kFixedPerDebt, `day` is
// the first day of interest): 2025-03-11 -> 2024-12-31 (UK) or 2025-01-01 (EU).
Date reference_rate_day(ReferenceDay rule, Date day);

// From the day after `date`, `open` is what is owed on the invoice (a payment or credit received on
// `date` reduces it; a reversed payment raises it).
struct OpenAmountChange {
  Date date;
  Money open;

  bool operator==(const OpenAmountChange&) const = default;
};

// Money received against one invoice (a payment or a credit applied to it).
struct AmountReceived {
  Date date;
  Money amount;
};

// The invoice's open-amount history from what was received against it: the running remainder after
// each receipt, oldest first (receipts of the same day are summed), never below zero.
// Fails when a receipt is in another currency or not positive.
Result<std::vector<OpenAmountChange>> open_amount_history(Money invoice_amount,
                                                          std::span<const AmountReceived> received);

// A run of days with the same amount owed and the same rate.
struct InterestPeriod {
  Date first_day;  // inclusive
  Date last_day;   // inclusive
  Money principal;
  int64_t reference_rate_bp = 0;
  Date reference_rate_day;  // the day whose rate it is (30 June 2025)
  std::string reference_rate_source;
  int64_t statutory_rate_bp = 0;  // reference + margin

  int64_t days() const { return first_day.days_until(last_day) + 1; }
};

struct LatePaymentCharge {
  std::string regime;
  // The rate of the first day of interest (for kFixedPerDebt the only one; `periods` lists each
  // half-year's for kPerHalfYear). Zero and unset when nothing accrued.
  int64_t reference_rate_bp = 0;
  Date reference_rate_day;
  int64_t statutory_rate_bp = 0;
  int64_t days_late = 0;  // days on which something was owed after the due date
  Money interest;
  Money compensation;
  std::vector<InterestPeriod> periods;  // only periods with something owed
  // "8.00% over the Bank of England base rate of 4.25% on 30 June 2025 = 12.25% a year, 101 days,
  // actual/365"
  std::string explanation;
  // "GBP 70.00 fixed compensation for a debt of GBP 1,000.00 to under GBP 10,000.00"
  std::string compensation_explanation;
};

// Statutory interest and compensation on one invoice as of `as_of` (inclusive).
//   invoice_amount: the debt (bands the compensation; owed from the due date unless the history
//                   says otherwise);
//   open_history:   changes of the amount owed, any order; changes dated on or before the due date
//                   set what is owed when interest starts. Empty: the whole amount stays owed.
// Fails (InvalidArgument) when the invoice or a change is not in the regime's currency, the amount
// is not positive, an open amount is negative or above the invoice amount, or the rate table lacks
// a needed rate; (Overflow) when the interest does not fit 64 bits.
// When as_of is on or before the due date, or nothing was owed after it, the result is zero with
// an explanation saying so.
Result<LatePaymentCharge> late_payment_charge(const LatePaymentRegime& regime, const RateTables& tables,
                                              Money invoice_amount, Date due_date,
                                              std::span<const OpenAmountChange> open_history, Date as_of);

// Which regime, if any, applies to a customer's invoices by default:
//   - consumers: none, ever (statutory late-payment interest is for business debts only);
//   - businesses in GB (ISO 3166-1 "GB", the whole United Kingdom) with GBP invoices: uk-late-payment;
//   - businesses in a euro-area member state with EUR invoices: eu-late-payment;
//   - anything else: none, with the reason (another currency; an EU state outside the euro area,
//     whose reference rate is its own central bank's; a country without a built-in regime).
// This is a default: the law of the contract decides, and a business may choose otherwise.
struct RegimeChoice {
  std::optional<std::string> regime;  // a late_payment_regime() name
  std::string reason;
};
RegimeChoice choose_late_payment_regime(CustomerKind kind, std::string_view country, Currency invoice_currency);

}  // namespace squeaky
