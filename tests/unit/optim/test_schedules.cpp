// Learning-rate schedules against torch.optim.lr_scheduler (tests/reference/schedules.py prints
// torch 1.13's rate for each epoch, base lr 0.1, scheduler stepped after each epoch), warm-up,
// and the table's lookup.
#include "mlp/error.hpp"
#include "mlp/schedule.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <initializer_list>
#include <numbers>
#include <vector>

using namespace mlp;

namespace {

Schedule schedule_with(std::string_view name, std::initializer_list<double> params, int warmup_epochs = 0) {
  Schedule schedule = Schedule::with_defaults(name);
  if (params.size() > 0) schedule.params.assign(params);
  schedule.warmup_epochs = warmup_epochs;
  return schedule;
}

void check_rates(const Schedule& schedule, int epochs, const std::vector<double>& expected) {
  CAPTURE(schedule.describe());
  for (int epoch = 0; epoch < static_cast<int>(expected.size()); ++epoch) {
    CAPTURE(epoch);
    CHECK(schedule.lr_at(0.1, epoch, epochs) ==
          doctest::Approx(expected[static_cast<std::size_t>(epoch)]).epsilon(1e-12));
  }
}

}  // namespace

TEST_CASE("schedules match torch's StepLR, ExponentialLR and CosineAnnealingLR") {
  check_rates(schedule_with("constant", {}), 10, std::vector<double>(10, 0.1));
  check_rates(schedule_with("step", {3, 0.5}), 10, {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125});
  check_rates(
      schedule_with("exponential", {0.9}), 10,
      {0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002, 0.06561000000000002, 0.05904900000000002,
       0.05314410000000002, 0.04782969000000002, 0.043046721000000024, 0.03874204890000002});
  const std::vector<double> cosine = {
      0.1,    0.09757729755661011, 0.0905463412215599,  0.07959536998847742,  0.0657963412215599,
      0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004};
  check_rates(schedule_with("cosine", {10, 0.001}), 10, cosine);
  // T_max = 0 takes the run's length: the same curve over a 10-epoch run.
  check_rates(schedule_with("cosine", {0, 0.001}), 10, cosine);
}

TEST_CASE("the defaults: step every 10 epochs by 0.1, exponential 0.95, cosine over the run to 0") {
  const Schedule step = Schedule::with_defaults("step");
  CHECK(step.lr_at(1.0, 9, 30) == 1.0);
  CHECK(step.lr_at(1.0, 10, 30) == doctest::Approx(0.1));
  CHECK(step.lr_at(1.0, 25, 30) == doctest::Approx(0.01));
  CHECK(Schedule::with_defaults("exponential").lr_at(1.0, 2, 30) == doctest::Approx(0.95 * 0.95));
  const Schedule cosine = Schedule::with_defaults("cosine");
  CHECK(cosine.lr_at(1.0, 0, 20) == 1.0);
  CHECK(cosine.lr_at(1.0, 10, 20) == doctest::Approx(0.5));  // half way: (1 + cos(pi/2)) / 2
  CHECK(cosine.lr_at(1.0, 19, 20) == doctest::Approx((1 + std::cos(std::numbers::pi * 19 / 20)) / 2));
}

TEST_CASE("warm-up rises linearly, then the main schedule starts at its epoch 0") {
  // base_lr (epoch + 1) / (warmup_epochs + 1) = 0.1 * 1/4, 2/4, 3/4; then StepLR from 0.1.
  check_rates(schedule_with("step", {2, 0.5}, 3), 10, {0.025, 0.05, 0.075, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125});
  check_rates(schedule_with("constant", {}, 1), 3, {0.05, 0.1, 0.1});
  // Cosine with T_max = 0 spans the epochs after warm-up: 13 epochs, 3 of warm-up, T = 10, so
  // epoch 3 is cosine's epoch 0 and epoch 8 its epoch 5, half way down to eta_min.
  const Schedule cosine = schedule_with("cosine", {0, 0.001}, 3);
  CHECK(cosine.lr_at(0.1, 2, 13) == doctest::Approx(0.075));
  CHECK(cosine.lr_at(0.1, 3, 13) == doctest::Approx(0.1));
  CHECK(cosine.lr_at(0.1, 8, 13) == doctest::Approx(0.0505));
  CHECK(cosine.lr_at(0.1, 12, 13) == doctest::Approx(0.0034227024433899004));
  // A run no longer than its warm-up still gets finite rates.
  CHECK(std::isfinite(cosine.lr_at(0.1, 3, 3)));
}

TEST_CASE("schedules are found by name, and unknown names list the valid ones") {
  CHECK(schedules().names() == "constant, step, exponential, cosine");
  for (const ScheduleSpec& spec : schedules()) {
    CAPTURE(spec.name);
    CHECK(schedules().find(spec.name) == &spec);
    CHECK(spec.formula.starts_with("lr = "));
  }
  CHECK(schedules().find("linear") == nullptr);
  CHECK_THROWS_WITH_AS(Schedule::with_defaults("cosin"),
                       "unknown schedule \"cosin\"; valid: constant, step, exponential, cosine", InputError);
  CHECK(Schedule::with_defaults("constant").describe() == "constant");
  CHECK(Schedule::with_defaults("step").describe() == "step(step_size=10, gamma=0.1)");
  CHECK(schedule_with("cosine", {0, 0}, 5).describe() == "cosine(T_max=0, eta_min=0, warmup_epochs=5)");
  CHECK(schedule_with("constant", {}, 2).describe() == "constant(warmup_epochs=2)");
}
