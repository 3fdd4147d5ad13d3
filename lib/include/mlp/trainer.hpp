// The training loop: epochs of shuffled minibatches, validation, early stopping, divergence
// detection and interruption. It works on datasets and a network already built; it opens no
// files and prints nothing (it reports through callbacks).
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/diagnostics.hpp"
#include "mlp/loss.hpp"
#include "mlp/metrics.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/rng.hpp"
#include "mlp/settings.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlp {

struct EpochMetrics {
  int epoch = 0;  // 1-based
  // Mean of the epoch's minibatch losses, weighted by batch size; in the data's units when the
  // targets were standardised (the loss of the de-standardised outputs, see Trainer).
  double train_loss = 0;
  std::optional<Evaluation> val;
  double lr = 0;
  // Wall time of the epoch: its training steps, validation, diagnostics and early-stopping
  // bookkeeping; not the callbacks (never part of a determinism comparison).
  double seconds = 0;
  std::optional<EpochDiagnostics> diagnostics;
};

enum class StopReason { kCompleted, kEarlyStopped, kDiverged, kInterrupted };
const char* stop_reason_name(StopReason reason);

struct TrainResult {
  std::vector<EpochMetrics> history;
  StopReason reason = StopReason::kCompleted;
  int best_epoch = 0;   // epoch whose weights the network holds at the end (0: the initial ones)
  std::string message;  // for kDiverged: where and why
  // The finished epochs of this fit(): the sum of their EpochMetrics::seconds, in order (so a
  // running total of those gives the same number). Not data loading, not the time the callbacks
  // take to print and write files, not an epoch cut short by a stop or divergence.
  double train_seconds = 0;
  double samples_per_second = 0;  // the samples of those epochs over train_seconds
};

// What a training step changes besides the weights: the optimizer's step count and state, and
// the random generators.
struct StepState {
  std::int64_t optimizer_steps = 0;
  std::vector<Vector> optimizer_buffers;
  Rng::State shuffle_rng{};
  std::vector<Rng::State> dropout_rngs;  // one per dropout layer, in network order
};

// Everything besides the network's weights that a run needs to continue exactly where it was:
// a checkpoint holds this and the model, and resuming from it gives a result byte-identical to
// a run that was never interrupted.
struct TrainerState : StepState {
  int epochs_done = 0;
  std::vector<EpochMetrics> history;
  double best_monitored = 0;  // best monitored loss so far (+inf before the first epoch)
  int epochs_without_improvement = 0;
  int best_epoch = 0;
  std::vector<Vector> fallback_weights;  // weights of best_epoch (see Trainer::fit)
};

struct TrainerOptions {
  bool diagnostics = false;  // per-epoch EpochDiagnostics (costs an extra pass over the gradients)
  // Called after every finished epoch (printing, metrics files, checkpoints).
  std::function<void(const EpochMetrics&)> on_epoch;
  // Called after every minibatch with the samples done so far in the epoch and the epoch's total.
  std::function<void(Index done, Index total)> on_batch;
  // Called after on_epoch every `checkpoint_every` epochs (train.checkpoint_every; 0: never),
  // with the state to save beside the network's weights.
  std::function<void(const TrainerState&)> on_checkpoint;
  // Checked between minibatches: when it becomes true, training stops after the current batch.
  const std::atomic<bool>* stop = nullptr;
  // With on_checkpoint: a run stopped mid-epoch first goes back to where its last finished epoch
  // left it (weights, optimizer state, random generators) and calls on_checkpoint with that state,
  // so that what was trained up to the stop can be resumed exactly. Costs a copy of the weights
  // and optimizer state at the start of every epoch.
  bool checkpoint_on_stop = false;
};

class Trainer {
 public:
  // `loss` must suit `task` and the network's outputs (see output_size_for in experiment.hpp).
  // With `target_units` (Experiment::target_units), the network learns standardised regression
  // targets, but every loss and metric it reports is in the data's units: the training loss is
  // the loss of the de-standardised outputs against the de-standardised targets, and the
  // validation split (whose targets are in the data's units) is evaluated on de-standardised
  // outputs. The gradient is still that of the standardised loss.
  Trainer(const TrainSettings& settings, Network& network, Loss loss, Task task, Index classes,
          const Standardizer* target_units = nullptr);

  // Trains from the current state (epoch 0, or where restore() put it) to settings.epochs, or
  // until early stopping, divergence or a stop request. The network ends on the weights of a
  // finished epoch: the best one when early stopping restores it, else the last good one.
  TrainResult fit(const Dataset& train, const Dataset* val, const TrainerOptions& options);

  // The state after the last finished epoch, and its inverse (with the network's weights
  // restored separately, e.g. from a checkpoint's model).
  TrainerState state() const;
  void restore(const TrainerState& state);

 private:
  // One pass over the training set; returns the mean loss, or nothing if stopped or diverged.
  std::optional<double> run_epoch(const Dataset& train, double lr, const TrainerOptions& options, TrainResult& result,
                                  EpochDiagnostics* diagnostics);
  // Decides early stopping after an epoch; returns true when training should stop.
  bool update_early_stopping(const EpochMetrics& metrics);
  // The loss of a batch in the data's units (target_units_): both sides de-standardised.
  double loss_in_data_units(ConstMatrixView output, ConstMatrixView target);
  void snapshot_weights();
  void restore_weights();
  // checkpoint_on_stop: what an epoch changes besides the progress fields below, saved at its
  // start, and put back when it is cut short.
  void save_epoch_start();
  void rewind_to_epoch_start();
  // The optimizer's and the generators' state, copied into `into` (resized to fit) or set from it.
  void copy_step_state(StepState& into) const;
  void set_step_state(const StepState& from);

  const TrainSettings& settings_;
  Network& network_;
  Loss loss_;
  Task task_;
  Index classes_;
  const Standardizer* target_units_;
  std::unique_ptr<Optimizer> optimizer_;
  Rng shuffle_rng_;
  std::vector<Index> order_;
  Matrix batch_features_, batch_targets_, grad_output_;
  Matrix output_in_units_, target_in_units_;  // scratch of loss_in_data_units
  // Progress between epochs (what TrainerState saves).
  int epochs_done_ = 0;
  std::vector<EpochMetrics> history_;
  double best_monitored_;
  int epochs_without_improvement_ = 0;
  int best_epoch_ = 0;
  std::vector<Vector> fallback_weights_;
  // The epoch start (checkpoint_on_stop): sized once, then copied into without allocating.
  struct EpochStart {
    std::vector<Vector> weights;
    StepState step;
  } epoch_start_;
};

}  // namespace mlp
