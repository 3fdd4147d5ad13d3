// The optimizers' update rules: torch.optim 1.13's single-tensor implementations
// (_single_tensor_sgd, _single_tensor_adam, ...) written out element by element, with the
// operations in torch's order and its hyper-parameters rounded to Scalar as torch rounds Python
// floats to the tensor's dtype, so float32 runs follow torch closely. In the comments, p is a
// parameter, g its gradient, lr the rate passed to step(), t the step count after this step.
// State is allocated at construction; step() allocates nothing.
#include "updates.hpp"

#include "mlp/error.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mlp {
namespace {

using Span = std::span<const ParamBlock>;

Scalar to_scalar(double x) { return static_cast<Scalar>(x); }
bool flag(double slot) { return slot != 0; }

// One state vector per block, sized like the block's values and filled with `value`.
std::vector<Vector> state_like(Span blocks, double value = 0) {
  std::vector<Vector> state;
  state.reserve(blocks.size());
  for (const ParamBlock& block : blocks) state.push_back(Vector::Constant(block.value.size(), to_scalar(value)));
  return state;
}

// Pointers to every vector of each group, group after group: the order state_buffers() documents.
std::vector<Vector*> pointers_to(std::initializer_list<std::vector<Vector>*> groups) {
  std::vector<Vector*> pointers;
  for (std::vector<Vector>* group : groups) {
    for (Vector& v : *group) pointers.push_back(&v);
  }
  return pointers;
}

// torch.optim.SGD. State: momentum_buffer per block (only when momentum > 0).
//   g <- g + weight_decay p
//   buf <- g at the first step, else momentum buf + (1 - dampening) g
//   g <- g + momentum buf (nesterov), else buf
//   p <- p - lr g
class Sgd final : public Optimizer {
 public:
  Sgd(std::span<const double> params, Span blocks)
      : momentum_(to_scalar(params[1])),
        one_minus_dampening_(to_scalar(1 - params[2])),
        weight_decay_(to_scalar(params[3])),
        nesterov_(flag(params[4])) {
    if (nesterov_ && (params[1] <= 0 || params[2] != 0)) {
      throw InputError("optimizer sgd: nesterov=true requires momentum > 0 and dampening = 0");
    }
    if (params[1] != 0) momentum_buffer_ = state_like(blocks);
  }

  std::vector<Vector*> state_buffers() override { return pointers_to({&momentum_buffer_}); }

 private:
  void begin_step(double lr) override {
    first_ = steps_ == 1;
    minus_lr_ = to_scalar(-lr);
  }

  // Array expressions over the segment (vectorised); the branches are taken once per segment.
  void update_segment(Span blocks, std::size_t b, Index first, Index count) override {
    auto p = blocks[b].value.segment(first, count).array();
    const auto grad = blocks[b].grad.segment(first, count).array();
    if (weight_decay_ != 0) {
      update(b, first, count, p, grad + weight_decay_ * p);
    } else {
      update(b, first, count, p, grad);
    }
  }

  template <class Params, class Grad>
  void update(std::size_t b, Index first, Index count, Params& p, const Grad& d) {
    const Scalar minus_lr = minus_lr_;
    if (momentum_buffer_.empty()) {
      p += minus_lr * d;
      return;
    }
    auto buf = momentum_buffer_[b].segment(first, count).array();
    if (first_) {
      buf = d;
    } else {
      buf = buf * momentum_ + one_minus_dampening_ * d;
    }
    if (nesterov_) {
      p += minus_lr * (d + momentum_ * buf);
    } else {
      p += minus_lr * buf;
    }
  }

  Scalar momentum_;
  Scalar one_minus_dampening_;
  Scalar weight_decay_;
  bool nesterov_;
  std::vector<Vector> momentum_buffer_;
  // This step's values (begin_step).
  bool first_ = false;
  Scalar minus_lr_ = 0;
};

// torch.optim.Adam, and torch.optim.AdamW when `decoupled`. State: exp_avg per block, then
// exp_avg_sq per block, then max_exp_avg_sq per block (only with amsgrad).
//   Adam:  g <- g + weight_decay p          AdamW: p <- p (1 - lr weight_decay)
//   m <- beta1 m + (1 - beta1) g
//   v <- beta2 v + (1 - beta2) g^2
//   v_max <- max(v_max, v), used instead of v (amsgrad)
//   p <- p - (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
class Adam final : public Optimizer {
 public:
  Adam(std::span<const double> params, Span blocks, bool decoupled)
      : beta1_(params[1]),
        beta2_(params[2]),
        eps_(to_scalar(params[3])),
        weight_decay_(params[4]),
        amsgrad_(flag(params[5])),
        decoupled_(decoupled),
        exp_avg_(state_like(blocks)),
        exp_avg_sq_(state_like(blocks)) {
    if (amsgrad_) max_exp_avg_sq_ = state_like(blocks);
  }

