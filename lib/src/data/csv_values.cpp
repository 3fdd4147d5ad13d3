// The text-level helpers of csv.hpp: strict number parsing and its messages, and the fields of
// the CSV files mlptrain writes.
#include "mlp/csv.hpp"

#include "mlp/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
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

// Clinger's fast path for the plain decimals most data files hold ("-0.5025", "17"): when the
// digits, read as an integer m, are exact in T and 10^k is exact in T for the k digits after the
// point, m / 10^k is one IEEE division of exact operands, correctly rounded to nearest, so it is
// the very value from_chars gives (from_chars rounds the exact decimal to nearest too). Anything
// else (exponents, '+', blanks, long digit strings) returns false and goes to from_chars.
template <class T>
bool parse_plain_decimal(std::string_view text, T& value) {
  // Integers up to 2^24 (float) or 2^53 (double) are exact, and so are 10^10 and 10^22.
  constexpr std::uint64_t kMaxExact = std::uint64_t{1} << std::numeric_limits<T>::digits;
  constexpr int kMaxPower = std::is_same_v<T, float> ? 10 : 22;
  constexpr int kMaxDigits = 19;  // so that m cannot overflow 64 bits before it is checked
  static constexpr T kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  p += negative;
  std::uint64_t m = 0;
  int digits = 0;
  const char* const integer = p;
  for (; p != end && *p >= '0' && *p <= '9' && digits < kMaxDigits; ++p, ++digits) m = 10 * m + (*p - '0');
  if (p == integer) return false;
  int fraction = 0;
  if (p != end && *p == '.') {
    const char* const first = ++p;
    for (; p != end && *p >= '0' && *p <= '9' && digits < kMaxDigits; ++p, ++digits) m = 10 * m + (*p - '0');
    fraction = static_cast<int>(p - first);
    if (fraction == 0) return false;
  }
  if (p != end || m > kMaxExact || fraction > kMaxPower) return false;
  const T magnitude = static_cast<T>(m) / kPowers[fraction];
  value = negative ? -magnitude : magnitude;
  return true;
}

template <class T>
NumberStatus parse_as(std::string_view text, T& value) {
  if (parse_plain_decimal(text, value)) return NumberStatus::kOk;
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
