#include "channels/email.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "testing.h"

namespace squeaky {
namespace {

namespace fs = std::filesystem;

Timestamp at(std::string_view utc) { return *Timestamp::parse(utc); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string crlf_to_lf(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

// An independent reader: Python's standard email package parses the bytes and writes what it
// decoded into files in `out` (subject, from_name, to, structure, text, html, attachmentN.*,
// defects).
constexpr std::string_view kPythonReader = R"PY(
import os, sys
from email import policy
from email.parser import BytesParser

message_path, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(message_path, "rb") as f:
    msg = BytesParser(policy=policy.default).parse(f)

def put(name, data):
    if isinstance(data, bytes):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    else:
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.write(data)

put("subject", str(msg["subject"]))
put("from_name", msg["from"].addresses[0].display_name)
put("from_address", msg["from"].addresses[0].addr_spec)
put("reply_to", "\n".join(a.display_name + "|" + a.addr_spec for a in msg["reply-to"].addresses)
    if msg["reply-to"] else "")
put("to", "\n".join(a.display_name + "|" + a.addr_spec for a in msg["to"].addresses))
put("list_unsubscribe", str(msg["list-unsubscribe"] or ""))
put("structure", "\n".join(p.get_content_type() for p in msg.walk()))
defects = []
for part in msg.walk():
    defects += [repr(d) for d in part.defects]
    for name, value in part.items():
        defects += [name + ": " + repr(d) for d in getattr(value, "defects", [])]
put("defects", "\n".join(defects))
n = 0
for part in msg.walk():
    if part.is_multipart():
        continue
    if part.get_content_disposition() == "attachment":
        put("attachment%d.bin" % n, part.get_payload(decode=True))
        put("attachment%d.name" % n, part.get_filename())
        put("attachment%d.type" % n, part.get_content_type())
        n += 1
    elif part.get_content_type() == "text/plain":
        put("text", part.get_payload(decode=True).decode("utf-8"))
    elif part.get_content_type() == "text/html":
        put("html", part.get_payload(decode=True).decode("utf-8"))
)PY";

// Runs the Python reader over `bytes`; returns the folder it wrote into.
fs::path parse_with_python(const fs::path& scratch, std::string_view bytes) {
  const fs::path script = scratch / "reader.py";
  const fs::path message = scratch / "message.eml";
  const fs::path out = scratch / "parsed";
  write_file(script, kPythonReader);
  write_file(message, bytes);
  const std::string command =
      "/usr/bin/python3 -I '" + script.string() + "' '" + message.string() + "' '" + out.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return out;
}

std::string pdf_like_bytes(size_t n) {
  std::string bytes = "%PDF-1.7\n";
  uint32_t x = 12345;
  while (bytes.size() < n) {
    x = x * 1103515245u + 12345u;
    bytes += static_cast<char>(x >> 24);
  }
  return bytes;
}

EmailMessage full_message() {
  EmailMessage m;
  m.from = {"Αθηνά Παπαδοπούλου", "billing@acme.example"};
  m.reply_to = MailAddress{"Acme Accounts", "accounts@acme.example"};
  m.to = {{"Γιώργος Νικολάου", "giorgos@customer.example"}, {"Smith, John", "john.smith@customer.example"}};
  m.subject = "Υπενθύμιση: τιμολόγιο A-123 ληξιπρόθεσμο";
  m.date = at("2026-11-24T09:00:00Z");
  m.message_id = "<action-123.2026-11-24@squeaky.example.com>";
  m.text_body =
      "Dear customer,\n"
      "\n"
      "Invoice A-123 over 1.234,56 € is 14 days past due. Please pay it today; the amount = the balance.\n"
      ".a line that starts with a dot\n"
      "From the accounts team, with trailing spaces   \n"
      "tab\tinside and at the end\t\n"
      "Ελληνικό κείμενο σε μια πολύ μεγάλη γραμμή που πρέπει να σπάσει σε πολλές γραμμές των εβδομήντα έξι\n" +
      std::string(200, 'x') +
      "\n"
      "no newline at the end";
  m.html_body =
      "<html><body><p>Dear customer,</p><p>Invoice <b>A-123</b> over 1.234,56&nbsp;€ is 14 days past due.</p>"
      "<p style=\"color: #333\">Ελληνικά</p></body></html>\n";
  m.attachments = {{"Κατάσταση λογαριασμού C-1001 (Νοέμβριος 2026).pdf", "application/pdf", pdf_like_bytes(5000)}};
  m.extra_headers = {
      {"List-Unsubscribe", "<mailto:unsubscribe@acme.example?subject=unsubscribe>, <https://acme.example/u/abc>"}};
  return m;
}

std::vector<std::string> lines_of(std::string_view bytes) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find("\r\n", start);
    if (end == std::string_view::npos) end = bytes.size();
    lines.emplace_back(bytes.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

TEST(EmailTest, TextOnlyMessageIsExactlyTheseBytes) {
  EmailMessage m;
  m.from = {"Acme Billing", "billing@acme.example"};
  m.to = {{"", "bob@customer.example"}};
  m.subject = "Invoice A-123 is overdue";
  m.date = at("2026-11-24T09:00:00Z");
  m.message_id = "action-1@squeaky.example.com";  // brackets added
  m.text_body = "Dear Bob,\n\nplease pay € 12.50 = the balance.\n";
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  EXPECT_EQ(*bytes,
            "Date: Tue, 24 Nov 2026 09:00:00 +0000\r\n"
            "From: Acme Billing <billing@acme.example>\r\n"
            "To: bob@customer.example\r\n"
            "Subject: Invoice A-123 is overdue\r\n"
            "Message-ID: <action-1@squeaky.example.com>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Dear Bob,\r\n"
            "\r\n"
            "please pay =E2=82=AC 12.50 =3D the balance.\r\n");
}

TEST(EmailTest, HeadersOfTheFullMessage) {
  const Result<std::string> bytes = build_message(full_message());
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  const std::string headers = bytes->substr(0, bytes->find("\r\n\r\n") + 2);
  EXPECT_EQ(headers.find("Date: Tue, 24 Nov 2026 09:00:00 +0000\r\n"), 0u) << headers;
  // The encoded name fills the first line; the address goes on the next.
  EXPECT_NE(headers.find("\r\nFrom: =?UTF-8?B?zpHOuM63zr3OrCDOoM6xz4DOsc60zr/PgM6/z43Ou86/z4U=?=\r\n"
                         " <billing@acme.example>\r\n"),
            std::string::npos)
      << headers;
  EXPECT_NE(headers.find("\r\nReply-To: Acme Accounts <accounts@acme.example>\r\n"), std::string::npos) << headers;
  EXPECT_NE(headers.find("\r\nMessage-ID: <action-123.2026-11-24@squeaky.example.com>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("\"Smith, John\" <john.smith@customer.example>"), std::string::npos) << headers;
  EXPECT_NE(headers.find("\r\nList-Unsubscribe: <mailto:unsubscribe@acme.example?subject=unsubscribe>,\r\n"
                         " <https://acme.example/u/abc>\r\n"),
            std::string::npos)
      << headers;
  EXPECT_NE(headers.find("\r\nContent-Type: multipart/mixed; boundary=\"=_mixed_"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("=?UTF-8?B?zqXPgM61zr3OuM+NzrzOuc+Dzrc6IM+EzrnOvM6/zrvPjM6zzrk=?="),
            headers.find("Subject: ") + 9)
      << headers;
}

TEST(EmailTest, RfcDateInUtc) {
  EXPECT_EQ(rfc5322_date(at("2026-11-24T09:00:00Z")), "Tue, 24 Nov 2026 09:00:00 +0000");
  EXPECT_EQ(rfc5322_date(at("2024-02-29T23:59:59Z")), "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(rfc5322_date(at("2027-01-03T00:00:05Z")), "Sun, 3 Jan 2027 00:00:05 +0000");
}

TEST(EmailTest, PythonReadsBackEveryPartAndHeader) {
  const EmailMessage m = full_message();
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  const fs::path out = parse_with_python(testing::scratch_dir("email"), *bytes);

  EXPECT_EQ(read_file(out / "defects"), "");
  EXPECT_EQ(read_file(out / "structure"),
            "multipart/mixed\nmultipart/alternative\ntext/plain\ntext/html\napplication/pdf");
  EXPECT_EQ(read_file(out / "subject"), m.subject);
  EXPECT_EQ(read_file(out / "from_name"), m.from.name);
  EXPECT_EQ(read_file(out / "from_address"), m.from.address);
  EXPECT_EQ(read_file(out / "reply_to"), "Acme Accounts|accounts@acme.example");
  EXPECT_EQ(read_file(out / "to"),
            "Γιώργος Νικολάου|giorgos@customer.example\nSmith, John|john.smith@customer.example");
  EXPECT_EQ(read_file(out / "list_unsubscribe"), m.extra_headers[0].value);
  EXPECT_EQ(crlf_to_lf(read_file(out / "text")), m.text_body);
  EXPECT_EQ(crlf_to_lf(read_file(out / "html")), m.html_body);
  EXPECT_EQ(read_file(out / "attachment0.bin"), m.attachments[0].bytes);
  EXPECT_EQ(read_file(out / "attachment0.name"), m.attachments[0].file_name);
  EXPECT_EQ(read_file(out / "attachment0.type"), "application/pdf");
}

TEST(EmailTest, TextAndHtmlWithoutAttachmentIsAlternativeOnly) {
  EmailMessage m = full_message();
  m.attachments.clear();
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  EXPECT_EQ(bytes->find("multipart/mixed"), std::string::npos);
  const fs::path out = parse_with_python(testing::scratch_dir("email"), *bytes);
  EXPECT_EQ(read_file(out / "defects"), "");
  EXPECT_EQ(read_file(out / "structure"), "multipart/alternative\ntext/plain\ntext/html");
  EXPECT_EQ(crlf_to_lf(read_file(out / "text")), m.text_body);
  EXPECT_EQ(crlf_to_lf(read_file(out / "html")), m.html_body);
}

TEST(EmailTest, LongAndUnusualHeaderValuesFoldAndReadBack) {
  EmailMessage m = full_message();
  m.subject = "Reminder: invoices A-1, A-2, A-3, A-4, A-5, A-6, A-7, A-8, A-9, A-10, A-11 and A-12 are overdue";
  m.from.name = "Acme \"Best\" Widgets";
  m.to = {{"Ünïcødé", "a@customer.example"}, {"O'Brien", "b@customer.example"}};
  m.attachments[0].file_name = "statement.pdf";
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  EXPECT_NE(bytes->find("Subject: Reminder:"), std::string::npos);  // ASCII stays readable
  EXPECT_NE(bytes->find("filename=\"statement.pdf\""), std::string::npos);
  const fs::path out = parse_with_python(testing::scratch_dir("email"), *bytes);
  EXPECT_EQ(read_file(out / "defects"), "");
  EXPECT_EQ(read_file(out / "subject"), m.subject);
  EXPECT_EQ(read_file(out / "from_name"), m.from.name);
  EXPECT_EQ(read_file(out / "to"), "Ünïcødé|a@customer.example\nO'Brien|b@customer.example");
  EXPECT_EQ(read_file(out / "attachment0.name"), "statement.pdf");
}

TEST(EmailTest, EveryLineEndsInCrlfAndIsShort) {
  const Result<std::string> bytes = build_message(full_message());
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  for (size_t i = 0; i < bytes->size(); ++i) {
    if ((*bytes)[i] == '\n') {
      ASSERT_TRUE(i > 0 && (*bytes)[i - 1] == '\r') << "bare LF at byte " << i;
    }
    if ((*bytes)[i] == '\r') {
      ASSERT_TRUE(i + 1 < bytes->size() && (*bytes)[i + 1] == '\n') << "bare CR at byte " << i;
    }
  }
  EXPECT_TRUE(bytes->ends_with("\r\n"));
  for (const std::string& line : lines_of(*bytes)) {
    EXPECT_LE(line.size(), 998u) << line;
    EXPECT_LE(line.size(), 76u) << line;
  }
}

TEST(EmailTest, QuotedPrintableEncodesWhatTransportsWouldTouch) {
  EmailMessage m = full_message();
  m.html_body.clear();
  m.attachments.clear();
  m.text_body = "a=b\n.dot\nFrom me\ntrailing \nend\t";
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();
  EXPECT_TRUE(bytes->ends_with("\r\n\r\na=3Db\r\n=2Edot\r\n=46rom me\r\ntrailing=20\r\nend=09")) << *bytes;
}

TEST(EmailTest, SameInputSameBytes) {
  const Result<std::string> first = build_message(full_message());
  const Result<std::string> second = build_message(full_message());
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_EQ(*first, *second);

  EmailMessage other = full_message();
  other.message_id = "<action-124.2026-11-24@squeaky.example.com>";
  const Result<std::string> third = build_message(other);
  ASSERT_TRUE(third.is_ok());
  const auto boundary = [](const std::string& bytes) {
    const size_t start = bytes.find("boundary=\"") + 10;
    return bytes.substr(start, bytes.find('"', start) - start);
  };
  EXPECT_NE(boundary(*first), boundary(*third));
}

TEST(EmailTest, EnvelopeComesFromTheAddresses) {
  const Envelope envelope = envelope_for(full_message());
  EXPECT_EQ(envelope.mail_from, "billing@acme.example");
  EXPECT_EQ(envelope.rcpt_to, (std::vector<std::string>{"giorgos@customer.example", "john.smith@customer.example"}));
}

void expect_rejected(const EmailMessage& m, std::string_view words) {
  const Result<std::string> bytes = build_message(m);
  ASSERT_FALSE(bytes.is_ok()) << *bytes;
  EXPECT_EQ(bytes.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bytes.status().message().find(words), std::string::npos) << bytes.status().message();
}

TEST(EmailTest, HeaderInjectionIsRejected) {
  EmailMessage m = full_message();
  m.subject = "Hello\r\nBcc: everyone@example.com";
  expect_rejected(m, "subject: contains a line break");

  m = full_message();
  m.from.name = "Acme\nBcc: x@example.com";
  expect_rejected(m, "from.name: contains a line break");

  m = full_message();
  m.to[1].address = "john@customer.example\r\nRCPT TO:<x@example.com>";
  expect_rejected(m, "to[1].address");

  m = full_message();
  m.extra_headers[0].value = "<mailto:u@acme.example>\r\nBcc: x@example.com";
  expect_rejected(m, "extra_headers[0].value: contains a line break");

  m = full_message();
  m.attachments[0].file_name = "a.pdf\"\r\nContent-Type: text/html";
  expect_rejected(m, "attachments[0].file_name: contains a line break");

  m = full_message();
  m.message_id = "<a@b>\nBcc: x@example.com";
  expect_rejected(m, "message_id");
}

TEST(EmailTest, BadAddressesAndFieldsAreRejected) {
  EmailMessage m = full_message();
  m.to[0].address = "giorgos.customer.example";
  expect_rejected(m, "to[0].address: 'giorgos.customer.example' is not an email address (no '@')");

  m = full_message();
  m.from.address = "billing@";
  expect_rejected(m, "from.address");

  m = full_message();
  m.reply_to->address = "a b@acme.example";
  expect_rejected(m, "reply_to.address");

  m = full_message();
  m.to[0].address = "x@y>, <z@w";
  expect_rejected(m, "to[0].address");

  m = full_message();
  m.to.clear();
  expect_rejected(m, "no recipient");

  m = full_message();
  m.message_id = "action-123";
  expect_rejected(m, "message_id: 'action-123' is not of the form <left@right>");

  m = full_message();
  m.extra_headers = {{"Content-Type", "text/html"}};
  expect_rejected(m, "is written by build_message itself");

  m = full_message();
  m.extra_headers = {{"Bcc:", "x@example.com"}};
  expect_rejected(m, "extra_headers[0].name");

  m = full_message();
  m.subject = "bad \xff utf-8";
  expect_rejected(m, "subject: is not valid UTF-8");

  m = full_message();
  m.attachments[0].content_type = "application/pdf; name=x";
  expect_rejected(m, "attachments[0].content_type");
}

}  // namespace
}  // namespace squeaky
