#include "mlp/trainer.hpp"

#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/text.hpp"

#include "core/parallel_parts.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

namespace mlp {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Copies sample `from` of `data` into column `to` of the batch buffers.
void gather(const Dataset& data, Index from, Matrix& features, Matrix& targets, Index to) {
  features.col(to) = data.features.col(from);
  targets.col(to) = data.targets.col(from);
}

}  // namespace

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kCompleted:
      return "completed";
    case StopReason::kEarlyStopped:
      return "early_stopped";
    case StopReason::kDiverged:
      return "diverged";
    case StopReason::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

Trainer::Trainer(const TrainSettings& settings, Network& network, Loss loss, Task task, Index classes,
                 const Standardizer* target_units)
    : settings_(settings),
      network_(network),
      loss_(std::move(loss)),
      task_(task),
      classes_(classes),
      target_units_(target_units),
      optimizer_(settings.optimizer.create(network.parameters())),
      shuffle_rng_(settings.seed, "shuffle"),
      best_monitored_(INFINITY) {
  // Evaluation runs in chunks of the reserved size: at least 256 keeps it fast for small batches.
  network_.reserve(std::max<Index>(settings_.batch_size, 256));
  snapshot_weights();
}

void Trainer::snapshot_weights() {
  const auto params = network_.parameters();
  fallback_weights_.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) fallback_weights_[i] = params[i].value;
}

void Trainer::restore_weights() {
  const auto params = network_.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].value = fallback_weights_[i];
}

namespace {

std::vector<DropoutLayer*> dropout_layers(Network& network) {
  std::vector<DropoutLayer*> layers;
  for (std::size_t i = 0; i < network.layer_count(); ++i) {
    if (auto* dropout = dynamic_cast<DropoutLayer*>(&network.layer(i))) layers.push_back(dropout);
  }
  return layers;
}

}  // namespace

TrainerState Trainer::state() const {
  TrainerState state;
  copy_step_state(state);
  state.epochs_done = epochs_done_;
  state.history = history_;
  state.best_monitored = best_monitored_;
  state.epochs_without_improvement = epochs_without_improvement_;
  state.best_epoch = best_epoch_;
  state.fallback_weights = fallback_weights_;
  return state;
}

void Trainer::restore(const TrainerState& state) {
  const std::vector<Vector*> buffers = optimizer_->state_buffers();
  const auto params = network_.parameters();
  bool fits = buffers.size() == state.optimizer_buffers.size() &&
              dropout_layers(network_).size() == state.dropout_rngs.size() &&
              state.fallback_weights.size() == params.size();
  for (std::size_t i = 0; fits && i < buffers.size(); ++i)
    fits = buffers[i]->size() == state.optimizer_buffers[i].size();
  for (std::size_t i = 0; fits && i < params.size(); ++i)
    fits = params[i].value.size() == state.fallback_weights[i].size();
  if (!fits) throw InputError("the checkpoint's training state does not fit this network and optimizer");
  set_step_state(state);
  epochs_done_ = state.epochs_done;
  history_ = state.history;
  best_monitored_ = state.best_monitored;
  epochs_without_improvement_ = state.epochs_without_improvement;
  best_epoch_ = state.best_epoch;
  fallback_weights_ = state.fallback_weights;
}

void Trainer::copy_step_state(StepState& into) const {
  into.optimizer_steps = optimizer_->steps();
  const std::vector<Vector*> buffers = optimizer_->state_buffers();
  into.optimizer_buffers.resize(buffers.size());
  for (std::size_t i = 0; i < buffers.size(); ++i) into.optimizer_buffers[i] = *buffers[i];
  into.shuffle_rng = shuffle_rng_.state();
  const std::vector<DropoutLayer*> dropouts = dropout_layers(network_);
  into.dropout_rngs.resize(dropouts.size());
  for (std::size_t i = 0; i < dropouts.size(); ++i) into.dropout_rngs[i] = dropouts[i]->rng().state();
}

void Trainer::set_step_state(const StepState& from) {
  optimizer_->set_steps(from.optimizer_steps);
  const std::vector<Vector*> buffers = optimizer_->state_buffers();
  for (std::size_t i = 0; i < buffers.size(); ++i) *buffers[i] = from.optimizer_buffers[i];
  shuffle_rng_.set_state(from.shuffle_rng);
  const std::vector<DropoutLayer*> dropouts = dropout_layers(network_);
  for (std::size_t i = 0; i < dropouts.size(); ++i) dropouts[i]->rng().set_state(from.dropout_rngs[i]);
}

