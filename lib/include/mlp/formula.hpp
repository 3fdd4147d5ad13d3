// Activation functions written as formulas ("x * sigmoid(beta * x)"): the parsed expression,
// its exact symbolic derivatives, a compiled batch evaluator, the start-up check, and what the
// diagnostics need (flat region, output bounds).
//
// The language: numbers, `x`, named parameters, + - * / ^ (right-associative, binding tighter
// than unary minus: -x^2 = -(x^2)), unary minus, parentheses, the functions exp log log1p sqrt
// abs sin cos tanh sigmoid softplus erf min(a, b) max(a, b), and where(cond, a, b) whose
// condition is one comparison (< <= > >= == !=). Comparisons appear nowhere else.
//
// A formula is one hash-consed expression graph (Graph): equal subexpressions are one node, so
// f, df/dx and every df/dparam share sigmoid(beta * x) and friends. Kernel compiles chosen roots
// of that graph into a flat program of whole-array instructions, run in cache-sized chunks over
// a units x batch matrix.
#pragma once

#include "mlp/error.hpp"

#include "mlp/tensor.hpp"  // Eigen, included as the whole library does

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mlp::formula {

// ---- Expression graph -------------------------------------------------------------------------

enum class Op : std::uint8_t {
  kConstant,  // Node::value
  kX,         // the input
  kParam,     // Node::param: index into the formula's parameters
  // One argument, written name(a) (kNeg: -a).
  kNeg,
  kExp,
  kLog,
  kLog1p,
  kSqrt,
  kAbs,
  kSin,
  kCos,
  kTanh,
  kSigmoid,   // 1 / (1 + exp(-a))
  kSoftplus,  // log(1 + exp(a))
  kErf,
  // Two arguments: a + b ... a ^ b, min(a, b), max(a, b).
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMin,
  kMax,
  // Comparisons (1 where true, 0 where false); only ever the first argument of kWhere.
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kWhere,  // where(cond, a, b): a where cond holds, else b
};

// Index of a node in its Graph. Arguments always have smaller ids than the node using them, so
// ascending ids are a topological order.
using NodeId = std::int32_t;

// One node: what torch/ONNX export and every other reader walks. Exporters map kSigmoid to
// torch.sigmoid, kSoftplus to torch.nn.functional.softplus, kWhere to torch.where, and so on.
struct Node {
  Op op = Op::kConstant;
  double value = 0;                        // kConstant only (finite; never -0)
  int param = -1;                          // kParam only
  std::array<NodeId, 3> args{-1, -1, -1};  // arity(op) of them, the rest -1

  bool operator==(const Node&) const = default;
};

// Number of arguments of `op` (0 for leaves, 3 for kWhere).
int arity(Op op);
// The spelling in formula text: "exp", "sigmoid", "min", "where" for calls; "+", "-", "*", "/",
// "^", "<", "<=", ... for operators (kNeg is "-"); "x"; "" for kConstant and kParam.
std::string_view op_name(Op op);
// True for kExp ... kErf (written name(a)), kMin, kMax and kWhere: the ops written as calls.
bool is_call(Op op);
// The functions a formula can call, in the order of the language description.
std::span<const std::string> function_names();

// An immutable-once-built graph of hash-consed nodes: adding a node equal to one already there
// returns the existing id. The parser and the differentiator add nodes; readers only look.
class Graph {
 public:
  NodeId size() const { return static_cast<NodeId>(nodes_.size()); }
  const Node& operator[](NodeId id) const { return nodes_[static_cast<std::size_t>(id)]; }
  // The node's id, adding it when new (no simplification: see the builders in formula/build.hpp).
  // Arguments must already be in the graph.
  NodeId intern(const Node& node);

 private:
  struct NodeHash {
    std::size_t operator()(const Node& node) const;
  };
  std::vector<Node> nodes_;
  std::unordered_map<Node, NodeId, NodeHash> index_;
};

// ---- Formula ----------------------------------------------------------------------------------

// Thrown for a formula or parameter the user has to fix. column > 0: the 1-based column in the
// formula text, and what() starts "col N: "; column == 0 and param non-empty: about that
// parameter (what() starts `parameter "beta": `). The caller prefixes its context
// ("model.activation.formula: " or "model.activation.params.beta: ").
class FormulaError : public InputError {
 public:
  FormulaError(int column, std::string param, const std::string& message)
      : InputError(message), column(column), param(std::move(param)) {}
  int column;
  std::string param;
};

// A named parameter with its value (the default from the config, or the initial value of a
// learned one).
struct Param {
  std::string name;
  double value = 0;
  bool learned = false;
};

// The most parameters one formula may have (so callers can bind them without allocating).
inline constexpr int kMaxParams = 8;
// The longest formula text accepted, in characters.
inline constexpr std::size_t kMaxLength = 1000;

// A parsed formula with its exact derivatives, all roots of one graph.
class Formula {
 public:
  // Parses `text` over the parameters `params`. Throws FormulaError: a syntax error, an unknown
  // function or parameter (with a did-you-mean suggestion), a wrong number of arguments, a
  // constant subexpression that is not finite (division by zero, log(0)) — each at its column;
  // a parameter named like x or a function, given twice, not finite, never used, or more than
  // kMaxParams parameters; a text longer than kMaxLength. Does not run the numeric start-up check (see check()).
  static Formula parse(std::string_view text, std::vector<Param> params = {});

  const Graph& graph() const { return graph_; }
  std::span<const Param> params() const { return params_; }
  // Index of parameter `name` in params(), or -1.
  int param_index(std::string_view name) const;

  NodeId value() const { return value_; }            // f(x)
  NodeId derivative() const { return derivative_; }  // df/dx
  // df/dparam for params()[k] (every parameter, learned or not).
  NodeId param_derivative(int k) const { return param_derivatives_[static_cast<std::size_t>(k)]; }

  // The canonical text of f: parse(text()) gives the same expression node for node (node ids may
  // differ), and text() again.
  std::string text() const { return to_text(value_); }
  // Canonical text of any node of the graph (derivatives too: "sigmoid(x) + x * ...").
  std::string to_text(NodeId id) const;

 private:
  Graph graph_;
  std::vector<Param> params_;
  NodeId value_ = -1;
  NodeId derivative_ = -1;
  std::vector<NodeId> param_derivatives_;
};

// ---- Start-up check ---------------------------------------------------------------------------

// Refuses a formula whose value, derivative or learned-parameter derivatives (at the parameters'
// values) are not finite, in double or in float, at some x of a grid that spans [-1e4, 1e4]
// (0, a fine grid over [-6, 6], and ±8 ... ±1e4), or whose derivatives disagree with centred
// finite differences in double there (a one-sided difference is accepted at a kink). Throws
// FormulaError (column 0, param empty unless a parameter derivative fails), naming the x:
// "f(x) is not finite at x = -10000 (nan)".
void check(const Formula& formula);

// ---- Diagnostics ------------------------------------------------------------------------------

// What f does for all large negative x, at the parameters' values.
struct FlatRegion {
  // True when decided: f is constant (value set) or provably not constant (value empty) there.
  bool decided = false;
  // The constant f takes for all x below some point (its gradient 0 there: relu-like -> 0).
  std::optional<double> value;
};
FlatRegion flat_region(const Formula& formula);

struct Bounds {
  double lo;
  double hi;
};
// Bounds of f over all x by interval arithmetic at the parameters' values: sound (f stays
// within them) but possibly loose; nothing when either side is unbounded or not decided.
std::optional<Bounds> output_bounds(const Formula& formula);

// ---- Batch evaluation -------------------------------------------------------------------------

namespace detail {
struct Programs;
}

// Compiled programs of one formula for one parameter layout, in float (training) or double
// (checks). Immutable and shareable between threads; each thread evaluates with its own Scratch.
//
// Matrices are units x batch, column-major and contiguous (tensor.hpp): element (u, j) is unit u.
// A parameter is bound either to one value (shared) or, when the kernel was built with
// per_unit[k], to one value per unit (a learned per-unit parameter, like PReLU's weight).
template <class T>
class Kernel {
 public:
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using ConstView = Eigen::Map<const Matrix>;
  using View = Eigen::Map<Matrix>;

  // Where parameter k's value comes from: `value` when shared, else per_unit[u] for unit u
  // (rows values). A shared learned value is passed as `value`.
  struct Binding {
    double value = 0;
    const T* per_unit = nullptr;
  };

  // Elements per chunk: the instructions of a program run over this many values at a time.
  static constexpr std::ptrdiff_t kChunk = 1024;

  // Registers and per-call scalars for one thread, sized when made: evaluating allocates nothing.
  class Scratch {
   public:
    Scratch() = default;

   private:
    friend class Kernel;
    std::vector<T, Eigen::aligned_allocator<T>> registers_;
    std::vector<double> scalars_;
  };

  // per_unit[k] (size params().size()): parameter k is bound per unit. The learned parameters
  // (Param::learned), in params() order, are the ones param_grad differentiates. Throws
  // std::invalid_argument when per_unit has the wrong size.
  Kernel(const Formula& formula, std::vector<bool> per_unit);
  Kernel(const Kernel&) = default;
  Kernel& operator=(const Kernel&) = default;
  ~Kernel();

  Scratch make_scratch() const;
  int learned_count() const;

  // a = f(z). `params` has one Binding per parameter (per-unit ones with rows values; else
  // std::invalid_argument, as for every call below); a may not alias z.
  void forward(std::span<const Binding> params, ConstView z, View a, Scratch& scratch) const;
  // grad_z = grad_a .* f'(z); a is f(z) (read where f itself appears in f', as exp(x)).
  // grad_z aliases none of the inputs.
  void backward(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a, View grad_z,
                Scratch& scratch) const;
  // grad_learned[i](u) = sum over j of grad_a(u, j) * df/dp(z(u, j)) for the i-th learned
  // parameter p: each a pointer to rows values, overwritten (per unit even when p is shared; the
  // caller sums them then).
  void param_grad(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a,
                  std::span<T* const> grad_learned, Scratch& scratch) const;
  // backward and param_grad in one pass: subexpressions of f' and df/dp are computed once.
  void backward_and_param_grad(std::span<const Binding> params, ConstView z, ConstView a, ConstView grad_a, View grad_z,
                               std::span<T* const> grad_learned, Scratch& scratch) const;
  // The raw values f, f' and df/dp for each learned parameter, for checks and tests: df_dlearned
  // holds one pointer per learned parameter to z.size() values (z's layout), or is empty to skip
  // them.
  void values(std::span<const Binding> params, ConstView z, View f, View df_dx, std::span<T* const> df_dlearned,
              Scratch& scratch) const;

 private:
  std::shared_ptr<const detail::Programs> programs_;
};

extern template class Kernel<float>;
extern template class Kernel<double>;

}  // namespace mlp::formula
