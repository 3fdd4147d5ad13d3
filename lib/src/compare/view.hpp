// Reading compare.json (the output of compare_json) for the HTML report and the CSV files:
// tolerant accessors, so that a missing, null or mistyped field reads as absent; which runs each
// activation's curves are drawn from; and per-epoch curves averaged over seeds.
#pragma once

#include "report/svg_chart.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlp::compare_view {

using Json = nlohmann::json;

// j[key] when j is an object that holds key, else null.
const Json& member(const Json& j, std::string_view key);
// j[key] when it is an array, else an empty array.
const Json& array(const Json& j, std::string_view key);
// A finite number, or nothing (missing, null, not a number, NaN, infinite).
std::optional<double> number(const Json& j);
std::optional<double> number(const Json& j, std::string_view key);
// A string, or "" when it is not one.
std::string text(const Json& j, std::string_view key);
// A number as the CSV files of a comparison write it: an integer in full (a 64-bit seed), any
// other finite number to the last digit (format_number); "" when number() has none (null,
// missing, NaN, infinite), as compare.json writes NaN and infinity as null.
std::string csv_number(const Json& j);

// The runs one activation's curves are drawn from.
struct ActivationRuns {
  std::string activation;                   // its description, as compare.json spells it
  std::size_t index = 0;                    // position in the comparison, which picks its colour
  std::optional<double> lr;                 // the rate the summary reports (all runs when there is none)
  std::vector<const Json*> runs;            // at that rate; diverged runs left out unless every one diverged
  int seeds = 0;                            // runs at that rate, diverged or not
  std::map<std::string, int> stop_reasons;  // of those runs, by stop_reason
};

// Every activation of the comparison, in the order of "activations" (then any other that the
// summary or the runs name). The pointers point into `compare`.
std::vector<ActivationRuns> activation_runs(const Json& compare);

// What one run shows at one epoch: a value and, for a spread within the run, its edges.
struct Sample {
  std::optional<double> value, low, high;
};
using Extract = std::function<Sample(const Json& epoch)>;

enum class Spread {
  kStd,    // band: mean ± sample standard deviation over the runs (when two or more have a value)
  kRange,  // band: lowest `low` to highest `high` of the runs
  kNone,   // no band
};

// Per epoch (x = 1, 2, ...; as long as the longest run), the mean over runs of the extracted
// values; an epoch no run has a value for is a point without y, which breaks the line.
std::vector<svg::Point> average_curve(const std::vector<const Json*>& runs, const Extract& extract, Spread spread);

// One run's curve: its value at each epoch it ran (x = 1, 2, ...).
std::vector<svg::Point> run_curve(const Json& run, const Extract& extract);

// The median of `values` (the mean of the middle two for an even count); not empty.
double median(std::vector<double> values);

// Per epoch, the median over runs of the extracted values, while every run is still running: the
// curve ends where the first run ended (stopped early), so that it never changes the set of runs
// it summarises without a word. An epoch where some run has no value breaks the line.
std::vector<svg::Point> median_curve(const std::vector<const Json*>& runs, const Extract& extract);

// Mean over the epoch's "activation_layers" of a per-layer field, over the layers that have it.
Sample layer_mean(const Json& epoch, std::string_view field);

}  // namespace mlp::compare_view
