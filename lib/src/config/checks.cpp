// The checks that involve several keys, run once every key is resolved. A conflict is an error,
// never a silent choice of one side.
#include "keys.hpp"

#include "mlp/loss.hpp"

#include <algorithm>

namespace mlp {
namespace {

using nlohmann::json;
using schema::PathError;

void check_validation_source(const schema::Context& context) {
  const json& data = context.resolved["data"];
  // val_fraction 0 agrees with a validation file (no split); anything else contradicts it.
  if (schema::is_given(context, "data.val") && data["val_fraction"].get<double>() != 0) {
    throw PathError("data.val_fraction",
                    "give data.val_fraction (a split of data.train) or data.val (a separate file), not both");
  }
  const json& train = context.resolved["train"];
  if (train["early_stopping"]["patience"].get<int>() > 0 && data["val"].is_null() &&
      data["val_fraction"].get<double>() == 0) {
    throw PathError("train.early_stopping.patience",
                    "needs a validation set to watch: data.val_fraction > 0 or data.val");
  }
}

// Whether the config sets `path` to something other than its default. A key written at its
// default asks for nothing the defaults do not already do: the resolved config of a run
// (summary.json) lists every key, and must read back.
bool sets_other_than_default(const schema::Context& context, std::string_view path) {
  const schema::Key* key = schema::find_key(config_keys(), path);
  const json* value = schema::find_path(context.resolved, path);
  return schema::is_given(context, path) && value != nullptr &&
         (key == nullptr || *value != json::parse(key->default_json));
}

// min_delta and restore_best only mean something to early stopping: set without it, they
// would be accepted and do nothing.
void check_early_stopping_keys(const schema::Context& context) {
  if (context.resolved["train"]["early_stopping"]["patience"].get<int>() > 0) return;
  for (const char* key : {"train.early_stopping.min_delta", "train.early_stopping.restore_best"}) {
    if (sets_other_than_default(context, key)) {
      throw PathError(key, "has no effect without early stopping; set train.early_stopping.patience > 0");
    }
  }
}

// Class labels have no mean to subtract: target standardisation is for regression.
void check_target_scaling(const schema::Context& context) {
  const json& data = context.resolved["data"];
  if (data["standardize_target"] == true && data["task"] == "classification") {
    throw PathError("data.standardize_target", "applies to regression targets; data.task is classification");
  }
}

void check_columns(const schema::Context& context) {
  const json& data = context.resolved["data"];
  if (!data["features"].empty() && !data["exclude"].empty()) {
    throw PathError("data.exclude",
                    "give data.features (the columns to use) or data.exclude (the columns to leave "
                    "out), not both");
  }
}

// The keys of imputation only act when cells are imputed, and impute_value only as the constant.
void check_imputation_keys(const schema::Context& context) {
  const json& data = context.resolved["data"];
  if (data["missing"] != "impute") {
    for (const char* key : {"data.impute", "data.impute_value"}) {
      if (sets_other_than_default(context, key)) {
        throw PathError(key, "has no effect unless data.missing is \"impute\" (it is " + data["missing"].dump() + ")");
      }
    }
  }
  if (data["impute"] != "constant" && sets_other_than_default(context, "data.impute_value")) {
    throw PathError("data.impute_value", "has no effect unless data.impute is \"constant\"");
  }
}

// A loss expects class indices or values; an explicit task fixes which.
void check_loss_fits_task(const schema::Context& context) {
  const json& loss = context.resolved["train"]["loss"];
  const std::string task = context.resolved["data"]["task"].get<std::string>();
  if (loss.is_string() || task == "auto") return;
  const LossSpec* spec = losses().find(loss["name"].get<std::string>());
  const bool wants_classes = spec->target == TargetKind::kClassIndex;
  if (wants_classes != (task == "classification")) {
    throw PathError("train.loss", std::string(spec->name) + " is a " +
                                      (wants_classes ? "classification" : "regression") + " loss, but data.task is " +
                                      task);
  }
}

// compare puts each activation in place of model.activation, so a learnable one with one value
// per unit must fit the width of every layer it lands in.
void check_compare_activations(const schema::Context& context) {
  std::vector<json::number_integer_t> widths;
  json::number_integer_t units = 0;
  const json& layers = context.resolved["model"]["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string& type = layers[i].at("type").get_ref<const std::string&>();
    if (type == "linear") units = layers[i].at("units").get<json::number_integer_t>();
    if (type == "activation" && units > 0 && follows_model_activation(context.defaulted, i)) widths.push_back(units);
  }
  const json& list = context.resolved["compare"]["activations"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].contains("formula")) continue;  // learns 1 value per layer or per unit, whatever the units
    const ActivationSpec* spec = activations().find(list[i]["name"].get<std::string>());
    if (!spec->learnable) continue;
    const std::string count_param(spec->learnable->count_param);
    const auto count = list[i][count_param].get<json::number_integer_t>();
    if (count != 1 && std::ranges::any_of(widths, [&](auto units) { return units != count; })) {
      std::string text;
      for (const auto units : widths) text += (text.empty() ? "" : ", ") + std::to_string(units);
      throw PathError(
          "compare.activations[" + std::to_string(i) + "]." + count_param,
          "must be 1 or the units of every layer with model.activation (" + text + "), got " + std::to_string(count));
    }
  }
}

// Each activation once: a repeat would be trained twice, reported in two rows of one name, and
// make compare.baseline ambiguous.
void check_compare_repeats(const std::vector<Activation>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (list[i].same_as(list[k])) {
        throw PathError("compare.activations[" + std::to_string(i) + "]",
                        "repeats compare.activations[" + std::to_string(k) + "] (" + list[i].describe() + ")");
      }
      if (list[i].describe() == list[k].describe()) {
        throw PathError("compare.activations[" + std::to_string(i) + "]",
                        "has the name of compare.activations[" + std::to_string(k) + "] (" + list[i].describe() +
                            "); give each formula its own \"name\"");
      }
    }
  }
}

// compare.baseline must name one entry of compare.activations; only the default (relu) may be
// missing from the list, and then nothing is paired.
void check_compare_baseline(const schema::Context& context, const std::vector<Activation>& list) {
  const json& baseline = context.resolved["compare"]["baseline"];
  const std::vector<std::size_t> matches = baseline_matches(baseline, list);
  if (matches.size() == 1 || (matches.empty() && !schema::is_given(context, "compare.baseline"))) return;
  // The entries to choose from: those of the name, or the whole list.
  std::string choices;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (matches.empty() || std::ranges::find(matches, i) != matches.end()) {
      choices += (choices.empty() ? "" : ", ") + list[i].describe();
    }
  }
  const std::string shown = baseline.is_string() ? baseline.get<std::string>() : activation_from(baseline).describe();
  if (matches.empty()) {
    throw PathError("compare.baseline", "\"" + shown + "\" is not in compare.activations (" + choices + ")");
  }
  throw PathError("compare.baseline",
                  "\"" + shown + "\" names " + std::to_string(matches.size()) + " entries of compare.activations (" +
                      choices + "); give the full spec of one, e.g. \"" + list[matches.back()].describe() + "\"");
}

}  // namespace

void check_consistency(const schema::Context& context) {
  check_validation_source(context);
  check_early_stopping_keys(context);
  check_target_scaling(context);
  check_columns(context);
  check_imputation_keys(context);
  check_loss_fits_task(context);
  check_compare_activations(context);
  std::vector<Activation> compared;
  for (const json& entry : context.resolved["compare"]["activations"]) compared.push_back(activation_from(entry));
  check_compare_repeats(compared);
  check_compare_baseline(context, compared);
}

}  // namespace mlp
