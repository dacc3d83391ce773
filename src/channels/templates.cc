// Loading template sets (shipped defaults, overridden by a business's own files) and rendering a
// message from one. mstch renders; what it is given was checked by compile_template, and the view
// below holds exactly the names template_check.cc allows.
#include "channels/templates.h"

#include <mstch/mstch.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <utility>

namespace squeaky {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxTemplateBytes = 1 << 20;

constexpr TemplatePart kPurposeParts[] = {TemplatePart::kSubject, TemplatePart::kText, TemplatePart::kHtml,
                                          TemplatePart::kLetter};
constexpr TemplatePart kRequiredParts[] = {TemplatePart::kSubject, TemplatePart::kText, TemplatePart::kHtml};
constexpr TemplatePart kLetterLayoutParts[] = {TemplatePart::kReference, TemplatePart::kFooter,
                                               TemplatePart::kTableHeader, TemplatePart::kTotalLabel};

bool is_layout_part(TemplatePart part) {
  return part == TemplatePart::kText || part == TemplatePart::kHtml ||
         std::find(std::begin(kLetterLayoutParts), std::end(kLetterLayoutParts), part) != std::end(kLetterLayoutParts);
}

bool is_purpose_part(TemplatePart part) {
  return std::find(std::begin(kPurposeParts), std::end(kPurposeParts), part) != std::end(kPurposeParts);
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string primary_language(std::string_view tag) { return std::string(tag.substr(0, tag.find('-'))); }

// ------------------------------------------------------------------------------------------------
// Reading template files.

// One template file before it is checked.
struct TemplateFile {
  std::string source;    // for messages
  std::string language;  // canonical
  std::string purpose;
  TemplatePart part = TemplatePart::kSubject;
  std::string text;
};

bool is_valid_purpose(std::string_view purpose) {
  return !purpose.empty() && std::all_of(purpose.begin(), purpose.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A language folder's name: "en", "en-GB", "zh-Hant-TW" (letters and digits in parts of 1 to 8,
// the first 2 or 3 letters).
bool is_language_tag(std::string_view tag) {
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    const std::string_view part = tag.substr(start, end - start);
    const bool alpha =
        std::all_of(part.begin(), part.end(), [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; });
    const bool alnum = std::all_of(part.begin(), part.end(), [](char c) {
      return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9');
    });
    if (first ? !(alpha && part.size() >= 2 && part.size() <= 3) : !(alnum && !part.empty() && part.size() <= 8)) {
      return false;
    }
    first = false;
    start = end + 1;
  }
  return true;
}

constexpr std::string_view kFileNameHelp =
    "expected <purpose>.<part>.mustache, with part subject, text, html or letter "
    "(for the layout: text, html, reference, footer, table_header or total_label)";

// "notice.letter.mustache" -> ("notice", kLetter); an error (completing "<file>: ") otherwise.
Result<std::pair<std::string, TemplatePart>> parse_file_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".mustache";
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return Status::invalid("not a template file name; " + std::string(kFileNameHelp));
  }
  const std::string_view stem = name.substr(0, name.size() - kSuffix.size());
  const size_t dot = stem.rfind('.');
  if (dot == std::string_view::npos) return Status::invalid("not a template file name; " + std::string(kFileNameHelp));
  const std::string_view purpose = stem.substr(0, dot);
  const std::string_view part_name = stem.substr(dot + 1);
  if (!is_valid_purpose(purpose)) {
    return Status::invalid("purpose " + in_quotes(purpose) +
                           " is not a name (letters, digits, '-' and '_', as plan step names)");
  }
  const std::optional<TemplatePart> part = parse_template_part(part_name);
  if (!part || (purpose == kLayoutPurpose ? !is_layout_part(*part) : !is_purpose_part(*part))) {
    return Status::invalid("unknown part " + in_quotes(part_name) + "; " + std::string(kFileNameHelp));
  }
  return std::pair{std::string(purpose), *part};
}

// The offset of the first byte that is not well-formed UTF-8, if any.
std::optional<size_t> invalid_utf8_at(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    size_t length = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      code = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      code = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      code = c & 0x07u;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0u) != 0x80u) return i;
      code = (code << 6) | (byte(i + k) & 0x3Fu);
    }
    if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return std::nullopt;
}

