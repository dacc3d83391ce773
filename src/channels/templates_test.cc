#include "channels/templates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "testing.h"

namespace squeaky {
namespace {

using squeaky::testing::scratch_dir;
using squeaky::testing::status_of;

Currency usd() { return *Currency::from_code("USD"); }
Currency eur() { return *Currency::from_code("EUR"); }
Money money(std::string_view text, Currency currency) { return *Money::parse(text, currency); }

MessageContext sample_context() {
  MessageContext c;
  c.business.name = "Lakeside Tools Ltd";
  c.business.address_lines = {"12 Mill Lane", "Springfield IL 62701"};
  c.business.phone = "+1 217 555 0100";
  c.business.email = "accounts@lakeside.example";
  c.business.website = "lakeside.example";
  c.business.payment_instructions = "Bank transfer to First Prairie Bank\nAccount 0012 3456 78, routing 071000013";
  c.business.signatory_name = "Dana Whitfield";
  c.business.signatory_title = "Credit Controller";
  c.customer.id = "C-1001";
  c.customer.name = "Harbour Supplies";
  c.customer.kind = CustomerKind::kBusiness;
  c.customer.address_lines = {"4 Quay Street", "Portsmouth NH 03801"};
  c.customer.language = "en";
  c.date = Date::from_ymd(2026, 11, 24);
  c.pay_by = Date::from_ymd(2026, 12, 1);
  c.step_name = "notice";
  c.step_description = "A written collection notice";
  c.invoices = {
      {"INV-1001", Date::from_ymd(2026, 9, 15), Date::from_ymd(2026, 10, 15), 40, money("1234.50", usd())},
      {"INV-1002", Date::from_ymd(2026, 10, 1), Date::from_ymd(2026, 10, 31), 24, money("500.05", usd())},
  };
  c.reference = "A-123";
  c.promise = MessagePromise{money("600.00", usd()), Date::from_ymd(2026, 12, 5)};
  c.payment_plan = MessagePaymentPlan{{
      {Date::from_ymd(2026, 12, 1), money("867.28", usd()), true},
      {Date::from_ymd(2027, 1, 1), money("867.27", usd()), false},
  }};
  c.dispute = MessageDispute{"INV-0999", "The goods arrived damaged"};
  c.agency = MessageAgency{"Northgate Recoveries", "+1 800 555 0199"};
  c.validation_ends = Date::from_ymd(2026, 12, 30);
  return c;
}

const TemplateSet& shipped() {
  static const TemplateSet set = [] {
    auto loaded = load_templates(std::nullopt);
    EXPECT_TRUE(loaded.is_ok()) << loaded.status().message();
    return std::move(loaded).value();
  }();
  return set;
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// "15 October 2026" and the like.
bool has_long_date(std::string_view text) {
  for (std::string_view month : {"January", "February", "March", "April", "May", "June", "July", "August", "September",
                                 "October", "November", "December"}) {
    if (contains(text, " " + std::string(month) + " 2026")) return true;
  }
  return false;
}

std::string all_paragraphs(const LetterDocument& letter) {
  std::string out;
  for (const auto& p : letter.before_table) out += p + "\n\n";
  for (const auto& p : letter.after_table) out += p + "\n\n";
  return out;
}

TEST(TemplateShipped, EveryShippedPurposeRendersWithNameAmountsAndDates) {
  const std::vector<std::string_view> with_letter = {"notice",
                                                     "final-demand",
                                                     "statement",
                                                     "placement",
                                                     "payment-plan-agreement",
                                                     "payment-plan-default",
                                                     "dispute-acknowledgement",
                                                     "statement-of-account",
                                                     "validation-notice"};
  const MessageContext context = sample_context();
  for (std::string_view purpose : kShippedPurposes) {
    SCOPED_TRACE(std::string(purpose));
    auto message = render_message(shipped(), purpose, context, PaperSize::kA4);
    ASSERT_TRUE(message.is_ok()) << message.status().message();
    EXPECT_EQ(message->language, "en");
    EXPECT_FALSE(message->subject.empty());
    EXPECT_FALSE(contains(message->subject, "\n"));
    for (const std::string* body : {&message->text, &message->html}) {
      EXPECT_TRUE(contains(*body, "Harbour Supplies")) << *body;
      EXPECT_TRUE(contains(*body, "1,734.55 USD")) << *body;  // the total, to the cent
      EXPECT_TRUE(has_long_date(*body)) << *body;
      EXPECT_FALSE(contains(*body, "{{")) << *body;
    }
    EXPECT_FALSE(contains(message->text, "&amp;"));
    EXPECT_TRUE(contains(message->html, "<!DOCTYPE html>"));
    const bool wants_letter = std::find(with_letter.begin(), with_letter.end(), purpose) != with_letter.end();
    ASSERT_EQ(message->letter.has_value(), wants_letter);
    EXPECT_EQ(shipped().has_letter("en", purpose), wants_letter);
    if (wants_letter) {
      const LetterDocument& letter = *message->letter;
      EXPECT_EQ(letter.subject, message->subject);
      EXPECT_EQ(letter.date, "24 November 2026");
      EXPECT_TRUE(contains(all_paragraphs(letter), "Dear Harbour Supplies,"));
      EXPECT_TRUE(contains(all_paragraphs(letter), "Dana Whitfield\nCredit Controller\nLakeside Tools Ltd"));
      ASSERT_EQ(letter.table.rows.size(), 2u);
      EXPECT_EQ(letter.table.rows[0][4], "1,234.50 USD");
    }
  }
  // Purpose-specific facts.
  auto promise = render_message(shipped(), "promise-confirmation", context, PaperSize::kA4);
  ASSERT_TRUE(promise.is_ok());
  EXPECT_TRUE(contains(promise->text, "600.00 USD on or before 5 December 2026"));
  auto plan_default = render_message(shipped(), "payment-plan-default", context, PaperSize::kA4);
  ASSERT_TRUE(plan_default.is_ok());
  EXPECT_TRUE(contains(plan_default->text, "The instalment of 867.28 USD that was due on 1 December 2026"));
  auto dispute = render_message(shipped(), "dispute-acknowledgement", context, PaperSize::kA4);
  ASSERT_TRUE(dispute.is_ok());
  EXPECT_TRUE(contains(dispute->text, "invoice INV-0999"));
  EXPECT_TRUE(contains(dispute->text, "The goods arrived damaged"));
  auto placement = render_message(shipped(), "placement", context, PaperSize::kA4);
  ASSERT_TRUE(placement.is_ok());
  EXPECT_TRUE(contains(placement->subject, "Northgate Recoveries"));
}

TEST(TemplateShipped, PurposesCoverEveryEmailAndLetterStepOfTheDefaultPlans) {
  const std::vector<std::string> purposes = shipped().purposes("en");
  for (std::string_view step : {"reminder", "notice", "final-demand", "check-in", "statement"}) {
    EXPECT_NE(std::find(purposes.begin(), purposes.end(), step), purposes.end()) << step;
  }
  for (std::string_view purpose : kShippedPurposes) {
    EXPECT_NE(std::find(purposes.begin(), purposes.end(), purpose), purposes.end()) << purpose;
  }
  EXPECT_EQ(std::find(purposes.begin(), purposes.end(), "layout"), purposes.end());
  EXPECT_EQ(shipped().purposes("fr"), purposes);
  EXPECT_EQ(shipped().languages(), std::vector<std::string>{"en"});
}

TEST(TemplateRender, TextIsTidyAndListsInvoicesAndPaymentInstructions) {
  auto message = render_message(shipped(), "reminder", sample_context(), PaperSize::kA4);
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  EXPECT_EQ(message->subject, "Payment reminder for account C-1001: 1,734.55 USD past due");
  EXPECT_TRUE(contains(message->text,
                       "Dear Harbour Supplies,\n\nThis is a friendly reminder that the following "
                       "invoices are now past due:\n\n"
                       "  Invoice INV-1001 of 15 September 2026, due 15 October 2026: 1,234.50 USD\n"
                       "  Invoice INV-1002 of 1 October 2026, due 31 October 2026: 500.05 USD\n"
                       "  Total: 1,734.55 USD\n"))
      << message->text;
  EXPECT_TRUE(contains(message->text, "How to pay:\nBank transfer to First Prairie Bank\n"));
  EXPECT_TRUE(contains(message->text, "Kind regards,\n\nDana Whitfield\nCredit Controller\nLakeside Tools Ltd\n"));
  EXPECT_FALSE(contains(message->text, "\n\n\n"));
  EXPECT_EQ(message->text.back(), '\n');
}

TEST(TemplateHtml, EscapesNamesInHtmlOnly) {
  MessageContext context = sample_context();
  context.customer.name = "O'Brien & <Sons>";
  auto message = render_message(shipped(), "notice", context, PaperSize::kA4);
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  EXPECT_TRUE(contains(message->html, "Dear O&#39;Brien &amp; &lt;Sons&gt;,")) << message->html;
  EXPECT_FALSE(contains(message->html, "<Sons>"));
  EXPECT_TRUE(contains(message->text, "Dear O'Brien & <Sons>,"));
  EXPECT_EQ(message->letter->recipient.front(), "O'Brien & <Sons>");
  EXPECT_TRUE(contains(message->letter->before_table.front(), "Dear O'Brien & <Sons>,"));
}

TEST(TemplateHtml, ValuesAreNotTemplates) {
  MessageContext context = sample_context();
  context.customer.name = "{{business.name}}";
  auto message = render_message(shipped(), "reminder", context, PaperSize::kA4);
  ASSERT_TRUE(message.is_ok());
  EXPECT_TRUE(contains(message->text, "Dear {{business.name}},"));
}

TEST(TemplateOptOut, PresentForConsumersAbsentForBusinesses) {
  const std::string line = "To stop emails about this account, reply with the word STOP.";
  MessageContext consumer = sample_context();
  consumer.customer.kind = CustomerKind::kConsumer;
  consumer.opt_out_required = true;
  consumer.opt_out_text = line;
  MessageContext business = sample_context();
  for (std::string_view purpose : kShippedPurposes) {
    SCOPED_TRACE(std::string(purpose));
    auto to_consumer = render_message(shipped(), purpose, consumer, PaperSize::kA4);
    ASSERT_TRUE(to_consumer.is_ok()) << to_consumer.status().message();
    EXPECT_TRUE(contains(to_consumer->text, line));
    EXPECT_TRUE(contains(to_consumer->html, "To stop emails about this account, reply with the word STOP."));
    if (to_consumer->letter) {
      EXPECT_FALSE(contains(all_paragraphs(*to_consumer->letter), line));
    }
    auto to_business = render_message(shipped(), purpose, business, PaperSize::kA4);
    ASSERT_TRUE(to_business.is_ok());
    EXPECT_FALSE(contains(to_business->text, "STOP"));
    EXPECT_FALSE(contains(to_business->html, "STOP"));
  }
  consumer.opt_out_text.clear();
  auto missing = render_message(shipped(), "reminder", consumer, PaperSize::kA4);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().message(), "an opt-out line is required for customer C-1001 but its text is empty");
}

TEST(TemplateOptOut, AnOverriddenLayoutThatDropsItRefusesToRender) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "layout.text.mustache", "{{{content}}}\n");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  MessageContext consumer = sample_context();
  consumer.opt_out_required = true;
  consumer.opt_out_text = "Reply STOP to opt out.";
  auto message = render_message(*set, "reminder", consumer, PaperSize::kA4);
  ASSERT_FALSE(message.is_ok());
  EXPECT_TRUE(contains(message.status().message(), "leave out the opt-out line")) << message.status().message();
}

