// f(x) and f'(x) of activation functions, the pictures the textbook shows, computed by the code
// training runs: for report.html's "The activation functions" and `mlptrain activations --plot`.
#pragma once

#include "svg_chart.hpp"

#include "mlp/activation.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlp::report {

// The interval drawn, sampled at kActivationPoints evenly spaced points with both ends and 0
// among them (every 0.05).
inline constexpr double kActivationXMin = -5;
inline constexpr double kActivationXMax = 5;
inline constexpr int kActivationPoints = 201;

// f and f' at the sample points, in increasing x.
struct ActivationSamples {
  std::vector<double> x, f, df;
};

// f and f' of `activation` as training computes them: an ActivationLayer's forward pass over one
// unit and a batch of kActivationPoints columns holding the x values, then its backward pass with
// an upstream gradient of 1, which leaves f'(x) (the derivative torch's autograd gives at a kink).
// A learnable activation's learned values are all `learned`, or the initial parameter's value
// (as a new layer has them) without one.
ActivationSamples sample_activation(const Activation& activation, std::optional<double> learned = std::nullopt);

// One activation's line, drawn in both charts.
struct ActivationLine {
  Activation activation;
  std::optional<double> learned = {};    // see sample_activation
  std::string label = {};                // legend and tooltip text
  std::string key = {};                  // data-activation of its series: the activation it draws
  std::optional<std::string> dash = {};  // SVG stroke-dasharray; nothing: the key's own look
  double opacity = 1;
};

// The line of `activation` as itself: labelled and keyed by its description, in its own look.
ActivationLine activation_line(const Activation& activation);

// Two <svg class="chart"> elements `width` wide: "activation_f" draws f(x), "activation_df"
// f'(x), one series per line in the colour of its key's name (looks.hpp). x runs over [-5, 5];
// each y axis is ranged from its lines and 0 (where the textbook's axes cross), a little beyond,
// so that no line lies on the frame.
struct ActivationCharts {
  std::string f, df;
};
ActivationCharts activation_charts(const std::vector<ActivationLine>& lines, int width = 520);

}  // namespace mlp::report
