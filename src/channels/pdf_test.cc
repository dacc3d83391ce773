#include "channels/pdf.h"

#include <gtest/gtest.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "testing.h"

// The PDFs are read back with poppler's command-line tools: pdftotext (-layout for the text,
// -bbox for where each word is, in points from the page's top-left corner), pdfinfo and pdfimages.

namespace squeaky {
namespace {

constexpr double kPointsPerMm = 72.0 / 25.4;

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) out.append(buffer, n);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path write_pdf(const std::filesystem::path& dir, const std::string& name, const RenderedPdf& pdf) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << pdf.bytes;
  return path;
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// The text of pages first..last (all pages when 0), as pdftotext -layout lays it out.
std::string text_of(const std::filesystem::path& pdf, int first = 0, int last = 0) {
  std::string range;
  if (first > 0) range = " -f " + std::to_string(first) + " -l " + std::to_string(last > 0 ? last : first);
  return run("pdftotext -layout" + range + " " + quoted(pdf) + " - 2>&1");
}

std::string info_of(const std::filesystem::path& pdf, int last_page = 0) {
  const std::string range = last_page > 0 ? " -f 1 -l " + std::to_string(last_page) : "";
  return run("pdfinfo -isodates" + range + " " + quoted(pdf) + " 2>&1");
}

// The value of a pdfinfo field ("Pages", "Page size", "Page 2 size"): runs of spaces in the name
// are ignored, the value is trimmed.
std::string field(const std::string& info, std::string_view name) {
  const auto squeeze = [](std::string_view text) {
    std::string out;
    for (const char c : text) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  std::istringstream lines(info);
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || squeeze(std::string_view(line).substr(0, colon)) != name) continue;
    return squeeze(std::string_view(line).substr(colon + 1));
  }
  return "(no " + std::string(name) + ")";
}

int count(std::string_view haystack, std::string_view needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

struct Word {
  int page = 0;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  std::string text;
};

std::string unescape(std::string text) {
  for (const auto& [entity, plain] : {std::pair<std::string, std::string>{"&lt;", "<"},
                                      {"&gt;", ">"},
                                      {"&quot;", "\""},
                                      {"&#39;", "'"},
                                      {"&amp;", "&"}}) {
    for (size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + plain.size())) {
      text.replace(at, entity.size(), plain);
    }
  }
  return text;
}

double attribute(const std::string& line, const std::string& name) {
  const size_t at = line.find(name + "=\"");
  return at == std::string::npos ? -1 : std::stod(line.substr(at + name.size() + 2));
}

// Every word of the PDF with its box, from pdftotext -bbox.
std::vector<Word> words_of(const std::filesystem::path& pdf) {
  std::istringstream html(run("pdftotext -bbox " + quoted(pdf) + " -"));
  std::vector<Word> words;
  int page = 0;
  for (std::string line; std::getline(html, line);) {
    if (line.find("<page ") != std::string::npos) ++page;
    const size_t open = line.find("<word ");
    if (open == std::string::npos) continue;
    const size_t text_start = line.find('>', open) + 1;
    const size_t text_end = line.find("</word>", text_start);
    words.push_back(Word{.page = page,
                         .x0 = attribute(line, "xMin"),
                         .y0 = attribute(line, "yMin"),
                         .x1 = attribute(line, "xMax"),
                         .y1 = attribute(line, "yMax"),
                         .text = unescape(line.substr(text_start, text_end - text_start))});
  }
  return words;
}

std::string cents(int64_t minor) {
  std::string whole = std::to_string(minor / 100);
  for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3) whole.insert(static_cast<size_t>(at), ",");
  const int64_t fraction = minor % 100;
  return whole + "." + (fraction < 10 ? "0" : "") + std::to_string(fraction);
}

int64_t row_amount(int row) { return 12'345 + int64_t{row} * 7'919; }

