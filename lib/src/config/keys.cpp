// The table of mlptrain's config keys: each key's path, type, default, valid values, what it
// means, and where its value goes in Settings. Parsing, validation, --set, the defaulted-value
// record and docs/config.md all come from this table and the family tables it names.
#include "keys.hpp"

#include "mlp/config.hpp"

namespace mlp {
namespace {

using nlohmann::json;
using schema::Key;
using schema::PathError;
using schema::Type;

constexpr double kMaxEpochs = 1e6;

std::optional<std::filesystem::path> optional_path(const json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<std::string>();
}

template <class Spec>
ParamValues values_of(const Spec* spec, const json& resolved) {
  return schema::param_values(spec->param_specs(), resolved);
}

const Key kKeys[] = {
    // data
    {.path = "data.train",
     .type = Type::kPath,
     .default_json = "",
     .description = "the training CSV file (with a header row)",
     .store = [](const json& v, Settings& s) { s.data.train = v.get<std::string>(); }},
    {.path = "data.target",
     .type = Type::kStringList,
     .default_json = "null",
     .description = "the target column, or a list of columns (several regression targets); null: the last column",
     .nullable = true,
     .store =
         [](const json& v, Settings& s) {
           if (!v.is_null()) s.data.targets = v.get<std::vector<std::string>>();
         }},
    {.path = "data.task",
     .type = Type::kChoice,
     .default_json = "\"auto\"",
     .description = "auto: decided from the target column's values (the run's notes say how)",
     .choices = {"auto", "classification", "regression"},
     .store =
         [](const json& v, Settings& s) {
           if (v == "classification") s.data.task = Task::kClassification;
           if (v == "regression") s.data.task = Task::kRegression;
         }},
    {.path = "data.features",
     .type = Type::kStringList,
     .default_json = "[]",
     .description = "the feature columns; empty: every column that is neither a target nor excluded",
     .store = [](const json& v, Settings& s) { s.data.features = v.get<std::vector<std::string>>(); }},
    {.path = "data.exclude",
     .type = Type::kStringList,
     .default_json = "[]",
     .description = "columns to leave out (ids, leaks); cannot be combined with data.features",
     .store = [](const json& v, Settings& s) { s.data.exclude = v.get<std::vector<std::string>>(); }},
    {.path = "data.val_fraction",
     .type = Type::kNumber,
     .default_json = "0.2",
     .description = "share of data.train held out for validation (stratified for classification); 0 when data.val "
                    "is given (any other value with data.val is an error)",
     .range = Range::closed_open(0, 1),
     .derive =
         [](const Key& key, const schema::Context& c) {
           return schema::is_given(c, "data.val") ? json(0.0) : json::parse(key.default_json);
         },
     .store = [](const json& v, Settings& s) { s.data.val_fraction = v.get<double>(); }},
    {.path = "data.val",
     .type = Type::kPath,
     .default_json = "null",
     .description = "a separate validation CSV file (instead of a split of data.train)",
     .nullable = true,
     .store = [](const json& v, Settings& s) { s.data.val = optional_path(v); }},
    {.path = "data.test",
     .type = Type::kPath,
     .default_json = "null",
     .description = "a test CSV file, evaluated once after training (by compare, after each run)",
     .nullable = true,
     .store = [](const json& v, Settings& s) { s.data.test = optional_path(v); }},
    {.path = "data.standardize",
     .type = Type::kBoolean,
     .default_json = "true",
     .description = "standardise features with the training split's mean and standard deviation",
     .store = [](const json& v, Settings& s) { s.data.standardize = v.get<bool>(); }},
    {.path = "data.standardize_target",
     .type = Type::kBoolean,
     .default_json = "null",
     .description =
         "regression: standardise the targets with the training split's mean and standard deviation, as "
         "scikit-learn's TransformedTargetRegressor with a StandardScaler: the network learns targets of "
         "about unit scale (every loss and metric is still reported in the data's units, and the run says so), the "
         "model file keeps the scaling, and predict and evaluate give values in the data's units. null: "
         "true for regression, false for classification (true there is an error)",
     .nullable = true,
     .store =
         [](const json& v, Settings& s) {
           if (!v.is_null()) s.data.standardize_target = v.get<bool>();
         }},
    {.path = "data.stratify",
     .type = Type::kBoolean,
     .default_json = "true",
     .description = "keep each class's share in the validation split (classification)",
     .store = [](const json& v, Settings& s) { s.data.stratify = v.get<bool>(); }},
    {.path = "data.delimiter",
     .type = Type::kCharacter,
     .default_json = "\",\"",
     .description = "the CSV field separator, e.g. \";\" or \"\\t\"",
     .store = [](const json& v, Settings& s) { s.data.csv.delimiter = v.get<std::string>()[0]; }},
    {.path = "data.missing",
     .type = Type::kChoice,
     .default_json = "\"impute\"",
     .description = "an empty (or blank) value: fill it in (impute: a numeric column's value from data.impute, plus "
                    "a 0/1 input that marks it where the training split had gaps; a categorical column's own "
                    "\"missing\" input; a row without a target is skipped and counted), stop with its line and "
                    "column (error), or skip its whole row, whatever its other fields hold, and count it (drop)",
     .choices = {"impute", "error", "drop"},
     .store =
         [](const json& v, Settings& s) {
           s.data.csv.missing = v == "drop"    ? MissingPolicy::kDrop
                                : v == "error" ? MissingPolicy::kError
                                               : MissingPolicy::kImpute;
         }},
    {.path = "data.impute",
     .type = Type::kChoice,
     .default_json = "\"median\"",
     .description = "data.missing \"impute\": what an empty cell of a numeric column gets, fitted on the training "
                    "split: its median, its mean, or data.impute_value (constant)",
     .choices = {"median", "mean", "constant"},
     .store =
         [](const json& v, Settings& s) {
           s.data.impute = v == "mean"       ? ImputeStrategy::kMean
                           : v == "constant" ? ImputeStrategy::kConstant
                                             : ImputeStrategy::kMedian;
         }},
    {.path = "data.impute_value",
     .type = Type::kNumber,
     .default_json = "0",
     .description = "data.impute \"constant\": the value of every empty numeric cell",
     .range = Range::closed(-3.4e38, 3.4e38),
     .store = [](const json& v, Settings& s) { s.data.impute_value = v.get<double>(); }},
    {.path = "data.na_values",
     .type = Type::kStringList,
     .default_json = R"(["NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "?"])",
     .description = "texts that mean a missing value, as an empty cell does (pandas' read_csv reads most of these so; "
                    "\"?\" is the UCI tables' marker), compared without the blanks around them; a number such as "
                    "\"-999\" may be one. They follow data.missing, never make a column categorical, and are kept "
                    "in the model so that predict and evaluate read them the same way. [] reads only empty cells "
                    "as missing",
     .store = [](const json& v, Settings& s) { s.data.na_values = v.get<std::vector<std::string>>(); }},
    {.path = "data.categorical",
     .type = Type::kStringList,
     .default_json = "[]",
     .description = "feature columns read as categories whatever they hold (a numeric code such as a zip code): one "
                    "0/1 input per level. A column not listed here or in data.numeric is numeric when its first "
                    "non-empty value is a number, categorical when it is not",
     .store = [](const json& v, Settings& s) { s.data.categorical = v.get<std::vector<std::string>>(); }},
    {.path = "data.numeric",
     .type = Type::kStringList,
     .default_json = "[]",
     .description = "feature columns read as numbers (a value that is not one is an error naming its cell)",
     .store = [](const json& v, Settings& s) { s.data.numeric = v.get<std::vector<std::string>>(); }},
    {.path = "data.min_frequency",
     .type = Type::kInteger,
     .default_json = "1",
     .description = "a categorical level seen fewer times than this in the training split has no input of its own: "
                    "such levels share one \"other\" input (as do levels first seen after training, when there is "
                    "one)",
     .range = Range::closed(1, 1 << 30),
     .store = [](const json& v, Settings& s) { s.data.min_frequency = v.get<int>(); }},
    // model
    {.path = "model.hidden",
     .type = Type::kIntegerList,
     .default_json = "[64, 64]",
     .description = "units of each hidden layer, each followed by model.activation (compact form; [] is a linear "
                    "model). Two layers of 64 by default: deep enough for activations to matter, small enough to "
                    "train in seconds on a CPU",
     .range = Range::closed(1, kMaxUnits),
     .nullable = true,
     .derive =
         [](const Key& key, const schema::Context& c) {
           return schema::is_given(c, "model.layers") ? json() : json::parse(key.default_json);
         }},
    {.path = "model.activation",
     .type = Type::kFamily,
     .default_json = "\"relu\"",
     .description =
         "the hidden activation (and that of model.layers entries {\"type\": \"activation\"} that name none)",
     .family = &activation_family()},
    {.path = "model.dropout",
     .type = Type::kNumber,
     .default_json = "0",
     .description = "compact form: dropout probability after each hidden activation; 0: no dropout layers",
     .range = Range::closed_open(0, 1)},
    {.path = "model.layers",
     .type = Type::kCustom,
     .default_json = "null",
     .description = "explicit hidden layers instead of model.hidden (see Layers below); the output layer is added "
                    "from the data. Resolved, it always holds the expanded list",
     .nullable = true,
     .custom = resolve_layers,
     .custom_type = "list of layers",
     .store =
         [](const json& v, Settings& s) {
           // s.defaulted is filled before the stores run; it tells which activations follow model.activation.
           for (std::size_t i = 0; i < v.size(); ++i) {
             const std::string& type = v[i].at("type").get_ref<const std::string&>();
             if (type == "linear") s.model.hidden.push_back(LayerSpec::linear(v[i].at("units").get<Index>()));
             if (type == "activation") {
               s.model.hidden.push_back(LayerSpec::activation_of(activation_from(v[i].at("activation")),
                                                                 follows_model_activation(s.defaulted, i)));
             }
             if (type == "dropout") s.model.hidden.push_back(LayerSpec::dropout(v[i].at("p").get<double>()));
           }
         }},
    {.path = "model.categorical",
     .type = Type::kChoice,
     .default_json = "\"one_hot\"",
     .description = "how categorical columns reach the first hidden layer: their one-hot inputs as they are "
                    "(one_hot), or through a learned embedding per column (embedding: fastai's size, min(600, "
                    "round(1.6 n^0.56)) values for a column of n inputs, drawn from N(0, 1) as torch.nn.Embedding; "
                    "numeric columns pass unchanged). embedding needs a categorical column",
     .choices = {"one_hot", "embedding"},
     .store = [](const json& v, Settings& s) { s.model.embed_categorical = v == "embedding"; }},
    {.path = "model.init",
     .type = Type::kFamily,
     .default_json = "\"default\"",
     .description = "weight initialisation; default is torch.nn.Linear's own",
     .family = &initializer_family(),
     .store =
         [](const json& v, Settings& s) {
           s.model.init.spec = initializers().find(v["name"].get<std::string>());
           s.model.init.params = values_of(s.model.init.spec, v);
         }},
    {.path = "model.bias_init",
     .type = Type::kChoice,
     .default_json = "\"default\"",
     .description = "default: torch.nn.Linear's U(-1/sqrt(fan_in), 1/sqrt(fan_in)); zeros: all zero",
     .choices = {"default", "zeros"},
     .store = [](const json& v,
                 Settings& s) { s.model.init.bias = v == "zeros" ? BiasInit::kZeros : BiasInit::kDefault; }},
    // train
    {.path = "train.epochs",
     .type = Type::kInteger,
     .default_json = "100",
     .description = "passes over the training data",
     .range = Range::closed(1, kMaxEpochs),
     .store = [](const json& v, Settings& s) { s.train.epochs = v.get<int>(); }},
    {.path = "train.batch_size",
     .type = Type::kInteger,
     .default_json = "32",
     .description = "samples per gradient step (the last batch of an epoch may be smaller)",
     .range = Range::closed(1, 1 << 24),
     .store = [](const json& v, Settings& s) { s.train.batch_size = v.get<Index>(); }},
    {.path = "train.shuffle",
     .type = Type::kBoolean,
     .default_json = "true",
     .description = "reshuffle the training samples every epoch",
     .store = [](const json& v, Settings& s) { s.train.shuffle = v.get<bool>(); }},
    {.path = "train.seed",
     .type = Type::kInteger,
     .default_json = "42",
     .description = "seeds every random choice: split, initial weights, shuffling, dropout",
     .range = Range::closed(0, kMaxSeed),
     .store = [](const json& v, Settings& s) { s.train.seed = v.get<std::uint64_t>(); }},
    {.path = "train.loss",
     .type = Type::kFamily,
     .default_json = "\"auto\"",
     .description = "auto: cross_entropy for classification, mse for regression",
     .choices = {"auto"},
     .family = &loss_family(),
     .store =
         [](const json& v, Settings& s) {
           if (v.is_string()) return;  // "auto": chosen from the task once the data is read
           const LossSpec* spec = losses().find(v["name"].get<std::string>());
           s.train.loss = Loss::of(*spec, values_of(spec, v));
         }},
    {.path = "train.optimizer",
     .type = Type::kFamily,
     .default_json = "\"adam\"",
     .description = "the optimizer and its parameters (PyTorch's defaults)",
     .family = &optimizer_family(),
     .store =
         [](const json& v, Settings& s) {
           s.train.optimizer.spec = optimizers().find(v["name"].get<std::string>());
           s.train.optimizer.params = values_of(s.train.optimizer.spec, v);
         }},
    {.path = "train.schedule",
     .type = Type::kFamily,
     .default_json = "\"constant\"",
     .description = "how the learning rate changes from epoch to epoch, after an optional linear warm-up",
     .family = &schedule_family(),
     .store =
         [](const json& v, Settings& s) {
           s.train.schedule.spec = schedules().find(v["name"].get<std::string>());
           s.train.schedule.params = values_of(s.train.schedule.spec, v);
           s.train.schedule.warmup_epochs = v["warmup_epochs"].get<int>();
         }},
    {.path = "train.clip_grad_norm",
     .type = Type::kNumber,
     .default_json = "0",
     .description = "rescale gradients whose global L2 norm exceeds this (torch.nn.utils.clip_grad_norm_); 0: off",
     .range = Range::at_least(0),
     .store = [](const json& v, Settings& s) { s.train.clip_grad_norm = v.get<double>(); }},
    {.path = "train.early_stopping.patience",
     .type = Type::kInteger,
     .default_json = "0",
     .description = "stop after this many epochs without a better validation loss; 0: never stop early",
     .range = Range::closed(0, kMaxEpochs),
     .store = [](const json& v, Settings& s) { s.train.early_stopping.patience = v.get<int>(); }},
    {.path = "train.early_stopping.min_delta",
     .type = Type::kNumber,
     .default_json = "0",
     .description = "how much lower the validation loss must be to count as better (only with early stopping)",
     .range = Range::at_least(0),
     .store = [](const json& v, Settings& s) { s.train.early_stopping.min_delta = v.get<double>(); }},
    {.path = "train.early_stopping.restore_best",
     .type = Type::kBoolean,
     .default_json = "true",
     .description = "end on the weights of the best epoch (lowest validation loss) however the run ends: stopped "
                    "early, completed, interrupted or diverged, as Keras' restore_best_weights; false: the last "
                    "finished epoch's. Only with early stopping",
     .store = [](const json& v, Settings& s) { s.train.early_stopping.restore_best = v.get<bool>(); }},
    {.path = "train.init_from",
     .type = Type::kPath,
     .default_json = "null",
     .description = "start from this model file's weights instead of model.init (fine-tuning): the model must have "
                    "the config's architecture and the data's columns and classes; its standardisation is kept, "
                    "not refitted. Not with compare",
     .nullable = true,
     .store = [](const json& v, Settings& s) { s.train.init_from = optional_path(v); }},
    {.path = "train.checkpoint_every",
     .type = Type::kInteger,
     .default_json = "0",
     .description = "write a checkpoint every this many epochs, for train --resume; 0: none (compare refuses more)",
     .range = Range::closed(0, kMaxEpochs),
     .store = [](const json& v, Settings& s) { s.train.checkpoint_every = v.get<int>(); }},
    // output
    {.path = "output.dir",
     .type = Type::kString,
     .default_json = "runs/<config file stem>",
     .description = "where the model, metrics and reports go, relative to the current directory",
     .derive = [](const Key&, const schema::Context& c) { return json("runs/" + c.name); },
     .store = [](const json& v, Settings& s) { s.output.dir = v.get<std::string>(); }},
    // compare
    {.path = "compare.activations",
     .type = Type::kFamilyList,
     .default_json = R"(["identity", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "silu"])",
     .description = "the activations `compare` trains, each as a name, \"name(param=value, ...)\" or an object",
     .family = &activation_family(),
     .store =
         [](const json& v, Settings& s) {
           for (const json& a : v) s.compare.activations.push_back(activation_from(a));
         }},
    {.path = "compare.seeds",
     .type = Type::kCustom,
     .default_json = "[train.seed]",
     .description = "the seeds each activation is trained with: a list, or a count N meaning train.seed .. "
                    "train.seed + N - 1",
     .derive = [](const Key&, const schema::Context& c) { return json::array({c.resolved["train"]["seed"]}); },
     .custom = resolve_seeds,
     .custom_type = "integer or list of integers",
     .store = [](const json& v, Settings& s) { s.compare.seeds = v.get<std::vector<std::uint64_t>>(); }},
    {.path = "compare.lr_grid",
     .type = Type::kNumberList,
     .default_json = "[]",
     .description = "learning rates to try for each activation (the best is reported); empty: the optimizer's lr",
     .range = Range::greater_than(0),
     .store = [](const json& v, Settings& s) { s.compare.lr_grid = v.get<std::vector<double>>(); }},
    {.path = "compare.baseline",
     .type = Type::kCustom,
     .default_json = "\"relu\"",
     .description = "the entry of compare.activations the others are paired against: a name, when one entry has "
                    "it, or the entry's whole spec, written like the entries; the default relu pairs nothing when "
                    "the list has no relu",
     .family = &activation_family(),
     .custom = resolve_baseline,
     .custom_type = "activation (name or object)",
     // After compare.activations, whose store has filled the list this one points into.
     .store =
         [](const json& v, Settings& s) {
           const std::vector<std::size_t> matches = baseline_matches(v, s.compare.activations);
           if (!matches.empty()) s.compare.baseline = matches.front();
         }},
    {.path = "compare.init",
     .type = Type::kChoice,
     .default_json = "\"same\"",
     .description = "same: model.init for every activation; auto: each activation's usual scheme (kaiming for the "
                    "ReLU family, xavier for tanh and sigmoid, lecun for selu)",
     .choices = {"same", "auto"},
     .store = [](const json& v,
                 Settings& s) { s.compare.init = v == "auto" ? CompareInit::kAuto : CompareInit::kSame; }},
};

}  // namespace

std::span<const schema::Key> config_keys() { return kKeys; }

}  // namespace mlp
