#include "core/money.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>

namespace squeaky {
namespace {

struct CurrencyInfo {
  std::string_view code;
  int minor_digits;
};

// ISO 4217 list one: the currencies in use, with the digits of their minor unit. Codes without a
// minor unit (precious metals, testing codes, XDR) are left out because no invoice is written in
// them. Sorted by code for binary search.
constexpr std::array kCurrencies = std::to_array<CurrencyInfo>({
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2},
    {"CDF", 2}, {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2},
    {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2},
    {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2},
    {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2},
    {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MXV", 2},
    {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3},
    {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2},
    {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2}, {"SYP", 2}, {"SZL", 2},
    {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2},
    {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0}, {"XPF", 0},
    {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
});

constexpr uint32_t pack(std::string_view code) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(code[0])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(code[1])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(code[2]));
}

static_assert(std::is_sorted(kCurrencies.begin(), kCurrencies.end(),
                             [](const CurrencyInfo& a, const CurrencyInfo& b) { return pack(a.code) < pack(b.code); }));

// REQUIRES: code.size() == 3. Compares the codes as numbers: a lookup is a handful of integer
// comparisons, which matters to the whole-ledger reads that look one up for every record.
const CurrencyInfo* find_currency(std::string_view code) {
  const uint32_t key = pack(code);
  auto it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), key,
                             [](const CurrencyInfo& c, uint32_t k) { return pack(c.code) < k; });
  if (it == kCurrencies.end() || pack(it->code) != key) return nullptr;
  return &*it;
}

constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000};

}  // namespace

Result<Currency> Currency::from_code(std::string_view code) {
  const CurrencyInfo* info = code.size() == 3 ? find_currency(code) : nullptr;
  if (info == nullptr) return Status::invalid("is not an ISO 4217 currency code");
  return Currency((pack(code) << 8) | static_cast<uint32_t>(info->minor_digits));
}

std::string Currency::code() const {
  if (!is_set()) return {};
  return {static_cast<char>(packed_ >> 24), static_cast<char>((packed_ >> 16) & 0xff),
          static_cast<char>((packed_ >> 8) & 0xff)};
}

int Currency::minor_digits() const { return static_cast<int>(packed_ & 0xff); }

Result<Money> Money::parse(std::string_view text, Currency currency) {
  const int digits = currency.minor_digits();
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  const size_t point = s.find('.');
  std::string_view whole = s.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view{} : s.substr(point + 1);
  const auto all_digits = [](std::string_view d) {
    return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) {
    return Status::invalid("is not an amount (write digits with an optional '-' and '.', as 1234.50)");
  }
  if (static_cast<int>(fraction.size()) > digits) {
    return Status::invalid("has " + std::to_string(fraction.size()) + " decimal place" +
                           (fraction.size() == 1 ? "" : "s") + "; " + currency.code() + " allows " +
                           std::to_string(digits));
  }
  // Accumulate as a negative number so that INT64_MIN's magnitude is representable.
  int64_t value = 0;
  const auto push_digit = [&value](char c) {
    return !__builtin_mul_overflow(value, 10, &value) && !__builtin_sub_overflow(value, c - '0', &value);
  };
  bool fits = true;
  for (char c : whole) fits = fits && push_digit(c);
  for (char c : fraction) fits = fits && push_digit(c);
  for (int i = static_cast<int>(fraction.size()); i < digits; ++i) fits = fits && push_digit('0');
  if (!negative) fits = fits && !__builtin_mul_overflow(value, -1, &value);
  if (!fits) return Status::overflow("is too large an amount");
  return Money(value, currency);
}

std::string Money::to_string() const {
  const int digits = currency_.minor_digits();
  const uint64_t magnitude = minor_ < 0 ? 0 - static_cast<uint64_t>(minor_) : static_cast<uint64_t>(minor_);
  const uint64_t scale = static_cast<uint64_t>(kPow10[digits]);
  std::string out = minor_ < 0 ? "-" : "";
  out += std::to_string(magnitude / scale);
  if (digits > 0) {
    std::string frac = std::to_string(magnitude % scale);
    out += '.';
    out.append(static_cast<size_t>(digits) - frac.size(), '0');
    out += frac;
  }
  return out;
}

std::string Money::to_grouped_string() const {
  std::string plain = to_string();
  const size_t sign = plain[0] == '-' ? 1 : 0;
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  for (size_t i = end; i > sign + 3; i -= 3) plain.insert(i - 3, 1, ',');
  return plain;
}

Result<Money> Money::plus(Money other) const {
  if (other.currency_ != currency_) {
    return Status::invalid("cannot add " + other.currency_.code() + " to " + currency_.code());
  }
  int64_t sum = 0;
  if (__builtin_add_overflow(minor_, other.minor_, &sum)) {
    return Status::overflow("sum of " + to_string() + " and " + other.to_string() + " " + currency_.code() +
                            " overflows");
  }
  return Money(sum, currency_);
}

Result<Money> Money::minus(Money other) const {
  if (other.currency_ != currency_) {
    return Status::invalid("cannot subtract " + other.currency_.code() + " from " + currency_.code());
  }
  int64_t difference = 0;
  if (__builtin_sub_overflow(minor_, other.minor_, &difference)) {
    return Status::overflow(to_string() + " minus " + other.to_string() + " " + currency_.code() + " overflows");
  }
  return Money(difference, currency_);
}

std::strong_ordering Money::operator<=>(const Money& other) const {
  assert(currency_ == other.currency_ && "comparing amounts in different currencies");
  return minor_ <=> other.minor_;
}

Status MoneyTotals::add(Money amount) {
  int64_t& sum = sums_[amount.currency()];
  int64_t updated = 0;
  if (__builtin_add_overflow(sum, amount.minor_units(), &updated)) {
    return Status::overflow("total in " + amount.currency().code() + " overflows");
  }
  sum = updated;
  return Status::ok();
}

Money MoneyTotals::get(Currency currency) const {
  auto it = sums_.find(currency);
  return Money::from_minor(it == sums_.end() ? 0 : it->second, currency);
}

}  // namespace squeaky
