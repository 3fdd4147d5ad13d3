// --set overrides, and the record of which values were defaulted.
#include "config_test_util.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace mlp;
using namespace mlp::test;

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::ranges::find(list, item) != list.end();
}

std::vector<std::string> hidden_units(const Settings& s) {
  std::vector<std::string> text;
  for (const LayerSpec& layer : s.model.hidden) {
    text.push_back(layer.type == LayerSpec::Type::kLinear ? std::to_string(layer.units) : layer.activation.describe());
  }
  return text;
}

}  // namespace

TEST_CASE("config: --set overrides") {
  SUBCASE("numbers, strings, null, lists and objects") {
    const Settings s = parse(kSample, {{"train.epochs", "5"},
                                       {"model.activation", "tanh"},
                                       {"model.hidden", "[32, 8]"},
                                       {"data.val_fraction", "0.5"},
                                       {"data.target", "null"},
                                       {"train.schedule", R"j({"name": "step", "gamma": 0.5})j"}});
    CHECK(s.train.epochs == 5);
    CHECK(s.model.hidden[1].activation.spec->name == "tanh");
    CHECK(hidden_units(s) == std::vector<std::string>{"32", "tanh", "8", "tanh"});
    CHECK(s.data.val_fraction == 0.5);
    CHECK(s.data.targets.empty());
    CHECK(s.train.schedule.describe().starts_with("step(step_size=10, gamma=0.5)"));
    CHECK_FALSE(contains(s.defaulted, "train.epochs"));
  }
  SUBCASE("a parameter of a name-only value promotes it to an object") {
    const Settings s = parse(kSample, {{"train.optimizer", "adam"}, {"train.optimizer.lr", "0.05"}});
    CHECK(s.train.optimizer.spec->name == "adam");
    ParamValues expected = default_values(s.train.optimizer.spec->param_specs());
    expected[0] = 0.05;
    CHECK(s.train.optimizer.params == expected);
    CHECK(resolved(s)["train"]["optimizer"]["lr"] == 0.05);
    // An absent value is promoted from its default: relu -> leaky_relu needs the name first.
    const Settings t =
        parse(with_train(""), {{"model.activation", "leaky_relu"}, {"model.activation.negative_slope", "0.3"}});
    CHECK(t.model.hidden[1].activation.describe() == "leaky_relu(negative_slope=0.3)");
    const Settings u = parse(with_train(""), {{"train.optimizer.betas", "[0.8, 0.9]"}});
    CHECK(u.train.optimizer.spec->name == "adam");
    CHECK(u.train.optimizer.params[1] == 0.8);
    CHECK(u.train.optimizer.params[2] == 0.9);
  }
  SUBCASE("the name of an object-valued member") {
    const Settings s = parse(kSample, {{"train.optimizer.name", "sgd"}});
    CHECK(s.train.optimizer.spec->name == "sgd");
    CHECK(s.train.optimizer.lr() == 0.01);  // the file's lr stays
    CHECK(error_of(kSample, {{"train.optimizer.name", "adamm"}}) ==
          "configs/x.json: train.optimizer: unknown optimizer \"adamm\"; did you mean \"adam\"? valid: " +
              optimizers().names() + " (with --set train.optimizer.name=adamm)");
  }
  SUBCASE("sections missing from the file are created") {
    const Settings s = parse(R"j({"data": {"train": "a.csv"}})j", {{"train.early_stopping.patience", "3"}});
    CHECK(s.train.early_stopping.patience == 3);
  }
  SUBCASE("a config from --set alone") {
    const Settings s = parse_config_text("{}", "<none>", ".", {{"data.train", "d/a.csv"}});
    CHECK(s.data.train == "d/a.csv");
    CHECK(s.output.dir == "runs/run");
    CHECK(s.config_path == "<none>");
  }
  SUBCASE("paths given with --set are relative to the current directory") {
    const Settings s = parse(kSample, {{"data.val", "val.csv"}, {"data.val_fraction", "0"}});
    CHECK(*s.data.val == "val.csv");
    CHECK(s.data.train == "data/iris.csv");  // from the file: relative to its folder
  }
  SUBCASE("unknown paths get the did-you-mean error, saying it came from --set") {
    CHECK(error_of(kSample, {{"train.optimzer.lr", "0.1"}}) ==
          "configs/x.json: train.optimzer: unknown key; did you mean \"optimizer\"? (in --set train.optimzer.lr=0.1)");
    CHECK(error_of(kSample, {{"train.optimizer.lrr", "0.1"}}) ==
          "configs/x.json: train.optimizer.lrr: unknown parameter of adam; did you mean \"lr\"? valid: lr, betas, "
          "eps, "
          "weight_decay, amsgrad (in --set train.optimizer.lrr=0.1)");
    CHECK(error_of(kSample, {{"model.activation.negative_slope", "0.2"}}) ==
          "configs/x.json: model.activation.negative_slope: unknown parameter; relu has no parameters (in --set "
          "model.activation.negative_slope=0.2)");
    CHECK(error_of(kSample, {{"train.loss.label_smoothing", "0.1"}}) ==
          "configs/x.json: train.loss: is \"auto\"; name a loss first, e.g. --set train.loss=<name> (in --set "
          "train.loss.label_smoothing=0.1)");
    CHECK(error_of(kSample, {{"model.hidden.0", "3"}}) ==
          "configs/x.json: model.hidden: has no keys inside; set it as a whole (in --set model.hidden.0=3)");
    CHECK(error_of(kSample, {{"data..train", "3"}}) ==
          "configs/x.json: data.: empty key in the path (in --set data..train=3)");
  }
  SUBCASE("a bad value names the --set it came from") {
    CHECK(error_of(kSample, {{"train.optimizer.lr", "-1"}}) ==
          "configs/x.json: train.optimizer.lr: must be > 0, got -1 (from --set train.optimizer.lr=-1)");
    CHECK(error_of(kSample, {{"train.epochs", "many"}}) ==
          "configs/x.json: train.epochs: must be an integer, got \"many\" (from --set train.epochs=many)");
    // Not when the bad value is the file's own.
    CHECK(error_of(with_train(R"j(, "train": {"epochs": 0})j"), {{"train.seed", "1"}}) ==
          "configs/x.json: train.epochs: must be in [1, 1000000], got 0");
  }
  SUBCASE("text that is not UTF-8 is refused (it would become a string no JSON file can hold)") {
    // Found by fuzz/fuzz_config: the message about such a string ended in nlohmann's type_error.
    CHECK(error_of(kSample, {{"compare.seeds", "[2,\xB3 2]"}}) ==
          "configs/x.json: --set \"compare.seeds=[2,\\xB3 2]\": not valid UTF-8 (byte 18)");
    CHECK(error_of(kSample, {{"data.tr\xC3", "a.csv"}}) ==
          "configs/x.json: --set \"data.tr\\xC3=a.csv\": not valid UTF-8 (byte 8)");
    CHECK(parse(kSample, {{"data.train", "caf\xC3\xA9.csv"}}).data.train == "caf\xC3\xA9.csv");
  }
}

