// PDF letters: LetterDocuments drawn onto A4 or US Letter pages with cairo and pango.
//
// One call renders one PDF holding one or more letters, each starting on a new page: a single
// letter for the evidence copy, or a day's merged print run. The renderer decides only where text
// goes, never what it says (see letter.h). Text is laid out by pango in DejaVu Sans, so any
// Unicode renders: scripts DejaVu lacks (Japanese, Chinese, Korean) fall back through fontconfig
// to Noto Sans CJK. The recipient's address is placed so that it shows through the window of a
// DL envelope (A4 folded in three per DIN 5008 form B) or of a standard #10 window envelope (US
// Letter folded in three); envelope_window() gives the rectangle.
//
// The output is a pure function of the input: the same letters and PdfInfo give the same bytes
// (the PDF's dates come from PdfInfo, never from the clock), on the same fonts and libraries.
// render_letters_pdf may be called from several threads at once: each call uses its own pango
// font map and cairo surface.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "channels/letter.h"
#include "core/date.h"
#include "core/result.h"

namespace squeaky {

struct PdfInfo {
  std::string title;  // the document title in the PDF's metadata: "Letters of 2026-11-24"
  Timestamp created;  // the PDF's creation (and modification) date
  // Printed at the foot of every page of a letter longer than one page; "{page}" and "{pages}"
  // are replaced by the page's number within its letter and the letter's page count.
  std::string page_label = "Page {page} of {pages}";
};

struct RenderedPdf {
  std::string bytes;                  // the PDF file
  std::vector<int> pages_per_letter;  // one per input letter, in order; each at least 1

  int page_count() const;  // the sum of pages_per_letter
};

// A rectangle on a page in PDF points (1/72 inch), measured from the page's top-left corner.
struct PageRect {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

// Where the envelope's address window lies on the first page of a letter on `paper`: the
// recipient's address (and on A4 the sender's one-line return address above it) is printed inside
// it, and nothing else is. The figures and their sources are in pdf.cc.
PageRect envelope_window(PaperSize paper);

// Renders `letters` into one PDF, each letter starting on a new page of its own paper size.
// Fails (kInvalidArgument, the message naming the letter when there are several, and the field)
// when there is no letter; a text is not valid UTF-8; the recipient address is empty or does not
// fit in the envelope window; the letterhead does not fit above the window; the table's rows,
// header and numeric flags disagree on the number of columns; or the logo is not a PNG image
// ("logo: not a PNG image") or is larger than 4096 pixels on a side.
Result<RenderedPdf> render_letters_pdf(std::span<const LetterDocument> letters, const PdfInfo& info);

}  // namespace squeaky
