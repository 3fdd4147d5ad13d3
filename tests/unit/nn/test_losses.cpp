// The loss table against torch: known values and gradients, extreme outputs, lookup by name,
// and the output transforms. Reference numbers come from tests/reference/losses.py (torch 1.13,
// CPU, float64); the float32 build matches them to float precision.
#include "mlp/error.hpp"
#include "mlp/loss.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

using namespace mlp;

namespace {

// A matrix written row by row: rows are outputs, columns samples.
Matrix rows_of(std::initializer_list<std::initializer_list<double>> rows) {
  Matrix m(static_cast<Index>(rows.size()), static_cast<Index>(rows.begin()->size()));
  Index r = 0;
  for (const auto& row : rows) {
    Index c = 0;
    for (double x : row) m(r, c++) = static_cast<Scalar>(x);
    ++r;
  }
  return m;
}

Loss loss_with(std::string_view name, std::initializer_list<double> params = {}) {
  Loss loss = Loss::with_defaults(name);
  if (params.size() > 0) loss.params.assign(params);
  return loss;
}

// Checks value and gradient against torch's, relative to float precision.
void check_against_torch(const Loss& loss, const Matrix& output, const Matrix& target, double expected_loss,
                         const Matrix& expected_grad) {
  CAPTURE(loss.describe());
  Matrix grad = Matrix::Constant(output.rows(), output.cols(), Scalar(123));
  const double value = loss.value_and_grad(cview(output), cview(target), view(grad));
  CHECK(value == doctest::Approx(expected_loss).epsilon(1e-6));
  CHECK(loss.value(cview(output), cview(target)) == doctest::Approx(expected_loss).epsilon(1e-6));
  REQUIRE(grad.rows() == expected_grad.rows());
  REQUIRE(grad.cols() == expected_grad.cols());
  for (Index i = 0; i < grad.size(); ++i) {
    CAPTURE(i);
    CHECK(std::isfinite(grad.data()[i]));
    CHECK(static_cast<double>(grad.data()[i]) ==
          doctest::Approx(static_cast<double>(expected_grad.data()[i])).epsilon(1e-6).scale(1e-30));
  }
}

const Matrix kRegressionOutput = rows_of({{0.5, -1.0, 2.0}, {3.0, 0.0, -0.25}});
const Matrix kRegressionTarget = rows_of({{1.0, -1.0, 0.0}, {2.5, 1.0, 0.25}});
const Matrix kLogits = rows_of({{1.0, -0.5, 0.2, 2.0}, {0.3, 1.5, -1.0, 0.0}, {-1.2, 0.7, 0.9, 2.0}});
const Matrix kClasses = rows_of({{0, 2, 1, 2}});

}  // namespace

TEST_CASE("regression losses match torch (MSELoss, L1Loss, HuberLoss)") {
  check_against_torch(loss_with("mse"), kRegressionOutput, kRegressionTarget, 0.9583333333333334,
                      rows_of({{-0.16666666666666666, 0.0, 0.6666666666666666},
                               {0.16666666666666666, -0.3333333333333333, -0.16666666666666666}}));
  // sign(0) = 0 at the element where output == target, as in torch.
  check_against_torch(loss_with("l1"), kRegressionOutput, kRegressionTarget, 0.75,
                      rows_of({{-0.16666666666666666, 0.0, 0.16666666666666666},
                               {0.16666666666666666, -0.16666666666666666, -0.16666666666666666}}));
  // Quadratic for |d| = 0.5, 0.5, 0; linear for |d| = 2; |d| = 1 sits exactly on the boundary.
  check_against_torch(loss_with("huber"), kRegressionOutput, kRegressionTarget, 0.3958333333333333,
                      rows_of({{-0.08333333333333333, 0.0, 0.16666666666666666},
                               {0.08333333333333333, -0.16666666666666666, -0.08333333333333333}}));
  check_against_torch(loss_with("huber", {0.3}), kRegressionOutput, kRegressionTarget, 0.1875,
                      rows_of({{-0.05, 0.0, 0.05}, {0.05, -0.05, -0.05}}));
}

TEST_CASE("bce_with_logits matches torch.nn.BCEWithLogitsLoss") {
  check_against_torch(loss_with("bce_with_logits"), rows_of({{-2.0, 0.5, 3.0, 0.0}}), rows_of({{0, 1, 0, 1}}),
                      1.0856848818391915,
                      rows_of({{0.029800730505529387, -0.09438516719953635, 0.23814353170560834, -0.125}}));
}

