#include "mlp/compare.hpp"
#include "mlp/config.hpp"
#include "mlp/diagnostics.hpp"
#include "mlp/error.hpp"
#include "mlp/experiment.hpp"
#include "mlp/layers.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlp;

namespace {

// A small, fast comparison on iris: 3 activations, 2 seeds, a few epochs.
Settings small_compare(const std::vector<std::pair<std::string, std::string>>& more = {}) {
  std::vector<std::pair<std::string, std::string>> overrides = {
      {"train.epochs", "4"},
      {"compare.activations", R"(["relu", "tanh", "prelu"])"},
      {"compare.seeds", "[3, 4]"},
  };
  overrides.insert(overrides.end(), more.begin(), more.end());
  return parse_config("configs/iris.json", overrides);
}

// The JSON without any key named "timing", where the wall-clock figures live.
nlohmann::json without_timing(nlohmann::json j) {
  if (j.is_object()) {
    j.erase("timing");
    for (auto& [key, value] : j.items()) value = without_timing(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_timing(value);
  }
  return j;
}

// Every linear layer's weights and biases, in order.
std::vector<Scalar> weights_of(const Network& net) {
  std::vector<Scalar> values;
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    if (const auto* dense = dynamic_cast<const DenseLayer*>(&net.layer(i))) {
      values.insert(values.end(), dense->weight().data(), dense->weight().data() + dense->weight().size());
      values.insert(values.end(), dense->bias().data(), dense->bias().data() + dense->bias().size());
    }
  }
  return values;
}

// A run of `activation` on `seed` with these validation losses per epoch and a constant accuracy.
CompareRun run(std::size_t activation, std::uint64_t seed, std::vector<double> losses, double accuracy) {
  CompareRun r{activation, seed, 0.1, Initializer::pytorch_default(), {}, {}};
  for (std::size_t e = 0; e < losses.size(); ++e) {
    EpochMetrics m;
    m.epoch = static_cast<int>(e) + 1;
    m.val = Evaluation{};
    m.val->loss = losses[e];
    m.val->accuracy = accuracy;
    r.result.history.push_back(m);
  }
  return r;
}

}  // namespace

TEST_CASE("for one seed, every activation gets the same split, initial weights and batch order") {
  const Settings settings = small_compare();
  const Experiment experiment = load_experiment(settings);
  std::vector<std::vector<Scalar>> initial;
  std::vector<Rng::State> shuffles;
  for (const char* name : {"relu", "tanh", "prelu"}) {
    ModelSettings model = settings.model;
    for (LayerSpec& layer : model.hidden) {
      if (layer.type == LayerSpec::Type::kActivation) layer.activation = Activation::with_defaults(name);
    }
    Network net = build_network(model, settings.model.init, experiment, 3);
    initial.push_back(weights_of(net));
    TrainSettings train = settings.train;
    train.epochs = 2;
    train.seed = 3;
    Trainer trainer(train, net, experiment.loss, experiment.task(), experiment.classes());
    trainer.fit(experiment.data.train, nullptr, {});
    // The shuffling generator is seeded by the seed alone and drawn from only to shuffle, so
    // equal states after the same epochs mean the same batch order in every epoch.
    shuffles.push_back(trainer.state().shuffle_rng);
  }
  CHECK(initial[0] == initial[1]);
  CHECK(initial[0] == initial[2]);
  const auto same = [](const Rng::State& a, const Rng::State& b) { return std::ranges::equal(a.s, b.s); };
  CHECK(same(shuffles[0], shuffles[1]));
  CHECK(same(shuffles[0], shuffles[2]));
  // It did shuffle (so the comparison above means something).
  CHECK_FALSE(same(shuffles[0], Rng(3, "shuffle").state()));
}

TEST_CASE("results do not depend on the number of jobs") {
  const Settings settings = small_compare();
  CompareOptions one;
  one.jobs = 1;
  CompareOptions two;
  two.jobs = 2;
  const nlohmann::json a = compare_json(run_compare(settings, one), settings);
  const nlohmann::json b = compare_json(run_compare(settings, two), settings);
  CHECK(without_timing(a).dump() == without_timing(b).dump());
  CHECK(a["runs"].size() == 6);
  CHECK(a["summary"].size() == 3);
  // Wall-clock figures exist, only under "timing".
  CHECK(a["runs"][0]["timing"]["train_seconds"].get<double>() > 0);
}

