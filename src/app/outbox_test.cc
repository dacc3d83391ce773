// The outbox with real parts: a scratch SQLite ledger, the shipped plans and templates, the daily
// run, and SmtpTransport talking to a real SMTP server (tests/support/smtp_server.py) on 127.0.0.1.
// What arrives is read back with Python's standard `email` package and `pdftotext`, so the tests
// check the message a debtor's mail program would see, not squeaky's idea of it.
#include "app/outbox.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/collect.h"
#include "app/settings.h"
#include "app/verify.h"
#include "smtp_server.h"
#include "store/journal.h"
#include "test_store.h"
#include "testing.h"

namespace squeaky {
namespace {

namespace fs = std::filesystem;
using testing::closed_port;
using testing::FixedClock;
using testing::SmtpServer;
using testing::status_of;

const Currency kUsd = *Currency::from_code("USD");
Date day(std::string_view text) { return *Date::parse(text); }
Timestamp at(std::string_view text) { return *Timestamp::parse(text); }
Money usd(std::string_view amount) { return *Money::parse(amount, kUsd); }

// The day of the run, and an instant inside the convenient hours (08:00-21:00) of Chicago (10:00)
// and New York (11:00) on it.
constexpr std::string_view kRunDay = "2026-03-02";
constexpr std::string_view kAfternoon = "2026-03-02T16:00:00Z";

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::string read_file(const fs::path& path) { return SmtpServer::read_file(path); }

// Runs a shell command and returns what it printed on stdout; nullopt when it failed.
std::optional<std::string> command_output(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  if (::pclose(pipe) != 0) return std::nullopt;
  return out;
}

// A received message as Python's email package (policy.default) reads it.
struct ParsedEmail {
  std::string from, to, subject, message_id, list_unsubscribe, defects;
  std::string text;                      // the text/plain body, decoded
  std::string html;                      // the text/html body, decoded
  std::vector<std::string> attachments;  // "file_name content/type" each
  std::vector<fs::path> attachment_files;
};

// The parser, given as `python3 -c` (no single quotes in it): argv[1] the .eml, argv[2] a folder
// for what it finds.
constexpr std::string_view kParseEmail = R"py(
import email, email.policy, os, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
def put(name, text):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)
for key in ("From", "To", "Subject", "Message-ID", "List-Unsubscribe"):
    put(key, str(msg.get(key, "")))
defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
put("defects", " ".join(defects))
text = msg.get_body(preferencelist=("plain",))
html = msg.get_body(preferencelist=("html",))
put("text", text.get_content() if text is not None else "")
put("html", html.get_content() if html is not None else "")
names = []
for n, part in enumerate(msg.iter_attachments()):
    names.append("%s %s" % (part.get_filename(), part.get_content_type()))
    with open(os.path.join(out, "attachment-%d" % n), "wb") as f:
        f.write(part.get_payload(decode=True))
put("attachments", "".join(name + "\n" for name in names))
)py";

ParsedEmail parse_email(const fs::path& eml) {
  const fs::path out = eml.string() + ".parsed";
  const std::string command =
      "/usr/bin/python3 -I -c '" + std::string(kParseEmail) + "' '" + eml.string() + "' '" + out.string() + "'";
  EXPECT_EQ(std::system(command.c_str()), 0) << "python could not parse " << eml;
  ParsedEmail p;
  p.from = read_file(out / "From");
  p.to = read_file(out / "To");
  p.subject = read_file(out / "Subject");
  p.message_id = read_file(out / "Message-ID");
  p.list_unsubscribe = read_file(out / "List-Unsubscribe");
  p.defects = read_file(out / "defects");
  p.text = read_file(out / "text");
  p.html = read_file(out / "html");
  std::istringstream names(read_file(out / "attachments"));
  for (std::string line; std::getline(names, line);) {
    p.attachment_files.push_back(out / ("attachment-" + std::to_string(p.attachments.size())));
    p.attachments.push_back(line);
  }
  return p;
}

std::string pdf_text(const fs::path& pdf) {
  const auto text = command_output("pdftotext -layout '" + pdf.string() + "' - 2>/dev/null");
  EXPECT_TRUE(text.has_value()) << "pdftotext could not read " << pdf;
  return text.value_or("");
}

