#include "mlp/activation_bench.hpp"

#include "mlp/layers.hpp"
#include "mlp/rng.hpp"

#include <algorithm>
#include <chrono>

namespace mlp {
namespace {

// Nanoseconds per element of `pass`, the median of 5 timings of enough repeats to last
// min_seconds / 5 each.
template <class Pass>
double time_per_element(Pass&& pass, double elements, double min_seconds) {
  using Clock = std::chrono::steady_clock;
  pass();  // warm caches
  int repeats = 1;
  for (;;) {
    const auto start = Clock::now();
    for (int r = 0; r < repeats; ++r) pass();
    if (std::chrono::duration<double>(Clock::now() - start).count() >= min_seconds / 5 || repeats >= (1 << 20)) break;
    repeats *= 2;
  }
  std::vector<double> samples;
  for (int k = 0; k < 5; ++k) {
    const auto start = Clock::now();
    for (int r = 0; r < repeats; ++r) pass();
    samples.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count() / (repeats * elements));
  }
  std::nth_element(samples.begin(), samples.begin() + 2, samples.end());
  return samples[2];
}

}  // namespace

std::vector<ActivationCost> bench_activations(std::span<const Activation> activations, Index rows, Index cols,
                                              double min_seconds) {
  Rng rng(1, "bench");
  Matrix z(rows, cols);
  for (Index i = 0; i < z.size(); ++i) z.data()[i] = static_cast<Scalar>(rng.uniform(-4, 4));
  const Matrix grad_a = Matrix::Constant(rows, cols, Scalar(0.5));
  Matrix a(rows, cols);
  Matrix grad_z(rows, cols);
  const auto elements = static_cast<double>(z.size());

  std::vector<ActivationCost> costs;
  const double copy = time_per_element([&] { a = z; }, elements, min_seconds);
  costs.push_back({"copy", copy, 0});
  for (const Activation& activation : activations) {
    // Through the layer, as training runs it (learned values, per-unit gradient sums included).
    // A network skips a layer that passes its input through (identity): it costs nothing.
    ActivationLayer layer(activation, rows);
    ActivationCost cost{activation.describe(), 0, 0, layer.passes_input_through(Mode::kTrain)};
    if (cost.passes_input_through) {
      costs.push_back(cost);
      continue;
    }
    cost.forward_ns = time_per_element([&] { layer.forward(cview(z), view(a), Mode::kTrain); }, elements, min_seconds);
    cost.backward_ns = time_per_element([&] { layer.backward(cview(z), cview(a), cview(grad_a), view(grad_z)); },
                                        elements, min_seconds);
    costs.push_back(cost);
  }
  return costs;
}

}  // namespace mlp
