// train.init_from: a run that starts from the weights of a model file instead of model.init, on
// data read the way those weights were trained (the model's columns, classes and
// standardisation). Private to the run module.
#pragma once

#include "mlp/dataset.hpp"
#include "mlp/model_file.hpp"
#include "mlp/settings.hpp"

#include <cstdint>

namespace mlp {

// The model file settings.train.init_from names, read with every check `predict` makes.
Model load_init_model(const Settings& settings, std::uint64_t memory_limit);

// Throws InputError "<config>: train.init_from: <model file>: ..." naming both files when the
// data's task, feature columns (names, or the type a column is read as), targets or classes differ
// from the model's, or when a model without fitted columns (format version 1 or 2, which reads
// plain numbers) would meet an empty cell.
void check_init_data(const Settings& settings, const DataSchema& model, const TrainingFiles& files);

// Copies `init`'s weights (and learned activation values) into `network`, built from the
// settings. Throws InputError naming both files when the two architectures differ.
void copy_init_weights(const Settings& settings, const Network& init, Network& network);

}  // namespace mlp
