#include "allocation_counter.hpp"

#include "mlp/experiment.hpp"
#include "mlp/layers.hpp"
#include "mlp/trainer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>

using namespace mlp;

namespace {

Dataset xor_data() {
  Dataset d;
  d.features.resize(2, 4);
  d.features << 0, 0, 1, 1,  //
      0, 1, 0, 1;
  d.targets.resize(1, 4);
  d.targets << 0, 1, 1, 0;
  return d;
}

TrainSettings xor_settings() {
  TrainSettings s;
  s.epochs = 500;
  s.batch_size = 4;
  s.seed = 3;
  s.optimizer = OptimizerConfig::with("adam", {{"lr", 0.05}});
  s.schedule = Schedule::with_defaults("constant");
  return s;
}

Network xor_network(std::uint64_t seed, const char* activation = "tanh") {
  const LayerSpec specs[] = {LayerSpec::linear(8), LayerSpec::activation_of(Activation::with_defaults(activation))};
  return Network::build(2, specs, 2, Initializer::pytorch_default(), seed);
}

std::vector<Scalar> all_weights(const Network& net) {
  std::vector<Scalar> values;
  for (const ParamBlock& block : net.parameters())
    values.insert(values.end(), block.value.data(), block.value.data() + block.value.size());
  return values;
}

}  // namespace

