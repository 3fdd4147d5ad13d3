// Running one task of a sweep: claim it, make its one run of the comparison grid (continuing from
// its checkpoint when it was stopped partway), record it.
#include "mlp/sweep.hpp"

#include "claim.hpp"
#include "task_record.hpp"

#include "config/keys.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"

#include <memory>
#include <optional>

namespace mlp {
namespace {

// The task's settings with a comparison grid of the one cell it is: its activation, seed and
// rate, so that run_compare makes exactly the run `compare` makes for that cell of the sweep's
// grid (same split, initial weights and batch order for the seed).
Settings one_cell_settings(const SweepPlan& plan, const SweepTask& task) {
  Settings settings = task_settings(plan, task);
  const nlohmann::json resolved = nlohmann::json::parse(settings.resolved_json);
  settings.compare.activations = {activation_from(resolved["model"]["activation"])};
  settings.compare.seeds = {settings.train.seed};
  settings.compare.lr_grid = {settings.train.optimizer.lr()};
  settings.compare.baseline.reset();
  return settings;
}

// The task's checkpoint.json: read when the task starts (it must be of this task's config and
// data), written as the run asks (RunCheckpoints).
RunCheckpoints task_checkpoints(const Settings& settings, const std::filesystem::path& task_dir, std::size_t index,
                                const SweepRunOptions& options) {
  const std::filesystem::path file = task_dir / "checkpoint.json";
  RunCheckpoints checkpoints;
  checkpoints.every_seconds = options.checkpoint_seconds;
  checkpoints.load = [&settings, file, index, &options](const DataSchema& data) -> std::optional<Checkpoint> {
    if (!std::filesystem::exists(file)) return std::nullopt;
    Checkpoint checkpoint = load_checkpoint(file);
    if (checkpoint.origin.config_text != settings.resolved_json) {
      throw InputError(file.string() + ": written for another config than the task's " +
                       (file.parent_path() / "config.json").string() + "; delete it to run the task from the start");
    }
    check_checkpoint_data(data, checkpoint.model.schema, file);
    if (options.on_note) {
      options.on_note(index, "resumed from its checkpoint at epoch " + std::to_string(checkpoint.state.epochs_done));
    }
    return checkpoint;
  };
  const RunOrigin origin{task_dir / "config.json", settings.resolved_json, {}};
  checkpoints.save = [file, origin](const Model& model, const TrainerState& state) {
    write_file_atomically(file, checkpoint_text(origin, model, state));
  };
  return checkpoints;
}

CompareResult run_cell(const Settings& settings, const SweepRunOptions& options, const RunCheckpoints& checkpoints) {
  CompareOptions compare;
  compare.jobs = 1;
  compare.threads = options.threads;
  compare.memory_limit = options.memory_limit;
  compare.stop = options.stop;
  compare.checkpoints = &checkpoints;
  return run_compare(settings, compare);
}

}  // namespace

TaskOutcome run_sweep_task(const SweepPlan& plan, const std::filesystem::path& dir, std::size_t index,
                           const SweepRunOptions& options) {
  if (index >= plan.tasks.size()) {
    throw InputError((dir / "sweep.json").string() + ": no task " + std::to_string(index) + "; it has " +
                     std::to_string(plan.tasks.size()) + " (0 to " + std::to_string(plan.tasks.size() - 1) + ")");
  }
  const SweepTask& task = plan.tasks[index];
  const std::filesystem::path task_dir = dir / "tasks" / task.id;
  const std::filesystem::path result_file = task_dir / "result.json";
  if (std::filesystem::exists(result_file)) return TaskOutcome::kAlreadyDone;
  std::filesystem::create_directories(task_dir);
  std::string taken_over;
  const std::unique_ptr<Claim> claim =
      Claim::take(task_dir, {options.claim_expiry_seconds, kClaimHeartbeatSeconds}, &taken_over);
  if (!claim) return TaskOutcome::kClaimedElsewhere;
  if (!taken_over.empty() && options.on_note) options.on_note(index, "took over the claim of " + taken_over);
  // The worker that held the claim may have finished between the check above and the claim.
  if (std::filesystem::exists(result_file)) return TaskOutcome::kAlreadyDone;
  const Settings settings = one_cell_settings(plan, task);
  const RunCheckpoints checkpoints = task_checkpoints(settings, task_dir, index, options);
  const CompareResult result = run_cell(settings, options, checkpoints);
  // Stopped: the run has saved its checkpoint, and the claim is released for the next worker.
  if (result.runs.front().result.reason == StopReason::kInterrupted) return TaskOutcome::kInterrupted;
  write_file_atomically(result_file, task_record_text(task, result));
  // Kept until the result is safely written: a crash in between loses nothing.
  std::filesystem::remove(task_dir / "checkpoint.json");
  return TaskOutcome::kRan;
}

}  // namespace mlp
