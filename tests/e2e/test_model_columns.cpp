// A model of a real table through the real binary: categorical columns and numeric columns with
// empty cells are stored in model.json (format version 3) as fitted on the training split, and
// predict and scripts/to_torch.py turn the same raw CSV into the same inputs (an empty cell, a
// level never seen in training, blanks around a value) and so the same predictions.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

using namespace mlp::test;

namespace {

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : lines_of(text)) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

// 80 passengers: age with every fifth cell empty; sex; port with every seventh cell empty and
// one passenger from "X" (a level rarer than data.min_frequency: the "other" input); fare, never
// empty. Survival follows sex and age, so the network has something to learn. All of it is the
// training split (data.val_fraction 0), so that "X" is surely fitted as rare.
std::string training_csv() {
  const char* ports[] = {"C", "Q", "S", "S"};
  std::string text = "age,sex,port,fare,survived\n";
  for (int i = 0; i < 80; ++i) {
    const bool female = i % 3 != 0;
    const double age = 2 + (i * 37) % 70;
    const std::string port = i == 11 ? "X" : i % 7 == 0 ? "" : ports[i % 4];
    text += (i % 5 == 0 ? "" : std::to_string(age)) + "," + (female ? "female" : "male") + "," + port + "," +
            std::to_string(5 + (i * 13) % 90) + ".25," + (female == (age < 50) ? "yes" : "no") + "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("model.json version 3: predict and scripts/to_torch.py encode a raw table alike") {
  // The categorical columns' one-hot inputs go to the first hidden layer as they are, or through
  // an embedding per column (model.categorical), which to_torch.py builds too.
  std::string categorical = "one_hot";
  SUBCASE("one-hot") {}
  SUBCASE("embedding") { categorical = "embedding"; }
  CAPTURE(categorical);
  TempDir dir;
  write_text(dir / "train.csv", training_csv());
  const nlohmann::json config = {
      {"data", {{"train", (dir / "train.csv").string()}, {"val_fraction", 0}, {"min_frequency", 2}}},
      {"model", {{"hidden", {8}}, {"activation", "tanh"}, {"categorical", categorical}}},
      {"train", {{"epochs", 20}, {"seed", 3}, {"optimizer", {{"name", "adam"}, {"lr", 0.01}}}}}};
  write_text(dir / "config.json", config.dump());
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  const nlohmann::json model = nlohmann::json::parse(read_text(dir / "run" / "model.json"));
  CHECK(model["version"] == 3);
  const nlohmann::json& columns = model["features"]["columns"];
  REQUIRE(columns.size() == 4);
  CHECK(columns[0]["type"] == "numeric");
  CHECK(columns[0]["indicator"] == true);
  CHECK(columns[1]["levels"] == nlohmann::json({"female", "male"}));
  CHECK(columns[2]["levels"] == nlohmann::json({"C", "Q", "S"}));
  CHECK(columns[2]["missing_level"] == true);
  CHECK(columns[2]["other_level"] == true);
  CHECK(columns[3]["indicator"] == false);
  CHECK(model["features"]["inputs"].size() == 10);
  if (categorical == "embedding") {
    // age (value, indicator) and fare copied; sex (2 levels) in 2 values, port (3 levels,
    // missing, other) in round(1.6 * 5^0.56) = 4.
    const nlohmann::json& embedding = model["layers"][0];
    CHECK(embedding["type"] == "embedding");
    CHECK(embedding["in_features"] == 10);
    CHECK(embedding["out_features"] == 9);
    REQUIRE(embedding["parts"].size() == 4);
    CHECK(embedding["parts"][1]["dim"] == 2);
    CHECK(embedding["parts"][2]["dim"] == 4);
    CHECK(embedding["parts"][2]["weight"].size() == 5);
    CHECK(model["layers"][1]["in_features"] == 9);
  } else {
    CHECK(model["layers"][0]["type"] == "linear");
  }

  // Columns in another order and one more; an empty cell in each column (fare had none in
  // training: it gets its fill and no indicator), a port never seen ("Z": the other input), the
  // rare one ("X"), blanks around values, and missing-value markers (data.na_values: "NA", "?").
  write_text(dir / "new.csv",
             "fare,port,extra,sex,age\n"
             "10.25,Z,1,male,\n"
             "20,,2,female,33.5\n"
             " 7.25 , S ,3,male,4\n"
             ",C,4,female,\n"
             "80.25,X,5,,61\n"
             "NA,?,6,female, NA \n");
  const CliResult p = run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input",
                                    (dir / "new.csv").string(), "--output", (dir / "p.csv").string()});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  const auto predicted = csv_rows(read_text(dir / "p.csv"));
  REQUIRE(predicted.size() == 7);
  REQUIRE(predicted[0] == std::vector<std::string>{"prediction", "prob_no", "prob_yes"});

  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) {
    MESSAGE("skipped scripts/to_torch.py: /usr/bin/python3 cannot import torch");
    return;
  }
  const std::string command = "/usr/bin/python3 scripts/to_torch.py '" + (dir / "run" / "model.json").string() +
                              "' --csv '" + (dir / "new.csv").string() + "' --probabilities > '" +
                              (dir / "torch.csv").string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  const auto torch_rows = csv_rows(read_text(dir / "torch.csv"));
  REQUIRE(torch_rows.size() == predicted.size());
  CHECK(torch_rows[0] == std::vector<std::string>{"no", "yes"});
  for (std::size_t i = 1; i < torch_rows.size(); ++i) {
    CAPTURE(i);
    REQUIRE(torch_rows[i].size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      CHECK(std::abs(std::stod(torch_rows[i][k]) - std::stod(predicted[i][k + 1])) <= 1e-6);
    }
  }
}

