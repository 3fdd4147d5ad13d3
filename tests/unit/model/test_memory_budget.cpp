// The memory estimate and its limit: sizes as --memory-limit takes them, shapes checked against
// networks actually built, optimizer state against optimizers actually created, the figures of
// training and prediction worked out by hand, and the refusals of a config and a model file.
#include "mlp/error.hpp"
#include "mlp/experiment.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/text.hpp"
#include "mlp/model_file.hpp"

#include "config_test_util.hpp"
#include "model_samples.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace mlp;
using namespace mlp::test;

namespace {

template <class Action>
std::string error_of_action(Action&& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::vector<LayerSpec> specs_with_prelu() {
  const Activation prelu = Activation::with("prelu", {{"num_parameters", 16}});
  return {LayerSpec::linear(16), LayerSpec::activation_of(prelu), LayerSpec::dropout(0.5), LayerSpec::linear(8),
          LayerSpec::activation_of(Activation::with_defaults("tanh"))};
}

}  // namespace

TEST_CASE("parse_memory_limit: bytes, K/M/G/T as powers of 1024, and shares of the memory this process may use") {
  CHECK(parse_memory_limit("1073741824") == 1073741824);
  CHECK(parse_memory_limit("1K") == 1024);
  CHECK(parse_memory_limit("512M") == 512ull << 20);
  CHECK(parse_memory_limit("512m") == 512ull << 20);
  CHECK(parse_memory_limit("4G") == 4ull << 30);
  CHECK(parse_memory_limit("4GiB") == 4ull << 30);
  CHECK(parse_memory_limit("4GB") == 4ull << 30);
  CHECK(parse_memory_limit("1.5G") == 3ull << 29);
  CHECK(parse_memory_limit("2T") == 2ull << 40);
  CHECK(parse_memory_limit("100B") == 100);
  const MemorySize usable = usable_memory();
  REQUIRE(usable.bytes > 0);
  CHECK(usable.bytes <= physical_memory_bytes());
  CHECK(std::abs(static_cast<double>(parse_memory_limit("75%")) - 0.75 * static_cast<double>(usable.bytes)) <= 1);
  CHECK(parse_memory_limit("100%") == usable.bytes);
  CHECK(default_memory_limit().bytes == usable.bytes / 2);
  CHECK(default_memory_limit().source == "half of " + usable.source);
  CHECK(memory_limit_or_default("") == default_memory_limit().bytes);
  CHECK(memory_limit_or_default("2G") == 2ull << 30);

  for (const char* bad : {"", "0", "-1", "1X", "G", "abc", "1 G", "1GX", "1e30T", "150%", "0%", "nan", "inf", "0.1"}) {
    CAPTURE(bad);
    CHECK(error_of_action([&] { parse_memory_limit(bad); }) ==
          "\"" + std::string(bad) +
              "\" is not a memory size; expected bytes with an optional K, M, G or T (powers of 1024), e.g. 512M or "
              "4G, or a share of the memory this process may use, e.g. 75%");
  }
}

TEST_CASE("format_bytes") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1024) == "1.0 KiB");
  CHECK(format_bytes(1.5 * 1024 * 1024 * 1024) == "1.5 GiB");
  CHECK(format_bytes(20.0 * 1024 * 1024 * 1024 * 1024) == "20.0 TiB");
  CHECK(format_bytes(std::pow(2.0, 80)) == "1048576.0 EiB");
}

