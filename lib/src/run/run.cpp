// A training run: settings -> data -> network -> trainer -> files. Train's orchestration, kept
// out of the command line so that what a run does is library code that tests call directly.
#include "mlp/run.hpp"

#include "mlp/config.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/model_file.hpp"
#include "mlp/records.hpp"
#include "mlp/thread_pool.hpp"
#include "warm_start.hpp"

#include <algorithm>

namespace mlp {
namespace {

// The files a run keeps up to date while it trains: metrics.csv after every epoch, and
// checkpoints when the trainer asks.
class RunFiles {
 public:
  RunFiles(const std::filesystem::path& dir, Task task, const RunOrigin& origin, const Model& model,
           std::vector<EpochMetrics> history)
      : dir_(dir), task_(task), origin_(origin), model_(model), history_(std::move(history)) {}

  void epoch_done(const EpochMetrics& metrics) {
    history_.push_back(metrics);
    write_file_atomically(dir_ / "metrics.csv", metrics_csv(history_, task_), Durability::kAtomicOnly);
  }

  void checkpoint(const TrainerState& state) const {
    write_file_atomically(dir_ / "checkpoint.json", checkpoint_text(origin_, model_, state));
  }

 private:
  std::filesystem::path dir_;
  Task task_;
  const RunOrigin& origin_;
  const Model& model_;
  std::vector<EpochMetrics> history_;
};

}  // namespace

RunStart start_from_config(const std::filesystem::path& config,
                           const std::vector<std::pair<std::string, std::string>>& overrides,
                           const std::filesystem::path& out) {
  RunStart start;
  start.origin = {std::filesystem::absolute(config), read_text_file(config, "config file"), overrides};
  start.settings = parse_config_text(start.origin.config_text, config.string(), config.parent_path(), overrides);
  if (!out.empty()) start.settings.output.dir = out;
  return start;
}

RunStart start_from_checkpoint(const std::filesystem::path& dir) {
  RunStart start;
  start.checkpoint = load_checkpoint(dir / "checkpoint.json");
  start.origin = start.checkpoint->origin;
  start.settings = parse_config_text(start.origin.config_text, start.origin.config_path.string(),
                                     start.origin.config_path.parent_path(), start.origin.overrides);
  start.settings.output.dir = dir;
  return start;
}

namespace {

// The columns and standardisations a run must use rather than fit: a warm start keeps its init
// model's (the weights were trained on inputs made that way), and so does its resumption. A model
// without fitted columns (format version 1 or 2) read plain numbers: the data's columns are
// fitted, which for numeric columns without an empty cell (check_init_data) gives one input each.
KeptScaling kept_scaling(const RunStart& start, const std::optional<Model>& init) {
  if (!start.settings.train.init_from) return {};
  const DataSchema& schema = start.checkpoint ? start.checkpoint->model.schema : init->schema;
  return {.features = &schema.standardizer,
          .targets = schema.task == Task::kRegression ? &schema.target_scaling : nullptr,
          .columns = schema.columns.empty() ? nullptr : &schema.columns};
}

}  // namespace

RunOutcome run_training(RunStart start, const RunOptions& options) {
  const Settings& settings = start.settings;
  const std::filesystem::path& dir = settings.output.dir;
  // A resumed run continues from its checkpoint's weights, whatever it first started from.
  std::optional<Model> init;
  if (settings.train.init_from && !start.checkpoint) init = load_init_model(settings, options.memory_limit);
  TrainingFiles data_files = read_training_files(settings.data, options.threads);
  if (init) check_init_data(settings, init->schema, data_files);
  const Experiment experiment =
      make_experiment(settings, prepare_training_data(std::move(data_files), settings.data, settings.train.seed,
                                                      kept_scaling(start, init), options.memory_limit));
  check_training_memory(settings, experiment, options.memory_limit);
  Model model = start.checkpoint ? std::move(start.checkpoint->model)
                                 : Model{experiment.data.schema, build_network(settings.model, settings.model.init,
                                                                               experiment, settings.train.seed)};
  if (init) copy_init_weights(settings, init->network, model.network);
  if (start.checkpoint) check_checkpoint_data(experiment.data.schema, model.schema, dir / "checkpoint.json");
  ThreadPool pool(options.threads);
  model.network.set_thread_pool(&pool);
  // Fail on an unwritable output folder now, not after an hour of training (nor after showing
  // a plan that will not run).
  ensure_writable_directory(dir);

  Trainer trainer(settings.train, model.network, experiment.loss, experiment.task(), experiment.classes(),
                  experiment.target_units());
  std::vector<EpochMetrics> history;
  if (start.checkpoint) {
    trainer.restore(start.checkpoint->state);
    history = start.checkpoint->state.history;
  }
  if (options.on_plan) {
    const std::string start_from = start.checkpoint ? "the checkpoint"
                                   : init           ? "the weights of " + settings.train.init_from->string()
                                                    : "init " + settings.model.init.describe();
    options.on_plan(
        {settings, experiment, model.network, options.threads, static_cast<int>(history.size()), start_from});
  }
  RunFiles files(dir, experiment.task(), start.origin, model, std::move(history));
  TrainerOptions callbacks;
  callbacks.stop = options.stop;
  callbacks.on_batch = options.on_batch;
  callbacks.on_epoch = [&](const EpochMetrics& metrics) {
    files.epoch_done(metrics);
    if (options.on_epoch) options.on_epoch(metrics);
  };
  callbacks.on_checkpoint = [&](const TrainerState& state) { files.checkpoint(state); };
  const Dataset* val = experiment.data.val ? &*experiment.data.val : nullptr;

  RunOutcome outcome;
  outcome.result = trainer.fit(experiment.data.train, val, callbacks);
  if (experiment.data.test) {
    outcome.test = evaluate(model.network, experiment.loss, experiment.task(), experiment.classes(),
                            *experiment.data.test, {}, experiment.target_units());
  }
  save_model(model, dir / "model.json");
  write_file_atomically(dir / "metrics.csv", metrics_csv(outcome.result.history, experiment.task()));
  const RunInfo info{options.threads, options.command};
  write_file_atomically(
      dir / "summary.json",
      summary_json(settings, experiment, model.network, outcome.result, outcome.test, info).dump(2) + "\n");
  return outcome;
}

}  // namespace mlp
