// Languages for messages: tags, the fallback chain, and how dates and amounts are written.
// A short table of conventions; a language not in it is written as English, which is also what
// its templates fall back to unless the business supplies its own.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "channels/templates.h"

namespace squeaky {
namespace {

enum class DateOrder {
  kDayMonthYear,       // 24 November 2026
  kDayDotMonthYear,    // 24. November 2026
  kDayDeMonthDeYear,   // 24 de noviembre de 2026
  kMonthDayCommaYear,  // November 24, 2026
  kYearMonthDayKanji,  // 2026年11月24日
};

struct Conventions {
  std::string_view language;  // a canonical tag; the first match of the exact tag, then its primary
  DateOrder order;
  std::array<std::string_view, 12> months;
  std::string_view group_separator;
  std::string_view decimal_separator;
};

constexpr std::array<std::string_view, 12> kEnglishMonths = {"January",   "February", "March",    "April",
                                                             "May",       "June",     "July",     "August",
                                                             "September", "October",  "November", "December"};

constexpr Conventions kConventions[] = {
    {"en-US", DateOrder::kMonthDayCommaYear, kEnglishMonths, ",", "."},
    {"en", DateOrder::kDayMonthYear, kEnglishMonths, ",", "."},
    {"de",
     DateOrder::kDayDotMonthYear,
     {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
      "Dezember"},
     ".",
     ","},
    {"fr",
     DateOrder::kDayMonthYear,
     {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
      "décembre"},
     "\u00a0",
     ","},
    {"es",
     DateOrder::kDayDeMonthDeYear,
     {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
      "diciembre"},
     ".",
     ","},
    {"it",
     DateOrder::kDayMonthYear,
     {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
      "novembre", "dicembre"},
     ".",
     ","},
    {"nl",
     DateOrder::kDayMonthYear,
     {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november",
      "december"},
     ".",
     ","},
    {"pt",
     DateOrder::kDayDeMonthDeYear,
     {"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro",
      "dezembro"},
     ".",
     ","},
    {"ja", DateOrder::kYearMonthDayKanji, {}, ",", "."},
};

const Conventions& conventions_for(std::string_view language) {
  for (const std::string& tag : language_fallbacks(language)) {
    for (const Conventions& c : kConventions) {
      if (c.language == tag) return c;
    }
  }
  return kConventions[1];  // en
}

bool all_alpha(std::string_view s) {
  for (char c : s) {
    if (std::isalpha(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// BCP 47 case: "en-gb" -> "en-GB", "zh_hant_tw" -> "zh-Hant-TW".
std::string canonical_tag(std::string_view tag) {
  std::string out;
  size_t index = 0;
  size_t start = 0;
  while (start <= tag.size()) {
    size_t end = tag.find_first_of("-_", start);
    if (end == std::string_view::npos) end = tag.size();
    std::string part(tag.substr(start, end - start));
    start = end + 1;
    if (part.empty()) continue;
    for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (index > 0 && part.size() == 4 && all_alpha(part)) {
      part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    } else if (index > 0 && part.size() == 2 && all_alpha(part)) {
      for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (index > 0) out += '-';
    out += part;
    ++index;
  }
  return out;
}

}  // namespace

std::vector<std::string> language_fallbacks(std::string_view language) {
  std::vector<std::string> chain;
  if (!language.empty()) {
    std::string tag = canonical_tag(language);
    while (!tag.empty()) {
      chain.push_back(tag);
      const size_t dash = tag.rfind('-');
      tag.resize(dash == std::string::npos ? 0 : dash);
    }
  }
  const std::string fallback(kDefaultLanguage);
  if (chain.empty() || chain.back() != fallback) {
    chain.erase(std::remove(chain.begin(), chain.end(), fallback), chain.end());
    chain.push_back(fallback);
  }
  return chain;
}

std::string format_date(Date date, std::string_view language) {
  const Conventions& c = conventions_for(language);
  const auto ymd = date.ymd();
  const std::string day = std::to_string(static_cast<unsigned>(ymd.day()));
  const unsigned month = static_cast<unsigned>(ymd.month());
  const std::string year = std::to_string(static_cast<int>(ymd.year()));
  const std::string month_name(c.months[month - 1]);
  switch (c.order) {
    case DateOrder::kDayMonthYear: return day + " " + month_name + " " + year;
    case DateOrder::kDayDotMonthYear: return day + ". " + month_name + " " + year;
    case DateOrder::kDayDeMonthDeYear: return day + " de " + month_name + " de " + year;
    case DateOrder::kMonthDayCommaYear: return month_name + " " + day + ", " + year;
    case DateOrder::kYearMonthDayKanji: return year + "年" + std::to_string(month) + "月" + day + "日";
  }
  return date.to_string();
}

std::string format_amount(Money amount, std::string_view language) {
  const Conventions& c = conventions_for(language);
  std::string out;
  for (char ch : amount.to_grouped_string()) {
    if (ch == ',') {
      out += c.group_separator;
    } else if (ch == '.') {
      out += c.decimal_separator;
    } else {
      out += ch;
    }
  }
  return out + " " + amount.currency().code();
}

}  // namespace squeaky
