// SmtpTransport over libcurl, and the smtp:// settings URL.
//
// How a send is classified: libcurl reports the replies it reads through its debug callback
// (CURLINFO_HEADER_IN) and the commands it writes (CURLINFO_HEADER_OUT), so we know which command
// each reply answered; the read callback tells us when the last byte of the message was handed
// over. libcurl sends the end-of-data mark only after that, so a server cannot have accepted a
// message whose bytes were not all handed over: any failure before that point is kTemporary (or
// kPermanent for a 5xx to MAIL, RCPT or DATA). After it, the reply to the end of data decides, and
// when none arrived the result is kUnknown. Handing over is not transmitting, so a connection that
// fails between the two also counts as kUnknown: the safe side, since kUnknown is never resent.
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "channels/transport.h"

namespace squeaky {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// curl_global_init is not thread-safe on its own; a function-local static runs it exactly once.
CURLcode initialize_curl() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  return result;
}

constexpr size_t kMaxReplyText = 512;

// What one send observed; shared with libcurl's callbacks.
struct Exchange {
  std::string_view message;
  size_t offset = 0;
  bool handed_over = false;  // the read callback has handed over the last byte

  std::string command;  // the verb of the last command sent ("MAIL", "RCPT", "DATA"...)
  std::string partial_reply;
  int reply_code = 0;  // the last complete reply (replies to QUIT are ignored)
  std::string reply_text;
  std::string reply_to;  // the command that reply answered
  bool reply_after_data = false;
  int reply_after_data_code = 0;
  std::string reply_after_data_text;

  char error[CURL_ERROR_SIZE] = {};
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const size_t n = std::min(size * count, exchange.message.size() - exchange.offset);
  std::memcpy(buffer, exchange.message.data() + exchange.offset, n);
  exchange.offset += n;
  // libcurl knows the size (CURLOPT_INFILESIZE_LARGE) and stops asking after the last byte.
  if (exchange.offset == exchange.message.size()) exchange.handed_over = true;
  return n;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void on_reply_line(Exchange& exchange, std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return;
  if (exchange.partial_reply.size() < kMaxReplyText) {
    if (!exchange.partial_reply.empty()) exchange.partial_reply += " / ";
    exchange.partial_reply += line.substr(0, kMaxReplyText);
  }
  if (line.size() > 3 && line[3] == '-') return;  // a multi-line reply goes on
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  std::string text = std::move(exchange.partial_reply);
  exchange.partial_reply.clear();
  if (exchange.command == "QUIT") return;
  exchange.reply_code = code;
  exchange.reply_text = text;
  exchange.reply_to = exchange.command;
  if (exchange.handed_over && !exchange.reply_after_data) {
    exchange.reply_after_data = true;
    exchange.reply_after_data_code = code;
    exchange.reply_after_data_text = std::move(text);
  }
}

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto& exchange = *static_cast<Exchange*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    // Only the verb is kept: AUTH lines carry credentials.
    const std::string_view verb = text.substr(0, text.find_first_of(" :\r\n"));
    static constexpr std::string_view kVerbs[] = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                  "RCPT", "DATA", "RSET",     "QUIT"};
    for (std::string_view known : kVerbs) {
      if (verb == known) exchange.command = std::string(verb);
    }
  } else if (type == CURLINFO_HEADER_IN) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      on_reply_line(exchange, line);
      start = end + 1;
    }
  }
  return 0;
}

bool has_line_break_or_nul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != s.npos; }

SendResult result(SendResult::Kind kind, int code, std::string detail) { return {kind, code, std::move(detail)}; }

std::string curl_failure(CURLcode rc, const Exchange& exchange) {
  std::string text = curl_easy_strerror(rc);
  if (exchange.error[0] != '\0') text += std::string(": ") + exchange.error;
  return text;
}

SendResult classify(CURLcode rc, long curl_code, const Exchange& exchange) {
  using Kind = SendResult::Kind;
  // CURLINFO_RESPONSE_CODE is the last reply's code (never QUIT's): the reply the debug callback
  // recorded last, with its text and the command it answered.
  const int code = curl_code > 0 ? static_cast<int>(curl_code) : exchange.reply_code;
  if (rc == CURLE_OK) {
    return result(Kind::kSent, code, exchange.reply_after_data ? exchange.reply_after_data_text : "accepted");
  }
  if (exchange.handed_over) {
    if (exchange.reply_after_data) {
      const std::string detail = "the server answered the message with " + exchange.reply_after_data_text;
      if (code >= 400 && code < 500) return result(Kind::kTemporary, code, detail);
      if (code >= 500 && code < 600) return result(Kind::kPermanent, code, detail);
    }
    return result(Kind::kUnknown, 0,
                  "the whole message was transmitted but the server's reply to it never arrived (" +
                      curl_failure(rc, exchange) +
                      "); it may have been accepted, so it must not be sent again without checking");
  }
  if (code >= 500 && code < 600 &&
      (exchange.reply_to == "MAIL" || exchange.reply_to == "RCPT" || exchange.reply_to == "DATA")) {
    return result(Kind::kPermanent, code, "the server refused " + exchange.reply_to + " with " + exchange.reply_text);
  }
  std::string detail = curl_failure(rc, exchange);
  if (code < 400) {
    return result(Kind::kTemporary, 0, detail + "; nothing was sent");
  }
  const std::string answered = exchange.reply_to.empty() ? "the connection" : exchange.reply_to;
  return result(Kind::kTemporary, code,
                detail + " (the server answered " + answered + " with " + exchange.reply_text + "); nothing was sent");
}

