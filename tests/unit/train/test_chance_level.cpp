// chance_level_loss: the loss of the best guess that ignores the features, on known inputs.
#include "mlp/dataset.hpp"
#include "mlp/loss.hpp"
#include "mlp/metrics.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace mlp;

namespace {

// Samples with one feature (0) and one target row holding `targets`.
Dataset targets_only(const std::vector<double>& targets) {
  Dataset d;
  d.features = Matrix::Zero(1, static_cast<Index>(targets.size()));
  d.targets.resize(1, static_cast<Index>(targets.size()));
  for (std::size_t i = 0; i < targets.size(); ++i)
    d.targets(0, static_cast<Index>(i)) = static_cast<Scalar>(targets[i]);
  return d;
}

}  // namespace

TEST_CASE("chance level, cross entropy: the training split's class frequencies, add-one smoothed") {
  // Counts 2, 3, 1 become 3, 4, 2 of 9; the validation samples are one of each class.
  const Dataset train = targets_only({0, 0, 1, 1, 1, 2});
  const Dataset val = targets_only({0, 1, 2});
  const double expected = -(std::log(3.0 / 9) + std::log(4.0 / 9) + std::log(2.0 / 9)) / 3;
  CHECK(chance_level_loss(Loss::with_defaults("cross_entropy"), Task::kClassification, 3, train, val) ==
        doctest::Approx(expected).epsilon(1e-6));
}

TEST_CASE("chance level, cross entropy: a class the training split lacks costs a finite loss") {
  const Dataset train = targets_only({0, 0, 0, 0});
  const Dataset val = targets_only({1});
  const double loss = chance_level_loss(Loss::with_defaults("cross_entropy"), Task::kClassification, 2, train, val);
  CHECK(loss == doctest::Approx(-std::log(1.0 / 6)).epsilon(1e-6));  // class 1: 0 + 1 of 4 + 2
}

TEST_CASE("chance level, one sigmoid output: the logit of the positive class's frequency") {
  // Counts 1, 3 become 2, 4 of 6: p(1) = 2/3.
  const Dataset train = targets_only({0, 1, 1, 1});
  const Dataset val = targets_only({1, 0});
  const double expected = -(std::log(2.0 / 3) + std::log(1.0 / 3)) / 2;
  CHECK(chance_level_loss(Loss::with_defaults("bce_with_logits"), Task::kClassification, 1, train, val) ==
        doctest::Approx(expected).epsilon(1e-6));
}

TEST_CASE("chance level, regression: the training split's mean target") {
  const Dataset train = targets_only({1, 3});
  const Dataset val = targets_only({0, 4});
  CHECK(chance_level_loss(Loss::with_defaults("mse"), Task::kRegression, 1, train, val) == doctest::Approx(4.0));
  CHECK(chance_level_loss(Loss::with_defaults("l1"), Task::kRegression, 1, train, val) == doctest::Approx(2.0));
}