  std::vector<Vector*> state_buffers() override { return pointers_to({&exp_avg_, &exp_avg_sq_, &max_exp_avg_sq_}); }

 private:
  struct Coefficients {
    Scalar beta1, one_minus_beta1, beta2, one_minus_beta2, minus_step_size, bias_correction2_sqrt, decay;
  };

  void begin_step(double lr) override {
    const auto t = static_cast<double>(steps_);
    c_.minus_step_size = to_scalar(-(lr / (1 - std::pow(beta1_, t))));
    c_.bias_correction2_sqrt = to_scalar(std::sqrt(1 - std::pow(beta2_, t)));
    c_.beta1 = to_scalar(beta1_);
    c_.one_minus_beta1 = to_scalar(1 - beta1_);
    c_.beta2 = to_scalar(beta2_);
    c_.one_minus_beta2 = to_scalar(1 - beta2_);
    c_.decay = to_scalar(decoupled_ ? 1 - lr * weight_decay_ : weight_decay_);
  }

  // Array expressions over the segment (vectorised); the branches are taken once per segment.
  void update_segment(Span blocks, std::size_t b, Index first, Index count) override {
    auto p = blocks[b].value.segment(first, count).array();
    const auto grad = blocks[b].grad.segment(first, count).array();
    if (decoupled_) {
      p *= c_.decay;
      update(b, first, count, p, grad);
    } else if (weight_decay_ != 0) {
      update(b, first, count, p, grad + c_.decay * p);
    } else {
      update(b, first, count, p, grad);
    }
  }

  template <class Params, class Grad>
  void update(std::size_t b, Index first, Index count, Params& p, const Grad& g) {
    const Coefficients& c = c_;
    auto m = exp_avg_[b].segment(first, count).array();
    auto v = exp_avg_sq_[b].segment(first, count).array();
    m = m * c.beta1 + c.one_minus_beta1 * g;
    v = v * c.beta2 + c.one_minus_beta2 * g * g;
    if (amsgrad_) {
      auto v_max = max_exp_avg_sq_[b].segment(first, count).array();
      v_max = v_max.max(v);
      p += c.minus_step_size * m / (v_max.sqrt() / c.bias_correction2_sqrt + eps_);
    } else {
      p += c.minus_step_size * m / (v.sqrt() / c.bias_correction2_sqrt + eps_);
    }
  }

  double beta1_;
  double beta2_;
  Scalar eps_;
  double weight_decay_;
  bool amsgrad_;
  bool decoupled_;
  std::vector<Vector> exp_avg_;
  std::vector<Vector> exp_avg_sq_;
  std::vector<Vector> max_exp_avg_sq_;
  Coefficients c_{};  // this step's (begin_step)
};

// torch.optim.RMSprop. State: square_avg per block, then momentum_buffer per block (only when
// momentum > 0), then grad_avg per block (only when centered).
//   g <- g + weight_decay p
//   s <- alpha s + (1 - alpha) g^2
//   a <- alpha a + (1 - alpha) g;  avg = sqrt(s - a^2) + eps (centered), else sqrt(s) + eps
//   buf <- momentum buf + g / avg;  p <- p - lr buf (momentum > 0), else p <- p - lr g / avg
class Rmsprop final : public Optimizer {
 public:
  Rmsprop(std::span<const double> params, Span blocks)
      : alpha_(to_scalar(params[1])),
        one_minus_alpha_(to_scalar(1 - params[1])),
        eps_(to_scalar(params[2])),
        weight_decay_(to_scalar(params[3])),
        momentum_(to_scalar(params[4])),
        square_avg_(state_like(blocks)) {
    if (params[4] > 0) momentum_buffer_ = state_like(blocks);
    if (flag(params[5])) grad_avg_ = state_like(blocks);
  }

