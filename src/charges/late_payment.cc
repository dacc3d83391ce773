#include "charges/late_payment.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include "exact.h"

namespace squeaky {
namespace {

constexpr std::array<std::string_view, 2> kRegimeNames = {"uk-late-payment", "eu-late-payment"};

// Euro-area member states (ISO 3166-1 alpha-2; GR is Greece). Bulgaria joined on 1 January 2026.
constexpr std::array<std::string_view, 21> kEuroArea = {"AT", "BE", "BG", "CY", "DE", "EE", "ES",
                                                        "FI", "FR", "GR", "HR", "IE", "IT", "LT",
                                                        "LU", "LV", "MT", "NL", "PT", "SI", "SK"};
// EU member states outside the euro area.
constexpr std::array<std::string_view, 6> kEuOutsideEuroArea = {"CZ", "DK", "HU", "PL", "RO", "SE"};

bool contains(std::span<const std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Currency currency(std::string_view code) { return *Currency::from_code(code); }

std::string show(Money amount) { return amount.currency().code() + " " + amount.to_grouped_string(); }

std::string show_days(int64_t days) { return std::to_string(days) + (days == 1 ? " day" : " days"); }

// "30 June 2025".
std::string long_date(Date day) {
  static constexpr std::array<std::string_view, 12> kMonths = {"January",   "February", "March",    "April",
                                                               "May",       "June",     "July",     "August",
                                                               "September", "October",  "November", "December"};
  const auto ymd = day.ymd();
  return std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<int>(ymd.year()));
}

bool in_first_half(Date day) { return static_cast<unsigned>(day.ymd().month()) <= 6; }

int year_of(Date day) { return static_cast<int>(day.ymd().year()); }

Date last_day_of_half_year(Date day) {
  return in_first_half(day) ? Date::from_ymd(year_of(day), 6, 30) : Date::from_ymd(year_of(day), 12, 31);
}

bool is_leap(int year) { return std::chrono::year{year}.is_leap(); }

// Interest for `days` days is principal x rate_bp x days x weight / denominator, the same
// denominator for every day so that the sum stays exact: actual/actual weighs a day of a 365-day
// year 366 and a day of a leap year 365 over 10,000 x 365 x 366.
Int128 denominator_of(DayCount day_count) {
  switch (day_count) {
    case DayCount::kActual365Fixed: return Int128{10'000} * 365;
    case DayCount::kActual360: return Int128{10'000} * 360;
    case DayCount::kActualActual: return Int128{10'000} * 365 * 366;
  }
  return 1;
}

Int128 weight_of(DayCount day_count, Date day) {
  if (day_count != DayCount::kActualActual) return 1;
  return is_leap(year_of(day)) ? 365 : 366;
}

std::string rate_phrase(const LatePaymentRegime& regime, const InterestPeriod& p) {
  return format_percent(regime.margin_basis_points) + " over " + regime.rate_label + " of " +
         format_percent(p.reference_rate_bp) + " on " + long_date(p.reference_rate_day) + " = " +
         format_percent(p.statutory_rate_bp) + " a year";
}

// The one-line explanation of the interest (see LatePaymentCharge::explanation).
std::string explain(const LatePaymentRegime& regime, const LatePaymentCharge& charge) {
  // Consecutive periods grouped by rate, then by principal.
  std::vector<std::pair<std::string, int64_t>> rates;
  std::vector<std::pair<Money, int64_t>> principals;
  for (const InterestPeriod& p : charge.periods) {
    std::string phrase = rate_phrase(regime, p);
    if (!rates.empty() && rates.back().first == phrase) {
      rates.back().second += p.days();
    } else {
      rates.emplace_back(std::move(phrase), p.days());
    }
    if (!principals.empty() && principals.back().first == p.principal) {
      principals.back().second += p.days();
    } else {
      principals.emplace_back(p.principal, p.days());
    }
  }
  std::string out;
  if (rates.size() == 1) {
    out = rates.front().first + ", " + show_days(charge.days_late);
  } else {
    for (size_t i = 0; i < rates.size(); ++i) {
      out += (i == 0 ? "" : ", then ") + rates[i].first + " for " + show_days(rates[i].second);
    }
    out += "; " + show_days(charge.days_late);
  }
  if (principals.size() > 1) {
    out += " (";
    for (size_t i = 0; i < principals.size(); ++i) {
      out += (i == 0 ? "" : ", then ") + show(principals[i].first) + " for " + show_days(principals[i].second);
    }
    out += ")";
  }
  return out + ", " + std::string(to_string(regime.day_count));
}

std::string explain_compensation(const LatePaymentRegime& regime, size_t band) {
  const auto& bands = regime.compensation;
  const Money amount = Money::from_minor(bands[band].compensation_minor, regime.currency);
  std::string out = show(amount) + " fixed compensation";
  if (bands.size() == 1) return out + " per debt";
  const Money from = Money::from_minor(bands[band].from_minor, regime.currency);
  if (band == 0) return out + " for a debt under " + show(Money::from_minor(bands[1].from_minor, regime.currency));
  if (band + 1 == bands.size()) return out + " for a debt of " + show(from) + " or more";
  return out + " for a debt of " + show(from) + " to under " +
         show(Money::from_minor(bands[band + 1].from_minor, regime.currency));
}

}  // namespace

Result<LatePaymentRegime> late_payment_regime(std::string_view name) {
  if (name == "uk-late-payment") {
    LatePaymentRegime r;
    r.name = "uk-late-payment";
    r.law = "Late Payment of Commercial Debts (Interest) Act 1998";
    r.rate_table = "boe-base";
    r.rate_label = "the Bank of England base rate";
    r.currency = currency("GBP");
    r.margin_basis_points = 800;
    r.reference_day = ReferenceDay::kEndOfPreviousHalfYear;
    r.fixing = RateFixing::kFixedPerDebt;
    r.compensation = {{0, 4'000}, {100'000, 7'000}, {1'000'000, 10'000}};
    return r;
  }
  if (name == "eu-late-payment") {
    LatePaymentRegime r;
    r.name = "eu-late-payment";
    r.law = "Directive 2011/7/EU on combating late payment in commercial transactions";
    r.rate_table = "ecb-mro";
    r.rate_label = "the ECB main refinancing rate";
    r.currency = currency("EUR");
    r.margin_basis_points = 800;
    r.reference_day = ReferenceDay::kStartOfHalfYear;
    r.fixing = RateFixing::kPerHalfYear;
    r.compensation = {{0, 4'000}};
    return r;
  }
  return Status::not_found("unknown late-payment regime '" + std::string(name) +
                           "' (known: uk-late-payment, eu-late-payment)");
}

std::span<const std::string_view> late_payment_regime_names() { return kRegimeNames; }

Date reference_rate_day(ReferenceDay rule, Date day) {
  const int year = year_of(day);
  const bool first_half = in_first_half(day);
  switch (rule) {
    case ReferenceDay::kEndOfPreviousHalfYear:
      return first_half ? Date::from_ymd(year - 1, 12, 31) : Date::from_ymd(year, 6, 30);
    case ReferenceDay::kStartOfHalfYear: return first_half ? Date::from_ymd(year, 1, 1) : Date::from_ymd(year, 7, 1);
  }
  return day;
}

Result<std::vector<OpenAmountChange>> open_amount_history(Money invoice_amount,
                                                          std::span<const AmountReceived> received) {
  std::vector<AmountReceived> sorted(received.begin(), received.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const AmountReceived& a, const AmountReceived& b) { return a.date < b.date; });
  std::vector<OpenAmountChange> out;
  Int128 open = invoice_amount.minor_units();
  for (const AmountReceived& r : sorted) {
    if (r.amount.currency() != invoice_amount.currency()) {
      return Status::invalid("the amount received on " + r.date.to_string() + " is in " + r.amount.currency().code() +
                             "; the invoice is in " + invoice_amount.currency().code());
    }
    if (!r.amount.is_positive()) {
      return Status::invalid("the amount received on " + r.date.to_string() + " (" + r.amount.to_string() +
                             ") is not positive");
    }
    open = std::max<Int128>(0, open - r.amount.minor_units());
    const Money now = Money::from_minor(static_cast<int64_t>(open), invoice_amount.currency());
    if (!out.empty() && out.back().date == r.date) {
      out.back().open = now;
    } else {
      out.push_back({r.date, now});
    }
  }
  return out;
}

Result<LatePaymentCharge> late_payment_charge(const LatePaymentRegime& regime, const RateTables& tables,
                                              Money invoice_amount, Date due_date,
                                              std::span<const OpenAmountChange> open_history, Date as_of) {
  assert(regime.margin_basis_points >= -kMaxBasisPoints && regime.margin_basis_points <= kMaxBasisPoints);
  const Currency currency = regime.currency;
  if (invoice_amount.currency() != currency) {
    return Status::invalid(regime.name + " applies to debts in " + currency.code() + "; this invoice is in " +
                           (invoice_amount.currency().is_set() ? invoice_amount.currency().code() : "no currency"));
  }
  if (!invoice_amount.is_positive()) {
    return Status::invalid("the invoice amount " + show(invoice_amount) + " is not positive");
  }
  std::vector<OpenAmountChange> history(open_history.begin(), open_history.end());
  std::stable_sort(history.begin(), history.end(),
                   [](const OpenAmountChange& a, const OpenAmountChange& b) { return a.date < b.date; });
  for (const OpenAmountChange& c : history) {
    if (c.open.currency() != currency) {
      return Status::invalid("the open amount on " + c.date.to_string() + " is in " + c.open.currency().code() +
                             "; the invoice is in " + currency.code());
    }
    if (c.open.is_negative() || c.open.minor_units() > invoice_amount.minor_units()) {
      return Status::invalid("the open amount on " + c.date.to_string() + " (" + show(c.open) +
                             ") is not between zero and the invoice amount " + show(invoice_amount));
    }
  }

  LatePaymentCharge charge;
  charge.regime = regime.name;
  charge.interest = Money::zero(currency);
  charge.compensation = Money::zero(currency);
  if (as_of <= due_date) {
    charge.explanation = "not late: due " + long_date(due_date);
    return charge;
  }

  Money principal = invoice_amount;
  size_t next = 0;
  while (next < history.size() && history[next].date <= due_date) principal = history[next++].open;

  const Date first_day = due_date.plus_days(1);
  std::optional<RateOnDay> rate;  // the rate of the current half-year, or the debt's fixed rate
  Int128 numerator = 0;
  for (Date day = first_day; day <= as_of;) {
    // The run of days from `day` to `end` has one principal, one rate and one day-count year.
    Date end = as_of;
    if (next < history.size()) end = std::min(end, history[next].date);
    if (regime.fixing == RateFixing::kPerHalfYear) end = std::min(end, last_day_of_half_year(day));
    if (regime.day_count == DayCount::kActualActual) end = std::min(end, Date::from_ymd(year_of(day), 12, 31));

    if (principal.is_positive()) {
      const Date rate_day =
          reference_rate_day(regime.reference_day, regime.fixing == RateFixing::kFixedPerDebt ? first_day : day);
      if (!rate || rate->day != rate_day) {
        Result<RateOnDay> found = tables.rate_on(regime.rate_table, rate_day);
        if (!found) return Status(found.status().code(), regime.name + ": " + found.status().message());
        rate = std::move(found).value();
      }
      const int64_t statutory = rate->basis_points + regime.margin_basis_points;
      const int64_t days = day.days_until(end) + 1;
      numerator += Int128{principal.minor_units()} * statutory * days * weight_of(regime.day_count, day);
      charge.days_late += days;

      InterestPeriod* last = charge.periods.empty() ? nullptr : &charge.periods.back();
      if (last != nullptr && last->last_day.plus_days(1) == day && last->principal == principal &&
          last->reference_rate_day == rate_day) {
        last->last_day = end;
      } else {
        charge.periods.push_back({day, end, principal, rate->basis_points, rate_day, rate->source, statutory});
      }
    }
    day = end.plus_days(1);
    while (next < history.size() && history[next].date <= end) principal = history[next++].open;
  }

  if (charge.periods.empty()) {
    charge.explanation = "nothing owed after the due date " + long_date(due_date);
    return charge;
  }
  const InterestPeriod& first = charge.periods.front();
  charge.reference_rate_bp = first.reference_rate_bp;
  charge.reference_rate_day = first.reference_rate_day;
  charge.statutory_rate_bp = first.statutory_rate_bp;

  const Int128 interest = divide_rounded(numerator, denominator_of(regime.day_count), regime.rounding);
  if (!fits_int64(interest)) {
    return Status::overflow(regime.name + ": the interest on " + show(invoice_amount) +
                            " does not fit 64 bits of minor units");
  }
  charge.interest = Money::from_minor(static_cast<int64_t>(interest), currency);
  charge.explanation = explain(regime, charge);

  if (!regime.compensation.empty()) {
    size_t band = 0;
    for (size_t i = 0; i < regime.compensation.size(); ++i) {
      if (invoice_amount.minor_units() >= regime.compensation[i].from_minor) band = i;
    }
    charge.compensation = Money::from_minor(regime.compensation[band].compensation_minor, currency);
    charge.compensation_explanation = explain_compensation(regime, band);
  }
  return charge;
}

RegimeChoice choose_late_payment_regime(CustomerKind kind, std::string_view country, Currency invoice_currency) {
  const std::string code = invoice_currency.is_set() ? invoice_currency.code() : "no currency";
  if (kind == CustomerKind::kConsumer) {
    return {std::nullopt,
            "no statutory late-payment interest: the customer is a consumer (the laws cover business "
            "debts only)"};
  }
  if (country.empty()) return {std::nullopt, "no statutory late-payment regime: the customer has no country"};
  const std::string where = std::string(country);
  if (country == "GB") {
    if (code != "GBP") {
      return {std::nullopt,
              "no statutory late-payment regime: uk-late-payment is computed in GBP and this customer "
              "is invoiced in " +
                  code};
    }
    return {"uk-late-payment",
            "business customer in GB invoiced in GBP: Late Payment of Commercial Debts (Interest) "
            "Act 1998"};
  }
  if (contains(kEuroArea, country)) {
    if (code != "EUR") {
      return {std::nullopt,
              "no statutory late-payment regime: eu-late-payment is computed in EUR and this customer "
              "is invoiced in " +
                  code};
    }
    return {"eu-late-payment", "business customer in " + where + " (euro area) invoiced in EUR: Directive 2011/7/EU"};
  }
  if (contains(kEuOutsideEuroArea, country)) {
    return {std::nullopt, "no statutory late-payment regime: " + where +
                              " is in the EU but not the euro area, and its reference rate is its own central "
                              "bank's, for which squeaky has no table"};
  }
  return {std::nullopt, "no statutory late-payment regime is built in for country '" + where + "'"};
}

}  // namespace squeaky
