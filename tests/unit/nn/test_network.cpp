#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/network.hpp"
#include "mlp/thread_pool.hpp"

#include <doctest/doctest.h>

#include <atomic>

using namespace mlp;

namespace {

Network relu_net(Index inputs, Index hidden, Index outputs, std::uint64_t seed) {
  const LayerSpec specs[] = {LayerSpec::linear(hidden), LayerSpec::activation_of(Activation::with_defaults("relu")),
                             LayerSpec::linear(hidden), LayerSpec::activation_of(Activation::with_defaults("relu"))};
  return Network::build(inputs, specs, outputs, Initializer::pytorch_default(), seed);
}

bool same_bits(ConstMatrixView a, ConstMatrixView b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && std::equal(a.data(), a.data() + a.size(), b.data());
}

}  // namespace

TEST_CASE("a built network is linear, activation, ..., linear with the requested sizes") {
  Network net = relu_net(3, 8, 2, 42);
  REQUIRE(net.layer_count() == 5);
  CHECK(net.layer(0).type() == "linear");
  CHECK(net.layer(1).type() == "activation");
  CHECK(net.layer(4).type() == "linear");
  CHECK(net.input_size() == 3);
  CHECK(net.output_size() == 2);
  CHECK(net.parameter_count() == (3 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2));
  const Matrix x = Matrix::Random(3, 5);
  const ConstMatrixView y = net.forward(cview(x), Mode::kEval);
  CHECK(y.rows() == 2);
  CHECK(y.cols() == 5);
}

TEST_CASE("dense forward is W x + b, with W stored out x in") {
  DenseLayer dense(2, 3);
  dense.weight() << 1, 2, 3, 4, 5, 6;  // rows are outputs, like torch.nn.Linear.weight
  dense.bias() << 0.5f, -1, 2;
  Matrix x(2, 2);
  x << 1, -1, 2, 0.5f;  // two samples as columns: (1, 2) and (-1, 0.5)
  Matrix y(3, 2);
  dense.forward(cview(x), view(y), Mode::kEval);
  CHECK(y(0, 0) == doctest::Approx(1 * 1 + 2 * 2 + 0.5));
  CHECK(y(1, 0) == doctest::Approx(3 * 1 + 4 * 2 - 1));
  CHECK(y(2, 1) == doctest::Approx(5 * -1 + 6 * 0.5 + 2));
}

TEST_CASE("the same seed gives the same initial weights whatever the activation, another seed others") {
  auto build = [](const char* activation, std::uint64_t seed) {
    const LayerSpec specs[] = {LayerSpec::linear(6), LayerSpec::activation_of(Activation::with_defaults(activation))};
    return Network::build(4, specs, 3, Initializer::pytorch_default(), seed);
  };
  Network relu = build("relu", 1);
  Network prelu = build("prelu", 1);
  Network other = build("relu", 2);
  const auto& w_relu = dynamic_cast<const DenseLayer&>(relu.layer(0)).weight();
  const auto& w_prelu = dynamic_cast<const DenseLayer&>(prelu.layer(0)).weight();
  const auto& w_other = dynamic_cast<const DenseLayer&>(other.layer(0)).weight();
  CHECK(same_bits(cview(w_relu), cview(w_prelu)));
  CHECK_FALSE(same_bits(cview(w_relu), cview(w_other)));
  // PyTorch's default init: every weight within 1/sqrt(fan_in).
  CHECK(w_relu.cwiseAbs().maxCoeff() <= 0.5f);
}

TEST_CASE("consecutive layers must agree on sizes") {
  std::vector<std::unique_ptr<Layer>> layers;
  layers.push_back(std::make_unique<DenseLayer>(3, 4));
  layers.push_back(std::make_unique<DenseLayer>(5, 2));
  CHECK_THROWS_AS(Network(std::move(layers)), InputError);
}

namespace {

// `one` on the calling thread and `two` on a pool of 2 give the same outputs and gradients, bit
// for bit, for a batch of `batch` columns (300 inputs, 10 outputs).
void check_same_on_two_threads(Network& one, Network& two, Index batch) {
  ThreadPool pool(2);
  two.set_thread_pool(&pool);
  const Matrix x = Matrix::Random(300, batch);
  const Matrix g = Matrix::Random(10, batch);
  const Matrix y1 = one.forward(cview(x), Mode::kTrain);
  const Matrix y2 = two.forward(cview(x), Mode::kTrain);
  CHECK(same_bits(cview(y1), cview(y2)));
  one.backward(cview(g));
  two.backward(cview(g));
  for (std::size_t b = 0; b < one.parameters().size(); ++b) {
    const auto& g1 = one.parameters()[b].grad;
    const auto& g2 = two.parameters()[b].grad;
    CHECK(std::equal(g1.data(), g1.data() + g1.size(), g2.data()));
  }
}

}  // namespace

TEST_CASE("results are bit-identical for 1 and 2 threads") {
  // Large enough that the products are split over the pool; odd sizes to hit remainders.
  for (const Index batch : {Index{1}, Index{63}, Index{200}, Index{256}, Index{517}}) {
    CAPTURE(batch);
    Network one = relu_net(300, 257, 10, 3);
    Network two = relu_net(300, 257, 10, 3);
    check_same_on_two_threads(one, two, batch);
  }
}

