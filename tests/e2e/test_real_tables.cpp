// A real table through the real binary (issue 14): a text column, a numeric column with empty
// cells and a numeric code declared categorical are trained on; predict and evaluate take files
// with levels never seen in training and empty cells, and say so; training is deterministic.
#include "cli_runner.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace mlp::test;

namespace {

// 20 rows: colour (text), size (every fourth cell empty), zip (a code with leading zeros),
// and a label that follows colour and size.
std::string training_csv() {
  const char* colours[] = {"red", "blue", "green"};
  const char* zips[] = {"02134", "10001", "00501"};
  std::string text = "colour,size,zip,label\n";
  for (int i = 0; i < 20; ++i) {
    const int size = 1 + (i * 7) % 10;
    text += std::string(colours[i % 3]) + "," + (i % 4 == 1 ? "" : std::to_string(size)) + "," + zips[i % 3] + "," +
            ((i % 3 == 0) == (size > 5) ? "yes" : "no") + "\n";
  }
  return text;
}

nlohmann::json config_for(const TempDir& dir) {
  return {{"data", {{"train", (dir / "train.csv").string()}, {"val_fraction", 0.25}, {"categorical", {"zip"}}}},
          {"model", {{"hidden", {4}}}},
          {"train", {{"epochs", 3}, {"seed", 11}}}};
}

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("real table: train, then predict and evaluate files with unseen levels and empty cells") {
  TempDir dir;
  write_text(dir / "train.csv", training_csv());
  write_text(dir / "config.json", config_for(dir).dump());
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);

  const nlohmann::json model = nlohmann::json::parse(read_text(dir / "run" / "model.json"));
  CHECK(model["version"] == 3);
  const nlohmann::json& columns = model["features"]["columns"];
  REQUIRE(columns.size() == 3);
  CHECK(columns[0]["name"] == "colour");
  CHECK(columns[0]["type"] == "categorical");
  CHECK(columns[1]["name"] == "size");
  CHECK(columns[1]["type"] == "numeric");
  CHECK(columns[2]["name"] == "zip");
  CHECK(columns[2]["type"] == "categorical");
  CHECK(columns[2]["levels"] == nlohmann::json({"00501", "02134", "10001"}));
  CHECK(columns[2]["other_level"] == false);
  const std::size_t inputs = model["features"]["inputs"].size();
  CHECK(model["layers"][0]["in_features"] == inputs);

  // "purple" is no level of colour; colour and zip were never empty in training, size was.
  write_text(dir / "new.csv", "zip,size,colour\n02134,,purple\n,3,red\n10001,8,\n00501,,purple\n");
  const CliResult p = run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input",
                                    (dir / "new.csv").string(), "--output", (dir / "p.csv").string()});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  CHECK(count_of(p.err, "warning: " + (dir / "new.csv").string() + ": column \"colour\": 3 values with no level") == 1);
  CHECK(count_of(p.err, "warning: " + (dir / "new.csv").string() + ": column \"zip\": 1 value with no level") == 1);
  CHECK(count_of(p.err, (dir / "new.csv").string() + ": column \"size\": 2 empty cells filled with") == 1);
  const std::vector<std::string> rows = lines_of(read_text(dir / "p.csv"));
  REQUIRE(rows.size() == 5);
  CHECK(rows[0] == "prediction,prob_no,prob_yes");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(rows[i]);
    CHECK((rows[i].rfind("yes,", 0) == 0 || rows[i].rfind("no,", 0) == 0));
  }

  // The same refused under --missing error, at the first empty cell.
  const CliResult strict =
      run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input", (dir / "new.csv").string(),
                    "--output", (dir / "q.csv").string(), "--missing", "error"});
  CHECK(strict.exit_code == 2);
  CHECK(count_of(strict.err, (dir / "new.csv").string() + ":2:2: column \"size\": empty value") == 1);

  write_text(dir / "labelled.csv", "colour,size,zip,label\npurple,,02134,yes\nred,2,,no\nblue,9,10001,no\n");
  const CliResult e = run_mlptrain({"evaluate", "--model", (dir / "run" / "model.json").string(), "--data",
                                    (dir / "labelled.csv").string(), "--format", "json"});
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const nlohmann::json report = nlohmann::json::parse(e.out);
  CHECK(report["samples"] == 3);
  CHECK(report["confusion_matrix"].size() == 2);
  CHECK(count_of(e.err, "column \"colour\": 1 value with no level") == 1);
}

