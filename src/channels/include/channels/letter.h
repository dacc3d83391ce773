// A letter laid out for print: the content the templates produce and the PDF renderer draws.
//
// Everything here is already formatted text (amounts, dates, the reference): the renderer decides
// only where things go on the page, never what they say. Plain values; thread-safe to share.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace squeaky {

enum class PaperSize { kA4, kUsLetter };
std::string_view to_string(PaperSize paper);                       // "a4", "letter"
std::optional<PaperSize> parse_paper_size(std::string_view text);  // "a4" | "letter"

// The sender, printed at the top of the first page.
struct Letterhead {
  std::string name;
  std::vector<std::string> address_lines;
  std::string contact_line;  // phone, email and web on one line; "" for none
  std::string logo_png;      // the bytes of a PNG file; "" for no logo
};

// The table of what is owed. Cells are formatted text; columns marked numeric are right-aligned.
struct LetterTable {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // one per column
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::string, std::string>> totals;  // label, amount: one line per currency
};

struct LetterDocument {
  PaperSize paper = PaperSize::kA4;
  Letterhead letterhead;
  // The address block, name first, one line each; placed so that it shows through the window of a
  // DL envelope (A4) or a #10 envelope (US Letter).
  std::vector<std::string> recipient;
  std::string date;       // as printed: "24 November 2026"
  std::string reference;  // as printed: "Account C-1001, reference A-123"
  std::string subject;
  std::vector<std::string> before_table;  // paragraphs
  LetterTable table;                      // no rows: no table
  std::vector<std::string> after_table;   // paragraphs
  std::string footer;                     // a line at the foot of every page ("" for none)
};

}  // namespace squeaky
