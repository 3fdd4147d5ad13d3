// curves.csv and runs.csv, laid out from a small synthetic compare.json document in the shape
// compare_json (lib/src/compare/output.cpp) writes.
#include "mlp/compare.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

json layer(int index, json dead, json saturated, double mean) {
  return {{"layer", index}, {"dead_fraction", dead}, {"saturated_fraction", saturated}, {"mean_activation", mean}};
}

// relu: two epochs, hidden layers 1 and 3. prelu: a shallower network (hidden layer 1 only, two
// linear layers), learned slopes, no dead fraction, and a test evaluation. The second relu run
// diverged in its second epoch, whose losses are NaN and infinite, with no diagnostics.
json comparison() {
  json relu = {{"activation", "relu"},
               {"name", "relu"},
               {"seed", 1},
               {"lr", 0.01},
               {"init", "default, bias default"},
               {"stop_reason", "completed"},
               {"message", ""},
               {"best_epoch", 2},
               {"test", nullptr},
               {"final_val_loss", 0.25},
               {"best_val_loss", 0.25},
               {"val_accuracy", 0.875},
               {"test_accuracy", nullptr},
               {"epochs_to_target", 2},
               {"dead_fraction", 0.125},
               {"saturated_fraction", nullptr},
               {"grad_ratio", 0.5},
               {"epochs",
                {{{"epoch", 1},
                  {"train_loss", 1.5},
                  {"lr", 0.01},
                  {"val_loss", 0.75},
                  {"val_accuracy", 0.5},
                  {"activation_layers", {layer(1, 0.25, nullptr, 0.5), layer(3, 0, nullptr, 0.375)}},
                  {"weight_grad_norm", {0.1, 0.2, 0.4}},
                  {"grad_ratio", 0.25},
                  {"learned", json::array()}},
                 {{"epoch", 2},
                  {"train_loss", 0.5},
                  {"lr", 0.005},
                  {"val_loss", 0.25},
                  {"val_accuracy", 0.875},
                  {"activation_layers", {layer(1, 0.125, nullptr, 0.625), layer(3, 0.125, nullptr, 0.5)}},
                  {"weight_grad_norm", {0.3, 0.2, 0.6}},
                  {"grad_ratio", 0.5},
                  {"learned", json::array()}}}},
               {"timing", {{"train_seconds", 0.003}, {"epoch_seconds", {0.001, 0.002}}}}};
  json prelu = {{"activation", "prelu(num_parameters=1, init=0.25)"},
                {"name", "prelu"},
                {"seed", 1},
                {"lr", 0.03},
                {"init", "default, bias default"},
                {"stop_reason", "early_stopped"},
                {"message", ""},
                {"best_epoch", 1},
                {"test", {{"loss", 0.5}, {"samples", 30}, {"accuracy", 0.8}}},
                {"final_val_loss", 0.5},
                {"best_val_loss", 0.5},
                {"val_accuracy", 0.75},
                {"test_accuracy", 0.8},
                {"epochs_to_target", nullptr},
                {"dead_fraction", nullptr},
                {"saturated_fraction", nullptr},
                {"grad_ratio", 2},
                {"epochs",
                 {{{"epoch", 1},
                   {"train_loss", 1.25},
                   {"lr", 0.03},
                   {"val_loss", 0.5},
                   {"val_accuracy", 0.75},
                   {"activation_layers", {layer(1, nullptr, nullptr, -0.125)}},
                   {"weight_grad_norm", {0.4, 0.2}},
                   {"grad_ratio", 2},
                   {"learned", {{{"layer", 1}, {"mean", 0.25}, {"min", 0.125}, {"max", 0.5}}}}}}},
                {"timing", {{"train_seconds", 0.004}, {"epoch_seconds", {0.004}}}}};
  json diverged = {
      {"activation", "relu"},
      {"name", "relu"},
      {"seed", 2},
      {"lr", 0.01},
      {"init", "default, bias default"},
      {"stop_reason", "diverged"},
      {"message", "the loss became nan in epoch 2, batch 3 (lr 0.01)"},
      {"best_epoch", 1},
      {"test", nullptr},
      {"final_val_loss", nullptr},
      {"best_val_loss", nullptr},
      {"val_accuracy", nullptr},
      {"test_accuracy", nullptr},
      {"epochs_to_target", nullptr},
      {"dead_fraction", nullptr},
      {"saturated_fraction", nullptr},
      {"grad_ratio", nullptr},
      {"epochs",
       {{{"epoch", 1}, {"train_loss", 2}, {"lr", 0.01}, {"val_loss", 1}, {"val_accuracy", 0.25}},
        {{"epoch", 2}, {"train_loss", kNaN}, {"lr", 0.01}, {"val_loss", kInf}, {"val_accuracy", nullptr}}}},
      {"timing", {{"train_seconds", 0.001}, {"epoch_seconds", {0.001, 0.0005}}}}};
  return {{"format", "mlptrain-compare"},
          {"version", 1},
          {"task", "classification"},
          {"metric", "val_accuracy"},
          {"activations", {"relu", "prelu(num_parameters=1, init=0.25)"}},
          {"seeds", {1, 2}},
          {"runs", {relu, prelu, diverged}}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

const std::string kCurvesHeader =
    "activation,name,seed,lr,init,epoch,train_loss,epoch_lr,val_loss,val_accuracy,grad_ratio,"
    "dead_fraction_layer1,dead_fraction_layer3,saturated_fraction_layer1,saturated_fraction_layer3,"
    "mean_activation_layer1,mean_activation_layer3,"
    "weight_grad_norm_linear1,weight_grad_norm_linear2,weight_grad_norm_linear3,"
    "learned_mean_layer1,learned_min_layer1,learned_max_layer1,seconds";

}  // namespace

TEST_CASE("curves.csv: one row per run and epoch, every row the columns of the union of the runs' layers") {
  const std::vector<std::string> lines = lines_of(mlp::curves_csv(comparison()));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == kCurvesHeader);
  // epoch_lr is the epoch's scheduled rate, lr the run's; a layer the run has no value for (no
  // saturation for relu, no learned slope) is empty.
  CHECK(lines[1] ==
        "relu,relu,1,0.01,\"default, bias default\",1,1.5,0.01,0.75,0.5,0.25,"
        "0.25,0,,,0.5,0.375,0.1,0.2,0.4,,,,0.001");
  CHECK(lines[2] ==
        "relu,relu,1,0.01,\"default, bias default\",2,0.5,0.005,0.25,0.875,0.5,"
        "0.125,0.125,,,0.625,0.5,0.3,0.2,0.6,,,,0.002");
  // The shallower network: nothing under layer 3 and the third linear layer.
  CHECK(lines[3] ==
        "\"prelu(num_parameters=1, init=0.25)\",prelu,1,0.03,\"default, bias default\",1,1.25,0.03,0.5,0.75,2,"
        ",,,,-0.125,,0.4,0.2,,0.25,0.125,0.5,0.004");
}

