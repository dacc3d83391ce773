#include "app/outbox.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "app/reports.h"
#include "channels/email.h"
#include "channels/pdf.h"
#include "guard/guard.h"
#include "io/ledger_csv.h"
#include "store/journal.h"

namespace squeaky {
namespace {

namespace fs = std::filesystem;

// Days the debtor is given to pay from the date of a message.
constexpr int kPayWithinDays = 7;

// Moves one item to the state `item` describes and journals it, in a transaction of its own.
Status transition(Store& store, const OutboxItem& item, std::string_view from, std::string_view event,
                  std::string_view detail, std::string_view actor) {
  return in_transaction(store,
                        [&](StoreTransaction& txn) { return txn.update_outbox(item, from, event, detail, actor); });
}

std::string language_of(const Customer& customer, const Settings& settings) {
  return customer.language.empty() ? settings.business.language : customer.language;
}

std::vector<std::string> address_block(const Customer& c) {
  std::vector<std::string> lines;
  if (!c.contact_name.empty() && c.contact_name != c.name) lines.push_back("Attn: " + c.contact_name);
  for (const auto* line : {&c.address.line1, &c.address.line2}) {
    if (!line->empty()) lines.push_back(*line);
  }
  std::string city = c.address.postal_code.empty() ? c.address.city : c.address.city + " " + c.address.postal_code;
  if (!c.region.empty()) city += (city.empty() ? "" : ", ") + c.region;
  if (!city.empty()) lines.push_back(city);
  if (!c.country.empty()) lines.push_back(c.country);
  return lines;
}

// Everything one message of an action says, as the templates take it.
struct Prepared {
  CustomerLedger ledger;
  CollectionState state;
  ActionRecord action;
  ContactRules rules;
  std::string language;
};

Result<Prepared> prepare(Store& store, const Dispatcher& d, const OutboxItem& item) {
  auto ledger = store.customer_ledger(item.customer_id);
  if (!ledger) return ledger.status();
  if (!*ledger) return Status::not_found("no customer '" + item.customer_id + "'");
  auto state = store.collection_state(item.customer_id);
  if (!state) return state.status();
  auto actions = store.actions(item.customer_id, "");
  if (!actions) return actions.status();
  const auto found =
      std::find_if(actions->begin(), actions->end(), [&](const ActionRecord& a) { return a.id == item.action_id; });
  if (found == actions->end())
    return Status::corruption("outbox item " + std::to_string(item.action_id) + " has no action");
  const ContactRules rules = rules_for((*ledger)->customer, d.settings.compliance);
  const std::string language = language_of((*ledger)->customer, d.settings);
  return Prepared{std::move(**ledger), std::move(*state), *found, rules, language};
}

Result<MessageContext> context_for(const Dispatcher& d, const Prepared& p) {
  const Customer& c = p.ledger.customer;
  const BusinessSettings& b = d.settings.business;
  MessageContext m;
  m.business = {b.name,      b.address,         b.phone, b.email, b.website, b.payment_instructions,
                b.signatory, b.signatory_title, ""};
  if (!b.logo.empty()) {
    std::ifstream in(b.logo, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    if (!in) return Status::io_error("cannot read the logo '" + b.logo + "' named in [business] logo");
    m.business.logo_png = bytes.str();
  }
  m.customer = {c.id, c.name, c.contact_name, c.kind, address_block(c), p.language};
  m.date = p.action.on;
  m.pay_by = p.action.on.plus_days(kPayWithinDays);
  m.step_name = p.action.step;
  if (const Plan* plan = d.plans.find(p.action.plan)) {
    if (const PlanStep* step = plan->find_step(p.action.step)) m.step_description = step->description;
  }
  std::map<std::string, const Invoice*, std::less<>> invoices;
  for (const Invoice& i : p.ledger.invoices) invoices.emplace(i.id, &i);
  const auto listed = nlohmann::json::parse(p.action.invoices.empty() ? "[]" : p.action.invoices, nullptr, false);
  if (listed.is_discarded() || !listed.is_array()) {
    return Status::corruption("action " + std::to_string(p.action.id) + " lists its invoices in a form not understood");
  }
  for (const auto& i : listed) {
    MessageInvoice line;
    line.number = i.value("id", "");
    auto due = Date::parse(i.value("due_date", ""));
    auto open = Money::parse(i.value("open", ""), c.currency);
    if (!due || !open) return Status::corruption("action " + std::to_string(p.action.id) + " has a malformed invoice");
    line.due_date = *due;
    line.open_amount = *open;
    line.days_past_due = i.value("days_past_due", int64_t{0});
    const auto known = invoices.find(line.number);
    line.issue_date = known != invoices.end() ? known->second->issue_date : line.due_date;
    m.invoices.push_back(std::move(line));
  }
  m.reference = "A-" + std::to_string(p.action.id);
  auto late = late_payment_charges(p.ledger, p.action.on, d.settings.rates);
  if (!late) return late.status();
  if (late->interest.is_positive() || late->compensation.is_positive()) {
    m.late_payment = MessageLatePayment{late->law, late->interest, late->compensation};
  }
  if (p.action.step == kValidationNotice) {
    auto calendar = holiday_calendar(d.settings.compliance.holiday_calendar);
    if (!calendar) return calendar.status();
    m.validation_ends = validation_period_end(p.action.on, *calendar);
  }
  if (p.rules.time_bar && !m.invoices.empty()) {
    m.time_barred = time_barred(d.settings.compliance, c, m.invoices.front().due_date, p.action.on).has_value();
  }
  if (!p.action.agency.empty()) m.agency = MessageAgency{p.action.agency, ""};
  if (c.kind == CustomerKind::kConsumer) {
    m.opt_out_required = true;
    m.opt_out_text = "To stop receiving emails about this account, reply to this message with the word STOP" +
                     (b.email.empty() ? std::string(".") : " or write to " + b.email + ".");
  }
  return m;
}

std::string message_id_for(const Dispatcher& d, const OutboxItem& item) {
  return "<action-" + std::to_string(item.action_id) + "." + item.on.to_string() + "@" + d.settings.email.domain + ">";
}

// Renders the email of an item: the message in the debtor's language, with the step's letter as
// a PDF attachment when it has one.
Result<std::string> build_email(const Dispatcher& d, const Prepared& p, const OutboxItem& item,
                                const std::vector<Contact>& to, std::string& subject) {
  auto context = context_for(d, p);
  if (!context) return context.status();
  auto rendered = render_message(d.templates, item.step, *context, d.settings.business.paper);
  if (!rendered) return rendered.status();
  subject = rendered->subject;
  EmailMessage email;
  email.from = {d.settings.email.from_name, d.settings.email.from_address};
  if (!d.settings.email.reply_to.empty()) email.reply_to = MailAddress{"", d.settings.email.reply_to};
  for (const Contact& c : to) email.to.push_back({p.ledger.customer.name, c.value});
  email.subject = rendered->subject;
  email.date = d.now;
  email.message_id = message_id_for(d, item);
  email.text_body = rendered->text;
  email.html_body = rendered->html;
  if (rendered->letter) {
    const LetterDocument letters[] = {*rendered->letter};
    auto pdf = render_letters_pdf(letters, {rendered->subject, d.now});
    if (!pdf) return pdf.status();
    email.attachments.push_back({item.step + "-" + p.ledger.customer.id + ".pdf", "application/pdf", pdf->bytes});
  }
  if (context->opt_out_required && !d.settings.business.email.empty()) {
    email.extra_headers.push_back({"List-Unsubscribe", "<mailto:" + d.settings.business.email + "?subject=STOP>"});
  }
  return build_message(email);
}

Envelope envelope_of(const Dispatcher& d, const OutboxItem& item) {
  Envelope e;
  e.mail_from = d.settings.email.from_address;
  size_t start = 0;
  while (start < item.recipients.size()) {
    size_t end = item.recipients.find('\n', start);
    if (end == std::string::npos) end = item.recipients.size();
    if (end > start) e.rcpt_to.push_back(item.recipients.substr(start, end - start));
    start = end + 1;
  }
  return e;
}

// Marks items a crashed or killed send left in "sending": they may have gone out.
Status recover_interrupted(Store& store, const Dispatcher& d, SendReport& report) {
  auto stuck = store.outbox("sending", "", false);
  if (!stuck) return stuck.status();
  for (OutboxItem item : *stuck) {
    item.status = "unknown";
    item.last_error = "the send was interrupted after the message was handed over; it may have gone out";
    if (Status s = transition(store, item, "sending", "unknown", item.last_error, d.actor); !s.is_ok()) return s;
    ++report.interrupted;
    report.lines.push_back(std::to_string(item.action_id) + " " + item.customer_id + " unknown: " + item.last_error);
  }
  return Status::ok();
}

// An item whose message cannot be made (a template that does not render, an address that does
// not fit the envelope window) fails for a person to look at; the others go on.
Status fail_item(Store& store, const Dispatcher& d, OutboxItem item, const Status& why, size_t& failed,
                 std::vector<std::string>& lines) {
  const std::string was = item.status;
  item.status = "failed";
  item.not_before.reset();
  item.content.clear();
  item.last_error = why.message();
  ++failed;
  lines.push_back(std::to_string(item.action_id) + " " + item.customer_id + " " + item.step + " failed (" +
                  item.last_error + ")");
  return transition(store, item, was, "failed", item.last_error, d.actor);
}

Status send_one(Store& store, const Dispatcher& d, MailTransport& transport, OutboxItem item, SendReport& report) {
  const std::string was = item.status;
  const std::string label = std::to_string(item.action_id) + " " + item.customer_id + " " + item.step;
  auto p = prepare(store, d, item);
  if (!p) return p.status();
  GuardDecision guard = check_channel(p->rules, p->ledger, p->state, Channel::kEmail, item.step);
  if (guard.verdict == Verdict::kAllow) {
    guard = check_hours(zones_of(p->ledger.customer, d.settings.compliance), d.now, d.settings.compliance);
  }
  if (guard.verdict == Verdict::kBlock) {
    item.status = "blocked";
    item.last_error = guard.rule + ": " + guard.reason;
    ++report.blocked;
    report.lines.push_back(label + " blocked (" + item.last_error + ")");
    return transition(store, item, was, "blocked", item.last_error, d.actor);
  }
  if (guard.verdict == Verdict::kDefer) {
    ++report.deferred;
    report.lines.push_back(label + " deferred to " + guard.until->to_string() + " (" + guard.reason + ")");
    if (item.not_before == guard.until) return Status::ok();
    item.not_before = guard.until;
    return transition(store, item, was, "deferred", guard.rule + ": " + guard.reason, d.actor);
  }
  const auto to = usable_contacts(p->rules, p->ledger, p->state, ContactChannel::kEmail);
  std::string addresses;
  for (const Contact& c : to) addresses += (addresses.empty() ? "" : "\n") + c.value;
  // The stored bytes go again (what the journal recorded), unless a person sent the item again
  // (retry clears its hash) or they are addressed otherwise than the addresses usable now: one
  // refused by the server or opted out since must not be used, a corrected one must.
  if (item.content.empty() || item.sha256.empty() || item.recipients != addresses) {
    auto bytes = build_email(d, *p, item, to, item.subject);
    if (!bytes) return fail_item(store, d, std::move(item), bytes.status(), report.failed, report.lines);
    item.content = std::move(bytes).value();
    item.sha256 = sha256_hex(item.content);
    item.message_id = message_id_for(d, item);
    item.recipients = addresses;
  }
  item.status = "sending";
  ++item.attempts;
  item.not_before.reset();
  if (Status s = transition(store, item, was, "sending", "", d.actor); !s.is_ok()) return s;

  const SendResult result = transport.send(envelope_of(d, item), item.content);
  const std::string detail =
      (result.smtp_code != 0 ? std::to_string(result.smtp_code) + " " : std::string()) + result.detail;
  item.content.clear();  // stored already; not written again
  std::string event;
  switch (result.kind) {
    case SendResult::Kind::kSent:
      item.status = event = "sent";
      item.sent_at = d.now;
      item.last_error.clear();
      ++report.sent;
      break;
    case SendResult::Kind::kTemporary: {
      item.status = event = "failed";
      item.last_error = detail;
      const auto& waits = d.settings.email.retry_minutes;
      if (item.attempts < d.settings.email.max_attempts) {
        const int wait = waits[std::min(static_cast<size_t>(item.attempts - 1), waits.size() - 1)];
        item.not_before = Timestamp(d.now.seconds() + std::chrono::minutes{wait});
      }
      ++report.failed;
      break;
    }
    case SendResult::Kind::kPermanent:
      item.status = event = "rejected";
      item.last_error = detail;
      ++report.rejected;
      break;
    case SendResult::Kind::kUnknown:
      item.status = event = "unknown";
      item.last_error = detail;
      ++report.unknown;
      break;
  }
  report.lines.push_back(label + " " + item.status + (detail.empty() ? "" : " (" + detail + ")") +
                         (item.status == "failed" && item.not_before ? ", next try " + item.not_before->to_string()
                          : item.status == "failed"                  ? ", no attempts left"
                                                                     : ""));
  return in_transaction(store, [&](StoreTransaction& txn) -> Status {
    if (Status s = txn.update_outbox(item, "sending", event, detail, d.actor); !s.is_ok()) return s;
    if (item.status != "rejected") return Status::ok();
    // The server refused the address: it is not used again until a person decides otherwise.
    for (const std::string& address : envelope_of(d, item).rcpt_to) {
      auto flagged = txn.add_opt_out(
          item.customer_id, {0, "email", address, d.now.utc_date(), "rejected by the mail server: " + detail}, d.actor);
      if (!flagged) return flagged.status();
    }
    return Status::ok();
  });
}

// Renders the letter of an item, with its own PDF (the copy kept) stored in the item.
Result<LetterDocument> render_letter(const Dispatcher& d, const Prepared& p, OutboxItem& item) {
  auto context = context_for(d, p);
  if (!context) return context.status();
  auto rendered = render_message(d.templates, item.step, *context, d.settings.business.paper);
  if (!rendered) return rendered.status();
  if (!rendered->letter) {
    return Status::invalid("plan step '" + item.step + "' sends a letter but its templates (" + rendered->language +
                           ") have no letter part");
  }
  const LetterDocument one[] = {*rendered->letter};
  auto pdf = render_letters_pdf(one, {rendered->subject, d.now});
  if (!pdf) return pdf.status();
  item.subject = rendered->subject;
  item.recipients.clear();
  for (const std::string& line : rendered->letter->recipient) {
    item.recipients += (item.recipients.empty() ? "" : "\n") + line;
  }
  item.content = std::move(pdf->bytes);
  item.sha256 = sha256_hex(item.content);
  return std::move(*rendered->letter);
}

Status write_file(const fs::path& path, std::string_view bytes) {
  const fs::path temporary = path.string() + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) return Status::io_error("cannot write '" + temporary.string() + "'");
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return Status::io_error("cannot write '" + path.string() + "': " + ec.message());
  return Status::ok();
}

}  // namespace

Result<SendReport> send_outbox(Store& store, const Dispatcher& d, MailTransport& transport, size_t limit) {
  SendReport report;
  if (Status s = check_sender(d.settings); !s.is_ok()) return s;
  if (d.settings.email.from_address.empty()) {
    return Status::invalid((d.settings.source.empty() ? std::string("squeaky.toml") : d.settings.source) +
                           ": [email] 'from' (or [business] 'email') is needed to send email");
  }
  if (Status s = recover_interrupted(store, d, report); !s.is_ok()) return s;
  std::vector<OutboxItem> due;
  for (const char* status : {"queued", "failed"}) {
    auto items = store.outbox(status, "", false);
    if (!items) return items.status();
    for (OutboxItem& item : *items) {
      if (item.channel != "email") continue;
      if (item.status == "failed" && !item.not_before) continue;  // out of attempts
      if (item.not_before && d.now < *item.not_before) continue;
      due.push_back(std::move(item));
    }
  }
  std::sort(due.begin(), due.end(), [](const OutboxItem& a, const OutboxItem& b) { return a.action_id < b.action_id; });
  size_t handled = 0;
  for (OutboxItem& summary : due) {
    if (limit != 0 && handled >= limit) break;
    auto item = store.outbox_item(summary.action_id);  // with its content, if rendered before
    if (!item) return item.status();
    if (!*item) continue;
    if (Status s = send_one(store, d, transport, std::move(**item), report); !s.is_ok()) return s;
    ++handled;
  }
  return report;
}

Result<LetterBatch> print_letters(Store& store, const Dispatcher& d, Date day) {
  LetterBatch batch;
  batch.day = day;
  if (Status s = check_sender(d.settings); !s.is_ok()) return s;
  auto queued = store.outbox("queued", "", false);
  if (!queued) return queued.status();
  std::vector<OutboxItem> items;
  std::vector<LetterDocument> documents;
  for (OutboxItem& item : *queued) {
    if (item.channel != "letter" || day < item.on) continue;
    auto p = prepare(store, d, item);
    if (!p) return p.status();
    const GuardDecision guard = check_channel(p->rules, p->ledger, p->state, Channel::kLetter, item.step);
    if (guard.verdict != Verdict::kAllow) {
      item.status = "blocked";
      item.last_error = guard.rule + ": " + guard.reason;
      if (Status s = transition(store, item, "queued", "blocked", item.last_error, d.actor); !s.is_ok()) return s;
      ++batch.blocked;
      batch.lines.push_back(std::to_string(item.action_id) + " " + item.customer_id + " blocked (" + item.last_error +
                            ")");
      continue;
    }
    auto letter = render_letter(d, *p, item);
    if (!letter) {
      if (Status s = fail_item(store, d, std::move(item), letter.status(), batch.failed, batch.lines); !s.is_ok()) {
        return s;
      }
      continue;
    }
    documents.push_back(std::move(*letter));
    items.push_back(std::move(item));
  }
  if (items.empty()) return batch;

  const fs::path folder = fs::path(d.settings.letters) / day.to_string();
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Status::io_error("cannot create '" + folder.string() + "': " + ec.message());
  auto merged = render_letters_pdf(documents, {"Letters of " + day.to_string(), d.now});
  if (!merged) return merged.status();
  std::string manifest = "action,customer,name,step,pages,sha256,address\n";
  for (size_t i = 0; i < items.size(); ++i) {
    OutboxItem& item = items[i];
    item.pages = merged->pages_per_letter[i];
    const std::string name = std::to_string(item.action_id) + "-" + item.customer_id + ".pdf";
    if (Status s = write_file(folder / name, item.content); !s.is_ok()) return s;
    std::string row;
    for (const std::string& field : {std::to_string(item.action_id), item.customer_id, documents[i].recipient.front(),
                                     item.step, std::to_string(item.pages), item.sha256, item.recipients}) {
      if (!row.empty()) row += ',';
      append_csv_field(row, field);
    }
    manifest += row + "\n";
  }
  batch.pdf = (folder / ("letters-" + day.to_string() + ".pdf")).string();
  batch.manifest = (folder / ("manifest-" + day.to_string() + ".csv")).string();
  batch.folder = folder.string();
  if (Status s = write_file(batch.pdf, merged->bytes); !s.is_ok()) return s;
  if (Status s = write_file(batch.manifest, manifest); !s.is_ok()) return s;
  Status marked = in_transaction(store, [&](StoreTransaction& txn) -> Status {
    for (OutboxItem& item : items) {
      item.status = "sent";
      item.attempts += 1;
      item.sent_at = d.now;
      if (Status s = txn.update_outbox(item, "queued", "printed", batch.pdf, d.actor); !s.is_ok()) return s;
    }
    return Status::ok();
  });
  if (!marked.is_ok()) return marked;
  batch.letters = items.size();
  batch.pages = merged->page_count();
  for (const OutboxItem& item : items) {
    batch.lines.push_back(std::to_string(item.action_id) + " " + item.customer_id + " " + item.step + ": " +
                          std::to_string(item.pages) + (item.pages == 1 ? " page" : " pages"));
  }
  return batch;
}

namespace {

Status decide(Store& store, int64_t id, std::initializer_list<std::string_view> from, std::string_view to,
              std::string_view event, std::string_view actor, const std::function<void(OutboxItem&)>& change) {
  auto found = store.outbox_item(id);
  if (!found) return found.status();
  if (!*found) return Status::not_found("no outbox item " + std::to_string(id));
  OutboxItem item = std::move(**found);
  if (std::find(from.begin(), from.end(), item.status) == from.end()) {
    std::string allowed;
    for (std::string_view s : from) allowed += (allowed.empty() ? "" : ", ") + std::string(s);
    return Status::conflict("outbox item " + std::to_string(id) + " is " + item.status + "; only an item that is " +
                            allowed + " can be " + std::string(event));
  }
  const std::string was = item.status;
  item.status = to;
  item.content.clear();
  change(item);
  return transition(store, item, was, event, "", actor);
}

}  // namespace

Result<Preview> preview_outbox_item(Store& store, const Dispatcher& d, int64_t id) {
  auto found = store.outbox_item(id);
  if (!found) return found.status();
  if (!*found) return Status::not_found("no outbox item " + std::to_string(id));
  OutboxItem item = std::move(**found);
  auto p = prepare(store, d, item);
  if (!p) return p.status();
  if (item.channel == "letter") {
    auto letter = render_letter(d, *p, item);
    if (!letter) return letter.status();
    return Preview{"application/pdf", std::move(item.content)};
  }
  auto context = context_for(d, *p);
  if (!context) return context.status();
  auto rendered = render_message(d.templates, item.step, *context, d.settings.business.paper);
  if (!rendered) return rendered.status();
  std::string text = "To: ";
  const auto to = usable_contacts(p->rules, p->ledger, p->state, ContactChannel::kEmail);
  for (size_t i = 0; i < to.size(); ++i) text += (i == 0 ? "" : ", ") + to[i].value;
  if (to.empty()) text += "(no address that may be used)";
  text += "\nSubject: " + rendered->subject + "\n";
  if (rendered->letter) text += "Attached: the letter, as a PDF\n";
  text += "\n" + rendered->text;
  return Preview{"text/plain; charset=utf-8", std::move(text)};
}

Status retry_outbox_item(Store& store, int64_t id, std::string_view actor) {
  return decide(store, id, {"failed", "unknown", "rejected", "blocked"}, "queued", "retried", actor,
                [](OutboxItem& item) {
                  item.not_before.reset();
                  item.last_error.clear();
                  item.sha256.clear();  // the stored copy stays (the journal recorded it) but is rendered anew
                });
}

Status cancel_outbox_item(Store& store, int64_t id, std::string_view actor) {
  return decide(store, id, {"queued", "failed", "unknown", "held"}, "cancelled", "cancelled", actor,
                [](OutboxItem&) {});
}

Status hold_outbox_item(Store& store, int64_t id, std::string_view actor) {
  return decide(store, id, {"queued", "failed"}, "held", "held", actor, [](OutboxItem&) {});
}

Status approve_outbox_item(Store& store, int64_t id, std::string_view actor) {
  return decide(store, id, {"held"}, "queued", "approved", actor, [](OutboxItem& item) { item.not_before.reset(); });
}

Status confirm_outbox_item(Store& store, int64_t id, Timestamp now, std::string_view actor) {
  return decide(store, id, {"unknown"}, "sent", "confirmed", actor, [&](OutboxItem& item) {
    item.sent_at = now;
    item.last_error.clear();
  });
}

Result<std::unique_ptr<MailTransport>> make_transport(const Settings& settings) {
  const EmailSettings& e = settings.email;
  if (e.transport == MailTransportKind::kFile) {
    std::error_code ec;
    fs::create_directories(e.directory, ec);
    if (ec) return Status::io_error("cannot create the mail folder '" + e.directory + "': " + ec.message());
    return std::unique_ptr<MailTransport>(std::make_unique<FileTransport>(e.directory));
  }
  SmtpSettings smtp;
  smtp.host = e.host;
  smtp.port = e.port;
  smtp.tls = e.tls == "none" ? SmtpTls::kNone : e.tls == "tls" ? SmtpTls::kTls : SmtpTls::kStartTls;
  smtp.username = e.username;
  smtp.password = e.password;
  smtp.timeout_seconds = e.timeout_seconds;
  return std::unique_ptr<MailTransport>(std::make_unique<SmtpTransport>(smtp));
}

DispatchLock::~DispatchLock() {
  if (fd_ >= 0) ::close(fd_);
}

Status DispatchLock::take(const std::string& db) {
  if (is_postgres_url(db)) {
    // "squeaky.send" in ASCII: apart from the writers' transaction lock.
    constexpr int64_t kDispatchLockKey = 0x73717565616b7953;
    auto lock = try_postgres_lock(db, kDispatchLockKey);
    if (!lock && lock.status().code() == ErrorCode::kConflict) {
      return Status::conflict("another squeaky is sending or printing from " + redacted_postgres_url(db) +
                              "; try again when it is done");
    }
    if (!lock) return lock.status();
    database_lock_ = std::move(*lock);
    return Status::ok();
  }
  const std::string path = db + ".send.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return Status::io_error("cannot open the lock file '" + path + "'");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status::conflict("another squeaky is sending or printing from " + db + "; try again when it is done");
  }
  return Status::ok();
}

}  // namespace squeaky