TEST_CASE("results do not depend on the threads of each run, nor on how they combine with jobs") {
  // Layers wide enough that each run's weight-gradient products and optimizer steps are split
  // over its threads (see core/parallel_parts.hpp).
  const Settings settings = small_compare(
      {{"model.hidden", "[256, 256]"}, {"train.epochs", "2"}, {"compare.activations", R"(["relu", "prelu"])"}});
  std::string first;
  for (const auto& [jobs, threads] : {std::pair{1, 1}, std::pair{1, 3}, std::pair{2, 2}}) {
    CAPTURE(jobs);
    CAPTURE(threads);
    CompareOptions options;
    options.jobs = jobs;
    options.threads = threads;
    const nlohmann::json j = compare_json(run_compare(settings, options), settings);
    CHECK(j["timing"]["jobs"] == jobs);
    CHECK(j["timing"]["threads_per_run"] == threads);
    if (first.empty()) first = without_timing(j).dump();
    CHECK(without_timing(j).dump() == first);
  }
}

TEST_CASE("data.test: each run's final model is evaluated on it, and the summary has its metric over seeds") {
  const Settings settings = small_compare({{"data.test", "\"data/iris.csv\""}});
  const CompareResult result = run_compare(settings, {});
  for (const CompareRun& run : result.runs) {
    REQUIRE(run.test);
    CHECK(run.test->samples == 150);
  }
  for (const ActivationSummary& s : result.summary) {
    REQUIRE(s.test_metric);
    double sum = 0;
    for (const CompareRun& run : result.runs) sum += run.activation == s.activation ? *run.test->accuracy : 0;
    CHECK(s.test_metric->count == 2);
    CHECK(s.test_metric->mean == doctest::Approx(sum / 2));
  }
  // Without a test set, nothing is evaluated.
  const CompareResult without = run_compare(small_compare(), {});
  CHECK_FALSE(without.runs.front().test);
  CHECK_FALSE(without.summary.front().test_metric);
}

TEST_CASE("train.checkpoint_every is refused: a comparison cannot be resumed") {
  const Settings settings = small_compare({{"train.checkpoint_every", "2"}});
  CHECK(test::input_error([&] { run_compare(settings, {}); }) ==
        "configs/iris.json: train.checkpoint_every: compare writes no checkpoints (a comparison cannot be resumed); "
        "set it to 0");
}

TEST_CASE("a baseline given by its whole spec is paired against, among two of its name") {
  const Settings settings =
      small_compare({{"compare.activations", R"j(["leaky_relu", "leaky_relu(negative_slope=0.2)"])j"},
                     {"compare.baseline", "leaky_relu(negative_slope=0.2)"}});
  const CompareResult result = run_compare(settings, {});
  CHECK(result.baseline == 1);
  for (const ActivationSummary& s : result.summary) CHECK(s.vs_baseline.has_value() == (s.activation == 0));
}

TEST_CASE("every run diverged: DivergedError with the first run's reason (some diverged: a result)") {
  CompareResult result;
  result.activations = {Activation::with_defaults("relu"), Activation::with_defaults("tanh")};
  result.runs = {{0, 7, 0.1, Initializer::pytorch_default(), {}, {}},
                 {1, 7, 0.1, Initializer::pytorch_default(), {}, {}}};
  result.runs[0].result.reason = StopReason::kDiverged;
  result.runs[0].result.message = "the loss became inf in epoch 1";
  CHECK_NOTHROW(check_not_all_diverged(result));
  result.runs[1].result.reason = StopReason::kDiverged;
  try {
    check_not_all_diverged(result);
    FAIL("no DivergedError");
  } catch (const DivergedError& e) {
    CHECK(std::string(e.what()) ==
          "compare: every run diverged (2 of 2); the first, relu with seed 7: the loss became inf in epoch 1");
  }
}

TEST_CASE("the learning-rate grid reports each activation at its best rate") {
  const Settings settings = small_compare({{"compare.lr_grid", "[1e-6, 0.01]"}});
  CompareOptions options;
  options.jobs = 2;
  const CompareResult result = run_compare(settings, options);
  REQUIRE(result.runs.size() == 3 * 2 * 2);
  for (const ActivationSummary& s : result.summary) CHECK(s.lr == 0.01);  // 1e-6 learns nothing in 4 epochs
}