TEST_CASE("curves.csv: a diverged run keeps its rows, its NaN and infinite losses empty as compare.json's null") {
  const json compare = comparison();
  const std::vector<std::string> lines = lines_of(mlp::curves_csv(compare));
  REQUIRE(lines.size() == 6);
  CHECK(lines[4] == "relu,relu,2,0.01,\"default, bias default\",1,2,0.01,1,0.25,,,,,,,,,,,,,,0.001");
  CHECK(lines[5] == "relu,relu,2,0.01,\"default, bias default\",2,,0.01,,,,,,,,,,,,,,,,0.0005");
  // The same file from the document and from compare.json read back, where NaN is null.
  CHECK(mlp::curves_csv(json::parse(compare.dump())) == mlp::curves_csv(compare));
  CHECK(mlp::runs_csv(json::parse(compare.dump())) == mlp::runs_csv(compare));
}

TEST_CASE("runs.csv: one row per run, its figures under the keys of the summary's statistics") {
  const std::vector<std::string> lines = lines_of(mlp::runs_csv(comparison()));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "activation,name,seed,lr,init,stop_reason,message,epochs_run,best_epoch,final_val_loss,best_val_loss,"
        "val_accuracy,test_accuracy,epochs_to_target,dead_fraction,saturated_fraction,grad_ratio,train_seconds");
  CHECK(lines[1] == "relu,relu,1,0.01,\"default, bias default\",completed,,2,2,0.25,0.25,0.875,,2,0.125,,0.5,0.003");
  CHECK(lines[2] ==
        "\"prelu(num_parameters=1, init=0.25)\",prelu,1,0.03,\"default, bias default\",early_stopped,,1,1,"
        "0.5,0.5,0.75,0.8,,,,2,0.004");
  // The message is quoted for its commas; a diverged run has no final figures.
  CHECK(lines[3] ==
        "relu,relu,2,0.01,\"default, bias default\",diverged,"
        "\"the loss became nan in epoch 2, batch 3 (lr 0.01)\",2,1,,,,,,,,,0.001");
}

TEST_CASE("curves.csv and runs.csv name the metric of the task, and are a header alone without runs") {
  json regression = comparison();
  regression["task"] = "regression";
  regression["metric"] = "val_r2";
  regression["runs"] = json::array();
  CHECK(mlp::curves_csv(regression) ==
        "activation,name,seed,lr,init,epoch,train_loss,epoch_lr,val_loss,val_r2,grad_ratio,seconds\n");
  CHECK(mlp::runs_csv(regression) ==
        "activation,name,seed,lr,init,stop_reason,message,epochs_run,best_epoch,final_val_loss,best_val_loss,"
        "val_r2,test_r2,epochs_to_target,dead_fraction,saturated_fraction,grad_ratio,train_seconds\n");
}

TEST_CASE("runs.csv writes a 64-bit seed in full") {
  json c = comparison();
  c["runs"][0]["seed"] = std::uint64_t{18446744073709551615u};
  CHECK(lines_of(mlp::runs_csv(c)).at(1).starts_with("relu,relu,18446744073709551615,0.01,"));
  CHECK(lines_of(mlp::curves_csv(c)).at(1).starts_with("relu,relu,18446744073709551615,0.01,"));
}
