// Fuzzes the model loader: load_model on the input as a model file (the JSON reader with its
// nesting limit, then every check of model_from_json).
//
// Beyond "only InputError escapes", a model that loads must predict (finite inputs give outputs
// of the promised shape) and write back a text that loads to the same text: a saved model is
// read back exactly.
#include "fuzz_support.hpp"

#include "mlp/model_file.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace {

using namespace mlp;
using mlp::fuzz::expect;

void check_model(Model& model) {
  const std::string text = model_text(model);
  try {
    const Model again = model_from_json(nlohmann::ordered_json::parse(text), "saved");
    expect(model_text(again) == text, "a saved model reads back as another one:\n" + text);
  } catch (const InputError& error) {
    mlp::fuzz::fail("a saved model does not load: " + std::string(error.what()) + "\n" + text);
  }
  Network& network = model.network;
  constexpr Index kSamples = 3;
  Matrix input(network.input_size(), kSamples);
  for (Index i = 0; i < input.size(); ++i) input.data()[i] = static_cast<Scalar>(i % 5) - 2;
  Matrix output(network.output_size(), kSamples);
  network.predict(cview(input), view(output));
  expect(output.rows() == network.output_size(), "output rows");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static mlp::fuzz::MemoryFile file("model.json");
  file.write(std::string_view(reinterpret_cast<const char*>(data), size));
  std::optional<Model> model = mlp::fuzz::load_or_reject([&] { return load_model(file.path()); });
  if (model) check_model(*model);
  return 0;
}