// The received message whose Message-ID is `message_id`, if any.
std::optional<fs::path> received_with_id(const SmtpServer& server, std::string_view message_id) {
  for (const fs::path& eml : server.messages()) {
    if (contains(read_file(eml), "Message-ID: " + std::string(message_id) + "\r\n")) return eml;
  }
  return std::nullopt;
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("outbox");
    auto store = testing::open_test_store((dir_ / "squeaky.db").string(), clock_, OpenMode::kCreateIfMissing);
    ASSERT_TRUE(store) << store.status().message();
    store_ = std::move(*store);
    auto templates = load_templates(std::nullopt);
    ASSERT_TRUE(templates) << templates.status().message();
    templates_ = std::make_unique<TemplateSet>(std::move(*templates));
    use_port(closed_port());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void write(const std::function<Status(StoreTransaction&)>& work) {
    const Status s = in_transaction(*store_, work);
    ASSERT_TRUE(s.is_ok()) << s.message();
  }

  // The ledger's customers. The consumer's email is a home address: under the consumer rules a
  // work address is not the debtor's to use.
  void add_business(std::string id, std::string name, std::string timezone, std::string email) {
    Customer c;
    c.id = std::move(id);
    c.name = std::move(name);
    c.kind = CustomerKind::kBusiness;
    c.country = "US";
    c.timezone = std::move(timezone);
    c.currency = kUsd;
    c.credit_limit = Money::zero(kUsd);
    c.contacts = {{ContactChannel::kEmail, ContactType::kWork, std::move(email)}};
    c.address = {"400 Congress Ave", "Suite 12", "Austin", "78701"};
    c.region = "TX";
    write([&](StoreTransaction& t) { return status_of(t.put_customer(c, "test")); });
  }
  void add_consumer(std::string id, std::string name, std::string timezone, std::string email) {
    Customer c;
    c.id = std::move(id);
    c.name = std::move(name);
    c.kind = CustomerKind::kConsumer;
    c.country = "US";
    c.region = "NY";
    c.timezone = std::move(timezone);
    c.currency = kUsd;
    c.credit_limit = Money::zero(kUsd);
    c.contacts = {{ContactChannel::kEmail, ContactType::kHome, std::move(email)}};
    c.address = {"17 Elm Street", "", "Albany", "12207"};
    write([&](StoreTransaction& t) { return status_of(t.put_customer(c, "test")); });
  }
  void add_invoice(std::string id, std::string customer, std::string_view issued, std::string_view due,
                   std::string_view amount) {
    const Invoice i{std::move(id), std::move(customer), day(issued), day(due), usd(amount), "", ""};
    write([&](StoreTransaction& t) { return status_of(t.put_invoice(i, "test")); });
  }

  // C1, a business in Chicago 30 days late (the notice: letter and email, with the letter as a PDF
  // attachment); C2, a consumer in New York 4 days late (the reminder).
  void standard_ledger() {
    add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
    add_invoice("INV-1001", "C1", "2026-01-01", "2026-01-31", "1000.00");
    add_invoice("INV-1002", "C1", "2026-01-20", "2026-02-19", "234.56");
    add_consumer("C2", "Dana Whitfield", "America/New_York", "dana@example.net");
    add_invoice("INV-2001", "C2", "2026-02-01", "2026-02-26", "345.67");
  }

  // The settings as squeaky.toml beside the database would give them, for an SMTP server on
  // 127.0.0.1:`port`.
  void use_port(int port) {
    const std::string toml =
        "[business]\n"
        "name = \"Harbour Tools Ltd\"\n"
        "address = [\"12 Quay Street\", \"Portsmouth PO1 3AA\", \"United Kingdom\"]\n"
        "email = \"accounts@harbourtools.example\"\n"
        "payment_instructions = \"Bank transfer to Harbour Tools Ltd, account 12345678.\"\n"
        "\n"
        "[email]\n"
        "transport = \"smtp\"\n"
        "host = \"127.0.0.1\"\n"
        "port = " +
        std::to_string(port) +
        "\n"
        "tls = \"none\"\n"
        "timeout_seconds = 2\n";
    auto settings = parse_settings(toml, "squeaky.toml", dir_.string());
    ASSERT_TRUE(settings) << settings.status().message();
    settings_ = std::make_unique<Settings>(std::move(*settings));
    auto transport = make_transport(*settings_);
    ASSERT_TRUE(transport) << transport.status().message();
    transport_ = std::move(*transport);
  }

  void run(std::string_view on) {
    auto report = run_day(*store_, default_plan_set(), day(on), settings_->compliance);
    ASSERT_TRUE(report) << report.status().message();
  }

  Dispatcher dispatcher(std::string_view now) const {
    return Dispatcher{*settings_, *templates_, default_plan_set(), at(now), "user clerk"};
  }

  SendReport send(std::string_view now) {
    auto report = send_outbox(*store_, dispatcher(now), *transport_, 0);
    EXPECT_TRUE(report) << report.status().message();
    return report ? *report : SendReport{};
  }

  OutboxItem item(int64_t id) {
    auto found = store_->outbox_item(id);
    EXPECT_TRUE(found && *found) << "no outbox item " << id;
    return found && *found ? **found : OutboxItem{};
  }

  // The one outbox item of a customer's channel.
  OutboxItem item_of(std::string_view customer, std::string_view channel) {
    auto items = store_->outbox("", customer, false);
    EXPECT_TRUE(items);
    for (const OutboxItem& i : *items) {
      if (i.channel == channel) return item(i.action_id);
    }
    ADD_FAILURE() << "no " << channel << " item for " << customer;
    return {};
  }

  // The payloads of the journal entries of `kind`, oldest first.
  std::vector<std::string> journal(std::string_view kind) {
    std::vector<std::string> payloads;
    Status s = store_->for_each_journal_entry([&](const JournalEntry& e) {
      if (e.kind == kind) payloads.push_back(e.payload);
      return Status::ok();
    });
    EXPECT_TRUE(s.is_ok()) << s.message();
    return payloads;
  }

  FixedClock clock_{std::string(kAfternoon)};
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TemplateSet> templates_;
  std::unique_ptr<Settings> settings_;
  std::unique_ptr<MailTransport> transport_;
};

