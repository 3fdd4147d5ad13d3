// An epoch's diagnostics as JSON and back (epoch_record.hpp): one writer for compare.json and a
// sweep task's record, one reader for the record.
#include "epoch_record.hpp"

#include "io/json_optional.hpp"

namespace mlp {

nlohmann::json diagnostics_json(const EpochDiagnostics& d) {
  nlohmann::json layers = nlohmann::json::array();
  for (const ActivityStats& a : d.activity) {
    layers.push_back({{"layer", a.layer},
                      {"dead_fraction", optional_json(a.dead_fraction)},
                      {"saturated_fraction", optional_json(a.saturated_fraction)},
                      {"mean_activation", a.mean_activation}});
  }
  nlohmann::json learned = nlohmann::json::array();
  for (const LearnedStats& l : d.learned) {
    learned.push_back({{"layer", l.layer}, {"name", l.name}, {"mean", l.mean}, {"min", l.min}, {"max", l.max}});
  }
  return {{"activation_layers", layers},
          {"weight_grad_norm", d.weight_grad_norm},
          {"grad_ratio", optional_json(d.grad_ratio())},
          {"learned", learned}};
}

EpochDiagnostics read_diagnostics(const JsonNode& node) {
  EpochDiagnostics d;
  const JsonNode layers = node["activation_layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    ActivityStats a;
    a.layer = static_cast<std::size_t>(layers[i]["layer"].count(0));
    a.dead_fraction = layers[i]["dead_fraction"].optional_number();
    a.saturated_fraction = layers[i]["saturated_fraction"].optional_number();
    a.mean_activation = layers[i]["mean_activation"].number();
    d.activity.push_back(a);
  }
  const JsonNode norms = node["weight_grad_norm"];
  for (std::size_t i = 0; i < norms.size(); ++i) d.weight_grad_norm.push_back(norms[i].number());
  const JsonNode learned = node["learned"];
  for (std::size_t i = 0; i < learned.size(); ++i) {
    d.learned.push_back({static_cast<std::size_t>(learned[i]["layer"].count(0)), learned[i]["name"].string(),
                         learned[i]["mean"].number(), learned[i]["min"].number(), learned[i]["max"].number()});
  }
  return d;
}

}  // namespace mlp