TEST_CASE("summaries: the loss target is reached by every run, and paired wins against the baseline") {
  CompareResult result;
  result.task = Task::kClassification;
  result.activations = {Activation::with_defaults("relu"), Activation::with_defaults("tanh")};
  result.seeds = {1, 2};
  result.lr_grid = {0.1};
  result.baseline = 0;
  // relu: best val losses 0.5 and 0.4; tanh: 0.3 and 0.6. Accuracies at the end: relu 0.8, 0.9;
  // tanh 0.85, 0.85.
  result.runs = {run(0, 1, {0.9, 0.5, 0.55}, 0.8), run(0, 2, {0.7, 0.4, 0.45}, 0.9), run(1, 1, {0.8, 0.3, 0.35}, 0.85),
                 run(1, 2, {0.6, 0.65, 0.7}, 0.85)};
  summarize_compare(result);
  CHECK(result.loss_target == doctest::Approx(0.6));  // the worst best loss: tanh's second seed
  REQUIRE(result.summary.size() == 2);
  const ActivationSummary& tanh = result.summary[0].activation == 1 ? result.summary[0] : result.summary[1];
  REQUIRE(tanh.vs_baseline);
  CHECK(tanh.vs_baseline->wins == 1);  // 0.85 > 0.8 on seed 1, 0.85 < 0.9 on seed 2
  CHECK(tanh.vs_baseline->seeds == 2);
  CHECK(tanh.vs_baseline->difference.mean == doctest::Approx(0.0));
  REQUIRE(tanh.epochs_to_target);
  CHECK(tanh.epochs_to_target->mean == doctest::Approx(1.5));  // epoch 2 on seed 1, epoch 1 on seed 2
  CHECK(tanh.final_val_loss.mean == doctest::Approx(0.525));
  CHECK(tanh.metric.mean == doctest::Approx(0.85));
}

TEST_CASE("summaries: a run that learned nothing neither sets the loss target nor reaches it, and the interval") {
  CompareResult result;
  result.task = Task::kClassification;
  result.activations = {Activation::with_defaults("relu"), Activation::with_defaults("sigmoid")};
  result.seeds = {1, 2, 3};
  result.lr_grid = {0.1};
  result.baseline = 0;
  result.chance_loss = 1.1;  // learned: a best below 0.99
  // relu learns (best 0.3, 0.4, 0.5); sigmoid stays at chance. Accuracy differences sigmoid -
  // relu: -0.1, -0.2, -0.3: mean -0.2, sample std 0.1, t(0.975, df 2) = 4.302653.
  result.runs = {run(0, 1, {0.9, 0.3}, 0.9),  run(0, 2, {0.8, 0.4}, 0.9),  run(0, 3, {0.5, 0.7}, 0.9),
                 run(1, 1, {1.1, 1.09}, 0.8), run(1, 2, {1.1, 1.05}, 0.7), run(1, 3, {1.1, 1.0}, 0.6)};
  summarize_compare(result);
  CHECK(result.loss_target == doctest::Approx(0.5));  // relu's worst best, not sigmoid's 1.09
  const ActivationSummary& relu = result.summary[0].activation == 0 ? result.summary[0] : result.summary[1];
  const ActivationSummary& sigmoid = result.summary[0].activation == 1 ? result.summary[0] : result.summary[1];
  REQUIRE(relu.epochs_to_target);
  CHECK(relu.epochs_to_target->count == 3);
  CHECK(relu.epochs_to_target->mean == doctest::Approx(5.0 / 3));  // epochs 2, 2, 1
  CHECK_FALSE(sigmoid.epochs_to_target);                           // "never"
  REQUIRE(sigmoid.vs_baseline);
  CHECK(sigmoid.vs_baseline->wins == 0);
  CHECK(sigmoid.vs_baseline->difference.mean == doctest::Approx(-0.2));
  REQUIRE(sigmoid.vs_baseline->interval95);
  const double half = 4.302653 * 0.1 / std::sqrt(3.0);
  CHECK(sigmoid.vs_baseline->interval95->first == doctest::Approx(-0.2 - half).epsilon(1e-6));
  CHECK(sigmoid.vs_baseline->interval95->second == doctest::Approx(-0.2 + half).epsilon(1e-6));

  // Two seeds are too few for an interval; a run that did not learn on one seed of an activation
  // that did on another still reaches no target it did not reach.
  result.seeds = {1, 2};
  result.runs = {run(0, 1, {0.9, 0.3}, 0.9), run(0, 2, {0.8, 0.4}, 0.9), run(1, 1, {1.1, 1.09}, 0.8),
                 run(1, 2, {0.9, 0.35}, 0.95)};
  summarize_compare(result);
  CHECK(result.loss_target == doctest::Approx(0.4));
  for (const ActivationSummary& s : result.summary) {
    if (s.activation == 1) {
      REQUIRE(s.vs_baseline);
      CHECK_FALSE(s.vs_baseline->interval95);
      REQUIRE(s.epochs_to_target);
      CHECK(s.epochs_to_target->count == 1);
    }
  }
}

