// The entry point of mlptrain-onnx.so, the module holding the ONNX exporter, which `mlptrain
// export` loads (and no other command: ONNX's and protobuf's libraries come with it).
#pragma once

#include "mlp/model_file.hpp"

#include <filesystem>

namespace mlp::app {

// The module's file, beside the mlptrain binary, and the name of its entry point.
inline constexpr const char* kOnnxModuleFile = "mlptrain-onnx.so";
inline constexpr const char* kOnnxEntryPoint = "mlptrain_save_onnx_model";

// mlp::save_onnx_model, with C linkage so that dlsym finds it by that name; it throws as
// save_onnx_model does (the module and the binary share one C++ runtime).
using SaveOnnxModel = void (*)(const Model& model, const std::filesystem::path& path);

}  // namespace mlp::app