TEST_CASE("a network learns XOR to 100 % accuracy, deterministically") {
  const Dataset data = xor_data();
  const TrainSettings settings = xor_settings();
  Network net = xor_network(settings.seed);
  Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  const TrainResult result = trainer.fit(data, &data, {});
  REQUIRE(result.reason == StopReason::kCompleted);
  REQUIRE(result.history.back().val);
  CHECK(*result.history.back().val->accuracy == 1.0);
  CHECK(result.history.back().train_loss < 0.05);

  Network again = xor_network(settings.seed);
  Trainer trainer2(settings, again, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  const TrainResult result2 = trainer2.fit(data, &data, {});
  CHECK(all_weights(net) == all_weights(again));
  CHECK(result.history.back().train_loss == result2.history.back().train_loss);
}

TEST_CASE("train_loss is the mean of the minibatch losses weighted by batch size") {
  // With lr so small the weights barely move, the epoch's train_loss must equal the loss of the
  // whole set at the start (every sample counted once, a last batch of 1 weighted as 1 sample).
  Dataset data;
  data.features = Matrix::Random(3, 9);
  data.targets.resize(1, 9);
  for (Index j = 0; j < 9; ++j) data.targets(0, j) = static_cast<Scalar>(j % 2);
  TrainSettings settings = xor_settings();
  settings.epochs = 1;
  settings.batch_size = 4;  // batches of 4, 4, 1
  settings.optimizer = OptimizerConfig::with("sgd", {{"lr", 1e-30}});
  const LayerSpec specs[] = {LayerSpec::linear(4), LayerSpec::activation_of(Activation::with_defaults("tanh"))};
  Network net = Network::build(3, specs, 2, Initializer::pytorch_default(), 1);
  const Loss loss = Loss::with_defaults("cross_entropy");
  net.reserve(16);
  const double whole = loss.value(net.forward(cview(data.features), Mode::kEval), cview(data.targets));
  Trainer trainer(settings, net, loss, Task::kClassification, 2);
  const TrainResult result = trainer.fit(data, nullptr, {});
  CHECK(result.history.at(0).train_loss == doctest::Approx(whole).epsilon(1e-5));
}

TEST_CASE("divergence is caught in the batch where it happens and the last good weights are kept") {
  const Dataset data = xor_data();
  TrainSettings settings = xor_settings();
  settings.optimizer = OptimizerConfig::with("sgd", {{"lr", 1e30}});
  Network net = xor_network(1, "relu");
  const std::vector<Scalar> initial = all_weights(net);
  Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  const TrainResult result = trainer.fit(data, &data, {});
  CHECK(result.reason == StopReason::kDiverged);
  CHECK(result.message.find("epoch") != std::string::npos);
  CHECK(result.message.find("(lr 1e+30)") != std::string::npos);  // as the user wrote it, not fixed-point
  for (const Scalar w : all_weights(net)) CHECK(std::isfinite(w));
  // It diverged in the first epochs: the weights kept are finite ones from before it.
  CHECK(result.history.size() < 3);
  if (result.history.empty()) CHECK(all_weights(net) == initial);
}

namespace {

// A run on XOR with the weights after each epoch and at the end.
struct WatchedRun {
  TrainResult result;
  std::vector<std::vector<Scalar>> after_epoch;
  std::vector<Scalar> final;
};

WatchedRun watched_run(const TrainSettings& settings) {
  const Dataset data = xor_data();
  Network net = xor_network(2);
  WatchedRun run;
  TrainerOptions options;
  options.on_epoch = [&](const EpochMetrics&) { run.after_epoch.push_back(all_weights(net)); };
  Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  run.result = trainer.fit(data, &data, options);
  run.final = all_weights(net);
  return run;
}

// Checks that `run` ended on the weights of epoch `kept` (1-based).
void check_kept(const WatchedRun& run, std::size_t kept) {
  CHECK(run.result.best_epoch == static_cast<int>(kept));
  REQUIRE(run.after_epoch.size() >= kept);
  CHECK(run.final == run.after_epoch[kept - 1]);
}

}  // namespace

TEST_CASE(
    "early stopping stops after `patience` epochs without improvement, and restore_best says which weights stay") {
  TrainSettings settings = xor_settings();
  settings.epochs = 1000;
  settings.early_stopping.patience = 5;
  settings.early_stopping.min_delta = 10;  // nothing improves by 10: stops after epoch 1 + 5
  settings.early_stopping.restore_best = true;
  const WatchedRun best = watched_run(settings);
  CHECK(best.result.reason == StopReason::kEarlyStopped);
  CHECK(best.after_epoch.size() == 6);
  check_kept(best, 1);  // the best epoch: nothing improved after the first
  // Without restore_best, the last epoch that ran, as Keras keeps them with restore_best_weights=False.
  settings.early_stopping.restore_best = false;
  check_kept(watched_run(settings), 6);
}

TEST_CASE("restore_best also restores the best epoch when the run completes without stopping early") {
  TrainSettings settings = xor_settings();
  settings.epochs = 8;
  settings.early_stopping.patience = 100;  // never reached
  settings.early_stopping.min_delta = 10;  // only the first epoch counts as an improvement
  settings.early_stopping.restore_best = true;
  const WatchedRun best = watched_run(settings);
  CHECK(best.result.reason == StopReason::kCompleted);
  CHECK(best.after_epoch.size() == 8);
  check_kept(best, 1);
  settings.early_stopping.restore_best = false;
  check_kept(watched_run(settings), 8);
}

TEST_CASE("train.clip_grad_norm: every step's gradient norm is at most max_norm") {
  // Plain SGD moves the weights by lr * gradient: with clipping, by at most lr * max_norm.
  const Dataset data = xor_data();
  TrainSettings settings = xor_settings();
  settings.epochs = 3;
  settings.batch_size = 4;  // one step per epoch
  settings.optimizer = OptimizerConfig::with_defaults("sgd");
  settings.optimizer.params[0] = 1.0;
  settings.clip_grad_norm = 1e-3;
  Network net = xor_network(5);
  std::vector<Scalar> before = all_weights(net);
  TrainerOptions options;
  options.on_epoch = [&](const EpochMetrics&) {
    const std::vector<Scalar> now = all_weights(net);
    double step_sq = 0;
    for (std::size_t i = 0; i < now.size(); ++i) step_sq += std::pow(double(now[i]) - double(before[i]), 2);
    CHECK(std::sqrt(step_sq) <= 1e-3 * (1 + 1e-5));
    CHECK(std::sqrt(step_sq) > 0.9e-3);  // the unclipped gradient is far larger: clipped to max_norm
    before = now;
  };
  Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  CHECK(trainer.fit(data, nullptr, options).reason == StopReason::kCompleted);
}

TEST_CASE("a stop request ends training between batches and keeps the last finished epoch's weights") {
  const Dataset data = xor_data();
  TrainSettings settings = xor_settings();
  settings.batch_size = 1;
  std::atomic<bool> stop{false};
  TrainerOptions options;
  options.stop = &stop;
  Network net = xor_network(4);
  std::vector<Scalar> after_epoch_3;
  options.on_epoch = [&](const EpochMetrics& m) {
    if (m.epoch == 3) {
      after_epoch_3 = all_weights(net);
      stop = true;
    }
  };
  Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 2);
  const TrainResult result = trainer.fit(data, nullptr, options);
  CHECK(result.reason == StopReason::kInterrupted);
  CHECK(result.history.size() == 3);
  CHECK(result.best_epoch == 3);
  CHECK(all_weights(net) == after_epoch_3);
}

TEST_CASE("with target units, train_loss is the loss in the data's units, and the loop still allocates nothing") {
  // Standardised targets of a scale-10 quantity around 100: the reported loss is the MSE of the
  // de-standardised outputs against the de-standardised targets (100x the standardised MSE), the
  // number `evaluate` would give on the raw data.
  Dataset data;
  data.features = Matrix::Random(3, 9);
  data.targets = Matrix::Random(2, 9);
  Standardizer units;
  units.mean = Vector::Constant(2, 100);
  units.scale = Vector::Constant(2, 10);
  TrainSettings settings = xor_settings();
  settings.epochs = 1;
  settings.batch_size = 4;
  settings.optimizer = OptimizerConfig::with("sgd", {{"lr", 1e-30}});
  const LayerSpec specs[] = {LayerSpec::linear(4), LayerSpec::activation_of(Activation::with_defaults("tanh"))};
  Network net = Network::build(3, specs, 2, Initializer::pytorch_default(), 1);
  const Loss loss = Loss::with_defaults("mse");
  net.reserve(16);
  Matrix output = net.forward(cview(data.features), Mode::kEval);
  Matrix target = data.targets;
  const double standardised = loss.value(cview(output), cview(target));
  units.undo(view(output));
  units.undo(view(target));
  const double in_units = loss.value(cview(output), cview(target));
  REQUIRE(in_units == doctest::Approx(100 * standardised).epsilon(1e-4));
  std::vector<std::size_t> counts;
  TrainerOptions options;
  options.on_batch = [&](Index, Index) { counts.push_back(test::allocation_count()); };
  counts.reserve(8);
  Trainer trainer(settings, net, loss, Task::kRegression, 0, &units);
  const TrainResult result = trainer.fit(data, nullptr, options);
  CHECK(result.history.at(0).train_loss == doctest::Approx(in_units).epsilon(1e-5));
  REQUIRE(counts.size() == 3);
  CHECK(counts[2] == counts[0]);
}

