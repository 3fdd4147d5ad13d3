// SIGINT/SIGTERM during training: the handler only raises a flag; the trainer stops after its
// current batch, the run writes what it has, and the process exits 128 + signal number.
#pragma once

#include <atomic>

namespace mlp::app {

// Installs the handlers; returns the flag they raise.
const std::atomic<bool>& install_stop_handlers();
// The signal that raised the flag (0 if none).
int stop_signal();

}  // namespace mlp::app
