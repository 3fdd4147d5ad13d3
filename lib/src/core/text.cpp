#include "mlp/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace mlp {
namespace {

// The length of the well-formed UTF-8 sequence at text[i], or 0 if there is none (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code = lead & 0x1Fu;
  } else if ((lead & 0xF0u) == 0xE0) {
    length = 3, code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0u) != 0x80) return 0;
    code = (code << 6) | (next & 0x3Fu);
  }
  if (length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) return 0;
  if (length == 4 && (code < 0x10000 || code > 0x10FFFF)) return 0;
  return length;
}

// Appends text[from...] to `out` as printable() does, escaping `quote` and '\' when quote is
// not 0, and stops (returning false) once `out` is longer than `limit` bytes.
bool append_escaped(std::string& out, std::string_view text, char quote, std::size_t limit) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < text.size();) {
    if (out.size() > limit) return false;
    const std::size_t length = utf8_sequence(text, i);
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      ++i;
      continue;
    }
    if (quote != 0 && (text[i] == quote || text[i] == '\\')) out += '\\';
    out.append(text.substr(i, length));
    i += length;
  }
  return true;
}

// The words for the values without digits, the same on every platform (printf may write "-nan").
const char* nonfinite_name(double x) { return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf"; }

// x with printf's `format` (one conversion of a double), or nonfinite_name(x).
std::string format_finite(const char* format, double x) {
  if (!std::isfinite(x)) return nonfinite_name(x);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, x);
  return buffer;
}

// How many significant digits the shortest text that reads back as x has (x finite).
int shortest_digits(double x) {
  char buffer[32];
  char* end = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific).ptr;
  return static_cast<int>(
      std::count_if(buffer, std::find(buffer, end, 'e'), [](char c) { return c >= '0' && c <= '9'; }));
}

}  // namespace

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string format_number(double x) {
  if (!std::isfinite(x)) return nonfinite_name(x);
  char buffer[32];
  if (std::abs(x) < 1e15 && x == std::trunc(x)) {
    return {buffer, std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::fixed, 0).ptr};  // %.0f
  }
  // printf's %.{p}g for the fewest digits p that read back as x. No p below the length of the
  // shortest digits that read back as x can (its text would be such digits), so the search starts
  // there and nearly always ends at once: starting at 1 took a dozen printf and strtod calls per
  // number, two thirds of `predict` on a large file.
  for (int precision = shortest_digits(x); precision <= 17; ++precision) {
    char* end = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::general, precision).ptr;
    double back = 0;
    std::from_chars(buffer, end, back);
    if (back == x || precision == 17) return {buffer, end};
  }
  return {};  // not reached: 17 significant digits read back as any double
}

std::string format_table_number(double x) { return format_finite("%.6g", x); }

std::string format_table_fraction(double x) { return format_finite("%.4f", x); }

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(text, [](char c) { return (c & 0xC0) != 0x80; }));
}

std::size_t invalid_utf8_offset(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::string printable(std::string_view text) {
  std::string out;
  append_escaped(out, text, 0, std::string::npos);
  return out;
}

std::string quote_text(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  std::string out = "\"";
  if (!append_escaped(out, text, '"', kMaxShown)) out += "...";
  return out + "\"";
}

std::string one_line(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string_view> split_top_level(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == separator && depth == 0)) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(' || text[i] == '[' || text[i] == '{') {
      ++depth;
    } else if (text[i] == ')' || text[i] == ']' || text[i] == '}') {
      --depth;
    }
  }
  if (parts.size() == 1 && parts[0].empty()) parts.clear();
  return parts;
}

std::string format_bytes(double bytes) {
  constexpr std::array<const char*, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  char text[64];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%.0f B", bytes);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", bytes, kUnits[unit]);
  }
  return text;
}

}  // namespace mlp
