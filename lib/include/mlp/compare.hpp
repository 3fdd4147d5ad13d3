// `mlptrain compare`: one training run per activation (and per seed, and per learning rate of a
// grid), each on the same data split, standardisation, batch order and initial weights for a
// given seed; then the runs summarised per activation, with the diagnostics that make the
// textbook claims measurable. Runs execute in parallel, each on its own threads; results do not
// depend on how many of either.
#pragma once

#include "mlp/checkpoint.hpp"
#include "mlp/config.hpp"
#include "mlp/experiment.hpp"
#include "mlp/metrics.hpp"
#include "mlp/trainer.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlp {

// One run of the comparison grid.
struct CompareRun {
  std::size_t activation = 0;  // index into CompareSettings::activations
  std::uint64_t seed = 0;
  double lr = 0;
  Initializer init;
  TrainResult result;  // history with diagnostics
  // The final model on data.test, when there is one; none for a diverged run, whose weights are
  // its last good ones rather than a result.
  std::optional<Evaluation> test;
};

// Mean, spread and order statistics of one quantity over seeds.
struct Stat {
  double mean = 0, std = 0, median = 0, min = 0, max = 0;
  int count = 0;  // values it was computed from
};

// How one activation fared against the baseline activation, seed by seed.
struct PairedComparison {
  int wins = 0;     // seeds where this activation's metric beat the baseline's
  int seeds = 0;    // seeds compared
  Stat difference;  // metric(this) - metric(baseline), per seed
  // The 95 % confidence interval of the mean difference (Student's t over the paired seeds);
  // none with fewer than kMinPairedSeeds seeds.
  std::optional<std::pair<double, double>> interval95;
  // Two seeds give a t interval of ±12.7 standard errors, which says nothing; three is the least
  // that supports one.
  static constexpr int kMinPairedSeeds = 3;
};

struct ActivationSummary {
  std::size_t activation = 0;
  double lr = 0;  // the rate reported (the best of the grid, on mean final validation loss)
  std::string init;
  Stat final_val_loss, best_val_loss, metric;  // metric: val accuracy or val R^2 at the end
  std::optional<Stat> test_metric;             // the metric on data.test (the runs that have CompareRun::test)
  std::optional<Stat> epochs_to_target;        // epochs to reach loss_target, of the runs that reached it
  std::optional<Stat> dead_fraction, saturated_fraction, grad_ratio;  // at the end / over the run
  std::optional<PairedComparison> vs_baseline;
  int diverged = 0;        // seeds whose run diverged (left out of the statistics above)
  Stat seconds_per_epoch;  // wall time: reported under "timing" only
};

struct CompareResult {
  Task task = Task::kClassification;
  std::vector<Activation> activations;
  std::vector<std::uint64_t> seeds;
  std::vector<double> lr_grid;       // the rates tried (the config's lr when no grid)
  std::vector<std::string> classes;  // classification: the labels, as the test evaluations name them
  std::size_t baseline = 0;          // index of the baseline activation, or activations.size() if absent
  std::vector<CompareRun> runs;      // in grid order: activation, then lr, then seed
  // The validation loss of a guess that ignores the features (chance_level_loss), mean over the
  // seeds' splits: what a run that learned nothing scores.
  double chance_loss = 0;
  // What epochs_to_target counts epochs to: the worst best validation loss of the runs that
  // learned (their best is below kLearnedShare of chance_loss), so that every one of them reaches
  // it, and a run that learned nothing does not set it; of every run when none learned.
  double loss_target = 0;
  static constexpr double kLearnedShare = 0.9;
  std::vector<ActivationSummary> summary;  // sorted by metric, best first
  int jobs = 1, threads = 1;               // how the runs were spread (see CompareOptions): timing only
};

// How the one run of a one-run comparison (a sweep task) is saved and picked up again, so that a
// run stopped partway continues where it was and ends exactly as if it never stopped. A
// comparison of several runs is never checkpointed (it cannot be resumed as one).
struct RunCheckpoints {
  // The checkpoint to continue from, if any; called once, with the schema of the data the run
  // is about to train on, and expected to throw InputError when the checkpoint does not fit it
  // (check_checkpoint_data).
  std::function<std::optional<Checkpoint>(const DataSchema& data)> load;
  // Writes a checkpoint of the run: at the end of the first epoch that ends `every_seconds` or
  // more after the run started or was last saved (0: after every epoch), and when the run is
  // stopped (CompareOptions::stop), of its last finished epoch (TrainerOptions::checkpoint_on_stop).
  std::function<void(const Model& model, const TrainerState& state)> save;
  double every_seconds = 0;
};

struct CompareOptions {
  int jobs = 1;     // runs at a time
  int threads = 1;  // threads of each run's network (its matrix products and optimizer steps)
  // Bytes the runs in parallel may need together (see check_training_memory: one network per
  // job; a run's threads share its network); checked before any network is built.
  std::uint64_t memory_limit = UINT64_MAX;
  std::function<void(int done, int total)> on_run_done;  // called from worker threads, serialised
  // Called once, before any run, with the first seed's TrainingData notes and warnings (the
  // columns found, rows dropped, levels a test file has that training never saw).
  std::function<void(const std::vector<std::string>& notes, const std::vector<std::string>& warnings)> on_data;
  // Checked between minibatches of every run (TrainerOptions::stop): a run stopped by it ends
  // with StopReason::kInterrupted. None: the runs are not interruptible.
  const std::atomic<bool>* stop = nullptr;
  // Only for a grid of exactly one run (else std::logic_error): its checkpoints.
  const RunCheckpoints* checkpoints = nullptr;
};

