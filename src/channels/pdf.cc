#include "channels/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib-object.h>
#include <glib.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace squeaky {
namespace {

// ------------------------------------------------------------------------------------------------
// Units and the ownership of the C libraries' objects.

constexpr double kPointsPerMm = 72.0 / 25.4;
constexpr double mm(double millimetres) { return millimetres * kPointsPerMm; }
constexpr double inches(double in) { return in * 72.0; }

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;

struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;

struct FontDescriptionFree {
  void operator()(PangoFontDescription* description) const { pango_font_description_free(description); }
};
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionFree>;

struct LayoutIterFree {
  void operator()(PangoLayoutIter* iter) const { pango_layout_iter_free(iter); }
};
using LayoutIterPtr = std::unique_ptr<PangoLayoutIter, LayoutIterFree>;

struct FontOptionsDestroy {
  void operator()(cairo_font_options_t* options) const { cairo_font_options_destroy(options); }
};
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, FontOptionsDestroy>;

// ------------------------------------------------------------------------------------------------
// The page.
//
// A4 goes into a DL envelope (110 x 220 mm) whose window is 90 x 45 mm, 20 mm from the envelope's
// left edge and 15 mm from its bottom edge (DIN 680), so the window's top is 50 mm below the
// envelope's top. DIN 5008 form B folds the sheet at 105 and 210 mm; the top panel, 105 mm tall,
// rests on the envelope's bottom with its top edge 5 mm below the envelope's, and the window then
// covers the sheet's address field as DIN 5008 form B defines it: 20 mm from the left edge, 45 mm
// from the top, 85 x 45 mm. The field's upper 17.7 mm hold the return address and postal notes,
// written bottom up (6 to 8 pt); the address zone below it, 27.3 mm (six lines), starts 62.7 mm
// from the top. Text starts at the 25 mm left margin and ends by 100 mm, so it stays in view when
// the sheet slides the envelope's 10 mm sideways; the zone 50 to 90 mm from the top stays in view
// when the sheet slides its 5 mm up.
//
// US Letter goes into a #10 envelope (4 1/8 x 9 1/2 in) with the standard window: 1 1/8 x 4 1/2 in,
// 7/8 in from the left edge and 1/2 in from the bottom edge (envelope makers' "No. 10 standard
// window"), so the window's top is 2 1/2 in below the envelope's top. Folded in three, the sheet's
// top panel is 3 2/3 in tall; resting on the envelope's bottom, its top edge is 11/24 in below the
// envelope's, and the window covers the sheet from 2 1/24 in (2.042 in) to 3 1/6 in from the top
// and from 7/8 in to 5 3/8 in from the left. The address keeps 1/8 in clear of the window's edges,
// ends by 4 3/4 in from the left (in view when the sheet slides to the middle of the envelope), and
// sits at the bottom of the window, so that its last lines (city, state, ZIP) stay in view when the
// sheet slides up.
struct PaperGeometry {
  double width;
  double height;
  double margin_left;
  double margin_right;
  double margin_top;     // where the text starts on every page after the first
  double margin_bottom;  // below the footer
  double letterhead_top;
  PageRect window;
  double address_left;
  double address_width;
  double address_top;     // the highest the address block (with the return line) may start
  double address_bottom;  // the lowest it may end
  // Where the address starts when it fits; none: the address ends at address_bottom.
  std::optional<double> address_start;
  bool return_line;  // the sender's name and address in one small line above the recipient's
  double info_left;  // the date and reference, right of the window
  double info_top;

