// What the optimizers keep between steps (the step counter, the state buffers checkpoints save),
// gradient clipping, and the table's declarations.
#include "param_blocks.hpp"

#include "mlp/error.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/thread_pool.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace mlp;
using test::TestParams;

namespace {

// A variant of every optimizer with all its state vectors in use.
std::vector<OptimizerConfig> stateful_variants() {
  return {OptimizerConfig::with("sgd", {{"momentum", 0.9}, {"nesterov", 1}}),
          OptimizerConfig::with("adam", {{"amsgrad", 1}, {"weight_decay", 0.1}}),
          OptimizerConfig::with("adamw", {{"amsgrad", 1}}),
          OptimizerConfig::with("rmsprop", {{"momentum", 0.9}, {"centered", 1}}),
          OptimizerConfig::with("adagrad", {{"lr_decay", 0.1}, {"initial_accumulator_value", 0.2}})};
}

// Gradients that change with the step and the values: (p - 0.3 step) * (1 + block).
void set_grads(TestParams& p, int step) {
  for (std::size_t b = 0; b < p.values.size(); ++b) {
    p.grads[b] = (p.values[b].array() - Scalar(0.3) * static_cast<Scalar>(step)) * static_cast<Scalar>(1 + b);
  }
}

void run(Optimizer& optimizer, TestParams& p, int first_step, int steps, double lr) {
  for (int s = first_step; s < first_step + steps; ++s) {
    set_grads(p, s);
    optimizer.step(p.blocks, lr);
  }
}

}  // namespace

TEST_CASE("a step split over a thread pool gives bit-identical values and state") {
  // Blocks large enough to be split (odd sizes, so parts end mid-SIMD-packet), and a small one.
  const std::vector<Vector> start{Vector::Random(100003), Vector::Random(7), Vector::Random(70001)};
  ThreadPool pool(2);
  for (const OptimizerConfig& config : stateful_variants()) {
    CAPTURE(config.describe());
    TestParams alone(start);
    TestParams split(start);
    auto on_caller = config.create(alone.blocks);
    auto on_pool = config.create(split.blocks);
    for (int s = 0; s < 3; ++s) {
      set_grads(alone, s);
      set_grads(split, s);
      CHECK(on_caller->step(alone.blocks, 0.01));
      CHECK(on_pool->step(split.blocks, 0.01, &pool));
    }
    for (std::size_t b = 0; b < start.size(); ++b) {
      CHECK(std::equal(alone.values[b].begin(), alone.values[b].end(), split.values[b].begin()));
    }
    const auto state_alone = on_caller->state_buffers();
    const auto state_split = on_pool->state_buffers();
    REQUIRE(state_alone.size() == state_split.size());
    for (std::size_t i = 0; i < state_alone.size(); ++i) {
      CHECK(std::equal(state_alone[i]->begin(), state_alone[i]->end(), state_split[i]->begin()));
    }
  }
}

TEST_CASE("a step reports a weight that is no longer finite, in any part of a split block") {
  ThreadPool pool(2);
  for (const Index bad : {Index{0}, Index{65536}, Index{99999}}) {
    CAPTURE(bad);
    TestParams p({Vector::Zero(100000)});
    p.grads[0][bad] = Scalar(-3e38);
    auto sgd = OptimizerConfig::with("sgd", {}).create(p.blocks);
    CHECK_FALSE(sgd->step(p.blocks, 10.0, &pool));  // 3e39 overflows float
    p.grads[0].setZero();
    p.values[0].setZero();
    CHECK(sgd->step(p.blocks, 10.0, &pool));
    p.grads[0][bad] = std::numeric_limits<Scalar>::quiet_NaN();
    CHECK_FALSE(sgd->step(p.blocks, 10.0, &pool));
  }
  // A small block, in the scalar tail of the vectorised check.
  for (const Index bad : {Index{0}, Index{4}}) {
    TestParams p({Vector::Zero(5)});
    p.grads[0][bad] = std::numeric_limits<Scalar>::quiet_NaN();
    CHECK_FALSE(OptimizerConfig::with("adam", {}).create(p.blocks)->step(p.blocks, 0.1));
  }
}

