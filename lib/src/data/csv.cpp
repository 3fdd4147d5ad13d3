#include "mlp/csv.hpp"

#include "mlp/text.hpp"

#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace mlp {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(const char* first, const char* last) {
  while (first < last && is_blank(*first)) ++first;
  while (last > first && is_blank(last[-1])) --last;
  return {first, static_cast<std::size_t>(last - first)};
}

// The buffer is allocated this much larger than its capacity, so that a 64-byte load at the
// sentinel stays inside the allocation. It is not zeroed (its pages are first touched by the
// read that fills them): the bytes past the sentinel may be anything, and a scan that loads them
// stops at the sentinel before it looks at their bits.
constexpr std::size_t kPadding = 64;

#if defined(__SSE2__)
// Bit i set: p[i] ends an unquoted field (delimiter, CR, LF or NUL), for the 16 bytes from p.
unsigned field_end_bits(const char* p, char delimiter) {
  const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hits = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8(delimiter)), _mm_cmpeq_epi8(block, _mm_set1_epi8('\n'))),
      _mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(block, _mm_setzero_si128())));
  return static_cast<unsigned>(_mm_movemask_epi8(hits));
}

// The same for the 64 bytes from p. A record of short fields ("0,255,0,...") has many per block,
// each then found by one bit scan.
std::uint64_t field_ends_mask(const char* p, char delimiter) {
  std::uint64_t mask = 0;
  for (int part = 0; part < 4; ++part) {
    mask |= static_cast<std::uint64_t>(field_end_bits(p + 16 * part, delimiter)) << (16 * part);
  }
  return mask;
}
#endif

// The first byte at or after p that ends an unquoted field (delimiter, CR, LF or NUL); the NUL
// sentinel after the data guarantees one. Fields are short (numbers), so testing 16 bytes at a
// time with SSE2 finds most of them in one step; other targets test byte by byte.
const char* field_end(const char* p, char delimiter, const std::array<bool, 256>& special) {
#if defined(__SSE2__)
  (void)special;
  for (;; p += 16) {
    if (const unsigned bits = field_end_bits(p, delimiter); bits != 0) return p + __builtin_ctz(bits);
  }
#else
  (void)delimiter;
  while (!special[static_cast<unsigned char>(*p)]) ++p;
  return p;
#endif
}

std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

void CsvReader::FileCloser::operator()(std::FILE* file) const {
  if (file != stdin) std::fclose(file);
}

CsvReader::CsvReader(const std::filesystem::path& path, char delimiter)
    : source_(path == "-" ? "<stdin>" : path.string()), delimiter_(delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '\0') {
    throw InputError(source_ + ": the delimiter cannot be a quote, a line break or NUL");
  }
  if (path == "-") {
    file_.reset(stdin);
    find_input_size();
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw error("is a directory, not a CSV file");
    if (!std::filesystem::exists(path, ec)) throw error("file not found");
    open(path);
  }
  for (const char c : {delimiter_, '\n', '\r', '\0'}) special_[static_cast<unsigned char>(c)] = true;
  // A small file gets a buffer of its size plus the byte that shows its end in one read (if it
  // has grown since, refill() reads on and grows the buffer as for any input).
  capacity_ = input_size_ > 0 && input_size_ < kChunkBytes ? static_cast<std::size_t>(input_size_) + 1 : kChunkBytes;
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_ + kPadding);
  buffer_[0] = '\0';
  refill();
  if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
  read_header();
}

CsvReader::CsvReader(const CsvReader& whole, std::uint64_t offset)
    : source_(whole.source_), delimiter_(whole.delimiter_), special_(whole.special_), header_(whole.header_) {
  if (!whole.splittable()) throw std::logic_error("CsvReader: a part of an input that cannot be opened again");
  open(whole.path_);
  if (fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) != 0) {
    throw error(std::string("cannot seek: ") + std::strerror(errno));
  }
  discarded_ = offset;
  capacity_ = kChunkBytes;
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_ + kPadding);
  buffer_[0] = '\0';
  refill();
}

void CsvReader::open(const std::filesystem::path& path) {
  path_ = path;
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) throw error(std::string("cannot open: ") + std::strerror(errno));
  find_input_size();
}