TEST_F(OutboxTest, OutboxEveryQueuedEmailArrivesAsTheDebtorReadsIt) {
  standard_ledger();
  run(kRunDay);
  const OutboxItem notice = item_of("C1", "email");
  const OutboxItem reminder = item_of("C2", "email");
  EXPECT_EQ(notice.step, "notice");
  EXPECT_EQ(reminder.step, "reminder");
  EXPECT_EQ(notice.status, "queued");

  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  const SendReport report = send(kAfternoon);
  EXPECT_EQ(report.sent, 2u);
  EXPECT_EQ(report.failed + report.deferred + report.blocked + report.unknown + report.rejected, 0u);
  ASSERT_EQ(server.messages().size(), 2u);

  for (const OutboxItem& queued : {notice, reminder}) {
    const OutboxItem sent = item(queued.action_id);
    SCOPED_TRACE(sent.customer_id + " " + sent.step);
    EXPECT_EQ(sent.status, "sent");
    EXPECT_EQ(sent.attempts, 1);
    EXPECT_EQ(sent.sent_at, at(kAfternoon));
    EXPECT_EQ(sent.message_id, "<action-" + std::to_string(sent.action_id) + ".2026-03-02@harbourtools.example>");
    ASSERT_FALSE(sent.content.empty());
    EXPECT_EQ(sent.sha256, sha256_hex(sent.content));
    // The journal recorded the hash of exactly the bytes the server received.
    const auto eml = received_with_id(server, sent.message_id);
    ASSERT_TRUE(eml.has_value());
    EXPECT_EQ(read_file(*eml), sent.content);
    bool journaled = false;
    for (const std::string& payload : journal("outbox.sent")) {
      journaled |= contains(payload, "\"action\":" + std::to_string(sent.action_id) + ",") &&
                   contains(payload, "\"sha256\":\"" + sent.sha256 + "\"");
    }
    EXPECT_TRUE(journaled) << "no outbox.sent entry with the item's sha256";
  }

  // The business's notice: the letter rides along as a PDF.
  const OutboxItem sent_notice = item(notice.action_id);
  const ParsedEmail n = parse_email(*received_with_id(server, sent_notice.message_id));
  EXPECT_EQ(n.defects, "");
  EXPECT_EQ(n.from, "Harbour Tools Ltd <accounts@harbourtools.example>");
  EXPECT_EQ(n.to, "Acme Roofing LLC <ap@acme-roofing.example>");
  EXPECT_EQ(n.subject, "Overdue account C1: 1,234.56 USD to pay by 9 March 2026");
  EXPECT_EQ(n.message_id, sent_notice.message_id);
  EXPECT_EQ(n.list_unsubscribe, "");  // a business's account mailbox: no opt-out needed
  EXPECT_TRUE(contains(n.text, "Dear Acme Roofing LLC,")) << n.text;
  EXPECT_TRUE(contains(n.text, "Total: 1,234.56 USD")) << n.text;
  EXPECT_TRUE(contains(n.text, "INV-1001")) << n.text;
  EXPECT_TRUE(contains(n.text, "INV-1002")) << n.text;
  EXPECT_FALSE(contains(n.text, "STOP")) << n.text;
  EXPECT_TRUE(contains(n.html, "</html>")) << n.html;
  EXPECT_TRUE(contains(n.html, "1,234.56 USD")) << n.html;
  ASSERT_EQ(n.attachments, std::vector<std::string>{"notice-C1.pdf application/pdf"});
  const std::string letter = pdf_text(n.attachment_files[0]);
  EXPECT_TRUE(contains(letter, "INV-1001")) << letter;
  EXPECT_TRUE(contains(letter, "Acme Roofing LLC")) << letter;
  EXPECT_TRUE(contains(letter, "1,234.56 USD")) << letter;
  EXPECT_EQ(read_file(server.dir() / "0001.envelope"),
            "MAIL FROM:<accounts@harbourtools.example>\nRCPT TO:<ap@acme-roofing.example>\n");

  // The consumer's reminder: the opt-out line and List-Unsubscribe, no attachment.
  const OutboxItem sent_reminder = item(reminder.action_id);
  const ParsedEmail r = parse_email(*received_with_id(server, sent_reminder.message_id));
  EXPECT_EQ(r.defects, "");
  EXPECT_EQ(r.from, "Harbour Tools Ltd <accounts@harbourtools.example>");
  EXPECT_EQ(r.to, "Dana Whitfield <dana@example.net>");
  EXPECT_EQ(r.subject, "Payment reminder for account C2: 345.67 USD past due");
  EXPECT_EQ(r.message_id, sent_reminder.message_id);
  EXPECT_EQ(r.list_unsubscribe, "<mailto:accounts@harbourtools.example?subject=STOP>");
  EXPECT_TRUE(contains(r.text, "Dear Dana Whitfield,")) << r.text;
  EXPECT_TRUE(contains(r.text, "345.67 USD")) << r.text;
  EXPECT_TRUE(contains(r.text,
                       "To stop receiving emails about this account, reply to this message with the word STOP or "
                       "write to accounts@harbourtools.example."))
      << r.text;
  EXPECT_TRUE(contains(r.html, "</html>")) << r.html;
  EXPECT_TRUE(r.attachments.empty());

  // The letter half of the notice is printed; its PDF names the invoices too.
  auto batch = print_letters(*store_, dispatcher("2026-03-02T17:00:00Z"), day(kRunDay));
  ASSERT_TRUE(batch) << batch.status().message();
  EXPECT_EQ(batch->letters, 1u);
  EXPECT_TRUE(contains(pdf_text(batch->pdf), "INV-1002"));
  EXPECT_EQ(item_of("C1", "letter").status, "sent");

  auto check = check_journal(*store_);
  ASSERT_TRUE(check) << check.status().message();
  EXPECT_TRUE(check->intact()) << check->problem << (check->ledger_problems.empty() ? "" : check->ledger_problems[0]);
  EXPECT_EQ(check->messages_checked, 3);  // two emails and a letter
}

