// Parameter blocks over vectors the test owns, for optimizer and clipping tests.
#pragma once

#include "mlp/layer.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/param.hpp"

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::test {

struct TestParams {
  std::vector<Vector> values;
  std::vector<Vector> grads;
  std::vector<ParamBlock> blocks;  // views of values and grads

  // One block per list of initial values; gradients start at zero.
  explicit TestParams(std::initializer_list<std::initializer_list<double>> init) {
    for (const auto& block : init) {
      Vector v(static_cast<Index>(block.size()));
      Index i = 0;
      for (double x : block) v[i++] = static_cast<Scalar>(x);
      values.push_back(v);
    }
    make_blocks();
  }
  // One block per vector of initial values; gradients start at zero.
  explicit TestParams(std::vector<Vector> init) : values(std::move(init)) { make_blocks(); }
  TestParams(const TestParams&) = delete;  // the blocks point into this object's vectors
  TestParams& operator=(const TestParams&) = delete;

 private:
  void make_blocks() {
    for (const Vector& v : values) grads.push_back(Vector::Zero(v.size()));
    for (std::size_t b = 0; b < values.size(); ++b) {
      blocks.push_back({"block" + std::to_string(b), VectorView(values[b].data(), values[b].size()),
                        VectorView(grads[b].data(), grads[b].size())});
    }
  }
};

// A hyper-parameter to set: its name, its value, and a pair's second value.
struct Setting {
  std::string_view name;
  double value;
  double second = 0;
};

// The optimizer `name` with its defaults overridden by `settings`.
inline OptimizerConfig optimizer_with(std::string_view name, std::initializer_list<Setting> settings) {
  OptimizerConfig config = OptimizerConfig::with_defaults(name);
  for (const Setting& setting : settings) {
    const int slot = slot_of(config.spec->param_specs(), setting.name);
    if (slot < 0) throw std::out_of_range("no parameter " + std::string(setting.name));
    config.params[static_cast<std::size_t>(slot)] = setting.value;
    for (const ParamSpec& spec : config.spec->params) {
      if (spec.name == setting.name && spec.kind == ParamKind::kNumberPair) {
        config.params[static_cast<std::size_t>(slot) + 1] = setting.second;
      }
    }
  }
  return config;
}

}  // namespace mlp::test
