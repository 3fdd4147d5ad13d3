// mlp_micro_bench: Google Benchmark micro-benchmarks of the training step's pieces.
//
//   activation/<name>     forward + backward of every activation in the table, through
//                         mlp::ActivationLayer as training runs it, on a 256 x 4096 float32 batch
//                         with inputs uniform in [-4, 4]; counters ns_per_element and
//                         passes_input_through (1: a network skips the layer, as for identity)
//   formula/<name>        forward + backward of a formula activation equal to built-in <name>
//                         (mlp::formula::Kernel, float) on the same batch, for comparison with
//                         activation/<name>; label: the formula
//   copy                  a plain copy of the same batch: the memory floor of any elementwise pass
//   dense/<in>x<out>/batch:<n>/threads:<t>
//                         forward + backward (dW, db and dX) of one mlp::DenseLayer; counter GFLOPs
//                         (the three products, 2 in out n FLOPs each)
//   loss/<name>/outputs:<k>/batch:<n>
//                         value and gradient of a loss (mlp::Loss::value_and_grad) on k outputs
//                         of a batch of n, outputs uniform in [-4, 4]; counter ns_per_element
//   network/<shape>/batch:<n>
//                         forward + backward of a whole ReLU network of the workloads' shapes
//
// Times are wall-clock (UseRealTime), as PyTorch's are measured, so counters are per second of
// real time; with threads:2 the CPU time of the calling thread alone would flatter the figure.
//
// Run: build/bench/bench/mlp_micro_bench [--benchmark_filter=activation] [--benchmark_format=json]
// (bench/run runs it and reads the JSON).
#include "mlp/activation.hpp"
#include "mlp/formula.hpp"
#include "mlp/init.hpp"
#include "mlp/layers.hpp"
#include "mlp/loss.hpp"
#include "mlp/network.hpp"
#include "mlp/rng.hpp"
#include "mlp/thread_pool.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

