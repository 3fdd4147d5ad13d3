// Sweeps: a grid over config paths declared once in a sweep file, planned into a folder of tasks
// (one run each, with a stable id and its resolved config), run anywhere — one task, a shard, or
// all — by any number of workers sharing the folder, and collected into one comparison. The
// engines that spread the workers are the user's (Slurm job arrays, GNU parallel): this module
// writes their script or command line and never schedules anything itself.
//
// Folder layout (docs/sweep.md): DIR/sweep.json (the frozen base config, the grid, the task list
// in array-index order), DIR/tasks/<id>/config.json (the task's resolved config), .../result.json
// (written once the task is done), .../claim (while a worker runs it), .../checkpoint.json (of a
// task stopped partway, until it is done).
#pragma once

#include "mlp/compare.hpp"
#include "mlp/config.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

// The grid paths a comparison is made over; every other grid path splits the tasks into groups,
// each collected as a comparison of its own.
inline constexpr const char* kSweepActivationPath = "model.activation";
inline constexpr const char* kSweepLrPath = "train.optimizer.lr";
inline constexpr const char* kSweepSeedPath = "train.seed";

struct SweepTask {
  std::string id;                 // stable_task_id(values)
  nlohmann::ordered_json values;  // grid path -> value
};

struct SweepPlan {
  std::string config_file;        // the base config as named in messages and compare.json
  std::filesystem::path workdir;  // where relative paths (config_file, data files) start
  std::string config_text;        // the base config, frozen at plan time
  nlohmann::ordered_json set;     // fixed overrides: path -> value
  nlohmann::ordered_json grid;    // path -> array of values, in the order the user gave them
  std::vector<SweepTask> tasks;   // array index -> task
};

// Reads a sweep file: {"config": "<config file, relative to the sweep file>", "set": {path:
// value}, "grid": {path: [values]}} (set is optional). Throws InputError naming the file and key
// for anything else: an unknown key, a grid value that is not a non-empty array of distinct
// values, a compare.* or output.* path (the sweep makes the comparison and owns the outputs).
// `workdir` becomes the plan's; paths in it are relative to it.
SweepPlan read_sweep_file(const std::filesystem::path& file, const std::filesystem::path& workdir);

// The id of a task: 12 hex digits of a 64-bit FNV-1a hash (mixed) of the values' canonical JSON
// (keys sorted), so that it depends on the settings and not on the task's place in the grid.
std::string stable_task_id(const nlohmann::ordered_json& values);

// The settings of one task: the base config with `set` and the task's values applied (each an
// override, validated like --set). Throws InputError with the config's name and the path.
Settings task_settings(const SweepPlan& plan, const SweepTask& task);

struct PlanSummary {
  std::size_t added = 0, total = 0;
};
// Expands plan.grid into tasks and writes the folder. When `dir` holds a sweep already, its base
// config, set and grid paths must be the same (else InputError): the grid's new values are
// appended to its lists and the new tasks to its task list, so existing tasks keep their index
// and id. Every task's config is resolved (and so validated) before anything is written.
PlanSummary plan_sweep(SweepPlan plan, const std::filesystem::path& dir);

// Reads DIR/sweep.json. Throws InputError when it is missing or damaged.
SweepPlan load_sweep(const std::filesystem::path& dir);

// The task indices of shard `shard` of `shards` (0 <= shard < shards): every index i with
// i % shards == shard, in order.
std::vector<std::size_t> shard_tasks(std::size_t tasks, std::size_t shard, std::size_t shards);

enum class TaskOutcome { kRan, kAlreadyDone, kClaimedElsewhere, kInterrupted };