TEST_CASE("real table: the same seed trains a byte-identical model.json") {
  TempDir dir;
  write_text(dir / "train.csv", training_csv());
  write_text(dir / "config.json", config_for(dir).dump());
  for (const char* out : {"a", "b"}) {
    const CliResult r =
        run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / out).string(), "-q"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string a = read_text(dir / "a" / "model.json");
  CHECK(a.find("\"levels\": [\"00501\", \"02134\", \"10001\"]") != std::string::npos);
  CHECK(a == read_text(dir / "b" / "model.json"));
}

TEST_CASE("real table: a test file without a feature column is filled in with a warning, in train and compare") {
  // compare prints the data notes and warnings as train does: once, before the runs.
  TempDir dir;
  write_text(dir / "train.csv", training_csv());
  write_text(dir / "test.csv", "colour,zip,label\nred,02134,yes\nblue,10001,no\n");
  nlohmann::json config = config_for(dir);
  config["data"]["test"] = (dir / "test.csv").string();
  write_text(dir / "config.json", config.dump());
  const std::string warning =
      "warning: data: " + (dir / "test.csv").string() + ": no column \"size\": every value filled in";
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(count_of(r.err, warning) == 1);

  const CliResult c = run_mlptrain({"compare", "--config", (dir / "config.json").string(), "--out",
                                    (dir / "cmp").string(), "--activations", "relu,tanh", "--seeds", "2"});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  CHECK(count_of(c.err, warning) == 1);
  CHECK(count_of(c.err, "data: columns: 1 numeric (size: ") == 1);
  REQUIRE(c.err.find("wrote ") != std::string::npos);
  CHECK(c.err.find("data: columns:") < c.err.find("wrote "));
}

TEST_CASE("real table: data.na_values markers are missing values in training, in the model and at predict") {
  // training_csv() with its empty size cells written "NA" and every fifth colour "?".
  std::string text;
  for (const std::string& line : lines_of(training_csv())) {
    std::string row = line;
    if (const auto at = row.find(",,"); at != std::string::npos) row.replace(at, 2, ",NA,");
    if (row.rfind("blue,", 0) == 0) row.replace(0, 4, " ? ");
    text += row + "\n";
  }
  TempDir dir;
  write_text(dir / "train.csv", text);
  write_text(dir / "config.json", config_for(dir).dump());
  const CliResult r =
      run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out", (dir / "run").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json model = nlohmann::json::parse(read_text(dir / "run" / "model.json"));
  const nlohmann::json& columns = model["features"]["columns"];
  CHECK(columns[0]["levels"] == nlohmann::json({"green", "red"}));
  CHECK(columns[0]["missing_level"] == true);
  CHECK(columns[1]["type"] == "numeric");
  CHECK(columns[1]["indicator"] == true);
  CHECK(model["features"]["na_values"][0] == "NA");

  // predict reads the markers the model was trained with, a quoted one with blanks around it too.
  write_text(dir / "new.csv", "colour,size,zip\nred,NA,02134\n?,3,10001\nred,\" NA \",10001\n");
  const CliResult p = run_mlptrain({"predict", "--model", (dir / "run" / "model.json").string(), "--input",
                                    (dir / "new.csv").string(), "--output", (dir / "p.csv").string()});
  INFO(p.err);
  REQUIRE(p.exit_code == 0);
  CHECK(count_of(p.err, "column \"size\": 2 empty cells filled with") == 1);
  CHECK(count_of(p.err, "no level") == 0);

  // Under data.missing "error" a marker is named as one; with no markers "NA" is text in a
  // numeric column (its first value is a number), an error naming the cell.
  nlohmann::json strict = config_for(dir);
  strict["data"]["missing"] = "error";
  write_text(dir / "strict.json", strict.dump());
  const CliResult s =
      run_mlptrain({"train", "--config", (dir / "strict.json").string(), "--out", (dir / "strict").string(), "-q"});
  INFO(s.err);
  CHECK(s.exit_code == 2);
  CHECK(count_of(s.err, "train.csv:3:1: column \"colour\": missing value \"?\" (one of data.na_values)") == 1);
  nlohmann::json none = config_for(dir);
  none["data"]["na_values"] = nlohmann::json::array();
  write_text(dir / "none.json", none.dump());
  const CliResult n =
      run_mlptrain({"train", "--config", (dir / "none.json").string(), "--out", (dir / "none").string(), "-q"});
  INFO(n.err);
  CHECK(n.exit_code == 2);
  CHECK(count_of(n.err, "train.csv:3:2: column \"size\": cannot parse \"NA\" as a number") == 1);
}

