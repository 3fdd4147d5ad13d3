// Compiled with the build's -march flags, so that its macros say what the rest of the code may
// use; the commit, compiler and flags come from CMake (app/CMakeLists.txt) as definitions of this
// file only, so that a new commit recompiles nothing else.
#include "build_info.hpp"

#include "cpu_check.hpp"

#include "mlp/gemm.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#ifndef MLP_GIT_COMMIT
#define MLP_GIT_COMMIT "unknown"
#endif
#ifndef MLP_COMPILER
#define MLP_COMPILER "unknown"
#endif
#ifndef MLP_BUILD_TYPE
#define MLP_BUILD_TYPE "unknown"
#endif
#ifndef MLP_BUILD_FLAGS
#define MLP_BUILD_FLAGS ""
#endif
#ifndef MLP_ARCH_FLAGS
#define MLP_ARCH_FLAGS ""
#endif

namespace mlp::app {

// Constant data (no code runs to fill it): the CPU check reads it before any constructor.
extern constinit const char* const kBuildCpuFeatures[] = {
#ifdef __SSE3__
    "sse3",
#endif
#ifdef __SSSE3__
    "ssse3",
#endif
#ifdef __SSE4_1__
    "sse4.1",
#endif
#ifdef __SSE4_2__
    "sse4.2",
#endif
#ifdef __POPCNT__
    "popcnt",
#endif
#ifdef __AVX__
    "avx",
#endif
#ifdef __AVX2__
    "avx2",
#endif
#ifdef __FMA__
    "fma",
#endif
#ifdef __BMI__
    "bmi",
#endif
#ifdef __BMI2__
    "bmi2",
#endif
#ifdef __F16C__
    "f16c",
#endif
#ifdef __MOVBE__
    "movbe",
#endif
#ifdef __LZCNT__
    "lzcnt",
#endif
#ifdef __AES__
    "aes",
#endif
#ifdef __PCLMUL__
    "pclmul",
#endif
#ifdef __AVX512F__
    "avx512f",
#endif
#ifdef __AVX512CD__
    "avx512cd",
#endif
#ifdef __AVX512VL__
    "avx512vl",
#endif
#ifdef __AVX512BW__
    "avx512bw",
#endif
#ifdef __AVX512DQ__
    "avx512dq",
#endif
#ifdef __AVX512IFMA__
    "avx512ifma",
#endif
#ifdef __AVX512VBMI__
    "avx512vbmi",
#endif
#ifdef __AVX512VBMI2__
    "avx512vbmi2",
#endif
#ifdef __AVX512VNNI__
    "avx512vnni",
#endif
#ifdef __AVX512BITALG__
    "avx512bitalg",
#endif
#ifdef __AVX512VPOPCNTDQ__
    "avx512vpopcntdq",
#endif
#ifdef __AVX512BF16__
    "avx512bf16",
#endif
#ifdef __GFNI__
    "gfni",
#endif
#ifdef __VPCLMULQDQ__
    "vpclmulqdq",
#endif
    nullptr};

extern constinit const char* const kBuildArchFlags = MLP_ARCH_FLAGS;

namespace {

// The x86-64 microarchitecture levels (psABI), by the features above that each adds.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kLevels = {{
    {"x86-64-v2", "sse3 ssse3 sse4.1 sse4.2 popcnt"},
    {"x86-64-v3", "avx avx2 fma bmi bmi2 f16c movbe lzcnt"},
    {"x86-64-v4", "avx512f avx512cd avx512vl avx512bw avx512dq"},
}};

bool built_with(std::string_view feature) {
  for (const char* const* name = kBuildCpuFeatures; *name != nullptr; ++name) {
    if (feature == *name) return true;
  }
  return false;
}

// Whether every space-separated feature of `features` is built with.
bool built_with_all(std::string_view features) {
  while (!features.empty()) {
    const std::size_t end = std::min(features.find(' '), features.size());
    if (!built_with(features.substr(0, end))) return false;
    features.remove_prefix(std::min(end + 1, features.size()));
  }
  return true;
}

}  // namespace

std::string build_instruction_set() {
#if defined(__x86_64__)
  std::string level = "x86-64";
#elif defined(__i386__)
  std::string level = "i386";
#else
  std::string level = "this architecture's baseline";
#endif
#if defined(__x86_64__)
  for (const auto& [name, features] : kLevels) {
    if (!built_with_all(features)) break;
    level = name;
  }
#endif
  std::string text = level + ":";
  for (const char* const* name = kBuildCpuFeatures; *name != nullptr; ++name) text += std::string(" ") + *name;
  return text;
}

std::string version_text() {
  std::string flags = MLP_BUILD_FLAGS;
  if (flags.empty()) flags = "(none)";
  return std::string("mlptrain ") + MLP_VERSION + "\ncommit: " + MLP_GIT_COMMIT + "\ncompiler: " + MLP_COMPILER +
         "\nbuild: " + MLP_BUILD_TYPE + ", flags " + flags + "\ninstruction set: " + build_instruction_set() +
         "\nmatrix products: " + gemm_backend_text();
}

}  // namespace mlp::app
