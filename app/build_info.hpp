// What this binary is, for `mlptrain --version`: version, git commit, compiler, build type and
// flags, and the instruction set it was compiled for (which the CPU check, cpu_check.hpp, holds
// the CPU it starts on to).
#pragma once

#include <string>

namespace mlp::app {

// The instruction set this build's code was compiled for, from the compiler's predefined macros:
// "x86-64-v3: sse3 ssse3 sse4.1 sse4.2 popcnt avx avx2 fma bmi bmi2 f16c movbe lzcnt"; the
// x86-64 level is the highest whose every feature is on.
std::string build_instruction_set();

// The --version text, one item a line:
//   mlptrain 0.1.0
//   commit: 144b880
//   compiler: GNU 12.2.0
//   build: Release, flags -O3 -DNDEBUG -march=x86-64-v3
//   instruction set: x86-64-v3: sse3 ssse3 ...
std::string version_text();

}  // namespace mlp::app
