// The CPU check: a build of mlptrain compiled for an instruction set (-march) that the CPU it is
// started on lacks stops before main with one line naming the missing features and exit code 1,
// instead of dying of SIGILL somewhere in a run. cpu_check.cpp is compiled without -march flags
// (app/CMakeLists.txt) and uses nothing of the C++ library: it runs before any code built for
// the wider instruction set, and must not share an inline function with that code.
#pragma once

#include <cstddef>

namespace mlp::app {

// The instruction-set features the code of this build may use, as __builtin_cpu_supports names
// them ("avx2", "fma", "avx512f"), from the compiler's predefined macros; ends with nullptr.
// Constant data, defined in build_info.cpp (compiled with the build's -march flags).
extern const char* const kBuildCpuFeatures[];
// The flags that chose them: "-march=native", "-march=x86-64-v3", or "" (the compiler's default).
extern const char* const kBuildArchFlags;

// Whether the running CPU (and the operating system, for the AVX registers) has `feature`;
// false for a name this check does not know.
bool cpu_has(const char* feature);
bool cpu_feature_known(const char* feature);

using CpuHas = bool (*)(const char* feature);

// The decision, apart from the CPU it runs on: writes to `message` (`size` bytes, always
// NUL-terminated, cut to fit) the line printed when `has` lacks any feature of `required` (a list
// ending with nullptr), built with `arch_flags`, and returns how many it lacks; 0 writes "". E.g.
//   "mlptrain: this CPU lacks avx2, fma, which this build needs (compiled with -march=x86-64-v3);
//    build mlptrain on this machine (cmake --preset release)\n"
int unsupported_cpu_message(const char* const* required, CpuHas has, const char* arch_flags, char* message,
                            std::size_t size);

}  // namespace mlp::app