  double text_width() const { return width - margin_left - margin_right; }
};

PaperGeometry geometry_of(PaperSize paper) {
  if (paper == PaperSize::kA4) {
    return PaperGeometry{
        .width = mm(210),
        .height = mm(297),
        .margin_left = mm(25),
        .margin_right = mm(20),
        .margin_top = mm(20),
        .margin_bottom = mm(10),
        .letterhead_top = mm(10),
        .window = PageRect{.x = mm(20), .y = mm(45), .width = mm(85), .height = mm(45)},
        .address_left = mm(25),
        .address_width = mm(75),
        .address_top = mm(46),
        .address_bottom = mm(89),
        .address_start = mm(62.7),
        .return_line = true,
        .info_left = mm(125),
        .info_top = mm(50),
    };
  }
  const PageRect window{
      .x = inches(0.875), .y = inches(2.5 - 11.0 / 24), .width = inches(4.5), .height = inches(1.125)};
  return PaperGeometry{
      .width = inches(8.5),
      .height = inches(11),
      .margin_left = inches(1),
      .margin_right = inches(1),
      .margin_top = inches(0.75),
      .margin_bottom = inches(0.5),
      .letterhead_top = inches(0.5),
      .window = window,
      .address_left = inches(1),
      .address_width = inches(3.75),
      .address_top = window.y + inches(0.125),
      .address_bottom = window.y + window.height - inches(0.125),
      .address_start = std::nullopt,
      .return_line = false,
      .info_left = inches(5.625),
      .info_top = window.y + inches(0.125),
  };
}

// Type: one family for everything; fontconfig supplies the glyphs DejaVu Sans lacks.
constexpr const char* kFontFamily = "DejaVu Sans";
constexpr double kBodySize = 10;
constexpr double kSubjectSize = 11;
constexpr double kTableSize = 9;
constexpr double kInfoSize = 9;
constexpr double kBusinessNameSize = 14;
constexpr double kLetterheadSize = 8.5;
constexpr double kReturnLineSize = 6.5;
constexpr double kFooterSize = 7.5;
constexpr double kPageLabelSize = 8;
// The address shrinks to these sizes, in turn, before it is refused as too long for the window.
constexpr double kAddressSizes[] = {10, 9, 8};

constexpr double kBlack = 0;
constexpr double kGrey = 0.35;
constexpr double kHeaderFill = 0.9;
constexpr double kRowRule = 0.75;

constexpr double kLogoMaxHeight = mm(16);
constexpr double kLogoMaxWidth = mm(60);
constexpr int kLogoMaxPixels = 4096;

constexpr double kParagraphGap = mm(2.5);
constexpr double kCellPadX = mm(1.5);
constexpr double kCellPadY = mm(1);
constexpr double kMinTextColumn = mm(12);

// ------------------------------------------------------------------------------------------------
// What goes on a page, recorded first and drawn once the page count of the letter is known.

struct LayoutOp {  // a whole layout with its top-left corner at (x, y)
  PangoLayout* layout;
  double x;
  double y;
  double grey;
};
struct LineOp {  // one line of a layout, its baseline starting at (x, baseline)
  PangoLayoutLine* line;
  double x;
  double baseline;
  double grey;
};
struct RuleOp {
  double x0;
  double x1;
  double y;
  double thickness;
  double grey;
};
struct FillOp {
  PageRect rect;
  double grey;
};
struct ImageOp {
  cairo_surface_t* image;
  double x;
  double y;
  double scale;
};
using DrawOp = std::variant<LayoutOp, LineOp, RuleOp, FillOp, ImageOp>;
using Page = std::vector<DrawOp>;

double to_points(int pango_units) { return pango_units_to_double(pango_units); }

PageRect logical_extents(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return PageRect{.x = to_points(logical.x),
                  .y = to_points(logical.y),
                  .width = to_points(logical.width),
                  .height = to_points(logical.height)};
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Logos: decoded once per call, shared by every letter that carries the same bytes (cairo then
// embeds the image once in the PDF).

struct PngReader {
  std::string_view bytes;
  size_t at = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
  auto& reader = *static_cast<PngReader*>(closure);
  if (reader.bytes.size() - reader.at < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader.bytes.data() + reader.at, length);
  reader.at += length;
  return CAIRO_STATUS_SUCCESS;
}

uint32_t big_endian_u32(std::string_view bytes, size_t at) {
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

class LogoCache {
 public:
  Result<cairo_surface_t*> decode(const std::string& png) {
    if (const auto it = logos_.find(png); it != logos_.end()) return it->second.get();
    // The signature and the IHDR chunk come first in every PNG; the size is checked before cairo
    // allocates the pixels.
    constexpr std::string_view kSignature = "\x89PNG\r\n\x1a\n";
    if (png.size() < 33 || std::string_view(png).substr(0, 8) != kSignature ||
        std::string_view(png).substr(12, 4) != "IHDR") {
      return Status::invalid("logo: not a PNG image");
    }
    const uint32_t width = big_endian_u32(png, 16);
    const uint32_t height = big_endian_u32(png, 20);
    if (width > kLogoMaxPixels || height > kLogoMaxPixels) {
      return Status::invalid("logo: " + std::to_string(width) + " x " + std::to_string(height) +
                             " pixels is too large (at most " + std::to_string(kLogoMaxPixels) + " on a side)");
    }
    PngReader reader{.bytes = png};
    SurfacePtr surface(cairo_image_surface_create_from_png_stream(read_png, &reader));
    if (const cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
      return Status::invalid(std::string("logo: not a PNG image (") + cairo_status_to_string(status) + ")");
    }
    if (cairo_image_surface_get_width(surface.get()) <= 0 || cairo_image_surface_get_height(surface.get()) <= 0) {
      return Status::invalid("logo: not a PNG image (no pixels)");
    }
    cairo_surface_t* decoded = surface.get();
    logos_.emplace(png, std::move(surface));
    return decoded;
  }

 private:
  std::map<std::string, SurfacePtr> logos_;
};

// ------------------------------------------------------------------------------------------------
// Checks made before anything is laid out.

Status check_utf8(const LetterDocument& letter) {
  const auto valid = [](const std::string& text) {
    return g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr) == TRUE;
  };
  const auto bad = [](const std::string& field) { return Status::invalid(field + ": not valid UTF-8"); };
  const auto check_lines = [&](const std::vector<std::string>& lines, const std::string& what) -> Status {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!valid(lines[i])) return bad(what + " " + std::to_string(i + 1));
    }
    return Status::ok();
  };
  const Letterhead& head = letter.letterhead;
  if (!valid(head.name)) return bad("letterhead name");
  if (Status s = check_lines(head.address_lines, "letterhead address line"); !s.is_ok()) return s;
  if (!valid(head.contact_line)) return bad("letterhead contact line");
  if (Status s = check_lines(letter.recipient, "recipient line"); !s.is_ok()) return s;
  if (!valid(letter.date)) return bad("date");
  if (!valid(letter.reference)) return bad("reference");
  if (!valid(letter.subject)) return bad("subject");
  if (Status s = check_lines(letter.before_table, "paragraph before the table"); !s.is_ok()) return s;
  if (Status s = check_lines(letter.table.header, "table header column"); !s.is_ok()) return s;
  for (size_t r = 0; r < letter.table.rows.size(); ++r) {
    if (Status s = check_lines(letter.table.rows[r], "table row " + std::to_string(r + 1) + " column"); !s.is_ok()) {
      return s;
    }
  }
  for (size_t i = 0; i < letter.table.totals.size(); ++i) {
    const auto& [label, amount] = letter.table.totals[i];
    if (!valid(label) || !valid(amount)) return bad("table total " + std::to_string(i + 1));
  }
  if (Status s = check_lines(letter.after_table, "paragraph after the table"); !s.is_ok()) return s;
  if (!valid(letter.footer)) return bad("footer");
  return Status::ok();
}

Status check_table_shape(const LetterTable& table) {
  if (table.rows.empty()) return Status::ok();
  const size_t columns = table.header.size();
  if (columns == 0) return Status::invalid("table: rows but no header");
  if (!table.numeric.empty() && table.numeric.size() != columns) {
    return Status::invalid("table: " + std::to_string(table.numeric.size()) + " numeric flags for " +
                           std::to_string(columns) + " columns");
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].size() != columns) {
      return Status::invalid("table: row " + std::to_string(r + 1) + " has " + std::to_string(table.rows[r].size()) +
                             " cells but the header has " + std::to_string(columns));
    }
  }
  return Status::ok();
}

