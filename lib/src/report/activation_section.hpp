// "The activation functions" of report.html: f(x) and f'(x) of each compared activation, a
// learnable one at its initial value and at the value its runs learned.
#pragma once

#include "compare/view.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlp::report {

// What one activation's runs learned, per hidden layer in network order: the median over the
// runs of the mean learned value at each run's last epoch (compare.json's runs[].epochs[].learned);
// nothing for a layer no run reports. Empty when the runs learn nothing.
std::vector<std::optional<double>> learned_at_end(const compare_view::ActivationRuns& activation);

// The section, with its two charts (activation_chart.hpp) in a div of class "charts". An
// activation that this build cannot read (another version's comparison) is left out, and the
// section says so. Empty when no activation is left to draw.
std::string activation_functions_section(const std::vector<compare_view::ActivationRuns>& activations);

}  // namespace mlp::report
