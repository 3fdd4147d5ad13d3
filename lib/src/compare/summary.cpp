// Summaries of a comparison: per activation, the best rate of the grid, statistics over seeds,
// and the paired comparison against the baseline. compare.json is written in output.cpp.
#include "mlp/compare.hpp"

#include "mlp/records.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace mlp {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Stat make_stat(std::vector<double> values) {
  Stat s;
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  s.count = static_cast<int>(values.size());
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double sq = 0;
  for (const double v : values) sq += (v - s.mean) * (v - s.mean);
  s.std = values.size() > 1 ? std::sqrt(sq / (n - 1)) : 0.0;  // sample standard deviation
  const std::size_t mid = values.size() / 2;
  s.median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  s.min = values.front();
  s.max = values.back();
  return s;
}

// A diverged run has no final or best loss: NaN, which the statistics leave out (and count).
double final_val_loss(const TrainResult& r) {
  if (r.reason == StopReason::kDiverged || r.history.empty() || !r.history.back().val) return NAN;
  return r.history.back().val->loss;
}

double best_val_loss(const TrainResult& r) {
  if (r.reason == StopReason::kDiverged) return NAN;
  double best = kInf;
  for (const EpochMetrics& m : r.history) {
    if (m.val) best = std::min(best, m.val->loss);
  }
  return best;
}

// The headline metric at the end: validation accuracy, or R^2 for regression.
double final_metric(const TrainResult& r) {
  if (r.reason == StopReason::kDiverged || r.history.empty() || !r.history.back().val) return NAN;
  const Evaluation& val = *r.history.back().val;
  return val.accuracy ? *val.accuracy : val.r2.value_or(NAN);
}

// The same metric on the test set, when the run was evaluated on one.
std::optional<double> test_metric(const CompareRun& run) {
  if (!run.test) return std::nullopt;
  return run.test->accuracy ? run.test->accuracy : run.test->r2;
}

// Mean over layers of an optional per-layer fraction at the last epoch; nothing if no layer has it.
std::optional<double> last_epoch_fraction(const TrainResult& r, std::optional<double> ActivityStats::*field) {
  if (r.history.empty() || !r.history.back().diagnostics) return std::nullopt;
  double sum = 0;
  int layers = 0;
  for (const ActivityStats& layer : r.history.back().diagnostics->activity) {
    if (layer.*field) {
      sum += *(layer.*field);
      ++layers;
    }
  }
  return layers > 0 ? std::optional<double>(sum / layers) : std::nullopt;
}

// First-layer over last-layer weight-gradient norm, each averaged over the run's epochs.
std::optional<double> run_grad_ratio(const TrainResult& r) {
  double first = 0, last = 0;
  int epochs = 0;
  for (const EpochMetrics& m : r.history) {
    if (!m.diagnostics || m.diagnostics->weight_grad_norm.size() < 2) continue;
    first += m.diagnostics->weight_grad_norm.front();
    last += m.diagnostics->weight_grad_norm.back();
    ++epochs;
  }
  if (epochs == 0 || last == 0) return std::nullopt;
  return first / last;
}

// The 97.5 % quantile of Student's t with `df` degrees of freedom: from the table to 30, then
// the Cornish–Fisher expansion around the normal's 1.959964 to the n^-3 term, within 1e-5 there.
double t_quantile_975(int df) {
  static constexpr double kTable[] = {12.7062, 4.30265, 3.18245, 2.77645, 2.57058, 2.44691, 2.36462, 2.30600,
                                      2.26216, 2.22814, 2.20099, 2.17881, 2.16037, 2.14479, 2.13145, 2.11991,
                                      2.10982, 2.10092, 2.09302, 2.08596, 2.07961, 2.07387, 2.06866, 2.06390,
                                      2.05954, 2.05553, 2.05183, 2.04841, 2.04523, 2.04227};
  if (df <= 30) return kTable[df - 1];
  const double z = 1.959964, n = df;
  return z + (std::pow(z, 3) + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * std::pow(z, 3) + 3 * z) / (96 * n * n) +
         (3 * std::pow(z, 7) + 19 * std::pow(z, 5) + 17 * std::pow(z, 3) - 15 * z) / (384 * n * n * n);
}

// mean ± t · s / sqrt(n) of the paired differences, from kMinPairedSeeds of them.
std::optional<std::pair<double, double>> interval95(const Stat& difference) {
  if (difference.count < PairedComparison::kMinPairedSeeds) return std::nullopt;
  const double half = t_quantile_975(difference.count - 1) * difference.std / std::sqrt(difference.count);
  return std::pair{difference.mean - half, difference.mean + half};
}

std::optional<Stat> optional_stat(const std::vector<std::optional<double>>& values) {
  std::vector<double> present;
  for (const auto& v : values) {
    if (v) present.push_back(*v);
  }
  if (present.empty()) return std::nullopt;
  return make_stat(present);
}

// The runs of activation `a` at rate index `lr`, one per seed, in seed order.
std::vector<const CompareRun*> runs_of(const CompareResult& result, std::size_t a, std::size_t lr) {
  std::vector<const CompareRun*> runs;
  const std::size_t per_activation = result.lr_grid.size() * result.seeds.size();
  for (std::size_t s = 0; s < result.seeds.size(); ++s) {
    runs.push_back(&result.runs[a * per_activation + lr * result.seeds.size() + s]);
  }
  return runs;
}

