// The guard: every setting a user can give changes something the user can observe. It walks the
// one table of config keys (config/keys.hpp), every parameter of every family (activations,
// losses, optimizers, schedules, initializers) and every option of every command (the CLI11 app
// of app/cli.hpp), and for each runs the real binary twice, without and with a non-default value,
// on a tiny problem. The two runs must differ in what they leave behind: the files written (the
// model's bytes, metrics, summary, comparison, predictions), their places, or the exit code; for
// options about the console, also in what is printed (numbers masked, so timing cannot pass for
// a change). Timing fields, the record of the config and the command line are left out: they would
// differ for a key that does nothing.
//
// A setting without a probe here fails, and so does a probe that changes nothing. The few that
// cannot be seen this way are listed with their reason and the test that checks them instead.
#include "cli.hpp"
#include "cli_runner.hpp"
#include "config/keys.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using namespace mlp::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- The problem every run trains: a few rows, a few epochs -------------------------------

// Row i of a small classification table: features a, b, c, d and a class 0, 1 or 2 that
// depends on a, b and c.
std::string class_row(int i, char delimiter) {
  const double a = std::sin(1.3 * i), b = std::cos(0.7 * i + 1), c = std::sin(0.37 * i * i), d = std::cos(2.9 * i);
  const int label = a + b > 0.5 ? 0 : (a - c > 0 ? 1 : 2);
  char row[96];
  std::snprintf(row, sizeof row, "%.3f%c%.3f%c%.3f%c%.3f%c%d\n", a, delimiter, b, delimiter, c, delimiter, d, delimiter,
                label);
  return row;
}

std::string class_table(int first, int count, char delimiter = ',') {
  std::string text = delimiter == ',' ? "a,b,c,d,cls\n" : "a;b;c;d;cls\n";
  for (int i = first; i < first + count; ++i) text += class_row(i, delimiter);
  return text;
}

// A regression table whose target has a large scale (for data.standardize_target and the losses).
std::string regression_table() {
  std::string text = "a,b,c,y\n";
  for (int i = 0; i < 30; ++i) {
    const double a = std::sin(1.3 * i), b = std::cos(0.7 * i + 1), c = std::sin(0.37 * i * i);
    char row[96];
    std::snprintf(row, sizeof row, "%.3f,%.3f,%.3f,%.1f\n", a, b, c, 1000 * (a + 2 * b - c) + 5000);
    text += row;
  }
  return text;
}

// A table with the kinds of column real ones have: a numeric column with gaps, integer codes, and
// text with a rare level (for the keys of column types, imputation and levels).
std::string mixed_table() {
  std::string text = "a,code,colour,cls\n";
  const char* colours[] = {"red", "green", "blue"};
  for (int i = 0; i < 30; ++i) {
    const double a = std::sin(1.3 * i);
    const int code = 1 + i % 4;
    const std::string colour = i % 6 == 4 ? "violet" : colours[i % 3];  // violet: 5 rows
    const int label = a + 0.3 * code > 0.8 ? 0 : (i % 3 == 0 ? 1 : 2);
    text += (i % 5 == 1 ? std::string() : std::to_string(a)) + "," + std::to_string(code) + "," + colour + "," +
            std::to_string(label) + "\n";
  }
  return text;
}

// Replaces {D} (the data folder) and {W} (the run's own folder) in each argument.
std::vector<std::string> filled(std::vector<std::string> args, const fs::path& data, const fs::path& work) {
  for (std::string& arg : args) {
    for (const auto& [mark, path] : {std::pair{"{D}", data}, std::pair{"{W}", work}}) {
      for (std::size_t at; (at = arg.find(mark)) != std::string::npos;) arg.replace(at, 3, path.string());
    }
  }
  return args;
}

// ---- What a run leaves behind, without what differs from run to run -----------------------

bool is_timing_or_record(const std::string& key) {
  return key.find("second") != std::string::npos || key == "command" || key == "config" || key == "config_file" ||
         key == "defaulted" || key == "notes";
}

void drop_timing_and_records(json& value) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      if (is_timing_or_record(it.key())) {
        it = value.erase(it);
      } else {
        drop_timing_and_records(it.value());
        ++it;
      }
    }
  } else if (value.is_array()) {
    for (json& item : value) drop_timing_and_records(item);
  }
}

// The fields of one CSV line (quotes kept; a quoted field may hold the delimiter).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string csv_without_timing(const std::string& text) {
  const std::vector<std::string> lines = lines_of(text);
  if (lines.empty()) return text;
  std::vector<bool> keep;
  for (const std::string& name : csv_fields(lines[0])) keep.push_back(!is_timing_or_record(name));
  std::string out;
  for (const std::string& line : lines) {
    const std::vector<std::string> fields = csv_fields(line);
    for (std::size_t k = 0; k < fields.size(); ++k) {
      if (k >= keep.size() || keep[k]) out += fields[k] + ",";
    }
    out += "\n";
  }
  return out;
}