// Strips a byte-order mark and turns CRLF into LF, so that lines and blank lines mean the same
// whichever editor wrote the file.
std::string normalized_text(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

bool is_ignored_file(const std::string& name) {
  return name.empty() || name.front() == '.' || name.back() == '~' || name.rfind("README", 0) == 0;
}

// Reads <dir>/<language>/<purpose>.<part>.mustache, in path order; every problem goes to `errors`.
std::vector<TemplateFile> read_user_directory(const fs::path& dir, std::vector<std::string>& errors) {
  std::vector<TemplateFile> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back(dir.string() + ": not a directory of templates");
    return files;
  }
  const auto sorted_entries = [&](const fs::path& folder) {
    std::vector<fs::directory_entry> entries;
    std::error_code list_error;
    for (fs::directory_iterator it(folder, list_error), end; !list_error && it != end; it.increment(list_error)) {
      entries.push_back(*it);
    }
    if (list_error) errors.push_back(folder.string() + ": " + list_error.message());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
    return entries;
  };
  std::map<std::string, std::string> folder_of_language;  // canonical -> folder name, to catch "en-GB" and "en-gb"
  for (const fs::directory_entry& language_entry : sorted_entries(dir)) {
    const std::string folder = language_entry.path().filename().string();
    if (is_ignored_file(folder)) continue;
    if (!language_entry.is_directory(ec)) {
      errors.push_back(language_entry.path().string() + ": templates go in a folder per language, such as " +
                       (dir / "en" / folder).string());
      continue;
    }
    if (!is_language_tag(folder)) {
      errors.push_back(language_entry.path().string() + ": " + in_quotes(folder) +
                       " is not a language tag such as 'en', 'en-GB' or 'fr'");
      continue;
    }
    const std::string language = language_fallbacks(folder).front();
    if (const auto [it, inserted] = folder_of_language.emplace(language, folder); !inserted) {
      errors.push_back(language_entry.path().string() + ": the same language as folder " + in_quotes(it->second));
      continue;
    }
    for (const fs::directory_entry& file_entry : sorted_entries(language_entry.path())) {
      const std::string name = file_entry.path().filename().string();
      const std::string source = file_entry.path().string();
      if (is_ignored_file(name)) continue;
      if (!file_entry.is_regular_file(ec)) {
        errors.push_back(source + ": not a file; the templates of a language are files directly in " +
                         language_entry.path().string());
        continue;
      }
      auto parsed = parse_file_name(name);
      if (!parsed) {
        errors.push_back(source + ": " + parsed.status().message());
        continue;
      }
      const uintmax_t size = file_entry.file_size(ec);
      if (ec || size > kMaxTemplateBytes) {
        errors.push_back(source + ": " + (ec ? ec.message() : "larger than 1 MiB; a template is not that long"));
        continue;
      }
      std::ifstream in(file_entry.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      if (!in) {
        errors.push_back(source + ": cannot be read");
        continue;
      }
      std::string raw = std::move(content).str();
      if (const auto bad = invalid_utf8_at(raw)) {
        const auto line = 1 + std::count(raw.begin(), raw.begin() + static_cast<ptrdiff_t>(*bad), '\n');
        errors.push_back(source + ":" + std::to_string(line) + ": not UTF-8 text (byte " + std::to_string(*bad) +
                         "); save the file as UTF-8");
        continue;
      }
      files.push_back({source, language, std::move(parsed->first), parsed->second, normalized_text(raw)});
    }
  }
  return files;
}

std::vector<TemplateFile> read_shipped(std::vector<std::string>& errors) {
  std::vector<TemplateFile> files;
  for (const ShippedTemplate& shipped : shipped_templates()) {
    // "templates/<language>/<file>"
    const fs::path path(shipped.path);
    const std::string language = path.parent_path().filename().string();
    auto parsed = parse_file_name(path.filename().string());
    if (!parsed || !is_language_tag(language)) {
      errors.push_back(std::string(shipped.path) + ": " +
                       (parsed ? "not in a language folder" : parsed.status().message()));
      continue;
    }
    files.push_back({std::string(shipped.path), language_fallbacks(language).front(), std::move(parsed->first),
                     parsed->second, normalized_text(shipped.text)});
  }
  return files;
}

// The folder a language's templates came from, for messages about a file that is missing there.
std::string folder_of(const std::map<std::string, std::map<TemplatePart, CompiledTemplate>, std::less<>>& purposes) {
  for (const auto& [purpose, parts] : purposes) {
    for (const auto& [part, compiled] : parts) return fs::path(compiled.source).parent_path().string();
  }
  return "";
}

std::string file_name(std::string_view purpose, TemplatePart part) {
  return std::string(purpose) + "." + std::string(to_string(part)) + ".mustache";
}

// ------------------------------------------------------------------------------------------------
// The view: the context as Mustache sees it, formatted for one language.

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

mstch::array line_items(const std::vector<std::string>& lines) {
  mstch::array items;
  for (const std::string& line : lines) {
    if (!line.empty()) items.emplace_back(mstch::map{{"line", line}});
  }
  return items;
}

std::vector<std::string> trimmed_lines(std::string_view text) {
  std::vector<std::string> lines = lines_of(text);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  while (!lines.empty() && lines.front().empty()) lines.erase(lines.begin());
  return lines;
}

std::string contact_line(const MessageBusiness& business) {
  return joined({business.phone, business.email, business.website}, " · ");
}

// What render_message works from: the context with its computed parts filled in.
struct Facts {
  MoneyTotals totals;
  int64_t oldest_days_past_due = 0;
};

Result<Facts> facts_of(const MessageContext& context) {
  Facts facts{context.totals, 0};
  if (facts.totals.empty()) {
    for (const MessageInvoice& invoice : context.invoices) {
      if (Status s = facts.totals.add(invoice.open_amount); !s.is_ok()) return s;
    }
  }
  if (context.oldest_days_past_due) {
    facts.oldest_days_past_due = *context.oldest_days_past_due;
  } else {
    for (const MessageInvoice& invoice : context.invoices) {
      facts.oldest_days_past_due = std::max(facts.oldest_days_past_due, invoice.days_past_due);
    }
  }
  return facts;
}

std::vector<Money> totals_list(const MoneyTotals& totals) {
  std::vector<Money> list;
  for (const auto& [currency, minor] : totals.sums()) list.push_back(Money::from_minor(minor, currency));
  return list;
}

mstch::map make_view(const MessageContext& c, const Facts& facts, std::string_view language) {
  const auto date = [&](Date d) { return format_date(d, language); };
  const auto amount = [&](Money m) { return format_amount(m, language); };
  const std::vector<std::string> instructions = trimmed_lines(c.business.payment_instructions);

  mstch::map view{
      {"business", mstch::map{{"name", c.business.name},
                              {"address", joined(c.business.address_lines, ", ")},
                              {"address_lines", line_items(c.business.address_lines)},
                              {"phone", c.business.phone},
                              {"email", c.business.email},
                              {"website", c.business.website},
                              {"contact", contact_line(c.business)},
                              {"payment_instructions", joined(instructions, "\n")},
                              {"payment_instruction_lines", line_items(instructions)},
                              {"signatory_name", c.business.signatory_name},
                              {"signatory_title", c.business.signatory_title}}},
      {"customer",
       mstch::map{{"id", c.customer.id},
                  {"name", c.customer.name},
                  {"contact_name", c.customer.contact_name},
                  {"addressee", c.customer.contact_name.empty() ? c.customer.name : c.customer.contact_name},
                  {"kind", std::string(to_string(c.customer.kind))},
                  {"is_business", c.customer.kind == CustomerKind::kBusiness},
                  {"is_consumer", c.customer.kind == CustomerKind::kConsumer},
                  {"address", joined(c.customer.address_lines, ", ")},
                  {"address_lines", line_items(c.customer.address_lines)},
                  {"language", c.customer.language}}},
      {"date", date(c.date)},
      {"pay_by", date(c.pay_by)},
      {"reference", c.reference},
      {"oldest_days_past_due", std::to_string(facts.oldest_days_past_due)},
      {"invoice_count", std::to_string(c.invoices.size())},
      {"several_invoices", c.invoices.size() > 1},
      {"step", mstch::map{{"name", c.step_name}, {"description", c.step_description}}},
  };

  mstch::array invoices;
  for (const MessageInvoice& invoice : c.invoices) {
    invoices.emplace_back(mstch::map{{"number", invoice.number},
                                     {"issue_date", date(invoice.issue_date)},
                                     {"due_date", date(invoice.due_date)},
                                     {"days_past_due", std::to_string(invoice.days_past_due)},
                                     {"overdue", invoice.days_past_due > 0},
                                     {"amount", amount(invoice.open_amount)}});
  }
  view.emplace("invoices", std::move(invoices));

  mstch::array totals;
  std::vector<std::string> total_texts;
  for (const Money& total : totals_list(facts.totals)) {
    total_texts.push_back(amount(total));
    totals.emplace_back(mstch::map{{"currency", total.currency().code()}, {"amount", total_texts.back()}});
  }
  view.emplace("totals", std::move(totals));
  view.emplace("total_owed", joined(total_texts, ", "));

  if (c.promise) {
    view.emplace("promise", mstch::map{{"amount", amount(c.promise->amount)}, {"due_date", date(c.promise->due_date)}});
  }
  if (c.payment_plan) {
    mstch::array instalments;
    MoneyTotals plan_total;
    for (const MessageInstalment& instalment : c.payment_plan->instalments) {
      instalments.emplace_back(mstch::map{{"due_date", date(instalment.due_date)},
                                          {"amount", amount(instalment.amount)},
                                          {"missed", instalment.missed}});
      (void)plan_total.add(instalment.amount);  // an overflow was reported by render_message already
    }
    std::vector<std::string> plan_totals;
    for (const Money& total : totals_list(plan_total)) plan_totals.push_back(amount(total));
    view.emplace("payment_plan", mstch::map{{"total", joined(plan_totals, ", ")},
                                            {"instalment_count", std::to_string(c.payment_plan->instalments.size())},
                                            {"instalments", std::move(instalments)}});
  }
  if (c.dispute) {
    view.emplace("dispute", mstch::map{{"invoice", c.dispute->invoice}, {"reason", c.dispute->reason}});
  }
  if (c.agency) {
    view.emplace("agency", mstch::map{{"name", c.agency->name}, {"contact", c.agency->contact}});
  }
  if (c.opt_out_required) view.emplace("opt_out", mstch::map{{"text", c.opt_out_text}});
  if (c.late_payment) {
    auto total = c.late_payment->interest.plus(c.late_payment->compensation);
    view.emplace("late_payment", mstch::map{{"law", c.late_payment->law},
                                            {"interest", amount(c.late_payment->interest)},
                                            {"compensation", amount(c.late_payment->compensation)},
                                            {"total", total ? amount(*total) : std::string()}});
  }
  view.emplace("time_barred", c.time_barred);
  if (c.validation_ends) view.emplace("validation", mstch::map{{"ends", date(*c.validation_ends)}});
  return view;
}

// ------------------------------------------------------------------------------------------------
// Rendering.

Result<std::string> render(const CompiledTemplate& compiled, const mstch::map& view) {
  try {
    return mstch::render(compiled.mustache, view);
  } catch (const std::exception& e) {
    // compile_template accepted it, so this is mstch disagreeing with the checker.
    return Status::invalid(compiled.source + ": cannot be rendered: " + e.what());
  }
}

// One line: line breaks and tabs become spaces, runs of spaces one space (a subject is a mail
// header, where a line break would start a header of the debtor's making).
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    const char ch = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Trailing spaces go, runs of blank lines become one, and the text ends with one newline.
std::string tidy_text(std::string_view text) {
  std::string out;
  bool blank_pending = false;
  for (const std::string& line : lines_of(text)) {
    if (line.empty()) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending) out += '\n';
    blank_pending = false;
    out += line + '\n';
  }
  return out;
}