TEST(TemplateOverride, ReplacesOneFileAndKeepsTheOthers) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "reminder.subject.mustache", "Account {{customer.id}}: a note from {{business.name}}\n");
  write_file(dir / "en" / ".reminder.subject.mustache.swp", "not a template");
  write_file(dir / "README.md", "our templates");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  const MessageContext context = sample_context();
  auto mine = render_message(*set, "reminder", context, PaperSize::kA4);
  auto theirs = render_message(shipped(), "reminder", context, PaperSize::kA4);
  ASSERT_TRUE(mine.is_ok() && theirs.is_ok());
  EXPECT_EQ(mine->subject, "Account C-1001: a note from Lakeside Tools Ltd");
  EXPECT_EQ(mine->text, theirs->text);
  EXPECT_TRUE(contains(mine->html, "<title>Account C-1001: a note from Lakeside Tools Ltd</title>"));
  const auto body = [](const std::string& html) { return html.substr(html.find("<body")); };
  EXPECT_EQ(body(mine->html), body(theirs->html));
  EXPECT_EQ(set->find("en", "reminder", TemplatePart::kSubject)->source,
            (dir / "en" / "reminder.subject.mustache").string());
  EXPECT_EQ(set->find("en", "reminder", TemplatePart::kText)->source, "templates/en/reminder.text.mustache");
}

