// Streaming CSV reading (RFC 4180): a tokenizer that hands out one record at a time from a read
// buffer of about 1 MiB, so a file is never held in memory whole, and the strict number parsing
// used for feature and target values.
#pragma once

#include "mlp/error.hpp"
#include "mlp/tensor.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {

// Reads a CSV file record by record. The format is RFC 4180: fields separated by `delimiter`,
// records by LF or CRLF; a field that starts with a double quote is quoted and may contain the
// delimiter, line breaks and doubled quotes (""), which stand for one quote. Beyond the RFC:
// a UTF-8 byte order mark at the start is skipped, blank lines are skipped, and spaces and tabs
// around an unquoted field are dropped (so "1, 2" reads as "1" and "2"; a quoted field is kept
// verbatim). A quote inside an unquoted field is an ordinary character, as in Python's csv.
//
// The first non-blank record is the header. Positions in messages are `source:line:column`,
// where line is the 1-based physical line on which the record starts (line breaks inside quoted
// fields are counted) and column the 1-based field number.
class CsvReader {
 public:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  // A longer record is reported as an error rather than buffered: it is almost always a file
  // without line breaks, a binary file, or a quote that is never closed.
  static constexpr std::size_t kMaxRecordBytes = std::size_t{8} << 20;

  // Opens `path` ("-": standard input, named "<stdin>" in messages) and reads the header.
  // Throws InputError when the file is missing, a directory, unreadable or empty, when the
  // delimiter is a quote, CR, LF or NUL, when a column name is empty, duplicated or not UTF-8,
  // and for the same reasons as next().
  explicit CsvReader(const std::filesystem::path& path, char delimiter = ',');
  // A reader of the file `whole` reads, from byte `offset` on, for reading a file in parts on
  // threads of their own: it has `whole`'s header, and its lines are counted from 1 at `offset`
  // (the caller knows the line there once the part before it has been read). Only for a file
  // that can be opened again (splittable()).
  CsvReader(const CsvReader& whole, std::uint64_t offset);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader();

  const std::string& source() const { return source_; }
  const std::vector<std::string>& header() const { return header_; }

  // Moves to the next data record; false at the end of the input. Throws InputError for an
  // unterminated quote, a NUL byte, a character after a closing quote other than a delimiter or
  // line break, a carriage return without a line feed, and a record over kMaxRecordBytes.
  bool next();

  // The current record: its field count, and field i (0-based) with quotes removed, doubled
  // quotes undone and, if unquoted, surrounding blanks dropped. Valid until the next next().
  std::size_t size() const { return fields_.size(); }
  std::string_view field(std::size_t i) const { return fields_[i]; }
  std::int64_t line() const { return line_; }
  // The line on which the next record starts.
  std::int64_t next_line() const { return next_line_; }

  // The input's size in bytes when known (a regular file, also as redirected stdin), else 0;
  // and the bytes consumed so far, up to the end of the current record. Used to size buffers.
  std::uint64_t input_size() const { return input_size_; }
  std::uint64_t consumed() const { return discarded_ + begin_; }

  // Whether the input is a file of known size that a part reader can open again (not stdin).
  bool splittable() const { return !path_.empty() && input_size_ > 0; }
  // The offset just past the first line feed at or after `offset`, looked for in the next 64 KiB;
  // none when there is none there. Reads with pread, which leaves the reader's position (and
  // its buffered input) as it is.
  std::optional<std::uint64_t> line_start_after(std::uint64_t offset) const;

  // The error "source:line:column: message" for field `column` (0-based) of the current record,
  // and the error "source: message" about the file as a whole.
  InputError error_at(std::size_t column, const std::string& message) const;
  InputError error(const std::string& message) const;

 private:
  enum class Scan { kRecord, kNeedMore, kEnd };
  struct FileCloser {
    void operator()(std::FILE* file) const;
  };

  Scan scan_record();
  Scan scan_quoted(const char*& p, const char* end);
  const char* scan_unquoted(const char* p);
  Scan end_record(const char* p, const char* end);
  void refill();
  void unescape_quotes();
  void read_header();

  void open(const std::filesystem::path& path);
  void find_input_size();

  std::string source_;
  std::filesystem::path path_;  // empty for stdin
  std::unique_ptr<std::FILE, FileCloser> file_;
  char delimiter_;
  std::array<bool, 256> special_{};  // bytes that end an unquoted field: delimiter, CR, LF, NUL

  // buffer_[begin_, end_) holds unparsed input; buffer_[end_] is a NUL sentinel, so the field
  // scan needs no bounds check (a NUL before end_ is a NUL byte in the data).
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t discarded_ = 0;  // input bytes dropped from the front of the buffer
  std::uint64_t input_size_ = 0;
  bool eof_ = false;
  bool stopped_in_quotes_ = false;  // the last kNeedMore came from inside a quoted field
  bool record_quoted_ = false;      // the scanned record has a quoted field (so is not blank)

  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
  std::vector<std::size_t> escaped_;  // fields holding doubled quotes, to undo after the scan
  std::size_t record_end_ = 0;
  std::int64_t line_ = 1;       // line on which the current (or scanned) record starts
  std::int64_t next_line_ = 1;  // line on which the next record starts
  std::int64_t newlines_ = 0;   // line breaks in the scanned record
};

// How a field's text failed to be a number.
enum class NumberStatus { kOk, kEmpty, kInvalid, kNotFinite, kOverflow };

// Parses `text` as one number, with the syntax std::from_chars accepts for floating point
// (locale-independent; decimal and exponent forms), plus an optional leading '+'. Spaces and
// tabs around it are ignored (a quoted field keeps them); otherwise the whole text must be the
// number. "nan" and "inf" give kNotFinite, values beyond the range of the target type (Scalar,
// or double) kOverflow; values too small for it become 0 or subnormal, as a cast would.
NumberStatus parse_number(std::string_view text, Scalar& value);
NumberStatus parse_number(std::string_view text, double& value);

// Whether a field is empty: nothing, or spaces and tabs only (parse_number gives kEmpty for
// exactly these). A table also reads its na_values markers as missing (data.na_values).
// Inline: a table asks it of every field.
inline bool is_missing_value(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// The message for a failed parse, e.g. `cannot parse "abc" as a number`.
std::string number_error(NumberStatus status, std::string_view text);

// `text` as a field of a CSV file mlptrain writes (predictions, compare.csv): as it is, or
// quoted with its quotes doubled (RFC 4180) when it holds the delimiter, a quote or a line
// break, or starts or ends with a blank, so that CsvReader and other readers get `text` back.
std::string csv_field(std::string_view text, char delimiter = ',');

}  // namespace mlp