// What a command printed, without what may differ between two runs of it: numbers (timing) and
// the '*' that marks the best of each column of compare's table (ms/epoch's too), with the
// spaces that align them.
std::string console_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool digit = c >= '0' && c <= '9';
    if (c == '*' || (c == ' ' && !out.empty() && out.back() == ' ')) continue;
    if (!digit || out.empty() || out.back() != '#') out += digit ? '#' : c;
  }
  return out;
}

// What of the console counts: nothing (config probes: the printed plan restates the config), the
// text with numbers masked (train and compare print timing), or all of it (predict, evaluate and
// activations print results).
enum class Console { kIgnored, kMasked, kExact };

std::string outcome_of(const CliResult& result, const fs::path& work, Console console) {
  std::string text = "exit " + std::to_string(result.exit_code) + "\n";
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(work)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::ranges::sort(files);
  for (const fs::path& file : files) {
    text += "file " + fs::relative(file, work).string() + "\n";
    const std::string content = read_text(file);
    if (file.extension() == ".json") {
      json value = json::parse(content, nullptr, false);
      drop_timing_and_records(value);
      text += value.dump() + "\n";
    } else if (file.extension() == ".csv") {
      text += csv_without_timing(content);
    } else if (file.extension() == ".onnx") {
      text += content + "\n";  // export: the graph's bytes, which depend on nothing but the model
    } else if (file.extension() == ".svg") {
      text += content + "\n";  // activations --plot: drawn from the code alone, no timing
    }                          // report.html draws timing too: its presence is what counts
  }
  if (console == Console::kMasked)
    text += "stdout\n" + console_text(result.out) + "stderr\n" + console_text(result.err);
  if (console == Console::kExact) text += "stdout\n" + result.out + "stderr\n" + result.err;
  return text;
}

// The data folder every run reads, and the runs, each in a fresh folder.
class Lab {
 public:
  Lab() {
    data_ = dir_ / "data";
    fs::create_directories(data_);
    write_text(data_ / "cls.csv", class_table(0, 30));
    write_text(data_ / "val.csv", class_table(100, 15));
    write_text(data_ / "test.csv", class_table(200, 15));
    write_text(data_ / "semi.csv", class_table(0, 30, ';'));
    std::string gaps = class_table(0, 30);
    gaps.replace(gaps.find("\n", gaps.find("\n") + 1) + 1, 5, "");  // row 2 starts with an empty cell
    write_text(data_ / "gaps.csv", gaps);
    write_text(data_ / "reg.csv", regression_table());
    write_text(data_ / "mixed.csv", mixed_table());
    write_text(data_ / "c.json", R"({"data": {"train": "cls.csv"}, "model": {"hidden": [4]},
                                     "train": {"epochs": 3, "batch_size": 8}})");
    write_text(data_ / "sweep.json", R"({"config": "c.json", "grid": {"train.seed": [1, 2]}})");
    write_text(data_ / "other_sweep.json", R"({"config": "c.json", "grid": {"train.seed": [1, 3]}})");
    // Two models of the base config, for train.init_from and predict/evaluate.
    for (const auto& [name, seed] : {std::pair{"model", "42"}, std::pair{"other", "7"}}) {
      const CliResult trained = run_mlptrain({"--config", (data_ / "c.json").string(), "--out", (dir_ / name).string(),
                                              "--set", std::string("train.seed=") + seed});
      REQUIRE_MESSAGE(trained.exit_code == 0, trained.err);
      fs::copy_file(dir_ / name / "model.json", data_ / (std::string(name) + ".json"));
    }
  }

  // What `args` leave behind (with {D} and {W} filled in), cached: many probes share a base run.
  const std::string& outcome(const std::vector<std::string>& args, Console console) {
    std::string key(1, static_cast<char>('0' + static_cast<int>(console)));
    for (const std::string& arg : args) key += '\0' + arg;
    if (const auto found = cache_.find(key); found != cache_.end()) return found->second;
    return cache_[key] = run(args, console);
  }

  // The same without the cache, for the check that a run repeats itself.
  std::string run(const std::vector<std::string>& args, Console console) {
    const fs::path work = dir_ / ("run" + std::to_string(runs_++));
    fs::create_directories(work);
    const CliResult result = run_mlptrain(filled(args, data_, work));
    return outcome_of(result, work, console);
  }

 private:
  TempDir dir_;
  fs::path data_;
  int runs_ = 0;
  std::map<std::string, std::string> cache_;
};

// ---- Config keys and family parameters ------------------------------------------------------

// Two runs of `train` or `compare` on the base config: with the `base` --set values, and with
// `change` after them. `train_skip` and `compare_skip` say why a command is not probed.
struct KeyProbe {
  std::string setting;  // a key's path, or "PATH: member.param" for a family's parameter
  std::vector<std::string> base;
  std::vector<std::string> change;
  std::string_view train_skip = {};
  std::string_view compare_skip = {};
};

