// Checking templates before they are used: a small scanner for the Mustache tags squeaky allows,
// and the names each part may use. mstch renders a misspelt name as an empty string and never
// complains, so every name is checked here, at load time, against the variables that
// templates.cc puts in the view (docs/templates.md lists them; keep the three in step).
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "channels/templates.h"
#include "core/names.h"

namespace squeaky {
namespace {

constexpr NameTable<TemplatePart, 8> kPartNames = {{
    {"subject", TemplatePart::kSubject},
    {"text", TemplatePart::kText},
    {"html", TemplatePart::kHtml},
    {"letter", TemplatePart::kLetter},
    {"reference", TemplatePart::kReference},
    {"footer", TemplatePart::kFooter},
    {"table_header", TemplatePart::kTableHeader},
    {"total_label", TemplatePart::kTotalLabel},
}};

// ------------------------------------------------------------------------------------------------
// The names a template may use.

enum class Kind {
  kValue,  // text: {{name}}; as a section, shown when not empty
  kFlag,   // yes or no: only as a section
  kGroup,  // named values: {{group.name}}; as a section its names are also reachable unqualified
  kList,   // repeated items: only as a section, whose names are the item's
};

struct Field {
  std::string_view name;
  Kind kind = Kind::kValue;
  std::vector<Field> children;
};

Field value(std::string_view name) { return {name, Kind::kValue, {}}; }
Field flag(std::string_view name) { return {name, Kind::kFlag, {}}; }
Field group(std::string_view name, std::vector<Field> children) { return {name, Kind::kGroup, std::move(children)}; }
Field list(std::string_view name, std::vector<Field> children) { return {name, Kind::kList, std::move(children)}; }

std::vector<Field> message_fields() {
  return {
      group("business",
            {value("name"), value("address"), list("address_lines", {value("line")}), value("phone"), value("email"),
             value("website"), value("contact"), value("payment_instructions"),
             list("payment_instruction_lines", {value("line")}), value("signatory_name"), value("signatory_title")}),
      group("customer",
            {value("id"), value("name"), value("contact_name"), value("addressee"), value("kind"), flag("is_business"),
             flag("is_consumer"), value("address"), list("address_lines", {value("line")}), value("language")}),
      value("date"),
      value("pay_by"),
      value("reference"),
      value("oldest_days_past_due"),
      value("invoice_count"),
      flag("several_invoices"),
      value("total_owed"),
      group("step", {value("name"), value("description")}),
      list("invoices", {value("number"), value("issue_date"), value("due_date"), value("days_past_due"),
                        flag("overdue"), value("amount")}),
      list("totals", {value("currency"), value("amount")}),
      group("promise", {value("amount"), value("due_date")}),
      group("payment_plan", {value("total"), value("instalment_count"),
                             list("instalments", {value("due_date"), value("amount"), flag("missed")})}),
      group("dispute", {value("invoice"), value("reason")}),
      group("agency", {value("name"), value("contact")}),
      group("opt_out", {value("text")}),
      group("late_payment", {value("law"), value("interest"), value("compensation"), value("total")}),
      flag("time_barred"),
      group("validation", {value("ends")}),
  };
}

// The root of the names for one part: the message's, and for the layout's frames of the text and
// HTML emails also the rendered message (`content`) and its subject.
const Field& root_for(std::string_view purpose, TemplatePart part) {
  static const Field kMessage{"", Kind::kGroup, message_fields()};
  static const Field kFrame = [] {
    Field root{"", Kind::kGroup, message_fields()};
    root.children.push_back(value("content"));
    root.children.push_back(value("subject"));
    return root;
  }();
  const bool frame = purpose == kLayoutPurpose && (part == TemplatePart::kText || part == TemplatePart::kHtml);
  return frame ? kFrame : kMessage;
}

const Field* child(const Field& field, std::string_view name) {
  for (const Field& c : field.children) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string_view> split_dots(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// Every dotted path from `field` down, for suggestions: "customer.name", "customer.address_lines".
void collect_paths(const Field& field, const std::string& prefix, std::vector<std::string>& out) {
  for (const Field& c : field.children) {
    std::string path = prefix.empty() ? std::string(c.name) : prefix + "." + std::string(c.name);
    out.push_back(path);
    if (c.kind == Kind::kGroup) collect_paths(c, path, out);
  }
}

// The sections (groups and lists, by path) whose own names include `name`: where a name used
// outside them would have meant something.
void sections_holding(const Field& field, const std::string& prefix, std::string_view name,
                      std::vector<std::string>& out) {
  for (const Field& c : field.children) {
    if (c.kind != Kind::kGroup && c.kind != Kind::kList) continue;
    std::string path = prefix.empty() ? std::string(c.name) : prefix + "." + std::string(c.name);
    if (child(c, name) != nullptr) out.push_back(path);
    sections_holding(c, path, name, out);
  }
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string tag_text(char sigil, std::string_view name) {
  std::string out = "{{";
  if (sigil != 0) out += sigil;
  return out + std::string(name) + "}}";
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

bool is_valid_name(std::string_view name) {
  if (name == ".") return true;
  if (name.empty() || name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), is_name_char);
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool is_one_line_part(TemplatePart part) {
  return part == TemplatePart::kSubject || part == TemplatePart::kReference || part == TemplatePart::kFooter ||
         part == TemplatePart::kTableHeader || part == TemplatePart::kTotalLabel;
}

// ------------------------------------------------------------------------------------------------
// The scanner.

// A section opened and not yet closed, and what its body can see.
struct OpenSection {
  std::string name;
  int line = 0;
  const Field* scope = nullptr;  // names visible unqualified inside; nullptr for none of its own
  bool known = true;             // false: an unknown section (names inside are not reported again)
  bool is_value = false;         // a section over a single value, where {{.}} is that value
};

class TemplateChecker {
 public:
  TemplateChecker(std::string_view text, std::string_view purpose, TemplatePart part, std::string_view source)
      : text_(text), purpose_(purpose), part_(part), source_(source), root_(root_for(purpose, part)) {}

  Result<CompiledTemplate> run() {
    scan();
    check_part_rules();
    if (!errors_.empty()) {
      std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string message;
      for (const auto& [line, error] : errors_) {
        if (!message.empty()) message += '\n';
        message += source_ + ":" + std::to_string(line) + ": " + error;
      }
      return Status::invalid(std::move(message));
    }
    return CompiledTemplate{source_, std::move(out_)};
  }

 private:
  void error(int line, std::string message) { errors_.emplace_back(line, std::move(message)); }

  void scan() {
    const bool escape_html = part_ == TemplatePart::kHtml;
    size_t pos = 0;
    int line = 1;
    while (true) {
      const size_t open = text_.find("{{", pos);
      if (open == std::string_view::npos) {
        out_.append(text_.substr(pos));
        return;
      }
      out_.append(text_.substr(pos, open - pos));
      line += static_cast<int>(
          std::count(text_.begin() + static_cast<ptrdiff_t>(pos), text_.begin() + static_cast<ptrdiff_t>(open), '\n'));
      const bool triple = open + 2 < text_.size() && text_[open + 2] == '{';
      const std::string_view closer = triple ? "}}}" : "}}";
      const size_t inner_begin = open + (triple ? 3 : 2);
      const size_t close = text_.find(closer, inner_begin);
      if (close == std::string_view::npos) {
        error(line, std::string(triple ? "'{{{'" : "'{{'") + " is never closed by " + in_quotes(closer));
        return;
      }
      const std::string_view whole = text_.substr(open, close + closer.size() - open);
      const std::string_view inner = trim(text_.substr(inner_begin, close - inner_begin));
      if (!tag(line, triple, inner, whole, escape_html)) return;
      line += static_cast<int>(std::count(whole.begin(), whole.end(), '\n'));
      pos = close + closer.size();
    }
  }

  // One tag; false when the rest of the text cannot be read as Mustache any more.
  bool tag(int line, bool triple, std::string_view inner, std::string_view whole, bool escape_html) {
    char sigil = 0;
    std::string_view name = inner;
    if (!triple && !inner.empty() && std::string_view("#^/&!>=").find(inner.front()) != std::string_view::npos) {
      sigil = inner.front();
      name = trim(inner.substr(1));
    }
    if (sigil == '!') {
      if (name.find("{{") != std::string_view::npos) {
        error(line, "a comment that contains '{{': the comment ends at the first '}}', and the rest is printed");
      }
      out_.append(whole);
      return true;
    }
    if (sigil == '=') {
      error(line, "changing the delimiters (" + std::string(whole) + ") is not supported; use {{ and }}");
      return false;
    }
    if (sigil == '>') {
      error(line, "partials (" + std::string(whole) + ") are not supported; each template stands alone");
      out_.append(whole);
      return true;
    }
    if (name.empty()) {
      error(line, "empty tag " + std::string(whole));
      out_.append(whole);
      return true;
    }
    if (!is_valid_name(name)) {
      error(line, "invalid name " + in_quotes(name) + " in " + std::string(whole) +
                      " (names are letters, digits, '_', '-' and '.')");
      out_.append(whole);
      return true;
    }
    switch (sigil) {
      case '#':
      case '^': open_section(line, sigil, name); break;
      case '/': close_section(line, name); break;
      default: variable(line, name, /*escaped=*/!triple && sigil != '&'); break;
    }
    // Outside HTML nothing is escaped: {{x}} is given to Mustache as {{&x}}.
    if (sigil == 0 && !triple && !escape_html) {
      out_ += "{{&" + std::string(name) + "}}";
    } else {
      out_.append(whole);
    }
    return true;
  }

  // The field `name` names where the innermost open section is, or nullptr.
  const Field* resolve(std::string_view name) const {
    const std::vector<std::string_view> parts = split_dots(name);
    for (auto it = sections_.rbegin(); it != sections_.rend(); ++it) {
      if (it->scope == nullptr) continue;
      if (const Field* found = descend(*it->scope, parts)) return found;
      if (child(*it->scope, parts.front()) != nullptr) return nullptr;  // Mustache does not look further out
    }
    return descend(root_, parts);
  }

  static const Field* descend(const Field& from, const std::vector<std::string_view>& parts) {
    const Field* field = &from;
    for (std::string_view part : parts) {
      field = child(*field, part);
      if (field == nullptr) return nullptr;
    }
    return field;
  }

  bool inside_unknown_section() const {
    return std::any_of(sections_.begin(), sections_.end(), [](const OpenSection& s) { return !s.known; });
  }

  // "unknown variable 'custmer.name' (did you mean 'customer.name'?)", or where the name belongs.
  std::string unknown(std::string_view what, std::string_view name) const {
    std::vector<std::string> holders;
    sections_holding(root_, "", split_dots(name).front(), holders);
    if (!holders.empty() && name.find('.') == std::string_view::npos) {
      std::string where;
      for (size_t i = 0; i < holders.size(); ++i) {
        if (i > 0) where += i + 1 == holders.size() ? " or " : ", ";
        where += "{{#" + holders[i] + "}}";
      }
      return in_quotes(name) + " is only available inside " + where;
    }
    std::vector<std::string> candidates;
    collect_paths(root_, "", candidates);
    for (const OpenSection& section : sections_) {
      if (section.scope != nullptr) collect_paths(*section.scope, "", candidates);
    }
    std::string best;
    size_t best_distance = std::max<size_t>(2, name.size() / 4) + 1;
    for (const std::string& candidate : candidates) {
      const size_t d = edit_distance(name, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = candidate;
      }
    }
    std::string message = "unknown " + std::string(what) + " " + in_quotes(name);
    if (!best.empty()) message += " (did you mean " + in_quotes(best) + "?)";
    return message;
  }

  void variable(int line, std::string_view name, bool escaped) {
    if (name == ".") {
      if (sections_.empty() || !sections_.back().is_value) {
        error(line,
              "{{.}} is only meaningful inside a section over a single value, such as "
              "{{#business.phone}}{{.}}{{/business.phone}}");
      }
      return;
    }
    const Field* field = resolve(name);
    if (field == nullptr) {
      if (!inside_unknown_section()) error(line, unknown("variable", name));
      return;
    }
    switch (field->kind) {
      case Kind::kValue: break;
      case Kind::kFlag:
        error(line, in_quotes(name) + " is yes or no; use it as a section: {{#" + std::string(name) + "}}...{{/" +
                        std::string(name) + "}}");
        break;
      case Kind::kGroup:
        error(line, in_quotes(name) + " is a group of values; name one of them, such as " +
                        in_quotes(std::string(name) + "." + std::string(field->children.front().name)));
        break;
      case Kind::kList:
        error(line, in_quotes(name) + " is a list; repeat over it with {{#" + std::string(name) + "}}...{{/" +
                        std::string(name) + "}}");
        break;
    }
    if (field->name == "content" && escaped && part_ == TemplatePart::kHtml) {
      error(line, "'content' is the message's HTML; write it {{{content}}} so that it is not escaped again");
    }
    if (field->name == "content") content_placed_ = true;
  }

  void open_section(int line, char sigil, std::string_view name) {
    OpenSection section{std::string(name), line, nullptr, true, false};
    const Field* field = name == "." ? nullptr : resolve(name);
    if (field == nullptr) {
      if (!inside_unknown_section()) error(line, unknown("section", name));
      section.known = false;
    } else if (sigil == '#') {
      // An inverted section shows its body only when the value is empty or absent, so nothing of
      // the value's own is reachable inside it.
      section.scope = field;
      section.is_value = field->kind == Kind::kValue;
    }
    sections_.push_back(std::move(section));
  }

  void close_section(int line, std::string_view name) {
    if (sections_.empty()) {
      error(line, tag_text('/', name) + " closes a section that was never opened");
      return;
    }
    if (sections_.back().name != name) {
      // A typo in the closing name or a missing close: report it, and if the name matches an
      // outer section, close up to it so that the rest of the file is still checked sensibly.
      const OpenSection& top = sections_.back();
      error(line, tag_text('/', name) + " does not close section " + in_quotes(top.name) + " opened on line " +
                      std::to_string(top.line));
      const auto match =
          std::find_if(sections_.rbegin(), sections_.rend(), [&](const OpenSection& s) { return s.name == name; });
      if (match != sections_.rend()) sections_.erase(std::prev(match.base()), sections_.end());
      return;
    }
    sections_.pop_back();
  }

  void check_part_rules() {
    for (const OpenSection& section : sections_) {
      error(section.line,
            "section " + in_quotes(section.name) + " is never closed (expected " + tag_text('/', section.name) + ")");
    }
    if (is_one_line_part(part_)) {
      const std::string_view body = text_.substr(0, text_.find_last_not_of("\r\n") + 1);
      const size_t newline = body.find('\n');
      if (newline != std::string_view::npos) {
        error(2, "the " + std::string(to_string(part_)) + " must be one line; this template has a second");
      }
    }
    if (part_ == TemplatePart::kLetter) {
      int line = 0;
      int first_marker = 0;
      size_t start = 0;
      while (start <= text_.size()) {
        ++line;
        const size_t end = std::min(text_.find('\n', start), text_.size());
        if (trim(text_.substr(start, end - start)) == "[invoices]") {
          if (first_marker == 0) {
            first_marker = line;
          } else {
            error(line, "a second [invoices] marker (the first is on line " + std::to_string(first_marker) +
                            "); a letter has one invoice table");
          }
        }
        start = end + 1;
      }
    }
    if (purpose_ == kLayoutPurpose && (part_ == TemplatePart::kText || part_ == TemplatePart::kHtml) &&
        !content_placed_) {
      error(1, "the layout never places the message; put {{{content}}} where it goes");
    }
  }

  std::string_view text_;
  std::string_view purpose_;
  TemplatePart part_;
  std::string source_;
  const Field& root_;
  std::vector<OpenSection> sections_;
  std::vector<std::pair<int, std::string>> errors_;
  std::string out_;
  bool content_placed_ = false;
};

}  // namespace

std::string_view to_string(TemplatePart part) { return name_of(kPartNames, part); }
std::optional<TemplatePart> parse_template_part(std::string_view text) { return value_named(kPartNames, text); }

Result<CompiledTemplate> compile_template(std::string_view text, std::string_view purpose, TemplatePart part,
                                          std::string_view source) {
  return TemplateChecker(text, purpose, part, source).run();
}

}  // namespace squeaky
