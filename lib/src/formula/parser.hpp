// Formula text to graph nodes: a recursive-descent parser over the tokens of lexer.hpp.
#pragma once

#include "mlp/formula.hpp"

#include <span>
#include <string>
#include <string_view>

namespace mlp::formula::detail {

// Parses `text` into `graph`, names resolving to x or to params_names[k] (a kParam node k).
// Returns the root. Throws FormulaError at the column of the first problem (see Formula::parse).
//
//   expr  := term (("+" | "-") term)*
//   term  := unary (("*" | "/") unary)*
//   unary := "-" unary | power
//   power := atom ("^" unary)?              (so 2^-x and a^b^c = a^(b^c))
//   atom  := number | "x" | param | name "(" args ")" | "(" expr ")"
//   where's first argument := expr ("<" | "<=" | ">" | ">=" | "==" | "!=") expr
NodeId parse_text(std::string_view text, std::span<const std::string> param_names, Graph& graph);

}  // namespace mlp::formula::detail
