// SmtpTransport against a real SMTP server (tests/support/smtp_server.py, aiosmtpd) on 127.0.0.1.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "channels/email.h"
#include "channels/transport.h"
#include "smtp_server.h"
#include "testing.h"

namespace squeaky {
namespace {

using Kind = SendResult::Kind;
using testing::closed_port;
using testing::SmtpServer;

SmtpSettings local(int port, int timeout_seconds = 10) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.tls = SmtpTls::kNone;
  s.timeout_seconds = timeout_seconds;
  return s;
}

EmailMessage reminder() {
  EmailMessage m;
  m.from = {"Acme Billing", "billing@acme.example"};
  m.to = {{"Bob", "bob@customer.example"}, {"", "ap@customer.example"}};
  m.subject = "Υπενθύμιση: invoice A-123";
  m.date = *Timestamp::parse("2026-11-24T09:00:00Z");
  m.message_id = "<action-123.2026-11-24@squeaky.example.com>";
  m.text_body = "Dear Bob,\n.\n..a line of dots\nplease pay.\n";
  m.html_body = "<p>Dear Bob,</p>\n";
  m.attachments = {{"statement.pdf", "application/pdf", std::string("%PDF-1.7\n\0\x01\xff\r\n.\r\n", 18)}};
  return m;
}

std::string explain(const SendResult& r) {
  return std::string(to_string(r.kind)) + " " + std::to_string(r.smtp_code) + " " + r.detail;
}

TEST(SmtpTest, AcceptedMessageArrivesByteForByte) {
  SmtpServer server(testing::scratch_dir("smtp"), "accept");
  const EmailMessage m = reminder();
  const Result<std::string> bytes = build_message(m);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().message();

  SmtpTransport transport(local(server.port()));
  const SendResult r = transport.send(envelope_for(m), *bytes);
  EXPECT_EQ(r.kind, Kind::kSent) << explain(r);
  EXPECT_EQ(r.smtp_code, 250) << explain(r);
  EXPECT_NE(r.detail.find("queued as 0001"), std::string::npos) << r.detail;

  const std::optional<std::string> received = server.wait_for_message(1);
  ASSERT_TRUE(received.has_value());
  EXPECT_EQ(*received, *bytes);  // this server adds no header
  EXPECT_EQ(SmtpServer::read_file(server.dir() / "0001.envelope"),
            "MAIL FROM:<billing@acme.example>\n"
            "RCPT TO:<bob@customer.example>\n"
            "RCPT TO:<ap@customer.example>\n");
}

TEST(SmtpTest, LinesStartingWithDotsSurviveTheTransfer) {
  SmtpServer server(testing::scratch_dir("smtp"), "accept");
  const std::string bytes = "Subject: dots\r\n\r\n.\r\n..two\r\n.\r\nlast line without end";
  SmtpTransport transport(local(server.port()));
  const SendResult r = transport.send({"a@example.com", {"b@example.com"}}, bytes);
  ASSERT_EQ(r.kind, Kind::kSent) << explain(r);
  const std::optional<std::string> received = server.wait_for_message(1);
  ASSERT_TRUE(received.has_value());
  // The server stores what it received between DATA and the end mark, which ends in CRLF.
  EXPECT_EQ(*received, bytes + "\r\n");
}

TEST(SmtpTest, ServerNotListeningIsTemporary) {
  SmtpTransport transport(local(closed_port(), 3));
  const SendResult r = transport.send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kTemporary) << explain(r);
  EXPECT_EQ(r.smtp_code, 0);
  EXPECT_NE(r.detail.find("connect"), std::string::npos) << r.detail;
}

