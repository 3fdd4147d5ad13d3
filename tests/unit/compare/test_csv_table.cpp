// compare.csv, laid out from a small synthetic compare.json document in the shape compare_json
// (lib/src/compare/output.cpp) writes.
#include "mlp/compare.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

json stat(double mean, double std, double median, double min, double max, int count) {
  return {{"mean", mean}, {"std", std}, {"median", median}, {"min", min}, {"max", max}, {"count", count}};
}

// Three seeds, a baseline and a test set. prelu's description has commas; one of its seeds
// diverged, one never reached the loss target, and it has no dead_fraction and no test_accuracy
// (null) and no saturated_fraction (absent).
json comparison() {
  json prelu = {{"activation", "prelu(num_parameters=1, init=0.25)"},
                {"name", "prelu"},
                {"lr", 0.03},
                {"init", "default, bias default"},
                {"final_val_loss", stat(0.25, 0.125, 0.2, 0.1, 0.45, 2)},
                {"best_val_loss", stat(0.2, 0.1, 0.15, 0.1, 0.35, 2)},
                {"val_accuracy", stat(0.9, 0.05, 0.92, 0.84, 0.94, 2)},
                {"test_accuracy", nullptr},
                {"epochs_to_target", stat(4, 0, 4, 4, 4, 1)},
                {"dead_fraction", nullptr},
                {"grad_ratio", stat(0.5, 0.25, 0.5, 0.25, 0.75, 2)},
                {"diverged", 1},
                {"timing", {{"seconds_per_epoch", stat(0.002, 0.0005, 0.002, 0.0015, 0.0025, 2)}}},
                {"vs_baseline",
                 {{"wins", 2},
                  {"seeds", 3},
                  {"difference", stat(0.025, 0.01, 0.02, 0.015, 0.04, 3)},
                  {"interval95", {0.0125, 0.0375}}}}};
  json relu = {{"activation", "relu"},
               {"name", "relu"},
               {"lr", 0.01},
               {"init", "default, bias default"},
               {"final_val_loss", stat(0.375, 0.0625, 0.375, 0.3, 0.45, 3)},
               {"best_val_loss", stat(0.3, 0.05, 0.3, 0.25, 0.35, 3)},
               {"val_accuracy", stat(0.875, 0.025, 0.875, 0.85, 0.9, 3)},
               {"test_accuracy", stat(0.8, 0.1, 0.8, 0.7, 0.9, 3)},
               {"epochs_to_target", stat(6, 1, 6, 5, 7, 3)},
               {"dead_fraction", stat(0.125, 0.0625, 0.125, 0.0625, 0.1875, 3)},
               {"saturated_fraction", nullptr},
               {"grad_ratio", stat(2, 0.5, 2, 1.5, 2.5, 3)},
               {"diverged", 0},
               {"timing", {{"seconds_per_epoch", stat(0.001, 0.0001, 0.001, 0.0009, 0.0011, 3)}}},
               {"vs_baseline", nullptr}};
  return {{"format", "mlptrain-compare"},
          {"version", 1},
          {"task", "classification"},
          {"metric", "val_accuracy"},
          {"activations", {"relu", "prelu(num_parameters=1, init=0.25)"}},
          {"seeds", {1, 2, 3}},
          {"lr_grid", {0.01, 0.03}},
          {"baseline", "relu"},
          {"loss_target", 0.3},
          {"summary", {prelu, relu}},
          {"runs", json::array()}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("compare.csv: a header, then one row per summary entry in its order, raw values") {
  const std::vector<std::string> lines = lines_of(mlp::compare_csv(comparison()));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "activation,lr,init,"
        "val_accuracy_mean,val_accuracy_std,val_accuracy_median,val_accuracy_min,val_accuracy_max,val_accuracy_count,"
        "test_accuracy_mean,test_accuracy_std,test_accuracy_median,test_accuracy_min,test_accuracy_max,"
        "test_accuracy_count,"
        "final_val_loss_mean,final_val_loss_std,final_val_loss_median,final_val_loss_min,final_val_loss_max,"
        "final_val_loss_count,"
        "best_val_loss_mean,best_val_loss_std,best_val_loss_median,best_val_loss_min,best_val_loss_max,"
        "best_val_loss_count,"
        "epochs_to_target_mean,epochs_to_target_std,epochs_to_target_median,epochs_to_target_min,"
        "epochs_to_target_max,epochs_to_target_count,"
        "seconds_per_epoch_mean,seconds_per_epoch_std,seconds_per_epoch_median,seconds_per_epoch_min,"
        "seconds_per_epoch_max,seconds_per_epoch_count,"
        "dead_fraction_mean,dead_fraction_std,dead_fraction_median,dead_fraction_min,dead_fraction_max,"
        "dead_fraction_count,"
        "saturated_fraction_mean,saturated_fraction_std,saturated_fraction_median,saturated_fraction_min,"
        "saturated_fraction_max,saturated_fraction_count,"
        "grad_ratio_mean,grad_ratio_std,grad_ratio_median,grad_ratio_min,grad_ratio_max,grad_ratio_count,"
        "wins_vs_baseline,seeds_vs_baseline,mean_difference_vs_baseline,"
        "interval95_low_vs_baseline,interval95_high_vs_baseline,diverged");
  // Quoted where the text has a comma; fractions and seconds unscaled, in the shortest text that
  // reads back as the same double (format_number: "0.0005"); empty where there is no value (null
  // or absent). count is how many runs had a value: one of prelu's two reached the loss target.
  CHECK(lines[1] ==
        "\"prelu(num_parameters=1, init=0.25)\",0.03,\"default, bias default\","
        "0.9,0.05,0.92,0.84,0.94,2,"
        ",,,,,,"
        "0.25,0.125,0.2,0.1,0.45,2,"
        "0.2,0.1,0.15,0.1,0.35,2,"
        "4,0,4,4,4,1,"
        "0.002,0.0005,0.002,0.0015,0.0025,2,"
        ",,,,,,"
        ",,,,,,"
        "0.5,0.25,0.5,0.25,0.75,2,"
        "2,3,0.025,0.0125,0.0375,1");
  // The baseline has no paired comparison with itself.
  CHECK(lines[2] ==
        "relu,0.01,\"default, bias default\","
        "0.875,0.025,0.875,0.85,0.9,3,"
        "0.8,0.1,0.8,0.7,0.9,3,"
        "0.375,0.0625,0.375,0.3,0.45,3,"
        "0.3,0.05,0.3,0.25,0.35,3,"
        "6,1,6,5,7,3,"
        "0.001,0.0001,0.001,0.0009,0.0011,3,"
        "0.125,0.0625,0.125,0.0625,0.1875,3,"
        ",,,,,,"
        "2,0.5,2,1.5,2.5,3,"
        ",,,,,0");
}

TEST_CASE("compare.csv keeps the column names it had before it shared the table's columns") {
  const std::string header = lines_of(mlp::compare_csv(comparison())).at(0) + ",";
  for (const char* name : {"activation", "lr", "init", "val_accuracy_mean", "val_accuracy_std", "final_val_loss_mean",
                           "final_val_loss_std", "best_val_loss_mean", "epochs_to_target_mean",
                           "seconds_per_epoch_mean", "dead_fraction_mean", "saturated_fraction_mean", "grad_ratio_mean",
                           "wins_vs_baseline", "seeds_vs_baseline", "mean_difference_vs_baseline", "diverged"}) {
    CAPTURE(name);
    CHECK(header.find(std::string(name) + ",") != std::string::npos);
  }
}

TEST_CASE("compare.csv: the header depends only on the task, not on seeds, grid or baseline") {
  json one = comparison();
  one["seeds"] = {1};
  one["lr_grid"] = {0.01};
  one["baseline"] = nullptr;
  one["summary"] = json::array();
  const std::string header = lines_of(mlp::compare_csv(comparison())).at(0);
  CHECK(mlp::compare_csv(one) == header + "\n");

  json regression = one;
  regression["metric"] = "val_r2";
  const std::string r2_header = lines_of(mlp::compare_csv(regression)).at(0);
  CHECK(r2_header.rfind(
            "activation,lr,init,val_r2_mean,val_r2_std,val_r2_median,val_r2_min,val_r2_max,val_r2_count,test_r2_mean,",
            0) == 0);
  CHECK(r2_header.find("val_accuracy") == std::string::npos);
}

TEST_CASE("compare.csv: a quote in a field is doubled, per RFC 4180") {
  json c = comparison();
  c["summary"][1]["activation"] = "say \"hi\"";
  c["summary"][1]["init"] = "a\"b";
  const std::vector<std::string> lines = lines_of(mlp::compare_csv(c));
  REQUIRE(lines.size() == 3);
  CHECK(lines[2].rfind("\"say \"\"hi\"\"\",0.01,\"a\"\"b\",0.875,", 0) == 0);
}