// Widths of the table's columns for `available` points: the natural widths, the text columns
// stretched to fill the line; when too wide, the text columns narrowed (they wrap) while the
// numeric ones keep their width, and only when those alone do not fit is every column narrowed.
std::vector<double> column_widths(const std::vector<double>& natural, const std::vector<bool>& numeric,
                                  double available) {
  std::vector<double> widths = natural;
  const double total = std::accumulate(natural.begin(), natural.end(), 0.0);
  double text_total = 0;
  size_t text_columns = 0;
  for (size_t c = 0; c < natural.size(); ++c) {
    if (!numeric[c]) {
      text_total += natural[c];
      ++text_columns;
    }
  }
  if (total <= available) {
    const double extra = available - total;
    if (text_total > 0) {
      for (size_t c = 0; c < widths.size(); ++c) {
        if (!numeric[c]) widths[c] += extra * natural[c] / text_total;
      }
    } else {
      widths.front() += extra;
    }
    return widths;
  }
  const double numeric_total = total - text_total;
  const double text_space = available - numeric_total;
  if (text_columns > 0 && text_space >= kMinTextColumn * static_cast<double>(text_columns)) {
    for (size_t c = 0; c < widths.size(); ++c) {
      if (!numeric[c]) widths[c] = natural[c] * text_space / text_total;
    }
    return widths;
  }
  for (double& width : widths) width *= available / total;
  return widths;
}

