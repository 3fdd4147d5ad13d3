// The formula parser (see parser.hpp). Every node is built through Builder, so constants fold as
// they are read; a folded constant that is not finite is refused at its operator's column.
#include "formula/parser.hpp"

#include "core/suggest.hpp"
#include "formula/build.hpp"
#include "formula/lexer.hpp"
#include "formula/ops.hpp"
#include "mlp/text.hpp"

#include <cmath>
#include <vector>

namespace mlp::formula::detail {
namespace {

class Parser {
 public:
  Parser(std::string_view text, std::span<const std::string> param_names, Graph& graph)
      : tokens_(tokenize(text)), param_names_(param_names), graph_(graph), build_(graph) {}

  NodeId parse() {
    if (peek().kind == TokenKind::kEnd) throw FormulaError(1, "", "col 1: empty formula");
    const NodeId root = expr();
    reject_comparison();
    if (peek().kind != TokenKind::kEnd) fail(peek(), "unexpected " + describe(peek()) + " after a complete expression");
    return root;
  }

 private:
  const Token& peek() const { return tokens_[next_]; }
  bool at(std::string_view symbol) const { return peek().kind == TokenKind::kSymbol && peek().text == symbol; }
  const Token& take() { return tokens_[next_++]; }

  [[noreturn]] static void fail(const Token& token, const std::string& message) {
    throw FormulaError(token.column, "", "col " + std::to_string(token.column) + ": " + message);
  }

  void expect(std::string_view symbol, std::string_view where) {
    if (!at(symbol)) {
      fail(peek(), "expected \"" + std::string(symbol) + "\"" + std::string(where) + ", got " + describe(peek()));
    }
    take();
  }

  void reject_comparison() {
    if (peek().kind == TokenKind::kSymbol && comparison(peek().text)) {
      fail(peek(), "a comparison can only be the condition of where(condition, a, b)");
    }
  }

  static std::optional<Op> comparison(std::string_view symbol) {
    if (symbol == "<") return Op::kLess;
    if (symbol == "<=") return Op::kLessEqual;
    if (symbol == ">") return Op::kGreater;
    if (symbol == ">=") return Op::kGreaterEqual;
    if (symbol == "==") return Op::kEqual;
    if (symbol == "!=") return Op::kNotEqual;
    return std::nullopt;
  }

  // op over its arguments through the builder, refusing a constant result that is not finite
  // (x / 0 is refused before building: "division by zero" says more than "inf").
  NodeId make(const Token& at_token, Op op, NodeId a, NodeId b = -1, NodeId c = -1) {
    if (op == Op::kDiv && build_.is_constant(b, 0)) fail(at_token, "division by zero");
    const NodeId id = build_.make(op, a, b, c);
    if (build_.is_constant(id) && !std::isfinite(graph_[id].value)) {
      fail(at_token, "this constant expression is not finite (" + format_number(graph_[id].value) + ")");
    }
    return id;
  }

  NodeId expr() {
    NodeId left = term();
    while (at("+") || at("-")) {
      const Token& op = take();
      left = make(op, op.text == "+" ? Op::kAdd : Op::kSub, left, term());
    }
    return left;
  }

  NodeId term() {
    NodeId left = unary();
    while (at("*") || at("/")) {
      const Token& op = take();
      left = make(op, op.text == "*" ? Op::kMul : Op::kDiv, left, unary());
    }
    return left;
  }

  NodeId unary() {
    if (at("-")) {
      const Token& op = take();
      return make(op, Op::kNeg, unary());
    }
    return power();
  }

  NodeId power() {
    const NodeId base = atom();
    if (!at("^")) return base;
    const Token& op = take();
    return make(op, Op::kPow, base, unary());
  }

  NodeId atom() {
    const Token& token = peek();
    if (token.kind == TokenKind::kNumber) {
      take();
      if (!std::isfinite(token.number)) fail(token, "number " + quote_text(token.text) + " is too large");
      return build_.constant(token.number);
    }
    if (at("(")) {
      take();
      const NodeId inner = expr();
      reject_comparison();
      expect(")", " to close the \"(\" at col " + std::to_string(token.column));
      return inner;
    }
    if (token.kind == TokenKind::kName) {
      take();
      return at("(") ? call(token) : name(token);
    }
    fail(token, "expected a number, x, a parameter, a function or \"(\", got " + describe(token));
  }

  NodeId name(const Token& token) {
    if (token.text == "x") return build_.x();
    for (std::size_t k = 0; k < param_names_.size(); ++k) {
      if (param_names_[k] == token.text) return build_.param(static_cast<int>(k));
    }
    if (function_op(token.text))
      fail(token, quote_text(token.text) + " is a function: write " + std::string(token.text) + "(...)");
    std::vector<std::string> names{"x"};
    names.insert(names.end(), param_names_.begin(), param_names_.end());
    std::string suggestion = did_you_mean(token.text, names);
    if (suggestion.empty()) suggestion = "; valid: " + join(names);
    fail(token, "unknown parameter " + quote_text(token.text) + suggestion);
  }

  NodeId call(const Token& token) {
    const std::optional<Op> op = function_op(token.text);
    if (!op) {
      std::string suggestion = did_you_mean(token.text, function_names());
      if (suggestion.empty()) suggestion = "; valid: " + join(function_names());
      fail(token, "unknown function " + quote_text(token.text) + suggestion);
    }
    const Token& open = take();
    std::vector<NodeId> args;
    if (*op == Op::kWhere) args.push_back(condition(token));
    while (!at(")")) {
      if (!args.empty()) expect(",", " between the arguments of " + std::string(token.text));
      args.push_back(expr());
      reject_comparison();
    }
    expect(")", " to close the \"(\" at col " + std::to_string(open.column));
    const int wanted = arity(*op);
    if (static_cast<int>(args.size()) != wanted) {
      fail(token, std::string(token.text) + " takes " + std::to_string(wanted) +
                      (wanted == 1 ? " argument" : " arguments") + ", got " + std::to_string(args.size()));
    }
    args.resize(3, -1);
    return make(token, *op, args[0], args[1], args[2]);
  }

  // where's first argument: one comparison of two expressions.
  NodeId condition(const Token& where) {
    if (at(")")) {
      fail(peek(), "where takes 3 arguments (condition, a, b), got 0");
    }
    const NodeId left = expr();
    const Token& op = peek();
    const std::optional<Op> compare = op.kind == TokenKind::kSymbol ? comparison(op.text) : std::nullopt;
    if (!compare) {
      fail(op, "the first argument of " + std::string(where.text) +
                   " must be a comparison (x > 0, x <= beta, ...), got " + describe(op) + " after it");
    }
    take();
    const NodeId right = expr();
    reject_comparison();
    return make(op, *compare, left, right);
  }

  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  std::span<const std::string> param_names_;
  Graph& graph_;
  Builder build_;
};

}  // namespace

NodeId parse_text(std::string_view text, std::span<const std::string> param_names, Graph& graph) {
  return Parser(text, param_names, graph).parse();
}

}  // namespace mlp::formula::detail