// Paragraphs are separated by blank lines; the lines of a paragraph are kept as written.
std::vector<std::string> paragraphs(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  std::string current;
  for (const std::string& line : lines) {
    if (line.empty()) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (!current.empty()) current += '\n';
    current += line;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

struct NeededPart {
  std::string_view purpose;
  bool (*present)(const MessageContext&);
  std::string_view what;
};

constexpr NeededPart kNeededParts[] = {
    {"promise-confirmation", [](const MessageContext& c) { return c.promise.has_value(); }, "a promise"},
    {"payment-plan-agreement", [](const MessageContext& c) { return c.payment_plan.has_value(); }, "a payment plan"},
    {"payment-plan-default", [](const MessageContext& c) { return c.payment_plan.has_value(); }, "a payment plan"},
    {"dispute-acknowledgement", [](const MessageContext& c) { return c.dispute.has_value(); }, "a dispute"},
    {"placement", [](const MessageContext& c) { return c.agency.has_value(); }, "the agency"},
    {"validation-notice", [](const MessageContext& c) { return c.validation_ends.has_value(); },
     "the end of the validation period"},
};

Status check_context(std::string_view purpose, const MessageContext& context) {
  if (context.pay_by < context.date) {
    return Status::invalid("the pay-by date " + context.pay_by.to_string() + " is before the date of the message " +
                           context.date.to_string());
  }
  if (context.opt_out_required && context.opt_out_text.empty()) {
    return Status::invalid("an opt-out line is required for customer " + context.customer.id +
                           " but its text is empty");
  }
  for (const NeededPart& needed : kNeededParts) {
    if (needed.purpose == purpose && !needed.present(context)) {
      return Status::invalid("a " + std::string(purpose) + " message needs " + std::string(needed.what) +
                             " in its context");
    }
  }
  if (context.payment_plan) {
    MoneyTotals total;
    for (const MessageInstalment& instalment : context.payment_plan->instalments) {
      if (Status s = total.add(instalment.amount); !s.is_ok()) return s;
    }
  }
  return Status::ok();
}

Result<LetterTable> invoice_table(const TemplateSet& set, const std::string& language, const MessageContext& context,
                                  const Facts& facts, const mstch::map& view, std::string_view format_language) {
  LetterTable table;
  if (context.invoices.empty()) return table;
  const CompiledTemplate* header_template = set.find_layout(language, TemplatePart::kTableHeader);
  const CompiledTemplate* total_template = set.find_layout(language, TemplatePart::kTotalLabel);
  if (header_template == nullptr || total_template == nullptr) {
    return Status::not_found("no layout.table_header or layout.total_label template for " + language);
  }
  auto header = render(*header_template, view);
  if (!header) return header.status();
  size_t start = 0;
  const std::string header_line = one_line(*header);
  while (start <= header_line.size()) {
    size_t bar = header_line.find('|', start);
    if (bar == std::string::npos) bar = header_line.size();
    std::string cell = one_line(header_line.substr(start, bar - start));
    if (!cell.empty() && cell.front() == ' ') cell.erase(0, 1);
    table.header.push_back(std::move(cell));
    start = bar + 1;
  }
  if (table.header.size() != 5) {
    return Status::invalid(header_template->source +
                           ": the invoice table has 5 columns (invoice, issued, due, days "
                           "past due, amount), separated by '|'; this header has " +
                           std::to_string(table.header.size()));
  }
  table.numeric = {false, false, false, true, true};
  for (const MessageInvoice& invoice : context.invoices) {
    table.rows.push_back({invoice.number, format_date(invoice.issue_date, format_language),
                          format_date(invoice.due_date, format_language),
                          invoice.days_past_due > 0 ? std::to_string(invoice.days_past_due) : "",
                          format_amount(invoice.open_amount, format_language)});
  }
  auto label = render(*total_template, view);
  if (!label) return label.status();
  for (const Money& total : totals_list(facts.totals)) {
    table.totals.emplace_back(one_line(*label), format_amount(total, format_language));
  }
  return table;
}

Result<LetterDocument> letter_document(const TemplateSet& set, const std::string& language,
                                       const CompiledTemplate& body_template, const RenderedMessage& message,
                                       const MessageContext& context, const Facts& facts, const mstch::map& view,
                                       std::string_view format_language, PaperSize paper) {
  LetterDocument letter;
  letter.paper = paper;
  letter.letterhead = {context.business.name, context.business.address_lines, contact_line(context.business),
                       context.business.logo_png};
  letter.recipient.push_back(context.customer.name);
  for (const std::string& line : context.customer.address_lines) {
    if (!line.empty()) letter.recipient.push_back(line);
  }
  letter.date = format_date(context.date, format_language);
  letter.subject = message.subject;
  for (auto [part, field] :
       {std::pair{TemplatePart::kReference, &letter.reference}, std::pair{TemplatePart::kFooter, &letter.footer}}) {
    const CompiledTemplate* compiled = set.find_layout(language, part);
    if (compiled == nullptr) continue;
    auto text = render(*compiled, view);
    if (!text) return text.status();
    *field = one_line(*text);
  }

  auto body = render(body_template, view);
  if (!body) return body.status();
  const std::vector<std::string> lines = lines_of(*body);
  const auto marker = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    const size_t first = line.find_first_not_of(" \t");
    return first != std::string::npos && line.substr(first) == "[invoices]";
  });
  letter.before_table = paragraphs(std::vector<std::string>(lines.begin(), marker));
  if (marker != lines.end()) {
    letter.after_table = paragraphs(std::vector<std::string>(std::next(marker), lines.end()));
    auto table = invoice_table(set, language, context, facts, view, format_language);
    if (!table) return table.status();
    letter.table = std::move(*table);
  }
  return letter;
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// TemplateSet.

const CompiledTemplate* TemplateSet::find(std::string_view language, std::string_view purpose,
                                          TemplatePart part) const {
  if (language.empty()) return nullptr;
  const auto by_language = templates_.find(language_fallbacks(language).front());
  if (by_language == templates_.end()) return nullptr;
  const auto by_purpose = by_language->second.find(purpose);
  if (by_purpose == by_language->second.end()) return nullptr;
  const auto by_part = by_purpose->second.find(part);
  return by_part == by_purpose->second.end() ? nullptr : &by_part->second;
}

const CompiledTemplate* TemplateSet::find_layout(std::string_view language, TemplatePart part) const {
  for (const std::string& tag : language_fallbacks(language)) {
    if (const CompiledTemplate* found = find(tag, kLayoutPurpose, part)) return found;
  }
  return nullptr;
}

std::optional<std::string> TemplateSet::resolve_language(std::string_view language, std::string_view purpose) const {
  if (purpose == kLayoutPurpose) return std::nullopt;
  for (const std::string& tag : language_fallbacks(language)) {
    if (find(tag, purpose, TemplatePart::kSubject) != nullptr) return tag;
  }
  return std::nullopt;
}

std::vector<std::string> TemplateSet::purposes(std::string_view language) const {
  std::set<std::string> out;
  for (const std::string& tag : language_fallbacks(language)) {
    const auto by_language = templates_.find(tag);
    if (by_language == templates_.end()) continue;
    for (const auto& [purpose, parts] : by_language->second) {
      if (purpose != kLayoutPurpose && parts.contains(TemplatePart::kSubject)) out.insert(purpose);
    }
  }
  return {out.begin(), out.end()};
}

bool TemplateSet::has_letter(std::string_view language, std::string_view purpose) const {
  const std::optional<std::string> resolved = resolve_language(language, purpose);
  return resolved && find(*resolved, purpose, TemplatePart::kLetter) != nullptr;
}

std::vector<std::string> TemplateSet::languages() const {
  std::vector<std::string> out;
  for (const auto& [language, purposes] : templates_) out.push_back(language);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Loading.

Result<TemplateSet> load_templates(const std::optional<std::filesystem::path>& user_dir) {
  std::vector<std::string> errors;
  std::vector<TemplateFile> files = read_shipped(errors);
  if (user_dir) {
    std::vector<TemplateFile> user_files = read_user_directory(*user_dir, errors);
    std::move(user_files.begin(), user_files.end(), std::back_inserter(files));
  }

  // Later files (the user's) replace earlier ones (the shipped) of the same language, purpose
  // and part; only what is finally used is checked.
  std::map<std::tuple<std::string, std::string, TemplatePart>, const TemplateFile*> chosen;
  for (const TemplateFile& file : files) chosen[{file.language, file.purpose, file.part}] = &file;
  std::vector<const TemplateFile*> ordered;
  for (const auto& [key, file] : chosen) ordered.push_back(file);
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->source < b->source; });

  TemplateSet set;
  // A template that failed its check still counts as there for the checks below, which would
  // otherwise add "missing" to the real error.
  std::set<std::tuple<std::string, std::string, TemplatePart>> broken;
  for (const TemplateFile* file : ordered) {
    auto compiled = compile_template(file->text, file->purpose, file->part, file->source);
    if (!compiled) {
      errors.push_back(compiled.status().message());
      broken.emplace(file->language, file->purpose, file->part);
      continue;
    }
    set.templates_[file->language][file->purpose].emplace(file->part, std::move(*compiled));
  }
  const auto present = [&](const std::string& language, const std::string& purpose, TemplatePart part) {
    return set.find(language, purpose, part) != nullptr || broken.contains({language, purpose, part});
  };

  // Completeness: every purpose has what an email needs; a language does not silently lose a
  // letter or its layout by falling back to another.
  for (const auto& [language, purposes] : set.templates_) {
    const std::string folder = folder_of(purposes);
    const std::vector<std::string> chain = language_fallbacks(language);
    bool has_purpose = false;
    bool has_letter = false;
    for (const auto& [purpose, parts] : purposes) {
      if (purpose == kLayoutPurpose) continue;
      has_purpose = true;
      has_letter = has_letter || present(language, purpose, TemplatePart::kLetter);
      for (TemplatePart part : kRequiredParts) {
        if (!present(language, purpose, part)) {
          errors.push_back((fs::path(folder) / file_name(purpose, part)).string() +
                           ": missing; every purpose needs a subject, a text and an html template");
        }
      }
      if (present(language, purpose, TemplatePart::kLetter)) continue;
      for (size_t i = 1; i < chain.size(); ++i) {
        if (!present(chain[i], purpose, TemplatePart::kSubject)) continue;
        if (present(chain[i], purpose, TemplatePart::kLetter)) {
          errors.push_back((fs::path(folder) / file_name(purpose, TemplatePart::kLetter)).string() + ": missing; " +
                           in_quotes(purpose) + " has a letter in " + chain[i] + ", and customers reading " + language +
                           " would get none");
        }
        break;
      }
    }
    if (!has_purpose) continue;
    // Layout parts may come from a more general tag of the same language ("en-GB" from "en"),
    // never from another language.
    const std::string primary = primary_language(language);
    std::vector<TemplatePart> needed = {TemplatePart::kText, TemplatePart::kHtml};
    if (has_letter) needed.insert(needed.end(), std::begin(kLetterLayoutParts), std::end(kLetterLayoutParts));
    for (TemplatePart part : needed) {
      const bool found = std::any_of(chain.begin(), chain.end(), [&](const std::string& tag) {
        return primary_language(tag) == primary && present(tag, std::string(kLayoutPurpose), part);
      });
      if (!found) {
        errors.push_back((fs::path(folder) / file_name(kLayoutPurpose, part)).string() + ": missing; messages in " +
                         language + " need their own layout templates");
      }
    }
  }

  if (!errors.empty()) {
    std::string message;
    for (const std::string& error : errors) {
      if (!message.empty()) message += '\n';
      message += error;
    }
    return Status::invalid(std::move(message));
  }
  return set;
}