std::string page_label(std::string label, int page, int pages) {
  const auto replace = [&label](std::string_view key, const std::string& value) {
    for (size_t at = label.find(key); at != std::string::npos; at = label.find(key, at + value.size())) {
      label.replace(at, key.size(), value);
    }
  };
  replace("{pages}", std::to_string(pages));
  replace("{page}", std::to_string(page));
  return label;
}

// ------------------------------------------------------------------------------------------------
// One letter laid out into pages of draw operations. The layouts the operations point to live as
// long as the LetterPages.

class LetterPages {
 public:
  LetterPages(PangoContext* context, PaperGeometry geometry) : context_(context), g_(geometry) {}

  Status compose(const LetterDocument& letter, cairo_surface_t* logo);

  const std::vector<Page>& pages() const { return pages_; }
  const PaperGeometry& geometry() const { return g_; }
  PangoLayout* footer() const { return footer_; }
  double footer_top() const { return footer_top_; }
  double label_top() const { return label_top_; }
  PangoLayout* make_layout(std::string_view text, double size, bool bold, double width, PangoAlignment alignment);

 private:
  Status add_letterhead(const Letterhead& head, cairo_surface_t* logo);
  Status add_address(const LetterDocument& letter);
  double add_info(const LetterDocument& letter);  // the bottom of the info block
  void add_table(const LetterTable& table);
  void flow(PangoLayout* layout, double x, double grey);
  void place(PangoLayout* layout, double x, double y, double grey) {
    pages_.back().emplace_back(LayoutOp{.layout = layout, .x = x, .y = y, .grey = grey});
  }
  void new_page() {
    pages_.emplace_back();
    y_ = g_.margin_top;
  }

  PangoContext* context_;
  PaperGeometry g_;
  std::vector<GPtr<PangoLayout>> layouts_;
  std::vector<Page> pages_;
  PangoLayout* footer_ = nullptr;
  double footer_top_ = 0;
  double label_top_ = 0;
  double y_ = 0;       // where the next line of the body goes
  double bottom_ = 0;  // the lowest the body may reach on any page
};

PangoLayout* LetterPages::make_layout(std::string_view text, double size, bool bold, double width,
                                      PangoAlignment alignment) {
  GPtr<PangoLayout> layout(pango_layout_new(context_));
  FontDescriptionPtr font(pango_font_description_new());
  pango_font_description_set_family_static(font.get(), kFontFamily);
  pango_font_description_set_size(font.get(), static_cast<gint>(size * PANGO_SCALE));
  pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), font.get());
  pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  if (width > 0) pango_layout_set_width(layout.get(), pango_units_from_double(width));
  pango_layout_set_alignment(layout.get(), alignment);
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  layouts_.push_back(std::move(layout));
  return layouts_.back().get();
}

void LetterPages::flow(PangoLayout* layout, double x, double grey) {
  const LayoutIterPtr iter(pango_layout_get_iter(layout));
  do {
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter.get(), nullptr, &logical);
    const double height = to_points(logical.height);
    if (y_ + height > bottom_ && y_ > g_.margin_top) new_page();
    pages_.back().emplace_back(
        LineOp{.line = pango_layout_iter_get_line_readonly(iter.get()),
               .x = x + to_points(logical.x),
               .baseline = y_ + to_points(pango_layout_iter_get_baseline(iter.get()) - logical.y),
               .grey = grey});
    y_ += height;
  } while (pango_layout_iter_next_line(iter.get()) != FALSE);
}