TEST(TemplateOverride, AddsAPurposeOfTheBusinessesOwn) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "thank-you.subject.mustache", "Thank you, {{customer.name}}\n");
  write_file(dir / "en" / "thank-you.text.mustache", "We received your payment.\n");
  write_file(dir / "en" / "thank-you.html.mustache", "<p>We received your payment.</p>\n");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  const auto purposes = set->purposes("en");
  EXPECT_NE(std::find(purposes.begin(), purposes.end(), "thank-you"), purposes.end());
  auto message = render_message(*set, "thank-you", sample_context(), PaperSize::kA4);
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  EXPECT_EQ(message->subject, "Thank you, Harbour Supplies");
  EXPECT_FALSE(message->letter.has_value());
}

TEST(TemplateLatePayment, TheFinalDemandStatesTheStatutoryChargesWhenThereAreAny) {
  MessageContext context = sample_context();
  auto plain = render_message(shipped(), "final-demand", context, PaperSize::kA4);
  ASSERT_TRUE(plain.is_ok()) << plain.status().message();
  EXPECT_FALSE(contains(plain->text, "entitles us"));
  context.late_payment = MessageLatePayment{"Late Payment of Commercial Debts (Interest) Act 1998",
                                            money("169.49", usd()), money("70.00", usd())};
  auto claimed = render_message(shipped(), "final-demand", context, PaperSize::kA4);
  ASSERT_TRUE(claimed.is_ok()) << claimed.status().message();
  const std::string sentence =
      "the Late Payment of Commercial Debts (Interest) Act 1998 entitles us to claim interest on the late payment "
      "(169.49 USD to date) and fixed compensation of 70.00 USD: 239.49 USD in all";
  EXPECT_TRUE(contains(claimed->text, sentence)) << claimed->text;
  EXPECT_TRUE(contains(claimed->html, sentence));
  ASSERT_TRUE(claimed->letter.has_value());
  std::string letter;
  for (const std::string& p : claimed->letter->before_table) letter += p + "\n";
  for (const std::string& p : claimed->letter->after_table) letter += p + "\n";
  EXPECT_TRUE(contains(letter, sentence)) << letter;
}

