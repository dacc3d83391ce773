#include "channels/email.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

namespace squeaky {
namespace {

constexpr size_t kLineLimit = 76;  // every line we write, except a header holding one long word
constexpr size_t kMaxAddress = 254;
constexpr size_t kMaxMessageId = 250;
constexpr size_t kMaxContentType = 200;
constexpr std::string_view kCrlf = "\r\n";

// ---- checks ---------------------------------------------------------------------------------------

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

bool is_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// A value that goes into a header: one line of UTF-8.
Status check_header_text(std::string_view field, std::string_view value) {
  for (char c : value) {
    if (c == '\r' || c == '\n') {
      return Status::invalid("email " + std::string(field) +
                             ": contains a line break (CR or LF), which would start a new header");
    }
    if (c == '\0') return Status::invalid("email " + std::string(field) + ": contains a NUL byte");
  }
  if (!is_utf8(value)) return Status::invalid("email " + std::string(field) + ": is not valid UTF-8");
  return Status::ok();
}

Status check_address(std::string_view field, std::string_view address) {
  if (Status s = check_header_text(field, address); !s.is_ok()) return s;
  const std::string quoted = "email " + std::string(field) + ": '" + std::string(address) + "' ";
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return Status::invalid(quoted + "is not an email address (no '@')");
  if (at == 0 || at + 1 == address.size()) {
    return Status::invalid(quoted + "is not an email address (nothing before or after the '@')");
  }
  if (address.size() > kMaxAddress) return Status::invalid(quoted + "is longer than 254 characters");
  for (char ch : address) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return Status::invalid(quoted + "has characters that are not ASCII, which is not supported");
    if (c <= 0x20 || c == 0x7f || std::string_view("<>()[],;:\\\"").find(ch) != std::string_view::npos) {
      return Status::invalid(quoted + "has a space, a control character or one of <>()[],;:\\\"");
    }
  }
  if (address.find('@') != at) return Status::invalid(quoted + "has more than one '@'");
  return Status::ok();
}

Result<std::string> normalized_message_id(std::string_view id) {
  if (Status s = check_header_text("message_id", id); !s.is_ok()) return s;
  std::string_view inner = id;
  if (inner.size() >= 2 && inner.front() == '<' && inner.back() == '>') inner = inner.substr(1, inner.size() - 2);
  const std::string quoted = "email message_id: '" + std::string(id) + "' ";
  const size_t at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size() || inner.find('@', at + 1) != inner.npos) {
    return Status::invalid(quoted + "is not of the form <left@right>");
  }
  if (inner.size() + 2 > kMaxMessageId) return Status::invalid(quoted + "is longer than 250 characters");
  for (char ch : inner) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == '<' || ch == '>' || ch == '"' || ch == '\\') {
      return Status::invalid(quoted + "may hold only printable ASCII without spaces, quotes or brackets");
    }
  }
  return "<" + std::string(inner) + ">";
}

bool ascii_equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Status check_extra_header(size_t index, const EmailHeader& header) {
  const std::string field = "extra_headers[" + std::to_string(index) + "]";
  if (header.name.empty()) return Status::invalid("email " + field + ".name: is empty");
  for (char ch : header.name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == ':') {
      return Status::invalid("email " + field + ".name: '" + header.name +
                             "' may hold only printable ASCII without spaces or ':'");
    }
  }
  static constexpr std::array<std::string_view, 7> kReserved = {"From",       "Reply-To",     "To",  "Subject",
                                                                "Message-ID", "MIME-Version", "Date"};
  bool reserved = header.name.size() >= 8 && ascii_equal_ignoring_case(header.name.substr(0, 8), "Content-");
  for (std::string_view name : kReserved) reserved = reserved || ascii_equal_ignoring_case(header.name, name);
  if (reserved) {
    return Status::invalid("email " + field + ".name: '" + header.name + "' is written by build_message itself");
  }
  return check_header_text(field + ".value", header.value);
}

