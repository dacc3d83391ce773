// Message templates: what squeaky's letters and emails say, in the debtor's language.
//
// A message has a purpose ("reminder", "notice", "promise-confirmation", ...) and, per purpose and
// language, Mustache templates for its parts: a one-line subject, a plain-text email body, an HTML
// email body and, for purposes sent by post, a letter body. squeaky ships English defaults
// (templates/en/, compiled in); a business overrides them file by file from a directory of its own
// laid out the same way (docs/templates.md). Every template is checked when the set is loaded:
// a misspelt variable, an unbalanced section or an unterminated tag is an error naming the file and
// line, so a mistake shows up once, at start-up, and never as a blank in a letter sent to a debtor.
//
// The app fills a MessageContext with plain values (Money, Date); this layer formats them for the
// language of the message and renders the parts. A loaded TemplateSet is immutable: render_message
// may be called from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "channels/letter.h"
#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "ledger/records.h"

namespace squeaky {

// ------------------------------------------------------------------------------------------------
// What a message can say. Every string is plain text as the app has it (no HTML, no escaping); the
// templates escape for HTML and format amounts and dates for the language.

struct MessageBusiness {
  std::string name;
  std::vector<std::string> address_lines;  // the postal address, one line each, without the name
  std::string phone;                       // "" for none (likewise email and website)
  std::string email;
  std::string website;
  std::string payment_instructions;  // how to pay; may span several lines
  std::string signatory_name;        // who signs letters: "Dana Whitfield"
  std::string signatory_title;       // "Credit Controller"
  std::string logo_png;              // the bytes of a PNG for the letterhead; "" for none
};

struct MessageCustomer {
  std::string id;            // the account: "C-1001"
  std::string name;          // "Harbour Supplies Ltd"
  std::string contact_name;  // the person addressed, "" when unknown
  CustomerKind kind = CustomerKind::kBusiness;
  std::vector<std::string> address_lines;  // the postal address block, one line each, without the name
  std::string language;                    // BCP 47 ("en", "en-GB", "fr"); "" for kDefaultLanguage
};

// One open invoice as the message lists it.
struct MessageInvoice {
  std::string number;
  Date issue_date;
  Date due_date;
  int64_t days_past_due = 0;  // as of the message date; 0 or less: not yet overdue
  Money open_amount;
};

struct MessagePromise {
  Money amount;
  Date due_date;
};

struct MessageInstalment {
  Date due_date;
  Money amount;
  bool missed = false;  // for payment-plan-default: the instalment that was not paid
};

struct MessagePaymentPlan {
  std::vector<MessageInstalment> instalments;  // in date order
};

struct MessageDispute {
  std::string invoice;  // the invoice number disputed
  std::string reason;   // in the debtor's words, or the clerk's summary
};

struct MessageAgency {
  std::string name;     // "Northgate Recoveries"
  std::string contact;  // how the debtor reaches it, one line; "" for none
};

// What the law lets the business claim for late payment of the listed invoices (business debts
// only): interest and fixed compensation, in the account's currency.
struct MessageLatePayment {
  std::string law;  // "the Late Payment of Commercial Debts (Interest) Act 1998"
  Money interest;
  Money compensation;
};

struct MessageContext {
  MessageBusiness business;
  MessageCustomer customer;
  Date date;                             // the date of the message
  Date pay_by;                           // REQUIRES: not before `date`
  std::string step_name;                 // the plan step that sends the message: "notice"; "" for none
  std::string step_description;          // the step's description from the plan
  std::vector<MessageInvoice> invoices;  // oldest first
  // The amount owed per currency. Left empty, render_message sums the invoices' open amounts.
  MoneyTotals totals;
  // Days past due of the oldest overdue invoice. Left unset, the largest of the invoices'.
  std::optional<int64_t> oldest_days_past_due;
  std::string reference;  // the message's own reference, printed beside the account: "A-123"; may be ""
  // Parts only some purposes use (render_message says when a shipped purpose lacks the one it needs).
  std::optional<MessagePromise> promise;           // promise-confirmation
  std::optional<MessagePaymentPlan> payment_plan;  // payment-plan-agreement, payment-plan-default
  std::optional<MessageDispute> dispute;           // dispute-acknowledgement
  std::optional<MessageAgency> agency;             // placement
  // Emails to consumers must say how to stop them (Regulation F §1006.6(e)); letters do not.
  std::optional<MessageLatePayment> late_payment;  // when a statutory regime applies and charges accrued
  // validation-notice: the last day of the validation period, printed on the notice.
  std::optional<Date> validation_ends;
  // The debt is past its limitation period: templates must not threaten suit ({{^time_barred}}).
  bool time_barred = false;
  bool opt_out_required = false;
  std::string opt_out_text;  // REQUIRES: not empty when opt_out_required
};

// ------------------------------------------------------------------------------------------------
// Templates.

// The language used when a customer has none, and the last one tried for every customer.
inline constexpr std::string_view kDefaultLanguage = "en";

// The purposes the shipped templates cover: every email and letter step of plans/default.toml,
// and the messages the app sends on events.
inline constexpr std::string_view kShippedPurposes[] = {
    "reminder",
    "notice",
    "final-demand",
    "check-in",
    "statement",
    "placement",
    "promise-confirmation",
    "payment-plan-agreement",
    "payment-plan-default",
    "dispute-acknowledgement",
    "statement-of-account",
    "validation-notice",
};

// The purpose "layout" is reserved: its parts frame every message of a language.
inline constexpr std::string_view kLayoutPurpose = "layout";

// The file <purpose>.<part>.mustache. A purpose has subject, text and html, and optionally letter;
// the layout has text and html (the frames of every email, which place the message with
// {{{content}}}) and reference, footer, table_header and total_label (for letters).
enum class TemplatePart {
  kSubject,      // one line
  kText,         // the plain-text email body; layout: the frame of every plain-text email
  kHtml,         // the HTML email body (escaped by Mustache); layout: the frame of every HTML email
  kLetter,       // the letter body: paragraphs, and the "[invoices]" marker line
  kReference,    // layout: the reference line of a letter, one line
  kFooter,       // layout: the line at the foot of every letter page
  kTableHeader,  // layout: the invoice table's column titles, one line, five cells split by '|'
  kTotalLabel,   // layout: the label beside each total of the invoice table, one line
};
std::string_view to_string(TemplatePart part);  // "subject", "text", "html", "letter", ...
std::optional<TemplatePart> parse_template_part(std::string_view text);

// A template compiled into squeaky: path "templates/en/notice.letter.mustache" and its text.
struct ShippedTemplate {
  std::string_view path;
  std::string_view text;
};
std::span<const ShippedTemplate> shipped_templates();

// One checked template, ready to render.
struct CompiledTemplate {
  std::string source;    // where it came from, for messages: "templates/en/notice.letter.mustache"
  std::string mustache;  // the text given to Mustache (outside HTML, {{x}} is rewritten {{&x}})
};

// Checks a template's tags against the variables its part may use (docs/templates.md) and
// compiles it. Errors name `source` and the line: "templates/en/notice.letter.mustache:7: unknown
// variable 'custmer.name'". Every error found is reported, one per line of the message.
Result<CompiledTemplate> compile_template(std::string_view text, std::string_view purpose, TemplatePart part,
                                          std::string_view source);

// Templates by language, purpose and part. Build with load_templates(); immutable and thread-safe.
class TemplateSet {
 public:
  // The purposes a message in `language` can have, after fallback (docs/templates.md), sorted;
  // the layout is not one. A plan's email and letter steps each need one of these.
  std::vector<std::string> purposes(std::string_view language) const;
  // Whether `purpose` in `language` has a letter (what a plan's letter channel needs).
  bool has_letter(std::string_view language, std::string_view purpose) const;
  // The languages that have templates of their own ("en", "en-GB", "fr"), sorted.
  std::vector<std::string> languages() const;
  // The language whose templates a message for `purpose` in `language` uses, if any.
  std::optional<std::string> resolve_language(std::string_view language, std::string_view purpose) const;