TEST(TemplateTimeBarred, ATemplateCanLeaveOutThreatsOfSuit) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "attorney.subject.mustache", "Account {{customer.id}}\n");
  write_file(dir / "en" / "attorney.text.mustache",
             "{{^time_barred}}We may refer the account to our attorney.\n{{/time_barred}}Please pay {{total_owed}}.\n");
  write_file(dir / "en" / "attorney.html.mustache", "<p>Please pay {{total_owed}}.</p>\n");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  MessageContext context = sample_context();
  auto threat = render_message(*set, "attorney", context, PaperSize::kA4);
  ASSERT_TRUE(threat.is_ok()) << threat.status().message();
  EXPECT_TRUE(contains(threat->text, "attorney"));
  context.time_barred = true;
  auto none = render_message(*set, "attorney", context, PaperSize::kA4);
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  EXPECT_FALSE(contains(none->text, "attorney"));
  EXPECT_TRUE(contains(none->text, "Please pay 1,734.55 USD."));
}

TEST(TemplateLanguage, FallsBackFromRegionToLanguageToDefault) {
  EXPECT_EQ(language_fallbacks("en-gb"), (std::vector<std::string>{"en-GB", "en"}));
  EXPECT_EQ(language_fallbacks("fr"), (std::vector<std::string>{"fr", "en"}));
  EXPECT_EQ(language_fallbacks("zh_hant_tw"), (std::vector<std::string>{"zh-Hant-TW", "zh-Hant", "zh", "en"}));
  EXPECT_EQ(language_fallbacks(""), (std::vector<std::string>{"en"}));

  const auto dir = scratch_dir("templates");
  // French for the reminder only, with its own frames; British English for the subject of the
  // notice (the rest of the British notice falls back to nothing: a purpose is taken whole).
  write_file(dir / "fr" / "reminder.subject.mustache", "Rappel : compte {{customer.id}}\n");
  write_file(dir / "fr" / "reminder.text.mustache", "Bonjour {{customer.addressee}},\nÉchéance : {{pay_by}}\n");
  write_file(dir / "fr" / "reminder.html.mustache", "<p>Bonjour {{customer.addressee}}</p>\n");
  write_file(dir / "fr" / "layout.text.mustache", "{{{content}}}\n{{#opt_out}}{{opt_out.text}}{{/opt_out}}\n");
  write_file(dir / "fr" / "layout.html.mustache",
             "<html lang=\"fr\">{{{content}}}{{#opt_out}}{{opt_out.text}}{{/opt_out}}</html>\n");
  write_file(dir / "en-GB" / "reminder.subject.mustache", "Reminder (GB): account {{customer.id}}\n");
  write_file(dir / "en-GB" / "reminder.text.mustache", "Dear {{customer.addressee}}, pay by {{pay_by}}.\n");
  write_file(dir / "en-GB" / "reminder.html.mustache", "<p>Dear {{customer.addressee}}</p>\n");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  EXPECT_EQ(set->languages(), (std::vector<std::string>{"en", "en-GB", "fr"}));

  MessageContext context = sample_context();
  context.customer.language = "fr-CA";
  auto french = render_message(*set, "reminder", context, PaperSize::kA4);
  ASSERT_TRUE(french.is_ok()) << french.status().message();
  EXPECT_EQ(french->language, "fr");
  EXPECT_EQ(french->subject, "Rappel : compte C-1001");
  EXPECT_TRUE(contains(french->text, "Échéance : 1 décembre 2026")) << french->text;
  auto french_notice = render_message(*set, "notice", context, PaperSize::kA4);
  ASSERT_TRUE(french_notice.is_ok());
  EXPECT_EQ(french_notice->language, "en");
  EXPECT_TRUE(contains(french_notice->text, "1 December 2026"));  // English templates, English dates

  context.customer.language = "en-GB";
  auto british = render_message(*set, "reminder", context, PaperSize::kA4);
  ASSERT_TRUE(british.is_ok());
  EXPECT_EQ(british->language, "en-GB");
  EXPECT_EQ(british->subject, "Reminder (GB): account C-1001");
  EXPECT_TRUE(contains(british->html, "<!DOCTYPE html>"));  // the frame comes from en

  context.customer.language = "en-US";
  auto american = render_message(*set, "notice", context, PaperSize::kA4);
  ASSERT_TRUE(american.is_ok());
  EXPECT_EQ(american->language, "en");
  EXPECT_TRUE(contains(american->text, "by December 1, 2026")) << american->text;
  EXPECT_EQ(american->letter->date, "November 24, 2026");

  context.customer.language = "de";
  auto german = render_message(*set, "reminder", context, PaperSize::kA4);
  ASSERT_TRUE(german.is_ok());
  EXPECT_EQ(german->language, "en");
  EXPECT_TRUE(contains(german->text, "1,234.50 USD"));
}