namespace {

using namespace mlp;

constexpr Index kRows = 256;
constexpr Index kCols = 4096;

Matrix uniform_matrix(Index rows, Index cols, double lo, double hi, std::string_view stream) {
  Rng rng(7, stream);
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<Scalar>(rng.uniform(lo, hi));
  return m;
}

// Time per element, shown in nanoseconds: Google Benchmark reports an inverted rate in seconds.
benchmark::Counter per_element(benchmark::State& state, Index elements) {
  return benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(elements) * 1e-9,
                            benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void copy_batch(benchmark::State& state) {
  const Matrix z = uniform_matrix(kRows, kCols, -4, 4, "z");
  Matrix a(kRows, kCols);
  for (auto _ : state) {
    a = z;
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_element"] = per_element(state, z.size());
}

void activation_step(benchmark::State& state, const ActivationSpec* spec) {
  ActivationLayer layer(Activation::with_defaults(spec->name), kRows);
  const Matrix z = uniform_matrix(kRows, kCols, -4, 4, "z");
  const Matrix grad_a = uniform_matrix(kRows, kCols, -1, 1, "grad_a");
  Matrix a(kRows, kCols);
  Matrix grad_z(kRows, kCols);
  // As training runs it: a network skips a layer that passes its input through (identity), so
  // it costs nothing, as torch.nn.Identity in a torch.nn.Sequential.
  const bool skipped = layer.passes_input_through(Mode::kTrain);
  for (auto _ : state) {
    if (!skipped) {
      layer.forward(cview(z), view(a), Mode::kTrain);
      layer.backward(cview(z), cview(a), cview(grad_a), view(grad_z));
    }
    benchmark::DoNotOptimize(grad_z.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_element"] = per_element(state, z.size());
  state.counters["passes_input_through"] = skipped ? 1 : 0;
}

void formula_step(benchmark::State& state, const char* text) {
  const formula::Formula f = formula::Formula::parse(text);
  const formula::Kernel<Scalar> kernel(f, {});
  auto scratch = kernel.make_scratch();
  const Matrix z = uniform_matrix(kRows, kCols, -4, 4, "z");
  const Matrix grad_a = uniform_matrix(kRows, kCols, -1, 1, "grad_a");
  Matrix a(kRows, kCols);
  Matrix grad_z(kRows, kCols);
  for (auto _ : state) {
    kernel.forward({}, cview(z), view(a), scratch);
    kernel.backward({}, cview(z), cview(a), cview(grad_a), view(grad_z), scratch);
    benchmark::DoNotOptimize(grad_z.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_element"] = per_element(state, z.size());
  state.SetLabel(text);
}

// args: in, out, batch, threads
void dense_step(benchmark::State& state) {
  const Index in = state.range(0), out = state.range(1), batch = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  DenseLayer layer(in, out);
  Rng rng(7, "init");
  Initializer::pytorch_default().apply(view(layer.weight()), VectorView(layer.bias().data(), out), rng);
  layer.set_thread_pool(&pool);
  const Matrix input = uniform_matrix(in, batch, -1, 1, "input");
  const Matrix grad_output = uniform_matrix(out, batch, -1, 1, "grad_output");
  Matrix output(out, batch);
  Matrix grad_input(in, batch);
  for (auto _ : state) {
    layer.forward(cview(input), view(output), Mode::kTrain);
    layer.backward(cview(input), cview(output), cview(grad_output), view(grad_input));
    benchmark::DoNotOptimize(grad_input.data());
    benchmark::ClobberMemory();
  }
  const double flops = 6.0 * static_cast<double>(in * out * batch);
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// args: batch; `sizes` is the whole shape, inputs to outputs, ReLU between linear layers.
void loss_step(benchmark::State& state, const char* name) {
  const Index outputs = state.range(0), batch = state.range(1);
  const Loss loss = Loss::with_defaults(name);
  const Matrix output = uniform_matrix(outputs, batch, -4, 4, "output");
  Matrix target(loss.spec->target == TargetKind::kClassIndex ? 1 : outputs, batch);
  for (Index j = 0; j < batch; ++j) {
    for (Index i = 0; i < target.rows(); ++i) {
      target(i, j) = loss.spec->target == TargetKind::kClassIndex ? static_cast<Scalar>((j * 7) % outputs)
                                                                  : static_cast<Scalar>(output(i, j) * 0.5f);
    }
  }
  Matrix grad(outputs, batch);
  for (auto _ : state) {
    benchmark::DoNotOptimize(loss.value_and_grad(cview(output), cview(target), view(grad)));
    benchmark::DoNotOptimize(grad.data());
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_element"] = per_element(state, output.size());
}

void network_step(benchmark::State& state, std::vector<Index> sizes) {
  const Index batch = state.range(0);
  std::vector<LayerSpec> hidden;
  for (std::size_t i = 1; i + 1 < sizes.size(); ++i) {
    hidden.push_back(LayerSpec::linear(sizes[i]));
    hidden.push_back(LayerSpec::activation_of(Activation::with_defaults("relu")));
  }
  Network network = Network::build(sizes.front(), hidden, sizes.back(), Initializer::pytorch_default(), 7);
  network.reserve(batch);
  const Matrix input = uniform_matrix(sizes.front(), batch, -1, 1, "input");
  const Matrix grad_output = uniform_matrix(sizes.back(), batch, -1, 1, "grad_output");
  for (auto _ : state) {
    benchmark::DoNotOptimize(network.forward(cview(input), Mode::kTrain).data());
    network.backward(cview(grad_output));
    benchmark::ClobberMemory();
  }
  state.counters["samples_per_second"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

void register_benchmarks() {
  benchmark::RegisterBenchmark("copy", copy_batch)->Unit(benchmark::kMicrosecond)->UseRealTime();
  for (const ActivationSpec& spec : activations()) {
    benchmark::RegisterBenchmark(("activation/" + std::string(spec.name)).c_str(), activation_step, &spec)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  for (const auto& [name, text] : std::vector<std::array<const char*, 2>>{
           {"silu", "x * sigmoid(x)"}, {"leaky_relu", "max(x, 0.01 * x)"}, {"mish", "x * tanh(softplus(x))"}}) {
    benchmark::RegisterBenchmark(("formula/" + std::string(name)).c_str(), formula_step, text)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  // The dense layers of workloads (a) 64-64-64-10 at batch 32 and (b) 784-256-256-10 at batch 256.
  auto* dense = benchmark::RegisterBenchmark("dense", dense_step)->ArgNames({"in", "out", "batch", "threads"});
  for (const auto& [in, out, batch] : std::vector<std::array<Index, 3>>{
           {64, 64, 32}, {64, 10, 32}, {784, 256, 256}, {256, 256, 256}, {256, 10, 256}}) {
    for (const Index threads : {1, 2}) dense->Args({in, out, batch, threads});
  }
  dense->Unit(benchmark::kMicrosecond)->UseRealTime();
  // The losses of the workloads: (a)'s and (b)'s 10 classes at batch 32 and 256, (d)'s regression.
  auto* cross_entropy = benchmark::RegisterBenchmark("loss/cross_entropy", loss_step, "cross_entropy");
  cross_entropy->ArgNames({"outputs", "batch"})->Args({10, 32})->Args({10, 256});
  auto* mse = benchmark::RegisterBenchmark("loss/mse", loss_step, "mse");
  mse->ArgNames({"outputs", "batch"})->Args({1, 64});
  for (auto* loss : {cross_entropy, mse}) loss->Unit(benchmark::kMicrosecond)->UseRealTime();
  benchmark::RegisterBenchmark("network/64-64-64-10", network_step, std::vector<Index>{64, 64, 64, 10})
      ->ArgName("batch")
      ->Arg(32)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("network/784-256-256-10", network_step, std::vector<Index>{784, 256, 256, 10})
      ->ArgName("batch")
      ->Arg(256)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