// A file of 2.3 MB is read in two parts on 2 threads (files of 2 MiB or more; --log-level debug
// says so), in one pass on 1: the model, the predictions and the evaluation are byte-identical all
// the same.
TEST_CASE("real table: a large file read in parts trains, predicts and evaluates as one pass does") {
  TempDir dir;
  const char* colours[] = {"red", "blue", "green", "amber", "teal"};
  std::string text = "colour,size,zip,label\n";
  for (int i = 0; i < 120000; ++i) {
    const int size = 1 + (i * 7919) % 1000;
    text += std::string(colours[(i * 31) % 5]) + std::to_string(i % 7) + "," +
            (i % 9 == 1 ? "" : std::to_string(size)) + "," + std::to_string(10000 + i % 13) + "," +
            ((i % 3 == 0) == (size > 500) ? "yes" : "no") + "\n";
  }
  write_text(dir / "train.csv", text);
  nlohmann::json config = config_for(dir);
  config["train"]["epochs"] = 1;
  write_text(dir / "config.json", config.dump());
  std::vector<std::string> logs;
  for (const char* threads : {"1", "2"}) {
    const CliResult r = run_mlptrain({"train", "--config", (dir / "config.json").string(), "--out",
                                      (dir / threads).string(), "--threads", threads, "--log-level", "debug"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    logs.push_back(r.err);
  }
  CHECK(logs[0].find("parts at once") == std::string::npos);
  CHECK(logs[1].find("train.csv read in 2 parts at once") != std::string::npos);
  CHECK(read_text(dir / "1" / "model.json") == read_text(dir / "2" / "model.json"));
  CHECK(read_text(dir / "1" / "model.json").find("\"levels\": [\"amber0\"") != std::string::npos);

  const std::string model = (dir / "1" / "model.json").string();
  const std::string data = (dir / "train.csv").string();
  std::vector<std::string> evaluations;
  for (const char* threads : {"1", "2"}) {
    const std::string predictions = (dir / (std::string("predictions_") + threads + ".csv")).string();
    const CliResult p = run_mlptrain({"predict", "--model", model, "--input", data, "--output", predictions,
                                      "--threads", threads, "--log-level", "debug"});
    INFO(p.err);
    REQUIRE(p.exit_code == 0);
    const CliResult e = run_mlptrain({"evaluate", "--model", model, "--data", data, "--format", "json", "--threads",
                                      threads, "--log-level", "debug"});
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    evaluations.push_back(e.out);
    const bool in_parts = std::string(threads) == "2";
    CHECK((p.err.find("train.csv read in 2 parts at once") != std::string::npos) == in_parts);
    CHECK((e.err.find("train.csv read in 2 parts at once") != std::string::npos) == in_parts);
  }
  CHECK(read_text(dir / "predictions_1.csv") == read_text(dir / "predictions_2.csv"));
  CHECK(count_of(read_text(dir / "predictions_1.csv"), "\n") == 120001);
  CHECK(evaluations[0] == evaluations[1]);
  CHECK(evaluations[0].find("\"samples\": 120000") != std::string::npos);
}