TEST(TemplateLanguage, ALanguageMustNotSilentlyLoseALetterOrItsLayout) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "fr" / "notice.subject.mustache", "Avis\n");
  write_file(dir / "fr" / "notice.text.mustache", "Texte\n");
  write_file(dir / "fr" / "notice.html.mustache", "<p>Texte</p>\n");
  write_file(dir / "fr" / "statement.subject.mustache", "Relevé\n");
  auto set = load_templates(dir);
  ASSERT_FALSE(set.is_ok());
  const std::string fr = (dir / "fr").string();
  EXPECT_EQ(set.status().message(),
            fr +
                "/notice.letter.mustache: missing; 'notice' has a letter in en, and customers reading fr would "
                "get none\n" +
                fr + "/statement.text.mustache: missing; every purpose needs a subject, a text and an html template\n" +
                fr + "/statement.html.mustache: missing; every purpose needs a subject, a text and an html template\n" +
                fr +
                "/statement.letter.mustache: missing; 'statement' has a letter in en, and customers reading fr "
                "would get none\n" +
                fr + "/layout.text.mustache: missing; messages in fr need their own layout templates\n" + fr +
                "/layout.html.mustache: missing; messages in fr need their own layout templates");
}

TEST(TemplateCheck, UnknownVariableNamesFileAndLine) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "notice.letter.mustache",
             "Dear {{customer.addressee}},\n\nline 3\n\nline 5\n\nWe write to {{custmer.name}} about it.\n");
  auto set = load_templates(dir);
  ASSERT_FALSE(set.is_ok());
  EXPECT_EQ(set.status().message(), (dir / "en" / "notice.letter.mustache").string() +
                                        ":7: unknown variable 'custmer.name' (did you mean 'customer.name'?)");
}