constexpr std::string_view kTrainReadsNoCompareKey = "train does not read the compare section";
constexpr std::string_view kFamilyCodeIsShared =
    "compare builds each run with the same family code as train: probed once, in train";

std::vector<std::string> config_run(std::string_view command, const std::vector<std::string>& sets) {
  std::vector<std::string> args = {std::string(command), "--config", "{D}/c.json", "--set", "output.dir={W}/out"};
  for (const std::string& set : sets) args.insert(args.end(), {"--set", set});
  return args;
}

void check_key_probe(Lab& lab, const KeyProbe& probe) {
  std::vector<std::string> changed = probe.base;
  changed.insert(changed.end(), probe.change.begin(), probe.change.end());
  for (const auto& [command, skip] : {std::pair{"train", probe.train_skip}, std::pair{"compare", probe.compare_skip}}) {
    if (!skip.empty()) continue;
    const std::string run = std::string(command) + " with " + probe.setting;
    INFO(run);
    CHECK_MESSAGE(lab.outcome(config_run(command, probe.base), Console::kIgnored) !=
                      lab.outcome(config_run(command, changed), Console::kIgnored),
                  "changes nothing a user can observe");
  }
}

const std::vector<KeyProbe>& key_probes() {
  // Early stopping needs a validation loss that rises: a high learning rate and epochs enough.
  const std::vector<std::string> bumpy = {"train.epochs=20", R"(train.optimizer={"name": "adam", "lr": 0.3})"};
  static const std::vector<KeyProbe> probes = {
      {"data.train", {}, {"data.train={D}/val.csv"}},
      {"data.target", {"data.train={D}/reg.csv"}, {"data.target=a"}},
      {"data.task", {}, {"data.task=regression"}},
      {"data.features", {}, {R"(data.features=["a", "b"])"}},
      {"data.exclude", {}, {R"(data.exclude=["d"])"}},
      {"data.val_fraction", {}, {"data.val_fraction=0.4"}},
      {"data.val", {"data.val_fraction=0"}, {"data.val={D}/val.csv"}},
      {"data.test", {}, {"data.test={D}/test.csv"}},
      {"data.standardize", {}, {"data.standardize=false"}},
      {"data.standardize_target", {"data.train={D}/reg.csv"}, {"data.standardize_target=false"}},
      {"data.stratify", {}, {"data.stratify=false"}},
      {"data.delimiter", {"data.train={D}/semi.csv"}, {"data.delimiter=;"}},
      {"data.missing", {"data.train={D}/gaps.csv"}, {"data.missing=drop"}},
      {"data.impute", {"data.train={D}/mixed.csv"}, {"data.impute=mean"}},
      {"data.impute_value", {"data.train={D}/mixed.csv", "data.impute=constant"}, {"data.impute_value=5"}},
      {"data.categorical", {"data.train={D}/mixed.csv"}, {R"(data.categorical=["code"])"}},
      {"data.numeric", {"data.train={D}/mixed.csv"}, {R"(data.numeric=["colour"])"}},  // text: refused
      {"data.min_frequency", {"data.train={D}/mixed.csv"}, {"data.min_frequency=6"}},
      {"data.na_values", {"data.train={D}/mixed.csv"}, {R"(data.na_values=["blue"])"}},
      {"model.hidden", {}, {"model.hidden=[5]"}},
      {"model.activation",
       {},
       {"model.activation=tanh"},
       {},
       "compare replaces model.activation with each of compare.activations (probed there)"},
      {"model.dropout", {}, {"model.dropout=0.5"}},
      {"model.layers", {}, {R"(model.layers=[{"type": "linear", "units": 3}, {"type": "activation"}])"}},
      {"model.categorical", {"data.train={D}/mixed.csv"}, {"model.categorical=embedding"}},
      {"model.init", {}, {"model.init=xavier_uniform"}},
      {"model.bias_init", {}, {"model.bias_init=zeros"}},
      {"train.epochs", {}, {"train.epochs=4"}},
      {"train.batch_size", {}, {"train.batch_size=5"}},
      {"train.shuffle", {}, {"train.shuffle=false"}},
      {"train.seed", {}, {"train.seed=7"}},
      {"train.loss", {"data.train={D}/reg.csv"}, {"train.loss=huber"}},
      {"train.optimizer", {}, {"train.optimizer=sgd"}},
      {"train.schedule", {}, {"train.schedule=exponential"}},
      {"train.clip_grad_norm", {}, {"train.clip_grad_norm=0.01"}},
      {"train.early_stopping.patience", bumpy, {"train.early_stopping.patience=1"}},
      {"train.early_stopping.min_delta",
       {"train.epochs=20", "train.early_stopping.patience=1"},
       {"train.early_stopping.min_delta=10"}},
      {"train.early_stopping.restore_best",
       {bumpy[0], bumpy[1], "train.early_stopping.patience=3"},
       {"train.early_stopping.restore_best=false"}},
      {"train.init_from", {}, {"train.init_from={D}/model.json"}},   // compare refuses it
      {"train.checkpoint_every", {}, {"train.checkpoint_every=1"}},  // compare refuses it
      {"output.dir", {}, {"output.dir={W}/elsewhere"}},
      {"compare.activations", {}, {R"(compare.activations=["relu", "tanh"])"}, kTrainReadsNoCompareKey},
      {"compare.seeds", {}, {"compare.seeds=2"}, kTrainReadsNoCompareKey},
      {"compare.lr_grid", {}, {"compare.lr_grid=[0.01, 0.1]"}, kTrainReadsNoCompareKey},
      {"compare.baseline", {}, {"compare.baseline=tanh"}, kTrainReadsNoCompareKey},
      {"compare.init", {}, {"compare.init=auto"}, kTrainReadsNoCompareKey},
  };
  return probes;
}

