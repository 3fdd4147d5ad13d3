#include "mlp/layers.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include "core/gemm.hpp"
#include "core/parallel_parts.hpp"
#include "mlp/thread_pool.hpp"

#include <string>

namespace mlp {

// ---- DenseLayer ---------------------------------------------------------------------------

DenseLayer::DenseLayer(Index in_features, Index out_features)
    : weight_(Matrix::Zero(out_features, in_features)),
      bias_(Vector::Zero(out_features)),
      weight_grad_(Matrix::Zero(out_features, in_features)),
      bias_grad_(Vector::Zero(out_features)) {}

// Each product's backend is chosen from the whole product's shape before it is split, and the
// product is split so that its parts compute the same for any --threads (core/gemm.hpp).

// Z = W X + b: the bias is written first and the product accumulated onto it, which saves the
// separate pass over Z that adding the bias afterwards would cost.
void DenseLayer::forward(ConstMatrixView input, MatrixView output, Mode) {
  const double work = static_cast<double>(weight_.size()) * static_cast<double>(input.cols());
  const auto backend = detail::gemm_backend(detail::GemmProduct::kForward, input_size(), output_size(), input.cols());
  detail::for_product_parts(pool_, backend, output_size(), input.cols(), work, [&](Index first, Index count) {
    auto z = output.middleCols(first, count);
    z.colwise() = bias_;
    detail::multiply_accumulate(backend, weight_, input.middleCols(first, count), z);
  });
}

// With G = dL/dZ (out x n):  dL/dW = G X^T,  dL/db = G 1 (sum over the batch),  dL/dX = W^T G.
void DenseLayer::backward(ConstMatrixView input, ConstMatrixView, ConstMatrixView grad_output, MatrixView grad_input) {
  const double work = static_cast<double>(weight_.size()) * static_cast<double>(input.cols());
  const Index batch = input.cols();
  const auto weight_backend =
      detail::gemm_backend(detail::GemmProduct::kWeightGrad, input_size(), output_size(), batch);
  detail::for_product_parts(pool_, weight_backend, output_size(), weight_.cols(), work, [&](Index first, Index count) {
    detail::multiply_transposed(weight_backend, grad_output, input.middleRows(first, count),
                                weight_grad_.middleCols(first, count));
  });
  bias_grad_.noalias() = grad_output.rowwise().sum();
  if (grad_input.rows() == 0) return;
  const auto input_backend = detail::gemm_backend(detail::GemmProduct::kInputGrad, input_size(), output_size(), batch);
  detail::for_product_parts(pool_, input_backend, input_size(), batch, work, [&](Index first, Index count) {
    detail::transposed_multiply(input_backend, weight_, grad_output.middleCols(first, count),
                                grad_input.middleCols(first, count));
  });
}

std::vector<ParamBlock> DenseLayer::parameters() {
  return {
      {"weight", VectorView(weight_.data(), weight_.size()), VectorView(weight_grad_.data(), weight_grad_.size())},
      {"bias", VectorView(bias_.data(), bias_.size()), VectorView(bias_grad_.data(), bias_grad_.size())},
  };
}

// ---- ActivationLayer ----------------------------------------------------------------------

ActivationLayer::ActivationLayer(Activation activation, Index units)
    : activation_(std::move(activation)), units_(units) {
  if (const auto& learnable = activation_.spec->learnable) {
    const double count = activation_.param(learnable->count_param);
    if (count != 1 && count != static_cast<double>(units)) {
      throw InputError(std::string(activation_.spec->name) + ": " + std::string(learnable->count_param) +
                       " must be 1 or the layer's units (" + std::to_string(units) + "), got " +
                       std::to_string(static_cast<long long>(count)));
    }
    learned_per_param_ = activation_.learned_count(units);
    learned_ = Vector::Constant(learned_per_param_, static_cast<Scalar>(activation_.param(learnable->init_param)));
  } else if (const auto& formula = activation_.formula) {
    const std::vector<int> learned = formula->learned_params();
    learned_per_param_ = learned.empty() ? 0 : (formula->per_unit ? units : 1);
    learned_.resize(learned_per_param_ * static_cast<Index>(learned.size()));
    for (std::size_t i = 0; i < learned.size(); ++i) {
      const double initial = formula->parsed.params()[static_cast<std::size_t>(learned[i])].value;
      learned_.segment(static_cast<Index>(i) * learned_per_param_, learned_per_param_)
          .setConstant(static_cast<Scalar>(initial));
    }
    scratch_.push_back(formula->kernel.make_scratch());
  }
  learned_grad_ = Vector::Zero(learned_.size());
  learned_grad_per_unit_ = Vector::Zero(learned_.size() == 0 ? 0 : units * (learned_.size() / learned_per_param_));
}

void ActivationLayer::set_thread_pool(ThreadPool* pool) {
  Layer::set_thread_pool(pool);
  if (!activation_.formula) return;
  const auto parts = static_cast<std::size_t>(pool == nullptr ? 1 : pool->size());
  while (scratch_.size() < parts) scratch_.push_back(activation_.formula->kernel.make_scratch());
}

ActivationArgs ActivationLayer::args() const { return {activation_.params, learned_.data(), learned_.size()}; }

// Parameter k of the formula: its value, or this layer's learned value(s) of it.
std::span<const formula::Kernel<Scalar>::Binding> ActivationLayer::formula_bindings() {
  const std::span<const formula::Param> params = activation_.formula->parsed.params();
  Index learned = 0;
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!params[k].learned) {
      bindings_[k] = {params[k].value, nullptr};
      continue;
    }
    const Scalar* values = learned_.data() + learned * learned_per_param_;
    bindings_[k] = !activation_.formula->per_unit
                       ? formula::Kernel<Scalar>::Binding{static_cast<double>(*values), nullptr}
                       : formula::Kernel<Scalar>::Binding{0, values};
    ++learned;
  }
  return {bindings_.data(), params.size()};
}