  std::vector<Vector*> state_buffers() override { return pointers_to({&square_avg_, &momentum_buffer_, &grad_avg_}); }

 private:
  void begin_step(double lr) override { minus_lr_ = to_scalar(-lr); }

  void update_segment(Span blocks, std::size_t b, Index first, Index count) override {
    const Scalar minus_lr = minus_lr_;
    const bool centered = !grad_avg_.empty();
    const bool with_momentum = !momentum_buffer_.empty();
    VectorView p = blocks[b].value;
    const VectorView grad = blocks[b].grad;
    Vector& s = square_avg_[b];
    for (Index i = first; i < first + count; ++i) {
      Scalar g = grad[i];
      if (weight_decay_ != 0) g = g + weight_decay_ * p[i];
      s[i] = s[i] * alpha_ + one_minus_alpha_ * g * g;
      Scalar avg;
      if (centered) {
        Scalar& a = grad_avg_[b][i];
        a = a * alpha_ + one_minus_alpha_ * g;
        avg = std::sqrt(s[i] + Scalar(-1) * a * a);
      } else {
        avg = std::sqrt(s[i]);
      }
      avg = avg + eps_;
      if (with_momentum) {
        Scalar& buf = momentum_buffer_[b][i];
        buf = buf * momentum_ + g / avg;
        p[i] = p[i] + minus_lr * buf;
      } else {
        p[i] = p[i] + minus_lr * g / avg;
      }
    }
  }

  Scalar alpha_;
  Scalar one_minus_alpha_;
  Scalar eps_;
  Scalar weight_decay_;
  Scalar momentum_;
  std::vector<Vector> square_avg_;
  std::vector<Vector> momentum_buffer_;
  std::vector<Vector> grad_avg_;
  Scalar minus_lr_ = 0;  // this step's (begin_step)
};

// torch.optim.Adagrad. State: sum per block (starting at initial_accumulator_value).
//   g <- g + weight_decay p
//   sum <- sum + g^2
//   p <- p - (lr / (1 + (t - 1) lr_decay)) g / (sqrt(sum) + eps)
class Adagrad final : public Optimizer {
 public:
  Adagrad(std::span<const double> params, Span blocks)
      : lr_decay_(params[1]),
        weight_decay_(to_scalar(params[2])),
        eps_(to_scalar(params[4])),
        sum_(state_like(blocks, params[3])) {}

  std::vector<Vector*> state_buffers() override { return pointers_to({&sum_}); }

 private:
  void begin_step(double lr) override {
    minus_clr_ = to_scalar(-(lr / (1 + static_cast<double>(steps_ - 1) * lr_decay_)));
  }

  void update_segment(Span blocks, std::size_t b, Index first, Index count) override {
    const Scalar minus_clr = minus_clr_;
    VectorView p = blocks[b].value;
    const VectorView grad = blocks[b].grad;
    Vector& sum = sum_[b];
    for (Index i = first; i < first + count; ++i) {
      Scalar g = grad[i];
      if (weight_decay_ != 0) g = g + weight_decay_ * p[i];
      sum[i] = sum[i] + g * g;
      const Scalar denom = std::sqrt(sum[i]) + eps_;
      p[i] = p[i] + minus_clr * g / denom;
    }
  }

  double lr_decay_;
  Scalar weight_decay_;
  Scalar eps_;
  std::vector<Vector> sum_;
  Scalar minus_clr_ = 0;  // this step's (begin_step)
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(std::span<const double> params, Span blocks) {
  return std::make_unique<Sgd>(params, blocks);
}
std::unique_ptr<Optimizer> make_adam(std::span<const double> params, Span blocks, bool decoupled) {
  return std::make_unique<Adam>(params, blocks, decoupled);
}
std::unique_ptr<Optimizer> make_rmsprop(std::span<const double> params, Span blocks) {
  return std::make_unique<Rmsprop>(params, blocks);
}
std::unique_ptr<Optimizer> make_adagrad(std::span<const double> params, Span blocks) {
  return std::make_unique<Adagrad>(params, blocks);
}

}  // namespace mlp
