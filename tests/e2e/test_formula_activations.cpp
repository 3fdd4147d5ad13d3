// Activations written as formulas, through the real binary: a formula equal to a built-in
// trains to the same weights; learned parameters are trained, saved in model.json and read back
// by predict and scripts/to_torch.py; compare takes formulas in its list; errors name the key
// and the formula's column.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

// configs/iris.json, briefly, with model.activation set to `activation` (a JSON value).
CliResult train_iris(const fs::path& out, const nlohmann::json& activation, int epochs = 15) {
  return run_mlptrain({"--config", "configs/iris.json", "--set", "model.activation=" + activation.dump(), "--set",
                       "train.epochs=" + std::to_string(epochs), "--out", out.string(), "-q"});
}

nlohmann::json model_of(const fs::path& run) { return nlohmann::json::parse(read_text(run / "model.json")); }

// The largest difference between the two models' linear weights and biases.
double max_weight_difference(const nlohmann::json& a, const nlohmann::json& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a["layers"].size(); ++i) {
    if (a["layers"][i]["type"] != "linear") continue;
    const nlohmann::json& wa = a["layers"][i]["weight"];
    const nlohmann::json& wb = b["layers"][i]["weight"];
    for (std::size_t r = 0; r < wa.size(); ++r) {
      for (std::size_t c = 0; c < wa[r].size(); ++c) {
        worst = std::max(worst, std::abs(wa[r][c].get<double>() - wb[r][c].get<double>()));
      }
    }
    for (std::size_t r = 0; r < wa.size(); ++r) {
      worst =
          std::max(worst, std::abs(a["layers"][i]["bias"][r].get<double>() - b["layers"][i]["bias"][r].get<double>()));
    }
  }
  return worst;
}

}  // namespace

TEST_CASE("a formula equal to a built-in trains to the same weights within float32 round-off") {
  TempDir dir;
  const std::pair<const char*, const char*> pairs[] = {
      {"silu", "x * sigmoid(x)"}, {"leaky_relu", "max(x, 0.01 * x)"}, {"tanh", "2 * sigmoid(2 * x) - 1"}};
  for (const auto& [builtin, formula] : pairs) {
    CAPTURE(formula);
    const CliResult a = train_iris(dir / builtin, builtin);
    const CliResult b = train_iris(dir / "formula", formula);
    INFO(a.err, b.err);
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    const nlohmann::json model = model_of(dir / "formula");
    CHECK(model["layers"][1]["formula"] == formula);
    CHECK(model["layers"][1]["name"] == formula);  // no name given: the formula is its name
    // 15 epochs of Adam from the same weights: differences of a few float32 ulps per step.
    CHECK(max_weight_difference(model_of(dir / builtin), model) < 2e-4);
  }
}

TEST_CASE("learned formula parameters are trained, saved, predicted from, and built by to_torch.py") {
  TempDir dir;
  for (const bool per_unit : {false, true}) {
    CAPTURE(per_unit);
    const nlohmann::json activation = {{"formula", "x * sigmoid(beta * x) + gamma * x"},
                                       {"params", {{"beta", 1.0}, {"gamma", 0.05}}},
                                       {"name", "swish_beta"},
                                       {"learn", {"beta"}},
                                       {"per_unit", per_unit}};
    const fs::path run = dir / (per_unit ? "per_unit" : "shared");
    const CliResult r = train_iris(run, activation, 30);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json layer = model_of(run)["layers"][1];
    CHECK(layer["name"] == "swish_beta");
    CHECK(layer["params"] == nlohmann::json({{"beta", 1.0}, {"gamma", 0.05}}));
    const nlohmann::json& beta = layer["learned"]["beta"];
    REQUIRE(beta.size() == (per_unit ? 16U : 1U));
    CHECK(beta[0].get<double>() != 1.0);  // trained away from its initial value

    const CliResult predicted = run_mlptrain({"predict", "--model", (run / "model.json").string(), "--input",
                                              "data/iris.csv", "--output", (run / "predicted.csv").string()});
    INFO(predicted.err);
    REQUIRE(predicted.exit_code == 0);
    if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
      MESSAGE("skipped scripts/to_torch.py: /usr/bin/python3 cannot import torch");
      continue;
    }
    const std::string command = "/usr/bin/python3 scripts/to_torch.py '" + (run / "model.json").string() +
                                "' --csv data/iris.csv --probabilities > '" + (run / "torch.csv").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    const std::vector<std::string> ours = lines_of(read_text(run / "predicted.csv"));
    const std::vector<std::string> torch = lines_of(read_text(run / "torch.csv"));
    REQUIRE(ours.size() == torch.size());
    double worst = 0;
    for (std::size_t i = 1; i < ours.size(); ++i) {
      // ours: prediction,prob_a,prob_b,prob_c; torch: prob_a,prob_b,prob_c
      std::vector<double> a, b;
      for (std::size_t at = ours[i].find(','); at != std::string::npos; at = ours[i].find(',', at + 1)) {
        a.push_back(std::stod(ours[i].substr(at + 1)));
      }
      for (std::size_t at = 0; at != std::string::npos; at = torch[i].find(',', at), at += at != std::string::npos) {
        b.push_back(std::stod(torch[i].substr(at)));
      }
      REQUIRE(a.size() == b.size());
      for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
    }
    CHECK(worst <= 1e-6);
  }
}