TEST_F(OutboxTest, OutboxThirdPartyConsumerCollectionSendsAValidationNoticeWithTheFirstContact) {
  settings_->compliance.party = Party::kThird;
  add_consumer("C2", "Dana Whitfield", "America/New_York", "dana@example.net");
  add_invoice("INV-2001", "C2", "2026-10-01", "2026-11-17", "345.67");
  // Friday 20 November 2026: the reminder, the first contact, and with it the validation notice.
  auto first = run_day(*store_, default_plan_set(), day("2026-11-20"), settings_->compliance);
  ASSERT_TRUE(first) << first.status().message();
  ASSERT_EQ(first->customers.size(), 1u);
  ASSERT_TRUE(first->customers[0].validation_notice.has_value());
  EXPECT_EQ(first->customers[0].validation_notice->verdict, Verdict::kAllow);
  const OutboxItem notice = item_of("C2", "letter");
  EXPECT_EQ(notice.step, "validation-notice");
  EXPECT_EQ(notice.status, "queued");
  // Later steps of the same episode send none.
  for (Date d = day("2026-11-21"); d <= day("2026-12-20"); d = d.plus_days(1)) {
    auto later = run_day(*store_, default_plan_set(), d, settings_->compliance);
    ASSERT_TRUE(later) << later.status().message();
    for (const CustomerDay& c : later->customers) EXPECT_FALSE(c.validation_notice.has_value()) << d.to_string();
  }
  // Printed the same day, it gives the end of the validation period: receipt five business days
  // later without Thanksgiving (Monday 30 November), and 30 days after that.
  auto batch = print_letters(*store_, dispatcher("2026-11-20T17:00:00Z"), day("2026-11-20"));
  ASSERT_TRUE(batch) << batch.status().message();
  ASSERT_EQ(batch->letters, 1u);
  const std::string text = pdf_text(batch->pdf);
  EXPECT_TRUE(contains(text, "30 December 2026")) << text;
  EXPECT_TRUE(contains(text, "345.67 USD")) << text;
  EXPECT_TRUE(contains(text, "is collecting a debt that you owe")) << text;
}

TEST_F(OutboxTest, OutboxALetterThatCannotBeMadeFailsAndTheOthersArePrinted) {
  add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
  add_invoice("INV-1001", "C1", "2026-01-01", "2026-01-31", "1000.00");
  // A name so long that the address block cannot fit in the envelope window.
  add_business("C3", std::string(40, 'W') + " " + std::string(400, 'x'), "America/Chicago", "ap@long.example");
  add_invoice("INV-3001", "C3", "2026-01-01", "2026-01-31", "700.00");
  run(kRunDay);
  auto batch = print_letters(*store_, dispatcher("2026-03-02T17:00:00Z"), day(kRunDay));
  ASSERT_TRUE(batch) << batch.status().message();
  EXPECT_EQ(batch->letters, 1u);
  EXPECT_EQ(batch->failed, 1u);
  EXPECT_EQ(item_of("C1", "letter").status, "sent");
  const OutboxItem failed = item_of("C3", "letter");
  EXPECT_EQ(failed.status, "failed");
  EXPECT_FALSE(failed.not_before.has_value());  // for a person: never retried by itself
  EXPECT_NE(failed.last_error.find("recipient"), std::string::npos) << failed.last_error;
}

TEST_F(OutboxTest, OutboxServerNotListeningFailsAndIsRetriedAfterTheWait) {
  standard_ledger();
  run(kRunDay);
  SendReport first = send(kAfternoon);  // the settings name a port nothing listens on
  EXPECT_EQ(first.failed, 2u);
  EXPECT_EQ(first.sent, 0u);
  for (const char* customer : {"C1", "C2"}) {
    const OutboxItem failed = item_of(customer, "email");
    EXPECT_EQ(failed.status, "failed");
    EXPECT_EQ(failed.attempts, 1);
    EXPECT_EQ(failed.not_before, at("2026-03-02T16:05:00Z"));  // the first of retry_minutes
    EXPECT_TRUE(contains(failed.last_error, "connect")) << failed.last_error;
  }
  EXPECT_EQ(journal("outbox.failed").size(), 2u);

  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  const SendReport early = send("2026-03-02T16:04:59Z");
  EXPECT_EQ(early.sent + early.failed + early.deferred, 0u);
  EXPECT_TRUE(server.messages().empty());
  EXPECT_EQ(item_of("C1", "email").attempts, 1);

  const SendReport later = send("2026-03-02T16:05:00Z");
  EXPECT_EQ(later.sent, 2u);
  EXPECT_EQ(server.messages().size(), 2u);
  const OutboxItem sent = item_of("C2", "email");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(sent.last_error, "");
}

