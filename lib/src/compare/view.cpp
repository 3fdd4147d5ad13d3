// Reading compare.json for the HTML report: accessors, the runs behind each activation's curves,
// and averaging over seeds.
#include "view.hpp"

#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlp::compare_view {
namespace {

const Json kNull;
const Json kEmptyArray = Json::array();

bool same_rate(const Json& run, const std::optional<double>& lr) { return !lr || number(run, "lr") == lr; }

// The activations in order of first mention: the "activations" list, then summary and runs.
std::vector<std::string> activation_names(const Json& compare) {
  std::vector<std::string> names;
  auto add = [&](const Json& name) {
    if (name.is_string() && std::find(names.begin(), names.end(), name.get<std::string>()) == names.end()) {
      names.push_back(name.get<std::string>());
    }
  };
  for (const Json& name : array(compare, "activations")) add(name);
  for (const Json& s : array(compare, "summary")) add(member(s, "activation"));
  for (const Json& run : array(compare, "runs")) add(member(run, "activation"));
  return names;
}

std::optional<double> reported_lr(const Json& compare, const std::string& activation) {
  for (const Json& s : array(compare, "summary")) {
    if (text(s, "activation") == activation) return number(s, "lr");
  }
  return std::nullopt;
}

// Mean and sample standard deviation (0 for a single value).
std::pair<double, double> mean_std(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  const double mean = sum / static_cast<double>(values.size());
  double squares = 0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  const double std = values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0;
  return {mean, std};
}

svg::Point average_epoch(const std::vector<Sample>& samples, double x, Spread spread) {
  std::vector<double> values, lows, highs;
  for (const Sample& s : samples) {
    if (s.value) values.push_back(*s.value);
    if (s.low) lows.push_back(*s.low);
    if (s.high) highs.push_back(*s.high);
  }
  svg::Point p{x, std::nullopt, std::nullopt, std::nullopt};
  if (values.empty()) return p;
  const auto [mean, std] = mean_std(values);
  p.y = mean;
  if (spread == Spread::kStd && values.size() >= 2) {
    p.low = mean - std;
    p.high = mean + std;
  } else if (spread == Spread::kRange && !lows.empty() && !highs.empty()) {
    p.low = *std::min_element(lows.begin(), lows.end());
    p.high = *std::max_element(highs.begin(), highs.end());
  }
  return p;
}

}  // namespace

const Json& member(const Json& j, std::string_view key) {
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

const Json& array(const Json& j, std::string_view key) {
  const Json& m = member(j, key);
  return m.is_array() ? m : kEmptyArray;
}

std::optional<double> number(const Json& j) {
  if (!j.is_number()) return std::nullopt;
  const double v = j.get<double>();
  return std::isfinite(v) ? std::optional(v) : std::nullopt;
}

std::optional<double> number(const Json& j, std::string_view key) { return number(member(j, key)); }

std::string text(const Json& j, std::string_view key) {
  const Json& m = member(j, key);
  return m.is_string() ? m.get<std::string>() : std::string();
}

std::string csv_number(const Json& j) {
  if (j.is_number_integer()) return j.dump();
  const auto v = number(j);
  return v ? format_number(*v) : "";
}

std::vector<ActivationRuns> activation_runs(const Json& compare) {
  std::vector<ActivationRuns> result;
  for (const std::string& name : activation_names(compare)) {
    ActivationRuns a{name, result.size(), reported_lr(compare, name), {}, 0, {}};
    std::vector<const Json*> diverged;
    for (const Json& run : array(compare, "runs")) {
      if (text(run, "activation") != name || !same_rate(run, a.lr)) continue;
      ++a.seeds;
      const std::string reason = text(run, "stop_reason");
      ++a.stop_reasons[reason.empty() ? "unknown" : reason];
      (reason == "diverged" ? diverged : a.runs).push_back(&run);
    }
    if (a.runs.empty()) a.runs = diverged;
    result.push_back(std::move(a));
  }
  return result;
}

std::vector<svg::Point> average_curve(const std::vector<const Json*>& runs, const Extract& extract, Spread spread) {
  std::size_t epochs = 0;
  for (const Json* run : runs) epochs = std::max(epochs, array(*run, "epochs").size());
  std::vector<svg::Point> curve;
  for (std::size_t k = 0; k < epochs; ++k) {
    std::vector<Sample> samples;
    for (const Json* run : runs) {
      const Json& e = array(*run, "epochs");
      if (k < e.size()) samples.push_back(extract(e[k]));
    }
    curve.push_back(average_epoch(samples, static_cast<double>(k + 1), spread));
  }
  return curve;
}

std::vector<svg::Point> run_curve(const Json& run, const Extract& extract) {
  std::vector<svg::Point> curve;
  const Json& epochs = array(run, "epochs");
  for (std::size_t k = 0; k < epochs.size(); ++k) {
    curve.push_back({static_cast<double>(k + 1), extract(epochs[k]).value, std::nullopt, std::nullopt});
  }
  return curve;
}

double median(std::vector<double> values) {
  std::ranges::sort(values);
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<svg::Point> median_curve(const std::vector<const Json*>& runs, const Extract& extract) {
  std::size_t epochs = runs.empty() ? 0 : std::numeric_limits<std::size_t>::max();
  for (const Json* run : runs) epochs = std::min(epochs, array(*run, "epochs").size());
  std::vector<svg::Point> curve;
  for (std::size_t k = 0; k < epochs; ++k) {
    std::vector<double> values;
    for (const Json* run : runs) {
      if (const auto v = extract(array(*run, "epochs")[k]).value) values.push_back(*v);
    }
    svg::Point point{static_cast<double>(k + 1), std::nullopt, std::nullopt, std::nullopt};
    if (values.size() == runs.size()) point.y = median(std::move(values));
    curve.push_back(point);
  }
  return curve;
}

Sample layer_mean(const Json& epoch, std::string_view field) {
  double sum = 0;
  int layers = 0;
  for (const Json& layer : array(epoch, "activation_layers")) {
    if (const auto v = number(layer, field)) {
      sum += *v;
      ++layers;
    }
  }
  return layers ? Sample{sum / layers, std::nullopt, std::nullopt} : Sample{};
}

}  // namespace mlp::compare_view
