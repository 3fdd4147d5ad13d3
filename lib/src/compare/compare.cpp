// The comparison grid: planning the runs, running them in parallel (each on its own threads),
// evaluating the final models on the test set, and collecting results.
// Summaries are in summary.cpp, compare.json in output.cpp.
#include "mlp/compare.hpp"

#include "mlp/error.hpp"
#include "mlp/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>

namespace mlp {

Initializer recommended_initializer(const Activation& activation, BiasInit bias) {
  Initializer init;
  switch (activation.recommended_init()) {
    case RecommendedInit::kKaiming:
      init = Initializer::with("kaiming_uniform", {{"nonlinearity", "relu"}});
      break;
    case RecommendedInit::kXavier:
      init = Initializer::with_defaults("xavier_uniform");
      break;
    case RecommendedInit::kLecun:
      init = Initializer::with_defaults("lecun_normal");
      break;
  }
  init.bias = bias;
  return init;
}

namespace {

// The model settings with every hidden activation that follows model.activation replaced.
ModelSettings with_activation(const ModelSettings& model, const Activation& activation) {
  ModelSettings replaced = model;
  for (LayerSpec& layer : replaced.hidden) {
    if (layer.type == LayerSpec::Type::kActivation && layer.follows_model_activation) layer.activation = activation;
  }
  return replaced;
}

// Saves the run's checkpoints as `checkpoints` asks: periodically after an epoch, and of the last
// finished epoch when the run is stopped.
void add_checkpoints(TrainerOptions& options, const RunCheckpoints& checkpoints, const Model& model,
                     const Trainer& trainer) {
  using Clock = std::chrono::steady_clock;
  options.checkpoint_on_stop = true;
  options.on_checkpoint = [&checkpoints, &model](const TrainerState& state) { checkpoints.save(model, state); };
  options.on_epoch = [&checkpoints, &model, &trainer, last = Clock::now()](const EpochMetrics&) mutable {
    if (std::chrono::duration<double>(Clock::now() - last).count() < checkpoints.every_seconds) return;
    checkpoints.save(model, trainer.state());
    last = Clock::now();
  };
}

// One run on its own pool of `threads` threads (results do not depend on how many), then its
// final model on the test set. With checkpoints, from the one it may continue from.
void run_one(const Settings& settings, const Experiment& experiment, CompareRun& run, const Activation& activation,
             const CompareOptions& compare_options) {
  TrainSettings train = settings.train;
  train.seed = run.seed;
  train.optimizer.params[0] = run.lr;
  const RunCheckpoints* checkpoints = compare_options.checkpoints;
  std::optional<Checkpoint> resume = checkpoints ? checkpoints->load(experiment.data.schema) : std::nullopt;
  ThreadPool pool(compare_options.threads);
  Model model{experiment.data.schema,
              resume ? std::move(resume->model.network)
                     : build_network(with_activation(settings.model, activation), run.init, experiment, run.seed)};
  Network& network = model.network;
  network.set_thread_pool(&pool);
  Trainer trainer(train, network, experiment.loss, experiment.task(), experiment.classes(), experiment.target_units());
  if (resume) trainer.restore(resume->state);
  TrainerOptions options;
  options.diagnostics = true;
  options.stop = compare_options.stop;
  if (checkpoints) add_checkpoints(options, *checkpoints, model, trainer);
  run.result = trainer.fit(experiment.data.train, &*experiment.data.val, options);
  if (experiment.data.test && run.result.reason != StopReason::kDiverged) {
    run.test = evaluate(network, experiment.loss, experiment.task(), experiment.classes(), *experiment.data.test, {},
                        experiment.target_units());
  }
}

// The runs in grid order (activation, then rate, then seed), with each activation's initialisation.
std::vector<CompareRun> plan_runs(const Settings& settings, const CompareResult& result) {
  std::vector<CompareRun> runs;
  for (std::size_t a = 0; a < result.activations.size(); ++a) {
    const Initializer init = settings.compare.init == CompareInit::kSame
                                 ? settings.model.init
                                 : recommended_initializer(result.activations[a], settings.model.init.bias);
    for (const double lr : result.lr_grid) {
      for (const std::uint64_t seed : result.seeds) runs.push_back({a, seed, lr, init, {}, {}});
    }
  }
  return runs;
}

}  // namespace

CompareResult compare_grid(const Settings& settings) {
  const CompareSettings& compare = settings.compare;
  CompareResult result;
  result.activations = compare.activations;
  result.seeds = compare.seeds.empty() ? std::vector<std::uint64_t>{settings.train.seed} : compare.seeds;
  result.lr_grid = compare.lr_grid.empty() ? std::vector<double>{settings.train.optimizer.lr()} : compare.lr_grid;
  result.baseline = compare.baseline.value_or(result.activations.size());
  result.runs = plan_runs(settings, result);
  return result;
}

CompareResult run_compare(const Settings& settings, const CompareOptions& options) {
  if (settings.train.init_from) {
    // Weights trained with one activation are no start for another: each run starts from the
    // seed's initial weights, the same for every activation.
    throw InputError(settings.config_path.string() +
                     ": train.init_from: compare starts every activation from the same initial weights; remove it");
  }
  if (settings.train.checkpoint_every != 0) {
    throw InputError(settings.config_path.string() +
                     ": train.checkpoint_every: compare writes no checkpoints (a comparison cannot be resumed); "
                     "set it to 0");
  }
  CompareResult result = compare_grid(settings);
  if (options.checkpoints && result.runs.size() != 1) {
    throw std::logic_error("run_compare: checkpoints are for a comparison of one run");
  }

  // The split and standardisation depend on the seed, so each seed has its own data; every
  // activation and rate shares it. The files are read once.
  TrainingFiles files = read_training_files(settings.data, options.jobs * options.threads);
  std::vector<Experiment> experiments;
  for (std::size_t s = 0; s < result.seeds.size(); ++s) {
    // Each seed but the last prepares a copy; the last takes the files (a copy of a large table
    // costs as much as a third of reading it).
    TrainingFiles seed_files = s + 1 == result.seeds.size() ? std::move(files) : files;
    experiments.push_back(make_experiment(settings, prepare_training_data(std::move(seed_files), settings.data,
                                                                          result.seeds[s], {}, options.memory_limit)));
    if (!experiments.back().data.val || experiments.back().data.val->size() == 0) {
      throw InputError("compare: needs validation data to compare on; set data.val_fraction > 0 or data.val");
    }
  }
  result.chance_loss = 0;
  for (const Experiment& e : experiments) {
    result.chance_loss += chance_level_loss(e.loss, e.task(), e.outputs, e.data.train, *e.data.val, e.target_units()) /
                          static_cast<double>(experiments.size());
  }
  if (options.on_data) options.on_data(experiments.front().data.notes, experiments.front().data.warnings);
  result.task = experiments.front().task();
  result.classes = experiments.front().data.schema.classes;

  std::mutex progress_mutex;
  int done = 0;
  const int total = static_cast<int>(result.runs.size());
  result.jobs = std::min(options.jobs, total);
  result.threads = options.threads;
  check_training_memory(settings, experiments, options.memory_limit, result.jobs);
  ThreadPool pool(result.jobs);
  pool.run(total, [&](std::int64_t i) {
    CompareRun& run = result.runs[static_cast<std::size_t>(i)];
    const auto seed_index = static_cast<std::size_t>(i) % result.seeds.size();
    run_one(settings, experiments[seed_index], run, result.activations[run.activation], options);
    if (options.on_run_done) {
      std::lock_guard lock(progress_mutex);
      options.on_run_done(++done, total);
    }
  });
  summarize_compare(result);
  return result;
}

void check_not_all_diverged(const CompareResult& result) {
  const auto diverged = [](const CompareRun& run) { return run.result.reason == StopReason::kDiverged; };
  if (result.runs.empty() || !std::ranges::all_of(result.runs, diverged)) return;
  const std::string count = std::to_string(result.runs.size());
  const CompareRun& first = result.runs.front();
  throw DivergedError("compare: every run diverged (" + count + " of " + count + "); the first, " +
                      result.activations[first.activation].describe() + " with seed " + std::to_string(first.seed) +
                      ": " + first.result.message);
}

}  // namespace mlp
