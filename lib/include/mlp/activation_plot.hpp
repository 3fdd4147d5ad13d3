// `mlptrain activations --plot`: f(x) and f'(x) of a list of activations on [-5, 5], computed by
// the activation layer training uses, as a standalone picture.
#pragma once

#include "mlp/activation.hpp"

#include <span>
#include <string>

namespace mlp {

// A standalone SVG document (with its XML declaration) holding the two charts side by side:
// f(x) on the left, f'(x) on the right, one line per activation in its report colour. A learnable
// activation is drawn at its initial value. Deterministic: the same list gives the same bytes.
std::string activation_plot_svg(std::span<const Activation> activations);

// A self-contained HTML page (inline CSS and SVG, no script, no network) with the same two
// charts and each activation's formula; well-formed XML like report.html.
std::string activation_plot_html(std::span<const Activation> activations);

}  // namespace mlp
