// How a finished email leaves squeaky: the MailTransport interface and its two implementations,
// SmtpTransport (a mail server, over libcurl) and FileTransport (.eml files in a folder).
//
// A transport is handed the envelope and the exact message bytes (channels/email.h builds both) and
// answers with a SendResult whose Kind tells the outbox what it may do next. The important
// distinction is kTemporary against kUnknown: kTemporary means the server cannot have accepted the
// message, so sending it again later is safe; kUnknown means the whole message went out and the
// final reply never came, so the server may have accepted it and the outbox must not resend it
// without a person deciding to.
//
// Thread-safety: SmtpTransport and FileTransport hold only their settings; send() may be called from
// several threads at once (each SMTP send uses its own connection).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace squeaky {

// What goes into the SMTP envelope: MAIL FROM and RCPT TO, bare addresses ("ar@example.com").
struct Envelope {
  std::string mail_from;  // "" sends the null reverse-path "<>"
  std::vector<std::string> rcpt_to;
};

struct SendResult {
  enum class Kind {
    kSent,       // the server accepted the message (250 after the end of the data)
    kTemporary,  // nothing was accepted; trying again later may work (no connection, timeout before
                 // the end of the data, a 4xx reply, failed login or TLS: a configuration to fix)
    kPermanent,  // a 5xx reply to MAIL, RCPT or DATA (or after the data): the address or the message
                 // is refused; also an envelope that cannot be sent (no recipient, CR/LF in it)
    kUnknown,    // the whole message was transmitted but no final reply arrived: the server may have
                 // accepted it, so it must never be resent automatically
  };
  Kind kind = Kind::kTemporary;
  int smtp_code = 0;   // the reply that decided (250, 451, 550...); 0 when none did (no connection,
                       // a timeout, kUnknown, a file)
  std::string detail;  // for people: the server's reply text or what went wrong
};

std::string_view to_string(SendResult::Kind kind);  // "sent", "temporary", "permanent", "unknown"

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // REQUIRES: message_bytes uses CRLF line endings (build_message() produces them).
  virtual SendResult send(const Envelope& envelope, std::string_view message_bytes) = 0;
};

// ---------------------------------------------------------------------------------------------------
// SMTP

enum class SmtpTls {
  kNone,               // plain SMTP (smtp://); STARTTLS is not attempted
  kStartTls,           // smtp:// then STARTTLS, which the server must offer (the connection fails otherwise)
  kStartTlsIfOffered,  // smtp:// then STARTTLS when the server offers it, plain otherwise
  kTls,                // TLS from the first byte (smtps://, usually port 465)
};
std::string_view to_string(SmtpTls tls);  // "none", "starttls", "starttls-optional", "tls"

struct SmtpSettings {
  std::string host;  // name or address; an IPv6 address without brackets
  int port = 0;      // 0: the usual port for the TLS mode (465 for kTls, 587 for STARTTLS, 25 otherwise)
  SmtpTls tls = SmtpTls::kStartTls;
  std::string username;  // "" for no AUTH
  std::string password;
  // Seconds allowed for connecting and for each reply of the server, and the longest the transfer
  // may stall. Default 30. A server that never answers the end of the data costs twice this:
  // libcurl then also waits this long for the reply to QUIT.
  int timeout_seconds = 30;
  std::string helo_name;  // the name given in EHLO; "" lets libcurl choose
  std::string ca_file;    // PEM file of trusted certificate authorities; "" for the system's store

  int effective_port() const;
};

// Parses "smtp://[user[:password]@]host[:port][?options]" or "smtps://...", where options are
// tls=none|starttls|starttls-optional|tls, timeout=SECONDS and helo=NAME joined by '&'
// ("smtp://clerk:secret@mail.example.com:587?tls=starttls&timeout=20"). tls defaults to "tls" for
// smtps and "starttls" for smtp; the port to effective_port(). User and password are
// percent-decoded, so "%40" stands for '@' and "%3A" for ':'. An IPv6 host is written in brackets.
// On failure the message names the part that is wrong and never repeats the password.
Result<SmtpSettings> parse_smtp_url(std::string_view url);

// Sends through an SMTP server with libcurl: one connection per send(), closed afterwards.
// The envelope's recipients must all be accepted; a refused recipient refuses the send.
class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(SmtpSettings settings);
  SendResult send(const Envelope& envelope, std::string_view message_bytes) override;

 private:
  SmtpSettings settings_;
};

// ---------------------------------------------------------------------------------------------------
// Files

// Writes each message to <dir>/<name>.eml, atomically (a temporary file in <dir> is written,
// fsync'ed, then linked to its name, and the folder is fsync'ed). send() names the file after the
// message's Message-ID header; write() takes the name from the caller. A name that is already there
// is left as it is and reported as kSent with detail "already written", so the same message sent
// twice gives one file. The envelope is not written (the file is the message only). I/O failures
// are kTemporary. Names keep [A-Za-z0-9._@+-] and write every other byte as %XX (and a leading '.'
// as %2E), so different ids never share a file; a name longer than 200 is cut and given a hash.
class FileTransport final : public MailTransport {
 public:
  // `dir` is not created: while it is missing, every write is kTemporary.
  explicit FileTransport(std::filesystem::path dir);

  // kPermanent when the message has no Message-ID header.
  SendResult send(const Envelope& envelope, std::string_view message_bytes) override;
  SendResult write(std::string_view name, std::string_view message_bytes);

  // The file name write() uses for `name` (sanitized, with ".eml"), and send() for a message id.
  static std::string file_name_for(std::string_view name);

 private:
  std::filesystem::path dir_;
};

}  // namespace squeaky
