// Canonical formula text: spaces around binary operators, calls as name(a, b), constants as
// their shortest round-tripping decimal, and only the parentheses precedence needs, so that
// parsing the text rebuilds the same graph.
#include "formula/ops.hpp"
#include "mlp/text.hpp"

namespace mlp::formula {
namespace {

// Binding strength, loosest first; an operand is parenthesised when it binds looser than its
// place needs.
enum Precedence { kCompare, kAdditive, kMultiplicative, kUnary, kPower, kAtom };

Precedence precedence(const Node& node) {
  switch (node.op) {
    case Op::kConstant:
      return node.value < 0 ? kUnary : kAtom;  // -2 reads as unary minus
    case Op::kNeg:
      return kUnary;
    case Op::kAdd:
    case Op::kSub:
      return kAdditive;
    case Op::kMul:
    case Op::kDiv:
      return kMultiplicative;
    case Op::kPow:
      return kPower;
    default:
      return detail::is_comparison(node.op) ? kCompare : kAtom;
  }
}

class Printer {
 public:
  Printer(const Graph& graph, std::span<const Param> params) : graph_(graph), params_(params) {}

  std::string text(NodeId id) const {
    const Node& node = graph_[id];
    switch (node.op) {
      case Op::kConstant:
        return format_number(node.value);
      case Op::kX:
        return "x";
      case Op::kParam:
        return params_[static_cast<std::size_t>(node.param)].name;
      case Op::kNeg:
        return "-" + operand(node.args[0], kUnary);
      default:
        break;
    }
    if (is_call(node.op)) {
      std::string out = std::string(op_name(node.op)) + "(";
      for (int i = 0; i < arity(node.op); ++i)
        out += (i > 0 ? ", " : "") + text(node.args[static_cast<std::size_t>(i)]);
      return out + ")";
    }
    // Binary operators are left-associative except ^: the operand on the associative side may
    // bind as tightly as the operator itself, the other must bind tighter. 2^-x needs no
    // parentheses: a unary minus may follow ^.
    const Precedence p = precedence(node);
    const std::string_view name = op_name(node.op);
    if (node.op == Op::kPow) return operand(node.args[0], kAtom) + "^" + operand(node.args[1], kUnary);
    const Precedence right = p == kCompare ? kAdditive : static_cast<Precedence>(p + 1);
    return operand(node.args[0], p == kCompare ? kAdditive : p) + " " + std::string(name) + " " +
           operand(node.args[1], right);
  }

 private:
  std::string operand(NodeId id, Precedence needed) const {
    const std::string inner = text(id);
    return precedence(graph_[id]) < needed ? "(" + inner + ")" : inner;
  }

  const Graph& graph_;
  std::span<const Param> params_;
};

}  // namespace

std::string Formula::to_text(NodeId id) const { return Printer(graph_, params_).text(id); }

}  // namespace mlp::formula
