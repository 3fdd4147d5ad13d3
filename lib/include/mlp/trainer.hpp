// The training loop: epochs of shuffled minibatches, validation, early stopping, divergence
// detection and interruption. It works on datasets and a network already built; it opens no
// files and prints nothing (it reports through callbacks).
#pragma once

#include "mlp/config.hpp"
#include "mlp/dataset.hpp"
#include "mlp/diagnostics.hpp"
#include "mlp/loss.hpp"
#include "mlp/metrics.hpp"
#include "mlp/network.hpp"
#include "mlp/optimizer.hpp"
#include "mlp/rng.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlp {

struct EpochMetrics {
  int epoch = 0;  // 1-based
  double train_loss = 0;  // mean of the epoch's minibatch losses, weighted by batch size
  std::optional<Evaluation> val;
  double lr = 0;
  double seconds = 0;  // wall time of the epoch (never part of a determinism comparison)
  std::optional<EpochDiagnostics> diagnostics;
};

enum class StopReason { kCompleted, kEarlyStopped, kDiverged, kInterrupted };
const char* stop_reason_name(StopReason reason);

struct TrainResult {
  std::vector<EpochMetrics> history;
  StopReason reason = StopReason::kCompleted;
  int best_epoch = 0;  // epoch whose weights the network holds at the end (0: the initial ones)
  std::string message;  // for kDiverged: where and why
  double train_seconds = 0;  // the epoch loop only, without data loading
  double samples_per_second = 0;
};

struct TrainerOptions {
  bool diagnostics = false;  // per-epoch EpochDiagnostics (costs an extra pass over the gradients)
  // Called after every finished epoch (printing, metrics files, checkpoints).
  std::function<void(const EpochMetrics&)> on_epoch;
  // Called after every minibatch with the samples done so far in the epoch and the epoch's total.
  std::function<void(Index done, Index total)> on_batch;
  // Checked between minibatches: when it becomes true, training stops after the current batch.
  const std::atomic<bool>* stop = nullptr;
};

class Trainer {
 public:
  // `loss` must suit `task` and the network's outputs (see output_size_for).
  Trainer(const TrainSettings& settings, Network& network, Loss loss, Task task, Index classes);

  TrainResult fit(const Dataset& train, const Dataset* val, const TrainerOptions& options);

 private:
  // One pass over the training set; returns the mean loss, or nothing if stopped or diverged.
  std::optional<double> run_epoch(const Dataset& train, double lr, const TrainerOptions& options,
                                  TrainResult& result, EpochDiagnostics* diagnostics);
  void snapshot_weights();
  void restore_weights();

  const TrainSettings& settings_;
  Network& network_;
  Loss loss_;
  Task task_;
  Index classes_;
  std::unique_ptr<Optimizer> optimizer_;
  Rng shuffle_rng_;
  std::vector<Index> order_;
  Matrix batch_features_, batch_targets_, grad_output_;
  std::vector<Vector> best_weights_;
  std::vector<double> block_sq_norms_;
};

// The loss "auto" resolves to: cross_entropy for classification, mse for regression.
Loss default_loss(Task task);

// Network outputs `loss` needs for a task: classes for cross_entropy, 1 for binary
// cross-entropy (two classes), the number of targets for regression losses. Throws InputError
// naming train.loss when the loss does not suit the task.
Index output_size_for(const Loss& loss, Task task, Index classes, Index targets);

}  // namespace mlp
