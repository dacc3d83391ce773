#include "app/generate.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "io/ledger_csv.h"

namespace squeaky {
namespace {

// xoshiro256** seeded by splitmix64: small, fast and the same on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Log-normal with the given median and shape.
  double log_normal(double median, double sigma) {
    const double u1 = unit() + 1e-12;
    const double u2 = unit();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    return median * std::exp(sigma * normal);
  }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

struct Place {
  std::string_view country, region, timezone, currency, city, phone_prefix;
  int weight;  // in percent
};

constexpr std::array<Place, 11> kPlaces{{
    {"US", "CA", "America/Los_Angeles", "USD", "Oakland", "+1 510", 14},
    {"US", "NY", "America/New_York", "USD", "Buffalo", "+1 716", 14},
    {"US", "TX", "America/Chicago", "USD", "Austin", "+1 512", 12},
    {"US", "IL", "America/Chicago", "USD", "Springfield", "+1 217", 8},
    {"US", "CO", "America/Denver", "USD", "Boulder", "+1 303", 6},
    {"GB", "", "Europe/London", "GBP", "Leeds", "+44 113", 14},
    {"DE", "BY", "Europe/Berlin", "EUR", "Nuremberg", "+49 911", 10},
    {"FR", "", "Europe/Paris", "EUR", "Lyon", "+33 4", 8},
    {"CA", "ON", "America/Toronto", "CAD", "Ottawa", "+1 613", 6},
    {"JP", "", "Asia/Tokyo", "JPY", "Osaka", "+81 6", 4},
    {"AU", "NSW", "Australia/Sydney", "AUD", "Newcastle", "+61 2", 4},
}};

constexpr std::array<std::string_view, 24> kFirstNames{
    "Ada",  "Ben",   "Carmen", "Dev",   "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam",
    "Maya", "Nikos", "Olga",   "Pedro", "Quinn", "Rosa",  "Sven",  "Tara", "Umar", "Vera",  "Wen",  "Zoë"};
constexpr std::array<std::string_view, 24> kLastNames{
    "Abbott",   "Brennan", "Castillo", "Dubois",    "Eriksen", "Fischer",  "García",  "Hoffmann",
    "Ito",      "Jensen",  "Kowalski", "Lindqvist", "Müller",  "Nakamura", "O'Neill", "Petrov",
    "Quintero", "Rossi",   "Schmidt",  "Tanaka",    "Usman",   "Varga",    "Walsh",   "Young"};
constexpr std::array<std::string_view, 16> kTrades{
    "Bakery",   "Joinery",    "Print Works",   "Dental Care", "Logistics", "Florist",     "Garage", "Roofing",
    "Catering", "Electrical", "Design Studio", "Brewing Co.", "Plumbing",  "Landscaping", "Optics", "Tailoring"};
constexpr std::array<std::string_view, 8> kSuffixes{"Ltd", "LLC", "GmbH", "& Sons", "Inc.", "Co-op", "SARL", "Pty"};
constexpr std::array<std::string_view, 12> kStreets{"Market Street", "Mill Lane",   "Station Road", "Harbour Way",
                                                    "Elm Avenue",    "King Street", "Canal Side",   "Orchard Row",
                                                    "Bridge Street", "High Street", "Quarry Hill",  "Union Square"};
constexpr std::array<std::string_view, 5> kCreditReasons{"pricing", "damaged", "returned", "service-level", "goodwill"};
constexpr std::array<std::string_view, 4> kMethods{"bank-transfer", "card", "check", "ach"};

enum class Payer { kGood, kSlow, kBad };

struct GeneratedCustomer {
  std::string id;
  const Place* place;
  bool consumer;
  Payer payer;
  int64_t scale;  // 10^minor digits
};

int64_t minor_scale(std::string_view currency) {
  auto c = Currency::from_code(currency);
  int64_t scale = 1;
  for (int i = 0; c && i < c->minor_digits(); ++i) scale *= 10;
  return scale;
}

std::string amount_text(int64_t minor, std::string_view currency) {
  auto c = Currency::from_code(currency);
  return Money::from_minor(minor, *c).to_string();
}

class CsvOut {
 public:
  Status open(const std::filesystem::path& path, std::string_view header) {
    path_ = path.string();
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) return Status::io_error("cannot write " + path_);
    out_ << header << '\n';
    return Status::ok();
  }
  CsvOut& field(std::string_view value) {
    if (!first_) line_ += ',';
    append_csv_field(line_, value);
    first_ = false;
    return *this;
  }
  void end_row() {
    line_ += '\n';
    first_ = true;
    if (line_.size() > (1 << 20)) flush();
  }
  Status close() {
    flush();
    out_.close();
    return out_ ? Status::ok() : Status::io_error("cannot write " + path_);
  }

