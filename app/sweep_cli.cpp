// The definition of `mlptrain sweep` and its actions (plan, run, collect, slurm, parallel).
#include "cli.hpp"
#include "cli_options.hpp"

#include "mlp/sweep.hpp"
#include "mlp/text.hpp"

namespace mlp::app {
namespace {

CLI::App* add_action(CLI::App& sweep, const char* name, const char* description, SweepOptions& options,
                     GlobalOptions& global) {
  CLI::App* action = sweep.add_subcommand(name, description);
  action->callback([&options, name] { options.action = name; });
  add_global_options(*action, global);
  return action;
}

void add_dir(CLI::App& action, SweepOptions& options) {
  action.add_option("dir", options.dir, "The sweep folder (written by mlptrain sweep plan)")
      ->required()
      ->type_name("DIR");
}

}  // namespace

void CommandLine::add_sweep() {
  CLI::App* command = app_.add_subcommand(
      "sweep", "A grid of runs declared once in a sweep file, run anywhere (Slurm, GNU parallel), collected as one");
  subcommands_.emplace_back(command, Command::kSweep);
  command->require_subcommand(1);
  CLI::App* plan =
      add_action(*command, "plan", "Expand a sweep file into a folder of tasks (again: add new values)", sweep, global);
  plan->add_option("file", sweep.file, "The sweep file (docs/sweep.md)")->required()->type_name("FILE");
  add_dir(*plan, sweep);

  CLI::App* run =
      add_action(*command, "run", "Run tasks of a sweep folder: all, --task I or --shard i/N", sweep, global);
  add_dir(*run, sweep);
  CLI::Option* task =
      run->add_option("--task", sweep.tasks, "The task with this array index (repeatable)")->type_name("I");
  run->add_option("--shard", sweep.shard, "Every N-th task from the i-th: i/N, e.g. 0/4")
      ->type_name("i/N")
      ->excludes(task);
  run->add_option("--threads", sweep.threads,
                  "Threads of each task's run (default: the CPUs this process may use: its CPU affinity, or "
                  "SLURM_CPUS_PER_TASK or OMP_NUM_THREADS when lower)")
      ->check(CLI::Range(1, 1024));
  add_memory_limit_option(*run, sweep.memory_limit);
  run->add_option("--checkpoint-every", sweep.checkpoint_every,
                  "Write a task's checkpoint.json at the end of the first epoch SECONDS after the last one (0: every "
                  "epoch), and when it is stopped by a signal; a task run again continues from it")
      ->capture_default_str()
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 1e9));
  run->add_option("--claim-expiry", sweep.claim_expiry,
                  "Take over a task whose claim was not refreshed for longer than SECONDS (a worker refreshes its "
                  "own every " +
                      format_number(kClaimHeartbeatSeconds) + " s: a claim this old is of a dead worker, on any host)")
      ->capture_default_str()
      ->type_name("SECONDS")
      ->check(CLI::Range(kMinClaimExpirySeconds, 1e9));

  CLI::App* collect = add_action(
      *command, "collect", "Merge a sweep's results: runs.csv, and compare's files for each comparison", sweep, global);
  add_dir(*collect, sweep);
  collect->add_flag("--partial", sweep.partial, "Collect the tasks that are done, saying so in every file");

  CLI::App* slurm =
      add_action(*command, "slurm", "Write DIR/sweep.sbatch, a Slurm job array of the tasks", sweep, global);
  add_dir(*slurm, sweep);
  slurm->add_option("--partition", sweep.partition, "#SBATCH --partition (default: the cluster's)");
  slurm->add_option("--time", sweep.time, "#SBATCH --time per task, e.g. 00:30:00 (default: the partition's)");
  slurm->add_option("--cpus-per-task", sweep.cpus_per_task, "#SBATCH --cpus-per-task: each task's threads")
      ->check(CLI::Range(1, 1024));
  slurm->add_option("--max-parallel", sweep.max_parallel, "Array tasks running at once (--array=0-N%M)")
      ->check(CLI::Range(1, 1000000));

  CLI::App* parallel =
      add_action(*command, "parallel", "Print the GNU parallel command line that runs every task", sweep, global);
  add_dir(*parallel, sweep);
  parallel->add_option("--sshloginfile", sweep.sshloginfile, "parallel --sshloginfile: the hosts to run on")
      ->type_name("FILE");
  parallel->add_option("--jobs", sweep.jobs, "parallel --jobs: tasks at a time per host (default: one per CPU)")
      ->check(CLI::Range(1, 1024));
  parallel->add_option("--threads", sweep.task_threads, "Threads of each task (default 1)")->check(CLI::Range(1, 1024));
  command->footer(
      "Examples:\n"
      "  mlptrain sweep plan sweeps/iris.json runs/iris-sweep\n"
      "  mlptrain sweep slurm runs/iris-sweep --partition short --time 00:10:00 && sbatch "
      "runs/iris-sweep/sweep.sbatch\n"
      "  mlptrain sweep collect runs/iris-sweep");
}

}  // namespace mlp::app
