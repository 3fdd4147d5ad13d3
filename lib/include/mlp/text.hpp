// Text every module writes: numbers for people and files, and input shown in one-line messages
// without letting its bytes (line breaks, control characters, broken UTF-8) through.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {

// The shortest decimal that reads back as the same double ("0.01", not "0.0100000000000000002"),
// whole numbers below 1e15 in full ("100000", not "1e+05"); "nan", "inf", "-inf" for the rest.
// Locale-independent. Every number mlptrain writes as text goes through here (metrics.csv,
// parameter values in descriptions, ranges in messages), so a value reads the same everywhere.
std::string format_number(double x);

// A measured value in a table people read (a loss, R², MSE): 6 significant digits, as PyTorch
// and Keras print them ("0.693147", "2.98445e+15", "-0.105"); "nan", "inf", "-inf". Fixed-point
// would print a large loss with 20 digits and a small one as 0.000000. The epoch table, train's
// test line and evaluate's report all use it, so a value looks the same in each.
std::string format_table_number(double x);

// A fraction in [0, 1] in such a table (accuracy, precision, recall, F1): 4 decimals ("0.9333").
std::string format_table_fraction(double x);

// The offset of the first byte of `text` that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, surrogates or code points above U+10FFFF), or std::string_view::npos.
std::size_t invalid_utf8_offset(std::string_view text);

// Characters on screen of UTF-8 text: its code points (continuation bytes not counted), so that
// "±" is one column wide when tables are aligned and fitted.
std::size_t code_points(std::string_view text);

// `text` with control characters and bytes that are not well-formed UTF-8 written as \xNN, so
// that a message quoting raw input stays one line of valid text.
std::string printable(std::string_view text);

// `text` quoted for a message: "text", printable(), with quotes and backslashes escaped and
// text longer than about 60 bytes cut ("...").
std::string quote_text(std::string_view text);

// `text` with its line breaks written as \n and \r: a message built from names a user wrote
// (a JSON key may hold "a\nb") stays one line, and everything else in it reads as written.
std::string one_line(std::string_view text);

// `text` without the blanks and line breaks around it.
std::string_view trim(std::string_view text);

// "a, b(x=1, y=[2, 3]), c" split at the separators outside (), [] and {}; each part trimmed of
// surrounding blanks. An empty text is no parts.
std::vector<std::string_view> split_top_level(std::string_view text, char separator = ',');

// "512 B", "1.5 KiB", "48.0 GiB".
std::string format_bytes(double bytes);

}  // namespace mlp
