// Running one task of a sweep: claim it, make its one run of the comparison grid, record it.
#include "mlp/sweep.hpp"

#include "claim.hpp"
#include "task_record.hpp"

#include "config/keys.hpp"
#include "mlp/error.hpp"
#include "mlp/files.hpp"

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

CompareResult run_cell(const Settings& settings, const SweepRunOptions& options) {
  CompareOptions compare;
  compare.jobs = 1;
  compare.threads = options.threads;
  compare.memory_limit = options.memory_limit;
  compare.stop = options.stop;
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
  if (!take_claim(task_dir)) return TaskOutcome::kClaimedElsewhere;
  // The worker that held the claim may have finished between the check above and the claim.
  if (std::filesystem::exists(result_file)) {
    release_claim(task_dir);
    return TaskOutcome::kAlreadyDone;
  }
  try {
    const Settings settings = one_cell_settings(plan, task);
    const CompareResult result = run_cell(settings, options);
    if (result.runs.front().result.reason == StopReason::kInterrupted) {
      release_claim(task_dir);
      return TaskOutcome::kInterrupted;
    }
    write_file_atomically(result_file, task_record_text(task, result));
  } catch (...) {
    release_claim(task_dir);
    throw;
  }
  release_claim(task_dir);
  return TaskOutcome::kRan;
}

}  // namespace mlp
