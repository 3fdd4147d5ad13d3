// Parameter blocks over vectors the test owns, for optimizer and clipping tests.
#pragma once

#include "mlp/layer.hpp"
#include "mlp/optimizer.hpp"

#include <initializer_list>
#include <string>
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

}  // namespace mlp::test