LetterDocument sample_letter(PaperSize paper, int invoices) {
  LetterDocument letter;
  letter.paper = paper;
  letter.letterhead.name = "Brightwater Supplies Ltd";
  letter.letterhead.address_lines = {"12 Quay Street", "Bristol BS1 4DJ"};
  letter.letterhead.contact_line = "0117 496 0123 · accounts@brightwater.example · brightwater.example";
  letter.recipient = {"Harbour Fittings Ltd", "Attn: Accounts Payable", "Unit 7, Marsh Lane", "Portsmouth PO1 2AB"};
  letter.date = "24 November 2026";
  letter.reference = "Account C-1001, reference A-123";
  letter.subject = "Overdue invoices: please pay by 8 December 2026";
  letter.before_table = {
      "Dear Sir or Madam,",
      "Our records show that the invoices listed below remain unpaid after their due dates. We would be grateful "
      "if you could arrange payment of the full balance, or let us know at once if there is a reason why any of "
      "them should not be paid, so that we can look into it without delay."};
  letter.table.header = {"Invoice", "Issued", "Due", "Days late", "Open amount"};
  letter.table.numeric = {false, false, false, true, true};
  int64_t total = 0;
  for (int i = 0; i < invoices; ++i) {
    letter.table.rows.push_back({"INV-" + std::to_string(1001 + i), "1 September 2026", "1 October 2026",
                                 std::to_string(54 + i), "£" + cents(row_amount(i))});
    total += row_amount(i);
  }
  letter.table.totals = {{"Total due (GBP)", "£" + cents(total)}};
  letter.after_table = {"Please pay by bank transfer to sort code 12-34-56, account 12345678, quoting C-1001.",
                        "Yours faithfully,", "Dana Whitfield\nCredit Controller"};
  letter.footer = "Brightwater Supplies Ltd · Registered in England and Wales No. 01234567 · VAT GB 123 4567 89";
  return letter;
}

PdfInfo sample_info() {
  return PdfInfo{.title = "Letters of 2026-11-24", .created = *Timestamp::parse("2026-11-24T06:30:00Z")};
}

Result<RenderedPdf> render(const std::vector<LetterDocument>& letters) {
  return render_letters_pdf(letters, sample_info());
}

// For letters with Japanese, Chinese or Korean text. cairo 1.16.0 loses the FDArray index of
// each CID-keyed CFF font (Noto Sans CJK) it subsets into a PDF, 768 bytes a PDF:
// cairo_cff_font_read_cid_fontdict (cairo-cff-subset.c) returns before its cff_index_fini; later
// cairo releases fall through to it. The same code paths of squeaky are leak-checked by the
// other tests.
Result<RenderedPdf> render_cjk(const std::vector<LetterDocument>& letters) {
#if defined(__SANITIZE_ADDRESS__)
  const __lsan::ScopedDisabler cairo_cff_subset_leak;
#endif
  return render(letters);
}

std::string logo_png() {
  return read_file(std::filesystem::path(__FILE__).parent_path() / "testdata" / "pdf" / "logo.png");
}

TEST(PdfLetter, PrintsNamesAmountsAndDates) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 3);
  letter.letterhead.logo_png = logo_png();
  const auto pdf = render({letter});
  ASSERT_TRUE(testing::status_of(pdf).is_ok()) << testing::status_of(pdf).message();
  EXPECT_EQ(pdf->pages_per_letter, std::vector<int>{1});
  EXPECT_EQ(pdf->page_count(), 1);
  const auto path = write_pdf(testing::scratch_dir("pdf"), "letter.pdf", *pdf);

  const std::string text = text_of(path);
  for (const char* expected : {"Brightwater Supplies Ltd",
                               "12 Quay Street",
                               "accounts@brightwater.example",
                               "Harbour Fittings Ltd",
                               "Portsmouth PO1 2AB",
                               "24 November 2026",
                               "Account C-1001, reference A-123",
                               "Overdue invoices: please pay by 8 December 2026",
                               "Open amount",
                               "INV-1001",
                               "INV-1003",
                               "1 October 2026",
                               "£123.45",
                               "£202.64",
                               "£281.83",
                               "Total due (GBP)",
                               "£607.92",
                               "Yours faithfully,",
                               "Credit Controller",
                               "Registered in England and Wales No. 01234567"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from:\n" << text;
  }
  EXPECT_EQ(text.find("Page 1"), std::string::npos) << "a one-page letter has no page label";
  EXPECT_EQ(field(info_of(path), "Pages"), "1");
  // The logo is on the page.
  const std::string images = run("pdfimages -list " + quoted(path));
  EXPECT_EQ(count(images, "\n"), 3) << images;  // two header lines and one image
  EXPECT_NE(images.find(" 120    40  rgb"), std::string::npos) << images;
}

