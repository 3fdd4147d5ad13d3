// Finite-difference checks of the dense layer and of whole networks, in double precision.
// The loss is the linear functional L = sum(R .* Y) with a fixed random R, so dL/dY = R and the
// check isolates the network from any loss function.
#include "gradcheck.hpp"

#include "mlp/layers.hpp"
#include "mlp/network.hpp"

#include <doctest/doctest.h>

using namespace mlp;

namespace {

double linear_loss(Network& net, const Matrix& x, const Matrix& r) {
  return net.forward(cview(x), Mode::kTrain).cwiseProduct(r).sum();
}

// Checks every parameter of `net` and returns the largest relative error.
double max_parameter_error(Network& net, const Matrix& x, const Matrix& r) {
  net.forward(cview(x), Mode::kTrain);
  net.backward(cview(r));
  double worst = 0;
  for (const ParamBlock& block : net.parameters()) {
    const Vector analytic = block.grad;
    const auto result = test::check_gradient([&] { return linear_loss(net, x, r); }, block.value.data(),
                                             block.value.size(), analytic.data());
    CAPTURE(block.name);
    CAPTURE(result.worst);
    CAPTURE(result.analytic);
    CAPTURE(result.numeric);
    CHECK(result.max_error < 1e-6);
    worst = std::max(worst, result.max_error);
  }
  return worst;
}

}  // namespace

TEST_CASE("dense layer: weight, bias and input gradients match finite differences") {
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<DenseLayer>(4, 3));
  Network net(std::move(layers));
  Rng rng(1);
  Initializer::pytorch_default().apply(view(dynamic_cast<DenseLayer&>(net.layer(0)).weight()),
                                       VectorView(dynamic_cast<DenseLayer&>(net.layer(0)).bias().data(), 3), rng);
  Matrix x = Matrix::Random(4, 6);
  const Matrix r = Matrix::Random(3, 6);
  max_parameter_error(net, x, r);

  // dL/dX through a second dense layer in front: its weight gradient needs the first's dL/dX.
  std::vector<std::unique_ptr<Layer>> two;
  two.push_back(std::make_unique<DenseLayer>(4, 4));
  two.push_back(std::make_unique<DenseLayer>(4, 3));
  Network stacked(std::move(two));
  for (std::size_t i = 0; i < 2; ++i) {
    auto& dense = dynamic_cast<DenseLayer&>(stacked.layer(i));
    dense.weight().setRandom();
    dense.bias().setRandom();
  }
  max_parameter_error(stacked, x, r);
}

TEST_CASE("embedding layer: embedding and input gradients match finite differences") {
  // A dense layer in front, so that the embedding's dL/dX is checked through its weight gradient.
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<DenseLayer>(5, 9));
  layers.push_back(std::make_unique<EmbeddingLayer>(std::vector<EmbeddingPart>{{2, 0}, {4, 3}, {1, 0}, {2, 2}}));
  layers.push_back(std::make_unique<DenseLayer>(8, 3));
  Network net(std::move(layers));
  for (const ParamBlock& block : net.parameters()) block.value.setRandom();
  const Matrix x = Matrix::Random(5, 6);
  const Matrix r = Matrix::Random(3, 6);
  CHECK(net.parameters().size() == 6);  // 2 dense weights and biases, 2 embeddings
  max_parameter_error(net, x, r);
}

TEST_CASE("a whole 3-layer network's gradients match finite differences, for every activation") {
  for (const ActivationSpec& spec : activations()) {
    CAPTURE(spec.name);
    Activation activation = Activation::with_defaults(spec.name);
    const LayerSpec specs[] = {LayerSpec::linear(7), LayerSpec::activation_of(activation), LayerSpec::linear(5),
                               LayerSpec::activation_of(activation)};
    Network net = Network::build(4, specs, 3, Initializer::pytorch_default(), 11);
    const Matrix x = Matrix::Random(4, 9);
    const Matrix r = Matrix::Random(3, 9);
    max_parameter_error(net, x, r);
  }
}

TEST_CASE("formula activation layers: input and learned-parameter gradients match finite differences") {
  // Two learned parameters (one shared by the layer, or one per unit) and a fixed one, between
  // dense layers so that dL/dX is checked through the first layer's weight gradient.
  for (const bool per_unit : {false, true}) {
    CAPTURE(per_unit);
    const auto formula = FormulaActivation::make(
        "scaled_swish", "alpha * x * sigmoid(beta * x) + gamma * tanh(x)",
        {{.name = "alpha", .value = 1.2}, {.name = "beta", .value = 0.7}, {.name = "gamma", .value = 0.1}},
        {"beta", "alpha"}, per_unit);
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(std::make_unique<DenseLayer>(4, 5));
    layers.push_back(std::make_unique<ActivationLayer>(Activation::of_formula(formula), 5));
    layers.push_back(std::make_unique<DenseLayer>(5, 3));
    Network net(std::move(layers));
    for (const ParamBlock& block : net.parameters()) block.value.setRandom();
    const auto blocks = net.parameters();
    REQUIRE(blocks.size() == 6);
    // In the formula's parameter order, whatever the order of "learn".
    CHECK(blocks[2].name == "alpha");
    CHECK(blocks[3].name == "beta");
    CHECK(blocks[2].value.size() == (per_unit ? 5 : 1));
    const Matrix x = Matrix::Random(4, 7);
    const Matrix r = Matrix::Random(3, 7);
    max_parameter_error(net, x, r);
  }
}