// A task's checkpoint is written every this many seconds (at the end of the first epoch after)
// and when the task is stopped by a signal; a worker killed outright loses at most this much.
inline constexpr double kDefaultCheckpointSeconds = 300;
// A running worker refreshes its claim this often; a claim not refreshed for kDefaultClaimExpiry
// seconds (twenty heartbeats: a slow file server or a busy node does not lose its task) is taken
// over. The expiry may not be shorter than kMinClaimExpirySeconds, two heartbeats.
inline constexpr double kClaimHeartbeatSeconds = 30;
inline constexpr double kDefaultClaimExpirySeconds = 600;
inline constexpr double kMinClaimExpirySeconds = 2 * kClaimHeartbeatSeconds;

struct SweepRunOptions {
  int threads = 1;
  std::uint64_t memory_limit = UINT64_MAX;
  const std::atomic<bool>* stop = nullptr;  // SIGINT/SIGTERM: the task checkpoints, stops, and releases its claim
  double checkpoint_seconds = kDefaultCheckpointSeconds;  // 0: after every epoch
  double claim_expiry_seconds = kDefaultClaimExpirySeconds;
  // What a task did besides running: "resumed from its checkpoint at epoch 12", "took over the
  // claim of node7:4242, not refreshed for 900 s ...". For the caller to show.
  std::function<void(std::size_t index, const std::string& note)> on_note;
};

// Runs task `index` of the sweep in `dir` as one run of the comparison grid (run_compare on the
// task's settings with a one-cell grid, so that it is the same run `compare` makes for that
// cell), unless it is done already or another live worker holds its claim. The claim is a file
// hard-linked into place (atomic, also on NFS) and refreshed while the task runs; a claim whose
// process is gone (same host, no such pid) or that was not refreshed for
// options.claim_expiry_seconds (on the file server's clock) is taken over. The run continues from
// the task's checkpoint.json when there is one, and writes it as options.checkpoint_seconds says
// and when stopped (atomically), so that its result is the one an uninterrupted run gives. The
// result is written atomically, then the checkpoint and the claim removed.
TaskOutcome run_sweep_task(const SweepPlan& plan, const std::filesystem::path& dir, std::size_t index,
                           const SweepRunOptions& options);

// What `sweep collect` writes: file name (relative to the output folder) -> content.
struct SweepCollection {
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::size_t> missing;  // indices of the tasks not done
  std::size_t groups = 0;            // comparisons written (one per value of the other grid paths)
};

// Reads every task's result and lays out runs.csv (one row per task: its id, the grid paths
// besides the compared ones, then compare's runs.csv columns) and, per group, compare.json,
// compare.csv, curves.csv and report.html exactly as `compare` over the same grid writes them
// (at the top with one group, under groups/<id>/ with several). Throws InputError listing the
// missing tasks unless `partial`; with `partial`, every comparison holds the seeds whose runs are
// all done, and every file says that the sweep is partial.
SweepCollection collect_sweep(const SweepPlan& plan, const std::filesystem::path& dir, bool partial);

// The sbatch script of a job array over the sweep's tasks: one task per array index
// (SLURM_ARRAY_TASK_ID), `mlptrain sweep run DIR --task $SLURM_ARRAY_TASK_ID`.
struct SlurmOptions {
  std::string partition;  // empty: the cluster's default
  std::string time;       // empty: the partition's default
  int cpus_per_task = 1;
  int max_parallel = 0;  // 0: no %M limit
  std::string mlptrain;  // the binary to run (absolute path)
};
std::string slurm_script(const SweepPlan& plan, const std::filesystem::path& dir, const SlurmOptions& options);

// The GNU parallel command line that runs every task: one job per task index, --joblog in DIR
// (so that --resume-failed reruns what failed), and --sshloginfile FILE when given.
struct ParallelOptions {
  std::string sshloginfile;  // empty: this machine only
  int jobs = 0;              // jobs per host; 0: parallel's default (one per CPU)
  int threads = 1;           // --threads of each task
  std::string mlptrain;
};
std::string parallel_command(const SweepPlan& plan, const std::filesystem::path& dir, const ParallelOptions& options);

}  // namespace mlp
