// The text helpers every module writes with: numbers, and input quoted in one-line messages.
#include "mlp/text.hpp"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace mlp;

TEST_CASE("format_number: the shortest text that reads back as the same double") {
  CHECK(format_number(0.01) == "0.01");
  CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_number(1e-8) == "1e-08");
  CHECK(format_number(0.0001) == "0.0001");
  CHECK(format_number(-2.5) == "-2.5");
  CHECK(format_number(0) == "0");
  // Whole numbers in full up to 1e15, like a count or a seed; beyond, the exponent form.
  CHECK(format_number(100000) == "100000");
  CHECK(format_number(1048576) == "1048576");
  CHECK(format_number(1e15) == "1e+15");
  CHECK(format_number(163173128842498.25) == "163173128842498.25");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(format_number(std::nan("")) == "nan");
  for (const double x : {1.0 / 3, 2.0 / 3e-7, 6.02214076e23, 5e-324, 1.7976931348623157e308, 0.1f * 1.0}) {
    CAPTURE(x);
    CHECK(std::strtod(format_number(x).c_str(), nullptr) == x);
  }
}

// The definition format_number keeps: printf's %.{p}g for the smallest p from 1 up whose text
// strtod reads back as x (what it computed before it searched from the shortest digits up).
std::string format_number_by_printf(double x) {
  char buffer[32];
  if (std::abs(x) < 1e15 && x == std::trunc(x)) {
    std::snprintf(buffer, sizeof buffer, "%.0f", x);
    return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  return buffer;
}

TEST_CASE("format_number: the same text as printf's shortest %g that reads back, for every kind of double") {
  std::mt19937_64 random(20261205);
  std::vector<double> values;
  for (int i = 0; i < 4000; ++i) {
    // Any finite bit pattern (subnormals and the extremes included) ...
    double any = std::bit_cast<double>(random());
    if (std::isfinite(any)) values.push_back(any);
    // ... a float widened, as every prediction and metric is ...
    values.push_back(static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(random()) & 0x7f7fffffu)));
    values.push_back(static_cast<double>(std::uniform_real_distribution<float>(-20, 20)(random)));
    // ... short decimals, and their neighbours one step away.
    const double decimal = static_cast<double>(random() % 100000) / std::pow(10.0, static_cast<double>(random() % 12));
    values.insert(values.end(), {decimal, std::nextafter(decimal, 0.0), std::nextafter(decimal, 1e300)});
  }
  for (int e = -1074; e <= 1023; e += 7) {  // powers of two, where the gaps change size
    const double power = std::ldexp(1.0, e);
    values.insert(values.end(), {power, std::nextafter(power, 0.0), std::nextafter(power, 1e308 * 10)});
  }
  for (double x : {1e15, 1e15 + 0.5, 999999999999999.9, 1e16, 12345678901234567890.0, 5e-324, 1.7976931348623157e308}) {
    values.insert(values.end(), {x, -x});
  }
  int differ = 0;
  for (const double x : values) {
    const std::string text = format_number(x);
    if (text == format_number_by_printf(x)) continue;
    if (++differ <= 5) CHECK_MESSAGE(false, x, ": ", text, " against printf's ", format_number_by_printf(x));
  }
  CHECK(differ == 0);
  CHECK(values.size() > 20000);
}

TEST_CASE("UTF-8 validation and quoting for messages") {
  CHECK(invalid_utf8_offset("plain") == std::string_view::npos);
  CHECK(invalid_utf8_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == std::string_view::npos);
  CHECK(invalid_utf8_offset("caf\xE9") == 3);           // Latin-1
  CHECK(invalid_utf8_offset("a\xC0\xAF") == 1);         // overlong '/'
  CHECK(invalid_utf8_offset("\xED\xA0\x80") == 0);      // a surrogate
  CHECK(invalid_utf8_offset("ab\xE2\x82") == 2);        // truncated
  CHECK(invalid_utf8_offset("\xF4\x90\x80\x80") == 0);  // above U+10FFFF
  CHECK(quote_text("a\"b") == "\"a\\\"b\"");
  CHECK(quote_text("x\xE9\n") == "\"x\\xE9\\x0A\"");
  CHECK(quote_text(std::string(200, 'y')).size() < 80);
  CHECK(printable("caf\xC3\xA9\t\x01\xFF") == "caf\xC3\xA9\\x09\\x01\\xFF");
  CHECK(printable("a\"b\\") == "a\"b\\");  // nothing to escape outside quotes
}

TEST_CASE("code_points: characters on screen, a multi-byte one counted once") {
  CHECK(mlp::code_points("") == 0);
  CHECK(mlp::code_points("0.985±0.021") == 11);
  CHECK(mlp::code_points("R\xC2\xB2 \xE2\x86\x92") == 4);  // "R² →"
}

TEST_CASE("one_line: line breaks escaped, everything else as written") {
  CHECK(one_line("a\nb\r\nc") == "a\\nb\\r\\nc");
  CHECK(one_line("tab\tand caf\xC3\xA9") == "tab\tand caf\xC3\xA9");
}

TEST_CASE("split_top_level: separators inside brackets do not split") {
  using Parts = std::vector<std::string_view>;
  CHECK(split_top_level("relu, leaky_relu(negative_slope=0.2),  tanh") ==
        Parts{"relu", "leaky_relu(negative_slope=0.2)", "tanh"});
  CHECK(split_top_level("a=1, b=[1, 2], c={\"x\": 1, \"y\": 2}") == Parts{"a=1", "b=[1, 2]", "c={\"x\": 1, \"y\": 2}"});
  CHECK(split_top_level("hardtanh(min_val=-2, max_val=2)") == Parts{"hardtanh(min_val=-2, max_val=2)"});
  CHECK(split_top_level("a,,b") == Parts{"a", "", "b"});
  CHECK(split_top_level("").empty());
  CHECK(split_top_level("  ").empty());
  CHECK(split_top_level("1;2", ';') == Parts{"1", "2"});
  CHECK(trim(" \t x y \r\n") == "x y");
}

TEST_CASE("numbers in the tables people read: 6 significant digits, fractions with 4 decimals") {
  CHECK(format_table_number(163173128842498.25) == "1.63173e+14");
  CHECK(format_table_number(0.69314718) == "0.693147");
  CHECK(format_table_number(2.5e-7) == "2.5e-07");
  CHECK(format_table_number(-0.105) == "-0.105");
  CHECK(format_table_number(3) == "3");
  CHECK(format_table_number(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(format_table_number(-std::nan("")) == "nan");
  CHECK(format_table_fraction(14.0 / 15) == "0.9333");
  CHECK(format_table_fraction(1) == "1.0000");
  CHECK(format_table_fraction(std::nan("")) == "nan");
}