// Element-wise, so split by columns over the pool for large batches: aligned parts keep every
// element in the same SIMD lane, so the results are those of one whole pass, bit for bit.
void ActivationLayer::forward(ConstMatrixView input, MatrixView output, Mode) {
  if (activation_.formula) {
    const auto bindings = formula_bindings();
    detail::for_elementwise_parts_indexed(
        pool_, input.cols(), static_cast<double>(input.size()), [&](int part, Index first, Index count) {
          activation_.formula->kernel.forward(bindings, columns(input, first, count), columns(output, first, count),
                                              scratch_[static_cast<std::size_t>(part)]);
        });
    return;
  }
  const ActivationArgs a = args();
  detail::for_elementwise_parts(pool_, input.cols(), static_cast<double>(input.size()), [&](Index first, Index count) {
    activation_.spec->forward(a, columns(input, first, count), columns(output, first, count));
  });
}

void ActivationLayer::backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                               MatrixView grad_input) {
  if (activation_.formula) {
    formula_backward(input, output, grad_output, grad_input);
    return;
  }
  const ActivationArgs a = args();
  if (activation_.spec->param_grad != nullptr) {
    if (learned_.size() == 1) {
      activation_.spec->param_grad(a, input, output, grad_output, VectorView(learned_grad_per_unit_.data(), units_));
      learned_grad_[0] = learned_grad_per_unit_.sum();
    } else {
      activation_.spec->param_grad(a, input, output, grad_output, VectorView(learned_grad_.data(), units_));
    }
  }
  if (grad_input.rows() == 0) return;
  detail::for_elementwise_parts(pool_, input.cols(), static_cast<double>(input.size()), [&](Index first, Index count) {
    activation_.spec->backward(a, columns(input, first, count), columns(output, first, count),
                               columns(grad_output, first, count), columns(grad_input, first, count));
  });
}

