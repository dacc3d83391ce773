// Reading squeaky.toml (docs/settings.md). toml++ is confined to this file in the app layer.
#include "app/settings.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "date/tz.h"

namespace squeaky {
namespace {

// A BCP 47 tag of the usual shape: a language of 2 or 3 letters, then subtags of 1 to 8 letters
// or digits ("en", "en-GB", "zh-Hant-TW", "es-419").
bool is_locale_tag(std::string_view tag) {
  size_t start = 0;
  for (size_t part = 0;; ++part) {
    const size_t end = std::min(tag.find('-', start), tag.size());
    const std::string_view sub = tag.substr(start, end - start);
    const bool letters = std::all_of(sub.begin(), sub.end(), [](unsigned char c) { return std::isalpha(c); });
    const bool alnum = std::all_of(sub.begin(), sub.end(), [](unsigned char c) { return std::isalnum(c); });
    if (part == 0 ? !(letters && sub.size() >= 2 && sub.size() <= 3) : !(alnum && !sub.empty() && sub.size() <= 8)) {
      return false;
    }
    if (end == tag.size()) return true;
    start = end + 1;
  }
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

class SettingsReader {
 public:
  SettingsReader(std::string_view source, std::string_view base_dir) : source_(source), base_dir_(base_dir) {}

  Result<Settings> read(const toml::table& root) {
    settings_.source = source_;
    check_keys(root, {"business", "email", "compliance", "charges", "outbox", "server", "templates", "letters"},
               "the top level");
    if (const auto* t = table(root, "business")) read_business(*t);
    if (const auto* t = table(root, "email")) read_email(*t);
    if (const auto* t = table(root, "compliance")) read_compliance(*t);
    if (const auto* t = table(root, "charges")) read_charges(*t);
    if (const auto* t = table(root, "outbox")) {
      check_keys(*t, {"review"}, "[outbox]");
      if (auto v = boolean(*t, "review")) settings_.review_messages = *v;
    }
    if (const auto* t = table(root, "server")) read_server(*t);
    if (auto dir = text(root, "templates")) settings_.templates = path(*dir);
    if (auto dir = text(root, "letters")) settings_.letters = path(*dir);
    settings_.email.directory = path(settings_.email.directory);
    settings_.letters = path(settings_.letters);
    if (settings_.email.from_name.empty()) settings_.email.from_name = settings_.business.name;
    if (settings_.email.from_address.empty()) settings_.email.from_address = settings_.business.email;
    if (settings_.email.domain.empty()) {
      const auto at = settings_.email.from_address.find('@');
      settings_.email.domain =
          at == std::string::npos ? "squeaky.invalid" : settings_.email.from_address.substr(at + 1);
    }
    if (errors_.empty()) return std::move(settings_);
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& [line, message] : errors_) out += (out.empty() ? "" : "\n") + message;
    return Status::invalid(out);
  }

 private:
  void read_business(const toml::table& t) {
    check_keys(t,
               {"name", "address", "phone", "email", "website", "payment_instructions", "signatory", "signatory_title",
                "language", "locale", "paper", "logo"},
               "[business]");
    auto& b = settings_.business;
    if (auto v = text(t, "name")) b.name = *v;
    if (auto v = lines(t, "address")) b.address = *v;
    if (auto v = text(t, "phone")) b.phone = *v;
    if (auto v = text(t, "email")) b.email = *v;
    if (auto v = text(t, "website")) b.website = *v;
    if (auto v = text(t, "payment_instructions")) b.payment_instructions = *v;
    if (auto v = text(t, "signatory")) b.signatory = *v;
    if (auto v = text(t, "signatory_title")) b.signatory_title = *v;
    if (auto v = text(t, "language")) b.language = *v;
    if (auto v = text(t, "locale")) {
      if (is_locale_tag(*v)) {
        b.locale = *v;
      } else {
        error(t.get("locale"), "key 'locale': " + in_quotes(*v) + " is not a locale tag like en-US or de-DE");
      }
    }
    if (auto v = text(t, "paper")) {
      if (auto paper = parse_paper_size(*v)) {
        b.paper = *paper;
      } else {
        error(t.get("paper"), "key 'paper': " + in_quotes(*v) + " is not a4 or letter");
      }
    }
    if (auto v = text(t, "logo")) b.logo = path(*v);
  }

  void read_email(const toml::table& t) {
    check_keys(t,
               {"from_name", "from", "reply_to", "transport", "directory", "host", "port", "tls", "username",
                "password", "timeout_seconds", "max_attempts", "retry_minutes", "domain"},
               "[email]");
    auto& e = settings_.email;
    if (auto v = text(t, "from_name")) e.from_name = *v;
    if (auto v = text(t, "from")) e.from_address = *v;
    if (auto v = text(t, "reply_to")) e.reply_to = *v;
    if (auto v = text(t, "transport")) {
      if (*v == "file") {
        e.transport = MailTransportKind::kFile;
      } else if (*v == "smtp") {
        e.transport = MailTransportKind::kSmtp;
      } else {
        error(t.get("transport"), "key 'transport': " + in_quotes(*v) + " is not file or smtp");
      }
    }
    if (auto v = text(t, "directory")) e.directory = *v;
    if (auto v = text(t, "host")) e.host = *v;
    if (auto v = number(t, "port", 1, 65535)) e.port = *v;
    if (auto v = text(t, "tls")) {
      if (*v == "none" || *v == "starttls" || *v == "tls") {
        e.tls = *v;
      } else {
        error(t.get("tls"), "key 'tls': " + in_quotes(*v) + " is not none, starttls or tls");
      }
    }
    if (auto v = text(t, "username")) e.username = *v;
    if (auto v = text(t, "password")) e.password = *v;
    if (auto v = number(t, "timeout_seconds", 1, 600)) e.timeout_seconds = *v;
    if (auto v = number(t, "max_attempts", 1, 100)) e.max_attempts = *v;
    if (const auto* node = t.get("retry_minutes")) {
      const auto* array = node->as_array();
      std::vector<int> minutes;
      if (array != nullptr) {
        for (const auto& m : *array) {
          if (!m.is_integer() || m.as_integer()->get() < 1 || m.as_integer()->get() > 10080) {
            error(&m, "key 'retry_minutes': each wait is a whole number of minutes from 1 to 10080");
            break;
          }
          minutes.push_back(static_cast<int>(m.as_integer()->get()));
        }
      }
      if (array == nullptr || array->empty())
        error(node, "key 'retry_minutes': expected a list of minutes, as [5, 30]");
      if (!minutes.empty()) e.retry_minutes = minutes;
    }
    if (auto v = text(t, "domain")) e.domain = *v;
    if (e.transport == MailTransportKind::kSmtp && e.host.empty()) {
      error(&t, "[email] transport 'smtp' needs key 'host'");
    }
  }

  void read_compliance(const toml::table& t) {
    check_keys(t,
               {"party", "consumer_rules_for_first_party", "opens", "closes", "unknown_zones", "max_calls_in_7_days",
                "days_after_conversation", "holiday_calendar", "limitations"},
               "[compliance]");
    auto& c = settings_.compliance;
    if (auto v = text(t, "party")) {
      if (auto party = parse_party(*v)) {
        c.party = *party;
      } else {
        error(t.get("party"), "key 'party': " + in_quotes(*v) + " is not first or third");
      }
    }
    if (auto v = boolean(t, "consumer_rules_for_first_party")) c.consumer_rules_for_first_party = *v;
    if (auto v = clock(t, "opens")) c.opens_minute = *v;
    if (auto v = clock(t, "closes")) c.closes_minute = *v;
    if (c.opens_minute >= c.closes_minute) error(&t, "[compliance] 'opens' must be earlier than 'closes'");
    if (auto zones = lines(t, "unknown_zones")) {
      for (const auto& zone : *zones) {
        try {
          (void)date::locate_zone(zone);
        } catch (const std::exception&) {
          error(t.get("unknown_zones"), "key 'unknown_zones': " + in_quotes(zone) + " is not an IANA time zone");
        }
      }
      if (!zones->empty()) c.unknown_zones = *zones;
    }
    if (auto v = number(t, "max_calls_in_7_days", 0, 100)) c.max_calls_in_7_days = *v;
    if (auto v = number(t, "days_after_conversation", 0, 365)) c.days_after_conversation = *v;
    if (auto v = text(t, "holiday_calendar")) {
      if (holiday_calendar(*v)) {
        c.holiday_calendar = *v;
      } else {
        error(t.get("holiday_calendar"), "key 'holiday_calendar': " + in_quotes(*v) + " is not a known calendar");
      }
    }
    if (auto v = text(t, "limitations")) {
      const auto file = path(*v);
      std::ifstream in(file, std::ios::binary);
      std::stringstream body;
      body << in.rdbuf();
      if (!in) {
        error(t.get("limitations"), "key 'limitations': cannot read " + in_quotes(file));
      } else if (auto table = parse_limitation_table(body.str(), file)) {
        c.limitations = std::move(table).value();
      } else {
        error(t.get("limitations"), table.status().message());
      }
    }
  }

  void read_server(const toml::table& t) {
    check_keys(t, {"run_at", "timezone", "send_every_minutes"}, "[server]");
    auto& s = settings_.server;
    if (auto v = clock(t, "run_at")) {
      if (*v < 24 * 60) {
        s.run_at_minute = *v;
      } else {
        error(t.get("run_at"), "key 'run_at': '24:00' is not a time the day has; use 00:00");
      }
    }
    if (auto v = text(t, "timezone")) {
      try {
        (void)date::locate_zone(*v);
        s.timezone = *v;
      } catch (const std::exception&) {
        error(t.get("timezone"), "key 'timezone': " + in_quotes(*v) + " is not an IANA time zone");
      }
    }
    if (auto v = number(t, "send_every_minutes", 0, 24 * 60)) s.send_every_minutes = *v;
  }

  void read_charges(const toml::table& t) {
    check_keys(t, {"rates"}, "[charges]");
    auto files = lines(t, "rates");
    if (!files) return;
    for (const std::string& name : *files) {
      const std::string file = path(name);
      std::ifstream in(file, std::ios::binary);
      std::stringstream body;
      body << in.rdbuf();
      if (!in) {
        error(t.get("rates"), "key 'rates': cannot read " + in_quotes(file));
      } else if (Status s = settings_.rates.load(body.str(), file); !s.is_ok()) {
        error(t.get("rates"), s.message());
      }
    }
  }

  // "HH:MM" as minutes after midnight.
  std::optional<int> clock(const toml::table& t, std::string_view key) {
    auto v = text(t, key);
    if (!v) return std::nullopt;
    int h = 0;
    int m = 0;
    char colon = 0;
    std::istringstream in(*v);
    if (v->size() == 5 && (in >> h >> colon >> m) && colon == ':' && h >= 0 && h <= 24 && m >= 0 && m < 60 &&
        h * 60 + m <= 24 * 60) {
      return h * 60 + m;
    }
    error(t.get(key), "key " + in_quotes(key) + ": " + in_quotes(*v) + " is not a time of day (as 08:00)");
    return std::nullopt;
  }

  const toml::table* table(const toml::table& t, std::string_view key) {
    const auto* node = t.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) error(node, "key " + in_quotes(key) + ": expected a table ([" + std::string(key) + "])");
    return node->as_table();
  }