 private:
  void flush() {
    out_ << line_;
    line_.clear();
  }
  std::ofstream out_;
  std::string path_;
  std::string line_;
  bool first_ = true;
};

}  // namespace

Result<GenerateCounts> generate_ledger_csv(const GenerateOptions& options, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("cannot create directory " + dir + ": " + ec.message());
  const std::filesystem::path base(dir);
  Random random(options.seed);
  GenerateCounts counts;

  CsvOut customers;
  if (Status s = customers.open(base / "customers.csv",
                                "id,name,kind,contact_name,email,phone,mobile,address_line1,city,postal_code,country,"
                                "region,timezone,currency,credit_limit,language");
      !s.is_ok()) {
    return s;
  }
  const int id_width = std::max<int>(4, static_cast<int>(std::to_string(options.customers).size()));
  std::vector<GeneratedCustomer> people;
  people.reserve(options.customers);
  for (size_t i = 0; i < options.customers; ++i) {
    int roll = static_cast<int>(random.below(100));
    const Place* place = &kPlaces.back();
    for (const Place& p : kPlaces) {
      if (roll < p.weight) {
        place = &p;
        break;
      }
      roll -= p.weight;
    }
    std::string id = std::to_string(i + 1);
    id = "C" + std::string(static_cast<size_t>(std::max<int>(0, id_width - static_cast<int>(id.size()))), '0') + id;
    const bool consumer = random.chance(30);
    const int payer_roll = static_cast<int>(random.below(100));
    const Payer payer = payer_roll < 60 ? Payer::kGood : payer_roll < 90 ? Payer::kSlow : Payer::kBad;
    people.push_back({id, place, consumer, payer, minor_scale(place->currency)});
    const std::string first(random.pick(kFirstNames));
    const std::string last(random.pick(kLastNames));
    const std::string person = first + " " + last;
    const std::string name =
        consumer ? person : last + " " + std::string(random.pick(kTrades)) + " " + std::string(random.pick(kSuffixes));
    std::string mail_user = first + "." + last;
    for (char& c : mail_user) {
      if (c == ' ' || c == '\'') c = '-';
    }
    const std::string email = consumer ? "customer" + std::to_string(i + 1) + "@example.net"
                                       : "accounts@c" + std::to_string(i + 1) + ".example.com";
    const std::string phone = std::string(place->phone_prefix) + " 555 " + std::to_string(1000 + random.below(9000));
    const std::string mobile =
        random.chance(50) ? std::string(place->phone_prefix) + " 777 " + std::to_string(1000 + random.below(9000)) : "";
    const int64_t limit = consumer ? 0 : random.between(5, 100) * 1000 * people.back().scale;
    customers.field(id).field(name).field(consumer ? "consumer" : "business").field(consumer ? "" : person);
    customers.field(email).field(phone).field(mobile);
    customers.field(std::to_string(1 + random.below(200)) + " " + std::string(random.pick(kStreets)));
    customers.field(place->city).field(std::to_string(10000 + random.below(89999))).field(place->country);
    customers.field(place->region).field(place->timezone).field(place->currency);
    customers.field(amount_text(limit, place->currency))
        .field(place->country == "DE"   ? "de"
               : place->country == "FR" ? "fr"
               : place->country == "JP" ? "ja"
                                        : "en");
    customers.end_row();
  }
  if (Status s = customers.close(); !s.is_ok()) return s;
  counts.customers = people.size();

  CsvOut invoices;
  CsvOut payments;
  CsvOut credits;
  if (Status s = invoices.open(base / "invoices.csv", "id,customer_id,issue_date,due_date,amount,currency,reference");
      !s.is_ok()) {
    return s;
  }
  if (Status s =
          payments.open(base / "payments.csv", "id,customer_id,date,amount,currency,invoice_id,method,reference");
      !s.is_ok()) {
    return s;
  }
  if (Status s = credits.open(base / "credits.csv", "id,customer_id,date,amount,currency,reason,invoice_id,kind");
      !s.is_ok()) {
    return s;
  }
  const Date first_day = options.as_of.plus_days(-options.history_days);
  for (size_t n = 0; n < options.invoices; ++n) {
    const GeneratedCustomer& c = people[random.below(people.size())];
    const std::string id = "INV-" + std::to_string(100000 + n);
    // Spread evenly over the history: invoice n is issued on day n * history / count.
    const Date issued = first_day.plus_days(
        static_cast<int64_t>(n * static_cast<size_t>(options.history_days) / std::max<size_t>(options.invoices, 1)));
    const int terms = c.consumer ? 14 : (random.chance(70) ? 30 : 45);
    const Date due = issued.plus_days(terms);
    const double median = c.consumer ? 180.0 : 1800.0;
    int64_t amount = static_cast<int64_t>(std::llround(random.log_normal(median, 0.9) * 100.0)) * c.scale / 100;
    amount = std::max<int64_t>(amount, c.scale);  // at least one major unit
    invoices.field(id).field(c.id).field(issued.to_string()).field(due.to_string());
    invoices.field(amount_text(amount, c.place->currency)).field(c.place->currency);
    invoices.field("PO-" + std::to_string(random.between(1000, 99999))).end_row();
    ++counts.invoices;

    int64_t owed = amount;
    if (random.chance(4)) {  // a credit note for part of the invoice
      const int64_t credit = std::max<int64_t>(owed * random.between(5, 20) / 100, 1);
      const Date when = issued.plus_days(random.between(1, terms));
      if (when <= options.as_of) {
        credits.field("CN-" + std::to_string(100000 + n)).field(c.id).field(when.to_string());
        credits.field(amount_text(credit, c.place->currency)).field(c.place->currency);
        credits.field(random.pick(kCreditReasons)).field(id).field("credit").end_row();
        ++counts.credits;
        owed -= credit;
      }
    }
    // When and how much the customer pays, by the kind of payer it is.
    int64_t lateness = 0;
    int64_t paid = owed;
    switch (c.payer) {
      case Payer::kGood: lateness = random.between(-10, 5); break;
      case Payer::kSlow: lateness = random.between(5, 75); break;
      case Payer::kBad:
        lateness = random.between(30, 200);
        if (random.chance(35)) {
          paid = 0;
        } else if (random.chance(40)) {
          paid = owed * random.between(20, 80) / 100;
        }
        break;
    }
    const Date pay_day = due.plus_days(lateness);
    if (paid <= 0 || pay_day > options.as_of || pay_day < issued) continue;
    if (paid == owed && c.payer != Payer::kGood && random.chance(6)) {  // a short payment with a deduction
      const int64_t deduction = std::max<int64_t>(owed * random.between(1, 5) / 100, 1);
      credits.field("DED-" + std::to_string(100000 + n)).field(c.id).field(pay_day.to_string());
      credits.field(amount_text(deduction, c.place->currency)).field(c.place->currency);
      credits.field("short-pay").field(id).field("deduction").end_row();
      ++counts.credits;
      paid -= deduction;
    }
    if (paid <= 0) continue;
    const bool with_remittance = random.chance(85);
    payments.field("PAY-" + std::to_string(100000 + n)).field(c.id).field(pay_day.to_string());
    payments.field(amount_text(paid, c.place->currency)).field(c.place->currency);
    payments.field(with_remittance ? id : "").field(random.pick(kMethods));
    payments.field("REF" + std::to_string(random.between(100000, 999999))).end_row();
    ++counts.payments;
  }
  for (CsvOut* out : {&invoices, &payments, &credits}) {
    if (Status s = out->close(); !s.is_ok()) return s;
  }
  return counts;
}

}  // namespace squeaky