std::string url_for(const SmtpSettings& settings, CURL* curl) {
  std::string url = settings.tls == SmtpTls::kTls ? "smtps://" : "smtp://";
  if (settings.host.find(':') != std::string::npos) {
    url += "[" + settings.host + "]";
  } else {
    url += settings.host;
  }
  url += ":" + std::to_string(settings.effective_port()) + "/";
  if (!settings.helo_name.empty()) {
    std::unique_ptr<char, CurlStringDeleter> escaped(
        curl_easy_escape(curl, settings.helo_name.data(), static_cast<int>(settings.helo_name.size())));
    if (escaped) url += escaped.get();
  }
  return url;
}

Result<std::string> url_part(CURLU* url, CURLUPart part, unsigned flags) {
  char* text = nullptr;
  const CURLUcode rc = curl_url_get(url, part, &text, flags);
  std::unique_ptr<char, CurlStringDeleter> owned(text);
  if (rc == CURLUE_OK) return std::string(text);
  return Status::not_found(curl_url_strerror(rc));
}

bool parse_int(std::string_view text, int low, int high, int& out) {
  if (text.empty() || text.size() > 9) return false;
  int value = 0;
  for (char c : text) {
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  if (value < low || value > high) return false;
  out = value;
  return true;
}

}  // namespace

Result<SmtpSettings> parse_smtp_url(std::string_view text) {
  if (initialize_curl() != CURLE_OK) return Status::io_error("libcurl could not be initialized");
  std::unique_ptr<CURLU, CurlUrlDeleter> url(curl_url());
  if (!url) return Status::io_error("libcurl could not allocate a URL");
  // The error messages never quote the URL: it may hold a password.
  if (has_line_break_or_nul(text)) return Status::invalid("smtp url: contains a line break or NUL");
  if (curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK) {
    return Status::invalid("smtp url: is not a URL of the form smtp://user:password@host:port?tls=starttls");
  }
  SmtpSettings settings;
  const Result<std::string> scheme = url_part(url.get(), CURLUPART_SCHEME, 0);
  if (scheme && *scheme == "smtps") {
    settings.tls = SmtpTls::kTls;
  } else if (!scheme || *scheme != "smtp") {
    return Status::invalid("smtp url: the scheme must be smtp:// or smtps://");
  }
  if (Result<std::string> user = url_part(url.get(), CURLUPART_USER, CURLU_URLDECODE)) settings.username = *user;
  if (Result<std::string> pass = url_part(url.get(), CURLUPART_PASSWORD, CURLU_URLDECODE)) {
    settings.password = *pass;
  }
  Result<std::string> host = url_part(url.get(), CURLUPART_HOST, 0);
  if (!host || host->empty()) return Status::invalid("smtp url: names no host");
  settings.host = *host;
  if (settings.host.size() >= 2 && settings.host.front() == '[' && settings.host.back() == ']') {
    settings.host = settings.host.substr(1, settings.host.size() - 2);
  }
  if (Result<std::string> port = url_part(url.get(), CURLUPART_PORT, 0)) {
    if (!parse_int(*port, 1, 65535, settings.port)) {
      return Status::invalid("smtp url: port '" + *port + "' is not a number from 1 to 65535");
    }
  }
  if (Result<std::string> path = url_part(url.get(), CURLUPART_PATH, 0); path && *path != "/" && !path->empty()) {
    return Status::invalid("smtp url: has a path ('" + *path + "'); only ?tls=, ?timeout= and ?helo= are read");
  }
  if (url_part(url.get(), CURLUPART_FRAGMENT, 0)) return Status::invalid("smtp url: has a fragment ('#...')");
  if (Result<std::string> query = url_part(url.get(), CURLUPART_QUERY, 0)) {
    std::string_view rest = *query;
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      const std::string_view item = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      const size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      if (key == "tls") {
        if (value == "none") {
          settings.tls = SmtpTls::kNone;
        } else if (value == "starttls") {
          settings.tls = SmtpTls::kStartTls;
        } else if (value == "starttls-optional") {
          settings.tls = SmtpTls::kStartTlsIfOffered;
        } else if (value == "tls") {
          settings.tls = SmtpTls::kTls;
        } else {
          return Status::invalid("smtp url: tls='" + std::string(value) +
                                 "' is not one of none, starttls, starttls-optional, tls");
        }
        if (*scheme == "smtps" && settings.tls != SmtpTls::kTls) {
          return Status::invalid("smtp url: smtps:// is TLS from the start; tls='" + std::string(value) +
                                 "' contradicts it");
        }
      } else if (key == "timeout") {
        if (!parse_int(value, 1, 86400, settings.timeout_seconds)) {
          return Status::invalid("smtp url: timeout='" + std::string(value) +
                                 "' is not a number of seconds (1 to 86400)");
        }
      } else if (key == "helo") {
        settings.helo_name = std::string(value);
      } else {
        return Status::invalid("smtp url: unknown option '" + std::string(key) + "' (known: tls, timeout, helo)");
      }
    }
  }
  return settings;
}