void Trainer::save_epoch_start() {
  const auto params = network_.parameters();
  epoch_start_.weights.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) epoch_start_.weights[i] = params[i].value;
  copy_step_state(epoch_start_.step);
}

void Trainer::rewind_to_epoch_start() {
  const auto params = network_.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].value = epoch_start_.weights[i];
  set_step_state(epoch_start_.step);
}

bool Trainer::update_early_stopping(const EpochMetrics& metrics) {
  const EarlyStopping& early = settings_.early_stopping;
  // Early stopping watches the validation loss, or the training loss without a validation set.
  const double monitored = metrics.val ? metrics.val->loss : metrics.train_loss;
  const bool improved = monitored < best_monitored_ - early.min_delta;
  if (improved) {
    best_monitored_ = monitored;
    epochs_without_improvement_ = 0;
  } else if (early.patience > 0) {
    ++epochs_without_improvement_;
  }
  // The weights the run ends on, however it ends (completed, stopped early, interrupted,
  // diverged): with restore_best, the best epoch's, as Keras' restore_best_weights restores them
  // at the end of training; otherwise the last finished epoch's.
  const bool keep_best = early.patience > 0 && early.restore_best;
  if (improved || !keep_best) {
    snapshot_weights();
    best_epoch_ = metrics.epoch;
  }
  return early.patience > 0 && epochs_without_improvement_ >= early.patience;
}

TrainResult Trainer::fit(const Dataset& train, const Dataset* val, const TrainerOptions& options) {
  TrainResult result;
  const Index batch = settings_.batch_size;
  batch_features_.resize(train.features.rows(), batch);
  batch_targets_.resize(train.targets.rows(), batch);
  grad_output_.resize(network_.output_size(), batch);
  if (target_units_ != nullptr) {
    output_in_units_.resize(network_.output_size(), batch);
    target_in_units_.resize(train.targets.rows(), batch);
  }
  order_.resize(static_cast<std::size_t>(train.size()));
  Index samples_seen = 0;

  while (epochs_done_ < settings_.epochs) {
    const auto epoch_start = Clock::now();
    EpochMetrics metrics;
    metrics.epoch = epochs_done_ + 1;
    metrics.lr = settings_.schedule.lr_at(settings_.optimizer.lr(), epochs_done_, settings_.epochs);
    EpochDiagnostics diagnostics;
    const bool checkpoint_on_stop = options.checkpoint_on_stop && options.on_checkpoint;
    if (checkpoint_on_stop) save_epoch_start();
    const std::optional<double> train_loss =
        run_epoch(train, metrics.lr, options, result, options.diagnostics ? &diagnostics : nullptr);
    if (!train_loss) {
      // The epoch cut short left the weights, moments and generators partway through it; the
      // checkpoint is of the epoch before, whose progress fields were not touched.
      if (checkpoint_on_stop && result.reason == StopReason::kInterrupted) {
        rewind_to_epoch_start();
        options.on_checkpoint(state());
      }
      break;
    }
    samples_seen += train.size();
    metrics.train_loss = *train_loss;
    if (val != nullptr) {
      std::optional<ActivityAccumulator> activity;
      if (options.diagnostics) activity.emplace(network_);
      metrics.val = evaluate(
          network_, loss_, task_, classes_, *val,
          [&](const Network& net) {
            if (activity) activity->add(net);
          },
          target_units_);
      if (activity) diagnostics.activity = activity->finish();
    }
    if (options.diagnostics) {
      diagnostics.learned = learned_stats(network_);
      metrics.diagnostics = std::move(diagnostics);
    }
    const bool stop = update_early_stopping(metrics);
    // The epoch's time ends here: the callbacks print and write files, which is not training.
    metrics.seconds = seconds_since(epoch_start);
    result.train_seconds += metrics.seconds;
    ++epochs_done_;
    history_.push_back(metrics);
    if (options.on_epoch) options.on_epoch(metrics);
    if (options.on_checkpoint && settings_.checkpoint_every > 0 && epochs_done_ % settings_.checkpoint_every == 0) {
      options.on_checkpoint(state());
    }
    if (stop) {
      result.reason = StopReason::kEarlyStopped;
      break;
    }
  }
  restore_weights();
  result.history = history_;
  result.best_epoch = best_epoch_;
  result.samples_per_second = result.train_seconds > 0 ? static_cast<double>(samples_seen) / result.train_seconds : 0.0;
  return result;
}

