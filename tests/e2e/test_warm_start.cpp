// train.init_from through the real binary: from weights PyTorch initialised (written as a model
// file by tests/reference/warm_start.py), mlptrain follows PyTorch's per-epoch training loss; and
// a model file that does not fit the data or the config is refused, naming both files.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json reference() { return nlohmann::json::parse(read_text("tests/reference/warm_start.json")); }

// The config the reference trained with, starting from `model`.
nlohmann::json config_for(const nlohmann::json& reference, const nlohmann::json& c, const fs::path& model) {
  return {{"data",
           {{"train", fs::absolute(reference["data"].get<std::string>()).string()},
            {"target", reference["target"]},
            {"task", "classification"},
            {"val_fraction", 0}}},
          {"model", {{"hidden", {16, 16}}, {"activation", c["activation"]}}},
          {"train",
           {{"epochs", reference["epochs"]},
            {"batch_size", reference["batch_size"]},
            {"shuffle", false},
            {"optimizer", c["optimizer"]},
            {"init_from", model.string()}}}};
}

// metrics.csv's train_loss column.
std::vector<double> train_losses(const fs::path& metrics) {
  std::istringstream in(read_text(metrics));
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> losses;
  while (std::getline(in, line)) {
    const auto first = line.find(',');
    losses.push_back(std::stod(line.substr(first + 1, line.find(',', first + 1) - first - 1)));
  }
  return losses;
}

}  // namespace

TEST_CASE("train.init_from: from PyTorch's initial weights, 20 epochs follow PyTorch's training loss to 1e-5") {
  const nlohmann::json ref = reference();
  REQUIRE(ref["cases"].size() >= 4);
  for (const nlohmann::json& c : ref["cases"]) {
    CAPTURE(c["name"].get<std::string>());
    TempDir dir;
    write_text(dir / "model.json", c["model"].dump());
    write_text(dir / "config.json", config_for(ref, c, dir / "model.json").dump());
    const CliResult r = run_mlptrain(
        {"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "--threads", "1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("the weights of " + (dir / "model.json").string()) != std::string::npos);
    const std::vector<double> losses = train_losses(dir / "run" / "metrics.csv");
    const auto& expected = c["train_loss"];
    REQUIRE(losses.size() == expected.size());
    for (std::size_t e = 0; e < losses.size(); ++e) {
      CAPTURE(e + 1);
      CHECK(std::abs(losses[e] - expected[e].get<double>()) <= 1e-5 * expected[e].get<double>());
    }
    // The model keeps the init model's standardisation (float32 values) rather than refitting it.
    const nlohmann::json saved = nlohmann::json::parse(read_text(dir / "run" / "model.json"))["features"];
    const nlohmann::json& init = c["model"]["features"];
    CHECK(saved["names"] == init["names"]);
    for (const char* key : {"mean", "scale"}) {
      REQUIRE(saved[key].size() == init[key].size());
      for (std::size_t i = 0; i < init[key].size(); ++i) {
        CHECK(saved[key][i].get<float>() == init[key][i].get<float>());
      }
    }
  }
}

TEST_CASE("train.init_from: a model file that does not fit is refused with both files named") {
  const nlohmann::json ref = reference();
  const nlohmann::json& c = ref["cases"][0];
  TempDir dir;
  const fs::path model = dir / "model.json";
  write_text(model, c["model"].dump());
  nlohmann::json config = config_for(ref, c, model);
  const auto refused = [&](const nlohmann::json& changed, const std::string& fragment) {
    write_text(dir / "config.json", changed.dump());
    const CliResult r =
        run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("config.json: train.init_from: " + model.string() + ": ") != std::string::npos);
    CHECK(r.err.find(fragment) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "run" / "model.json"));
  };
  SUBCASE("another architecture") {
    nlohmann::json wider = config;
    wider["model"]["hidden"] = {32, 16};
    refused(wider, "holds 4 → linear(16) → relu → linear(16) → relu → linear(3); the config describes 4 → linear(32)");
  }
  SUBCASE("other feature columns") {
    nlohmann::json fewer = config;
    fewer["data"]["exclude"] = {"petal_width_cm"};
    refused(fewer,
            "was trained on the feature columns sepal_length_cm, sepal_width_cm, petal_length_cm, "
            "petal_width_cm; " +
                (fs::absolute("data/iris.csv")).lexically_normal().string() +
                " has sepal_length_cm, sepal_width_cm, petal_length_cm");
  }
  SUBCASE("a column read as categorical, where the model read numbers") {
    nlohmann::json typed = config;
    typed["data"]["categorical"] = {"sepal_width_cm"};
    refused(typed, "was trained with sepal_width_cm as a numeric column (a model file of version 1 or 2); " +
                       (fs::absolute("data/iris.csv")).lexically_normal().string() + " reads it as categorical");
  }
  SUBCASE("an empty cell, for which a model of format version 1 or 2 has no value") {
    std::string text = read_text("data/iris.csv");
    const std::size_t line_3 = text.find('\n', text.find('\n') + 1) + 1;  // the second sample
    text.replace(text.find(',', line_3) + 1, text.find(',', text.find(',', line_3) + 1) - text.find(',', line_3) - 1,
                 "");
    write_text(dir / "gap.csv", text);
    nlohmann::json gap = config;
    gap["data"]["train"] = (dir / "gap.csv").string();
    refused(gap, "a model file of version 1 or 2 has no value for an empty cell; " + (dir / "gap.csv").string() +
                     ":3: column \"sepal_width_cm\" is empty (see data.missing)");
  }
  SUBCASE("a missing file") {
    nlohmann::json missing = config;
    missing["train"]["init_from"] = (dir / "none.json").string();
    write_text(dir / "config.json", missing.dump());
    const CliResult r =
        run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string()});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("none.json: cannot read the model file") != std::string::npos);
  }
}
