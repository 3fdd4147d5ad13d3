// How an activation looks in every chart of the reports: a colour and a line style that follow
// its name, so that sigmoid is drawn alike in every report and plot, whatever else is drawn.
#pragma once

#include <string>

namespace mlp::report {

// The CSS colour of `activation` ("leaky_relu(negative_slope=0.2)" or a bare name): one of
// Okabe & Ito's colour-blind-friendly palette, chosen by the name before any '('.
std::string colour_of(const std::string& activation);

// Its SVG stroke-dasharray: "" (solid) for the usual seven activations (compare.activations'
// default), dashed or dotted for the others, so that with the colours every activation of the
// table has a look of its own.
std::string dash_of(const std::string& activation);

}  // namespace mlp::report
