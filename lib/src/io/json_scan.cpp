#include "json_scan.hpp"

#include "mlp/text.hpp"

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

}  // namespace mlp::detail
