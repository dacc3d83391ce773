// Money: exact amounts in a currency's minor unit, and totals across currencies.
//
// An amount is a signed 64-bit count of minor units (cents for USD, yen for JPY, fils for KWD)
// with its ISO 4217 currency. The number of minor digits comes from the ISO 4217 table compiled
// into squeaky, never from input. There is no conversion from floating point. Arithmetic is
// checked: overflow and mixing currencies are errors, not wrap-arounds. Values are immutable and
// safe to share between threads.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace squeaky {

// An ISO 4217 currency known to squeaky. Four bytes (the code and its minor digits packed), so
// snapshots stay small; ordered by code.
class Currency {
 public:
  // An unset currency: the value of a field not yet filled in. code() is "" and minor_digits() 0.
  Currency() = default;
  // Parses a three-letter upper-case code such as "USD". Fails with "is not an ISO 4217
  // currency code" for anything not in the table.
  static Result<Currency> from_code(std::string_view code);

  std::string code() const;
  // Digits after the decimal point of the minor unit (USD 2, JPY 0, KWD 3, CLF 4).
  int minor_digits() const;

  bool is_set() const { return packed_ != 0; }
  auto operator<=>(const Currency&) const = default;

 private:
  explicit Currency(uint32_t packed) : packed_(packed) {}
  uint32_t packed_ = 0;
};

class Money {
 public:
  Money() = default;  // zero in an unset currency
  static Money from_minor(int64_t minor_units, Currency currency) { return {minor_units, currency}; }
  static Money zero(Currency currency) { return {0, currency}; }

  // Parses an exact decimal such as "1234.50", "-3", "0.5" in `currency`. Accepts an optional
  // leading '-', digits, and at most minor_digits() decimals. Rejects exponents ("1e3"), "NaN",
  // "+1", spaces, thousands separators ("1,234.50") and values that overflow 64 bits. On failure
  // the message completes the sentence "'<text>' ..." (for example "has 3 decimal places; USD
  // allows 2").
  static Result<Money> parse(std::string_view text, Currency currency);

  int64_t minor_units() const { return minor_; }
  Currency currency() const { return currency_; }
  bool is_zero() const { return minor_ == 0; }
  bool is_negative() const { return minor_ < 0; }
  bool is_positive() const { return minor_ > 0; }

  // "1234.50", "-0.05", "1000" (JPY): the exact decimal, as parse() accepts it.
  std::string to_string() const;
  // "1,234.50": grouped thousands for people; not parseable by parse().
  std::string to_grouped_string() const;

  // Checked arithmetic: fails on a currency mismatch or on 64-bit overflow.
  Result<Money> plus(Money other) const;
  Result<Money> minus(Money other) const;

  // REQUIRES: same currency (comparing amounts in different currencies is a bug).
  std::strong_ordering operator<=>(const Money& other) const;
  bool operator==(const Money& other) const = default;

 private:
  Money(int64_t minor, Currency currency) : minor_(minor), currency_(currency) {}
  int64_t minor_ = 0;
  Currency currency_;
};

// Totals in several currencies at once, one exact sum per currency (never converted).
class MoneyTotals {
 public:
  // Fails only on overflow of that currency's sum.
  Status add(Money amount);
  Money get(Currency currency) const;
  bool empty() const { return sums_.empty(); }
  // Currencies in code order with their sums.
  const std::map<Currency, int64_t>& sums() const { return sums_; }

 private:
  std::map<Currency, int64_t> sums_;
};

}  // namespace squeaky
