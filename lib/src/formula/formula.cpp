// Formula::parse: the parameters' checks, the text's parse, and the derivatives by x and by
// every parameter, all in one graph.
#include "formula/derivative.hpp"
#include "formula/ops.hpp"
#include "formula/parser.hpp"
#include "mlp/text.hpp"

#include <cctype>
#include <cmath>

namespace mlp::formula {
namespace {

[[noreturn]] void fail_param(const std::string& name, const std::string& message) {
  throw FormulaError(0, name, "parameter " + quote_text(name) + ": " + message);
}

bool is_name(std::string_view text) {
  const auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (text.empty() || !letter(text[0])) return false;
  for (const char c : text) {
    if (!letter(c) && !digit(c)) return false;
  }
  return true;
}

void check_params(const std::vector<Param>& params) {
  if (static_cast<int>(params.size()) > kMaxParams) {
    throw FormulaError(
        0, "",
        "a formula takes at most " + std::to_string(kMaxParams) + " parameters, got " + std::to_string(params.size()));
  }
  for (std::size_t k = 0; k < params.size(); ++k) {
    const std::string& name = params[k].name;
    if (!is_name(name)) fail_param(name, "not a name (a letter or _, then letters, digits and _)");
    if (name == "x") fail_param(name, "x is the input, not a parameter");
    if (detail::function_op(name)) fail_param(name, "the name of a function");
    for (std::size_t other = 0; other < k; ++other) {
      if (params[other].name == name) fail_param(name, "given twice");
    }
    if (!std::isfinite(params[k].value))
      fail_param(name, "must be a finite number, got " + format_number(params[k].value));
  }
}

// Which nodes `root` depends on (itself included).
std::vector<bool> reachable(const Graph& graph, NodeId root) {
  std::vector<bool> seen(static_cast<std::size_t>(graph.size()), false);
  seen[static_cast<std::size_t>(root)] = true;
  for (NodeId id = root; id >= 0; --id) {  // arguments have smaller ids: one backward sweep
    if (!seen[static_cast<std::size_t>(id)]) continue;
    for (int i = 0; i < arity(graph[id].op); ++i)
      seen[static_cast<std::size_t>(graph[id].args[static_cast<std::size_t>(i)])] = true;
  }
  return seen;
}

}  // namespace

Formula Formula::parse(std::string_view text, std::vector<Param> params) {
  // The parser and the differentiator recurse once per level of nesting: a bound on the length
  // bounds their depth (and no activation needs more).
  if (text.size() > kMaxLength) {
    const auto column = static_cast<int>(kMaxLength) + 1;
    throw FormulaError(column, "",
                       "col " + std::to_string(column) + ": a formula may be at most " + std::to_string(kMaxLength) +
                           " characters long, got " + std::to_string(text.size()));
  }
  check_params(params);
  Formula formula;
  formula.params_ = std::move(params);
  std::vector<std::string> names;
  for (const Param& param : formula.params_) names.push_back(param.name);
  formula.value_ = detail::parse_text(text, names, formula.graph_);

  // Every accepted setting must act: a formula of x, and every parameter used (after
  // simplification: x + 0 * beta does not use beta).
  const std::vector<bool> used = reachable(formula.graph_, formula.value_);
  bool uses_x = false;
  std::vector<bool> param_used(formula.params_.size(), false);
  for (NodeId id = 0; id <= formula.value_; ++id) {
    if (!used[static_cast<std::size_t>(id)]) continue;
    const Node& node = formula.graph_[id];
    if (node.op == Op::kX) uses_x = true;
    if (node.op == Op::kParam) param_used[static_cast<std::size_t>(node.param)] = true;
  }
  if (!uses_x) throw FormulaError(1, "", "col 1: the formula does not depend on x");
  for (std::size_t k = 0; k < param_used.size(); ++k) {
    if (!param_used[k]) fail_param(formula.params_[k].name, "not used in the formula");
  }

  formula.derivative_ = detail::differentiate(formula.graph_, formula.value_, {});
  for (int k = 0; k < static_cast<int>(formula.params_.size()); ++k) {
    formula.param_derivatives_.push_back(detail::differentiate(formula.graph_, formula.value_, {k}));
  }
  return formula;
}

int Formula::param_index(std::string_view name) const {
  for (std::size_t k = 0; k < params_.size(); ++k) {
    if (params_[k].name == name) return static_cast<int>(k);
  }
  return -1;
}

}  // namespace mlp::formula
