#include "mlp/experiment.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"

namespace mlp {
namespace {

double dataset_bytes(const Dataset& data) {
  return static_cast<double>(data.features.size() + data.targets.size()) * sizeof(Scalar) +
         static_cast<double>(data.lines.size() * sizeof(data.lines[0]));
}

double data_bytes(const TrainingData& data) {
  return dataset_bytes(data.train) + (data.val ? dataset_bytes(*data.val) : 0) +
         (data.test ? dataset_bytes(*data.test) : 0);
}

}  // namespace

Loss default_loss(Task task) { return Loss::with_defaults(task == Task::kClassification ? "cross_entropy" : "mse"); }

namespace {

bool suits(const LossSpec& spec, Task task) {
  return (spec.target == TargetKind::kClassIndex) == (task == Task::kClassification);
}

// The losses of the table that suit `task`, its default first: "mse, l1 or huber".
std::string losses_for(Task task) {
  const LossSpec* first = default_loss(task).spec;
  std::vector<std::string_view> names = {first->name};
  for (const LossSpec& spec : losses()) {
    if (suits(spec, task) && &spec != first) names.push_back(spec.name);
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
  }
  return text;
}

}  // namespace

std::vector<EmbeddingPart> embedding_parts(const std::vector<FeatureColumn>& columns) {
  std::vector<EmbeddingPart> parts;
  for (const FeatureColumn& column : columns) {
    const bool embedded = column.type == ColumnType::kCategorical;
    parts.push_back({column.width(), embedded ? embedding_dim(column.width()) : 0});
  }
  return parts;
}

std::vector<LayerSpec> network_layers(const ModelSettings& model, const std::vector<FeatureColumn>& columns) {
  if (!model.embed_categorical) return model.hidden;
  std::vector<LayerSpec> layers = {LayerSpec::embedding(embedding_parts(columns))};
  layers.insert(layers.end(), model.hidden.begin(), model.hidden.end());
  return layers;
}

Index output_size_for(const Loss& loss, Task task, Index classes, Index targets) {
  const bool class_loss = loss.spec->target == TargetKind::kClassIndex;
  if (!suits(*loss.spec, task)) {
    throw InputError("train.loss: " + std::string(loss.spec->name) + " does not suit a " + task_name(task) +
                     " task; use " + losses_for(task));
  }
  if (!class_loss) return targets;
  if (loss.spec->transform == OutputTransform::kSigmoid) {
    if (classes != 2) {
      throw InputError("train.loss: " + std::string(loss.spec->name) + " needs exactly 2 classes, the data has " +
                       std::to_string(classes) + "; use cross_entropy");
    }
    return 1;
  }
  return classes;
}

Experiment make_experiment(const Settings& settings, TrainingData data) {
  Experiment experiment;
  experiment.data = std::move(data);
  const Task task = experiment.task();
  if (settings.data.standardize_target.value_or(false) && task == Task::kClassification) {
    // The task was detected (an explicit one is checked with the config).
    throw InputError(settings.config_path.string() +
                     ": data.standardize_target: applies to regression targets; the data is a classification task");
  }
  experiment.loss = settings.train.loss ? *settings.train.loss : default_loss(task);
  try {
    experiment.outputs = output_size_for(experiment.loss, task, experiment.classes(),
                                         static_cast<Index>(experiment.data.schema.target_names.size()));
  } catch (const InputError& e) {
    // The mismatch is in the config (train.loss against the data's task): name the file.
    throw InputError(settings.config_path.string() + ": " + e.what());
  }
  const auto& columns = experiment.data.schema.columns;
  if (settings.model.embed_categorical && std::none_of(columns.begin(), columns.end(), [](const FeatureColumn& c) {
        return c.type == ColumnType::kCategorical;
      })) {
    throw InputError(settings.config_path.string() +
                     ": model.categorical: \"embedding\" needs a categorical feature column; the data has none "
                     "(list a column in data.categorical, or leave model.categorical at \"one_hot\")");
  }
  return experiment;
}

Experiment load_experiment(const Settings& settings) {
  return make_experiment(settings, load_training_data(settings.data, settings.train.seed));
}

Network build_network(const ModelSettings& model, const Initializer& init, const Experiment& experiment,
                      std::uint64_t seed) {
  return Network::build(experiment.data.schema.input_width(), network_layers(model, experiment.data.schema.columns),
                        experiment.outputs, init, seed);
}

void check_training_memory(const Settings& settings, std::span<const Experiment> experiments, std::uint64_t limit,
                           int networks) {
  const Experiment& first = experiments.front();
  const NetworkShape shape = network_shape(first.data.schema.input_width(),
                                           network_layers(settings.model, first.data.schema.columns), first.outputs);
  MemoryNeed need = training_memory(shape, optimizer_state_slots(settings.train.optimizer), settings.train.batch_size);
  need.networks = networks;
  for (const Experiment& experiment : experiments) need.data_bytes += data_bytes(experiment.data);
  check_memory(need, limit, settings.config_path.string());
}

}  // namespace mlp