void CsvReader::find_input_size() {
  struct stat info {};
  if (fstat(fileno(file_.get()), &info) == 0 && S_ISREG(info.st_mode)) {
    input_size_ = static_cast<std::uint64_t>(info.st_size);
  }
}

std::optional<std::uint64_t> CsvReader::line_start_after(std::uint64_t offset) const {
  constexpr std::size_t kWindow = std::size_t{64} << 10;
  std::vector<char> window(kWindow);
  const ssize_t got = pread(fileno(file_.get()), window.data(), kWindow, static_cast<off_t>(offset));
  if (got <= 0) return std::nullopt;
  const auto* const line_feed =
      static_cast<const char*>(std::memchr(window.data(), '\n', static_cast<std::size_t>(got)));
  if (line_feed == nullptr) return std::nullopt;
  return offset + static_cast<std::uint64_t>(line_feed - window.data()) + 1;
}

CsvReader::~CsvReader() = default;

InputError CsvReader::error_at(std::size_t column, const std::string& message) const {
  return InputError(source_ + ":" + std::to_string(line_) + ":" + std::to_string(column + 1) + ": " + message);
}

InputError CsvReader::error(const std::string& message) const { return InputError(source_ + ": " + message); }

void CsvReader::read_header() {
  if (!next()) throw error("the file is empty (a header row is required)");
  std::unordered_map<std::string_view, std::size_t> seen;
  header_.reserve(fields_.size());
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const std::string_view name = fields_[i];
    if (name.empty()) {
      throw error_at(i, "column " + std::to_string(i + 1) +
                            " has no name in the header (a pandas index? write it with index=False, or name it)");
    }
    if (const auto bad = invalid_utf8_offset(name); bad != std::string_view::npos) {
      throw error_at(i, "column name " + quote_text(name) + " is not valid UTF-8 (byte " + std::to_string(bad + 1) +
                            "); save the file as UTF-8");
    }
    if (const auto [it, inserted] = seen.emplace(name, i); !inserted) {
      throw error_at(
          i, "duplicate column name " + quote_text(name) + " (also column " + std::to_string(it->second + 1) + ")");
    }
  }
  for (const auto name : fields_) header_.emplace_back(name);
}

bool CsvReader::next() {
  for (;;) {
    const Scan scan = scan_record();
    if (scan == Scan::kEnd) return false;
    if (scan == Scan::kNeedMore) {
      refill();
      continue;
    }
    begin_ = record_end_;
    next_line_ += newlines_;
    if (fields_.size() == 1 && fields_[0].empty() && !record_quoted_) continue;  // a blank line
    unescape_quotes();
    return true;
  }
}

// Finds the fields of the record at buffer_[begin_]. kNeedMore when the record may continue past
// the buffered input; nothing is modified then, so the scan can simply start over after refill().
CsvReader::Scan CsvReader::scan_record() {
  const char* const end = buffer_.get() + end_;
  const char* p = buffer_.get() + begin_;
  if (p == end) return eof_ ? Scan::kEnd : Scan::kNeedMore;
  fields_.clear();
  escaped_.clear();
  newlines_ = 0;
  line_ = next_line_;
  stopped_in_quotes_ = false;
  record_quoted_ = false;
  for (;;) {
    if (*p == '"') {
      if (const Scan scan = scan_quoted(p, end); scan != Scan::kRecord) return scan;
    } else {
      p = scan_unquoted(p);
    }
    if (*p != delimiter_) return end_record(p, end);
    ++p;
  }
}

// Adds the unquoted field at p and those after it that end within the same 64 bytes (one bit
// scan each: a record of short fields has many per block), and the one after those, up to a
// quoted field or the record's end; returns the byte that ends the last one added (a delimiter,
// line break or NUL).
const char* CsvReader::scan_unquoted(const char* p) {
#if defined(__SSE2__)
  const char* const block = p;
  for (std::uint64_t ends = field_ends_mask(block, delimiter_); ends != 0;) {
    const char* const stop = block + __builtin_ctzll(ends);
    fields_.push_back(trim_blanks(p, stop));
    ends &= ends - 1;
    if (*stop != delimiter_ || stop[1] == '"') return stop;
    p = stop + 1;
  }
#endif
  const char* const stop = field_end(p, delimiter_, special_);
  fields_.push_back(trim_blanks(p, stop));
  return stop;
}