TEST_CASE("network_shape gives the widths and parameter count of the network Network::build makes") {
  const std::vector<LayerSpec> specs = specs_with_prelu();
  const NetworkShape shape = network_shape(4, specs, 3);
  const Network network = Network::build(4, specs, 3, Initializer::pytorch_default(), 1);
  CHECK(shape.inputs == 4);
  REQUIRE(shape.widths.size() == network.layer_count());
  for (std::size_t i = 0; i < network.layer_count(); ++i) CHECK(shape.widths[i] == network.layer(i).output_size());
  // 4*16 + 16, 16 prelu slopes, 16*8 + 8, 8*3 + 3
  CHECK(shape.parameters == 80 + 16 + 136 + 27);
  CHECK(shape.parameters == static_cast<double>(network.parameter_count()));

  // A shape far beyond memory is still counted exactly (no overflow, nothing allocated).
  const std::vector<LayerSpec> huge = {LayerSpec::linear(1 << 20), LayerSpec::linear(1 << 20)};
  const double n = 1 << 20;
  CHECK(network_shape(2, huge, 2).parameters == 3 * n + (n + 1) * n + (n + 1) * 2);
}

TEST_CASE("optimizer_state_slots matches the state each optimizer keeps") {
  const std::vector<LayerSpec> specs = specs_with_prelu();
  const Network network = Network::build(4, specs, 3, Initializer::pytorch_default(), 1);
  struct Case {
    OptimizerConfig config;
    int slots;
  };
  const Case cases[] = {{OptimizerConfig::with("sgd", {}), 0},
                        {OptimizerConfig::with("sgd", {{"momentum", 0.9}}), 1},
                        {OptimizerConfig::with("adam", {}), 2},
                        {OptimizerConfig::with("adam", {{"amsgrad", true}}), 3},
                        {OptimizerConfig::with("adamw", {}), 2},
                        {OptimizerConfig::with("rmsprop", {}), 1},
                        {OptimizerConfig::with("rmsprop", {{"momentum", 0.9}, {"centered", true}}), 3},
                        {OptimizerConfig::with("adagrad", {}), 1}};
  for (const Case& c : cases) {
    const OptimizerConfig& config = c.config;
    CAPTURE(config.describe());
    CAPTURE(c.slots);
    CHECK(optimizer_state_slots(config) == c.slots);
    // The same count as the optimizer of a real network keeps, value for value.
    const auto optimizer = config.create(network.parameters());
    Index values = 0;
    for (const Vector* buffer : optimizer->state_buffers()) values += buffer->size();
    CHECK(values == c.slots * network.parameter_count());
  }
}

TEST_CASE("training_memory and prediction_memory, worked out by hand") {
  NetworkShape shape;
  shape.inputs = 4;
  shape.widths = {16, 16, 3};
  shape.parameters = 1000;
  const MemoryNeed small_batch = training_memory(shape, 2, 32);
  CHECK(small_batch.parameters == 1000);
  CHECK(small_batch.parameter_bytes == 1000 * 5 * 4);  // weights, gradients, 2 state vectors, kept copy
  CHECK(small_batch.copies == "weights, gradients, 2 optimizer state vectors, and a kept copy of the weights");
  CHECK(small_batch.batch == 256);  // evaluation chunks: at least 256 columns
  CHECK(small_batch.activation_bytes == 2.0 * (4 + 16 + 16 + 3) * 256 * 4);
  CHECK(small_batch.total() == small_batch.parameter_bytes + small_batch.activation_bytes);

  const MemoryNeed large_batch = training_memory(shape, 0, 1000);
  CHECK(large_batch.parameter_bytes == 1000 * 3 * 4);
  CHECK(large_batch.copies == "weights, gradients, and a kept copy of the weights");
  CHECK(large_batch.batch == 1000);
  CHECK(large_batch.activation_bytes == 2.0 * 39 * 1000 * 4);

  const MemoryNeed predict = prediction_memory(shape);
  CHECK(predict.parameter_bytes == 1000 * 2 * 4);
  CHECK(predict.batch == 1024);
  CHECK(predict.activation_bytes == 2.0 * 39 * 1024 * 4);

  MemoryNeed several = small_batch;
  several.networks = 3;
  several.data_bytes = 100;
  CHECK(several.total() == 3 * (small_batch.parameter_bytes + small_batch.activation_bytes) + 100);
}