// A parameter of a family member: the member with its defaults (and `others`, a JSON object's
// members), then with `param` = `value` as well.
KeyProbe param_probe(const std::string& path, const std::string& member, const std::string& param,
                     const std::string& value, const std::string& others = "", std::vector<std::string> base = {}) {
  const std::string head = path + R"(={"name": ")" + member + "\"" + (others.empty() ? "" : ", " + others);
  base.push_back(head + "}");
  return {path + ": " + member + "." + param,
          base,
          {head + ", \"" + param + "\": " + value + "}"},
          {},
          kFamilyCodeIsShared};
}

std::vector<KeyProbe> family_probes() {
  const std::vector<std::string> regression = {"data.train={D}/reg.csv"};
  const std::string act = "model.activation", loss = "train.loss", opt = "train.optimizer", sched = "train.schedule",
                    init = "model.init";
  return {
      param_probe(act, "leaky_relu", "negative_slope", "0.3"),
      param_probe(act, "prelu", "num_parameters", "4"),  // the hidden layer's units
      param_probe(act, "prelu", "init", "0.5"),
      param_probe(act, "elu", "alpha", "0.5"),
      param_probe(act, "celu", "alpha", "0.5"),
      param_probe(act, "gelu", "approximate", "\"tanh\""),
      param_probe(act, "swish", "num_parameters", "4"),
      param_probe(act, "swish", "beta", "2"),
      param_probe(act, "softplus", "beta", "2"),
      param_probe(act, "softplus", "threshold", "0.5"),
      param_probe(act, "hardtanh", "min_val", "-0.5"),
      param_probe(act, "hardtanh", "max_val", "0.5"),
      param_probe(loss, "huber", "delta", "0.1", "", regression),
      param_probe(loss, "cross_entropy", "label_smoothing", "0.2"),
      param_probe(opt, "sgd", "lr", "0.1"),
      param_probe(opt, "sgd", "momentum", "0.9"),
      param_probe(opt, "sgd", "dampening", "0.5", R"("momentum": 0.9)"),
      param_probe(opt, "sgd", "weight_decay", "0.1"),
      param_probe(opt, "sgd", "nesterov", "true", R"("momentum": 0.9)"),
      param_probe(opt, "adam", "lr", "0.01"),
      param_probe(opt, "adam", "betas", "[0.5, 0.9]"),
      param_probe(opt, "adam", "eps", "0.1"),
      param_probe(opt, "adam", "weight_decay", "0.1"),
      param_probe(opt, "adam", "amsgrad", "true", R"("lr": 0.3)"),
      param_probe(opt, "adamw", "lr", "0.01"),
      param_probe(opt, "adamw", "betas", "[0.5, 0.9]"),
      param_probe(opt, "adamw", "eps", "0.1"),
      param_probe(opt, "adamw", "weight_decay", "0.1"),
      param_probe(opt, "adamw", "amsgrad", "true", R"("lr": 0.3)"),
      param_probe(opt, "rmsprop", "lr", "0.001"),
      param_probe(opt, "rmsprop", "alpha", "0.5"),
      param_probe(opt, "rmsprop", "eps", "0.1"),
      param_probe(opt, "rmsprop", "weight_decay", "0.1"),
      param_probe(opt, "rmsprop", "momentum", "0.9"),
      param_probe(opt, "rmsprop", "centered", "true"),
      param_probe(opt, "adagrad", "lr", "0.1"),
      param_probe(opt, "adagrad", "lr_decay", "0.5"),
      param_probe(opt, "adagrad", "weight_decay", "0.1"),
      param_probe(opt, "adagrad", "initial_accumulator_value", "0.5"),
      param_probe(opt, "adagrad", "eps", "0.1"),
      param_probe(sched, "step", "step_size", "2"),  // the default 10 is past the run's 3 epochs
      param_probe(sched, "step", "gamma", "0.5", R"("step_size": 1)"),
      param_probe(sched, "exponential", "gamma", "0.5"),
      param_probe(sched, "cosine", "T_max", "1"),
      param_probe(sched, "cosine", "eta_min", "0.0005"),
      param_probe(sched, "constant", "warmup_epochs", "2"),  // common to every schedule
      param_probe(init, "xavier_uniform", "gain", "2"),
      param_probe(init, "xavier_normal", "gain", "2"),
      param_probe(init, "kaiming_uniform", "a", "1"),
      param_probe(init, "kaiming_uniform", "mode", "\"fan_out\""),
      param_probe(init, "kaiming_uniform", "nonlinearity", "\"relu\"", R"("a": 1)"),
      param_probe(init, "kaiming_normal", "a", "1"),
      param_probe(init, "kaiming_normal", "mode", "\"fan_out\""),
      param_probe(init, "kaiming_normal", "nonlinearity", "\"relu\"", R"("a": 1)"),
  };
}

