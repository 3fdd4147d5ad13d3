// The text-level helpers of csv.hpp: number parsing, UTF-8 validation, quoting for messages.
#include "mlp/csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace mlp {
namespace {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The next wider floating type, used to tell an underflow (fine: rounds to 0 or a subnormal)
// from an overflow (an error) when from_chars reports result_out_of_range.
template <class T>
using Wider = std::conditional_t<std::is_same_v<T, float>, double, long double>;

template <class T>
NumberStatus parse_as(std::string_view text, T& value) {
  text = trim_blanks(text);
  if (text.empty()) return NumberStatus::kEmpty;
  const char* first = text.data();
  const char* const last = first + text.size();
  // from_chars takes '-' but not '+'; a '+' sign is common enough in data files to accept.
  if (*first == '+' && last - first > 1 && first[1] != '-' && first[1] != '+') ++first;
  T parsed{};
  const auto [end, ec] = std::from_chars(first, last, parsed);
  if (end != last) return NumberStatus::kInvalid;
  if (ec == std::errc::result_out_of_range) {
    Wider<T> wide{};
    const auto [wide_end, wide_ec] = std::from_chars(first, last, wide);
    if (wide_ec != std::errc{} || std::abs(wide) >= std::numeric_limits<T>::min()) return NumberStatus::kOverflow;
    value = static_cast<T>(wide);
    return NumberStatus::kOk;
  }
  if (ec != std::errc{}) return NumberStatus::kInvalid;
  if (!std::isfinite(parsed)) return NumberStatus::kNotFinite;
  value = parsed;
  return NumberStatus::kOk;
}

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

}  // namespace

NumberStatus parse_number(std::string_view text, Scalar& value) { return parse_as(text, value); }

#ifndef MLP_DOUBLE
NumberStatus parse_number(std::string_view text, double& value) { return parse_as(text, value); }
#endif

bool is_missing_value(std::string_view text) { return trim_blanks(text).empty(); }

std::string number_error(NumberStatus status, std::string_view text) {
  switch (status) {
    case NumberStatus::kEmpty:
      return "empty value";
    case NumberStatus::kNotFinite:
      return quote_text(text) + " is not a finite number (NaN and Inf are not allowed)";
    case NumberStatus::kOverflow:
      return quote_text(text) + " is too large for a " + (sizeof(Scalar) == 4 ? "float32" : "float64");
    case NumberStatus::kInvalid:
    case NumberStatus::kOk:
      break;
  }
  return "cannot parse " + quote_text(text) + " as a number";
}

std::size_t invalid_utf8_offset(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::string quote_text(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    if (out.size() > kMaxShown) {
      out += "...";
      break;
    }
    const std::size_t length = utf8_sequence(text, i);
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      ++i;
      continue;
    }
    if (byte == '"' || byte == '\\') out += '\\';
    out.append(text.substr(i, length));
    i += length;
  }
  return out + "\"";
}

}  // namespace mlp
