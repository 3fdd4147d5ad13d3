// The derivative rules, one per Op, each with its maths beside it. a, b are the node's
// arguments, da, db their derivatives, f the node itself (reused where the rule contains it).
#include "formula/derivative.hpp"

#include "formula/build.hpp"
#include "formula/ops.hpp"

#include <numbers>
#include <vector>

namespace mlp::formula::detail {
namespace {

class Differentiator {
 public:
  Differentiator(Graph& graph, Variable variable)
      : graph_(graph), build_(graph), variable_(variable), memo_(static_cast<std::size_t>(graph.size()), -1) {}

  NodeId d(NodeId id) {
    if (memo_[static_cast<std::size_t>(id)] < 0) memo_[static_cast<std::size_t>(id)] = rule(id);
    return memo_[static_cast<std::size_t>(id)];
  }

 private:
  NodeId rule(NodeId f) {
    const Node node = graph_[f];  // a copy: building nodes grows the graph
    const NodeId a = node.args[0];
    const NodeId b = node.args[1];
    const auto zero = [&] { return build_.constant(0); };
    const auto c = [&](double value) { return build_.constant(value); };
    switch (node.op) {
      case Op::kConstant:
        return zero();
      // dx/dx = 1; dp/dx = 0; dp_k/dp_k = 1.
      case Op::kX:
        return c(variable_.param < 0 ? 1 : 0);
      case Op::kParam:
        return c(variable_.param == node.param ? 1 : 0);
      // d(-a) = -da
      case Op::kNeg:
        return build_.neg(d(a));
      // d exp(a) = exp(a) da = f da
      case Op::kExp:
        return build_.mul(f, d(a));
      // d log(a) = da / a
      case Op::kLog:
        return build_.div(d(a), a);
      // d log1p(a) = da / (1 + a)
      case Op::kLog1p:
        return build_.div(d(a), build_.add(c(1), a));
      // d sqrt(a) = da / (2 sqrt(a)) = da / (2 f)
      case Op::kSqrt:
        return build_.div(d(a), build_.mul(c(2), f));
      // d |a| = sign(a) da, written where(a < 0, -da, da): +da at a = 0 (torch takes 0 there).
      case Op::kAbs: {
        const NodeId da = d(a);
        return build_.make(Op::kWhere, build_.make(Op::kLess, a, zero()), build_.neg(da), da);
      }
      // d sin(a) = cos(a) da; d cos(a) = -sin(a) da
      case Op::kSin:
        return build_.mul(build_.make(Op::kCos, a), d(a));
      case Op::kCos:
        return build_.neg(build_.mul(build_.make(Op::kSin, a), d(a)));
      // d tanh(a) = (1 - tanh(a)^2) da = (1 - f^2) da
      case Op::kTanh:
        return build_.mul(build_.sub(c(1), build_.make(Op::kPow, f, c(2))), d(a));
      // d sigmoid(a) = s (1 - s) da, s = f: 0 at both extremes, never inf / inf.
      case Op::kSigmoid:
        return build_.mul(build_.mul(f, build_.sub(c(1), f)), d(a));
      // d softplus(a) = sigmoid(a) da
      case Op::kSoftplus:
        return build_.mul(build_.make(Op::kSigmoid, a), d(a));
      // d erf(a) = 2 / sqrt(pi) exp(-a^2) da
      case Op::kErf: {
        const NodeId gauss = build_.make(Op::kExp, build_.neg(build_.make(Op::kPow, a, c(2))));
        return build_.mul(build_.mul(c(2 * std::numbers::inv_sqrtpi), gauss), d(a));
      }
      // d(a + b) = da + db; d(a - b) = da - db
      case Op::kAdd:
        return build_.add(d(a), d(b));
      case Op::kSub:
        return build_.sub(d(a), d(b));
      // d(a b) = da b + a db
      case Op::kMul:
        return build_.add(build_.mul(d(a), b), build_.mul(a, d(b)));
      // d(a / b) = (da - (a / b) db) / b = da / b - f db / b
      case Op::kDiv: {
        const NodeId db = d(b);
        if (build_.is_constant(db, 0)) return build_.div(d(a), b);
        return build_.sub(build_.div(d(a), b), build_.div(build_.mul(f, db), b));
      }
      case Op::kPow:
        return power(f, a, b);
      // d min(a, b) = da where a < b, else db; d max(a, b) = da where a > b, else db. At a tie
      // the second argument's (torch splits the gradient there): max(x, 0.01 x) has slope 0.01
      // at 0, as leaky_relu, and max(x, 0) slope 0, as relu.
      case Op::kMin:
        return build_.make(Op::kWhere, build_.make(Op::kLess, a, b), d(a), d(b));
      case Op::kMax:
        return build_.make(Op::kWhere, build_.make(Op::kGreater, a, b), d(a), d(b));
      // A comparison is piecewise constant: derivative 0 (it is only a where's condition).
      case Op::kLess:
      case Op::kLessEqual:
      case Op::kGreater:
      case Op::kGreaterEqual:
      case Op::kEqual:
      case Op::kNotEqual:
        return zero();
      // d where(cond, a, b) = where(cond, da, db) (the condition's own jump is not a derivative).
      case Op::kWhere:
        return build_.make(Op::kWhere, a, d(b), d(node.args[2]));
    }
    return zero();
  }

  // d a^b = b a^(b - 1) da + a^b log(a) db. The first term alone when db = 0 (a constant or
  // parameter exponent), so x^2 never takes log(x); the second alone when da = 0 (2^x).
  NodeId power(NodeId f, NodeId a, NodeId b) {
    const NodeId da = d(a);
    const NodeId db = d(b);
    const NodeId by_base = build_.mul(build_.mul(b, build_.make(Op::kPow, a, build_.sub(b, build_.constant(1)))), da);
    if (build_.is_constant(db, 0)) return by_base;
    const NodeId by_exponent = build_.mul(build_.mul(f, build_.make(Op::kLog, a)), db);
    return build_.add(by_base, by_exponent);
  }

  Graph& graph_;
  Builder build_;
  Variable variable_;
  std::vector<NodeId> memo_;  // derivative of each node of the original graph, -1 until needed
};

}  // namespace

NodeId differentiate(Graph& graph, NodeId root, Variable variable) { return Differentiator(graph, variable).d(root); }

}  // namespace mlp::formula::detail