Status check_content_type(std::string_view field, std::string_view type) {
  const std::string quoted = "email " + std::string(field) + ": '" + std::string(type) + "' ";
  const size_t slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size() || type.size() > kMaxContentType) {
    return Status::invalid(quoted + "is not a MIME type such as application/pdf");
  }
  for (size_t i = 0; i < type.size(); ++i) {
    const auto c = static_cast<unsigned char>(type[i]);
    const bool tspecial = std::string_view("()<>@,;:\\\"/[]?=").find(type[i]) != std::string_view::npos;
    if (c <= 0x20 || c >= 0x7f || (tspecial && i != slash)) {
      return Status::invalid(quoted + "is not a MIME type such as application/pdf");
    }
  }
  return Status::ok();
}

// ---- encodings ------------------------------------------------------------------------------------

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_base64(std::string& out, std::string_view bytes) {
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
}

// Base64 in lines of 76 characters, each ending in CRLF except the last.
std::string base64_body(std::string_view bytes) {
  constexpr size_t kBytesPerLine = kLineLimit / 4 * 3;  // 57
  std::string out;
  out.reserve(bytes.size() / 3 * 4 + bytes.size() / kBytesPerLine * 2 + 8);
  for (size_t i = 0; i < bytes.size(); i += kBytesPerLine) {
    if (i != 0) out += kCrlf;
    append_base64(out, bytes.substr(i, kBytesPerLine));
  }
  return out;
}

// Quoted-printable (RFC 2045 6.7) of text whose line ends are "\n" or "\r\n": hard line breaks
// become CRLF, lines are cut with soft breaks at 76 characters, white space before a line end, a
// '.' and the 'F' of "From " at the start of a line are encoded (so that no transport's dot handling
// or mbox quoting can touch them).
std::string quoted_printable_body(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  size_t column = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n' || (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (ch == '\r') ++i;
      out += kCrlf;
      column = 0;
      continue;
    }
    const bool line_ends_next = i + 1 == text.size() || text[i + 1] == '\n' ||
                                (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n');
    const auto c = static_cast<unsigned char>(ch);
    auto literal = [&](size_t col) {
      if (ch == ' ' || ch == '\t') return !line_ends_next;
      if (ch == '.' && col == 0) return false;
      if (ch == 'F' && col == 0 && text.substr(i, 5) == "From ") return false;  // mbox would add '>'
      return c >= 33 && c <= 126 && ch != '=';
    };
    size_t width = literal(column) ? 1 : 3;
    // The last character of a line may use column 76; any other leaves room for the soft break '='.
    const size_t limit = line_ends_next ? kLineLimit : kLineLimit - 1;
    if (column + width > limit) {
      out += "=\r\n";
      column = 0;
      width = literal(column) ? 1 : 3;
    }
    if (width == 1) {
      out += ch;
    } else {
      out += '=';
      out += kHexUpper[c >> 4];
      out += kHexUpper[c & 0xf];
    }
    column += width;
  }
  return out;
}

// ---- headers --------------------------------------------------------------------------------------

// Writes "Name: token token ...\r\n", the tokens separated by one space, starting a continuation
// line (CRLF SP) before any token that would pass column 76. A token is never split.
void append_header(std::string& out, std::string_view name, const std::vector<std::string>& tokens) {
  out += name;
  out += ':';
  size_t column = name.size() + 1;
  for (const std::string& token : tokens) {
    if (!token.empty() && column + 1 + token.size() > kLineLimit) {
      out += "\r\n ";
      column = 1;
    } else {
      out += ' ';
      ++column;
    }
    out += token;
    column += token.size();
  }
  out += kCrlf;
}