  std::optional<bool> boolean(const toml::table& t, std::string_view key) {
    const auto* node = t.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) {
      error(node, "key " + in_quotes(key) + ": expected true or false");
      return std::nullopt;
    }
    return node->as_boolean()->get();
  }

  std::optional<std::string> text(const toml::table& t, std::string_view key) {
    const auto* node = t.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
      error(node, "key " + in_quotes(key) + ": expected a string");
      return std::nullopt;
    }
    return node->as_string()->get();
  }

  // A list of strings, or one string.
  std::optional<std::vector<std::string>> lines(const toml::table& t, std::string_view key) {
    const auto* node = t.get(key);
    if (node == nullptr) return std::nullopt;
    if (node->is_string()) return std::vector<std::string>{node->as_string()->get()};
    std::vector<std::string> out;
    const auto* array = node->as_array();
    if (array != nullptr) {
      for (const auto& line : *array) {
        if (!line.is_string()) break;
        out.push_back(line.as_string()->get());
      }
    }
    if (array == nullptr || out.size() != array->size()) {
      error(node, "key " + in_quotes(key) + ": expected a list of strings");
      return std::nullopt;
    }
    return out;
  }

  std::optional<int> number(const toml::table& t, std::string_view key, int min, int max) {
    const auto* node = t.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_integer() || node->as_integer()->get() < min || node->as_integer()->get() > max) {
      error(node, "key " + in_quotes(key) + ": expected a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
      return std::nullopt;
    }
    return static_cast<int>(node->as_integer()->get());
  }

  std::string path(const std::string& p) const {
    if (p.empty() || base_dir_.empty() || std::filesystem::path(p).is_absolute()) return p;
    return (std::filesystem::path(base_dir_) / p).lexically_normal().string();
  }

  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, std::string_view where) {
    for (const auto& [key, node] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
      errors_.emplace_back(key.source().begin.line, source_ + ":" + std::to_string(key.source().begin.line) +
                                                        ": unknown key " + in_quotes(key.str()) + " in " +
                                                        std::string(where));
    }
  }

  void error(const toml::node* node, std::string message) {
    const auto line = node != nullptr ? node->source().begin.line : 0;
    errors_.emplace_back(line, source_ + ":" + std::to_string(line) + ": " + std::move(message));
  }

  std::string source_;
  std::string base_dir_;
  Settings settings_;
  std::vector<std::pair<uint32_t, std::string>> errors_;
};

}  // namespace

Result<Settings> parse_settings(std::string_view toml_text, std::string_view source_name, std::string_view base_dir) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::invalid(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": invalid TOML: " + std::string(e.description()));
  }
  return SettingsReader(source_name, base_dir).read(root);
}

Result<Settings> load_settings(const std::string& path, bool required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (required) return Status::not_found("cannot read the settings file '" + path + "'");
    Settings defaults;
    const auto base = std::filesystem::path(path).parent_path().string();
    if (!base.empty()) {
      defaults.email.directory = (std::filesystem::path(base) / defaults.email.directory).string();
      defaults.letters = (std::filesystem::path(base) / defaults.letters).string();
    }
    return defaults;
  }
  std::stringstream body;
  body << in.rdbuf();
  return parse_settings(body.str(), path, std::filesystem::path(path).parent_path().string());
}

Status check_sender(const Settings& settings) {
  const std::string where = settings.source.empty() ? "squeaky.toml" : settings.source;
  if (settings.business.name.empty() || settings.business.address.empty()) {
    return Status::invalid(where +
                           ": [business] needs 'name' and 'address' before letters and emails can go out "
                           "(docs/settings.md)");
  }
  return Status::ok();
}

}  // namespace squeaky
