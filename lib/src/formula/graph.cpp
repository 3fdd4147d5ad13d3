// The expression graph: hash-consing of nodes, and what each Op is called and how many
// arguments it takes.
#include "formula/ops.hpp"

#include <bit>
#include <cmath>
#include <functional>

namespace mlp::formula {
namespace {

struct OpInfo {
  Op op;
  std::string_view name;
  int arity;
  bool call;
};

// Every Op, in enum order.
constexpr OpInfo kOps[] = {
    {Op::kConstant, "", 0, false},      {Op::kX, "x", 0, false},
    {Op::kParam, "", 0, false},         {Op::kNeg, "-", 1, false},
    {Op::kExp, "exp", 1, true},         {Op::kLog, "log", 1, true},
    {Op::kLog1p, "log1p", 1, true},     {Op::kSqrt, "sqrt", 1, true},
    {Op::kAbs, "abs", 1, true},         {Op::kSin, "sin", 1, true},
    {Op::kCos, "cos", 1, true},         {Op::kTanh, "tanh", 1, true},
    {Op::kSigmoid, "sigmoid", 1, true}, {Op::kSoftplus, "softplus", 1, true},
    {Op::kErf, "erf", 1, true},         {Op::kAdd, "+", 2, false},
    {Op::kSub, "-", 2, false},          {Op::kMul, "*", 2, false},
    {Op::kDiv, "/", 2, false},          {Op::kPow, "^", 2, false},
    {Op::kMin, "min", 2, true},         {Op::kMax, "max", 2, true},
    {Op::kLess, "<", 2, false},         {Op::kLessEqual, "<=", 2, false},
    {Op::kGreater, ">", 2, false},      {Op::kGreaterEqual, ">=", 2, false},
    {Op::kEqual, "==", 2, false},       {Op::kNotEqual, "!=", 2, false},
    {Op::kWhere, "where", 3, true},
};

const OpInfo& info(Op op) { return kOps[static_cast<std::size_t>(op)]; }

}  // namespace

int arity(Op op) { return info(op).arity; }
std::string_view op_name(Op op) { return info(op).name; }
bool is_call(Op op) { return info(op).call; }

std::span<const std::string> function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const OpInfo& op : kOps) {
      if (op.call) out.emplace_back(op.name);
    }
    return out;
  }();
  return names;
}

std::size_t Graph::NodeHash::operator()(const Node& node) const {
  std::size_t h = std::hash<std::uint64_t>()(std::bit_cast<std::uint64_t>(node.value));
  const auto mix = [&h](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(static_cast<std::size_t>(node.op));
  mix(static_cast<std::size_t>(node.param));
  for (const NodeId arg : node.args) mix(static_cast<std::size_t>(arg));
  return h;
}

NodeId Graph::intern(const Node& node) {
  Node key = node;
  if (key.value == 0) key.value = 0;  // -0 and 0 are one constant
  const auto found = index_.find(key);
  if (found != index_.end()) return found->second;
  const NodeId id = size();
  nodes_.push_back(key);
  index_.emplace(key, id);
  return id;
}

namespace detail {

bool is_comparison(Op op) { return op >= Op::kLess && op <= Op::kNotEqual; }

std::optional<Op> function_op(std::string_view name) {
  for (const OpInfo& op : kOps) {
    if (op.call && op.name == name) return op.op;
  }
  return std::nullopt;
}

double apply(Op op, double a, double b, double c) {
  switch (op) {
    case Op::kConstant:
    case Op::kX:
    case Op::kParam:
      return a;
    case Op::kNeg:
      return -a;
    case Op::kExp:
      return std::exp(a);
    case Op::kLog:
      return std::log(a);
    case Op::kLog1p:
      return std::log1p(a);
    case Op::kSqrt:
      return std::sqrt(a);
    case Op::kAbs:
      return std::abs(a);
    case Op::kSin:
      return std::sin(a);
    case Op::kCos:
      return std::cos(a);
    case Op::kTanh:
      return std::tanh(a);
    case Op::kSigmoid:
      return 1 / (1 + std::exp(-a));
    case Op::kSoftplus:
      return std::max(a, 0.0) + std::log1p(std::exp(-std::abs(a)));
    case Op::kErf:
      return std::erf(a);
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return a / b;
    case Op::kPow:
      return std::pow(a, b);
    case Op::kMin:
      return std::min(a, b);
    case Op::kMax:
      return std::max(a, b);
    case Op::kLess:
      return a < b ? 1 : 0;
    case Op::kLessEqual:
      return a <= b ? 1 : 0;
    case Op::kGreater:
      return a > b ? 1 : 0;
    case Op::kGreaterEqual:
      return a >= b ? 1 : 0;
    case Op::kEqual:
      return a == b ? 1 : 0;
    case Op::kNotEqual:
      return a != b ? 1 : 0;
    case Op::kWhere:
      return a != 0 ? b : c;
  }
  return a;
}

}  // namespace detail
}  // namespace mlp::formula
