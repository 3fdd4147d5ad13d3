// The text-level helpers of csv.hpp: strict number parsing and its messages, and the fields of
// the CSV files mlptrain writes.
#include "mlp/csv.hpp"

#include "mlp/text.hpp"

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

std::string csv_field(std::string_view text, char delimiter) {
  // Blanks at either end are kept only inside quotes: readers (CsvReader too) drop them otherwise.
  const bool blank_end =
      !text.empty() && (text.front() == ' ' || text.front() == '\t' || text.back() == ' ' || text.back() == '\t');
  if (!blank_end && text.find_first_of(std::string{delimiter, '"', '\n', '\r'}) == std::string_view::npos) {
    return std::string(text);
  }
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace mlp
