#include "mlp/layers.hpp"
#include "mlp/network.hpp"
#include "mlp/thread_pool.hpp"

#include <doctest/doctest.h>

using namespace mlp;

TEST_CASE("network forward shapes") {
  const LayerSpec specs[] = {LayerSpec::linear(8), LayerSpec::activation_of(Activation::with_defaults("relu"))};
  Network net = Network::build(3, specs, 2, Initializer::pytorch_default(), 42);
  Matrix x = Matrix::Random(3, 5);
  auto y = net.forward(cview(x), Mode::kEval);
  CHECK(y.rows() == 2);
  CHECK(y.cols() == 5);
}
