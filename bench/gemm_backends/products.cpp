// The dense layer's products over any backend; see products.hpp.
#include "products.hpp"

#include <memory>
#include <random>

namespace gemm_bench {

const char* product_name(Product p) {
  switch (p) {
    case Product::kForward:
      return "forward W·X+b";
    case Product::kWeightGrad:
      return "dW = G·Xᵀ";
    case Product::kInputGrad:
      return "dX = Wᵀ·G";
  }
  return "?";
}

namespace {
Matrix random_matrix(Index rows, Index cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> uniform(-1.0F, 1.0F);
  Matrix m(rows, cols);
  for (Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(rng);
  return m;
}
}  // namespace

Layer::Layer(Index in_, Index out_, Index batch_) : in(in_), out(out_), batch(batch_) {
  std::mt19937 rng(static_cast<unsigned>(in * 7919 + out * 104729 + batch));
  weight = random_matrix(out, in, rng);
  input = random_matrix(in, batch, rng);
  grad_output = random_matrix(out, batch, rng);
  bias = random_matrix(out, 1, rng);
  output.setZero(out, batch);
  weight_grad.setZero(out, in);
  grad_input.setZero(in, batch);
}

Matrix& Layer::result(Product p) {
  switch (p) {
    case Product::kForward:
      return output;
    case Product::kWeightGrad:
      return weight_grad;
    case Product::kInputGrad:
      break;
  }
  return grad_input;
}

Shape product_shape(const Layer& l, Product p) {
  Shape s;
  switch (p) {
    case Product::kForward:  // Z (out x n) += W (out x in) X (in x n)
      s.m = l.out, s.n = l.batch, s.k = l.in, s.lda = l.out, s.ldb = l.in, s.ldc = l.out;
      s.accumulate = true;
      break;
    case Product::kWeightGrad:  // dW (out x in) = G (out x n) X^T, X stored in x n
      s.m = l.out, s.n = l.in, s.k = l.batch, s.lda = l.out, s.ldb = l.in, s.ldc = l.out;
      s.trans_b = true;
      break;
    case Product::kInputGrad:  // dX (in x n) = W^T G, W stored out x in
      s.m = l.in, s.n = l.batch, s.k = l.out, s.lda = l.out, s.ldb = l.out, s.ldc = l.in;
      s.trans_a = true;
      break;
  }
  return s;
}

std::function<void()> make_runner(const Method& method, Layer& layer, Product p, Index first, Index count) {
  if (method.relu && p != Product::kForward) return {};
  Shape shape = product_shape(layer, p);
  shape.n = count;
  const float* a = p == Product::kWeightGrad ? layer.grad_output.data() : layer.weight.data();
  const float* b = p == Product::kForward      ? layer.input.data()
                   : p == Product::kWeightGrad ? layer.input.data()
                                               : layer.grad_output.data();
  // Column j of op(B) starts at B + j ldb, or at B + j when B is stored transposed.
  b += shape.trans_b ? first : first * shape.ldb;
  float* c = layer.result(p).data() + first * shape.ldc;
  const float* bias = layer.bias.data();
  if (p != Product::kForward) {
    std::shared_ptr<Kernel> kernel = method.backend->prepare(shape);
    if (!kernel) return {};
    return [kernel, a, b, c] { kernel->run(a, b, nullptr, c); };
  }
  // The forward pass: bias (and ReLU) fused when the backend can, else as mlptrain does it.
  Shape fused = shape;
  fused.accumulate = false;
  fused.bias = true;
  fused.relu = method.relu;
  if (std::shared_ptr<Kernel> kernel = method.backend->prepare(fused)) {
    return [kernel, a, b, bias, c] { kernel->run(a, b, bias, c); };
  }
  std::shared_ptr<Kernel> kernel = method.backend->prepare(shape);
  if (!kernel) return {};
  const Index rows = shape.m, ldc = shape.ldc;
  const bool relu = method.relu;
  return [kernel, a, b, bias, c, rows, count, ldc, relu] {
    Eigen::Map<Matrix, 0, Eigen::OuterStride<>> z(c, rows, count, Eigen::OuterStride<>(ldc));
    z.colwise() = Eigen::Map<const Vector>(bias, rows);
    kernel->run(a, b, nullptr, c);
    if (relu) z = z.cwiseMax(0.0F);
  };
}

}  // namespace gemm_bench