Status LetterPages::compose(const LetterDocument& letter, cairo_surface_t* logo) {
  pages_.emplace_back();
  const double left = g_.margin_left;
  const double width = g_.text_width();

  // The foot of every page: the footer, and above it the page label, whose line is kept free on
  // every page so that the body flows the same whether the letter needs one page or several.
  double foot = g_.height - g_.margin_bottom;
  if (!letter.footer.empty()) {
    footer_ = make_layout(letter.footer, kFooterSize, false, width, PANGO_ALIGN_CENTER);
    foot -= logical_extents(footer_).height;
  }
  footer_top_ = foot;
  const double label_height = logical_extents(make_layout("0", kPageLabelSize, false, width, PANGO_ALIGN_RIGHT)).height;
  label_top_ = footer_top_ - mm(1) - label_height;
  bottom_ = label_top_ - mm(3);

  if (Status s = add_letterhead(letter.letterhead, logo); !s.is_ok()) return s;
  if (Status s = add_address(letter); !s.is_ok()) return s;
  const double info_bottom = add_info(letter);
  y_ = std::max(g_.window.y + g_.window.height, info_bottom) + mm(8.46);

  if (!letter.subject.empty()) {
    flow(make_layout(letter.subject, kSubjectSize, true, width, PANGO_ALIGN_LEFT), left, kBlack);
    y_ += mm(4);
  }
  for (const std::string& paragraph : letter.before_table) {
    flow(make_layout(paragraph, kBodySize, false, width, PANGO_ALIGN_LEFT), left, kBlack);
    y_ += kParagraphGap;
  }
  if (!letter.table.rows.empty()) {
    add_table(letter.table);
    y_ += kParagraphGap * 2;
  }
  for (const std::string& paragraph : letter.after_table) {
    flow(make_layout(paragraph, kBodySize, false, width, PANGO_ALIGN_LEFT), left, kBlack);
    y_ += kParagraphGap;
  }
  return Status::ok();
}

// The letterhead: the logo at the left margin, the business's name, address and contact line
// right-aligned at the right margin; all of it above the envelope window.
Status LetterPages::add_letterhead(const Letterhead& head, cairo_surface_t* logo) {
  const double top = g_.letterhead_top;
  const double limit = g_.window.y - mm(2);
  double text_left = g_.margin_left;
  if (logo != nullptr) {
    const double pixels_wide = cairo_image_surface_get_width(logo);
    const double pixels_high = cairo_image_surface_get_height(logo);
    const double scale = std::min(kLogoMaxHeight / pixels_high, kLogoMaxWidth / pixels_wide);
    pages_.back().emplace_back(ImageOp{.image = logo, .x = g_.margin_left, .y = top, .scale = scale});
    text_left += pixels_wide * scale + mm(6);
  }
  const double text_width = g_.width - g_.margin_right - text_left;
  double y = top;
  const auto add = [&](const std::string& text, double size, bool bold, double grey) {
    if (text.empty()) return;
    PangoLayout* layout = make_layout(text, size, bold, text_width, PANGO_ALIGN_RIGHT);
    place(layout, text_left, y, grey);
    y += logical_extents(layout).height;
  };
  add(head.name, kBusinessNameSize, true, kBlack);
  add(join(head.address_lines, "\n"), kLetterheadSize, false, kBlack);
  add(head.contact_line, kLetterheadSize, false, kGrey);
  if (y > limit) {
    return Status::invalid("letterhead: the name, address and contact lines take " +
                           std::to_string(static_cast<int>((y - top) / kPointsPerMm + 0.5)) + " mm; " +
                           std::to_string(static_cast<int>((limit - top) / kPointsPerMm)) +
                           " mm fit above the envelope window");
  }
  return Status::ok();
}

// The recipient's address in the envelope window (on A4 below a one-line return address), in the
// largest of kAddressSizes that fits.
Status LetterPages::add_address(const LetterDocument& letter) {
  if (letter.recipient.empty() || join(letter.recipient, "").empty()) {
    return Status::invalid("recipient: no address lines");
  }
  PangoLayout* return_line = nullptr;
  double return_height = 0;
  if (g_.return_line) {
    const Letterhead& head = letter.letterhead;
    std::vector<std::string> sender{head.name};
    sender.insert(sender.end(), head.address_lines.begin(), head.address_lines.end());
    if (const std::string text = join(sender, " \u00b7 "); !text.empty()) {
      return_line = make_layout(text, kReturnLineSize, false, g_.address_width, PANGO_ALIGN_LEFT);
      pango_layout_set_ellipsize(return_line, PANGO_ELLIPSIZE_END);
      return_height = logical_extents(return_line).height + mm(1);
    }
  }
  const std::string text = join(letter.recipient, "\n");
  const double highest = g_.address_top + return_height;
  for (const double size : kAddressSizes) {
    PangoLayout* address = make_layout(text, size, false, g_.address_width, PANGO_ALIGN_LEFT);
    const double height = logical_extents(address).height;
    if (highest + height > g_.address_bottom) continue;
    const double top = g_.address_start ? std::clamp(*g_.address_start, highest, g_.address_bottom - height)
                                        : g_.address_bottom - height;
    place(address, g_.address_left, top, kBlack);
    if (return_line != nullptr) place(return_line, g_.address_left, top - return_height, kGrey);
    return Status::ok();
  }
  return Status::invalid("recipient: " + std::to_string(letter.recipient.size()) +
                         " lines do not fit in the envelope window");
}

