// The business's settings: who the letters and emails come from, how email leaves, where the
// templates are, and the compliance choices (docs/settings.md).
//
// Settings come from a TOML file, squeaky.toml beside the database by default. Every key has a
// documented default, except the business's name and postal address, which letters and emails
// cannot go out without. Plain values; thread-safe to share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "channels/letter.h"
#include "charges/rates.h"
#include "core/result.h"
#include "guard/guard.h"

namespace squeaky {

struct BusinessSettings {
  std::string name;
  std::vector<std::string> address;  // postal address lines, country last
  std::string phone;
  std::string email;
  std::string website;
  std::string payment_instructions;  // how to pay, one line or several
  std::string signatory;             // who signs the letters ("Dana Whitfield")
  std::string signatory_title;       // and as what ("Credit Controller")
  std::string language = "en";       // for customers that name none
  std::string locale = "en-US";      // how the web app writes amounts and dates (BCP 47)
  PaperSize paper = PaperSize::kA4;
  std::string logo;  // a PNG file; "" for none
};

enum class MailTransportKind { kFile, kSmtp };

struct EmailSettings {
  std::string from_name;     // default: the business name
  std::string from_address;  // default: the business email
  std::string reply_to;      // default: none
  MailTransportKind transport = MailTransportKind::kFile;
  std::string directory = "mail";  // file transport: one .eml per message, beside the database
  std::string host;                // smtp
  int port = 25;
  std::string tls = "starttls";  // "none" | "starttls" | "tls"
  std::string username;
  std::string password;  // better given as $SQUEAKY_SMTP_PASSWORD
  int timeout_seconds = 30;
  int max_attempts = 5;
  std::vector<int> retry_minutes = {5, 30, 120, 480};  // the wait after each temporary failure
  std::string domain;                                  // for Message-IDs; default: the domain of from_address
};

// What `squeaky serve` does by itself each day (docs/settings.md).
struct ServerSettings {
  int run_at_minute = 6 * 60;    // the day's run, at this local time (minutes after midnight)
  std::string timezone = "UTC";  // the business's IANA zone: its day and its run_at
  int send_every_minutes = 15;   // how often due emails are sent; 0: never by itself
};

struct Settings {
  std::string source;  // the file read, "" when defaults
  BusinessSettings business;
  EmailSettings email;
  GuardSettings compliance;
  // The reference-rate tables for late-payment interest: the shipped ones, each replaced by a
  // table of the same name from the files of [charges] rates (docs/charges.md).
  RateTables rates = shipped_rate_tables();
  std::string templates;            // a directory of templates overriding the shipped ones; "" for none
  std::string letters = "letters";  // where `squeaky letters` writes, beside the database
  bool review_messages = false;     // [outbox] review: the run's letters and emails wait, held, for approval
  ServerSettings server;
};

// Parses a settings file. Relative paths in it are taken from `base_dir` (the file's folder).
// Errors name the file, line and key: "squeaky.toml:4: key 'paper': 'A5' is not a4 or letter".
Result<Settings> parse_settings(std::string_view toml_text, std::string_view source_name, std::string_view base_dir);

// Reads `path`; a missing file gives the defaults when `required` is false.
Result<Settings> load_settings(const std::string& path, bool required);

// Whether letters and emails can go out with these settings: the business name and address.
Status check_sender(const Settings& settings);

}  // namespace squeaky
