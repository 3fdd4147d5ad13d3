// The CPU check (app/cpu_check.hpp): the decision and its message for a CPU that lacks features,
// given as a predicate; and that the build's own feature list is one the check can verify.
#include "build_info.hpp"
#include "cpu_check.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace mlp::app;

namespace {

const char* const kV3[] = {"avx", "avx2", "fma", "bmi2", "sse4.2", nullptr};

bool has_everything(const char*) { return true; }
bool has_only_sse(const char* feature) { return std::strncmp(feature, "sse", 3) == 0; }
bool lacks_fma(const char* feature) { return std::strcmp(feature, "fma") != 0; }

}  // namespace

TEST_CASE("cpu check: a CPU with every feature passes and nothing is written") {
  char message[256] = "stale";
  CHECK(unsupported_cpu_message(kV3, has_everything, "-march=x86-64-v3", message, sizeof message) == 0);
  CHECK(std::string(message).empty());
  const char* const none[] = {nullptr};
  CHECK(unsupported_cpu_message(none, has_only_sse, "", message, sizeof message) == 0);
}

TEST_CASE("cpu check: the line names every missing feature and the flags of the build") {
  char message[256];
  CHECK(unsupported_cpu_message(kV3, has_only_sse, "-march=x86-64-v3", message, sizeof message) == 4);
  CHECK(std::string(message) ==
        "mlptrain: this CPU lacks avx, avx2, fma, bmi2, which this build needs (compiled with -march=x86-64-v3); "
        "build mlptrain on this machine (cmake --preset release)\n");
  CHECK(unsupported_cpu_message(kV3, lacks_fma, "", message, sizeof message) == 1);
  CHECK(
      std::string(message).starts_with("mlptrain: this CPU lacks fma, which this build needs (compiled with the "
                                       "compiler's default flags)"));
}

TEST_CASE("cpu check: a message cut to fit a small buffer is still one line") {
  char message[24];
  CHECK(unsupported_cpu_message(kV3, has_only_sse, "-march=native", message, sizeof message) == 4);
  CHECK(std::strlen(message) == sizeof message - 1);
  CHECK(std::string(message) == "mlptrain: this CPU lac\n");
}

TEST_CASE("cpu check: every feature this build was compiled for is one the check can verify, and this CPU has") {
  int features = 0;
  for (const char* const* feature = kBuildCpuFeatures; *feature != nullptr; ++feature, ++features) {
    CAPTURE(*feature);
    CHECK(cpu_feature_known(*feature));
    CHECK(cpu_has(*feature));  // the tests run: the check before main let them
  }
  CHECK_FALSE(cpu_feature_known("avx1024"));
  CHECK_FALSE(cpu_has("avx1024"));
  char message[256];
  CHECK(unsupported_cpu_message(kBuildCpuFeatures, cpu_has, kBuildArchFlags, message, sizeof message) == 0);
  // The --version line lists the same features.
  const std::string isa = build_instruction_set();
  for (const char* const* feature = kBuildCpuFeatures; *feature != nullptr; ++feature) {
    CHECK(isa.find(std::string(" ") + *feature) != std::string::npos);
  }
#if defined(__AVX2__) && defined(__FMA__) && defined(__BMI2__) && defined(__F16C__) && defined(__MOVBE__) && \
    defined(__LZCNT__) && !defined(__AVX512F__)
  CHECK(isa.starts_with("x86-64-v3:"));
#endif
#if defined(__x86_64__) && !defined(__SSE3__)
  CHECK(features == 0);
  CHECK(isa == "x86-64:");
#endif
}
