// mlptrain train: the command line wired to run_training (mlp/run.hpp), and what the run
// reports printed: the plan, the epoch table, a progress bar, and how it ended.
#include "commands.hpp"
#include "console.hpp"
#include "signals.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/run.hpp"
#include "mlp/text.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <optional>

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

CpuCount resolve_threads(int threads) {
  if (threads > 0) return {threads, "--threads"};
  return available_cpus();
}

namespace {

// `threads_source` says where the thread count came from ("--threads", "CPU affinity", ...).
void log_plan(const RunPlan& plan, const std::string& threads_source) {
  const Settings& settings = plan.settings;
  const Experiment& experiment = plan.experiment;
  const DataSchema& schema = experiment.data.schema;
  std::string classes;
  for (const std::string& label : schema.classes) classes += (classes.empty() ? "" : ", ") + label;
  spdlog::info("data: {} ({} features, {} network inputs → {}{})", settings.data.train.string(),
               schema.feature_names.size(), schema.input_width(), task_name(schema.task),
               schema.task == Task::kClassification ? ", classes " + classes : "");
  log_read_parts(settings.data.train.string(), experiment.data.train_parts);
  print_data_notes(experiment.data.notes, experiment.data.warnings);
  if (schema.task == Task::kRegression && settings.data.standardize_target.value_or(true) &&
      schema.target_scaling.mean.size() > 0) {
    // The network's outputs are not in the data's units, the reported losses are: say both.
    std::string scaling;
    for (Index i = 0; i < schema.target_scaling.mean.size(); ++i) {
      scaling += (i ? ", " : "") + schema.target_names[static_cast<std::size_t>(i)] + " mean " +
                 format_table_number(schema.target_scaling.mean(i)) + " scale " +
                 format_table_number(schema.target_scaling.scale(i));
    }
    spdlog::info(
        "data: targets standardised ({}): the network learns that scale; every loss and metric, predict and "
        "evaluate are in the data's units (data.standardize_target)",
        scaling);
  }
  spdlog::info("split: {} train, {} validation, {} test", experiment.data.train.size(),
               experiment.data.val ? experiment.data.val->size() : 0,
               experiment.data.test ? experiment.data.test->size() : 0);
  spdlog::info("model: {} ({} parameters, {})", plan.network.describe(), plan.network.parameter_count(),
               plan.start_from);
  spdlog::info("train: {} epochs, batch {}, {}, loss {}, {} thread{} ({})", settings.train.epochs,
               settings.train.batch_size, settings.train.optimizer.describe(), experiment.loss.describe(), plan.threads,
               plan.threads == 1 ? "" : "s", threads_source);
  for (const std::string& key : settings.defaulted) spdlog::debug("default: {}", key);
  if (plan.epochs_done > 0) spdlog::info("resuming after epoch {} of {}", plan.epochs_done, settings.train.epochs);
}

// Says how the run ended and returns the exit code (a diverged run is an error, exit code 3).
// The epochs and seconds are this run's, after `resumed_after` epochs done before (from a
// checkpoint): the same as the epoch table's time column.
int report_outcome(const RunOutcome& outcome, int resumed_after, const std::filesystem::path& dir) {
  const TrainResult& result = outcome.result;
  const std::string resumed = resumed_after > 0 ? " after resuming at epoch " + std::to_string(resumed_after) : "";
  spdlog::info("{}: {} epochs in {:.3f} s ({:.0f} samples/s){}; model from epoch {}", stop_reason_name(result.reason),
               result.history.size() - static_cast<std::size_t>(resumed_after), result.train_seconds,
               result.samples_per_second, resumed, result.best_epoch);
  if (const auto& test = outcome.test) {
    const std::string metric = test->accuracy ? "accuracy " + format_table_fraction(*test->accuracy)
                                              : "r2 " + format_table_number(test->r2.value_or(NAN));
    spdlog::info("test: loss {}, {}", format_table_number(test->loss), metric);
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

RunStart start_from(const TrainOptions& options) {
  const RunOptions& run = options.run;
  if (options.resume.empty()) {
    if (run.config.empty()) throw InputError("train: --config FILE is required (see mlptrain train --help)");
    return start_from_config(run.config, run.overrides(), run.out);
  }
  if (!run.config.empty() || !run.sets.empty() || !run.out.empty()) {
    throw InputError("train --resume DIR continues the run in DIR with its own config; drop --config, --set and --out");
  }
  return start_from_checkpoint(options.resume);
}

}  // namespace

int run_train(const TrainOptions& options, const std::string& command_line) {
  RunStart start = start_from(options);
  const std::filesystem::path dir = start.settings.output.dir;
  std::optional<EpochPrinter> printer;  // once the plan (and so the task) is known
  ProgressBar progress;
  int resumed_after = 0;

  mlp::RunOptions run;
  const CpuCount threads = resolve_threads(options.run.threads);
  run.threads = threads.count;
  run.memory_limit = memory_limit_or_default(options.run.memory_limit);
  run.command = command_line;
  run.stop = &install_stop_handlers();
  run.on_plan = [&](const RunPlan& plan) {
    log_plan(plan, threads.source);
    resumed_after = plan.epochs_done;
    printer.emplace(plan.experiment.task(), plan.settings.train.epochs, options.run.print_every);
    if (spdlog::should_log(spdlog::level::info)) printer->print_header();
    progress.start_run(plan.epochs_done + 1, plan.settings.train.epochs);
  };
  run.on_batch = [&](Index done, Index total) { progress.update(done, total); };
  run.on_epoch = [&](const EpochMetrics& metrics) {
    progress.clear();
    if (spdlog::should_log(spdlog::level::info)) printer->print(metrics);
    progress.start_epoch(metrics.epoch + 1);
  };
  const RunOutcome outcome = run_training(std::move(start), run);
  progress.clear();
  if (printer && spdlog::should_log(spdlog::level::info)) printer->finish();
  return report_outcome(outcome, resumed_after, dir);
}

}  // namespace mlp::app
