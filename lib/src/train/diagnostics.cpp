#include "mlp/diagnostics.hpp"

#include "mlp/layers.hpp"

#include <algorithm>

namespace mlp {

std::optional<double> EpochDiagnostics::grad_ratio() const {
  if (weight_grad_norm.size() < 2 || weight_grad_norm.back() == 0) return std::nullopt;
  return weight_grad_norm.front() / weight_grad_norm.back();
}

ActivityAccumulator::ActivityAccumulator(const Network& network) {
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const auto* layer = dynamic_cast<const ActivationLayer*>(&network.layer(i));
    if (layer == nullptr) continue;
    const Activation& activation = layer->activation();
    layers_.push_back({i, activation.flat_value(), activation.bounds(),
                       std::vector<bool>(static_cast<std::size_t>(layer->output_size()), true), 0, 0, 0.0});
  }
}

void ActivityAccumulator::add(const Network& network) {
  for (LayerState& state : layers_) {
    const ConstMatrixView a = network.output_of(state.layer);
    if (state.flat_value) {
      const auto flat = static_cast<Scalar>(*state.flat_value);
      for (Index u = 0; u < a.rows(); ++u) {
        if (state.always_flat[static_cast<std::size_t>(u)]) {
          state.always_flat[static_cast<std::size_t>(u)] = (a.row(u).array() == flat).all();
        }
      }
    }
    if (state.bounds) {
      // Within 1 % of the output range from either bound.
      const double margin = 0.01 * (state.bounds->hi - state.bounds->lo);
      const auto low = static_cast<Scalar>(state.bounds->lo + margin);
      const auto high = static_cast<Scalar>(state.bounds->hi - margin);
      state.saturated += ((a.array() <= low) || (a.array() >= high)).count();
    }
    state.sum += a.cast<double>().sum();
    state.values += a.size();
  }
}

std::vector<ActivityStats> ActivityAccumulator::finish() const {
  std::vector<ActivityStats> stats;
  for (const LayerState& state : layers_) {
    ActivityStats s;
    s.layer = state.layer;
    if (state.flat_value && state.values > 0) {
      const auto dead = std::count(state.always_flat.begin(), state.always_flat.end(), true);
      s.dead_fraction = static_cast<double>(dead) / static_cast<double>(state.always_flat.size());
    }
    if (state.bounds && state.values > 0) {
      s.saturated_fraction = static_cast<double>(state.saturated) / static_cast<double>(state.values);
    }
    s.mean_activation = state.values > 0 ? state.sum / static_cast<double>(state.values) : 0.0;
    stats.push_back(s);
  }
  return stats;
}

std::vector<LearnedStats> learned_stats(const Network& network) {
  std::vector<LearnedStats> stats;
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const auto* layer = dynamic_cast<const ActivationLayer*>(&network.layer(i));
    if (layer == nullptr || layer->learned().size() == 0) continue;
    const Index per_param = layer->learned_per_param();
    Index first = 0;
    for (std::string& name : layer->activation().learned_names()) {
      const auto v = layer->learned().segment(first, per_param);
      stats.push_back({i, std::move(name), static_cast<double>(v.cast<double>().mean()),
                       static_cast<double>(v.minCoeff()), static_cast<double>(v.maxCoeff())});
      first += per_param;
    }
  }
  return stats;
}

}  // namespace mlp
