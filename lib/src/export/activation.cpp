// Every built-in activation as ONNX operators: one case each in add_activation; a formula
// activation through add_formula.
#include "export/nodes.hpp"

#include "mlp/error.hpp"

#include <cmath>

namespace mlp::onnx_export {
namespace {

// A learned value (size 1 or units) as a [size] initializer, broadcast over [N, units].
std::string learned_tensor(Graph& graph, std::string_view name, std::span<const float> learned) {
  return graph.floats(name, {static_cast<std::int64_t>(learned.size())}, learned);
}

// 0.5 x (1 + erf(x / sqrt(2))), or the tanh form 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
std::string gelu(Graph& g, bool tanh_form, const std::string& x) {
  std::string inner;
  if (!tanh_form) {
    inner = g.node("Erf", {g.node("Mul", {x, g.scalar(static_cast<float>(std::sqrt(0.5)))})});
  } else {
    const std::string cube = g.node("Mul", {g.node("Mul", {x, x}), x});
    const std::string sum = g.node("Add", {x, g.node("Mul", {cube, g.scalar(0.044715F)})});
    inner = g.node("Tanh", {g.node("Mul", {sum, g.scalar(static_cast<float>(std::sqrt(2 / M_PI)))})});
  }
  return g.node("Mul", {g.node("Mul", {x, g.scalar(0.5F)}), g.node("Add", {inner, g.scalar(1.0F)})});
}

// log(1 + exp(beta x)) / beta, or x where beta x > threshold (torch.nn.Softplus).
std::string softplus(Graph& g, float beta, float threshold, const std::string& x) {
  const std::string y = g.node("Mul", {x, g.scalar(beta)});
  const std::string soft = g.node("Div", {g.node("Softplus", {y}), g.scalar(beta)});
  return g.node("Where", {g.node("Greater", {y, g.scalar(threshold)}), x, soft});
}

// A formula activation: each parameter its value, or the layer's learned values of it (the
// layer stores them one block per learned parameter, in the formula's parameter order).
std::string formula_activation(Graph& g, const FormulaActivation& formula, std::span<const float> learned,
                               const std::string& x) {
  const std::span<const formula::Param> params = formula.parsed.params();
  const std::size_t learned_params = formula.learned_params().size();
  const std::size_t per_param = learned_params == 0 ? 0 : learned.size() / learned_params;
  std::vector<std::vector<float>> values;
  std::size_t block = 0;
  for (const formula::Param& param : params) {
    if (param.learned) {
      const auto values_of = learned.subspan(block++ * per_param, per_param);
      values.emplace_back(values_of.begin(), values_of.end());
    } else {
      values.push_back({static_cast<float>(param.value)});
    }
  }
  return add_formula(g, formula.parsed, values, x);
}

}  // namespace

std::string add_activation(Graph& g, const Activation& activation, std::span<const float> learned,
                           const std::string& x) {
  if (activation.formula) return formula_activation(g, *activation.formula, learned, x);
  const std::string_view name = activation.spec->name;
  const auto param = [&](std::string_view p) { return static_cast<float>(activation.param(p)); };
  const auto one = [&](std::string_view op, std::vector<Attribute> attributes = {}) {
    return g.node(op, {x}, std::move(attributes));
  };
  if (name == "identity") return one("Identity");
  if (name == "sigmoid") return one("Sigmoid");
  if (name == "tanh") return one("Tanh");
  if (name == "relu") return one("Relu");
  if (name == "leaky_relu") return one("LeakyRelu", {{"alpha", param("negative_slope")}});
  if (name == "prelu") return g.node("PRelu", {x, learned_tensor(g, "prelu_weight", learned)});
  if (name == "elu") return one("Elu", {{"alpha", param("alpha")}});
  if (name == "selu") return one("Selu");  // ONNX's default alpha and gamma are torch's constants
  if (name == "celu") return one("Celu", {{"alpha", param("alpha")}});
  if (name == "gelu") return gelu(g, activation.param("approximate") != 0, x);
  if (name == "silu") return g.node("Mul", {x, one("Sigmoid")});
  if (name == "swish") {
    const std::string beta = learned_tensor(g, "swish_beta", learned);
    return g.node("Mul", {x, g.node("Sigmoid", {g.node("Mul", {x, beta})})});
  }
  if (name == "mish") return g.node("Mul", {x, g.node("Tanh", {one("Softplus")})});
  if (name == "softplus") return softplus(g, param("beta"), param("threshold"), x);
  if (name == "relu6") return g.node("Clip", {x, g.scalar(0.0F), g.scalar(6.0F)});
  if (name == "hardtanh") return g.node("Clip", {x, g.scalar(param("min_val")), g.scalar(param("max_val"))});
  if (name == "hardsigmoid") return one("HardSigmoid", {{"alpha", 1.0F / 6}, {"beta", 0.5F}});
  if (name == "hardswish") return one("HardSwish");
  if (name == "softsign") return one("Softsign");
  // log sigmoid(x) = -softplus(-x), which never overflows.
  if (name == "logsigmoid") return g.node("Neg", {g.node("Softplus", {one("Neg")})});
  if (name == "tanhshrink") return g.node("Sub", {x, one("Tanh")});
  throw InputError("activation \"" + std::string(name) + "\" has no ONNX mapping yet (lib/src/export/activation.cpp)");
}

}  // namespace mlp::onnx_export