  // The template of one part, looked up without fallback; nullptr when there is none.
  const CompiledTemplate* find(std::string_view language, std::string_view purpose, TemplatePart part) const;
  // The layout part for messages in `language` (falling back like purposes do).
  const CompiledTemplate* find_layout(std::string_view language, TemplatePart part) const;

 private:
  friend Result<TemplateSet> load_templates(const std::optional<std::filesystem::path>& user_dir);
  // language (canonical case) -> purpose -> part -> template
  std::map<std::string, std::map<std::string, std::map<TemplatePart, CompiledTemplate>, std::less<>>, std::less<>>
      templates_;
};

// The shipped templates, overridden file by file by `user_dir` (<user_dir>/<language>/<purpose>.
// <part>.mustache) when given. Fails, naming every bad file and line, when a template does not
// check, a file name is not a template's, a purpose lacks its subject, text or html, or a language
// lacks a letter or layout part that messages in it would need.
Result<TemplateSet> load_templates(const std::optional<std::filesystem::path>& user_dir);

// The chain of languages tried for `language`, most specific first, ending with kDefaultLanguage:
// "en-GB" -> {"en-GB", "en"}; "fr" -> {"fr", "en"}; "" -> {"en"}. Tags are put in canonical case.
std::vector<std::string> language_fallbacks(std::string_view language);

// Formatting for people, by language ("en": "24 November 2026", "1,234.50 USD"; "en-US":
// "November 24, 2026"; "de": "24. November 2026", "1.234,50 EUR"). Languages squeaky has no
// conventions for are formatted as English.
std::string format_date(Date date, std::string_view language);
std::string format_amount(Money amount, std::string_view language);

// ------------------------------------------------------------------------------------------------
// Rendering.

struct RenderedMessage {
  std::string purpose;
  std::string language;                  // the language of the templates used
  std::string subject;                   // one line
  std::string text;                      // plain-text email body (in the text layout), ending with a newline
  std::string html;                      // HTML email body (in the HTML layout)
  std::optional<LetterDocument> letter;  // when the purpose has a letter
};

// Renders every part of `purpose` for the customer's language. Fails when the set has no such
// purpose, when the context lacks what the purpose needs (a promise for promise-confirmation, ...),
// when pay_by is before the date, when an opt-out line is required but has no text, or when the
// templates leave out a required opt-out line (it must appear in both the text and the HTML).
Result<RenderedMessage> render_message(const TemplateSet& templates, std::string_view purpose,
                                       const MessageContext& context, PaperSize paper);

}  // namespace squeaky
