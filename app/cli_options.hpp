// Options that several commands' definitions share (cli.cpp, sweep_cli.cpp).
#pragma once

#include "cli.hpp"

#include <string>

namespace mlp::app {

// --memory-limit, checked as it is parsed so that a bad value fails before any data is read
// ("--memory-limit: "1X" is not a memory size; ...").
void add_memory_limit_option(CLI::App& command, std::string& limit);
// -q/--quiet and --log-level, which every command takes.
void add_global_options(CLI::App& command, GlobalOptions& global);

}  // namespace mlp::app
