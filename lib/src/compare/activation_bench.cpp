// The activation micro-benchmark: timing each function through its layer, and the costs laid out
// for people (table), scripts (csv) and programs (json).
#include "mlp/activation_bench.hpp"

#include "mlp/csv.hpp"
#include "mlp/layers.hpp"
#include "mlp/rng.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

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

using Fields = std::vector<std::pair<std::string, nlohmann::json>>;  // name, value

// One cost's fields, named once for the CSV header and the JSON keys, in the CSV's order.
Fields fields(const ActivationCost& c) {
  return {{"activation", c.activation},
          {"forward_ns", c.forward_ns},
          {"backward_ns", c.backward_ns},
          {"total_ns", c.total_ns()},
          {"passes_input_through", c.passes_input_through}};
}

std::string csv_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return format_number(value.get<double>());
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

std::string activation_costs_table(std::span<const ActivationCost> costs) {
  const double copy = costs.empty() ? 1 : costs.front().forward_ns;
  // The name padded to 36 columns as printf's %-36s would, but never cut short.
  auto name = [](const std::string& text) { return text + std::string(text.size() < 36 ? 36 - text.size() : 0, ' '); };
  char numbers[128];
  std::snprintf(numbers, sizeof numbers, " %12s %12s %12s %9s", "forward ns", "backward ns", "total ns", "x copy");
  std::string text = name("activation") + numbers + "\n";
  for (const ActivationCost& c : costs) {
    std::snprintf(numbers, sizeof numbers, " %12.3f %12.3f %12.3f %9.1f", c.forward_ns, c.backward_ns, c.total_ns(),
                  c.total_ns() / copy);
    text += name(c.activation) + numbers + (c.passes_input_through ? "  (passes its input through)" : "") + "\n";
  }
  return text +
         "(ns per element, median of 5; \"copy\" reads and writes the batch once; a network skips a layer\n"
         " that passes its input through, as PyTorch's Sequential does with torch.nn.Identity)\n";
}

std::string activation_costs_csv(std::span<const ActivationCost> costs) {
  auto line = [](const ActivationCost& c, bool header) {
    std::string text;
    bool first = true;
    for (const auto& [name, value] : fields(c)) {
      text += (first ? "" : ",") + csv_field(header ? name : csv_text(value));
      first = false;
    }
    return text + "\n";
  };
  std::string text = line(ActivationCost{}, true);
  for (const ActivationCost& c : costs) text += line(c, false);
  return text;
}

nlohmann::json activation_costs_json(std::span<const ActivationCost> costs) {
  nlohmann::json list = nlohmann::json::array();
  for (const ActivationCost& c : costs) {
    nlohmann::json entry = nlohmann::json::object();
    for (auto& [name, value] : fields(c)) entry[name] = std::move(value);
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace mlp
