// Handing a sweep to the engines users have: a Slurm job-array script and a GNU parallel command
// line. Both run `mlptrain sweep run DIR --task I` from the folder the sweep was planned in.
#include "mlp/sweep.hpp"

#include "mlp/error.hpp"

namespace mlp {
namespace {

// `text` as one shell word.
std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

void check_not_empty(const SweepPlan& plan) {
  if (plan.tasks.empty()) throw InputError("the sweep has no tasks");
}

}  // namespace

std::string slurm_script(const SweepPlan& plan, const std::filesystem::path& dir, const SlurmOptions& options) {
  check_not_empty(plan);
  const std::string n = std::to_string(plan.tasks.size());
  std::string array = "0-" + std::to_string(plan.tasks.size() - 1);
  if (options.max_parallel > 0) array += "%" + std::to_string(options.max_parallel);
  std::string script = "#!/bin/bash\n# " + n + " tasks of the mlptrain sweep in " + dir.string() +
                       ", one per array index (written by mlptrain sweep slurm).\n"
                       "# Submit with: sbatch " +
                       (dir / "sweep.sbatch").string() +
                       "; resubmitting runs only the tasks not done.\n"
                       "#SBATCH --job-name=mlptrain-sweep\n"
                       "#SBATCH --array=" +
                       array + "\n#SBATCH --cpus-per-task=" + std::to_string(options.cpus_per_task) + "\n";
  if (!options.partition.empty()) script += "#SBATCH --partition=" + options.partition + "\n";
  if (!options.time.empty()) script += "#SBATCH --time=" + options.time + "\n";
  script += "#SBATCH --output=" + (dir / "slurm" / "%A_%a.out").string() + "\n";
  script += "#SBATCH --chdir=" + plan.workdir.string() + "\n";
  // A task stopped by scancel or a preemption (SIGTERM) checkpoints, releases its claim and exits
  // 143; the next submission continues it from its checkpoint.
  script += "exec " + shell_quote(options.mlptrain) + " sweep run " + shell_quote(dir.string()) +
            " --task \"$SLURM_ARRAY_TASK_ID\"\n";
  return script;
}

std::string parallel_command(const SweepPlan& plan, const std::filesystem::path& dir, const ParallelOptions& options) {
  check_not_empty(plan);
  std::string command = "seq 0 " + std::to_string(plan.tasks.size() - 1) + " | parallel --will-cite";
  if (options.jobs > 0) command += " --jobs " + std::to_string(options.jobs);
  if (!options.sshloginfile.empty()) command += " --sshloginfile " + shell_quote(options.sshloginfile);
  command += " --joblog " + shell_quote((dir / "parallel.joblog").string()) + " --resume-failed ";
  const std::string task = "cd " + shell_quote(plan.workdir.string()) + " && " + shell_quote(options.mlptrain) +
                           " sweep run " + shell_quote(dir.string()) + " --threads " + std::to_string(options.threads) +
                           " --task {}";
  return command + shell_quote(task);
}

}  // namespace mlp