TEST_F(OutboxTest, OutboxTempfailIsRetriedWithTheSameBytesAndALongerWait) {
  add_consumer("C2", "Dana Whitfield", "America/New_York", "dana@example.net");
  add_invoice("INV-2001", "C2", "2026-02-01", "2026-02-26", "345.67");
  run(kRunDay);
  std::string first_content;
  {
    SmtpServer server(dir_ / "tempfail", "tempfail");
    use_port(server.port());
    EXPECT_EQ(send(kAfternoon).failed, 1u);
    OutboxItem failed = item_of("C2", "email");
    EXPECT_EQ(failed.status, "failed");
    EXPECT_TRUE(contains(failed.last_error, "451 4.3.0")) << failed.last_error;
    EXPECT_EQ(failed.not_before, at("2026-03-02T16:05:00Z"));
    first_content = failed.content;

    EXPECT_EQ(send("2026-03-02T16:05:00Z").failed, 1u);
    failed = item_of("C2", "email");
    EXPECT_EQ(failed.attempts, 2);
    EXPECT_EQ(failed.not_before, at("2026-03-02T16:35:00Z"));  // the second wait, 30 minutes
    EXPECT_TRUE(server.messages().empty());
  }
  SmtpServer server(dir_ / "accept", "accept");
  use_port(server.port());
  EXPECT_EQ(send("2026-03-02T16:34:00Z").sent, 0u);
  EXPECT_EQ(send("2026-03-02T16:35:00Z").sent, 1u);
  const OutboxItem sent = item_of("C2", "email");
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 3);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(read_file(server.messages()[0]), first_content);  // what the journal hashed the first time
  EXPECT_EQ(sent.sha256, sha256_hex(first_content));
}

TEST_F(OutboxTest, OutboxRejectedAddressIsOptedOutAndLaterEmailsAreBlocked) {
  add_consumer("C2", "Dana Whitfield", "America/New_York", "dana@example.net");
  add_invoice("INV-2001", "C2", "2026-02-01", "2026-02-26", "345.67");
  run(kRunDay);
  {
    SmtpServer server(dir_ / "smtp", "reject");
    use_port(server.port());
    const SendReport report = send(kAfternoon);
    EXPECT_EQ(report.rejected, 1u);
    EXPECT_TRUE(server.messages().empty());
  }
  const OutboxItem rejected = item_of("C2", "email");
  EXPECT_EQ(rejected.status, "rejected");
  EXPECT_TRUE(contains(rejected.last_error, "550")) << rejected.last_error;
  EXPECT_FALSE(rejected.not_before.has_value());

  auto state = store_->collection_state("C2");
  ASSERT_TRUE(state);
  ASSERT_EQ(state->opt_outs.size(), 1u);
  EXPECT_EQ(state->opt_outs[0].channel, "email");
  EXPECT_EQ(state->opt_outs[0].contact, "dana@example.net");
  EXPECT_EQ(state->opt_outs[0].on, day(kRunDay));
  EXPECT_TRUE(state->opt_outs[0].note.starts_with("rejected by the mail server: 550")) << state->opt_outs[0].note;
  EXPECT_EQ(journal("contact.opted-out").size(), 1u);

  // 30 days past due: the notice's letter goes, its email is blocked by the opt-out.
  auto later = run_day(*store_, default_plan_set(), day("2026-03-28"), settings_->compliance);
  ASSERT_TRUE(later) << later.status().message();
  ASSERT_EQ(later->customers.size(), 1u);
  const CustomerDay& c2 = later->customers[0];
  ASSERT_TRUE(c2.plan.action);
  EXPECT_EQ(c2.plan.action->step, "notice");
  ASSERT_EQ(c2.plan.action->channels, (std::vector<Channel>{Channel::kLetter, Channel::kEmail}));
  ASSERT_EQ(c2.guard.size(), 2u);
  EXPECT_EQ(c2.guard[0].verdict, Verdict::kAllow);
  EXPECT_EQ(c2.guard[1].verdict, Verdict::kBlock);
  EXPECT_EQ(c2.guard[1].rule, "opt-out");
  auto emails = store_->outbox("", "C2", false);
  ASSERT_TRUE(emails);
  EXPECT_EQ(emails->size(), 2u);  // the rejected reminder and the notice's letter; no new email
}