double LetterPages::add_info(const LetterDocument& letter) {
  const double width = g_.width - g_.margin_right - g_.info_left;
  double y = g_.info_top;
  for (const std::string* text : {&letter.date, &letter.reference}) {
    if (text->empty()) continue;
    PangoLayout* layout = make_layout(*text, kInfoSize, false, width, PANGO_ALIGN_LEFT);
    place(layout, g_.info_left, y, kBlack);
    y += logical_extents(layout).height + mm(1);
  }
  return y;
}

// REQUIRES: check_table_shape(table) is ok and table.rows is not empty.
void LetterPages::add_table(const LetterTable& table) {
  const size_t columns = table.header.size();
  std::vector<bool> numeric(columns, false);
  if (!table.numeric.empty()) numeric = table.numeric;

  // Lay out every cell unwrapped to learn the columns' natural widths, then wrap each at its width.
  std::vector<double> natural(columns, 0);
  const auto measure = [&](const std::string& text, size_t column, bool bold) {
    PangoLayout* layout = make_layout(text, kTableSize, bold, 0, PANGO_ALIGN_LEFT);
    natural[column] = std::max(natural[column], logical_extents(layout).width + 2 * kCellPadX);
    return layout;
  };
  std::vector<PangoLayout*> header(columns);
  for (size_t c = 0; c < columns; ++c) header[c] = measure(table.header[c], c, true);
  std::vector<std::vector<PangoLayout*>> rows(table.rows.size(), std::vector<PangoLayout*>(columns));
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t c = 0; c < columns; ++c) rows[r][c] = measure(table.rows[r][c], c, false);
  }
  const double left = g_.margin_left;
  const double table_width = g_.text_width();
  const std::vector<double> widths = column_widths(natural, numeric, table_width);
  const auto fit = [&](std::vector<PangoLayout*>& cells) {
    double height = 0;
    for (size_t c = 0; c < columns; ++c) {
      pango_layout_set_width(cells[c], pango_units_from_double(std::max(widths[c] - 2 * kCellPadX, 1.0)));
      pango_layout_set_alignment(cells[c], numeric[c] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      height = std::max(height, logical_extents(cells[c]).height);
    }
    return height + 2 * kCellPadY;
  };
  const auto place_row = [&](const std::vector<PangoLayout*>& cells) {
    double x = left;
    for (size_t c = 0; c < columns; ++c) {
      place(cells[c], x + kCellPadX, y_ + kCellPadY, kBlack);
      x += widths[c];
    }
  };
  const double header_height = fit(header);
  const auto place_header = [&] {
    pages_.back().emplace_back(
        FillOp{.rect = {.x = left, .y = y_, .width = table_width, .height = header_height}, .grey = kHeaderFill});
    place_row(header);
    y_ += header_height;
  };

  std::vector<double> row_heights;
  for (auto& cells : rows) row_heights.push_back(fit(cells));
  if (y_ + header_height + row_heights.front() > bottom_) new_page();
  place_header();
  bool below_header = true;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (y_ + row_heights[r] > bottom_ && !below_header) {
      new_page();
      place_header();
    }
    place_row(rows[r]);
    y_ += row_heights[r];
    pages_.back().emplace_back(
        RuleOp{.x0 = left, .x1 = left + table_width, .y = y_, .thickness = 0.4, .grey = kRowRule});
    below_header = false;
  }
  if (table.totals.empty()) return;

  // The totals, one line per currency: the label right-aligned against the last column, the
  // amount right-aligned in it (in a table of one column, the label at its left). They stay
  // together, on a new page if need be.
  const double amount_width = widths.back() - 2 * kCellPadX;
  const bool one_column = columns == 1;
  const double label_width = one_column ? amount_width : table_width - widths.back() - 2 * kCellPadX;
  std::vector<std::pair<PangoLayout*, PangoLayout*>> totals;
  double totals_height = mm(1.5);
  for (const auto& [label, amount] : table.totals) {
    PangoLayout* label_layout = make_layout(label, kTableSize, true, std::max(label_width, 1.0),
                                            one_column ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
    PangoLayout* amount_layout = make_layout(amount, kTableSize, true, amount_width, PANGO_ALIGN_RIGHT);
    totals.emplace_back(label_layout, amount_layout);
    totals_height +=
        std::max(logical_extents(label_layout).height, logical_extents(amount_layout).height) + 2 * kCellPadY;
  }
  if (y_ + totals_height > bottom_) new_page();
  pages_.back().emplace_back(RuleOp{.x0 = left, .x1 = left + table_width, .y = y_, .thickness = 0.8, .grey = kBlack});
  y_ += mm(1.5);
  for (const auto& [label_layout, amount_layout] : totals) {
    place(label_layout, left + kCellPadX, y_ + kCellPadY, kBlack);
    place(amount_layout, left + table_width - widths.back() + kCellPadX, y_ + kCellPadY, kBlack);
    y_ += std::max(logical_extents(label_layout).height, logical_extents(amount_layout).height) + 2 * kCellPadY;
  }
}

