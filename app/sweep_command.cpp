// mlptrain sweep: the command line wired to the sweep module (mlp/sweep.hpp), and what it prints.
#include "commands.hpp"
#include "signals.hpp"

#include "mlp/error.hpp"
#include "mlp/files.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/sweep.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace mlp::app {
namespace {

namespace fs = std::filesystem;

// The sweep folder, absolute, and the sweep in it. Its relative paths (the config, the data)
// start where it was planned, so the process works from there.
std::pair<fs::path, SweepPlan> open_sweep(const std::string& dir) {
  const fs::path absolute = fs::absolute(dir).lexically_normal();
  SweepPlan plan = load_sweep(absolute);
  std::error_code ec;
  fs::current_path(plan.workdir, ec);
  if (ec)
    throw InputError(absolute.string() + ": the folder it was planned in, " + plan.workdir.string() + ", is gone");
  return {absolute, std::move(plan)};
}

std::string self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("mlptrain") : self.string();
}

int plan(const SweepOptions& options) {
  const SweepPlan plan = read_sweep_file(options.file, fs::current_path());
  const fs::path dir = fs::absolute(options.dir).lexically_normal();
  const PlanSummary summary = plan_sweep(plan, dir);
  spdlog::info("sweep: {} task(s) in {} ({} new); run them with mlptrain sweep run {} (or slurm, parallel)",
               summary.total, dir.string(), summary.added, dir.string());
  return 0;
}

std::vector<std::size_t> chosen_tasks(const SweepOptions& options, std::size_t total) {
  if (!options.tasks.empty()) return options.tasks;
  if (options.shard.empty()) return shard_tasks(total, 0, 1);
  const auto slash = options.shard.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no /");
    return shard_tasks(total, std::stoul(options.shard.substr(0, slash)), std::stoul(options.shard.substr(slash + 1)));
  } catch (const std::logic_error&) {
    throw InputError("--shard " + options.shard + ": expected i/N, e.g. 0/4");
  }
}

int run(const SweepOptions& options) {
  const auto [dir, plan] = open_sweep(options.dir);
  SweepRunOptions run;
  run.threads = options.threads > 0 ? options.threads : available_cpus().count;
  run.memory_limit = memory_limit_or_default(options.memory_limit);
  run.stop = &install_stop_handlers();
  run.checkpoint_seconds = options.checkpoint_every;
  run.claim_expiry_seconds = options.claim_expiry;
  // An init-capture: clang before 16 cannot capture a structured binding itself.
  run.on_note = [&tasks = plan.tasks](std::size_t index, const std::string& note) {
    spdlog::info("task {} ({}): {}", index, tasks[index].id, note);
  };
  int ran = 0, skipped = 0;
  for (const std::size_t index : chosen_tasks(options, plan.tasks.size())) {
    const auto start = std::chrono::steady_clock::now();
    const TaskOutcome outcome = run_sweep_task(plan, dir, index, run);
    const std::string id = index < plan.tasks.size() ? plan.tasks[index].id : "";
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    switch (outcome) {
      case TaskOutcome::kRan:
        spdlog::info("task {} ({}): done in {:.2f} s", index, id, seconds);
        ++ran;
        break;
      case TaskOutcome::kAlreadyDone:
        spdlog::info("task {} ({}): already done", index, id);
        ++skipped;
        break;
      case TaskOutcome::kClaimedElsewhere:
        spdlog::info("task {} ({}): another worker runs it", index, id);
        ++skipped;
        break;
      case TaskOutcome::kInterrupted:
        spdlog::warn("task {} ({}): interrupted by signal {}; checkpointed and released: the next run continues it",
                     index, id, stop_signal());
        return 128 + stop_signal();
    }
  }
  spdlog::info("sweep run: {} task(s) run here, {} skipped", ran, skipped);
  return 0;
}

int collect(const SweepOptions& options) {
  const auto [dir, plan] = open_sweep(options.dir);
  const SweepCollection collection = collect_sweep(plan, dir, options.partial);
  for (const auto& [name, content] : collection.files) {
    fs::create_directories((dir / name).parent_path());
    write_file_atomically(dir / name, content);
  }
  if (!collection.missing.empty()) {
    spdlog::warn("partial: {} of {} tasks missing; every file says so", collection.missing.size(), plan.tasks.size());
  }
  spdlog::info("collected {} task(s) into {}: runs.csv and {} comparison(s)",
               plan.tasks.size() - collection.missing.size(), dir.string(), collection.groups);
  return 0;
}

int slurm(const SweepOptions& options) {
  const auto [dir, plan] = open_sweep(options.dir);
  SlurmOptions slurm{options.partition, options.time, options.cpus_per_task, options.max_parallel, self_path()};
  const std::string script = slurm_script(plan, dir, slurm);
  ensure_writable_directory(dir / "slurm");  // sbatch writes each task's output there, and creates no folder
  write_file_atomically(dir / "sweep.sbatch", script);
  spdlog::info("wrote {}; submit with: sbatch {}", (dir / "sweep.sbatch").string(), (dir / "sweep.sbatch").string());
  return 0;
}

int parallel(const SweepOptions& options) {
  // Relative to where the command is typed, so resolved before open_sweep changes folder.
  std::string hosts;
  if (!options.sshloginfile.empty()) hosts = fs::absolute(options.sshloginfile).string();
  const auto [dir, plan] = open_sweep(options.dir);
  const ParallelOptions parallel{hosts, options.jobs, options.task_threads, self_path()};
  std::printf("%s\n", parallel_command(plan, dir, parallel).c_str());
  return 0;
}

}  // namespace

int run_sweep(const SweepOptions& options) {
  if (options.action == "plan") return plan(options);
  if (options.action == "run") return run(options);
  if (options.action == "collect") return collect(options);
  if (options.action == "slurm") return slurm(options);
  return parallel(options);
}

}  // namespace mlp::app
