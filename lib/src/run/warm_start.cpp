#include "warm_start.hpp"

#include "mlp/error.hpp"

#include <algorithm>

namespace mlp {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

InputError init_error(const Settings& settings, const std::string& message) {
  return InputError(settings.config_path.string() + ": train.init_from: " + settings.train.init_from->string() + ": " +
                    message);
}

}  // namespace

Model load_init_model(const Settings& settings, std::uint64_t memory_limit) {
  return load_model(*settings.train.init_from, memory_limit);
}

void check_init_data(const Settings& settings, const DataSchema& model, const DataSchema& data) {
  const std::string file = settings.data.train.string();
  if (model.task != data.task) {
    throw init_error(settings, std::string("a ") + task_name(model.task) + " model, but " + file + " is a " +
                                   task_name(data.task) + " task");
  }
  const auto differ = [&](const char* what, const std::vector<std::string>& mine,
                          const std::vector<std::string>& theirs) {
    if (mine != theirs) {
      throw init_error(settings, std::string("was trained on the ") + what + " " + joined(mine) + "; " + file +
                                     " has " + joined(theirs));
    }
  };
  differ("feature columns", model.feature_names, data.feature_names);
  differ("targets", model.target_names, data.target_names);
  differ("classes", model.classes, data.classes);
}

void copy_init_weights(const Settings& settings, const Network& init, Network& network) {
  // describe() spells every layer with its size and parameters, so equal texts mean equal
  // parameter blocks in the same order.
  if (init.describe() != network.describe()) {
    throw init_error(settings, "holds " + init.describe() + "; the config describes " + network.describe());
  }
  const auto from = init.parameters();
  const auto to = network.parameters();
  for (std::size_t b = 0; b < to.size(); ++b) to[b].value = from[b].value;
}

}  // namespace mlp