// The grid rate with the lowest mean final validation loss (a diverged run counts as infinite).
std::size_t best_rate(const CompareResult& result, std::size_t a) {
  std::size_t best = 0;
  double best_loss = kInf;
  for (std::size_t lr = 0; lr < result.lr_grid.size(); ++lr) {
    double sum = 0;
    for (const CompareRun* run : runs_of(result, a, lr)) {
      const double loss = final_val_loss(run->result);
      sum += std::isfinite(loss) ? loss : kInf;
    }
    if (sum < best_loss || (lr == 0 && best_loss == kInf)) {
      best_loss = sum;
      best = lr;
    }
  }
  return best;
}

}  // namespace

RunFigures run_figures(const CompareRun& run, double loss_target) {
  const TrainResult& r = run.result;
  RunFigures figures;
  figures.final_val_loss = final_val_loss(r);
  figures.best_val_loss = best_val_loss(r);
  figures.metric = final_metric(r);
  figures.test_metric = test_metric(run);
  for (const EpochMetrics& m : r.history) {
    if (m.val && m.val->loss <= loss_target) {
      figures.epochs_to_target = m.epoch;
      break;
    }
  }
  figures.dead_fraction = last_epoch_fraction(r, &ActivityStats::dead_fraction);
  figures.saturated_fraction = last_epoch_fraction(r, &ActivityStats::saturated_fraction);
  figures.grad_ratio = run_grad_ratio(r);
  return figures;
}

void summarize_compare(CompareResult& result) {
  const std::size_t count = result.activations.size();
  std::vector<std::size_t> chosen(count);
  for (std::size_t a = 0; a < count; ++a) chosen[a] = best_rate(result, a);

  // The loss target: the worst of the best validation losses of the reported runs that learned,
  // so that every one of them reaches it (see CompareResult::loss_target).
  const auto worst_best = [&](bool learned_only) {
    double target = -kInf;
    for (std::size_t a = 0; a < count; ++a) {
      for (const CompareRun* run : runs_of(result, a, chosen[a])) {
        const double best = best_val_loss(run->result);
        const bool learned = best < CompareResult::kLearnedShare * result.chance_loss;
        if (std::isfinite(best) && (learned || !learned_only)) target = std::max(target, best);
      }
    }
    return target;
  };
  result.loss_target = worst_best(true);
  if (result.loss_target == -kInf) result.loss_target = worst_best(false);

  result.summary.clear();
  for (std::size_t a = 0; a < count; ++a) {
    const std::vector<const CompareRun*> runs = runs_of(result, a, chosen[a]);
    ActivationSummary s;
    s.activation = a;
    s.lr = result.lr_grid[chosen[a]];
    s.init = runs.front()->init.describe();
    std::vector<double> finals, bests, metrics, seconds;
    std::vector<std::optional<double>> to_target, dead, saturated, ratios, tests;
    for (const CompareRun* run : runs) {
      const TrainResult& r = run->result;
      if (r.reason == StopReason::kDiverged) ++s.diverged;
      const RunFigures figures = run_figures(*run, result.loss_target);
      finals.push_back(figures.final_val_loss);
      bests.push_back(figures.best_val_loss);
      metrics.push_back(figures.metric);
      to_target.push_back(figures.epochs_to_target);
      dead.push_back(figures.dead_fraction);
      saturated.push_back(figures.saturated_fraction);
      ratios.push_back(figures.grad_ratio);
      tests.push_back(figures.test_metric);
      // One figure per run (its mean epoch), so that ± is the spread over seeds, as elsewhere.
      if (!r.history.empty()) {
        double sum = 0;
        for (const EpochMetrics& m : r.history) sum += m.seconds;
        seconds.push_back(sum / static_cast<double>(r.history.size()));
      }
    }
    s.final_val_loss = make_stat(finals);
    s.best_val_loss = make_stat(bests);
    s.metric = make_stat(metrics);
    s.test_metric = optional_stat(tests);
    s.epochs_to_target = optional_stat(to_target);
    s.dead_fraction = optional_stat(dead);
    s.saturated_fraction = optional_stat(saturated);
    s.grad_ratio = optional_stat(ratios);
    s.seconds_per_epoch = make_stat(seconds);
    if (result.baseline < count && a != result.baseline) {
      const std::vector<const CompareRun*> base = runs_of(result, result.baseline, chosen[result.baseline]);
      PairedComparison paired;
      std::vector<double> differences;
      for (std::size_t k = 0; k < runs.size(); ++k) {
        const double difference = final_metric(runs[k]->result) - final_metric(base[k]->result);
        if (!std::isfinite(difference)) continue;
        differences.push_back(difference);
        ++paired.seeds;
        if (difference > 0) ++paired.wins;
      }
      paired.difference = make_stat(differences);
      paired.interval95 = interval95(paired.difference);
      s.vs_baseline = paired;
    }
    result.summary.push_back(s);
  }
  // Best metric first; ties broken by final validation loss, then by the order given.
  std::stable_sort(result.summary.begin(), result.summary.end(),
                   [](const ActivationSummary& x, const ActivationSummary& y) {
                     const double mx = x.metric.count ? x.metric.mean : -kInf;
                     const double my = y.metric.count ? y.metric.mean : -kInf;
                     if (mx != my) return mx > my;
                     return x.final_val_loss.mean < y.final_val_loss.mean;
                   });
}

}  // namespace mlp
