#include "signals.hpp"

#include <csignal>

namespace mlp::app {
namespace {

// Signal handlers may only touch lock-free atomics; these are the app's only globals.
std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int signal) {
  g_stop_signal.store(signal);
  g_stop_requested.store(true);
}

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  return g_stop_requested;
}

int stop_signal() { return g_stop_signal.load(); }

}  // namespace mlp::app