TEST(TemplateCheck, ReportsEveryErrorOfEveryFile) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "notice.text.mustache",
             "{{#invoices}}\n{{number}}\n{{/totals}}\n{{customer.is_consumer}}\n{{invoices}}\n{{> footer}}\n"
             "{{^opt_out}}{{text}}{{/opt_out}}\n");
  write_file(dir / "en" / "reminder.subject.mustache", "Hello {{customer.name}\n");
  write_file(dir / "en" / "reminder.text.mustache", "{{#promise}}{{amount}} {{due_date}}{{/promise}} {{=<% %>=}}\n");
  write_file(dir / "en" / "reminder.html.mustache", "{{/invoices}}\n{{#totalz}}{{amount}}{{/totalz}}\n{{amount}}\n");
  write_file(dir / "en" / "reminder.bodytext.mustache", "x");
  write_file(dir / "english" / "reminder.subject.mustache", "x");
  auto set = load_templates(dir);
  ASSERT_FALSE(set.is_ok());
  const std::string en = (dir / "en").string();
  EXPECT_EQ(
      set.status().message(),
      en +
          "/reminder.bodytext.mustache: unknown part 'bodytext'; expected <purpose>.<part>.mustache, with part "
          "subject, text, html or letter (for the layout: text, html, reference, footer, table_header or "
          "total_label)\n" +
          (dir / "english").string() + ": 'english' is not a language tag such as 'en', 'en-GB' or 'fr'\n" + en +
          "/notice.text.mustache:1: section 'invoices' is never closed (expected {{/invoices}})\n" + en +
          "/notice.text.mustache:3: {{/totals}} does not close section 'invoices' opened on line 1\n" + en +
          "/notice.text.mustache:4: 'customer.is_consumer' is yes or no; use it as a section: "
          "{{#customer.is_consumer}}...{{/customer.is_consumer}}\n" +
          en + "/notice.text.mustache:5: 'invoices' is a list; repeat over it with {{#invoices}}...{{/invoices}}\n" +
          en + "/notice.text.mustache:6: partials ({{> footer}}) are not supported; each template stands alone\n" + en +
          "/notice.text.mustache:7: 'text' is only available inside {{#opt_out}}\n" + en +
          "/reminder.html.mustache:1: {{/invoices}} closes a section that was never opened\n" + en +
          "/reminder.html.mustache:2: unknown section 'totalz' (did you mean 'totals'?)\n" + en +
          "/reminder.html.mustache:3: 'amount' is only available inside {{#invoices}}, {{#totals}}, {{#promise}} "
          "or {{#payment_plan.instalments}}\n" +
          en + "/reminder.subject.mustache:1: '{{' is never closed by '}}'\n" + en +
          "/reminder.text.mustache:1: changing the delimiters ({{=<% %>=}}) is not supported; use {{ and }}");
}

TEST(TemplateCheck, UnbalancedSectionsAndOtherStructure) {
  auto unclosed = compile_template("{{#invoices}}\n{{number}}\n", "notice", TemplatePart::kText, "t.mustache");
  ASSERT_FALSE(unclosed.is_ok());
  EXPECT_EQ(unclosed.status().message(), "t.mustache:1: section 'invoices' is never closed (expected {{/invoices}})");

  auto crossed = compile_template("{{#invoices}}\n{{#overdue}}\n{{/invoices}}\n{{/overdue}}\n", "notice",
                                  TemplatePart::kText, "t.mustache");
  ASSERT_FALSE(crossed.is_ok());
  EXPECT_EQ(crossed.status().message(),
            "t.mustache:3: {{/invoices}} does not close section 'overdue' opened on line 2\n"
            "t.mustache:4: {{/overdue}} closes a section that was never opened");

  auto triple = compile_template("x {{{business.name}}\n", "notice", TemplatePart::kHtml, "t.mustache");
  ASSERT_FALSE(triple.is_ok());
  EXPECT_EQ(triple.status().message(), "t.mustache:1: '{{{' is never closed by '}}}'");

  auto two_lines = compile_template("Hello\n{{customer.name}}\n", "notice", TemplatePart::kSubject, "s.mustache");
  ASSERT_FALSE(two_lines.is_ok());
  EXPECT_EQ(two_lines.status().message(), "s.mustache:2: the subject must be one line; this template has a second");

  auto two_tables = compile_template("a\n[invoices]\nb\n[invoices]\n", "notice", TemplatePart::kLetter, "l.mustache");
  ASSERT_FALSE(two_tables.is_ok());
  EXPECT_EQ(two_tables.status().message(),
            "l.mustache:4: a second [invoices] marker (the first is on line 2); a letter has one invoice table");

  auto comment =
      compile_template("{{! put {{{content}}} here }}\n{{{content}}}", "layout", TemplatePart::kHtml, "h.mustache");
  ASSERT_FALSE(comment.is_ok());
  EXPECT_EQ(comment.status().message(),
            "h.mustache:1: a comment that contains '{{': the comment ends at the first '}}', and the rest is printed");

  auto escaped_content = compile_template("<p>{{content}}</p>", "layout", TemplatePart::kHtml, "h.mustache");
  ASSERT_FALSE(escaped_content.is_ok());
  EXPECT_EQ(escaped_content.status().message(),
            "h.mustache:1: 'content' is the message's HTML; write it {{{content}}} so that it is not escaped again");

  // What is allowed: comments over lines, whitespace in tags, dotted names inside sections, the
  // item's names inside a list, a group's names inside its section, {{.}} in a value's section.
  auto fine = compile_template(
      "{{! a comment\n over two lines }}\n{{ customer.name }} {{&business.name}} {{{business.name}}}\n"
      "{{#invoices}}{{number}} {{customer.id}}{{/invoices}}\n{{#promise}}{{amount}}{{/promise}}\n"
      "{{#business.phone}}{{.}}{{/business.phone}}{{^reference}}none{{/reference}}\n",
      "notice", TemplatePart::kText, "ok.mustache");
  ASSERT_TRUE(fine.is_ok()) << fine.status().message();
  EXPECT_TRUE(contains(fine->mustache, "{{&customer.name}}"));  // plain text is not escaped
  auto html = compile_template("{{customer.name}}", "notice", TemplatePart::kHtml, "ok.mustache");
  ASSERT_TRUE(html.is_ok());
  EXPECT_EQ(html->mustache, "{{customer.name}}");
}