TEST_CASE("the training loop allocates nothing between minibatches") {
  Dataset data;
  data.features = Matrix::Random(6, 64);
  data.targets.resize(1, 64);
  for (Index j = 0; j < 64; ++j) data.targets(0, j) = static_cast<Scalar>(j % 3);
  for (const bool diagnostics : {false, true}) {
    TrainSettings settings = xor_settings();
    settings.epochs = 2;
    settings.batch_size = 8;
    settings.clip_grad_norm = 0.5;
    const LayerSpec specs[] = {LayerSpec::linear(16), LayerSpec::activation_of(Activation::with_defaults("prelu")),
                               LayerSpec::dropout(0.2)};
    Network net = Network::build(6, specs, 3, Initializer::pytorch_default(), 5);
    std::vector<std::size_t> counts;
    TrainerOptions options;
    options.diagnostics = diagnostics;
    options.on_batch = [&](Index, Index) { counts.push_back(test::allocation_count()); };
    counts.reserve(64);
    Trainer trainer(settings, net, Loss::with_defaults("cross_entropy"), Task::kClassification, 3);
    trainer.fit(data, nullptr, options);
    REQUIRE(counts.size() == 16);
    // Within each epoch, from its first batch to its last, nothing is allocated.
    CHECK(counts[7] == counts[0]);
    CHECK(counts[15] == counts[8]);
  }
}

TEST_CASE("a loss that does not suit the task names those that do, from the loss table, the task's default first") {
  CHECK_THROWS_WITH_AS(output_size_for(Loss::with_defaults("mse"), Task::kClassification, 3, 1),
                       "train.loss: mse does not suit a classification task; use cross_entropy or bce_with_logits",
                       InputError);
  CHECK_THROWS_WITH_AS(output_size_for(Loss::with_defaults("cross_entropy"), Task::kRegression, 0, 2),
                       "train.loss: cross_entropy does not suit a regression task; use mse, l1 or huber", InputError);
}

TEST_CASE("checkpoint_on_stop: a run stopped mid-epoch checkpoints its last finished epoch, and resumes bit-exactly") {
  const Dataset data = xor_data();
  TrainSettings settings = xor_settings();
  settings.batch_size = 1;  // four steps an epoch: the stop lands inside one
  settings.epochs = 40;
  const Loss loss = Loss::with_defaults("cross_entropy");
  Network whole = xor_network(5);
  Trainer uninterrupted(settings, whole, loss, Task::kClassification, 2);
  const TrainResult expected = uninterrupted.fit(data, nullptr, {});

  Network first = xor_network(5);
  Trainer stopped(settings, first, loss, Task::kClassification, 2);
  std::atomic<bool> stop{false};
  std::optional<TrainerState> saved;
  std::vector<Scalar> saved_weights;
  TrainerOptions options;
  options.stop = &stop;
  options.checkpoint_on_stop = true;
  int finished = 0;
  options.on_epoch = [&](const EpochMetrics& m) { finished = m.epoch; };
  // Halfway through epoch 8: its first two steps have changed the weights, moments and order.
  options.on_batch = [&](Index done, Index) { stop = stop || (finished == 7 && done == 2); };
  options.on_checkpoint = [&](const TrainerState& state) {
    saved = state;
    saved_weights = all_weights(first);
  };
  CHECK(stopped.fit(data, nullptr, options).reason == StopReason::kInterrupted);
  REQUIRE(saved);
  CHECK(saved->epochs_done == 7);

  // A new network and trainer, as a resumed process builds them, from what the checkpoint holds.
  Network second = xor_network(99);
  std::size_t at = 0;
  for (const ParamBlock& block : second.parameters()) {
    std::copy_n(saved_weights.begin() + static_cast<std::ptrdiff_t>(at), block.value.size(), block.value.data());
    at += static_cast<std::size_t>(block.value.size());
  }
  Trainer resumed(settings, second, loss, Task::kClassification, 2);
  resumed.restore(*saved);
  const TrainResult result = resumed.fit(data, nullptr, {});
  CHECK(all_weights(second) == all_weights(whole));
  REQUIRE(result.history.size() == expected.history.size());
  for (std::size_t e = 0; e < result.history.size(); ++e)
    CHECK(result.history[e].train_loss == expected.history[e].train_loss);
}