// ------------------------------------------------------------------------------------------------
// Drawing.

void set_grey(cairo_t* cr, double grey) { cairo_set_source_rgb(cr, grey, grey, grey); }

struct Painter {
  cairo_t* cr;

  void operator()(const LayoutOp& op) const {
    set_grey(cr, op.grey);
    cairo_move_to(cr, op.x, op.y);
    pango_cairo_show_layout(cr, op.layout);
  }
  void operator()(const LineOp& op) const {
    set_grey(cr, op.grey);
    cairo_move_to(cr, op.x, op.baseline);
    pango_cairo_show_layout_line(cr, op.line);
  }
  void operator()(const RuleOp& op) const {
    set_grey(cr, op.grey);
    cairo_set_line_width(cr, op.thickness);
    cairo_move_to(cr, op.x0, op.y);
    cairo_line_to(cr, op.x1, op.y);
    cairo_stroke(cr);
  }
  void operator()(const FillOp& op) const {
    set_grey(cr, op.grey);
    cairo_rectangle(cr, op.rect.x, op.rect.y, op.rect.width, op.rect.height);
    cairo_fill(cr);
  }
  void operator()(const ImageOp& op) const {
    cairo_save(cr);
    cairo_translate(cr, op.x, op.y);
    cairo_scale(cr, op.scale, op.scale);
    cairo_set_source_surface(cr, op.image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
  }
};

void paint(cairo_t* cr, cairo_surface_t* surface, LetterPages& letter, const std::string& label_format) {
  const PaperGeometry& g = letter.geometry();
  const int pages = static_cast<int>(letter.pages().size());
  for (int page = 0; page < pages; ++page) {
    cairo_pdf_surface_set_size(surface, g.width, g.height);
    for (const DrawOp& op : letter.pages()[static_cast<size_t>(page)]) std::visit(Painter{cr}, op);
    if (letter.footer() != nullptr) Painter{cr}(LayoutOp{letter.footer(), g.margin_left, letter.footer_top(), kGrey});
    if (pages > 1) {
      PangoLayout* label = letter.make_layout(page_label(label_format, page + 1, pages), kPageLabelSize, false,
                                              g.text_width(), PANGO_ALIGN_RIGHT);
      Painter{cr}(LayoutOp{label, g.margin_left, letter.label_top(), kGrey});
    }
    cairo_show_page(cr);
  }
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A pango font map for one call. pango does a font map's fontconfig work (matching and sorting the
// fonts for each new font description) on a thread of the map's own, in the background; the map
// is released when that work is done, perhaps on that thread after the call has returned. The
// destructor waits for it, so that nothing of a call outlives the call: a process that exits
// right after rendering (the command line, a test) does not exit while pango is still freeing.
// REQUIRES: every context and layout made from the map is released first.
class FontMapForCall {
 public:
  FontMapForCall() : map_(pango_cairo_font_map_new()), released_(std::make_shared<Released>()) {
    // Called as GObject finalizes the map, on whichever thread drops the last reference.
    auto notify = [](gpointer data) {
      const std::unique_ptr<std::shared_ptr<Released>> released(static_cast<std::shared_ptr<Released>*>(data));
      const std::lock_guard lock((*released)->mutex);
      (*released)->done = true;
      (*released)->cv.notify_all();
    };
    g_object_set_data_full(G_OBJECT(map_), "squeaky-released",
                           std::make_unique<std::shared_ptr<Released>>(released_).release(), notify);
  }
  FontMapForCall(const FontMapForCall&) = delete;
  FontMapForCall& operator=(const FontMapForCall&) = delete;
  ~FontMapForCall() {
    g_object_unref(map_);
    std::unique_lock lock(released_->mutex);
    // pango's thread has a few font sorts queued at most; the bound only guards against a pango
    // that keeps a reference for good.
    released_->cv.wait_for(lock, std::chrono::seconds(10), [this] { return released_->done; });
  }

  PangoFontMap* get() const { return map_; }

 private:
  struct Released {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
  };
  PangoFontMap* map_;
  std::shared_ptr<Released> released_;
};

// A pango context of our own: 72 dpi so that a point is a PDF unit, no hinting (vector output,
// and the layout must not depend on a screen), the language fixed so that font fallback does not
// follow the process's locale.
GPtr<PangoContext> make_context(PangoFontMap* font_map) {
  GPtr<PangoContext> context(pango_font_map_create_context(font_map));
  pango_cairo_context_set_resolution(context.get(), 72);
  const FontOptionsPtr options(cairo_font_options_create());
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context.get(), options.get());
  pango_context_set_round_glyph_positions(context.get(), FALSE);
  pango_context_set_language(context.get(), pango_language_from_string("en"));
  return context;
}

}  // namespace