// The config path whose value a family's member is.
std::string path_of(const mlp::schema::Family& family) {
  if (&family == &mlp::activation_family()) return "model.activation";
  if (&family == &mlp::loss_family()) return "train.loss";
  if (&family == &mlp::optimizer_family()) return "train.optimizer";
  if (&family == &mlp::schedule_family()) return "train.schedule";
  if (&family == &mlp::initializer_family()) return "model.init";
  return {};
}

// ---- Command-line options ---------------------------------------------------------------

// Two runs: `base` and `changed`, whole argument lists; or, with `skip`, why the option is not
// probed here and what checks it instead.
struct OptionProbe {
  std::string option;  // "mlptrain train --out"
  std::vector<std::string> base;
  std::vector<std::string> changed;
  std::string_view skip = {};
};

std::vector<std::string> plus(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

constexpr std::string_view kNothingToHide =
    "prints its result on stdout and nothing at info level, so -q and --log-level have nothing to hide; they are "
    "global options (probed on train and predict)";

// sweep's actions work on a planned folder, which one run of the binary cannot make first: the
// e2e tests that change each option and see its effect.
void add_sweep_probes(std::vector<OptionProbe>& probes) {
  const std::vector<std::string> plan = {"sweep", "plan", "{D}/sweep.json", "{W}/s"};
  probes.insert(probes.end(), {{"mlptrain sweep --help", {"sweep", "--help"}, plan},
                               {"mlptrain sweep plan --help", plan, {"sweep", "plan", "--help"}},
                               {"mlptrain sweep plan file", plan, {"sweep", "plan", "{D}/other_sweep.json", "{W}/s"}},
                               {"mlptrain sweep plan dir", plan, {"sweep", "plan", "{D}/sweep.json", "{W}/t"}},
                               {"mlptrain sweep plan --quiet", plan, plus(plan, {"--quiet"})},
                               {"mlptrain sweep plan --log-level", plan, plus(plan, {"--log-level", "warn"})}});
  constexpr std::string_view kE2e =
      "needs a planned sweep folder: tests/e2e/test_sweep.cpp changes it and checks the effect (tests/cluster runs "
      "the actions through Slurm and GNU parallel)";
  for (const char* option :
       {"run dir", "run --task", "run --shard", "run --memory-limit", "run --checkpoint-every", "run --claim-expiry",
        "collect dir", "collect --partial", "slurm dir", "slurm --partition", "slurm --time", "slurm --cpus-per-task",
        "slurm --max-parallel", "parallel dir", "parallel --sshloginfile", "parallel --jobs", "parallel --threads"}) {
    probes.push_back({"mlptrain sweep " + std::string(option), {}, {}, kE2e});
  }
  probes.push_back({"mlptrain sweep run --threads",
                    {},
                    {},
                    "each task's threads: results do not depend on them (compare's determinism tests), only the "
                    "wall time does"});
  constexpr std::string_view kShared =
      "the same CLI11 help and logging set-up as every command's: probed on sweep plan (and train, predict)";
  for (const char* action : {"run", "collect", "slurm", "parallel"}) {
    for (const char* option : {"--help", "--quiet", "--log-level"}) {
      probes.push_back({"mlptrain sweep " + std::string(action) + " " + option, {}, {}, kShared});
    }
  }
}

std::vector<OptionProbe> option_probes() {
  std::vector<OptionProbe> probes;
  // The options of a training run, with and without the command's name.
  for (const std::string command : {"", "train"}) {
    const std::string name = command.empty() ? "mlptrain " : "mlptrain train ";
    std::vector<std::string> prefix = command.empty() ? std::vector<std::string>{} : std::vector{command};
    const auto run = plus(prefix, {"--config", "{D}/c.json", "--out", "{W}/out"});
    probes.push_back({name + "--help", run, plus(prefix, {"--help"})});
    probes.push_back({name + "--quiet", run, plus(run, {"--quiet"})});
    probes.push_back({name + "--log-level", run, plus(run, {"--log-level", "warn"})});
    probes.push_back({name + "--config", plus(prefix, {"--out", "{W}/out"}), run});
    probes.push_back({name + "--set", run, plus(run, {"--set", "train.epochs=2"})});
    probes.push_back({name + "--out", plus(prefix, {"--config", "{D}/c.json", "--set", "output.dir={W}/a"}),
                      plus(prefix, {"--config", "{D}/c.json", "--set", "output.dir={W}/a", "--out", "{W}/b"})});
    probes.push_back({name + "--threads", run, plus(run, {"--threads", "7"})});  // summary.json records it
    probes.push_back({name + "--print-every", plus(run, {"--set", "train.epochs=40"}),
                      plus(run, {"--set", "train.epochs=40", "--print-every", "1"})});
    probes.push_back({name + "--memory-limit", run, plus(run, {"--memory-limit", "1K"})});
  }
  probes.push_back({"mlptrain --version", {"--config", "{D}/c.json", "--out", "{W}/out"}, {"--version"}});
  probes.push_back({"mlptrain train --resume",
                    {},
                    {},
                    "resumes an interrupted run: test_faults.cpp kills runs at random moments and checks that "
                    "--resume ends byte-identical to an uninterrupted run"});

  const std::vector<std::string> predict = {"predict", "-m", "{D}/model.json", "-i", "{D}/cls.csv", "-o", "{W}/p.csv"};
  const std::vector<std::string> semi = {"predict", "-m", "{D}/model.json", "-i", "{D}/semi.csv", "-o", "{W}/p.csv"};
  probes.insert(
      probes.end(),
      {
          {"mlptrain predict --help", predict, {"predict", "--help"}},
          {"mlptrain predict --model",
           predict,
           {"predict", "-m", "{D}/other.json", "-i", "{D}/cls.csv", "-o", "{W}/p.csv"}},
          {"mlptrain predict --input",
           predict,
           {"predict", "-m", "{D}/model.json", "-i", "{D}/val.csv", "-o", "{W}/p.csv"}},
          {"mlptrain predict --output",
           predict,
           {"predict", "-m", "{D}/model.json", "-i", "{D}/cls.csv", "-o", "{W}/q.csv"}},
          {"mlptrain predict --id", predict, plus(predict, {"--id", "d"})},
          {"mlptrain predict --format", predict, plus(predict, {"--format", "json"})},
          {"mlptrain predict --delimiter", semi, plus(semi, {"--delimiter", ";"})},
          {"mlptrain predict --missing",
           {"predict", "-m", "{D}/model.json", "-i", "{D}/gaps.csv", "-o", "{W}/p.csv"},
           {"predict", "-m", "{D}/model.json", "-i", "{D}/gaps.csv", "-o", "{W}/p.csv", "--missing", "error"}},
          {"mlptrain predict --memory-limit", predict, plus(predict, {"--memory-limit", "1K"})},
          // The thread count is logged; a large file is read in parts (tests/e2e/test_real_tables.cpp).
          {"mlptrain predict --threads", plus(predict, {"--log-level", "debug"}),
           plus(predict, {"--log-level", "debug", "--threads", "7"})},
          {"mlptrain predict --quiet", predict, plus(predict, {"--quiet"})},
          {"mlptrain predict --log-level", predict, plus(predict, {"--log-level", "warn"})},
      });

  const std::vector<std::string> evaluate = {"evaluate", "-m", "{D}/model.json", "-d", "{D}/cls.csv"};
  probes.insert(probes.end(),
                {
                    {"mlptrain evaluate --help", evaluate, {"evaluate", "--help"}},
                    {"mlptrain evaluate --model", evaluate, {"evaluate", "-m", "{D}/other.json", "-d", "{D}/cls.csv"}},
                    {"mlptrain evaluate --data", evaluate, {"evaluate", "-m", "{D}/model.json", "-d", "{D}/val.csv"}},
                    {"mlptrain evaluate --format", evaluate, plus(evaluate, {"--format", "json"})},
                    {"mlptrain evaluate --delimiter",
                     {"evaluate", "-m", "{D}/model.json", "-d", "{D}/semi.csv"},
                     {"evaluate", "-m", "{D}/model.json", "-d", "{D}/semi.csv", "--delimiter", ";"}},
                    {"mlptrain evaluate --memory-limit", evaluate, plus(evaluate, {"--memory-limit", "1K"})},
                    {"mlptrain evaluate --threads", plus(evaluate, {"--log-level", "debug"}),
                     plus(evaluate, {"--log-level", "debug", "--threads", "7"})},
                    {"mlptrain evaluate --missing",
                     {"evaluate", "-m", "{D}/model.json", "-d", "{D}/gaps.csv"},
                     {"evaluate", "-m", "{D}/model.json", "-d", "{D}/gaps.csv", "--missing", "error"}},
                    {"mlptrain evaluate --quiet", {}, {}, kNothingToHide},
                    {"mlptrain evaluate --log-level", {}, {}, kNothingToHide},
                });

  const std::vector<std::string> exported = {"export", "-m", "{D}/model.json", "--format", "onnx", "-o", "{W}/m.onnx"};
  probes.insert(probes.end(),
                {
                    {"mlptrain export --help", exported, {"export", "--help"}},
                    {"mlptrain export --model",
                     exported,
                     {"export", "-m", "{D}/other.json", "--format", "onnx", "-o", "{W}/m.onnx"}},
                    // The only format so far, and required: without it the command is refused.
                    {"mlptrain export --format", {"export", "-m", "{D}/model.json", "-o", "{W}/m.onnx"}, exported},
                    {"mlptrain export --output",
                     exported,
                     {"export", "-m", "{D}/model.json", "--format", "onnx", "-o", "{W}/n.onnx"}},
                    {"mlptrain export --memory-limit", exported, plus(exported, {"--memory-limit", "1K"})},
                    {"mlptrain export --quiet", exported, plus(exported, {"--quiet"})},
                    {"mlptrain export --log-level", exported, plus(exported, {"--log-level", "warn"})},
                });

  const std::vector<std::string> compare = {"compare", "--config", "{D}/c.json", "--out", "{W}/out"};
  probes.insert(probes.end(),
                {
                    {"mlptrain compare --help", compare, {"compare", "--help"}},
                    {"mlptrain compare --config", {"compare", "--out", "{W}/out"}, compare},
                    {"mlptrain compare --set", compare, plus(compare, {"--set", "train.epochs=2"})},
                    {"mlptrain compare --out",
                     {"compare", "--config", "{D}/c.json", "--set", "output.dir={W}/a"},
                     {"compare", "--config", "{D}/c.json", "--set", "output.dir={W}/a", "--out", "{W}/b"}},
                    {"mlptrain compare --threads", compare, plus(compare, {"--threads", "7"})},  // compare.json
                    {"mlptrain compare --jobs", compare, plus(compare, {"--jobs", "5"})},        // records both
                    {"mlptrain compare --memory-limit", compare, plus(compare, {"--memory-limit", "1K"})},
                    {"mlptrain compare --quiet", compare, plus(compare, {"--quiet"})},
                    {"mlptrain compare --log-level", compare, plus(compare, {"--log-level", "warn"})},
                    {"mlptrain compare --activations", compare, plus(compare, {"--activations", "relu,tanh"})},
                    {"mlptrain compare --seeds", compare, plus(compare, {"--seeds", "2"})},
                    {"mlptrain compare --seed-list", compare, plus(compare, {"--seed-list", "1,2"})},
                    {"mlptrain compare --lr-grid", compare, plus(compare, {"--lr-grid", "0.1,0.01"})},
                    {"mlptrain compare --init", compare, plus(compare, {"--init", "auto"})},
                    {"mlptrain compare --baseline", compare, plus(compare, {"--baseline", "tanh"})},
                    {"mlptrain compare --format", compare, plus(compare, {"--format", "json"})},
                    {"mlptrain compare --columns", compare, plus(compare, {"--columns", "all"})},
                    {"mlptrain compare --bench-activations",
                     {"compare", "--help"},
                     {"compare", "--bench-activations", "--activations", "relu"}},
                });

  probes.insert(probes.end(),
                {
                    {"mlptrain activations --help", {"activations"}, {"activations", "--help"}},
                    {"mlptrain activations --format", {"activations"}, {"activations", "--format", "json"}},
                    {"mlptrain activations --plot", {"activations"}, {"activations", "--plot", "{W}/f.svg"}},
                    {"mlptrain activations --activations",
                     {"activations", "--plot", "{W}/f.svg"},
                     {"activations", "--plot", "{W}/f.svg", "--activations", "relu,tanh"}},
                    {"mlptrain activations --quiet", {}, {}, kNothingToHide},
                    {"mlptrain activations --log-level", {}, {}, kNothingToHide},
                });
  add_sweep_probes(probes);
  return probes;
}

// Every option of every command, named as the probes name them.
std::vector<std::string> every_option() {
  mlp::app::CommandLine command_line;
  std::vector<std::string> options;
  const CLI::App& app = command_line.app();
  for (const CLI::Option* option : app.get_options()) options.push_back("mlptrain " + option->get_name());
  // Commands and their own subcommands (sweep plan, sweep run, ...).
  std::vector<std::pair<std::string, const CLI::App*>> commands;
  for (const CLI::App* command : app.get_subcommands({})) {
    commands.emplace_back("mlptrain " + command->get_name(), command);
    for (const CLI::App* action : command->get_subcommands({})) {
      commands.emplace_back("mlptrain " + command->get_name() + " " + action->get_name(), action);
    }
  }
  for (const auto& [name, command] : commands) {
    for (const CLI::Option* option : command->get_options()) options.push_back(name + " " + option->get_name());
  }
  return options;
}

// Each setting has exactly one probe, and each probe a setting; `name` is the probe's member
// naming its setting.
template <class Probe>
void check_one_probe_each(const std::vector<std::string>& settings, const std::vector<Probe>& probes,
                          std::string Probe::*name) {
  for (const std::string& setting : settings) {
    const auto count = std::ranges::count(probes, setting, name);
    CHECK_MESSAGE(count == 1, setting, ": ", count, " probes; add one to tests/guard/test_every_setting_acts.cpp");
  }
  for (const Probe& probe : probes) {
    CHECK_MESSAGE(std::ranges::count(settings, probe.*name) == 1, probe.*name, ": no such setting");
  }
}

}  // namespace

