// Optimizers, with the update rules exactly as the torch.optim documentation writes them, and
// gradient clipping by global norm (torch.nn.utils.clip_grad_norm_).
#pragma once

#include "mlp/layer.hpp"
#include "mlp/param.hpp"
#include "mlp/registry.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlp {

class ThreadPool;

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One update of every block from its gradient at learning rate `lr`. The step count t (Adam's
  // bias correction) advances once per call, not once per block. Large blocks are updated in
  // parts spread over `pool` (nullptr: all on the calling thread); every element's update is
  // the same arithmetic either way, so the result does not depend on the pool. Returns whether
  // every updated value is finite (false: the run diverged), checked while the values are hot.
  bool step(std::span<const ParamBlock> params, double lr, ThreadPool* pool = nullptr);

  std::int64_t steps() const { return steps_; }

  // The optimizer's whole state for checkpoints: the step count and every state vector
  // (momentum buffers, moments, ...) in a fixed order. Restoring them resumes bit for bit.
  virtual std::vector<Vector*> state_buffers() = 0;
  void set_steps(std::int64_t steps) { steps_ = steps; }

 protected:
  // Per-step values (bias corrections, the rate as Scalar), once per step after steps_ advanced.
  virtual void begin_step(double lr) = 0;
  // Updates elements [first, first + count) of block b (and their state); parts never overlap.
  virtual void update_segment(std::span<const ParamBlock> blocks, std::size_t b, Index first, Index count) = 0;

  std::int64_t steps_ = 0;
};

// Creates an optimizer for these parameter blocks (state sized to them) from resolved values.
using CreateOptimizer = std::unique_ptr<Optimizer> (*)(std::span<const double> params,
                                                       std::span<const ParamBlock> blocks);

struct OptimizerSpec {
  static constexpr std::string_view kNoun = "optimizer";  // in messages: unknown optimizer "x"

  std::string_view name;
  std::initializer_list<std::string_view> aliases;  // none so far
  std::string_view formula;                         // the update rule in one line
  std::string_view torch;                           // e.g. "torch.optim.AdamW"
  std::initializer_list<ParamSpec> params;          // "lr" first, always
  std::initializer_list<ParamRule> rules = {};      // between parameters, see param.hpp
  CreateOptimizer create;

  std::span<const ParamSpec> param_specs() const { return {params.begin(), params.size()}; }
  std::span<const ParamRule> param_rules() const { return {rules.begin(), rules.size()}; }
};

const Registry<OptimizerSpec>& optimizers();

// An optimizer with its hyper-parameters resolved (lookup, defaults and describe() from
// registry.hpp).
struct OptimizerConfig : Configured<OptimizerConfig, OptimizerSpec, optimizers> {
  double lr() const { return params.at(0); }
  std::unique_ptr<Optimizer> create(std::span<const ParamBlock> blocks) const { return spec->create(params, blocks); }
};

// Scales every gradient by max_norm / (norm + 1e-6) when that is below 1, as
// torch.nn.utils.clip_grad_norm_ does; the trainer calls it every step when
// train.clip_grad_norm > 0. Returns the global L2 norm before clipping (NaN or infinite when a
// gradient is, with the gradients left as they are).
double clip_grad_norm(std::span<const ParamBlock> params, double max_norm);

// Global L2 norm of all gradients.
double grad_norm(std::span<const ParamBlock> params);

}  // namespace mlp
