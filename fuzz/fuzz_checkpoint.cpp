// Fuzzes the checkpoint loader: load_checkpoint on the input as a checkpoint file, then what
// `train --resume` does with it before it needs the data: the run's config parsed from the text
// the checkpoint holds, and the trainer state restored into a trainer for the checkpoint's model.
//
// Beyond "only InputError escapes", a checkpoint that loads must write back a text that loads to
// the same text.
#include "fuzz_support.hpp"

#include "mlp/checkpoint.hpp"
#include "mlp/config.hpp"
#include "mlp/experiment.hpp"
#include "mlp/trainer.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

namespace {

using namespace mlp;
using mlp::fuzz::expect;

void check_round_trip(const Checkpoint& checkpoint) {
  static mlp::fuzz::MemoryFile again_file("again.json");
  const std::string text = checkpoint_text(checkpoint.origin, checkpoint.model, checkpoint.state);
  again_file.write(text);
  try {
    const Checkpoint again = load_checkpoint(again_file.path());
    expect(checkpoint_text(again.origin, again.model, again.state) == text,
           "a written checkpoint reads back as another one:\n" + text);
  } catch (const InputError& error) {
    mlp::fuzz::fail("a written checkpoint does not load: " + std::string(error.what()) + "\n" + text);
  }
}

// The resume steps that need no data. The batch size is capped: what a huge one would allocate
// is the resource check's business, not the checkpoint's.
void resume(Checkpoint& checkpoint) {
  const RunOrigin& origin = checkpoint.origin;
  Settings settings = parse_config_text(origin.config_text, origin.config_path.string(),
                                        origin.config_path.parent_path(), origin.overrides);
  settings.train.batch_size = std::min<Index>(settings.train.batch_size, 64);
  Model& model = checkpoint.model;
  const Task task = model.schema.task;
  const Loss loss = settings.train.loss ? *settings.train.loss : default_loss(task);
  const auto classes = static_cast<Index>(model.schema.classes.size());
  const Index outputs = output_size_for(loss, task, classes, static_cast<Index>(model.schema.target_names.size()));
  if (outputs != model.network.output_size()) return;
  Trainer trainer(settings.train, model.network, loss, task, classes);
  trainer.restore(checkpoint.state);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static mlp::fuzz::MemoryFile file("checkpoint.json");
  file.write(std::string_view(reinterpret_cast<const char*>(data), size));
  std::optional<Checkpoint> checkpoint = mlp::fuzz::load_or_reject([&] { return load_checkpoint(file.path()); });
  if (!checkpoint) return 0;
  check_round_trip(*checkpoint);
  try {
    resume(*checkpoint);
  } catch (const InputError& error) {
    mlp::fuzz::check_message(error);
  }
  return 0;
}