TEST_CASE("train.init_from keeps the fitted columns of its model, and refuses a column read as another type") {
  TempDir dir;
  write_text(dir / "train.csv", training_csv());
  nlohmann::json config = {{"data", {{"train", (dir / "train.csv").string()}, {"min_frequency", 2}}},
                           {"model", {{"hidden", {4}}}},
                           {"train", {{"epochs", 2}, {"seed", 1}}}};
  write_text(dir / "first.json", config.dump());
  REQUIRE(
      run_mlptrain({"train", "--config", (dir / "first.json").string(), "--out", (dir / "first").string()}).exit_code ==
      0);
  const nlohmann::json first = nlohmann::json::parse(read_text(dir / "first" / "model.json"))["features"];

  // New data where fitting would give other columns: a new port, fare with an empty cell, age
  // without any. The warm start encodes it with the first model's columns and scaling instead.
  write_text(dir / "more.csv",
             "age,sex,port,fare,survived\n"
             "30,female,Z,,yes\n31,male,Z,12.25,no\n45,female,C,30.25,yes\n50,male,S,8.25,no\n"
             "20,female,Q,9.25,yes\n61,male,Z,70.25,no\n");
  config["data"]["train"] = (dir / "more.csv").string();
  config["data"]["val_fraction"] = 0;
  config["train"]["init_from"] = (dir / "first" / "model.json").string();
  write_text(dir / "second.json", config.dump());
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "second.json").string(), "--out", (dir / "second").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json second = nlohmann::json::parse(read_text(dir / "second" / "model.json"))["features"];
  CHECK(second["columns"] == first["columns"]);
  CHECK(second["inputs"] == first["inputs"]);
  CHECK(second["mean"] == first["mean"]);
  CHECK(second["scale"] == first["scale"]);

  config["data"]["categorical"] = {"fare"};
  write_text(dir / "third.json", config.dump());
  const CliResult refused =
      run_mlptrain({"train", "--config", (dir / "third.json").string(), "--out", (dir / "third").string()});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("train.init_from: " + (dir / "first" / "model.json").string() +
                         ": was trained with fare as a numeric column; " + (dir / "more.csv").string() +
                         " reads it as categorical") != std::string::npos);
}
