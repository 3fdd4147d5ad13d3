// Text for the SVG and HTML reports: XML escaping that always gives well-formed output, and
// locale-independent number formatting.
#include "svg_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace mlp::svg {
namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at text[i] that XML allows, or 0 (RFC 3629 table 3-7;
// XML 1.0 excludes U+FFFE and U+FFFF).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[i + k]); };
  const std::uint8_t lead = byte(0);
  const std::size_t n = lead >= 0xC2 && lead <= 0xDF   ? 2
                        : lead >= 0xE0 && lead <= 0xEF ? 3
                        : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                       : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  const std::uint8_t second = byte(1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
      (lead == 0xF4 && second > 0x8F)) {
    return 0;  // overlong, surrogate, or beyond U+10FFFF
  }
  if (lead == 0xEF && second == 0xBF && byte(2) >= 0xBE) return 0;
  return n;
}

std::string to_text(double x, std::chars_format format, int precision) {
  char buffer[400];  // enough for any double in fixed notation with a few decimals
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x, format, precision);
  return ec == std::errc() ? std::string(buffer, end) : std::string("0");
}
}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_length(text, i);
      out += n ? std::string(text.substr(i, n)) : std::string(kReplacement);
      i += n ? n : 1;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? std::string(kReplacement) : std::string(1, char(c));
    }
    ++i;
  }
  return out;
}

std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  if (std::abs(x) < 0.5 * std::pow(10.0, -decimals)) x = 0;  // no "-0.00"
  return to_text(x, std::chars_format::fixed, decimals);
}

std::string general(double x, int precision) {
  if (!std::isfinite(x)) return std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
  return to_text(x == 0 ? 0.0 : x, std::chars_format::general, precision);
}

}  // namespace mlp::svg