TEST_CASE("config: defaulted values are recorded by path") {
  const Settings s = parse(R"j({"data": {"train": "a.csv"}, "train": {"optimizer": "adam", "epochs": 3},
                               "model": {"activation": {"name": "leaky_relu"}}})j");
  // Keys given are not defaulted; keys absent are.
  CHECK_FALSE(contains(s.defaulted, "train.epochs"));
  CHECK_FALSE(contains(s.defaulted, "train.optimizer"));
  CHECK(contains(s.defaulted, "train.batch_size"));
  // Parameters of a value given by name take their defaults, and say so.
  CHECK(contains(s.defaulted, "train.optimizer.lr"));
  CHECK(contains(s.defaulted, "train.optimizer.betas"));
  CHECK(contains(s.defaulted, "model.activation.negative_slope"));
  // A defaulted value is listed once, not parameter by parameter.
  CHECK(contains(s.defaulted, "train.schedule"));
  CHECK_FALSE(contains(s.defaulted, "train.schedule.warmup_epochs"));
  // The resolved config holds every value, given or not.
  CHECK(resolved(s)["train"]["epochs"] == 3);
  CHECK(resolved(s)["train"]["batch_size"] == 32);
  CHECK(resolved(s)["model"]["activation"] == nlohmann::json{{"name", "leaky_relu"}, {"negative_slope", 0.01}});
}