TEST(TemplateLetter, InvoiceTableWithTotalsPerCurrency) {
  MessageContext context = sample_context();
  context.invoices.push_back(
      {"INV-2001", Date::from_ymd(2026, 10, 2), Date::from_ymd(2026, 11, 1), 23, money("99.90", eur())});
  context.invoices.push_back(
      {"INV-2002", Date::from_ymd(2026, 11, 20), Date::from_ymd(2026, 12, 20), -26, money("10.00", eur())});
  auto message = render_message(shipped(), "notice", context, PaperSize::kUsLetter);
  ASSERT_TRUE(message.is_ok()) << message.status().message();
  ASSERT_TRUE(message->letter.has_value());
  const LetterDocument& letter = *message->letter;
  EXPECT_EQ(letter.paper, PaperSize::kUsLetter);
  EXPECT_EQ(letter.letterhead.name, "Lakeside Tools Ltd");
  EXPECT_EQ(letter.letterhead.address_lines, (std::vector<std::string>{"12 Mill Lane", "Springfield IL 62701"}));
  EXPECT_EQ(letter.letterhead.contact_line, "+1 217 555 0100 · accounts@lakeside.example · lakeside.example");
  EXPECT_EQ(letter.recipient, (std::vector<std::string>{"Harbour Supplies", "4 Quay Street", "Portsmouth NH 03801"}));
  EXPECT_EQ(letter.date, "24 November 2026");
  EXPECT_EQ(letter.reference, "Account C-1001, reference A-123");
  EXPECT_EQ(letter.subject, "Overdue account C-1001: 109.90 EUR, 1,734.55 USD to pay by 1 December 2026");
  EXPECT_EQ(letter.footer, "Lakeside Tools Ltd · +1 217 555 0100 · accounts@lakeside.example · lakeside.example");
  EXPECT_EQ(letter.table.header, (std::vector<std::string>{"Invoice", "Issued", "Due", "Days past due", "Amount"}));
  EXPECT_EQ(letter.table.numeric, (std::vector<bool>{false, false, false, true, true}));
  ASSERT_EQ(letter.table.rows.size(), 4u);
  EXPECT_EQ(letter.table.rows[0],
            (std::vector<std::string>{"INV-1001", "15 September 2026", "15 October 2026", "40", "1,234.50 USD"}));
  EXPECT_EQ(letter.table.rows[3],
            (std::vector<std::string>{"INV-2002", "20 November 2026", "20 December 2026", "", "10.00 EUR"}));
  EXPECT_EQ(letter.table.totals,
            (std::vector<std::pair<std::string, std::string>>{{"Total", "109.90 EUR"}, {"Total", "1,734.55 USD"}}));
  ASSERT_EQ(letter.before_table.size(), 2u);
  EXPECT_EQ(letter.before_table[0], "Dear Harbour Supplies,");
  EXPECT_EQ(
      letter.before_table[1],
      "Our records show that the invoices listed below are overdue. The oldest is now 40 days past its due date.");
  ASSERT_GE(letter.after_table.size(), 3u);
  EXPECT_EQ(letter.after_table[0], "Please pay the total of 109.90 EUR, 1,734.55 USD by 1 December 2026.");
  EXPECT_EQ(letter.after_table[1],
            "How to pay:\nBank transfer to First Prairie Bank\nAccount 0012 3456 78, routing 071000013");
  EXPECT_EQ(letter.after_table.back(), "Dana Whitfield\nCredit Controller\nLakeside Tools Ltd");
}

TEST(TemplateLetter, GivenTotalsAndOldestAreUsedAsGiven) {
  MessageContext context = sample_context();
  ASSERT_TRUE(context.totals.add(money("2000.00", usd())).is_ok());
  context.oldest_days_past_due = 75;
  auto message = render_message(shipped(), "notice", context, PaperSize::kA4);
  ASSERT_TRUE(message.is_ok());
  EXPECT_EQ(message->letter->table.totals,
            (std::vector<std::pair<std::string, std::string>>{{"Total", "2,000.00 USD"}}));
  EXPECT_TRUE(contains(message->letter->before_table[1], "now 75 days past"));
}

