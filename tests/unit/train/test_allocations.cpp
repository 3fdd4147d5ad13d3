// Counts every heap allocation of the process (which includes Eigen's aligned allocations, made
// with malloc, not operator new), behind allocation_counter.hpp; and the tests that the training
// step allocates nothing once warmed up.
#include "allocation_counter.hpp"

#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <utility>

namespace {
std::atomic<std::size_t> g_allocations{0};
}

std::size_t mlp::test::allocation_count() { return g_allocations.load(); }

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer, which owns malloc, its allocation hooks do the counting. (Declared
// here: g++ 12 ships no <sanitizer/allocator_interface.h>, but libasan exports the function.)
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));

namespace {
void on_malloc(const volatile void*, std::size_t) { g_allocations.fetch_add(1, std::memory_order_relaxed); }
void on_free(const volatile void*) {}
const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
// Otherwise this executable's malloc family replaces glibc's (symbol interposition) and forwards
// to glibc's own entry points.
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);

void* malloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(pointer, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  *result = __libc_memalign(alignment, size);
  return *result == nullptr && size != 0 ? 12 /* ENOMEM */ : 0;
}
void free(void* pointer) { __libc_free(pointer); }
}
#endif

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
  // Every table entry, and formulas learning parameters shared by the layer or one per unit.
  std::vector<Activation> list;
  for (const ActivationSpec& spec : activations()) list.push_back(Activation::with_defaults(spec.name));
  for (const bool per_unit : {false, true}) {
    list.push_back(Activation::of_formula(FormulaActivation::make(
        "", "x * sigmoid(beta * x) + gamma * tanh(x)", {{.name = "beta", .value = 1}, {.name = "gamma", .value = 0.1}},
        {"beta", "gamma"}, per_unit)));
  }
  for (const Activation& activation : list) {
    for (const OptimizerSpec& optimizer_spec : optimizers()) {
      CAPTURE(activation.describe());
      CAPTURE(optimizer_spec.name);
      const LayerSpec specs[] = {LayerSpec::linear(16), LayerSpec::activation_of(activation), LayerSpec::dropout(0.1),
                                 LayerSpec::linear(8), LayerSpec::activation_of(activation)};
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

TEST_CASE("the allocation counter sees allocations, Eigen's and operator new's (so the test above can fail)") {
  std::size_t before = test::allocation_count();
  Matrix m(10, 10);
  m.setZero();
  CHECK(test::allocation_count() > before);
  before = test::allocation_count();
  const auto boxed = std::make_unique<int>(3);
  CHECK(test::allocation_count() > before);
}