TEST_CASE("guard: the outcome of a run repeats, so that a difference is the setting's doing") {
  Lab lab;
  for (const auto& args : {config_run("train", {}), config_run("compare", {})}) {
    CHECK(lab.run(args, Console::kMasked) == lab.run(args, Console::kMasked));
  }
}

TEST_CASE("guard: every config key changes what a run writes") {
  std::vector<std::string> keys;
  for (const mlp::schema::Key& key : mlp::config_keys()) keys.emplace_back(key.path);
  check_one_probe_each(keys, key_probes(), &KeyProbe::setting);

  Lab lab;
  for (const KeyProbe& probe : key_probes()) check_key_probe(lab, probe);
}

TEST_CASE("guard: every parameter of every activation, loss, optimizer, schedule and initializer changes a run") {
  std::vector<std::string> params;
  for (const mlp::schema::Family* family : mlp::families()) {
    const std::string path = path_of(*family);
    REQUIRE_MESSAGE(!path.empty(), family->noun, ": a new family; say in path_of which key takes it");
    for (const mlp::schema::Member& member : family->members()) {
      for (const mlp::ParamSpec& param : member.params) {
        params.push_back(path + ": " + std::string(member.name) + "." + std::string(param.name));
      }
    }
    // Parameters every member takes are probed on one member (their code is the family's).
    for (const mlp::ParamSpec& param : family->common_specs()) {
      params.push_back(path + ": " + std::string(family->members().front().name) + "." + std::string(param.name));
    }
  }
  const std::vector<KeyProbe> probes = family_probes();
  check_one_probe_each(params, probes, &KeyProbe::setting);

  Lab lab;
  for (const KeyProbe& probe : probes) check_key_probe(lab, probe);
}