// A person corrects the address the server refused and sends the item again: it must go to the
// corrected address, not to the refused one it was first addressed to.
TEST_F(OutboxTest, OutboxRetryOfARejectedItemGoesToTheCorrectedAddress) {
  add_business("C3", "Bolt Supplies Inc", "America/Chicago", "old-ap@bolt.example");
  add_invoice("INV-3001", "C3", "2026-02-01", "2026-02-26", "99.99");
  run(kRunDay);
  {
    SmtpServer server(dir_ / "reject", "reject");
    use_port(server.port());
    EXPECT_EQ(send(kAfternoon).rejected, 1u);
  }
  add_business("C3", "Bolt Supplies Inc", "America/Chicago", "ap@bolt.example");
  const int64_t id = item_of("C3", "email").action_id;
  ASSERT_TRUE(retry_outbox_item(*store_, id, "user clerk").is_ok());
  EXPECT_EQ(item(id).status, "queued");

  SmtpServer server(dir_ / "accept", "accept");
  use_port(server.port());
  EXPECT_EQ(send("2026-03-02T17:00:00Z").sent, 1u);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(read_file(server.dir() / "0001.envelope"),
            "MAIL FROM:<accounts@harbourtools.example>\nRCPT TO:<ap@bolt.example>\n");
  const OutboxItem sent = item(id);
  EXPECT_EQ(sent.recipients, "ap@bolt.example");
  EXPECT_EQ(read_file(server.messages()[0]), sent.content);
  EXPECT_EQ(sent.sha256, sha256_hex(sent.content));
  auto check = check_journal(*store_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->intact()) << check->problem << (check->ledger_problems.empty() ? "" : check->ledger_problems[0]);
}

// An address opted out of while an item waits to be tried again is not used by the next attempt.
TEST_F(OutboxTest, OutboxRetryAfterAFailureLeavesOutAnAddressOptedOutMeanwhile) {
  add_business("C3", "Bolt Supplies Inc", "America/Chicago", "ap@bolt.example");
  {
    auto ledger = store_->customer_ledger("C3");
    ASSERT_TRUE(ledger && *ledger);
    Customer c = (*ledger)->customer;
    c.contacts.push_back({ContactChannel::kEmail, ContactType::kWork, "owner@bolt.example"});
    write([&](StoreTransaction& t) { return status_of(t.put_customer(c, "test")); });
  }
  add_invoice("INV-3001", "C3", "2026-02-01", "2026-02-26", "99.99");
  run(kRunDay);
  EXPECT_EQ(send(kAfternoon).failed, 1u);  // nothing listens
  const int64_t id = item_of("C3", "email").action_id;
  EXPECT_EQ(item(id).recipients, "ap@bolt.example\nowner@bolt.example");
  ASSERT_TRUE(record_opt_out(*store_, "C3", "email", "owner@bolt.example", day(kRunDay), "asked by phone", "user clerk")
                  .is_ok());

  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  EXPECT_EQ(send("2026-03-02T16:05:00Z").sent, 1u);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(read_file(server.dir() / "0001.envelope"),
            "MAIL FROM:<accounts@harbourtools.example>\nRCPT TO:<ap@bolt.example>\n");
  const OutboxItem sent = item(id);
  EXPECT_EQ(sent.recipients, "ap@bolt.example");
  EXPECT_FALSE(contains(sent.content, "owner@bolt.example"));
  EXPECT_EQ(read_file(server.messages()[0]), sent.content);
}

TEST_F(OutboxTest, OutboxNoReplyAfterTheDataIsUnknownAndNeverResent) {
  add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
  add_invoice("INV-1001", "C1", "2026-02-01", "2026-02-26", "500.00");
  run(kRunDay);
  SmtpServer server(dir_ / "smtp", "hang-after-data");
  use_port(server.port());  // timeout_seconds = 2
  const SendReport report = send(kAfternoon);
  EXPECT_EQ(report.unknown, 1u);
  const int64_t id = item_of("C1", "email").action_id;
  OutboxItem unknown = item(id);
  EXPECT_EQ(unknown.status, "unknown");
  EXPECT_EQ(unknown.attempts, 1);
  EXPECT_TRUE(contains(unknown.last_error, "may have been accepted")) << unknown.last_error;
  EXPECT_EQ(server.messages().size(), 1u);

  const SendReport again = send("2026-03-02T18:00:00Z");
  EXPECT_EQ(again.sent + again.unknown + again.failed + again.interrupted, 0u);
  EXPECT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(item(id).status, "unknown");

  const Status wrong = retry_outbox_item(*store_, id + 100, "user clerk");
  EXPECT_EQ(wrong.message(), "no outbox item " + std::to_string(id + 100));
  ASSERT_TRUE(confirm_outbox_item(*store_, id, at("2026-03-02T18:30:00Z"), "user clerk").is_ok());
  const OutboxItem confirmed = item(id);
  EXPECT_EQ(confirmed.status, "sent");
  EXPECT_EQ(confirmed.sent_at, at("2026-03-02T18:30:00Z"));
  EXPECT_EQ(confirmed.last_error, "");
  EXPECT_EQ(journal("outbox.confirmed").size(), 1u);
  EXPECT_EQ(confirm_outbox_item(*store_, id, at("2026-03-02T18:31:00Z"), "user clerk").message(),
            "outbox item " + std::to_string(id) + " is sent; only an item that is unknown can be confirmed");
  EXPECT_EQ(send("2026-03-02T19:00:00Z").sent, 0u);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(OutboxTest, OutboxRetryOfAFailedItemSendsItWithoutWaiting) {
  add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
  add_invoice("INV-1001", "C1", "2026-02-01", "2026-02-26", "500.00");
  run(kRunDay);
  EXPECT_EQ(send(kAfternoon).failed, 1u);  // nothing listens
  const int64_t id = item_of("C1", "email").action_id;
  EXPECT_EQ(item(id).not_before, at("2026-03-02T16:05:00Z"));
  ASSERT_TRUE(retry_outbox_item(*store_, id, "user clerk").is_ok());
  const OutboxItem queued = item(id);
  EXPECT_EQ(queued.status, "queued");
  EXPECT_FALSE(queued.not_before.has_value());
  EXPECT_EQ(queued.last_error, "");

  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  EXPECT_EQ(send("2026-03-02T16:01:00Z").sent, 1u);
  const OutboxItem sent = item(id);
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.attempts, 2);
  ASSERT_EQ(server.messages().size(), 1u);
  // Sent again by a person: rendered anew, dated when it went.
  EXPECT_EQ(read_file(server.messages()[0]), sent.content);
  EXPECT_TRUE(sent.content.starts_with("Date: Mon, 2 Mar 2026 16:01:00 +0000\r\n")) << sent.content.substr(0, 300);
  EXPECT_EQ(sent.sha256, sha256_hex(sent.content));
  auto check = check_journal(*store_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->intact());
  EXPECT_EQ(retry_outbox_item(*store_, id, "user clerk").message(),
            "outbox item " + std::to_string(id) +
                " is sent; only an item that is failed, unknown, rejected, blocked can be retried");
}