TEST_CASE("check_memory refuses a need over the limit, with the figures") {
  MemoryNeed need;
  need.parameters = 1000;
  need.parameter_bytes = 20000;
  need.copies = "weights and their gradient storage";
  need.activation_bytes = 4076;
  need.batch = 1024;
  CHECK_NOTHROW(check_memory(need, 24076, "m.json"));
  CHECK(error_of_action([&] { check_memory(need, 24075, "m.json"); }) ==
        "m.json: the network needs 23.5 KiB (19.5 KiB for 1000 parameters as weights and their gradient storage; "
        "4.0 KiB for activations at batch 1024) but the memory limit is 23.5 KiB; see --memory-limit");
  need.networks = 2;
  need.data_bytes = 10;
  CHECK(error_of_action([&] { check_memory(need, 1024, "c.json"); }) ==
        "c.json: the run needs 47.0 KiB (2 networks at once, each with 19.5 KiB for 1000 parameters as weights and "
        "their gradient storage; 4.0 KiB for activations at batch 1024; 10 B for the data) but the memory limit is "
        "1.0 KiB; see --memory-limit");
}

TEST_CASE("check_training_memory refuses a config before its network is built") {
  TempDir dir;
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 20; ++i)
    csv += std::to_string(i) + "," + std::to_string(i % 3) + "," + (i % 2 ? "p" : "q") + "\n";
  dir.write("d.csv", csv);
  const std::string config = R"({"data": {"train": "d.csv"}, "model": {"hidden": [1048576, 1048576]}})";
  const Settings settings = parse_config_text(config, "big.json", dir.path());
  const Experiment experiment = load_experiment(settings);
  // Two inputs, 2^20 + 2^20 units, 2 outputs, trained with Adam: a run of about 20 TiB. Were it
  // built, this test could not run.
  const std::string message = error_of_action([&] { check_training_memory(settings, experiment, 1ull << 30); });
  CHECK(
      message.starts_with("big.json: the run needs 20.0 TiB (20.0 TiB for 1.1e+12 parameters as weights, "
                          "gradients, 2 optimizer state vectors, and a kept copy of the weights; 8.0 GiB for "
                          "activations at batch 256; "));
  CHECK(message.ends_with(" for the data) but the memory limit is 1.0 GiB; see --memory-limit"));
  // The default limit says where it came from.
  const MemorySize fallback = default_memory_limit();
  CHECK(error_of_action([&] { check_training_memory(settings, experiment, fallback.bytes); })
            .ends_with(" but the memory limit is " + format_bytes(static_cast<double>(fallback.bytes)) + " (" +
                       fallback.source + "); see --memory-limit"));
  const Settings small =
      parse_config_text(R"({"data": {"train": "d.csv"}, "model": {"hidden": [8]}})", "s.json", dir.path());
  CHECK_NOTHROW(check_training_memory(small, load_experiment(small), 1ull << 30));
}

TEST_CASE("a model file is refused from its layer sizes before its weights are allocated") {
  const nlohmann::ordered_json json = model_to_json(small_model());
  // small_model: 4 -> linear(3) -> prelu -> dropout -> linear(3): 27 weights and biases counted
  // (learned activation values are left out), widths 3, 3, 3, 3 after 4 inputs.
  const double need = 27 * 2 * 4 + 2.0 * (4 + 3 + 3 + 3 + 3) * 1024 * 4;
  CHECK_NOTHROW(model_from_json(json, "m.json", static_cast<std::uint64_t>(need)));
  CHECK(error_of_action([&] { model_from_json(json, "m.json", static_cast<std::uint64_t>(need) - 1); }) ==
        "m.json: layers: the network needs 128.2 KiB (216 B for 27 parameters as weights and their gradient storage; "
        "128.0 KiB for activations at batch 1024) but the memory limit is 128.2 KiB; see --memory-limit");
}
