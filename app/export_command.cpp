// mlptrain export: a saved model written in another format (ONNX).
#include "commands.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/model_file.hpp"
#include "mlp/onnx_export.hpp"

#include <spdlog/spdlog.h>

namespace mlp::app {

int run_export(const ExportOptions& options) {
  const Model model = load_model(options.model, memory_limit_or_default(options.memory_limit));
  try {
    save_onnx_model(model, options.output);
  } catch (const InputError& e) {
    // What has no ONNX form, named with the model it is in.
    throw InputError(options.model + ": cannot export to ONNX: " + e.what());
  }
  spdlog::info("wrote {} (ONNX, opset {}; inputs, outputs and metadata: docs/model-format.md)", options.output,
               kOnnxOpset);
  return 0;
}

}  // namespace mlp::app