// RFC 2047 encoded-words ("=?UTF-8?B?...?=") for UTF-8 text, each at most 75 characters and holding
// whole characters only. The first word is kept to `first_budget` characters so that it fits on the
// header's first line.
std::vector<std::string> encoded_words(std::string_view text, size_t first_budget) {
  constexpr std::string_view kOpen = "=?UTF-8?B?";
  constexpr std::string_view kClose = "?=";
  constexpr size_t kMaxWord = 75;
  std::vector<std::string> words;
  size_t budget = first_budget;
  if (budget < kOpen.size() + kClose.size() + 8) budget = kMaxWord;  // would hold too little: next line
  size_t i = 0;
  while (i < text.size()) {
    const size_t max_bytes = (budget - kOpen.size() - kClose.size()) / 4 * 3;
    size_t end = i;
    while (end < text.size()) {
      const size_t n = std::max<size_t>(utf8_sequence_length(text, end), 1);
      if (end + n - i > max_bytes) break;
      end += n;
    }
    std::string word(kOpen);
    append_base64(word, text.substr(i, end - i));
    word += kClose;
    words.push_back(std::move(word));
    i = end;
    budget = kMaxWord;
  }
  return words;
}

std::vector<std::string> split_on_spaces(std::string_view text) {
  std::vector<std::string> pieces;
  size_t start = 0;
  while (true) {
    const size_t space = text.find(' ', start);
    pieces.emplace_back(text.substr(start, space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return pieces;
}

// Whether unstructured text can be written as it is: ASCII without control characters, no "=?"
// (which a reader could take for an encoded-word) and no word too long to fold.
bool writable_as_is(std::string_view text) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x7f || (c < 0x20 && ch != '\t')) return false;
  }
  if (text.find("=?") != std::string_view::npos) return false;
  for (const std::string& piece : split_on_spaces(text)) {
    if (piece.size() > kLineLimit - 1) return false;
  }
  return true;
}

// An unstructured header (Subject, an extra header's value).
void append_unstructured(std::string& out, std::string_view name, std::string_view text) {
  if (writable_as_is(text)) {
    append_header(out, name, split_on_spaces(text));
  } else {
    append_header(out, name, encoded_words(text, kLineLimit - name.size() - 2));
  }
}

bool is_atext(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(ch) != std::string_view::npos;
}

// The tokens of "display name <address>" (or "address" with no name), for From, Reply-To and To.
void append_mailbox_tokens(std::vector<std::string>& tokens, const MailAddress& mailbox, size_t column) {
  const std::string_view name = mailbox.name;
  if (name.empty()) {
    tokens.push_back(mailbox.address);
    return;
  }
  bool all_atoms = true;
  bool quotable = name.size() + 2 <= kLineLimit - 1;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    all_atoms = all_atoms && (is_atext(ch) || ch == ' ');
    quotable = quotable && c >= 0x20 && c < 0x7f;
  }
  if (name.find("=?") != std::string_view::npos) all_atoms = quotable = false;
  if (all_atoms && name.front() != ' ' && name.back() != ' ' && name.find("  ") == std::string_view::npos) {
    for (std::string& piece : split_on_spaces(name)) tokens.push_back(std::move(piece));
  } else if (quotable) {
    std::string quoted = "\"";
    for (char ch : name) {
      if (ch == '"' || ch == '\\') quoted += '\\';
      quoted += ch;
    }
    quoted += '"';
    tokens.push_back(std::move(quoted));
  } else {
    for (std::string& word : encoded_words(name, column > kLineLimit - 1 ? 0 : kLineLimit - 1 - column)) {
      tokens.push_back(std::move(word));
    }
  }
  tokens.push_back("<" + mailbox.address + ">");
}

void append_address_header(std::string& out, std::string_view name, const std::vector<MailAddress>& mailboxes) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < mailboxes.size(); ++i) {
    // Column for the first encoded word: after "Name: " on the first line, else a new line.
    const size_t column = tokens.empty() ? name.size() + 1 : 1;
    append_mailbox_tokens(tokens, mailboxes[i], column);
    if (i + 1 < mailboxes.size()) tokens.back() += ',';
  }
  append_header(out, name, tokens);
}

bool is_attribute_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos;
}