TEST(PdfLetter, NumericColumnsAndTotalsAreRightAligned) {
  const auto pdf = render({sample_letter(PaperSize::kA4, 3)});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const auto words = words_of(write_pdf(testing::scratch_dir("pdf"), "letter.pdf", *pdf));
  std::vector<double> right_edges;
  for (const Word& word : words) {
    if (word.text == "£123.45" || word.text == "£202.64" || word.text == "£281.83" || word.text == "£607.92" ||
        word.text == "amount") {
      right_edges.push_back(word.x1);
    }
  }
  ASSERT_EQ(right_edges.size(), 5u);
  for (double right : right_edges) EXPECT_NEAR(right, right_edges.front(), 0.5);
  // ... at the right margin, less the cell's padding.
  EXPECT_NEAR(right_edges.front(), (210 - 20 - 1.5) * kPointsPerMm, 1.0);
}

TEST(PdfLetter, TextStaysWithinTheMargins) {
  for (const PaperSize paper : {PaperSize::kA4, PaperSize::kUsLetter}) {
    LetterDocument letter = sample_letter(paper, 40);
    letter.after_table.push_back(
        "A long word must wrap too: "
        "https://pay.brightwater.example/invoices/C-1001/A-123/0123456789abcdef0123456789abcdef0123456789abcdef");
    std::string paragraph;
    for (int i = 0; i < 60; ++i) paragraph += "Sentences flow on and on across the column. ";
    letter.after_table.push_back(paragraph);
    const auto pdf = render({letter});
    ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
    const double width = paper == PaperSize::kA4 ? 210 * kPointsPerMm : 612;
    const double left = paper == PaperSize::kA4 ? 25 * kPointsPerMm : 72;
    const double right = width - (paper == PaperSize::kA4 ? 20 * kPointsPerMm : 72);
    const auto words = words_of(write_pdf(testing::scratch_dir("pdf"), "letter.pdf", *pdf));
    ASSERT_GT(words.size(), 500u);
    for (const Word& word : words) {
      EXPECT_GE(word.x0, left - 0.5) << word.text << " on page " << word.page;
      EXPECT_LE(word.x1, right + 0.5) << word.text << " on page " << word.page;
    }
  }
}

TEST(PdfLetter, ThreePageLetterRepeatsTheTableHeaderAndNumbersItsPages) {
  constexpr int kInvoices = 95;
  const auto pdf = render({sample_letter(PaperSize::kA4, kInvoices)});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  ASSERT_EQ(pdf->pages_per_letter, std::vector<int>{3});
  const auto path = write_pdf(testing::scratch_dir("pdf"), "long.pdf", *pdf);
  EXPECT_EQ(field(info_of(path), "Pages"), "3");

  for (int page = 1; page <= 3; ++page) {
    const std::string text = text_of(path, page);
    EXPECT_NE(text.find("Page " + std::to_string(page) + " of 3"), std::string::npos) << "page " << page;
    EXPECT_EQ(count(text, " of 3"), 1) << "page " << page;
    EXPECT_NE(text.find("Registered in England and Wales"), std::string::npos) << "footer on page " << page;
    EXPECT_NE(text.find("Open amount"), std::string::npos) << "table header on page " << page;
    EXPECT_NE(text.find("Days late"), std::string::npos) << "table header on page " << page;
  }
  // Every row once, in order, and the total at the end.
  const std::string text = text_of(path);
  size_t last = 0;
  int64_t total = 0;
  for (int i = 0; i < kInvoices; ++i) {
    const std::string number = "INV-" + std::to_string(1001 + i);
    EXPECT_EQ(count(text, number), 1) << number;
    const size_t at = text.find(number);
    EXPECT_GT(at, last) << number;
    last = at;
    EXPECT_NE(text.find("£" + cents(row_amount(i))), std::string::npos) << number;
    total += row_amount(i);
  }
  const std::string page3 = text_of(path, 3);
  EXPECT_NE(page3.find("£" + cents(total)), std::string::npos) << page3;
  EXPECT_NE(page3.find("Yours faithfully,"), std::string::npos);
  // The letterhead and the address are on the first page only.
  EXPECT_EQ(count(text, "Harbour Fittings Ltd"), 1);
  EXPECT_EQ(count(text_of(path, 2, 3), "12 Quay Street"), 0);
}