// The grid of settings.compare without its results: activations, seeds, lr_grid, baseline, and
// the runs in grid order (activation, then rate, then seed), each with its initialisation.
// run_compare fills in the rest; `sweep collect` fills it from the runs a sweep saved.
CompareResult compare_grid(const Settings& settings);

// Runs the grid described by settings.compare on the experiment's data, and evaluates each run's
// final model on data.test when the config gives one. Throws InputError when there is no
// validation data to compare on, when the runs would need more memory than
// options.memory_limit, or for train.checkpoint_every > 0 (a comparison cannot be resumed, so
// its checkpoints would be written for nothing).
CompareResult run_compare(const Settings& settings, const CompareOptions& options);

// Throws DivergedError when every run diverged: then nothing was compared ("compare: every run
// diverged (6 of 6); the first, relu with seed 42: <its reason>"). Some diverged runs are part of
// the result (each activation's count of them is in its summary), not an error.
void check_not_all_diverged(const CompareResult& result);

// Fills result.loss_target and result.summary from result.runs (run_compare calls it).
void summarize_compare(CompareResult& result);

// What one run contributes to its activation's summary: the figures whose statistics over seeds
// ActivationSummary holds (summarize_compare computes them here and nowhere else), and which
// compare.json repeats per run under the summary's keys. NaN or nothing where the run has none:
// a diverged run has no final or best loss and no final metric.
struct RunFigures {
  double final_val_loss = kNoValue, best_val_loss = kNoValue;
  double metric = kNoValue;                // val accuracy or val R^2 at the last epoch
  std::optional<double> test_metric;       // the same on data.test (CompareRun::test)
  std::optional<double> epochs_to_target;  // the first epoch whose val loss is <= loss_target
  // At the last epoch, mean over the hidden layers that have the fraction, in [0, 1].
  std::optional<double> dead_fraction, saturated_fraction;
  // The first linear layer's weight-gradient norm over the last's, each averaged over the epochs.
  std::optional<double> grad_ratio;
  static constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
};
// loss_target: CompareResult::loss_target.
RunFigures run_figures(const CompareRun& run, double loss_target);

// The weight initialisation `compare --init auto` gives an activation: kaiming_uniform (relu
// gain) for the ReLU family, xavier_uniform for tanh/sigmoid-like functions, lecun_normal for selu.
Initializer recommended_initializer(const Activation& activation, BiasInit bias);

// Everything (settings, summary, per-epoch curves and diagnostics of every run, and each run's
// RunFigures under the summary's keys). Wall-clock figures, and the jobs and threads per run that
// the runs were spread over, live only under keys named "timing", so two comparisons of the same
// config are byte-identical once those are removed. docs/outputs.md documents every key.
nlohmann::json compare_json(const CompareResult& result, const Settings& settings);
// The summary table as CSV, from compare_json's document: the terminal table's columns and
// init and diverged, whatever the comparison (one field per number: <key>_mean, _std, _median,
// _min, _max and _count of each statistic, wins_vs_baseline, seeds_vs_baseline,
// mean_difference_vs_baseline, interval95_low_vs_baseline and interval95_high_vs_baseline),
// unscaled and to the last digit, empty where there is no value; one header row, then one row
// per summary entry in its order; fields quoted per RFC 4180. docs/outputs.md lists them.
std::string compare_csv(const nlohmann::json& compare);
// curves.csv, from compare_json's document: one row per run and epoch, in the runs' order, with
// the run's activation, name, seed, lr and init, then the epoch's losses, metric, learning rate,
// and diagnostics, one column per quantity and layer (dead_fraction_layer1, ...,
// weight_grad_norm_linear1, ...; the union over the runs, empty where a run has none), and the
// epoch's wall time (seconds) last. Numbers to the last digit (format_number); empty where
// compare.json has null (NaN and infinite losses of a diverged run are written as null there).
std::string curves_csv(const nlohmann::json& compare);
// runs.csv, from compare_json's document: one row per run, in the runs' order: what it was
// (activation, name, seed, lr, init), how it ended (stop_reason, message, epochs_run,
// best_epoch), its RunFigures under the summary's keys, and train_seconds last. Same number
// and empty-field rules as curves_csv.
std::string runs_csv(const nlohmann::json& compare);
// Which columns of the summary table the terminal shows, and in how many characters.
struct TableLayout {
  std::size_t width = 0;  // characters per line (the terminal's); 0: no limit
  // Column names (table_column_names), in any order: exactly those are shown, in the table's
  // order. Empty: the compact default set, less its least important columns while the table is
  // wider than `width`. {"all"}: every column of this comparison.
  std::vector<std::string> columns;
};

// What `compare --columns` accepts: each column's name ("val_acc", "final_loss", "vs", ...) for
// either task, plus "all" and "default".
std::vector<std::string> table_column_names();
// Throws InputError naming the first unknown name and listing the valid ones.
void check_table_columns(const std::vector<std::string>& names);

// The summary table for the terminal, from compare_json's document (the same cells as the HTML
// report's table), aligned, the best value of each column marked with '*', then what people need
// to read it: the loss target, activations whose short name the table uses spelled out, and the
// columns left out.
std::string compare_table(const nlohmann::json& compare, const TableLayout& layout = {});

}  // namespace mlp