TEST(TemplateLetter, NoMarkerMeansNoTable) {
  const auto dir = scratch_dir("templates");
  write_file(dir / "en" / "notice.letter.mustache", "Dear {{customer.addressee}},\n\nPlease pay {{total_owed}}.\n");
  auto set = load_templates(dir);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  auto message = render_message(*set, "notice", sample_context(), PaperSize::kA4);
  ASSERT_TRUE(message.is_ok());
  EXPECT_EQ(message->letter->before_table,
            (std::vector<std::string>{"Dear Harbour Supplies,", "Please pay 1,734.55 USD."}));
  EXPECT_TRUE(message->letter->table.rows.empty());
  EXPECT_TRUE(message->letter->after_table.empty());
}

TEST(TemplateUnicode, GreekAndJapaneseNamesPassThroughUnchanged) {
  for (std::string name : {"Παπαδόπουλος Α.Ε.", "株式会社山田商事"}) {
    SCOPED_TRACE(name);
    MessageContext context = sample_context();
    context.customer.name = name;
    context.business.signatory_name = "Ελένη Νικολάου";
    auto message = render_message(shipped(), "final-demand", context, PaperSize::kA4);
    ASSERT_TRUE(message.is_ok()) << message.status().message();
    EXPECT_TRUE(contains(message->text, "Dear " + name + ","));
    EXPECT_TRUE(contains(message->html, "Dear " + name + ","));
    EXPECT_TRUE(contains(message->text, "Ελένη Νικολάου"));
    EXPECT_EQ(message->letter->recipient.front(), name);
    EXPECT_EQ(message->letter->before_table.front(), "Dear " + name + ",");
  }
}

TEST(TemplateRender, ErrorsForAnUnknownPurposeAndAMissingPart) {
  auto unknown = render_message(shipped(), "thank-you", sample_context(), PaperSize::kA4);
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(
      contains(unknown.status().message(), "no templates for purpose 'thank-you'; the purposes are: check-in, "))
      << unknown.status().message();

  MessageContext context = sample_context();
  context.promise.reset();
  auto promise = render_message(shipped(), "promise-confirmation", context, PaperSize::kA4);
  ASSERT_FALSE(promise.is_ok());
  EXPECT_EQ(promise.status().message(), "a promise-confirmation message needs a promise in its context");

  context = sample_context();
  context.pay_by = Date::from_ymd(2026, 11, 1);
  auto early = render_message(shipped(), "notice", context, PaperSize::kA4);
  ASSERT_FALSE(early.is_ok());
  EXPECT_EQ(early.status().message(), "the pay-by date 2026-11-01 is before the date of the message 2026-11-24");
}

TEST(TemplateFormat, DatesAndAmountsByLanguage) {
  const Date date = Date::from_ymd(2026, 11, 24);
  EXPECT_EQ(format_date(date, "en"), "24 November 2026");
  EXPECT_EQ(format_date(date, "en-GB"), "24 November 2026");
  EXPECT_EQ(format_date(date, "en-us"), "November 24, 2026");
  EXPECT_EQ(format_date(date, "de-AT"), "24. November 2026");
  EXPECT_EQ(format_date(date, "es"), "24 de noviembre de 2026");
  EXPECT_EQ(format_date(date, "ja"), "2026年11月24日");
  EXPECT_EQ(format_date(date, "xx"), "24 November 2026");
  EXPECT_EQ(format_amount(money("1234.50", usd()), "en"), "1,234.50 USD");
  EXPECT_EQ(format_amount(money("-1234567.05", eur()), "de"), "-1.234.567,05 EUR");
  EXPECT_EQ(format_amount(money("1234.50", eur()), "fr"), "1\u00a0234,50 EUR");
  EXPECT_EQ(format_amount(money("1500000", *Currency::from_code("JPY")), "ja"), "1,500,000 JPY");
}

TEST(TemplateShipped, EveryShippedFileIsInTheBinary) {
  size_t count = 0;
  for (const ShippedTemplate& t : shipped_templates()) {
    EXPECT_TRUE(t.path.starts_with("templates/en/")) << t.path;
    EXPECT_FALSE(t.text.empty()) << t.path;
    ++count;
  }
  EXPECT_GE(count, 11u * 3 + 6);
}

}  // namespace
}  // namespace squeaky
