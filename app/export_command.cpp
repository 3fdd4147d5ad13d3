// mlptrain export: a saved model written in another format (ONNX).
#include "commands.hpp"

#include "onnx_module.hpp"

#include "mlp/error.hpp"
#include "mlp/memory_budget.hpp"
#include "mlp/model_file.hpp"
#include "mlp/onnx_export.hpp"

#include <spdlog/spdlog.h>

#include <dlfcn.h>

#include <system_error>

namespace mlp::app {
namespace {

// The exporter in mlptrain-onnx.so beside this binary (onnx_module.hpp), loaded now. Throws
// IoError when it cannot be (a copy of the binary without its module).
SaveOnnxModel load_onnx_exporter() {
  std::error_code error;
  const std::filesystem::path binary = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    throw IoError(std::string("export: cannot find this binary's folder, where ") + kOnnxModuleFile +
                  " is: /proc/self/exe: " + error.message());
  }
  const std::filesystem::path module = binary.parent_path() / kOnnxModuleFile;
  void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw IoError("export: cannot load the ONNX exporter " + module.string() +
                  " (it is built beside mlptrain): " + dlerror());
  }
  void* entry = dlsym(handle, kOnnxEntryPoint);
  if (entry == nullptr) throw IoError("export: " + module.string() + " has no " + kOnnxEntryPoint);
  return reinterpret_cast<SaveOnnxModel>(entry);
}

}  // namespace

int run_export(const ExportOptions& options) {
  const Model model = load_model(options.model, memory_limit_or_default(options.memory_limit));
  const SaveOnnxModel save_onnx_model = load_onnx_exporter();
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