TEST_CASE("compare trains formulas beside built-ins, and pairs against a formula by its name") {
  TempDir dir;
  const nlohmann::json config = {{"data", {{"train", fs::absolute("data/iris.csv").string()}, {"target", "species"}}},
                                 {"model", {{"hidden", {8}}}},
                                 {"train", {{"epochs", 3}}},
                                 {"compare",
                                  {{"activations",
                                    {"relu",
                                     "max(x, 0.1 * x)",
                                     {{"formula", "x * sigmoid(beta * x) + gamma * x"},
                                      {"params", {{"beta", 1.5}, {"gamma", 0.1}}},
                                      {"name", "swish15"},
                                      {"learn", {"beta", "gamma"}}}}},
                                   {"baseline", "swish15"},
                                   {"seeds", 3}}}};
  write_text(dir / "config.json", config.dump());
  const CliResult r = run_mlptrain(
      {"compare", "--config", (dir / "config.json").string(), "--out", (dir / "cmp").string(), "-q", "--jobs", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json compare = nlohmann::json::parse(read_text(dir / "cmp" / "compare.json"));
  std::vector<std::string> names;
  for (const nlohmann::json& s : compare["summary"]) names.push_back(s["activation"].get<std::string>());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"max(x, 0.1 * x)", "relu", "swish15"});
  CHECK(compare["baseline"] == "swish15");
  // Each learned parameter has its own entries, and curves.csv its own columns.
  for (const nlohmann::json& run : compare["runs"]) {
    if (run["activation"] != "swish15") continue;
    const nlohmann::json& entries = run["epochs"].back()["learned"];
    REQUIRE(entries.size() == 2);
    CHECK(entries[0]["name"] == "beta");
    CHECK(entries[1]["name"] == "gamma");
  }
  const std::vector<std::string> curves = lines_of(read_text(dir / "cmp" / "curves.csv"));
  CHECK(curves[0].find(",learned_mean_layer1,") != std::string::npos);
  CHECK(curves[0].find(",learned2_mean_layer1,") != std::string::npos);
  // max(x, 0.1 x) is flat nowhere, relu is: dead units are counted for relu only.
  for (const nlohmann::json& s : compare["summary"]) {
    CAPTURE(s["activation"]);
    CHECK(!s["dead_fraction"].is_null() == (s["activation"] == "relu"));
  }
}

TEST_CASE("a formula that cannot be an activation is refused with the key and the column") {
  TempDir dir;
  struct Case {
    nlohmann::json activation;
    std::string message;
  };
  const Case cases[] = {
      {"x * sigmod(x)", "model.activation: col 5: unknown function \"sigmod\"; did you mean \"sigmoid\"?"},
      {{{"formula", "x * sigmoid(bta * x)"}, {"params", {{"beta", 1}}}},
       "model.activation.formula: col 13: unknown parameter \"bta\"; did you mean \"beta\"?"},
      {{{"formula", "sqrt(x)"}}, "model.activation.formula: f(x) is not finite at x = -"},
      {{{"formula", "x * sigmoid(beta * x)"}, {"params", {{"beta", 1}}}, {"learn", {"gamma"}}},
       "model.activation.learn: parameter \"gamma\": is to be learned but has no initial value in params"},
      {{{"formula", "x"}, {"parms", {}}}, "model.activation.parms: unknown key of a formula activation; did you mean"},
      {{{"formula", "max(0, x)"}, {"name", "relu"}},
       "model.activation.name: \"relu\" is a built-in activation's name; give the formula another"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.activation.dump());
    const CliResult r = train_iris(dir / "run", c.activation, 1);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
    CHECK_FALSE(fs::exists(dir / "run"));
  }
}