// At the byte after a record's last field: a line break ends the record, and so does the end of
// the input; NUL and a lone CR are errors.
CsvReader::Scan CsvReader::end_record(const char* p, const char* end) {
  const std::size_t last_field = fields_.size() - 1;
  std::size_t length = 1;  // of the line break
  if (*p == '\r') {
    if (p + 1 == end && !eof_) return Scan::kNeedMore;
    if (p[1] != '\n') {
      throw error_at(last_field,
                     "carriage return without a line feed (old Mac line endings?); use LF or CRLF line breaks");
    }
    length = 2;
  } else if (*p == '\0') {
    if (p != end) throw error_at(last_field, "NUL byte in the data (is this a binary file?)");
    if (!eof_) return Scan::kNeedMore;
    length = 0;
  }
  newlines_ += length > 0 ? 1 : 0;
  record_end_ = static_cast<std::size_t>(p + length - buffer_.get());
  return Scan::kRecord;
}

// Scans the quoted field at p (on its opening quote) and leaves p just past the closing quote.
CsvReader::Scan CsvReader::scan_quoted(const char*& p, const char* end) {
  const std::size_t column = fields_.size();
  const char* const content = ++p;
  record_quoted_ = true;
  bool escaped = false;
  for (;;) {
    while (*p != '"' && *p != '\n' && *p != '\0') ++p;
    if (*p == '\n') {
      ++newlines_;
      ++p;
      continue;
    }
    if (*p == '\0') {
      if (p != end) throw error_at(column, "NUL byte in the data (is this a binary file?)");
      if (!eof_) {
        stopped_in_quotes_ = true;
        return Scan::kNeedMore;
      }
      throw error_at(column, "unterminated quoted field: the quote opened here is never closed");
    }
    if (p + 1 == end && !eof_) {
      stopped_in_quotes_ = true;  // the quote may be the first of a doubled pair
      return Scan::kNeedMore;
    }
    if (p[1] != '"') break;
    escaped = true;
    p += 2;
  }
  if (escaped) escaped_.push_back(column);
  fields_.emplace_back(content, static_cast<std::size_t>(p - content));
  ++p;
  if (p != end && *p != delimiter_ && *p != '\n' && *p != '\r') {
    throw error_at(column,
                   "unexpected character after the closing quote (a quote inside a quoted field is "
                   "written twice: \"\")");
  }
  return Scan::kRecord;
}

// Moves the unparsed tail to the front of the buffer and reads more input after it; grows the
// buffer when a single record fills it.
void CsvReader::refill() {
  if (eof_) return;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    discarded_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    if (capacity_ >= kMaxRecordBytes) {
      // Inside quotes the field being scanned is not stored yet; outside, it is the last one.
      const std::size_t column = stopped_in_quotes_ ? fields_.size() : fields_.size() - 1;
      throw error_at(
          column, stopped_in_quotes_
                      ? "a quoted field runs on for more than " + mib(kMaxRecordBytes) + ": is a closing quote missing?"
                      : "a record longer than " + mib(kMaxRecordBytes) + " (is this a CSV file with line breaks?)");
    }
    auto larger = std::make_unique_for_overwrite<char[]>(2 * capacity_ + kPadding);
    std::memcpy(larger.get(), buffer_.get(), end_);
    buffer_ = std::move(larger);
    capacity_ *= 2;
  }
  const std::size_t got = std::fread(buffer_.get() + end_, 1, capacity_ - end_, file_.get());
  if (got < capacity_ - end_) {
    if (std::ferror(file_.get())) throw error(std::string("read error: ") + std::strerror(errno));
    eof_ = true;
  }
  end_ += got;
  buffer_[end_] = '\0';
}

// Replaces each doubled quote by one, in place: the text only shrinks, and the scan that found
// the record has finished, so the raw bytes are not needed again.
void CsvReader::unescape_quotes() {
  for (const std::size_t i : escaped_) {
    char* const first = buffer_.get() + (fields_[i].data() - buffer_.get());
    char* const last = first + fields_[i].size();
    char* out = first;
    for (const char* in = first; in < last; ++in) {
      *out++ = *in;
      if (*in == '"') ++in;
    }
    fields_[i] = std::string_view(first, static_cast<std::size_t>(out - first));
  }
}

}  // namespace mlp