int RenderedPdf::page_count() const { return std::accumulate(pages_per_letter.begin(), pages_per_letter.end(), 0); }

PageRect envelope_window(PaperSize paper) { return geometry_of(paper).window; }

Result<RenderedPdf> render_letters_pdf(std::span<const LetterDocument> letters, const PdfInfo& info) {
  if (letters.empty()) return Status::invalid("no letters to render");
  const auto which = [&](size_t i) {
    return letters.size() > 1 ? "letter " + std::to_string(i + 1) + " of " + std::to_string(letters.size()) + ": "
                              : std::string();
  };
  // The checks that need no layout come first, for every letter, before anything is drawn.
  LogoCache logos;
  std::vector<cairo_surface_t*> letter_logos(letters.size(), nullptr);
  for (size_t i = 0; i < letters.size(); ++i) {
    Status status = check_utf8(letters[i]);
    if (status.is_ok()) status = check_table_shape(letters[i].table);
    if (!status.is_ok()) return Status::invalid(which(i) + status.message());
    if (letters[i].letterhead.logo_png.empty()) continue;
    Result<cairo_surface_t*> logo = logos.decode(letters[i].letterhead.logo_png);
    if (!logo) return Status::invalid(which(i) + logo.status().message());
    letter_logos[i] = *logo;
  }

  RenderedPdf out;
  const PaperGeometry first = geometry_of(letters.front().paper);
  SurfacePtr surface(cairo_pdf_surface_create_for_stream(append_to_string, &out.bytes, first.width, first.height));
  const std::string created = info.created.to_string();
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, info.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "squeaky");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, created.c_str());
  const CairoPtr cr(cairo_create(surface.get()));

  const FontMapForCall font_map;
  const GPtr<PangoContext> context = make_context(font_map.get());
  int pages_so_far = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    LetterPages letter(context.get(), geometry_of(letters[i].paper));
    if (Status s = letter.compose(letters[i], letter_logos[i]); !s.is_ok()) {
      return Status::invalid(which(i) + s.message());
    }
    if (letters.size() > 1) {
      // A bookmark per letter, so that a print run can be searched by recipient.
      const std::string link = "page=" + std::to_string(pages_so_far + 1);
      const auto& recipient = letters[i].recipient;
      const auto name =
          std::find_if(recipient.begin(), recipient.end(), [](const auto& line) { return !line.empty(); });
      cairo_pdf_surface_add_outline(surface.get(), CAIRO_PDF_OUTLINE_ROOT, name->c_str(), link.c_str(),
                                    static_cast<cairo_pdf_outline_flags_t>(0));
    }
    paint(cr.get(), surface.get(), letter, info.page_label);
    const int pages = static_cast<int>(letter.pages().size());
    out.pages_per_letter.push_back(pages);
    pages_so_far += pages;
  }
  cairo_surface_finish(surface.get());
  if (const cairo_status_t status = cairo_status(cr.get()); status != CAIRO_STATUS_SUCCESS) {
    return Status::io_error(std::string("pdf: ") + cairo_status_to_string(status));
  }
  if (const cairo_status_t status = cairo_surface_status(surface.get()); status != CAIRO_STATUS_SUCCESS) {
    return Status::io_error(std::string("pdf: ") + cairo_status_to_string(status));
  }
  return out;
}

}  // namespace squeaky