TEST_F(OutboxTest, OutboxQuietHoursDeferTheEmailToTheDebtorsMorning) {
  add_business("C4", "Pacific Nurseries Inc", "America/Los_Angeles", "ap@pacific-nurseries.example");
  add_invoice("INV-4001", "C4", "2026-02-01", "2026-02-26", "120.00");
  run(kRunDay);
  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  const SendReport early = send("2026-03-02T14:00:00Z");  // 06:00 in Los Angeles (PST)
  EXPECT_EQ(early.deferred, 1u);
  EXPECT_EQ(early.sent, 0u);
  ASSERT_EQ(early.lines.size(), 1u);
  EXPECT_TRUE(contains(early.lines[0], "deferred to 2026-03-02T16:00:00Z")) << early.lines[0];
  const int64_t id = item_of("C4", "email").action_id;
  EXPECT_EQ(item(id).status, "queued");
  EXPECT_EQ(item(id).not_before, at("2026-03-02T16:00:00Z"));
  EXPECT_EQ(item(id).attempts, 0);
  EXPECT_EQ(journal("outbox.deferred").size(), 1u);
  EXPECT_EQ(send("2026-03-02T15:59:59Z").sent, 0u);
  EXPECT_TRUE(server.messages().empty());

  EXPECT_EQ(send("2026-03-02T16:00:00Z").sent, 1u);  // 08:00 in Los Angeles
  EXPECT_EQ(item(id).status, "sent");
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(OutboxTest, OutboxUserTemplatesOverrideTheShippedOnesAndTheirErrorsNameFileAndLine) {
  const fs::path user = dir_ / "my-templates" / "en";
  fs::create_directories(user);
  std::ofstream(user / "reminder.subject.mustache") << "Account {{customer.id}}: {{total_owed}} is overdue\n";
  {
    std::ofstream toml(dir_ / "squeaky.toml");
    toml << "templates = \"my-templates\"\n[business]\nname = \"Harbour Tools Ltd\"\naddress = [\"12 Quay Street\"]\n"
         << "email = \"accounts@harbourtools.example\"\n";
  }
  auto settings = load_settings((dir_ / "squeaky.toml").string(), true);
  ASSERT_TRUE(settings) << settings.status().message();
  EXPECT_EQ(settings->templates, (dir_ / "my-templates").string());
  auto templates = load_templates(fs::path(settings->templates));
  ASSERT_TRUE(templates) << templates.status().message();

  add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
  add_invoice("INV-1001", "C1", "2026-02-01", "2026-02-26", "500.00");
  run(kRunDay);
  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  *templates_ = std::move(*templates);
  EXPECT_EQ(send(kAfternoon).sent, 1u);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(parse_email(server.messages()[0]).subject, "Account C1: 500.00 USD is overdue");

  std::ofstream(user / "reminder.text.mustache") << "Dear {{customer.addressee}},\n\n{{customer.nmae}} owes "
                                                 << "{{total_owed}}.\n";
  auto broken = load_templates(fs::path(settings->templates));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.status().message(), (user / "reminder.text.mustache").string() +
                                           ":3: unknown variable 'customer.nmae' (did you mean 'customer.name'?)");
}