TEST_CASE("guard: every key of a formula activation changes a run") {
  const std::string head = R"j(model.activation={"formula": "x * sigmoid(beta * x)", "params": {"beta": 1})j";
  const std::vector<KeyProbe> probes = {
      {"formula", {R"j(model.activation={"formula": "x * sigmoid(x)"})j"}, {R"j(model.activation={"formula": "x"})j"}},
      {"params", {head + "}"}, {R"j(model.activation={"formula": "x * sigmoid(beta * x)", "params": {"beta": 2}})j"}},
      {"name", {head + "}"}, {head + R"j(, "name": "swish_beta"})j"}},
      {"learn", {head + "}"}, {head + R"j(, "learn": ["beta"]})j"}},
      {"per_unit", {head + R"j(, "learn": ["beta"]})j"}, {head + R"j(, "learn": ["beta"], "per_unit": true})j"}},
  };
  const std::span<const std::string> keys = mlp::formula_activation_keys();
  check_one_probe_each(std::vector<std::string>(keys.begin(), keys.end()), probes, &KeyProbe::setting);

  Lab lab;
  for (KeyProbe probe : probes) {
    probe.compare_skip = kFamilyCodeIsShared;
    check_key_probe(lab, probe);
  }
}

TEST_CASE("guard: every option of every command changes what the command does") {
  const std::vector<OptionProbe> probes = option_probes();
  check_one_probe_each(every_option(), probes, &OptionProbe::option);

  Lab lab;
  for (const OptionProbe& probe : probes) {
    if (!probe.skip.empty()) continue;
    INFO(probe.option);
    const bool prints_results =
        !probe.changed.empty() &&
        (probe.changed[0] == "predict" || probe.changed[0] == "evaluate" || probe.changed[0] == "activations");
    const Console console = prints_results ? Console::kExact : Console::kMasked;
    CHECK_MESSAGE(lab.outcome(probe.base, console) != lab.outcome(probe.changed, console),
                  "changes nothing a user can observe");
  }
}
