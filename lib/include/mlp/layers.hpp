// The concrete layers: dense (torch.nn.Linear), activation, and dropout (torch.nn.Dropout).
#pragma once

#include "mlp/activation.hpp"
#include "mlp/layer.hpp"
#include "mlp/rng.hpp"

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
// slope: one shared or one per unit, like torch.nn.PReLU(num_parameters)).
class ActivationLayer final : public Layer {
 public:
  // Learned values start at the activation's init parameter. Throws InputError when the
  // activation's count parameter is neither 1 nor `units`.
  ActivationLayer(Activation activation, Index units);

  std::string_view type() const override { return "activation"; }
  Index input_size() const override { return units_; }
  Index output_size() const override { return units_; }
  bool passes_input_through(Mode) const override { return activation_.spec->passes_input_through; }
  void forward(ConstMatrixView input, MatrixView output, Mode mode) override;
  void backward(ConstMatrixView input, ConstMatrixView output, ConstMatrixView grad_output,
                MatrixView grad_input) override;
  std::vector<ParamBlock> parameters() override;

  const Activation& activation() const { return activation_; }
  // The learned values (empty when the activation learns nothing).
  Vector& learned() { return learned_; }
  const Vector& learned() const { return learned_; }

 private:
  ActivationArgs args() const;

  Activation activation_;
  Index units_;
  Vector learned_;
  Vector learned_grad_;
  Vector learned_grad_per_unit_;  // scratch: the per-unit gradient before a shared value sums it
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

}  // namespace mlp
