// An email as squeaky sends it, and the exact bytes that carry it (RFC 5322 and MIME).
//
// build_message() is a pure function: no clock, no randomness, no host name. The date and the
// Message-ID come from the caller (the app derives the id from the action, so a resent action
// carries the same id), and the MIME boundaries are derived from the Message-ID, so the same
// EmailMessage always gives the same bytes. That is what lets the journal record the exact content
// sent and a retry send exactly that again.
//
// The layout: multipart/mixed { multipart/alternative { text/plain, text/html }, attachments... },
// with each level left out when it would hold one part (no attachment: no mixed; only a text or only
// an html body: no alternative). Bodies are UTF-8, quoted-printable; attachments are base64; every
// line ends in CRLF and is at most 76 characters, except a header holding a single word longer
// than that (a very long address or Message-ID), which stays within RFC 5322's 998. Header text
// that is not ASCII (subject, display names, extra header values) becomes RFC 2047 encoded-words
// (UTF-8, base64). Plain values; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "channels/transport.h"
#include "core/date.h"
#include "core/result.h"

namespace squeaky {

struct MailAddress {
  std::string name;     // display name, UTF-8; "" for none
  std::string address;  // "ar@example.com": ASCII, one '@', no spaces or brackets
};

struct EmailAttachment {
  std::string file_name;     // UTF-8, without a folder ("statement-C-1001.pdf")
  std::string content_type;  // "application/pdf"; "" means application/octet-stream
  std::string bytes;
};

struct EmailHeader {
  std::string name;   // "List-Unsubscribe"; printable ASCII without ':'
  std::string value;  // UTF-8 on one line; folded as needed, encoded when not ASCII
};

struct EmailMessage {
  MailAddress from;
  std::optional<MailAddress> reply_to;
  std::vector<MailAddress> to;  // at least one
  std::string subject;          // UTF-8 on one line
  Timestamp date;
  // "<action-123.2026-11-24@squeaky.example.com>"; the angle brackets may be left out.
  std::string message_id;
  std::string text_body;  // UTF-8; "\n" or "\r\n" line ends (sent as CRLF)
  std::string html_body;  // UTF-8; "" for a text-only message
  std::vector<EmailAttachment> attachments;
  // Added after the standard headers, in this order. May not repeat a header build_message writes
  // itself (From, Reply-To, To, Subject, Date, Message-ID, MIME-Version, Content-*).
  std::vector<EmailHeader> extra_headers;
};

// The message as bytes ready for DATA (or an .eml file). Fails with kInvalidArgument, naming the
// field, when a header value holds CR, LF or NUL, text is not UTF-8, an address is not of the form
// local@domain, there is no recipient, the Message-ID is not "<left@right>", or an extra header
// has a bad or reserved name.
Result<std::string> build_message(const EmailMessage& message);

// MAIL FROM the sender's address, RCPT TO each address in `to`.
Envelope envelope_for(const EmailMessage& message);

// "Tue, 24 Nov 2026 09:00:00 +0000": the RFC 5322 date-time of an instant, in UTC.
std::string rfc5322_date(Timestamp at);

}  // namespace squeaky