TEST_CASE("diagnostics: all-negative pre-activations make every ReLU unit dead, and +-50 saturates a sigmoid") {
  std::vector<std::unique_ptr<Layer>> layers;
  auto dense = std::make_unique<DenseLayer>(3, 4);
  dense->weight().setZero();
  dense->bias().setConstant(-1);  // every pre-activation is -1 whatever the input
  layers.push_back(std::move(dense));
  layers.push_back(std::make_unique<ActivationLayer>(Activation::with_defaults("relu"), 4));
  auto big = std::make_unique<DenseLayer>(4, 2);
  big->weight().setZero();
  big->bias() << 50, -50;
  layers.push_back(std::move(big));
  layers.push_back(std::make_unique<ActivationLayer>(Activation::with_defaults("sigmoid"), 2));
  layers.push_back(std::make_unique<ActivationLayer>(Activation::with_defaults("tanh"), 2));
  Network net(std::move(layers));
  ActivityAccumulator activity(net);
  const Matrix x = Matrix::Random(3, 10);
  net.forward(cview(x), Mode::kEval);
  activity.add(net);
  const std::vector<ActivityStats> stats = activity.finish();
  REQUIRE(stats.size() == 3);
  CHECK(stats[0].dead_fraction == 1.0);
  CHECK_FALSE(stats[0].saturated_fraction);  // relu is not bounded above
  CHECK(stats[1].saturated_fraction == 1.0);
  CHECK_FALSE(stats[1].dead_fraction);  // sigmoid has no flat region
  CHECK(stats[1].mean_activation == doctest::Approx(0.5));
  // tanh of sigmoid's outputs (1 and 0): tanh(1) = 0.76 is not saturated, tanh(0) = 0 is not either.
  CHECK(stats[2].saturated_fraction == 0.0);

  // A live layer is not dead: the same network with random weights.
  const LayerSpec specs[] = {LayerSpec::linear(16), LayerSpec::activation_of(Activation::with_defaults("relu"))};
  Network live = Network::build(3, specs, 2, Initializer::pytorch_default(), 1);
  ActivityAccumulator live_activity(live);
  const Matrix many = Matrix::Random(3, 200);
  live.forward(cview(many), Mode::kEval);
  live_activity.add(live);
  CHECK(*live_activity.finish()[0].dead_fraction < 0.5);
}

TEST_CASE("the deep sigmoid network's gradient ratio is orders of magnitude below ReLU's") {
  const Settings settings =
      parse_config("configs/deep_sigmoid.json",
                   {{"train.epochs", "3"}, {"compare.activations", R"(["sigmoid", "relu"])"}, {"compare.seeds", "1"}});
  CompareOptions options;
  options.jobs = 2;
  const CompareResult result = run_compare(settings, options);
  double sigmoid = 0, relu = 0;
  for (const ActivationSummary& s : result.summary) {
    REQUIRE(s.grad_ratio);
    (result.activations[s.activation].spec->name == "sigmoid" ? sigmoid : relu) = s.grad_ratio->mean;
  }
  CHECK(sigmoid < relu * 1e-3);
}

TEST_CASE("--init auto gives each activation its recommended scheme") {
  CHECK(recommended_initializer(Activation::with_defaults("relu"), BiasInit::kDefault).spec->name == "kaiming_uniform");
  CHECK(recommended_initializer(Activation::with_defaults("tanh"), BiasInit::kDefault).spec->name == "xavier_uniform");
  CHECK(recommended_initializer(Activation::with_defaults("selu"), BiasInit::kZeros).spec->name == "lecun_normal");
  const Settings settings = small_compare({{"compare.init", "\"auto\""}});
  CompareOptions options;
  const CompareResult result = run_compare(settings, options);
  for (const ActivationSummary& s : result.summary) {
    const bool relu_family = result.activations[s.activation].spec->name != "tanh";
    CHECK(s.init.rfind(relu_family ? "kaiming_uniform" : "xavier_uniform", 0) == 0);
  }
}
