// An RFC 4180 CSV reader over text in memory.
//
// Fields are separated by commas and records by CRLF or LF. A field may be quoted with '"'; inside
// quotes, commas and line breaks are data and '""' is one quote. A UTF-8 byte order mark at the
// start is skipped; blank lines are skipped. Each record reports the physical line it starts on,
// so errors can name FILE:LINE. Fields are views: into the input when the field needed no
// unescaping, otherwise into the reader's own buffer; they stay valid until the next call to
// next(). Not thread-safe; one reader per thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace squeaky {

struct CsvRecord {
  size_t line = 0;  // 1-based line on which the record starts
  std::vector<std::string_view> fields;
};

class CsvReader {
 public:
  // REQUIRES: `text` outlives the reader.
  explicit CsvReader(std::string_view text);

  // Reads the next record into `record`. Returns false at the end of the input, or on malformed
  // quoting, in which case error() says what and where ("line 7: unterminated quoted field").
  bool next(CsvRecord& record);
  const Status& error() const { return error_; }

  // Bytes consumed so far, for progress reporting.
  size_t offset() const { return pos_; }

 private:
  struct FieldSpan {
    bool owned;  // the span is in unescaped_ rather than in text_
    size_t begin;
    size_t size;
  };
  bool fail(size_t line, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::string unescaped_;
  std::vector<FieldSpan> spans_;
  Status error_;
};

// Checks that `text` is valid UTF-8 (no overlong forms, no surrogates). On failure the status
// names the line and column of the first bad byte.
Status check_utf8(std::string_view text);

}  // namespace squeaky