TEST_CASE("cross_entropy matches torch.nn.CrossEntropyLoss, with and without label smoothing") {
  check_against_torch(loss_with("cross_entropy"), kLogits, kClasses, 1.2230121573296824,
                      rows_of({{-0.0944682129514452, 0.021350781949962514, 0.07541598887699714, 0.1170776327083703},
                               {0.0772347997207274, 0.15776212558430894, -0.22728514066461344, 0.01584473458325941},
                               {0.017233413230717802, -0.17911290753427145, 0.1518691517876163, -0.1329223672916297}}));
  check_against_torch(
      loss_with("cross_entropy", {0.1}), kLogits, kClasses, 1.241345490663016,
      rows_of({{-0.07780154628477853, 0.013017448616629181, 0.06708265554366381, 0.10874429937503696},
               {0.06890146638739407, 0.1494287922509756, -0.21061847399794678, 0.0075114012499260755},
               {0.008900079897384469, -0.16244624086760479, 0.14353581845428298, -0.11625570062496304}}));
  // label_smoothing = 1: the target is uniform, whatever the class.
  check_against_torch(
      loss_with("cross_entropy", {1.0}), kLogits, kClasses, 1.4063454906630155,
      rows_of({{0.07219845371522148, -0.06198255138337082, -0.007917344456336184, 0.033744299375036965},
               {-0.0060985336126059275, 0.07442879225097561, -0.06061847399794678, -0.06748859875007392},
               {-0.06609992010261553, -0.012446240867604777, 0.06853581845428298, 0.033744299375036965}}));
}

TEST_CASE("losses stay finite and correct for extreme outputs (+-100, +-1e4)") {
  // bce: confident and right costs 0; confident and wrong costs |x|.
  check_against_torch(loss_with("bce_with_logits"), rows_of({{100.0, -100.0, 1e4, -1e4, 1e4, -1e4}}),
                      rows_of({{1, 0, 1, 0, 0, 1}}), 3333.3333333333335,
                      rows_of({{0.0, 6.200126626701392e-45, 0.0, 0.0, 0.16666666666666666, -0.16666666666666666}}));
  const Matrix logits = rows_of({{1e4, -1e4, 100.0}, {-1e4, 1e4, -100.0}});
  const Matrix classes = rows_of({{1, 1, 0}});
  check_against_torch(loss_with("cross_entropy"), logits, classes, 6666.666666666667,
                      rows_of({{0.3333333333333333, 0.0, 0.0}, {-0.3333333333333333, 0.0, 4.6129884224557915e-88}}));
  check_against_torch(loss_with("cross_entropy", {0.1}), logits, classes, 6670.0,
                      rows_of({{0.31666666666666665, -0.016666666666666666, 0.016666666666666663},
                               {-0.31666666666666665, 0.016666666666666663, -0.016666666666666666}}));
  // Regression losses on outputs of +-1e4: (2e4)^2 and its gradient are far from float's range.
  const Matrix out = rows_of({{1e4, -1e4}});
  const Matrix tgt = rows_of({{-1e4, 1e4}});
  check_against_torch(loss_with("mse"), out, tgt, 4e8, rows_of({{2e4, -2e4}}));
  check_against_torch(loss_with("l1"), out, tgt, 2e4, rows_of({{0.5, -0.5}}));
  check_against_torch(loss_with("huber"), out, tgt, 2e4 - 0.5, rows_of({{0.5, -0.5}}));
}

TEST_CASE("cross_entropy keeps small losses accurate next to large logits") {
  // logits 1e4 and 1e4 - 1, class 0: the loss is log(1 + e^-1) = 0.31326168751822286 exactly,
  // although 1e4 itself is only resolved to ~1e-3 in float; the fused form never subtracts
  // large numbers from each other.
  const double loss = loss_with("cross_entropy").value(cview(rows_of({{1e4}, {1e4 - 1}})), cview(rows_of({{0}})));
  CHECK(loss == doctest::Approx(0.31326168751822286).epsilon(1e-7));
}

// Cross-entropy of logits x (K x n) against classes y with smoothing e, straight from its
// definition in long double: -sum_k q_k log softmax(x)_k per sample, and its gradient p - q.
double reference_cross_entropy(const Matrix& x, const Matrix& y, double e, Matrix& grad) {
  const Index classes = x.rows();
  const auto n = static_cast<long double>(x.cols());
  long double total = 0;
  grad.resize(x.rows(), x.cols());
  for (Index j = 0; j < x.cols(); ++j) {
    long double sum = 0;
    for (Index k = 0; k < classes; ++k) sum += std::exp(static_cast<long double>(x(k, j)));
    for (Index k = 0; k < classes; ++k) {
      const long double p = std::exp(static_cast<long double>(x(k, j))) / sum;
      const long double q = e / static_cast<long double>(classes) + (k == static_cast<Index>(y(0, j)) ? 1 - e : 0);
      total -= q * std::log(p);
      grad(k, j) = static_cast<Scalar>((p - q) / n);
    }
  }
  return static_cast<double>(total / n);
}

TEST_CASE("cross_entropy over many samples and over more classes than its buffer holds") {
  // The loss takes its exps a block of columns at a time into a buffer of 2048 values: 3 classes
  // x 1500 samples span three blocks; 2500 classes do not fit one column, which is then taken in
  // pieces of rows, its exps taken again for the gradient.
  for (const auto& [classes, samples] : {std::pair<Index, Index>{3, 1500}, std::pair<Index, Index>{2500, 3}}) {
    for (const double smoothing : {0.0, 0.1}) {
      CAPTURE(classes);
      CAPTURE(smoothing);
      Matrix logits(classes, samples);
      Matrix targets(1, samples);
      for (Index j = 0; j < samples; ++j) {
        for (Index k = 0; k < classes; ++k) logits(k, j) = static_cast<Scalar>(std::sin(0.7 * k + 1.3 * j) * 4);
        targets(0, j) = static_cast<Scalar>((j * 7 + 1) % classes);
      }
      Matrix expected_grad;
      const double expected = reference_cross_entropy(logits, targets, smoothing, expected_grad);
      check_against_torch(loss_with("cross_entropy", {smoothing}), logits, targets, expected, expected_grad);
    }
  }
}