TEST_CASE("adam's step counter advances once per step, not once per block") {
  // With a constant gradient g, m / (1 - beta1^t) = g and v / (1 - beta2^t) = g^2 at every t,
  // so every step moves every parameter by lr * |g| / (|g| + eps) = 0.1 (to 1e-8), in each of
  // the blocks. A counter advanced per block would give the second block t = 2 at the first
  // step: m/(1 - 0.81) = 0.526 g, v/(1 - 0.998001) = 0.50025 g^2, a move of 0.0744 instead.
  TestParams p({{1.0, 2.0, 3.0}, {-1.0}, {0.5, 0.25}});
  for (auto& g : p.grads) g.setConstant(Scalar(0.5));
  const OptimizerConfig config = OptimizerConfig::with("adam", {{"lr", 0.1}});
  auto optimizer = config.create(p.blocks);
  const std::vector<Vector> start = p.values;
  for (int step = 1; step <= 4; ++step) {
    optimizer->step(p.blocks, config.lr());
    CHECK(optimizer->steps() == step);
    for (std::size_t b = 0; b < p.values.size(); ++b) {
      CAPTURE(b);
      for (Index i = 0; i < p.values[b].size(); ++i) {
        CHECK(p.values[b][i] == doctest::Approx(start[b][i] - 0.1 * step).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("every optimizer counts steps: one per call") {
  for (const OptimizerSpec& spec : optimizers()) {
    CAPTURE(spec.name);
    TestParams p({{1.0, 2.0}, {3.0}});
    auto optimizer = OptimizerConfig::with_defaults(spec.name).create(p.blocks);
    CHECK(optimizer->steps() == 0);
    run(*optimizer, p, 0, 3, 0.01);
    CHECK(optimizer->steps() == 3);
  }
}

TEST_CASE("state buffers: documented order, and save / restore resumes bit for bit") {
  for (const OptimizerConfig& config : stateful_variants()) {
    CAPTURE(config.describe());
    TestParams p({{0.5, -1.0, 2.0}, {0.1, -0.3}});
    auto optimizer = config.create(p.blocks);
    run(*optimizer, p, 0, 3, config.lr());

    // Save: the parameters, the step count and every buffer.
    const std::vector<Vector> saved_values = p.values;
    const std::int64_t saved_steps = optimizer->steps();
    std::vector<Vector> saved_buffers;
    for (const Vector* buffer : optimizer->state_buffers()) saved_buffers.push_back(*buffer);

    run(*optimizer, p, 3, 3, config.lr());
    const std::vector<Vector> continued = p.values;

    // Restore into a fresh optimizer and take the same three steps again.
    p.values[0] = saved_values[0];
    p.values[1] = saved_values[1];
    auto restored = config.create(p.blocks);
    const std::vector<Vector*> buffers = restored->state_buffers();
    REQUIRE(buffers.size() == saved_buffers.size());
    for (std::size_t i = 0; i < buffers.size(); ++i) {
      REQUIRE(buffers[i]->size() == saved_buffers[i].size());
      *buffers[i] = saved_buffers[i];
    }
    restored->set_steps(saved_steps);
    run(*restored, p, 3, 3, config.lr());
    CHECK(p.values[0] == continued[0]);
    CHECK(p.values[1] == continued[1]);

    // Without the state the continuation differs (so the comparison above can fail).
    p.values[0] = saved_values[0];
    p.values[1] = saved_values[1];
    auto fresh = config.create(p.blocks);
    run(*fresh, p, 3, 3, config.lr());
    CHECK(p.values[0] != continued[0]);
  }
}

TEST_CASE("state buffer counts and order follow each optimizer's documentation") {
  TestParams p({{1.0, 2.0, 3.0}, {4.0}});
  p.grads[0].setConstant(2);
  p.grads[1].setConstant(2);
  const auto counts = [&](const OptimizerConfig& config) {
    auto optimizer = config.create(p.blocks);
    return optimizer->state_buffers().size();
  };
  // Two blocks: sgd's momentum_buffer only with momentum; Adam's exp_avg, exp_avg_sq (and
  // max_exp_avg_sq with amsgrad); RMSprop's square_avg (and momentum_buffer, grad_avg); Adagrad's sum.
  CHECK(counts(OptimizerConfig::with("sgd", {})) == 0);
  CHECK(counts(OptimizerConfig::with("sgd", {{"momentum", 0.5}})) == 2);
  CHECK(counts(OptimizerConfig::with("adam", {})) == 4);
  CHECK(counts(OptimizerConfig::with("adamw", {{"amsgrad", 1}})) == 6);
  CHECK(counts(OptimizerConfig::with("rmsprop", {})) == 2);
  CHECK(counts(OptimizerConfig::with("rmsprop", {{"momentum", 0.5}, {"centered", 1}})) == 6);
  CHECK(counts(OptimizerConfig::with("adagrad", {})) == 2);

  // Adam after one step with g = 2: exp_avg = 0.1 * 2 = 0.2 per block, then exp_avg_sq =
  // 0.001 * 4 = 0.004 per block, then max_exp_avg_sq = 0.004, each sized like its block.
  auto adam = OptimizerConfig::with("adam", {{"amsgrad", 1}}).create(p.blocks);
  adam->step(p.blocks, 1e-3);
  const std::vector<Vector*> buffers = adam->state_buffers();
  const double expected[] = {0.2, 0.2, 0.004, 0.004, 0.004, 0.004};
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    CAPTURE(i);
    CHECK(buffers[i]->size() == p.values[i % 2].size());
    CHECK((*buffers[i])[0] == doctest::Approx(expected[i]));
  }
}

TEST_CASE("clip_grad_norm scales by max_norm / (norm + 1e-6) only above max_norm, like torch") {
  TestParams p({{0.0, 0.0}, {0.0}});
  const auto set = [&] {
    p.grads[0] << 3, 4;
    p.grads[1] << 12;
  };
  set();
  CHECK(grad_norm(p.blocks) == doctest::Approx(13.0));  // sqrt(9 + 16 + 144)

  CHECK(clip_grad_norm(p.blocks, 20) == doctest::Approx(13.0));
  CHECK(p.grads[0][0] == 3);  // below max_norm: untouched
  CHECK(p.grads[1][0] == 12);

  CHECK(clip_grad_norm(p.blocks, 6.5) == doctest::Approx(13.0));
  const double coef = 6.5 / (13 + 1e-6);
  CHECK(p.grads[0][0] == doctest::Approx(3 * coef).epsilon(1e-7));
  CHECK(p.grads[0][1] == doctest::Approx(4 * coef).epsilon(1e-7));
  CHECK(p.grads[1][0] == doctest::Approx(12 * coef).epsilon(1e-7));
  CHECK(grad_norm(p.blocks) == doctest::Approx(6.5).epsilon(1e-6));

  // At exactly max_norm the 1e-6 still makes coef < 1: torch scales by 13 / 13.000001 too.
  set();
  clip_grad_norm(p.blocks, 13);
  CHECK(p.grads[1][0] < 12);
  CHECK(p.grads[1][0] == doctest::Approx(12 * 13 / (13 + 1e-6)).epsilon(1e-7));
}

TEST_CASE("the optimizer table: lr first, torch's defaults, lookup and descriptions") {
  CHECK(optimizers().names() == "sgd, adam, adamw, rmsprop, adagrad");
  for (const OptimizerSpec& spec : optimizers()) {
    CAPTURE(spec.name);
    REQUIRE(spec.params.size() > 0);
    CHECK(spec.params.begin()->name == "lr");  // OptimizerConfig::lr() reads slot 0
    CHECK(spec.torch.starts_with("torch.optim."));
    CHECK(optimizers().find(spec.name) == &spec);
  }
  CHECK(optimizers().find("lbfgs") == nullptr);
  CHECK_THROWS_WITH_AS(OptimizerConfig::with_defaults("adamm"),
                       "unknown optimizer \"adamm\"; valid: sgd, adam, adamw, rmsprop, adagrad", InputError);
  CHECK(OptimizerConfig::with_defaults("sgd").describe() ==
        "sgd(lr=0.01, momentum=0, dampening=0, weight_decay=0, nesterov=false)");
  CHECK(OptimizerConfig::with_defaults("adam").describe() ==
        "adam(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0, amsgrad=false)");
  CHECK(OptimizerConfig::with_defaults("adamw").describe() ==
        "adamw(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0.01, amsgrad=false)");
  CHECK(OptimizerConfig::with_defaults("rmsprop").describe() ==
        "rmsprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=false)");
  CHECK(OptimizerConfig::with_defaults("adagrad").describe() ==
        "adagrad(lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)");
  CHECK(OptimizerConfig::with_defaults("adam").lr() == 1e-3);
}
