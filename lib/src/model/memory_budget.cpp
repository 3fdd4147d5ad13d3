#include "mlp/memory_budget.hpp"
#include "mlp/text.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace mlp {
namespace {

constexpr double kScalarBytes = sizeof(Scalar);
// Evaluation and prediction run in chunks: the trainer reserves at least this many columns, and
// Network::predict at most the second.
constexpr Index kMinTrainingColumns = 256;
constexpr Index kPredictionColumns = 1024;

[[noreturn]] void bad_limit(std::string_view text) {
  throw InputError("\"" + std::string(text) +
                   "\" is not a memory size; expected bytes with an optional K, M, G or T (powers of 1024), e.g. "
                   "512M or 4G, or a share of the memory this process may use, e.g. 75%");
}

// The multiplier of a size suffix ("", "K", "KiB", "kb", ...), or 0 when it is not one.
double suffix_factor(std::string_view suffix) {
  std::string lower;
  for (const char c : suffix) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.empty() || lower == "b") return 1;
  constexpr std::string_view kUnits = "kmgt";
  const std::size_t power = kUnits.find(lower[0]);
  const std::string_view rest = std::string_view(lower).substr(1);
  if (power == std::string_view::npos || !(rest.empty() || rest == "b" || rest == "ib")) return 0;
  return std::pow(1024.0, static_cast<double>(power + 1));
}

// Activation buffers: (inputs + sum of widths) x columns values, twice (see training_memory).
double activation_bytes(const NetworkShape& shape, Index columns) {
  double values = static_cast<double>(shape.inputs);
  for (const Index width : shape.widths) values += static_cast<double>(width);
  return 2 * values * static_cast<double>(columns) * kScalarBytes;
}

}  // namespace

MemorySize default_memory_limit() {
  const MemorySize usable = usable_memory();
  // Without a figure from the system there is nothing to take a share of: no limit.
  if (usable.bytes == 0) return {UINT64_MAX, "no memory size known"};
  return {usable.bytes / 2, "half of " + usable.source};
}

std::uint64_t parse_memory_limit(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || !std::isfinite(value) || !(value > 0)) bad_limit(text);
  const std::string_view suffix = text.substr(static_cast<std::size_t>(end - text.data()));
  double bytes = 0;
  if (suffix == "%") {
    const std::uint64_t usable = usable_memory().bytes;
    if (value > 100 || usable == 0) bad_limit(text);
    bytes = static_cast<double>(usable) * value / 100;
  } else {
    const double factor = suffix_factor(suffix);
    if (factor == 0) bad_limit(text);
    bytes = value * factor;
  }
  // 2^64 is exactly representable; anything at or above it does not fit the result.
  if (bytes < 1 || bytes >= 18446744073709551616.0) bad_limit(text);
  return static_cast<std::uint64_t>(bytes);
}

std::uint64_t memory_limit_or_default(std::string_view text) {
  return text.empty() ? default_memory_limit().bytes : parse_memory_limit(text);
}

NetworkShape network_shape(Index inputs, std::span<const LayerSpec> hidden, Index outputs) {
  NetworkShape shape;
  shape.inputs = inputs;
  Index width = inputs;
  for (const LayerSpec& layer : hidden) {
    switch (layer.type) {
      case LayerSpec::Type::kLinear:
        shape.parameters += (static_cast<double>(width) + 1) * static_cast<double>(layer.units);
        width = layer.units;
        break;
      case LayerSpec::Type::kActivation:
        shape.parameters += static_cast<double>(layer.activation.learned_count(width));
        break;
      case LayerSpec::Type::kDropout:
        break;
      case LayerSpec::Type::kEmbedding: {
        Index out = 0;
        for (const EmbeddingPart& part : layer.parts) {
          shape.parameters += static_cast<double>(part.inputs) * static_cast<double>(part.dim);
          out += part.dim == 0 ? part.inputs : part.dim;
        }
        width = out;
        break;
      }
    }
    shape.widths.push_back(width);
  }
  shape.parameters += (static_cast<double>(width) + 1) * static_cast<double>(outputs);
  shape.widths.push_back(outputs);
  return shape;
}

MemoryNeed training_memory(const NetworkShape& shape, int optimizer_slots, Index batch_size) {
  MemoryNeed need;
  need.parameters = shape.parameters;
  // Weights, gradients, the optimizer's state and the trainer's copy of the weights to fall back on.
  const int copies = 3 + optimizer_slots;
  need.parameter_bytes = shape.parameters * copies * kScalarBytes;
  need.copies = "weights, gradients, ";
  if (optimizer_slots > 0) {
    need.copies +=
        std::to_string(optimizer_slots) + " optimizer state vector" + (optimizer_slots == 1 ? "" : "s") + ", ";
  }
  need.copies += "and a kept copy of the weights";
  need.batch = std::max(batch_size, kMinTrainingColumns);
  need.activation_bytes = activation_bytes(shape, need.batch);
  return need;
}

MemoryNeed prediction_memory(const NetworkShape& shape) {
  MemoryNeed need;
  need.parameters = shape.parameters;
  need.parameter_bytes = shape.parameters * 2 * kScalarBytes;
  need.copies = "weights and their gradient storage";
  need.batch = kPredictionColumns;
  need.activation_bytes = activation_bytes(shape, need.batch);
  return need;
}

int optimizer_state_slots(const OptimizerConfig& optimizer) {
  Vector value = Vector::Zero(1);
  Vector grad = Vector::Zero(1);
  const ParamBlock block{"probe", VectorView(value.data(), 1), VectorView(grad.data(), 1)};
  return static_cast<int>(optimizer.create(std::span<const ParamBlock>(&block, 1))->state_buffers().size());
}

void check_memory(const MemoryNeed& need, std::uint64_t limit, const std::string& source) {
  if (need.total() <= static_cast<double>(limit)) return;
  char parameters[32];
  // 403, or 1.1e+12 where every digit would be noise.
  std::snprintf(parameters, sizeof parameters, need.parameters < 1e6 ? "%.0f" : "%.3g", need.parameters);
  std::string parts = format_bytes(need.parameter_bytes) + " for " + parameters + " parameters as " + need.copies +
                      "; " + format_bytes(need.activation_bytes) + " for activations at batch " +
                      std::to_string(need.batch);
  if (need.networks > 1) parts = std::to_string(need.networks) + " networks at once, each with " + parts;
  if (need.data_bytes > 0) parts += "; " + format_bytes(need.data_bytes) + " for the data";
  const bool whole_run = need.data_bytes > 0 || need.networks > 1;
  // The default says where it came from (a cgroup's limit can be far below what the machine has).
  const MemorySize fallback = default_memory_limit();
  const std::string limit_source = limit == fallback.bytes ? " (" + fallback.source + ")" : "";
  throw InputError(source + ": the " + (whole_run ? "run" : "network") + " needs " + format_bytes(need.total()) + " (" +
                   parts + ") but the memory limit is " + format_bytes(static_cast<double>(limit)) + limit_source +
                   "; see --memory-limit");
}

}  // namespace mlp