SmtpTransport::SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {}

SendResult SmtpTransport::send(const Envelope& envelope, std::string_view message_bytes) {
  using Kind = SendResult::Kind;
  if (envelope.rcpt_to.empty()) return result(Kind::kPermanent, 0, "the envelope has no recipient");
  if (has_line_break_or_nul(envelope.mail_from)) {
    return result(Kind::kPermanent, 0, "the envelope sender contains a line break or NUL");
  }
  for (const std::string& rcpt : envelope.rcpt_to) {
    if (rcpt.empty() || has_line_break_or_nul(rcpt)) {
      return result(Kind::kPermanent, 0, "an envelope recipient is empty or contains a line break or NUL");
    }
  }
  if (settings_.host.empty()) return result(Kind::kTemporary, 0, "no SMTP host is configured; nothing was sent");
  if (initialize_curl() != CURLE_OK) return result(Kind::kTemporary, 0, "libcurl could not be initialized");

  // `exchange` outlives the handle: curl_easy_cleanup may still call the debug callback (QUIT).
  Exchange exchange;
  exchange.message = message_bytes;
  std::unique_ptr<curl_slist, CurlSlistDeleter> recipients;
  for (const std::string& rcpt : envelope.rcpt_to) {
    curl_slist* appended = curl_slist_append(recipients.get(), ("<" + rcpt + ">").c_str());
    if (appended == nullptr) return result(Kind::kTemporary, 0, "out of memory building the recipient list");
    static_cast<void>(recipients.release());
    recipients.reset(appended);
  }
  std::unique_ptr<CURL, CurlEasyDeleter> handle(curl_easy_init());
  if (!handle) return result(Kind::kTemporary, 0, "libcurl could not create a handle");
  CURL* curl = handle.get();

  const std::string url = url_for(settings_, curl);
  const std::string mail_from = "<" + envelope.mail_from + ">";
  const long timeout = settings_.timeout_seconds > 0 ? settings_.timeout_seconds : 30;
  long use_ssl = CURLUSESSL_NONE;
  switch (settings_.tls) {
    case SmtpTls::kNone: use_ssl = CURLUSESSL_NONE; break;
    case SmtpTls::kStartTlsIfOffered: use_ssl = CURLUSESSL_TRY; break;
    case SmtpTls::kStartTls:
    case SmtpTls::kTls: use_ssl = CURLUSESSL_ALL; break;
  }

  bool ok = true;
  auto set = [&ok](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  set(curl_easy_setopt(curl, CURLOPT_URL, url.c_str()));
  set(curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps"));
  set(curl_easy_setopt(curl, CURLOPT_PROXY, ""));  // never through a proxy named by the environment
  set(curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, exchange.error));
  set(curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl));
  if (!settings_.ca_file.empty()) set(curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str()));
  if (!settings_.username.empty()) {
    set(curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str()));
    set(curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str()));
  }
  set(curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout));
  set(curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout));
  set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L));
  set(curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, timeout));
  set(curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str()));
  set(curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.get()));
  set(curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L));
  set(curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message_bytes.size())));
  set(curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read));
  set(curl_easy_setopt(curl, CURLOPT_READDATA, &exchange));
  set(curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug));
  set(curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &exchange));
  set(curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L));  // turns the debug callback on; nothing is printed
  if (!ok) return result(Kind::kTemporary, 0, "libcurl refused an option (is SMTP support built in?)");

  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  static_cast<void>(curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code));
  return classify(rc, code, exchange);
}

}  // namespace squeaky
