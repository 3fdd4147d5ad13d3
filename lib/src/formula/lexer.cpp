// The formula tokenizer (see lexer.hpp).
#include "formula/lexer.hpp"

#include "mlp/formula.hpp"
#include "mlp/text.hpp"

#include <cctype>
#include <charconv>
#include <limits>
#include <system_error>

namespace mlp::formula::detail {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool starts_name(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool continues_name(char c) { return starts_name(c) || is_digit(c); }

[[noreturn]] void fail(std::size_t at, const std::string& message) {
  throw FormulaError(static_cast<int>(at) + 1, "", "col " + std::to_string(at + 1) + ": " + message);
}

// The end of the number starting at `at`: digits, [. digits], [e [+-] digits].
std::size_t number_end(std::string_view text, std::size_t at) {
  std::size_t i = at;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i - start;
  };
  std::size_t count = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    count += digits();
  }
  if (count == 0) fail(at, "malformed number " + quote_text(text.substr(at, i - at + 1)));
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) fail(at, "malformed number " + quote_text(text.substr(at, i - at)));
  }
  // "1.2.3" or "2x": a number runs into more of itself or into a name.
  if (i < text.size() && (text[i] == '.' || continues_name(text[i]))) {
    std::size_t end = i;
    while (end < text.size() && (text[end] == '.' || continues_name(text[end]))) ++end;
    fail(at, "malformed number " + quote_text(text.substr(at, end - at)));
  }
  return i;
}

constexpr std::string_view kTwoCharSymbols[] = {"<=", ">=", "==", "!="};
constexpr std::string_view kOneCharSymbols = "+-*/^(),<>";

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const int column = static_cast<int>(i) + 1;
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      const std::size_t end = number_end(text, i);
      Token token{TokenKind::kNumber, text.substr(i, end - i), column};
      // from_chars does not take a leading '.'; ".5" is read as "0.5".
      const std::string digits = (c == '.' ? "0" : "") + std::string(token.text);
      const std::errc error = std::from_chars(digits.data(), digits.data() + digits.size(), token.number).ec;
      if (error == std::errc::result_out_of_range) {
        // Beyond double: 1e999 is too large (refused by the parser), 1e-999 is 0.
        token.number = digits.find("e-") == std::string::npos && digits.find("E-") == std::string::npos
                           ? std::numeric_limits<double>::infinity()
                           : 0.0;
      }
      tokens.push_back(token);
      i = end;
    } else if (starts_name(c)) {
      std::size_t end = i;
      while (end < text.size() && continues_name(text[end])) ++end;
      tokens.push_back({TokenKind::kName, text.substr(i, end - i), column});
      i = end;
    } else {
      std::size_t length = 0;
      for (const std::string_view symbol : kTwoCharSymbols) {
        if (text.substr(i, 2) == symbol) length = 2;
      }
      if (length == 0 && kOneCharSymbols.find(c) != std::string_view::npos) length = 1;
      if (length == 0) {
        fail(i, c == '=' ? "unexpected \"=\"; compare with \"==\""
                         : "unexpected character " + quote_text(text.substr(i, 1)));
      }
      tokens.push_back({TokenKind::kSymbol, text.substr(i, length), column});
      i += length;
    }
  }
  tokens.push_back({TokenKind::kEnd, {}, static_cast<int>(text.size()) + 1});
  return tokens;
}

std::string describe(const Token& token) {
  return token.kind == TokenKind::kEnd ? "the end of the formula" : quote_text(token.text);
}

}  // namespace mlp::formula::detail