// A MIME parameter (name="statement.pdf") as header tokens: a quoted string when the value is short
// printable ASCII, else RFC 2231 (name*0*=UTF-8''...; name*1*=...) in sections that fit a line.
std::vector<std::string> parameter_tokens(std::string_view attribute, std::string_view value) {
  bool quotable = attribute.size() + value.size() + 4 <= kLineLimit - 1;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    quotable = quotable && c >= 0x20 && c < 0x7f && ch != '"' && ch != '\\';
  }
  if (quotable) return {std::string(attribute) + "=\"" + std::string(value) + "\""};

  std::vector<std::string> sections;
  constexpr size_t kSectionValue = 48;  // encoded characters per section
  std::string current = "UTF-8''";
  for (size_t i = 0; i < value.size();) {
    // One character at a time, so that no section ends inside a character (readers decode each
    // section on its own).
    const size_t n = std::max<size_t>(utf8_sequence_length(value, i), 1);
    std::string piece;
    for (const char ch : value.substr(i, n)) {
      const auto c = static_cast<unsigned char>(ch);
      if (is_attribute_char(ch)) {
        piece += ch;
      } else {
        piece += {'%', kHexUpper[c >> 4], kHexUpper[c & 0xf]};
      }
    }
    i += n;
    if (current.size() + piece.size() > kSectionValue) {
      sections.push_back(std::move(current));
      current.clear();
    }
    current += piece;
  }
  sections.push_back(std::move(current));
  std::vector<std::string> tokens;
  for (size_t i = 0; i < sections.size(); ++i) {
    tokens.push_back(std::string(attribute) + "*" + std::to_string(i) + "*=" + sections[i]);
  }
  return tokens;
}

// ---- MIME entities --------------------------------------------------------------------------------

struct Entity {
  std::string headers;  // complete header lines, each ending in CRLF
  std::string body;
};

std::string serialize(const Entity& entity) { return entity.headers + std::string(kCrlf) + entity.body; }

Entity text_entity(std::string_view subtype, std::string_view text) {
  Entity e;
  e.headers = "Content-Type: text/" + std::string(subtype) +
              "; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n";
  e.body = quoted_printable_body(text);
  return e;
}

Entity attachment_entity(const EmailAttachment& attachment) {
  const std::string type = attachment.content_type.empty() ? "application/octet-stream" : attachment.content_type;
  Entity e;
  std::vector<std::string> type_tokens = {type + ";"};
  std::vector<std::string> name_tokens = parameter_tokens("name", attachment.file_name);
  std::vector<std::string> disposition_tokens = {"attachment;"};
  std::vector<std::string> file_tokens = parameter_tokens("filename", attachment.file_name);
  for (size_t i = 0; i < name_tokens.size(); ++i) {
    type_tokens.push_back(name_tokens[i] + (i + 1 < name_tokens.size() ? ";" : ""));
  }
  for (size_t i = 0; i < file_tokens.size(); ++i) {
    disposition_tokens.push_back(file_tokens[i] + (i + 1 < file_tokens.size() ? ";" : ""));
  }
  append_header(e.headers, "Content-Type", type_tokens);
  append_header(e.headers, "Content-Disposition", disposition_tokens);
  e.headers += "Content-Transfer-Encoding: base64\r\n";
  e.body = base64_body(attachment.bytes);
  return e;
}

Entity multipart_entity(std::string_view subtype, const std::string& boundary, const std::vector<Entity>& parts) {
  Entity e;
  append_header(e.headers, "Content-Type",
                {"multipart/" + std::string(subtype) + ";", "boundary=\"" + boundary + "\""});
  for (const Entity& part : parts) {
    e.body += "--" + boundary + "\r\n";
    e.body += serialize(part);
    e.body += kCrlf;
  }
  e.body += "--" + boundary + "--\r\n";
  return e;
}

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// "=_alt_<16 hex digits>". Quoted-printable and base64 text can never contain "=_", so a boundary
// starting with it cannot occur inside a part; the hash of the Message-ID keeps boundaries of
// different messages apart (for a message forwarded inside another).
std::string boundary_for(std::string_view kind, std::string_view message_id) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a64(std::string(kind) + "\n" + std::string(message_id))));
  return "=_" + std::string(kind) + "_" + hex;
}

}  // namespace

