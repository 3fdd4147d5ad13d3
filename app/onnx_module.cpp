// mlptrain-onnx.so: the ONNX exporter behind one entry point (see onnx_module.hpp).
#include "onnx_module.hpp"

#include "mlp/onnx_export.hpp"

#include <type_traits>

extern "C" void mlptrain_save_onnx_model(const mlp::Model& model, const std::filesystem::path& path) {
  mlp::save_onnx_model(model, path);
}

// The entry point's type is the one the binary calls it through.
static_assert(std::is_same_v<decltype(&mlptrain_save_onnx_model), mlp::app::SaveOnnxModel>);
