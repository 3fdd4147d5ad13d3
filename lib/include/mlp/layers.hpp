// The concrete layers: dense (torch.nn.Linear), activation, dropout (torch.nn.Dropout), and the
// embedding of categorical columns (torch.nn.Embedding per column).
#pragma once

#include "mlp/activation.hpp"
#include "mlp/layer.hpp"
#include "mlp/rng.hpp"

#include <array>
#include <span>
#include <vector>

namespace mlp {

// y = W x + b with W stored out x in, like torch.nn.Linear.weight.
class DenseLayer final : public Layer {
 public:
  DenseLayer(Index in_features, Index out_features);

  std::string_view type() const override { return "linear"; }
  Index input_size() const override { return weight_.cols(); }
  Index output_size() const override { return weight_.rows(); }
  void forward(ConstMatrixView input, MatrixView output, Mode mode) override;
  void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                MatrixView grad_input) override;
  std::vector<ParamBlock> parameters() override;

  Matrix& weight() { return weight_; }
  const Matrix& weight() const { return weight_; }
  Vector& bias() { return bias_; }
  const Vector& bias() const { return bias_; }
  const Matrix& weight_grad() const { return weight_grad_; }

 private:
  Matrix weight_;  // out x in
  Vector bias_;    // out
  Matrix weight_grad_;
  Vector bias_grad_;
};

// An activation function applied elementwise, with its learned values when it has any (PReLU's
// slope: one shared or one per unit, like torch.nn.PReLU(num_parameters); a formula's learned
// parameters: one block of values each, in the formula's parameter order).
class ActivationLayer final : public Layer {
 public:
  // Learned values start at the activation's init parameter (a formula's: the parameters'
  // values). Throws InputError when the activation's count parameter is neither 1 nor `units`.
  ActivationLayer(Activation activation, Index units);

  std::string_view type() const override { return "activation"; }
  Index input_size() const override { return units_; }
  Index output_size() const override { return units_; }
  bool passes_input_through(Mode) const override { return activation_.spec->passes_input_through; }
  void set_thread_pool(ThreadPool* pool) override;
  void forward(ConstMatrixView input, MatrixView output, Mode mode) override;
  void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                MatrixView grad_input) override;
  std::vector<ParamBlock> parameters() override;

  const Activation& activation() const { return activation_; }
  // The learned values (empty when the activation learns nothing); a formula's learned
  // parameters one after the other, learned_per_param() values each.
  Vector& learned() { return learned_; }
  const Vector& learned() const { return learned_; }
  // Values per learned parameter: 1 (shared by the layer) or units.
  Index learned_per_param() const { return learned_per_param_; }

 private:
  ActivationArgs args() const;
  // The formula's parameter bindings for this layer's learned values (no allocation).
  std::span<const formula::Kernel<Scalar>::Binding> formula_bindings();
  void formula_backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                        MatrixView grad_input);

  Activation activation_;
  Index units_;
  Index learned_per_param_ = 0;
  Vector learned_;
  Vector learned_grad_;
  Vector learned_grad_per_unit_;  // scratch: the per-unit gradients before a shared value sums them
  // A formula's: its parameter bindings, one kernel scratch per part of a pass, and pointers to
  // the per-unit gradient of each learned parameter.
  std::array<formula::Kernel<Scalar>::Binding, formula::kMaxParams> bindings_{};
  std::vector<formula::Kernel<Scalar>::Scratch> scratch_;
  std::array<Scalar*, formula::kMaxParams> grad_per_unit_{};
};

// Inverted dropout: in training, zeroes each value with probability p and scales the rest by
// 1 / (1 - p); at evaluation, the identity. Masks are drawn from the layer's own generator.
class DropoutLayer final : public Layer {
 public:
  DropoutLayer(Index units, double p, Rng rng);

  std::string_view type() const override { return "dropout"; }
  Index input_size() const override { return units_; }
  Index output_size() const override { return units_; }
  bool passes_input_through(Mode mode) const override { return mode != Mode::kTrain || p_ == 0; }
  void reserve(Index max_batch) override;
  void forward(ConstMatrixView input, MatrixView output, Mode mode) override;
  void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                MatrixView grad_input) override;

  double p() const { return p_; }
  Rng& rng() { return rng_; }

 private:
  Index units_;
  double p_;
  Rng rng_;
  Matrix mask_;  // 0 or 1 / (1 - p), per value of the last training batch
  bool last_forward_trained_ = false;
};

// One part of an EmbeddingLayer's input: `inputs` consecutive inputs, copied through (dim 0: a
// numeric column's value and missing indicator), or a categorical column's one-hot inputs, turned
// into `dim` values by a learned dim x inputs matrix E. For a one-hot x, E x is the column of E of
// the level that is hot: torch.nn.Embedding(inputs, dim) looking up that level (its weight is
// E transposed); a cell with no input of its own (every input 0) gives zeros.
struct EmbeddingPart {
  Index inputs = 0;
  Index dim = 0;
  bool operator==(const EmbeddingPart&) const = default;
};

// fastai's embedding size for a categorical column of n inputs: min(600, round(1.6 n^0.56)).
Index embedding_dim(Index inputs);

// The first layer of a network whose categorical columns are embedded (model.categorical
// "embedding"): each part of the input copied through or embedded, in order.
class EmbeddingLayer final : public Layer {
 public:
  // Throws InputError when a part has no inputs.
  explicit EmbeddingLayer(std::vector<EmbeddingPart> parts);

  std::string_view type() const override { return "embedding"; }
  Index input_size() const override { return inputs_; }
  Index output_size() const override { return outputs_; }
  void forward(ConstMatrixView input, MatrixView output, Mode mode) override;
  void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                MatrixView grad_input) override;
  std::vector<ParamBlock> parameters() override;

  const std::vector<EmbeddingPart>& parts() const { return parts_; }
  // E of the k-th embedded part (dim x inputs), in the order of the parts.
  Matrix& weight(std::size_t k) { return weights_[k]; }
  const Matrix& weight(std::size_t k) const { return weights_[k]; }
  std::size_t embedded_count() const { return weights_.size(); }

 private:
  std::vector<EmbeddingPart> parts_;
  std::vector<Matrix> weights_, weight_grads_;  // per embedded part
  Index inputs_ = 0, outputs_ = 0;
};

}  // namespace mlp