TEST_F(OutboxTest, OutboxStopFlagSetAfterTheRunBlocksTheEmail) {
  standard_ledger();
  run(kRunDay);
  ASSERT_TRUE(
      set_flag(*store_, "C2", StopFlag::kCeaseCommunication, day(kRunDay), "asked us to stop in writing", "user clerk")
          .is_ok());
  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  const SendReport report = send(kAfternoon);
  EXPECT_EQ(report.blocked, 1u);
  EXPECT_EQ(report.sent, 1u);  // C1's notice is not concerned
  const OutboxItem blocked = item_of("C2", "email");
  EXPECT_EQ(blocked.status, "blocked");
  EXPECT_EQ(blocked.attempts, 0);
  EXPECT_TRUE(blocked.content.empty());
  EXPECT_TRUE(blocked.last_error.starts_with("cease-communication: the debtor asked on 2026-03-02"))
      << blocked.last_error;
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_FALSE(contains(read_file(server.messages()[0]), "action-" + std::to_string(blocked.action_id) + "."));
  auto check = check_journal(*store_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->intact());
}

}  // namespace
}  // namespace squeaky

namespace squeaky {
namespace {

TEST_F(OutboxTest, OutboxReviewHoldsTheRunsMessagesUntilAPersonApprovesThem) {
  standard_ledger();
  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  settings_->review_messages = true;
  auto report = run_day(*store_, default_plan_set(), day(kRunDay), settings_->compliance,
                        RunOptions{settings_->review_messages, "", {}});
  ASSERT_TRUE(report) << report.status().message();
  const int64_t notice = item_of("C1", "email").action_id;
  const int64_t reminder = item_of("C2", "email").action_id;
  auto all = store_->outbox("", "", false);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);  // the two emails, and the notice's letter
  for (const OutboxItem& i : *all) EXPECT_EQ(i.status, "held") << i.action_id;

  // Nothing held goes out, and no letter is printed.
  EXPECT_EQ(send(kAfternoon).sent, 0u);
  EXPECT_TRUE(server.messages().empty());
  auto printed = print_letters(*store_, dispatcher(kAfternoon), day(kRunDay));
  ASSERT_TRUE(printed) << printed.status().message();
  EXPECT_EQ(printed->letters, 0u);

  ASSERT_TRUE(approve_outbox_item(*store_, notice, "user owner").is_ok());
  ASSERT_TRUE(cancel_outbox_item(*store_, reminder, "user owner").is_ok());
  EXPECT_EQ(item(notice).status, "queued");
  EXPECT_EQ(item(reminder).status, "cancelled");
  EXPECT_EQ(send(kAfternoon).sent, 1u);
  ASSERT_EQ(server.messages().size(), 1u);
  EXPECT_EQ(item(notice).status, "sent");

  // Each decision is journaled with who made it.
  std::vector<std::string> events;
  ASSERT_TRUE(store_
                  ->for_each_journal_entry([&](const JournalEntry& e) {
                    if (e.kind == "outbox.held" || e.kind == "outbox.approved" || e.kind == "outbox.cancelled") {
                      events.push_back(e.kind + " by " + e.actor);
                    }
                    return Status::ok();
                  })
                  .is_ok());
  EXPECT_EQ(events, (std::vector<std::string>{"outbox.held by run 2026-03-02", "outbox.held by run 2026-03-02",
                                              "outbox.held by run 2026-03-02", "outbox.approved by user owner",
                                              "outbox.cancelled by user owner"}));
  auto check = check_journal(*store_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->intact());
}

TEST_F(OutboxTest, OutboxAHeldItemWaitsUntilApproved) {
  add_business("C1", "Acme Roofing LLC", "America/Chicago", "ap@acme-roofing.example");
  add_invoice("INV-1001", "C1", "2026-02-01", "2026-02-26", "500.00");
  run(kRunDay);
  const int64_t id = item_of("C1", "email").action_id;
  ASSERT_TRUE(hold_outbox_item(*store_, id, "user clerk").is_ok());
  EXPECT_EQ(item(id).status, "held");
  SmtpServer server(dir_ / "smtp", "accept");
  use_port(server.port());
  EXPECT_EQ(send(kAfternoon).sent, 0u);
  EXPECT_EQ(hold_outbox_item(*store_, id, "user clerk").message(),
            "outbox item " + std::to_string(id) + " is held; only an item that is queued, failed can be held");
  ASSERT_TRUE(approve_outbox_item(*store_, id, "user clerk").is_ok());
  EXPECT_EQ(approve_outbox_item(*store_, id, "user clerk").message(),
            "outbox item " + std::to_string(id) + " is queued; only an item that is held can be approved");
  EXPECT_EQ(send(kAfternoon).sent, 1u);
  EXPECT_EQ(server.messages().size(), 1u);
}

// One dispatcher at a time per ledger: a lock file beside an SQLite database, a session lock on a
// PostgreSQL one, seen by every process that opens the same database.
TEST_F(OutboxTest, OutboxOnlyOneDispatcherHoldsTheLockAtATime) {
  auto location = testing::test_store_location(dir_ / "squeaky.db");
  ASSERT_TRUE(location) << location.status().message();
  {
    DispatchLock first;
    ASSERT_TRUE(first.take(*location).is_ok());
    DispatchLock second;
    const Status busy = second.take(*location);
    EXPECT_EQ(busy.code(), ErrorCode::kConflict) << busy.message();
    EXPECT_NE(busy.message().find("another squeaky is sending or printing"), std::string::npos);
  }
  DispatchLock again;  // the first let go when it ended
  EXPECT_TRUE(again.take(*location).is_ok());
}

}  // namespace
}  // namespace squeaky
