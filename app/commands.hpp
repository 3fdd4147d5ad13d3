// The subcommands of mlptrain: their options (filled by CLI11 in main.cpp) and entry points.
// Each returns the process exit code; errors are thrown and reported once by main.
#pragma once

#include "mlp/resources.hpp"
#include "mlp/sweep.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mlp::app {

// Options of every command that reads a config: train and compare.
struct RunOptions {
  std::string config;
  std::vector<std::string> sets;  // --set PATH=VALUE, in order
  std::string out;                // --out DIR (empty: the config's output.dir)
  int threads = 0;                // 0: the CPUs this process may use (mlp::available_cpus)
  int print_every = 0;            // epochs between progress lines; 0: about 20 lines per run
  std::string memory_limit;       // --memory-limit SIZE (empty: mlp::default_memory_limit)

  // The --set pairs split at their first '='. Throws InputError for one without '='.
  std::vector<std::pair<std::string, std::string>> overrides() const;
};

// A command's --threads with "--threads" as its source, or when it was not given (0),
// available_cpus (which throws InputError for a malformed SLURM_CPUS_PER_TASK or OMP_NUM_THREADS).
CpuCount resolve_threads(int threads);

struct TrainOptions {
  RunOptions run;
  std::string resume;  // --resume DIR: continue an interrupted run from its checkpoint
};

struct PredictOptions {
  std::string model;
  std::string input;   // "-" : stdin
  std::string output;  // "-" : stdout
  std::string id_column;
  std::string format = "csv";  // csv | json
  char delimiter = ',';
  std::string missing = "impute";  // impute | error: what an empty cell or absent column gets
  std::string memory_limit;        // --memory-limit SIZE (empty: mlp::default_memory_limit)
  int threads = 0;                 // 0: the CPUs this process may use (mlp::available_cpus)
};

struct EvaluateOptions {
  std::string model;
  std::string data;
  std::string format = "text";  // text | json
  char delimiter = ',';
  std::string missing = "impute";  // impute | error: what an empty cell or absent column gets
  std::string memory_limit;        // --memory-limit SIZE (empty: mlp::default_memory_limit)
  int threads = 0;                 // 0: the CPUs this process may use (mlp::available_cpus)
};

struct ExportOptions {
  std::string model;
  std::string format;  // onnx (the only one so far; required, so that a script names it)
  std::string output;
  std::string memory_limit;  // --memory-limit SIZE (empty: mlp::default_memory_limit)
};

struct CompareCommandOptions {
  RunOptions run;
  std::string activations;  // "relu,tanh,leaky_relu(negative_slope=0.2)"
  int seeds = 0;            // --seeds N: train.seed .. train.seed + N - 1
  std::string seed_list;    // --seed-list 1,2,3
  std::string lr_grid;      // --lr-grid 0.1,0.01
  std::string init;         // same | auto
  std::string baseline;
  int jobs = 0;                  // 0: the CPUs this process may use, divided by --threads
  std::string format = "table";  // table | json | csv
  std::string columns;           // --columns: the table's columns ("all", "default", or names)
  bool bench_activations = false;
};

struct ActivationsOptions {
  std::string format = "text";  // text | json
  std::string plot;             // --plot FILE: f and f' drawn to FILE.svg or FILE.html instead of the listing
  std::string activations;      // --activations LIST for --plot (empty: every activation, with its defaults)
};

// `mlptrain sweep plan|run|collect|slurm|parallel` (the action is the sub-subcommand's name).
struct SweepOptions {
  std::string action;
  std::string file;  // plan: the sweep file
  std::string dir;   // the sweep folder
  // run
  std::vector<std::size_t> tasks;  // --task I (repeatable)
  std::string shard;               // --shard i/N
  int threads = 0;                 // 0: the CPUs this process may use (mlp::available_cpus)
  std::string memory_limit;
  double checkpoint_every = kDefaultCheckpointSeconds;  // --checkpoint-every SECONDS
  double claim_expiry = kDefaultClaimExpirySeconds;     // --claim-expiry SECONDS
  // collect
  bool partial = false;
  // slurm
  std::string partition, time;
  int cpus_per_task = 1;
  int max_parallel = 0;
  // parallel
  std::string sshloginfile;
  int jobs = 0;
  int task_threads = 1;  // parallel --threads: of each task
};

int run_train(const TrainOptions& options, const std::string& command_line);
int run_predict(const PredictOptions& options);
int run_evaluate(const EvaluateOptions& options);
int run_export(const ExportOptions& options);
int run_activations(const ActivationsOptions& options);
int run_compare(const CompareCommandOptions& options);
int run_sweep(const SweepOptions& options);

}  // namespace mlp::app
