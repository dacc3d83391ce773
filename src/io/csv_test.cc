#include "io/csv.h"

#include <gtest/gtest.h>

namespace squeaky {
namespace {

std::vector<std::vector<std::string>> read_all(std::string_view text, std::vector<size_t>* lines = nullptr) {
  CsvReader reader(text);
  CsvRecord record;
  std::vector<std::vector<std::string>> rows;
  while (reader.next(record)) {
    rows.emplace_back(record.fields.begin(), record.fields.end());
    if (lines) lines->push_back(record.line);
  }
  EXPECT_TRUE(reader.error().is_ok()) << reader.error().message();
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsFieldsAndRecords) {
  EXPECT_EQ(read_all("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(read_all("a,b\r\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(read_all("a,,\n"), (Rows{{"a", "", ""}}));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  std::vector<size_t> lines;
  EXPECT_EQ(read_all("id,name\n1,\"Smith, \"\"Bob\"\"\"\n2,\"two\nlines\"\n3,x\n", &lines),
            (Rows{{"id", "name"}, {"1", "Smith, \"Bob\""}, {"2", "two\nlines"}, {"3", "x"}}));
  EXPECT_EQ(lines, (std::vector<size_t>{1, 2, 3, 5}));
  EXPECT_EQ(read_all("\"\"\n"), (Rows{{""}}));
}

TEST(CsvReaderTest, SkipsAByteOrderMarkAndBlankLines) {
  std::vector<size_t> lines;
  EXPECT_EQ(read_all("\xEF\xBB\xBFid\n\n1\r\n\r\n2\n\n", &lines), (Rows{{"id"}, {"1"}, {"2"}}));
  EXPECT_EQ(lines, (std::vector<size_t>{1, 3, 5}));
}

TEST(CsvReaderTest, ReportsMalformedQuotingWithTheLine) {
  for (auto [text, message] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"a\n\"open\n", "line 2: unterminated quoted field"},
           {"a\n\"x\"y\n", "line 2: unexpected text after a closing quote"},
           {"a\nb\nx\"y\n", "line 3: a quote inside an unquoted field (quote the whole field)"},
       }) {
    CsvReader reader(text);
    CsvRecord record;
    while (reader.next(record)) {
    }
    EXPECT_EQ(reader.error().message(), message) << text;
  }
}

TEST(Utf8Test, AcceptsUtf8AndNamesTheFirstBadByte) {
  EXPECT_TRUE(check_utf8("Ελένη,山田太郎,Zoë,😀").is_ok());
  EXPECT_EQ(check_utf8("ok\nJos\xE9\n").message(),
            "line 2: byte 0xE9 at column 4 is not UTF-8 (save the file as UTF-8)");
  EXPECT_FALSE(check_utf8("\xC0\xAF").is_ok());          // overlong
  EXPECT_FALSE(check_utf8("\xED\xA0\x80").is_ok());      // surrogate
  EXPECT_FALSE(check_utf8("\xF4\x90\x80\x80").is_ok());  // above U+10FFFF
  EXPECT_FALSE(check_utf8("\xE2\x82").is_ok());          // truncated
}

}  // namespace
}  // namespace squeaky