TEST_CASE("a formula activation's results are bit-identical for 1 and 2 threads, learned gradients included") {
  const Activation formula = Activation::of_formula(
      FormulaActivation::make("", "x * sigmoid(beta * x)", {{.name = "beta", .value = 1.5}}, {"beta"}, true));
  const Activation fixed = Activation::of_formula(FormulaActivation::make("", "x * tanh(softplus(x))", {}, {}, false));
  for (const Activation& activation : {formula, fixed}) {
    CAPTURE(activation.describe());
    const LayerSpec specs[] = {LayerSpec::linear(257), LayerSpec::activation_of(activation)};
    Network one = Network::build(300, specs, 10, Initializer::pytorch_default(), 3);
    Network two = Network::build(300, specs, 10, Initializer::pytorch_default(), 3);
    check_same_on_two_threads(one, two, 517);
  }
}

TEST_CASE("an identity layer, and dropout outside training, pass the input through without a copy") {
  const Activation identity = Activation::with_defaults("identity");
  const Activation tanh = Activation::with_defaults("tanh");
  const LayerSpec with_identity[] = {LayerSpec::linear(6), LayerSpec::activation_of(identity), LayerSpec::dropout(0.5),
                                     LayerSpec::linear(5), LayerSpec::activation_of(tanh)};
  const LayerSpec without[] = {LayerSpec::linear(6), LayerSpec::linear(5), LayerSpec::activation_of(tanh)};
  Network net = Network::build(4, with_identity, 3, Initializer::pytorch_default(), 11);
  Network plain = Network::build(4, without, 3, Initializer::pytorch_default(), 11);
  const Matrix x = Matrix::Random(4, 9);
  const Matrix g = Matrix::Random(3, 9);

  // Evaluation: the identity and the dropout layer hand on the first linear layer's output.
  const Matrix y = net.forward(cview(x), Mode::kEval);
  CHECK(net.output_of(1).data() == net.output_of(0).data());
  CHECK(net.output_of(2).data() == net.output_of(0).data());
  CHECK(same_bits(cview(y), plain.forward(cview(x), Mode::kEval)));

  // Training: the identity still passes through, dropout (p = 0.5) does not; the gradients of
  // the linear layers are those of the network without the identity, bit for bit, once the
  // dropout mask is taken out of the picture (eval-mode forward, then backward).
  net.forward(cview(x), Mode::kTrain);
  CHECK(net.output_of(1).data() == net.output_of(0).data());
  CHECK(net.output_of(2).data() != net.output_of(0).data());
  net.forward(cview(x), Mode::kEval);
  plain.forward(cview(x), Mode::kEval);
  net.backward(cview(g));
  plain.backward(cview(g));
  REQUIRE(net.parameters().size() == plain.parameters().size());
  for (std::size_t b = 0; b < net.parameters().size(); ++b) {
    const auto& with = net.parameters()[b].grad;
    const auto& reference = plain.parameters()[b].grad;
    CHECK(std::equal(with.data(), with.data() + with.size(), reference.data()));
  }
}

TEST_CASE("the thread pool runs every part exactly once") {
  ThreadPool pool(3);
  for (const std::int64_t parts : {1, 2, 3, 7, 100}) {
    std::vector<std::atomic<int>> seen(static_cast<std::size_t>(parts));
    pool.run(parts, [&](std::int64_t i) { seen[static_cast<std::size_t>(i)].fetch_add(1); });
    for (const auto& count : seen) CHECK(count.load() == 1);
  }
}

TEST_CASE("dropout zeroes about p of the values in training, scales the rest, and is the identity in eval") {
  DropoutLayer dropout(100, 0.3, Rng(5, "dropout"));
  dropout.reserve(50);
  const Matrix x = Matrix::Constant(100, 50, 2.0f);
  Matrix y(100, 50);
  dropout.forward(cview(x), view(y), Mode::kTrain);
  const auto zeros = (y.array() == 0).count();
  CHECK(static_cast<double>(zeros) / 5000.0 == doctest::Approx(0.3).epsilon(0.1));
  CHECK(((y.array() == 0) || (y.array() == Scalar(2 / 0.7))).all());
  // Backward passes the gradient through the same mask with the same scale.
  const Matrix g = Matrix::Ones(100, 50);
  Matrix gx(100, 50);
  dropout.backward(cview(x), cview(y), cview(g), view(gx));
  CHECK(((gx.array() == 0) == (y.array() == 0)).all());
  dropout.forward(cview(x), view(y), Mode::kEval);
  CHECK(y == x);
}

TEST_CASE("predict works in chunks and agrees with one forward pass") {
  Network net = relu_net(4, 8, 3, 9);
  net.reserve(7);  // forces several chunks below
  const Matrix x = Matrix::Random(4, 30);
  Matrix chunked(3, 30);
  net.predict(cview(x), view(chunked));
  Network whole = relu_net(4, 8, 3, 9);
  const Matrix expected = whole.forward(cview(x), Mode::kEval);
  CHECK(chunked.isApprox(expected));
}