TEST(PdfLetter, GreekAndJapaneseComeBackUnchanged) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 2);
  letter.recipient = {"Παπαδόπουλος Α.Ε.", "Λεωφόρος Κηφισίας 124", "115 26 Αθήνα"};
  letter.before_table = {"Αξιότιμοι κύριοι, τα τιμολόγια παραμένουν ανεξόφλητα.",
                         "株式会社山田商事 御中 お支払いをお願いいたします。"};
  letter.table.rows[0][0] = "請求書-7";
  const auto pdf = render_cjk({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const std::string text = text_of(write_pdf(testing::scratch_dir("pdf"), "unicode.pdf", *pdf));
  for (const char* expected : {"Παπαδόπουλος Α.Ε.", "Λεωφόρος Κηφισίας 124", "115 26 Αθήνα",
                               "Αξιότιμοι κύριοι, τα τιμολόγια παραμένουν ανεξόφλητα.", "株式会社山田商事",
                               "お支払いをお願いいたします。", "請求書-7"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from:\n" << text;
  }
}

TEST(PdfLetter, JapaneseAddressInTheWindow) {
  LetterDocument letter = sample_letter(PaperSize::kUsLetter, 2);
  letter.recipient = {"株式会社山田商事", "東京都千代田区丸の内1-1-1", "〒100-0005"};
  const auto pdf = render_cjk({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const std::string text = text_of(write_pdf(testing::scratch_dir("pdf"), "japanese.pdf", *pdf));
  for (const char* expected : {"株式会社山田商事", "東京都千代田区丸の内1-1-1", "〒100-0005"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from:\n" << text;
  }
}

// The words inside the envelope window, in reading order, and every word that crosses its edge.
struct WindowContents {
  std::string inside;
  std::vector<Word> inside_words;
  std::vector<std::string> crossing;
};

WindowContents window_contents(const std::vector<Word>& words, const PageRect& window) {
  WindowContents contents;
  for (const Word& word : words) {
    if (word.page != 1) continue;
    const bool overlaps = word.x1 > window.x && word.x0 < window.x + window.width && word.y1 > window.y &&
                          word.y0 < window.y + window.height;
    const bool inside = word.x0 >= window.x && word.x1 <= window.x + window.width && word.y0 >= window.y &&
                        word.y1 <= window.y + window.height;
    if (inside) {
      contents.inside += (contents.inside.empty() ? "" : " ") + word.text;
      contents.inside_words.push_back(word);
    } else if (overlaps) {
      contents.crossing.push_back(word.text);
    }
  }
  return contents;
}

TEST(PdfEnvelope, WindowFigures) {
  // A4: DIN 5008 form B address field, under the window of a DL envelope (DIN 680).
  const PageRect a4 = envelope_window(PaperSize::kA4);
  EXPECT_NEAR(a4.x, 20 * kPointsPerMm, 0.01);
  EXPECT_NEAR(a4.y, 45 * kPointsPerMm, 0.01);
  EXPECT_NEAR(a4.width, 85 * kPointsPerMm, 0.01);
  EXPECT_NEAR(a4.height, 45 * kPointsPerMm, 0.01);
  // US Letter: the standard #10 window (7/8 in from the left, 1 1/8 x 4 1/2 in) over a sheet folded
  // in three and resting on the envelope's bottom: 2 1/24 in from the top.
  const PageRect letter = envelope_window(PaperSize::kUsLetter);
  EXPECT_NEAR(letter.x, 63, 0.01);
  EXPECT_NEAR(letter.y, 147, 0.01);
  EXPECT_NEAR(letter.width, 324, 0.01);
  EXPECT_NEAR(letter.height, 81, 0.01);
}

TEST(PdfEnvelope, A4AddressShowsThroughTheDlWindow) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 3);
  letter.letterhead.logo_png = logo_png();
  letter.recipient = {"Harbour Fittings Ltd", "Attn: Accounts Payable",
                      "Unit 7, Marsh Lane",   "Dockside Industrial Estate",
                      "Portsmouth",           "PO1 2AB"};
  const auto pdf = render({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const auto words = words_of(write_pdf(testing::scratch_dir("pdf"), "a4.pdf", *pdf));
  const WindowContents window = window_contents(words, envelope_window(PaperSize::kA4));
  // The return address above the recipient's, and nothing else.
  EXPECT_EQ(window.inside,
            "Brightwater Supplies Ltd · 12 Quay Street · Bristol BS1 4DJ "
            "Harbour Fittings Ltd Attn: Accounts Payable Unit 7, Marsh Lane Dockside Industrial Estate Portsmouth "
            "PO1 2AB");
  EXPECT_TRUE(window.crossing.empty()) << window.crossing.front();
  // DIN 5008: the address zone starts 62.7 mm from the top, the text at the 25 mm margin.
  for (const Word& word : words) {
    if (word.page == 1 && word.text == "Harbour") {
      EXPECT_NEAR(word.x0, 25 * kPointsPerMm, 1.0);
      EXPECT_NEAR(word.y0, 62.7 * kPointsPerMm, 2.0);
    }
  }
}

TEST(PdfEnvelope, UsLetterAddressShowsThroughTheNumber10Window) {
  LetterDocument letter = sample_letter(PaperSize::kUsLetter, 3);
  letter.letterhead.logo_png = logo_png();
  letter.recipient = {"Harbor Fittings Inc.", "Attn: Accounts Payable", "1200 Harbor Blvd Ste 300",
                      "Oxnard CA 93035-1234"};
  const auto pdf = render({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const auto words = words_of(write_pdf(testing::scratch_dir("pdf"), "letter.pdf", *pdf));
  const WindowContents window = window_contents(words, envelope_window(PaperSize::kUsLetter));
  EXPECT_EQ(window.inside, "Harbor Fittings Inc. Attn: Accounts Payable 1200 Harbor Blvd Ste 300 Oxnard CA 93035-1234");
  EXPECT_TRUE(window.crossing.empty()) << window.crossing.front();
  // 1/8 in clear of the window's edges.
  for (const Word& word : window.inside_words) {
    EXPECT_GE(word.x0, 63 + 9 - 0.5) << word.text;
    EXPECT_GE(word.y0, 147 + 9 - 1.0) << word.text;
    EXPECT_LE(word.y1, 147 + 81 - 9 + 1.0) << word.text;
  }
}

TEST(PdfEnvelope, LongAddressShrinksToFitOrIsRefused) {
  LetterDocument letter = sample_letter(PaperSize::kUsLetter, 1);
  letter.recipient = {"Harbor Fittings Inc.", "Attn: Accounts Payable", "Building C", "1200 Harbor Blvd Ste 300",
                      "Oxnard CA 93035-1234"};
  const auto pdf = render({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const auto words = words_of(write_pdf(testing::scratch_dir("pdf"), "letter.pdf", *pdf));
  const WindowContents window = window_contents(words, envelope_window(PaperSize::kUsLetter));
  EXPECT_EQ(window.inside,
            "Harbor Fittings Inc. Attn: Accounts Payable Building C 1200 Harbor Blvd Ste 300 Oxnard CA 93035-1234");

  letter.recipient.assign(9, "Line");
  const auto refused = render({letter});
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(), "recipient: 9 lines do not fit in the envelope window");
}

TEST(PdfPaper, A4AndUsLetterPageSizes) {
  const auto dir = testing::scratch_dir("pdf");
  const auto a4 = render({sample_letter(PaperSize::kA4, 2)});
  const auto letter = render({sample_letter(PaperSize::kUsLetter, 2)});
  ASSERT_TRUE(a4.is_ok() && letter.is_ok());
  EXPECT_EQ(field(info_of(write_pdf(dir, "a4.pdf", *a4)), "Page size"), "595.276 x 841.89 pts (A4)");
  EXPECT_EQ(field(info_of(write_pdf(dir, "letter.pdf", *letter)), "Page size"), "612 x 792 pts (letter)");
}

TEST(PdfMerge, EachLetterStartsOnANewPage) {
  LetterDocument first = sample_letter(PaperSize::kA4, 50);
  LetterDocument second = sample_letter(PaperSize::kUsLetter, 2);
  second.recipient = {"Quayside Traders LLC", "88 Front Street", "Portland ME 04101"};
  second.subject = "Second reminder";
  LetterDocument third = sample_letter(PaperSize::kA4, 1);
  third.recipient = {"Marlow & Daughters", "3 Mill Row", "Exeter EX1 1AA"};
  third.letterhead.logo_png = logo_png();
  first.letterhead.logo_png = logo_png();

  const auto alone = render({first});
  const auto merged = render({first, second, third});
  ASSERT_TRUE(alone.is_ok() && merged.is_ok());
  ASSERT_EQ(alone->pages_per_letter, std::vector<int>{2});
  EXPECT_EQ(merged->pages_per_letter, (std::vector<int>{2, 1, 1}));
  EXPECT_EQ(merged->page_count(), 4);

  const auto path = write_pdf(testing::scratch_dir("pdf"), "run.pdf", *merged);
  const std::string info = info_of(path, 4);
  EXPECT_EQ(field(info, "Pages"), "4");
  EXPECT_EQ(field(info, "Page 1 size"), "595.276 x 841.89 pts (A4)");
  EXPECT_EQ(field(info, "Page 2 size"), "595.276 x 841.89 pts (A4)");
  EXPECT_EQ(field(info, "Page 3 size"), "612 x 792 pts (letter)");
  EXPECT_EQ(field(info, "Page 4 size"), "595.276 x 841.89 pts (A4)");

  const std::string pages_1_2 = text_of(path, 1, 2);
  EXPECT_NE(pages_1_2.find("Harbour Fittings Ltd"), std::string::npos);
  EXPECT_NE(pages_1_2.find("Page 2 of 2"), std::string::npos);
  EXPECT_EQ(pages_1_2.find("Quayside Traders"), std::string::npos);
  const std::string page_3 = text_of(path, 3);
  EXPECT_NE(page_3.find("Quayside Traders LLC"), std::string::npos);
  EXPECT_NE(page_3.find("Second reminder"), std::string::npos);
  EXPECT_NE(page_3.find("Brightwater Supplies Ltd"), std::string::npos) << "the letterhead starts the letter";
  EXPECT_EQ(page_3.find("Page "), std::string::npos) << "one-page letters have no page label";
  EXPECT_EQ(page_3.find("Marlow"), std::string::npos);
  EXPECT_NE(text_of(path, 4).find("Marlow & Daughters"), std::string::npos);
  // Each address is in its own letter's window.
  const auto words = words_of(path);
  std::vector<Word> page_3_words;
  for (const Word& word : words) {
    if (word.page == 3) page_3_words.push_back(Word{1, word.x0, word.y0, word.x1, word.y1, word.text});
  }
  EXPECT_EQ(window_contents(page_3_words, envelope_window(PaperSize::kUsLetter)).inside,
            "Quayside Traders LLC 88 Front Street Portland ME 04101");
  // The logo, the same bytes in two letters, is embedded once and drawn twice.
  const std::string images = run("pdfimages -list " + quoted(path));
  EXPECT_EQ(count(images, "\n"), 4) << images;  // two header lines, two uses
  std::istringstream lines(images);
  std::vector<std::string> objects;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::vector<std::string> columns{std::istream_iterator<std::string>(fields), {}};
    if (columns.size() > 11 && columns[0] != "page") objects.push_back(columns[10]);
  }
  ASSERT_EQ(objects.size(), 2u) << images;
  EXPECT_EQ(objects[0], objects[1]) << images;
}

TEST(PdfDeterminism, SameInputGivesTheSameBytes) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 60);
  letter.letterhead.logo_png = logo_png();
  letter.recipient.front() = "Παπαδόπουλος Α.Ε.";
  const std::vector<LetterDocument> letters{letter, sample_letter(PaperSize::kUsLetter, 3)};
  const auto once = render(letters);
  const auto twice = render(letters);
  ASSERT_TRUE(once.is_ok() && twice.is_ok());
  EXPECT_TRUE(once->bytes == twice->bytes) << "the PDF differs between two renderings of the same input";
  EXPECT_EQ(once->pages_per_letter, twice->pages_per_letter);

  // The dates come from PdfInfo, not from the clock.
  const auto path = write_pdf(testing::scratch_dir("pdf"), "run.pdf", *once);
  const std::string info = info_of(path);
  EXPECT_EQ(field(info, "CreationDate"), "2026-11-24T06:30:00Z");
  EXPECT_EQ(field(info, "ModDate"), "2026-11-24T06:30:00Z");
  EXPECT_EQ(field(info, "Title"), "Letters of 2026-11-24");

  PdfInfo later = sample_info();
  later.created = *Timestamp::parse("2026-11-25T06:30:00Z");
  const auto next_day = render_letters_pdf(letters, later);
  ASSERT_TRUE(next_day.is_ok());
  EXPECT_FALSE(next_day->bytes == once->bytes);
}

TEST(PdfDeterminism, ThreadsRenderAtOnce) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 40);
  letter.letterhead.logo_png = logo_png();
  const std::vector<LetterDocument> letters{letter, sample_letter(PaperSize::kUsLetter, 5)};
  const auto alone = render(letters);
  ASSERT_TRUE(alone.is_ok());
  std::vector<std::string> bytes(4);
  std::vector<std::thread> threads;
  for (std::string& out : bytes) {
    threads.emplace_back([&letters, &out] {
      const auto pdf = render(letters);
      if (pdf.is_ok()) out = pdf->bytes;
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& out : bytes) EXPECT_TRUE(out == alone->bytes);
}

TEST(PdfErrors, BadLogoIsRefused) {
  LetterDocument letter = sample_letter(PaperSize::kA4, 1);
  letter.letterhead.logo_png = "GIF89a this is not a PNG at all";
  auto pdf = render({letter});
  ASSERT_FALSE(pdf.is_ok());
  EXPECT_EQ(pdf.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pdf.status().message(), "logo: not a PNG image");

  // A PNG cut short after its header: refused, not a crash.
  letter.letterhead.logo_png = logo_png().substr(0, 60);
  pdf = render({letter});
  ASSERT_FALSE(pdf.is_ok());
  EXPECT_EQ(pdf.status().message().rfind("logo: not a PNG image", 0), 0u) << pdf.status().message();

  // In a print run the message names the letter.
  pdf = render({sample_letter(PaperSize::kA4, 1), sample_letter(PaperSize::kA4, 1), letter});
  ASSERT_FALSE(pdf.is_ok());
  EXPECT_EQ(pdf.status().message().rfind("letter 3 of 3: logo: not a PNG image", 0), 0u) << pdf.status().message();
}

TEST(PdfErrors, BadInputIsRefused) {
  const PdfInfo info = sample_info();
  EXPECT_EQ(render_letters_pdf({}, info).status().message(), "no letters to render");

  LetterDocument letter = sample_letter(PaperSize::kA4, 3);
  letter.table.rows[1].pop_back();
  EXPECT_EQ(render({letter}).status().message(), "table: row 2 has 4 cells but the header has 5");

  letter = sample_letter(PaperSize::kA4, 3);
  letter.recipient = {"Harbour Fittings Ltd", "Portsmouth \xff"};
  EXPECT_EQ(render({letter}).status().message(), "recipient line 2: not valid UTF-8");

  letter = sample_letter(PaperSize::kA4, 3);
  letter.recipient.clear();
  EXPECT_EQ(render({letter}).status().message(), "recipient: no address lines");

  letter = sample_letter(PaperSize::kA4, 3);
  letter.letterhead.address_lines.assign(20, "Another line of address");
  const auto tall = render({letter});
  ASSERT_FALSE(tall.is_ok());
  EXPECT_EQ(tall.status().message().rfind("letterhead: ", 0), 0u) << tall.status().message();
}

TEST(PdfLetter, LetterWithoutTableLogoOrFooter) {
  LetterDocument letter;
  letter.paper = PaperSize::kUsLetter;
  letter.letterhead.name = "Brightwater Supplies Inc.";
  letter.recipient = {"Jane Q. Public", "42 Elm St", "Springfield IL 62704"};
  letter.subject = "Thank you for your payment";
  letter.before_table = {"We received your payment of $1,500.00 on November 20, 2026."};
  const auto pdf = render({letter});
  ASSERT_TRUE(pdf.is_ok()) << pdf.status().message();
  const std::string text = text_of(write_pdf(testing::scratch_dir("pdf"), "plain.pdf", *pdf));
  EXPECT_NE(text.find("$1,500.00"), std::string::npos) << text;
  EXPECT_NE(text.find("Springfield IL 62704"), std::string::npos) << text;
}

}  // namespace
}  // namespace squeaky
