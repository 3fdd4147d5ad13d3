// mlptrain train: config → data → network → trainer → model.json, metrics.csv, summary.json.
#include "commands.hpp"
#include "console.hpp"
#include "signals.hpp"

#include "mlp/atomic_file.hpp"
#include "mlp/checkpoint.hpp"
#include "mlp/config.hpp"
#include "mlp/error.hpp"
#include "mlp/experiment.hpp"
#include "mlp/layers.hpp"
#include "mlp/model_io.hpp"
#include "mlp/report.hpp"
#include "mlp/thread_pool.hpp"
#include "mlp/trainer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <cstdio>
#include <thread>

namespace mlp::app {
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
      text += "dropout(" + format_double(dropout->p()) + ")";
    } else {
      text += std::string(layer.type()) + "(" + std::to_string(layer.output_size()) + ")";
    }
  }
  return text;
}

void log_data(const Settings& settings, const Experiment& experiment) {
  const DataSchema& schema = experiment.data.schema;
  std::string classes;
  for (const std::string& label : schema.classes) classes += (classes.empty() ? "" : ", ") + label;
  spdlog::info("data: {} ({} features → {}{})", settings.data.train.string(), schema.feature_names.size(),
               task_name(schema.task),
               schema.task == Task::kClassification ? ", classes " + classes : "");
  for (const std::string& note : experiment.data.notes) spdlog::info("data: {}", note);
  spdlog::info("split: {} train, {} validation, {} test", experiment.data.train.size(),
               experiment.data.val ? experiment.data.val->size() : 0,
               experiment.data.test ? experiment.data.test->size() : 0);
}

}  // namespace

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

std::string read_config_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Checks that the data the run was resumed with is the data it started with: the same columns,
// classes and standardisation (bit for bit), or the continued run could not match the original.
void check_same_data(const DataSchema& now, const DataSchema& before, const std::string& checkpoint) {
  const bool same = now.task == before.task && now.feature_names == before.feature_names &&
                    now.target_names == before.target_names && now.classes == before.classes &&
                    now.standardizer.mean == before.standardizer.mean &&
                    now.standardizer.scale == before.standardizer.scale;
  if (!same) {
    throw InputError(checkpoint + ": the training data has changed since this checkpoint was written; "
                     "a resumed run must see the same data");
  }
}

}  // namespace

int run_train(const TrainOptions& options, const std::string& command_line) {
  const RunOptions& run = options.run;
  const bool resuming = !options.resume.empty();
  std::optional<Checkpoint> checkpoint;
  RunOrigin origin;
  Settings settings;
  if (resuming) {
    if (!run.config.empty() || !run.sets.empty()) {
      throw InputError("train --resume DIR continues a run with its own config; drop --config and --set");
    }
    const std::filesystem::path path = std::filesystem::path(options.resume) / "checkpoint.json";
    checkpoint = load_checkpoint(path);
    origin = checkpoint->origin;
    settings = parse_config_text(origin.config_text, origin.config_path.string(), origin.config_path.parent_path(),
                                 origin.overrides);
    settings.output.dir = options.resume;
  } else {
    if (run.config.empty()) throw InputError("train: --config FILE is required (see mlptrain train --help)");
    settings = parse_config(run.config, run.overrides());
    origin = {std::filesystem::absolute(run.config), read_config_text(run.config), run.overrides()};
    if (!run.out.empty()) settings.output.dir = run.out;
  }
  const int threads = run.resolved_threads();

  const Experiment experiment = load_experiment(settings);
  log_data(settings, experiment);
  Model model = checkpoint ? std::move(checkpoint->model)
                           : Model{experiment.data.schema, build_network(settings.model, settings.model.init,
                                                                         experiment, settings.train.seed)};
  if (checkpoint) check_same_data(experiment.data.schema, model.schema, options.resume + "/checkpoint.json");
  ThreadPool pool(threads);
  model.network.set_thread_pool(&pool);
  spdlog::info("model: {} ({} parameters, init {})", describe_network(model.network),
               model.network.parameter_count(), settings.model.init.describe());
  spdlog::info("train: {} epochs, batch {}, {}, loss {}, {} thread{}", settings.train.epochs,
               settings.train.batch_size, settings.train.optimizer.describe(), experiment.loss.describe(), threads,
               threads == 1 ? "" : "s");
  for (const std::string& key : settings.defaulted) spdlog::debug("default: {}", key);

  // Fail on an unwritable output folder now, not after an hour of training.
  const std::filesystem::path& dir = settings.output.dir;
  ensure_writable_directory(dir);

  const EpochPrinter printer(experiment.task(), settings.train.epochs, run.print_every);
  ProgressBar progress;
  const auto start = std::chrono::steady_clock::now();
  std::vector<EpochMetrics> history;
  TrainerOptions trainer_options;
  trainer_options.stop = &install_stop_handlers();
  trainer_options.on_batch = [&](Index done, Index total) { progress.update(done, total); };
  trainer_options.on_epoch = [&](const EpochMetrics& metrics) {
    progress.clear();
    history.push_back(metrics);
    // Rewritten each epoch so that a crash loses at most the epoch in progress.
    write_file_atomically(dir / "metrics.csv", metrics_csv(history, experiment.task()));
    if (spdlog::should_log(spdlog::level::info)) {
      printer.print(metrics, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    progress.start_epoch(metrics.epoch + 1);
  };
  if (spdlog::should_log(spdlog::level::info)) printer.print_header();
  progress.start_epoch(1);

  trainer_options.on_checkpoint = [&](const TrainerState& state) {
    write_file_atomically(dir / "checkpoint.json", checkpoint_text(origin, model, state));
  };

  Trainer trainer(settings.train, model.network, experiment.loss, experiment.task(), experiment.classes());
  if (checkpoint) {
    trainer.restore(checkpoint->state);
    history = checkpoint->state.history;
    spdlog::info("resuming after epoch {} of {}", checkpoint->state.epochs_done, settings.train.epochs);
  }
  const Dataset* val = experiment.data.val ? &*experiment.data.val : nullptr;
  const TrainResult result = trainer.fit(experiment.data.train, val, trainer_options);
  progress.clear();

  std::optional<Evaluation> test;
  if (experiment.data.test) {
    test = evaluate(model.network, experiment.loss, experiment.task(), experiment.classes(), *experiment.data.test);
  }
  save_model(model, dir / "model.json");
  write_file_atomically(dir / "metrics.csv", metrics_csv(result.history, experiment.task()));
  const nlohmann::json summary =
      summary_json(settings, experiment, model.network, result, test, {threads, command_line});
  write_file_atomically(dir / "summary.json", summary.dump(2) + "\n");

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

}  // namespace mlp::app
