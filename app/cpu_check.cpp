// Compiled without -march flags: see cpu_check.hpp. Plain C only (no std::string, no templates).
#include "cpu_check.hpp"

#include <unistd.h>

#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define MLP_X86 1
#endif

namespace mlp::app {
namespace {

#ifdef MLP_X86
// __builtin_cpu_supports takes only a string literal, hence one small function per feature.
// f16c, lzcnt and movbe are read from CPUID itself: clang 14's __builtin_cpu_supports does not
// know them.
#define MLP_BUILTIN(name) [] { return __builtin_cpu_supports(name) != 0; }

bool cpuid_bit(unsigned leaf, unsigned register_index, unsigned bit) {
  unsigned registers[4] = {0, 0, 0, 0};
  if (__get_cpuid(leaf, &registers[0], &registers[1], &registers[2], &registers[3]) == 0) return false;
  return (registers[register_index] >> bit) & 1u;
}

struct Feature {
  const char* name;
  bool (*has)();
};

constexpr Feature kFeatures[] = {
    {"sse3", MLP_BUILTIN("sse3")},
    {"ssse3", MLP_BUILTIN("ssse3")},
    {"sse4.1", MLP_BUILTIN("sse4.1")},
    {"sse4.2", MLP_BUILTIN("sse4.2")},
    {"popcnt", MLP_BUILTIN("popcnt")},
    {"avx", MLP_BUILTIN("avx")},
    {"avx2", MLP_BUILTIN("avx2")},
    {"fma", MLP_BUILTIN("fma")},
    {"bmi", MLP_BUILTIN("bmi")},
    {"bmi2", MLP_BUILTIN("bmi2")},
    {"f16c", [] { return cpuid_bit(1, 2, 29); }},           // CPUID.1:ECX.F16C[bit 29]
    {"movbe", [] { return cpuid_bit(1, 2, 22); }},          // CPUID.1:ECX.MOVBE[bit 22]
    {"lzcnt", [] { return cpuid_bit(0x80000001, 2, 5); }},  // CPUID.80000001H:ECX.LZCNT[bit 5]
    {"aes", MLP_BUILTIN("aes")},
    {"pclmul", MLP_BUILTIN("pclmul")},
    {"avx512f", MLP_BUILTIN("avx512f")},
    {"avx512cd", MLP_BUILTIN("avx512cd")},
    {"avx512vl", MLP_BUILTIN("avx512vl")},
    {"avx512bw", MLP_BUILTIN("avx512bw")},
    {"avx512dq", MLP_BUILTIN("avx512dq")},
    {"avx512ifma", MLP_BUILTIN("avx512ifma")},
    {"avx512vbmi", MLP_BUILTIN("avx512vbmi")},
    {"avx512vbmi2", MLP_BUILTIN("avx512vbmi2")},
    {"avx512vnni", MLP_BUILTIN("avx512vnni")},
    {"avx512bitalg", MLP_BUILTIN("avx512bitalg")},
    {"avx512vpopcntdq", MLP_BUILTIN("avx512vpopcntdq")},
    {"avx512bf16", MLP_BUILTIN("avx512bf16")},
    {"gfni", MLP_BUILTIN("gfni")},
    {"vpclmulqdq", MLP_BUILTIN("vpclmulqdq")},
};
#undef MLP_BUILTIN

const Feature* find_feature(const char* name) {
  for (const Feature& feature : kFeatures) {
    if (std::strcmp(feature.name, name) == 0) return &feature;
  }
  return nullptr;
}
#endif

// Appends `text` to the NUL-terminated `message` of `size` bytes, as much as fits.
void append(char* message, std::size_t size, const char* text) {
  const std::size_t used = std::strlen(message);
  if (used + 1 >= size) return;
  std::strncat(message, text, size - used - 1);
}

// Before main and before the static initializers of the rest of the program (priority 101 runs
// first of all that are not the C library's), which may already use the wide instructions.
__attribute__((constructor(101))) void check_cpu_before_main() {
  char message[512];
  if (unsupported_cpu_message(kBuildCpuFeatures, cpu_has, kBuildArchFlags, message, sizeof message) == 0) return;
  const ssize_t written = ::write(STDERR_FILENO, message, std::strlen(message));
  static_cast<void>(written);  // nothing better to do when stderr is gone
  ::_exit(1);
}

}  // namespace

bool cpu_has(const char* feature) {
#ifdef MLP_X86
  __builtin_cpu_init();  // may run before the constructor that fills in what __builtin_cpu_supports reads
  const Feature* known = find_feature(feature);
  return known != nullptr && known->has();
#else
  static_cast<void>(feature);
  return false;
#endif
}

bool cpu_feature_known(const char* feature) {
#ifdef MLP_X86
  return find_feature(feature) != nullptr;
#else
  static_cast<void>(feature);
  return false;
#endif
}

int unsupported_cpu_message(const char* const* required, CpuHas has, const char* arch_flags, char* message,
                            std::size_t size) {
  if (size == 0) return 0;
  message[0] = '\0';
  int missing = 0;
  for (const char* const* feature = required; *feature != nullptr; ++feature) {
    if (has(*feature)) continue;
    append(message, size, missing++ == 0 ? "mlptrain: this CPU lacks " : ", ");
    append(message, size, *feature);
  }
  if (missing == 0) return 0;
  append(message, size, ", which this build needs (compiled with ");
  append(message, size, *arch_flags != '\0' ? arch_flags : "the compiler's default flags");
  append(message, size, "); build mlptrain on this machine (cmake --preset release)\n");
  // Cut to fit, the line still ends the line.
  if (std::strlen(message) + 1 == size) message[size - 2] = '\n';
  return missing;
}

}  // namespace mlp::app