// ------------------------------------------------------------------------------------------------
// Rendering a message.

Result<RenderedMessage> render_message(const TemplateSet& templates, std::string_view purpose,
                                       const MessageContext& context, PaperSize paper) {
  const std::optional<std::string> language = templates.resolve_language(context.customer.language, purpose);
  if (!language) {
    std::string message = "no templates for purpose " + in_quotes(purpose);
    const std::vector<std::string> known = templates.purposes(context.customer.language);
    message += "; the purposes are: ";
    for (size_t i = 0; i < known.size(); ++i) message += (i > 0 ? ", " : "") + known[i];
    return Status::not_found(std::move(message));
  }
  if (Status s = check_context(purpose, context); !s.is_ok()) return s;
  auto facts = facts_of(context);
  if (!facts) return facts.status();

  // Dates and amounts follow the customer's own tag when the templates are in its language
  // ("en-US" customer, "en" templates: "November 24, 2026"), else the templates' language.
  const std::string requested = language_fallbacks(context.customer.language).front();
  const std::string format_language =
      primary_language(requested) == primary_language(*language) ? requested : *language;
  mstch::map view = make_view(context, *facts, format_language);

  RenderedMessage message;
  message.purpose = std::string(purpose);
  message.language = *language;

  const CompiledTemplate* subject = templates.find(*language, purpose, TemplatePart::kSubject);
  const CompiledTemplate* text = templates.find(*language, purpose, TemplatePart::kText);
  const CompiledTemplate* html = templates.find(*language, purpose, TemplatePart::kHtml);
  const CompiledTemplate* text_frame = templates.find_layout(*language, TemplatePart::kText);
  const CompiledTemplate* html_frame = templates.find_layout(*language, TemplatePart::kHtml);
  if (subject == nullptr || text == nullptr || html == nullptr || text_frame == nullptr || html_frame == nullptr) {
    return Status::not_found("the templates of " + in_quotes(purpose) + " in " + *language + " are incomplete");
  }
  auto subject_text = render(*subject, view);
  if (!subject_text) return subject_text.status();
  message.subject = one_line(*subject_text);

  // Each body goes into its frame, which sees the same names plus the body and the subject.
  mstch::map frame_view = view;
  frame_view.emplace("subject", message.subject);
  for (auto [body, frame, out] :
       {std::tuple{text, text_frame, &message.text}, std::tuple{html, html_frame, &message.html}}) {
    auto content = render(*body, view);
    if (!content) return content.status();
    frame_view.insert_or_assign("content", std::move(*content));
    auto framed = render(*frame, frame_view);
    if (!framed) return framed.status();
    *out = std::move(*framed);
  }
  message.text = tidy_text(message.text);

  // The opt-out line is a legal requirement for some customers: a template set that leaves it
  // out (a layout overridden without it, say) must not send the email.
  if (context.opt_out_required) {
    const std::string escaped = mstch::render("{{text}}", mstch::map{{"text", context.opt_out_text}});
    if (message.text.find(context.opt_out_text) == std::string::npos ||
        message.html.find(escaped) == std::string::npos) {
      return Status::invalid("the " + std::string(purpose) + " templates in " + *language +
                             " leave out the opt-out line this customer's emails need; place {{opt_out.text}} "
                             "inside {{#opt_out}}...{{/opt_out}} in layout.text.mustache and layout.html.mustache");
    }
  }

  if (const CompiledTemplate* letter = templates.find(*language, purpose, TemplatePart::kLetter)) {
    auto document =
        letter_document(templates, *language, *letter, message, context, *facts, view, format_language, paper);
    if (!document) return document.status();
    message.letter = std::move(*document);
  }
  return message;
}

}  // namespace squeaky
