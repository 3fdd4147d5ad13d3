// Splitting formula text into tokens, each with its 1-based column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlp::formula::detail {

enum class TokenKind { kNumber, kName, kSymbol, kEnd };

struct Token {
  TokenKind kind;
  std::string_view text;  // the token as written ("1e-3", "beta", "<="); empty at the end
  int column;             // 1-based; one past the last character for kEnd
  double number = 0;      // kNumber only
};

// The tokens of `text`, ending with one kEnd. Numbers are digits with an optional fraction and
// exponent ("2", "0.5", ".5", "1e-3"); names are a letter or _ then letters, digits and _;
// symbols are + - * / ^ ( ) , < <= > >= == !=. Throws FormulaError at the column of a character
// that starts none of these, or of a malformed number ("1e", "1.2.3").
std::vector<Token> tokenize(std::string_view text);

// A token as messages quote it: "\"sigmod\"", "\")\"", "the end of the formula".
std::string describe(const Token& token);

}  // namespace mlp::formula::detail