TEST(SmtpTest, TempfailIsTemporaryWith451) {
  SmtpServer server(testing::scratch_dir("smtp"), "tempfail");
  SmtpTransport transport(local(server.port()));
  const SendResult r = transport.send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kTemporary) << explain(r);
  EXPECT_EQ(r.smtp_code, 451) << explain(r);
  EXPECT_NE(r.detail.find("451 4.3.0"), std::string::npos) << r.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpTest, RejectedRecipientIsPermanentWith550) {
  SmtpServer server(testing::scratch_dir("smtp"), "reject");
  SmtpTransport transport(local(server.port()));
  const SendResult r = transport.send({"a@example.com", {"nobody@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kPermanent) << explain(r);
  EXPECT_EQ(r.smtp_code, 550) << explain(r);
  EXPECT_NE(r.detail.find("RCPT"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("<nobody@example.com>: mailbox unavailable"), std::string::npos) << r.detail;
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpTest, NoReplyAfterTheDataIsUnknown) {
  SmtpServer server(testing::scratch_dir("smtp"), "hang-after-data");
  SmtpTransport transport(local(server.port(), 2));
  const auto start = std::chrono::steady_clock::now();
  const SendResult r = transport.send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.kind, Kind::kUnknown) << explain(r);
  EXPECT_EQ(r.smtp_code, 0) << explain(r);
  EXPECT_NE(r.detail.find("may have been accepted"), std::string::npos) << r.detail;
  EXPECT_LT(elapsed, std::chrono::seconds(8));
  EXPECT_EQ(server.messages().size(), 1u);  // the server did get it: resending would duplicate it
}

TEST(SmtpTest, ConnectionDroppedAfterTheDataIsUnknown) {
  SmtpServer server(testing::scratch_dir("smtp"), "close-after-data");
  SmtpTransport transport(local(server.port(), 5));
  const SendResult r = transport.send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kUnknown) << explain(r);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(SmtpTest, LogsInWithUserAndPassword) {
  SmtpServer server(testing::scratch_dir("smtp"), "accept", {"--auth", "clerk:s3cret pass"});
  SmtpSettings settings = local(server.port());
  settings.username = "clerk";
  settings.password = "s3cret pass";
  EXPECT_EQ(SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n").kind,
            Kind::kSent);

  settings.password = "wrong";
  const SendResult r = SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kTemporary) << explain(r);  // a configuration to fix, not a refused address
  EXPECT_EQ(r.smtp_code, 535) << explain(r);
  EXPECT_EQ(r.detail.find("wrong"), std::string::npos) << r.detail;
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(SmtpTest, RequiredStartTlsThatIsNotOfferedSendsNothing) {
  SmtpServer server(testing::scratch_dir("smtp"), "accept");
  SmtpSettings settings = local(server.port());
  settings.tls = SmtpTls::kStartTls;
  const SendResult r = SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kTemporary) << explain(r);
  EXPECT_TRUE(server.messages().empty());

  settings.tls = SmtpTls::kStartTlsIfOffered;
  EXPECT_EQ(SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n").kind,
            Kind::kSent);
}

TEST(SmtpTest, EnvelopeWithoutRecipientOrWithLineBreaksIsPermanent) {
  SmtpTransport transport(local(closed_port()));
  EXPECT_EQ(transport.send({"a@example.com", {}}, "x\r\n").kind, Kind::kPermanent);
  EXPECT_EQ(transport.send({"a@example.com", {"b@example.com>\r\nDATA"}}, "x\r\n").kind, Kind::kPermanent);
  EXPECT_EQ(transport.send({"a@example.com\r\nRCPT TO:<c@example.com>", {"b@example.com"}}, "x\r\n").kind,
            Kind::kPermanent);
}

// A self-signed certificate for 127.0.0.1, made by the openssl command: {cert.pem, key.pem}.
std::pair<std::string, std::string> make_certificate(const std::filesystem::path& dir) {
  const std::string cert = (dir / "cert.pem").string();
  const std::string key = (dir / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      key + "' -out '" + cert + "' 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return {cert, key};
}

TEST(SmtpTlsTest, StartTlsWithATrustedCertificate) {
  const std::filesystem::path dir = testing::scratch_dir("smtp");
  const auto [cert, key] = make_certificate(dir);
  SmtpServer server(dir / "server", "accept", {"--tls-cert", cert, "--tls-key", key});
  SmtpSettings settings = local(server.port());
  settings.tls = SmtpTls::kStartTls;
  settings.ca_file = cert;
  const SendResult r = SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kSent) << explain(r);
  EXPECT_EQ(server.wait_for_message(1), "Subject: x\r\n\r\nx\r\n");
}

TEST(SmtpTlsTest, ImplicitTls) {
  const std::filesystem::path dir = testing::scratch_dir("smtp");
  const auto [cert, key] = make_certificate(dir);
  SmtpServer server(dir / "server", "accept", {"--tls-cert", cert, "--tls-key", key, "--implicit-tls"});
  SmtpSettings settings = local(server.port());
  settings.tls = SmtpTls::kTls;
  settings.ca_file = cert;
  const SendResult r = SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kSent) << explain(r);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(SmtpTlsTest, UntrustedCertificateSendsNothing) {
  const std::filesystem::path dir = testing::scratch_dir("smtp");
  const auto [cert, key] = make_certificate(dir);
  SmtpServer server(dir / "server", "accept", {"--tls-cert", cert, "--tls-key", key});
  SmtpSettings settings = local(server.port());
  settings.tls = SmtpTls::kStartTls;  // the system's authorities do not know this certificate
  const SendResult r = SmtpTransport(settings).send({"a@example.com", {"b@example.com"}}, "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(r.kind, Kind::kTemporary) << explain(r);
  EXPECT_TRUE(server.messages().empty());
}

TEST(SmtpUrlTest, ParsesEveryPart) {
  const Result<SmtpSettings> s = parse_smtp_url(
      "smtp://clerk%40acme:p%3Ass%40w@mail.example.com:2525?tls=starttls&timeout=7&helo=app.acme.example");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->host, "mail.example.com");
  EXPECT_EQ(s->port, 2525);
  EXPECT_EQ(s->tls, SmtpTls::kStartTls);
  EXPECT_EQ(s->username, "clerk@acme");
  EXPECT_EQ(s->password, "p:ss@w");
  EXPECT_EQ(s->timeout_seconds, 7);
  EXPECT_EQ(s->helo_name, "app.acme.example");
}

TEST(SmtpUrlTest, DefaultsAndSchemes) {
  const Result<SmtpSettings> plain = parse_smtp_url("smtp://127.0.0.1?tls=none");
  ASSERT_TRUE(plain.is_ok()) << plain.status().message();
  EXPECT_EQ(plain->tls, SmtpTls::kNone);
  EXPECT_EQ(plain->effective_port(), 25);
  EXPECT_EQ(plain->username, "");
  EXPECT_EQ(plain->timeout_seconds, 30);

  const Result<SmtpSettings> tls = parse_smtp_url("smtps://[::1]");
  ASSERT_TRUE(tls.is_ok()) << tls.status().message();
  EXPECT_EQ(tls->tls, SmtpTls::kTls);
  EXPECT_EQ(tls->host, "::1");
  EXPECT_EQ(tls->effective_port(), 465);

  const Result<SmtpSettings> submission = parse_smtp_url("smtp://mail.example.com");
  ASSERT_TRUE(submission.is_ok());
  EXPECT_EQ(submission->tls, SmtpTls::kStartTls);
  EXPECT_EQ(submission->effective_port(), 587);
}

TEST(SmtpUrlTest, ErrorsNameThePartAndHideThePassword) {
  for (const char* url : {"http://host", "smtp://u:hunter2@host?tls=maybe", "smtp://u:hunter2@host:99999",
                          "smtp://u:hunter2@host?timeout=soon", "smtp://u:hunter2@host?colour=red",
                          "smtps://u:hunter2@host?tls=none", "smtp://u:hunter2@host/path", "not a url"}) {
    const Result<SmtpSettings> s = parse_smtp_url(url);
    ASSERT_FALSE(s.is_ok()) << url;
    EXPECT_EQ(s.status().message().rfind("smtp url: ", 0), 0u) << s.status().message();
    EXPECT_EQ(s.status().message().find("hunter2"), std::string::npos) << s.status().message();
  }
}

}  // namespace
}  // namespace squeaky
