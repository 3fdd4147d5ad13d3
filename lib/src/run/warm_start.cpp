#include "warm_start.hpp"

#include "mlp/error.hpp"
#include "mlp/text.hpp"

#include <algorithm>
#include <cmath>

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

// The data's columns are encoded with the model's fitted ones (KeptScaling::columns), which read a
// numeric column as numbers and a categorical one as texts: each column must have the model's type.
// A model without fitted columns (format version 1 or 2) reads plain numbers.
void check_column_types(const Settings& settings, const DataSchema& model, const DataSchema& data) {
  for (std::size_t i = 0; i < data.columns.size(); ++i) {
    const ColumnType type = model.columns.empty() ? ColumnType::kNumeric : model.columns[i].type;
    if (data.columns[i].type == type) continue;
    throw init_error(settings, "was trained with " + data.columns[i].name + " as a " + column_type_name(type) +
                                   " column" + (model.columns.empty() ? " (a model file of version 1 or 2)" : "") +
                                   "; " + settings.data.train.string() + " reads it as " +
                                   column_type_name(data.columns[i].type) + " (see data.categorical, data.numeric)");
  }
}

// A model without fitted columns (format version 1 or 2) was trained on plain numbers: it has no
// fill for an empty cell, and columns fitted on data with empty cells would add a missing-value
// indicator input that its weights do not have. The data it goes on training with has none.
void check_no_empty_cells(const Settings& settings, const TrainingFiles& files) {
  const auto check = [&](const Dataset& data, const std::filesystem::path& file) {
    for (Index j = 0; j < data.size(); ++j) {
      for (Index i = 0; i < data.features.rows(); ++i) {
        if (!std::isnan(data.features(i, j))) continue;
        throw init_error(settings, "a model file of version 1 or 2 has no value for an empty cell; " + file.string() +
                                       ":" + std::to_string(data.lines[static_cast<std::size_t>(j)]) + ": column " +
                                       quote_text(files.schema.feature_names[static_cast<std::size_t>(i)]) +
                                       " is empty (see data.missing)");
      }
    }
  };
  check(files.train, settings.data.train);
  if (files.val) check(*files.val, *settings.data.val);
  if (files.test) check(*files.test, *settings.data.test);
}

}  // namespace

Model load_init_model(const Settings& settings, std::uint64_t memory_limit) {
  return load_model(*settings.train.init_from, memory_limit);
}

void check_init_data(const Settings& settings, const DataSchema& model, const TrainingFiles& files) {
  const DataSchema& data = files.schema;
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
  check_column_types(settings, model, data);
  if (model.columns.empty()) check_no_empty_cells(settings, files);
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