double Trainer::loss_in_data_units(ConstMatrixView output, ConstMatrixView target) {
  MatrixView out = columns(output_in_units_, output.cols());
  MatrixView tgt = columns(target_in_units_, target.cols());
  out = output;
  tgt = target;
  target_units_->undo(out);
  target_units_->undo(tgt);
  return loss_.value(columns(std::as_const(output_in_units_), output.cols()),
                     columns(std::as_const(target_in_units_), target.cols()));
}

std::optional<double> Trainer::run_epoch(const Dataset& train, double lr, const TrainerOptions& options,
                                         TrainResult& result, EpochDiagnostics* diagnostics) {
  // Each epoch shuffles the identity order, so the batch order depends only on the generator's
  // state (which a checkpoint saves), not on earlier epochs' permutations.
  std::iota(order_.begin(), order_.end(), Index{0});
  if (settings_.shuffle) shuffle(order_.begin(), order_.end(), shuffle_rng_);
  const auto params = network_.parameters();
  const Index n = train.size();
  const Index batch = settings_.batch_size;
  const int epoch = epochs_done_ + 1;
  double loss_sum = 0;
  Index steps = 0;
  std::vector<const DenseLayer*> dense_layers;
  if (diagnostics != nullptr) {
    for (std::size_t i = 0; i < network_.layer_count(); ++i) {
      if (const auto* dense = dynamic_cast<const DenseLayer*>(&network_.layer(i))) dense_layers.push_back(dense);
    }
    diagnostics->weight_grad_norm.assign(dense_layers.size(), 0.0);
  }
  auto diverged = [&](const std::string& what, Index first) {
    result.reason = StopReason::kDiverged;
    result.message = what + " in epoch " + std::to_string(epoch) + ", batch " + std::to_string(first / batch + 1) +
                     " (lr " + format_number(lr) +
                     "); the last good weights are kept. Try a smaller learning "
                     "rate (train.optimizer.lr) or gradient clipping (train.clip_grad_norm).";
    return std::nullopt;
  };

  for (Index first = 0; first < n; first += batch) {
    if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
      result.reason = StopReason::kInterrupted;
      return std::nullopt;
    }
    const Index count = std::min(batch, n - first);
    const double copied = static_cast<double>(count) * static_cast<double>(batch_features_.rows());
    detail::for_elementwise_parts(network_.thread_pool(), count, copied, [&](Index part_first, Index part_count) {
      for (Index j = part_first; j < part_first + part_count; ++j) {
        gather(train, order_[static_cast<std::size_t>(first + j)], batch_features_, batch_targets_, j);
      }
    });
    const ConstMatrixView output = network_.forward(columns(std::as_const(batch_features_), count), Mode::kTrain);
    const MatrixView grad = columns(grad_output_, count);
    const double loss = loss_.value_and_grad(output, columns(std::as_const(batch_targets_), count), grad);
    if (!std::isfinite(loss)) return diverged("the loss became " + format_number(loss), first);
    network_.backward(columns(std::as_const(grad_output_), count));

    // The diagnostics see the gradients before clipping, as they came out of backward.
    if (diagnostics != nullptr) {
      for (std::size_t l = 0; l < dense_layers.size(); ++l) {
        diagnostics->weight_grad_norm[l] += static_cast<double>(dense_layers[l]->weight_grad().norm());
      }
    }
    const double norm =
        settings_.clip_grad_norm > 0 ? clip_grad_norm(params, settings_.clip_grad_norm) : grad_norm(params);
    if (!std::isfinite(norm)) return diverged("the gradient became infinite or NaN", first);
    if (!optimizer_->step(params, lr, network_.thread_pool())) {
      return diverged("a weight became infinite or NaN", first);
    }
    const double reported =
        target_units_ != nullptr ? loss_in_data_units(output, columns(std::as_const(batch_targets_), count)) : loss;
    loss_sum += reported * static_cast<double>(count);
    ++steps;
    if (options.on_batch) options.on_batch(first + count, n);
  }
  if (diagnostics != nullptr && steps > 0) {
    for (double& norm : diagnostics->weight_grad_norm) norm /= static_cast<double>(steps);
  }
  return n > 0 ? loss_sum / static_cast<double>(n) : 0.0;
}

}  // namespace mlp
