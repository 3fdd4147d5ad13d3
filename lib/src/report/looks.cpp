// The activations' looks: a fixed palette and three line styles, assigned by name.
#include "looks.hpp"

#include "mlp/activation.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace mlp::report {
namespace {

// Okabe & Ito's palette without its yellow, which is hard to see on white.
constexpr std::array<const char*, 7> kPalette = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                 "#CC79A7", "#56B4E9", "#000000"};
// With three line styles: 21 looks, one per activation of the table; a fourth (dash-dot) for
// formula activations, in the colour their name hashes to.
constexpr std::array<const char*, 4> kDashes = {"", "6 3", "2 2", "8 3 2 3"};

// An activation's look follows its name, so that sigmoid has the same colour in every report
// whatever else is compared; variants of one name share it. The usual comparison (the default of
// compare.activations) takes the seven solid colours; the other names follow in the activation
// table's order, dashed, then dotted.
constexpr std::array<std::string_view, 7> kSolidLooks = {"identity",   "sigmoid", "tanh", "relu",
                                                         "leaky_relu", "prelu",   "silu"};
std::size_t look_of(const std::string& activation) {
  const std::string name = activation.substr(0, activation.find('('));
  if (const auto solid = std::ranges::find(kSolidLooks, name); solid != kSolidLooks.end()) {
    return static_cast<std::size_t>(solid - kSolidLooks.begin());
  }
  std::size_t look = kSolidLooks.size();
  for (const ActivationSpec& spec : activations()) {
    if (spec.name == name) return look;
    if (std::ranges::find(kSolidLooks, spec.name) == kSolidLooks.end()) ++look;
  }
  // A formula (or an activation of another build, in an old report): the dash-dot looks, the
  // colour from the name (FNV-1a), the same in every report.
  std::uint32_t hash = 2166136261U;
  for (const char c : activation) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619U;
  return kPalette.size() * 3 + hash % kPalette.size();
}

}  // namespace

std::string colour_of(const std::string& activation) { return kPalette[look_of(activation) % kPalette.size()]; }

std::string dash_of(const std::string& activation) {
  return kDashes[look_of(activation) / kPalette.size() % kDashes.size()];
}

}  // namespace mlp::report