// With learned parameters, one pass over the whole batch on this thread: each unit's gradient is
// then summed in the same order whatever the thread count (bit-identical for any --threads).
// dL/dp(u) = sum over the batch of dL/da(u, j) * df/dp(z(u, j)); a shared p sums over the units.
void ActivationLayer::formula_backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                                       MatrixView grad_input) {
  const formula::Kernel<Scalar>& kernel = activation_.formula->kernel;
  const auto bindings = formula_bindings();
  const auto learned = static_cast<std::size_t>(kernel.learned_count());
  if (learned > 0) {
    const bool shared = !activation_.formula->per_unit;
    for (std::size_t i = 0; i < learned; ++i) {
      grad_per_unit_[i] = (shared ? learned_grad_per_unit_.data() : learned_grad_.data()) + i * units_;
    }
    const std::span<Scalar* const> grads(grad_per_unit_.data(), learned);
    if (grad_input.rows() == 0) {
      kernel.param_grad(bindings, input, output, grad_output, grads, scratch_[0]);
    } else {
      kernel.backward_and_param_grad(bindings, input, output, grad_output, grad_input, grads, scratch_[0]);
    }
    if (shared) {
      for (std::size_t i = 0; i < learned; ++i) {
        learned_grad_[static_cast<Index>(i)] =
            learned_grad_per_unit_.segment(static_cast<Index>(i) * units_, units_).sum();
      }
    }
    return;
  }
  if (grad_input.rows() == 0) return;
  detail::for_elementwise_parts_indexed(
      pool_, input.cols(), static_cast<double>(input.size()), [&](int part, Index first, Index count) {
        kernel.backward(bindings, columns(input, first, count), columns(output, first, count),
                        columns(grad_output, first, count), columns(grad_input, first, count),
                        scratch_[static_cast<std::size_t>(part)]);
      });
}

std::vector<ParamBlock> ActivationLayer::parameters() {
  if (learned_.size() == 0) return {};
  if (!activation_.formula) {
    return {{std::string(activation_.spec->learnable->name), VectorView(learned_.data(), learned_.size()),
             VectorView(learned_grad_.data(), learned_grad_.size())}};
  }
  std::vector<ParamBlock> blocks;
  Index offset = 0;
  for (const int k : activation_.formula->learned_params()) {
    blocks.push_back({activation_.formula->parsed.params()[static_cast<std::size_t>(k)].name,
                      VectorView(learned_.data() + offset, learned_per_param_),
                      VectorView(learned_grad_.data() + offset, learned_per_param_)});
    offset += learned_per_param_;
  }
  return blocks;
}

// ---- DropoutLayer -------------------------------------------------------------------------

DropoutLayer::DropoutLayer(Index units, double p, Rng rng) : units_(units), p_(p), rng_(rng) {
  if (!(p >= 0 && p < 1)) throw InputError("dropout: p must be in [0, 1), got " + format_number(p));
}

void DropoutLayer::reserve(Index max_batch) {
  if (mask_.cols() < max_batch) mask_.resize(units_, max_batch);
}

void DropoutLayer::forward(ConstMatrixView input, MatrixView output, Mode mode) {
  last_forward_trained_ = mode == Mode::kTrain && p_ > 0;
  if (!last_forward_trained_) {
    output = input;
    return;
  }
  reserve(input.cols());
  auto mask = columns(mask_, input.cols());
  const auto keep_scale = static_cast<Scalar>(1.0 / (1.0 - p_));
  for (Index i = 0; i < mask.size(); ++i) mask.data()[i] = rng_.uniform() < p_ ? Scalar(0) : keep_scale;
  output = input.cwiseProduct(mask);
}

// dL/dx = dL/dy * mask: the same values that were kept, with the same scale.
void DropoutLayer::backward(ConstMatrixView, ConstMatrixView, ConstMatrixView grad_output, MatrixView grad_input) {
  if (grad_input.rows() == 0) return;
  if (last_forward_trained_) {
    grad_input = grad_output.cwiseProduct(columns(mask_, grad_output.cols()));
  } else {
    grad_input = grad_output;
  }
}

}  // namespace mlp