TEST_CASE("value() leaves no gradient and equals value_and_grad()") {
  for (const LossSpec& spec : losses()) {
    CAPTURE(spec.name);
    const Loss loss = Loss::with_defaults(spec.name);
    const bool classes = spec.target == TargetKind::kClassIndex;
    const bool binary = spec.transform == OutputTransform::kSigmoid;
    const Matrix output = classes && binary ? rows_of({{-2.0, 0.5, 3.0, 0.0}}) : classes ? kLogits : kRegressionOutput;
    const Matrix target = classes ? (binary ? rows_of({{0, 1, 0, 1}}) : kClasses) : kRegressionTarget;
    Matrix grad(output.rows(), output.cols());
    CHECK(loss.value(cview(output), cview(target)) == loss.value_and_grad(cview(output), cview(target), view(grad)));
  }
}

TEST_CASE("losses are found by name and alias, and unknown names list the valid ones") {
  CHECK(losses().find("mae") == losses().find("l1"));
  CHECK(losses().find("binary_cross_entropy") == losses().find("bce_with_logits"));
  CHECK(losses().find("nll") == nullptr);
  CHECK(losses().names() == "mse, l1, huber, bce_with_logits, cross_entropy");
  CHECK(Loss::with_defaults("mae").spec->name == "l1");
  CHECK_THROWS_WITH_AS(Loss::with_defaults("cross_entropyy"),
                       "unknown loss \"cross_entropyy\"; valid: mse, l1, huber, bce_with_logits, cross_entropy",
                       InputError);
  CHECK(Loss::with_defaults("mse").describe() == "mse");
  CHECK(Loss::with_defaults("cross_entropy").describe() == "cross_entropy(label_smoothing=0)");
  CHECK(loss_with("huber", {0.5}).describe() == "huber(delta=0.5)");
  for (const LossSpec& spec : losses()) {
    CAPTURE(spec.name);
    CHECK(spec.torch.starts_with("torch.nn."));
    CHECK(!spec.formula.empty());
    // Class targets come with a transform to probabilities; value targets with none.
    CHECK((spec.target == TargetKind::kClassIndex) == (spec.transform != OutputTransform::kIdentity));
  }
}

TEST_CASE("apply_output_transform: softmax per column, sigmoid, identity") {
  Matrix probabilities(3, 4);
  apply_output_transform(OutputTransform::kSoftmax, cview(kLogits), view(probabilities));
  // torch.softmax(logits, dim=0), from tests/reference/losses.py.
  const Matrix expected = rows_of({{0.6221271481942192, 0.08540312779985004, 0.3016639555079885, 0.4683105308334812},
                                   {0.3089391988829096, 0.6310485023372358, 0.0908594373415462, 0.06337893833303762},
                                   {0.06893365292287122, 0.2835483698629142, 0.6074766071504653, 0.4683105308334812}});
  CHECK((probabilities - expected).cwiseAbs().maxCoeff() < 1e-6);

  const Matrix extreme = rows_of({{1e4, -1e4, 100.0}, {-1e4, 1e4, -100.0}, {0.0, 1e4, -100.0}});
  Matrix result(3, 3);
  apply_output_transform(OutputTransform::kSoftmax, cview(extreme), view(result));
  CHECK(result.allFinite());
  CHECK(result(0, 0) == 1);
  CHECK(result(1, 1) == doctest::Approx(0.5));
  CHECK(result(2, 1) == doctest::Approx(0.5));
  CHECK(result(0, 2) == doctest::Approx(1.0));
  CHECK(result(1, 2) == doctest::Approx(std::exp(-200.0)).scale(1e-30));
  for (Index j = 0; j < 3; ++j) CHECK(result.col(j).sum() == doctest::Approx(1.0).epsilon(1e-6));

  const Matrix z = rows_of({{-1e4, -100.0, 0.0, 2.0, 100.0, 1e4}});
  Matrix s(1, 6);
  apply_output_transform(OutputTransform::kSigmoid, cview(z), view(s));
  CHECK(s.allFinite());
  CHECK(s(0, 0) == 0);
  CHECK(s(0, 1) == doctest::Approx(3.720075976020836e-44).epsilon(0.05).scale(0));  // a float denormal: 27 * 2^-149
  CHECK(s(0, 2) == 0.5);
  CHECK(s(0, 3) == doctest::Approx(0.8807970779778823));
  CHECK(s(0, 5) == 1);

  Matrix copy(3, 3);
  apply_output_transform(OutputTransform::kIdentity, cview(extreme), view(copy));
  CHECK(copy == extreme);
}
