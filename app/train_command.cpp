// mlptrain train: config → data → network → trainer → model.json, metrics.csv, summary.json
// (and checkpoint.json every train.checkpoint_every epochs; --resume continues from it).
#include "commands.hpp"
#include "console.hpp"
#include "signals.hpp"

#include "mlp/checkpoint.hpp"
#include "mlp/config.hpp"
#include "mlp/error.hpp"
#include "mlp/experiment.hpp"
#include "mlp/files.hpp"
#include "mlp/layers.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/model_file.hpp"
#include "mlp/records.hpp"
#include "mlp/text.hpp"
#include "mlp/thread_pool.hpp"
#include "mlp/trainer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

namespace mlp::app {

std::vector<std::pair<std::string, std::string>> RunOptions::overrides() const {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& set : sets) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError("--set " + set + ": expected PATH=VALUE, e.g. --set train.optimizer.lr=0.01");
    }
    pairs.emplace_back(set.substr(0, eq), set.substr(eq + 1));
  }
  return pairs;
}

int RunOptions::resolved_threads() const {
  if (threads > 0) return threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

namespace {

// "4 → linear(16) → relu → linear(3)"
std::string describe_network(const Network& network) {
  std::string text = std::to_string(network.input_size());
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    const Layer& layer = network.layer(i);
    text += " → ";
    if (const auto* activation = dynamic_cast<const ActivationLayer*>(&layer)) {
      text += activation->activation().describe();
    } else if (const auto* dropout = dynamic_cast<const DropoutLayer*>(&layer)) {
      text += "dropout(" + format_number(dropout->p()) + ")";
    } else {
      text += std::string(layer.type()) + "(" + std::to_string(layer.output_size()) + ")";
    }
  }
  return text;
}

void log_plan(const Settings& settings, const Experiment& experiment, const Network& network, int threads) {
  const DataSchema& schema = experiment.data.schema;
  std::string classes;
  for (const std::string& label : schema.classes) classes += (classes.empty() ? "" : ", ") + label;
  spdlog::info("data: {} ({} features → {}{})", settings.data.train.string(), schema.feature_names.size(),
               task_name(schema.task), schema.task == Task::kClassification ? ", classes " + classes : "");
  for (const std::string& note : experiment.data.notes) spdlog::info("data: {}", note);
  spdlog::info("split: {} train, {} validation, {} test", experiment.data.train.size(),
               experiment.data.val ? experiment.data.val->size() : 0,
               experiment.data.test ? experiment.data.test->size() : 0);
  spdlog::info("model: {} ({} parameters, init {})", describe_network(network), network.parameter_count(),
               settings.model.init.describe());
  spdlog::info("train: {} epochs, batch {}, {}, loss {}, {} thread{}", settings.train.epochs, settings.train.batch_size,
               settings.train.optimizer.describe(), experiment.loss.describe(), threads, threads == 1 ? "" : "s");
  for (const std::string& key : settings.defaulted) spdlog::debug("default: {}", key);
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a run starts from: a config (and --set), or the checkpoint of an earlier run.
struct RunStart {
  Settings settings;
  RunOrigin origin;
  std::optional<Checkpoint> checkpoint;
};

RunStart start_from(const TrainOptions& options) {
  const RunOptions& run = options.run;
  RunStart start;
  if (options.resume.empty()) {
    if (run.config.empty()) throw InputError("train: --config FILE is required (see mlptrain train --help)");
    start.settings = parse_config(run.config, run.overrides());
    start.origin = {std::filesystem::absolute(run.config), read_text_file(run.config), run.overrides()};
    if (!run.out.empty()) start.settings.output.dir = run.out;
    return start;
  }
  if (!run.config.empty() || !run.sets.empty() || !run.out.empty()) {
    throw InputError("train --resume DIR continues the run in DIR with its own config; drop --config, --set and --out");
  }
  start.checkpoint = load_checkpoint(std::filesystem::path(options.resume) / "checkpoint.json");
  start.origin = start.checkpoint->origin;
  start.settings = parse_config_text(start.origin.config_text, start.origin.config_path.string(),
                                     start.origin.config_path.parent_path(), start.origin.overrides);
  start.settings.output.dir = options.resume;
  return start;
}

// A resumed run must see the data it started with (same columns, classes and standardisation,
// bit for bit), or it could not match the run it continues.
void check_same_data(const DataSchema& now, const DataSchema& before, const std::filesystem::path& dir) {
  const bool same = now.task == before.task && now.feature_names == before.feature_names &&
                    now.target_names == before.target_names && now.classes == before.classes &&
                    now.standardizer.mean == before.standardizer.mean &&
                    now.standardizer.scale == before.standardizer.scale;
  if (!same) {
    throw InputError((dir / "checkpoint.json").string() +
                     ": the training data has changed since this checkpoint was written; a resumed run must see "
                     "the same data");
  }
}

// What a run writes while it trains: the epoch lines, metrics.csv after every epoch (so a crash
// loses at most the epoch in progress) and checkpoints.
class RunRecorder {
 public:
  RunRecorder(const Settings& settings, Task task, const RunOrigin& origin, const Model& model, int print_every,
              std::vector<EpochMetrics> history)
      : dir_(settings.output.dir),
        task_(task),
        origin_(origin),
        model_(model),
        printer_(task, settings.train.epochs, print_every),
        history_(std::move(history)) {}

  TrainerOptions callbacks(const std::atomic<bool>& stop) {
    TrainerOptions options;
    options.stop = &stop;
    options.on_batch = [this](Index done, Index total) { progress_.update(done, total); };
    options.on_epoch = [this](const EpochMetrics& metrics) { epoch_done(metrics); };
    options.on_checkpoint = [this](const TrainerState& state) {
      write_file_atomically(dir_ / "checkpoint.json", checkpoint_text(origin_, model_, state));
    };
    if (spdlog::should_log(spdlog::level::info)) printer_.print_header();
    progress_.start_epoch(static_cast<int>(history_.size()) + 1);
    return options;
  }

  void finish() { progress_.clear(); }

 private:
  void epoch_done(const EpochMetrics& metrics) {
    progress_.clear();
    history_.push_back(metrics);
    write_file_atomically(dir_ / "metrics.csv", metrics_csv(history_, task_), Durability::kAtomicOnly);
    if (spdlog::should_log(spdlog::level::info)) {
      printer_.print(metrics, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    progress_.start_epoch(metrics.epoch + 1);
  }

  std::filesystem::path dir_;
  Task task_;
  const RunOrigin& origin_;
  const Model& model_;
  EpochPrinter printer_;
  ProgressBar progress_;
  std::vector<EpochMetrics> history_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Writes model.json, metrics.csv and summary.json, says what happened, and returns the exit code.
int finish_run(const Settings& settings, const Experiment& experiment, Model& model, const TrainResult& result,
               const RunInfo& info) {
  const std::filesystem::path& dir = settings.output.dir;
  std::optional<Evaluation> test;
  if (experiment.data.test) {
    test = evaluate(model.network, experiment.loss, experiment.task(), experiment.classes(), *experiment.data.test);
  }
  save_model(model, dir / "model.json");
  write_file_atomically(dir / "metrics.csv", metrics_csv(result.history, experiment.task()));
  write_file_atomically(dir / "summary.json",
                        summary_json(settings, experiment, model.network, result, test, info).dump(2) + "\n");

  spdlog::info("{}: {} epochs in {:.3f} s ({:.0f} samples/s); model from epoch {}", stop_reason_name(result.reason),
               result.history.size(), result.train_seconds, result.samples_per_second, result.best_epoch);
  if (test) {
    const std::optional<double> metric = test->accuracy ? test->accuracy : test->r2;
    spdlog::info("test: loss {:.6f}, {} {:.4f}", test->loss, test->accuracy ? "accuracy" : "r2", metric.value_or(NAN));
  }
  spdlog::info("wrote {}/{{model.json, metrics.csv, summary.json}}", dir.string());
  switch (result.reason) {
    case StopReason::kDiverged:
      throw DivergedError("training diverged: " + result.message);
    case StopReason::kInterrupted:
      spdlog::warn("interrupted by signal {}; kept the model of epoch {}", stop_signal(), result.best_epoch);
      return 128 + stop_signal();
    case StopReason::kCompleted:
    case StopReason::kEarlyStopped:
      break;
  }
  return 0;
}

}  // namespace

int run_train(const TrainOptions& options, const std::string& command_line) {
  RunStart start = start_from(options);
  const Settings& settings = start.settings;
  const int threads = options.run.resolved_threads();
  const Experiment experiment = load_experiment(settings);
  check_training_memory(settings, experiment, memory_limit_or_default(options.run.memory_limit));
  Model model = start.checkpoint ? std::move(start.checkpoint->model)
                                 : Model{experiment.data.schema, build_network(settings.model, settings.model.init,
                                                                               experiment, settings.train.seed)};
  if (start.checkpoint) check_same_data(experiment.data.schema, model.schema, settings.output.dir);
  ThreadPool pool(threads);
  model.network.set_thread_pool(&pool);
  // Fail on an unwritable output folder now, not after an hour of training (nor after printing
  // a plan that will not run).
  ensure_writable_directory(settings.output.dir);
  log_plan(settings, experiment, model.network, threads);

  Trainer trainer(settings.train, model.network, experiment.loss, experiment.task(), experiment.classes());
  std::vector<EpochMetrics> history;
  if (start.checkpoint) {
    trainer.restore(start.checkpoint->state);
    history = start.checkpoint->state.history;
    spdlog::info("resuming after epoch {} of {}", history.size(), settings.train.epochs);
  }
  RunRecorder recorder(settings, experiment.task(), start.origin, model, options.run.print_every, std::move(history));
  const Dataset* val = experiment.data.val ? &*experiment.data.val : nullptr;
  const TrainResult result = trainer.fit(experiment.data.train, val, recorder.callbacks(install_stop_handlers()));
  recorder.finish();
  return finish_run(settings, experiment, model, result, {threads, command_line});
}

}  // namespace mlp::app
