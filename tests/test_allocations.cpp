// The replaced global operator new behind allocation_counter.hpp, and the tests that the
// training step allocates nothing once warmed up.
#include "allocation_counter.hpp"

#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

std::size_t mlp::test::allocation_count() { return g_allocations.load(); }

using namespace mlp;

namespace {

// One training step as the trainer runs it: forward, loss and gradient, backward, update.
void train_step(Network& net, const Loss& loss, Optimizer& optimizer, ConstMatrixView x, ConstMatrixView y,
                Matrix& grad) {
  const ConstMatrixView output = net.forward(x, Mode::kTrain);
  loss.value_and_grad(output, y, columns(grad, x.cols()));
  net.backward(columns(std::as_const(grad), x.cols()));
  optimizer.step(net.parameters(), 0.01);
}

}  // namespace

TEST_CASE("a training step allocates nothing after the first one, for every activation and optimizer") {
  for (const ActivationSpec& activation : activations()) {
    for (const OptimizerSpec& optimizer_spec : optimizers()) {
      CAPTURE(activation.name);
      CAPTURE(optimizer_spec.name);
      const LayerSpec specs[] = {LayerSpec::linear(16), LayerSpec::activation_of(Activation::with_defaults(activation.name)),
                                 LayerSpec::dropout(0.1), LayerSpec::linear(8),
                                 LayerSpec::activation_of(Activation::with_defaults(activation.name))};
      Network net = Network::build(5, specs, 3, Initializer::pytorch_default(), 7);
      const Index batch = 32;
      net.reserve(batch);
      const Loss loss = Loss::with_defaults("cross_entropy");
      auto optimizer = OptimizerConfig::with_defaults(optimizer_spec.name).create(net.parameters());
      const Matrix x = Matrix::Random(5, batch);
      Matrix y(1, batch);
      for (Index j = 0; j < batch; ++j) y(0, j) = static_cast<Scalar>(j % 3);
      Matrix grad(3, batch);
      train_step(net, loss, *optimizer, cview(x), cview(y), grad);  // warm-up

      const std::size_t before = test::allocation_count();
      for (int step = 0; step < 3; ++step) {
        // A smaller last batch too, as at the end of an epoch.
        const Index n = step == 2 ? 20 : batch;
        train_step(net, loss, *optimizer, ConstMatrixView(x.data(), 5, n), ConstMatrixView(y.data(), 1, n), grad);
      }
      CHECK(test::allocation_count() == before);
    }
  }
}

TEST_CASE("the allocation counter sees allocations (so the test above can fail)") {
  const std::size_t before = test::allocation_count();
  Matrix m(10, 10);
  m.setZero();
  CHECK(test::allocation_count() > before);
}
