// A saved model as a standard ONNX model (`mlptrain export --format onnx`), for any ONNX runtime:
// the raw feature columns in, the fill of empty cells, one-hot levels, standardisation, every
// layer and the task's outputs (probabilities and label, or predictions in the data's units)
// inside the graph. docs/model-format.md ("ONNX") describes the inputs, outputs and metadata.
#pragma once

#include "mlp/model_file.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace mlp {

// The opset the graph is written in (ai.onnx; ai.onnx.ml 3 for the string inputs and labels).
inline constexpr std::int64_t kOnnxOpset = 17;

// The model as a serialized onnx.ModelProto, checked with the ONNX checker before it is returned.
// Throws InputError for what has no ONNX form (an activation without a mapping, a categorical
// column named like one of the graph's own inputs or outputs, a model over protobuf's 2 GiB), std::logic_error if the
// checker refuses the graph (a bug in the exporter).
std::string onnx_model(const Model& model);

// Writes onnx_model(model) to `path` atomically (write_file_atomically): on any error nothing is
// written. Throws as onnx_model does, and IoError.
void save_onnx_model(const Model& model, const std::filesystem::path& path);

}  // namespace mlp