std::string rfc5322_date(Timestamp at) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds s = at.seconds();
  const sys_days day = floor<days>(s);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> time{s - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %u %s %04d %02d:%02d:%02d +0000", kDays[weekday{day}.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return buf;
}

Envelope envelope_for(const EmailMessage& message) {
  Envelope envelope;
  envelope.mail_from = message.from.address;
  for (const MailAddress& to : message.to) envelope.rcpt_to.push_back(to.address);
  return envelope;
}

Result<std::string> build_message(const EmailMessage& message) {
  // Every value that reaches a header is checked before anything is written.
  if (Status s = check_address("from.address", message.from.address); !s.is_ok()) return s;
  if (Status s = check_header_text("from.name", message.from.name); !s.is_ok()) return s;
  if (message.reply_to) {
    if (Status s = check_address("reply_to.address", message.reply_to->address); !s.is_ok()) return s;
    if (Status s = check_header_text("reply_to.name", message.reply_to->name); !s.is_ok()) return s;
  }
  if (message.to.empty()) return Status::invalid("email to: there is no recipient");
  for (size_t i = 0; i < message.to.size(); ++i) {
    const std::string field = "to[" + std::to_string(i) + "]";
    if (Status s = check_address(field + ".address", message.to[i].address); !s.is_ok()) return s;
    if (Status s = check_header_text(field + ".name", message.to[i].name); !s.is_ok()) return s;
  }
  if (Status s = check_header_text("subject", message.subject); !s.is_ok()) return s;
  Result<std::string> message_id = normalized_message_id(message.message_id);
  if (!message_id) return message_id.status();
  for (size_t i = 0; i < message.extra_headers.size(); ++i) {
    if (Status s = check_extra_header(i, message.extra_headers[i]); !s.is_ok()) return s;
  }
  for (size_t i = 0; i < message.attachments.size(); ++i) {
    const std::string field = "attachments[" + std::to_string(i) + "]";
    const EmailAttachment& a = message.attachments[i];
    if (a.file_name.empty()) return Status::invalid("email " + field + ".file_name: is empty");
    if (Status s = check_header_text(field + ".file_name", a.file_name); !s.is_ok()) return s;
    if (!a.content_type.empty()) {
      if (Status s = check_content_type(field + ".content_type", a.content_type); !s.is_ok()) return s;
    }
  }
  if (!is_utf8(message.text_body)) return Status::invalid("email text_body: is not valid UTF-8");
  if (!is_utf8(message.html_body)) return Status::invalid("email html_body: is not valid UTF-8");

  std::string out;
  out.reserve(2048 + message.text_body.size() * 11 / 10 + message.html_body.size() * 11 / 10 +
              message.attachments.size() * 256);
  out += "Date: " + rfc5322_date(message.date) + "\r\n";
  append_address_header(out, "From", {message.from});
  if (message.reply_to) append_address_header(out, "Reply-To", {*message.reply_to});
  append_address_header(out, "To", message.to);
  append_unstructured(out, "Subject", message.subject);
  append_header(out, "Message-ID", {*message_id});
  for (const EmailHeader& header : message.extra_headers) append_unstructured(out, header.name, header.value);
  out += "MIME-Version: 1.0\r\n";

  std::vector<Entity> bodies;
  if (!message.text_body.empty() || message.html_body.empty())
    bodies.push_back(text_entity("plain", message.text_body));
  if (!message.html_body.empty()) bodies.push_back(text_entity("html", message.html_body));
  Entity content = bodies.size() == 1 ? std::move(bodies.front())
                                      : multipart_entity("alternative", boundary_for("alt", *message_id), bodies);
  if (!message.attachments.empty()) {
    std::vector<Entity> parts;
    parts.push_back(std::move(content));
    for (const EmailAttachment& attachment : message.attachments) parts.push_back(attachment_entity(attachment));
    content = multipart_entity("mixed", boundary_for("mixed", *message_id), parts);
  }
  out += serialize(content);
  return out;
}

}  // namespace squeaky
