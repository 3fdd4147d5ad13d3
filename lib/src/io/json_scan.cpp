#include "json_scan.hpp"

#include "mlp/csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mlp::detail {
namespace {

// Calls visit(i) for every index of `text` outside JSON strings; stops early when visit returns
// true and returns that index, else npos.
template <class Visit>
std::size_t scan_outside_strings(std::string_view text, Visit&& visit) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (visit(i)) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool starts_number(char c) { return c == '-' || (c >= '0' && c <= '9'); }
bool in_number(char c) { return starts_number(c) || c == '+' || c == '.' || c == 'e' || c == 'E'; }

}  // namespace

std::size_t too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  return scan_outside_strings(text, [&](std::size_t i) {
    if (text[i] == '[' || text[i] == '{') return ++depth > max_depth;
    if (text[i] == ']' || text[i] == '}') --depth;
    return false;
  });
}

std::size_t number_overflow_at(std::string_view text) {
  return scan_outside_strings(text, [&](std::size_t i) {
    if (!starts_number(text[i]) || (i > 0 && in_number(text[i - 1]))) return false;
    std::size_t end = i;
    while (end < text.size() && in_number(text[end])) ++end;
    // strtod with the "C" locale the program runs in; HUGE_VAL means beyond a double.
    const std::string token(text.substr(i, end - i));
    return std::isinf(std::strtod(token.c_str(), nullptr));
  });
}

std::string line_column_at(std::string_view text, std::size_t index) {
  index = std::min(index, text.size());
  const std::string_view before = text.substr(0, index);
  const auto line = 1 + std::ranges::count(before, '\n');
  const std::size_t newline = before.rfind('\n');
  const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  return std::to_string(line) + ":" + std::to_string(index - line_start + 1);
}

std::string printable(std::string_view text) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    // The length of the UTF-8 sequence this byte starts; 0 for a byte that cannot start one.
    const std::size_t length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
    const bool well_formed = length > 0 && i + length <= text.size() &&
                             invalid_utf8_offset(text.substr(i, length)) == std::string_view::npos;
    if (!well_formed || byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace mlp::detail
