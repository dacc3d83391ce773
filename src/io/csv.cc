#include "io/csv.h"

#include <cstdint>
#include <cstdio>

namespace squeaky {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::fail(size_t line, std::string message) {
  error_ = Status::invalid("line " + std::to_string(line) + ": " + std::move(message));
  pos_ = text_.size();
  return false;
}

bool CsvReader::next(CsvRecord& record) {
  record.fields.clear();
  spans_.clear();
  unescaped_.clear();
  const size_t n = text_.size();
  // Skip blank lines.
  while (pos_ < n && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= n) return false;
  record.line = line_;

  while (true) {
    if (pos_ < n && text_[pos_] == '"') {
      const size_t quote_line = line_;
      ++pos_;
      const size_t begin = unescaped_.size();
      while (true) {
        const size_t quote = text_.find('"', pos_);
        if (quote == std::string_view::npos) return fail(quote_line, "unterminated quoted field");
        for (size_t i = pos_; i < quote; ++i) line_ += text_[i] == '\n' ? 1 : 0;
        unescaped_.append(text_.substr(pos_, quote - pos_));
        pos_ = quote + 1;
        if (pos_ < n && text_[pos_] == '"') {
          unescaped_ += '"';
          ++pos_;
          continue;
        }
        break;
      }
      spans_.push_back({true, begin, unescaped_.size() - begin});
      if (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        return fail(line_, "unexpected text after a closing quote");
      }
    } else {
      const size_t begin = pos_;
      while (pos_ < n && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] == '"') return fail(line_, "a quote inside an unquoted field (quote the whole field)");
        ++pos_;
      }
      spans_.push_back({false, begin, pos_ - begin});
    }
    if (pos_ >= n) break;
    if (text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    // End of record: CRLF or LF (a lone CR also ends it).
    if (text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') ++pos_;
    ++line_;
    break;
  }
  record.fields.reserve(spans_.size());
  for (const FieldSpan& s : spans_) {
    record.fields.push_back(s.owned ? std::string_view(unescaped_).substr(s.begin, s.size)
                                    : text_.substr(s.begin, s.size));
  }
  return true;
}

Status check_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t line = 1;
  size_t line_start = 0;
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c == '\n') {
        ++line;
        line_start = i + 1;
      }
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (s[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    ok = ok && !(len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) &&
         !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    if (!ok) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", c);
      return Status::invalid("line " + std::to_string(line) + ": byte " + byte + " at column " +
                             std::to_string(i - line_start + 1) + " is not UTF-8 (save the file as UTF-8)");
    }
    i += len;
  }
  return Status::ok();
}

}  // namespace squeaky
