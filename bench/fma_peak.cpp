// fma_peak: this machine's float32 arithmetic ceiling, the anchor the benchmark suite measures
// training speed against (issue 15): the GFLOP/s of nothing but fused multiply-adds, on 1 and 2
// threads, and the core clock they ran at.
//
// Peak: each thread runs `kChains` independent chains acc = acc * a + b, one vector register
// each. A chain's next FMA must wait for the previous one (its latency, 4 cycles on Zen 4 and
// Skylake), so to keep every FMA pipe busy a thread needs at least latency x pipes chains in flight
// (4 x 2 = 8); kChains leaves room for a 5-cycle FMA and still fits in the register file next to
// the two constants. The vector width is the widest the build targets (-march=native): AVX-512 when
// the compiler defines __AVX512F__ (on Zen 4 a 512-bit FMA is two passes through 256-bit pipes,
// still counted as 32 FLOPs), else AVX2 with FMA. a < 1 makes each chain converge to b / (1 - a):
// no overflow, no denormals, so every FMA takes its ordinary time.
//
// Clock: a chain of dependent integer adds, each taking one cycle, so adds per second = cycles per
// second (the loop's own counter runs beside it). Run on every thread at once, the same moment the
// FMAs would run, because a core's clock drops when its neighbour is busy.
//
// Each figure is the median of --trials trials; a trial runs a fixed amount of work, sized from a
// first timed trial to last at least --min-time seconds on one thread.
//
// Usage: fma_peak [--threads 1,2] [--min-time 0.2] [--trials 5]
// Prints one JSON object per thread count, one per line.
#include <immintrin.h>

#include "timing_options.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__AVX512F__)
using Vector = __m512;
constexpr const char* kIsa = "AVX-512";
inline Vector broadcast(float v) { return _mm512_set1_ps(v); }
inline Vector fmadd(Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); }
inline float first_lane(Vector v) { return _mm512_cvtss_f32(v); }
constexpr int kChains = 16;  // of 32 zmm registers
#elif defined(__AVX2__) && defined(__FMA__)
using Vector = __m256;
constexpr const char* kIsa = "AVX2+FMA";
inline Vector broadcast(float v) { return _mm256_set1_ps(v); }
inline Vector fmadd(Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); }
inline float first_lane(Vector v) { return _mm256_cvtss_f32(v); }
constexpr int kChains = 12;  // of 16 ymm registers, two kept for the constants
#else
#error "fma_peak needs AVX2 and FMA (build with -march=native on an x86-64 CPU that has them)"
#endif

namespace {

constexpr int kLanes = sizeof(Vector) / sizeof(float);
constexpr double kFlopsPerStep = 2.0 * kLanes * kChains;  // one FMA = 2 FLOPs per lane

// `steps` rounds of one FMA on each chain. Returns a value that depends on every chain, so that
// the compiler cannot drop any of them.
float fma_chains(std::int64_t steps) {
  Vector acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = broadcast(0.001f * static_cast<float>(j));
  const Vector a = broadcast(0.9999f), b = broadcast(1e-4f);
  for (std::int64_t i = 0; i < steps; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kChains; ++j) acc[j] = fmadd(acc[j], a, b);
  }
  float sum = 0;
  for (int j = 0; j < kChains; ++j) sum += first_lane(acc[j]);
  return sum;
}

// `adds` dependent one-cycle adds. The empty asm statement makes x opaque to the compiler after
// each add, so it can neither fold the chain into one multiplication nor vectorise it.
std::uint64_t add_chain(std::int64_t adds) {
  std::uint64_t x = 0;
  for (std::int64_t i = 0; i < adds; i += 8) {
#pragma GCC unroll 8
    for (int u = 0; u < 8; ++u) {
      x += 1;
      asm volatile("" : "+r"(x));
    }
  }
  return x;
}

// Seconds of CPU time a thread has run, so that time slices lost to other processes on a busy
// machine do not lower the ceiling: the peak is a property of the core, not of its neighbours.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

// Units per second summed over `threads` threads that each run `body(units)` once, all started
// together (thread 0 is the caller, the others std::threads that wait at a start flag, so thread
// creation is not timed; the scheduler puts each on a core of its own when the cores are free).
double rate_on_threads(int threads, std::int64_t units, const std::function<void(std::int64_t)>& body) {
  std::atomic<bool> go{false};
  std::vector<double> seconds(static_cast<std::size_t>(threads));
  const auto work = [&](int t) {
    const double start = thread_cpu_seconds();
    body(units);
    seconds[static_cast<std::size_t>(t)] = thread_cpu_seconds() - start;
  };
  std::vector<std::thread> others;
  for (int t = 1; t < threads; ++t) {
    others.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      work(t);
    });
  }
  go.store(true, std::memory_order_release);
  work(0);
  for (std::thread& other : others) other.join();
  double rate = 0;
  for (double s : seconds) rate += static_cast<double>(units) / s;
  return rate;
}

// How many units of `body` last at least `min_time` seconds on one thread.
std::int64_t units_for(double min_time, std::int64_t units, const std::function<void(std::int64_t)>& body) {
  for (;;) {
    const double seconds = static_cast<double>(units) / rate_on_threads(1, units, body);
    if (seconds >= min_time) return units;
    // Aim 20 % past the goal from a reliable timing; from a very short one, grow eightfold.
    units = seconds > min_time / 16 ? static_cast<std::int64_t>(static_cast<double>(units) * 1.2 * min_time / seconds)
                                    : units * 8;
  }
}

bench::TimingOptions parse_options(int argc, char** argv) {
  bench::TimingOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!options.parse(argv[i], argv[i + 1])) throw std::invalid_argument(std::string("unknown option ") + argv[i]);
  }
  if (argc % 2 == 0 || !options.valid()) {
    throw std::invalid_argument("usage: fma_peak [--threads 1,2] [--min-time S] [--trials N]");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const bench::TimingOptions options = parse_options(argc, argv);
    // Results land in a volatile so that neither loop is optimised away.
    volatile float fma_sink = 0;
    volatile std::uint64_t add_sink = 0;
    const std::function<void(std::int64_t)> fmas = [&](std::int64_t steps) { fma_sink = fma_chains(steps); };
    const std::function<void(std::int64_t)> adds = [&](std::int64_t n) { add_sink = add_chain(n); };
    const std::int64_t steps = units_for(options.min_time, 1 << 16, fmas);
    const std::int64_t chain = units_for(options.min_time / 4, 1 << 20, adds);  // the clock needs less time
    for (int threads : options.threads) {
      // FMA and clock trials alternate, so that both see the same moments of the machine (a core's
      // clock follows the load of its neighbours); the FLOPs per cycle are then those of one core.
      std::vector<double> fma_rates, add_rates;
      for (int t = 0; t < options.trials; ++t) {
        fma_rates.push_back(rate_on_threads(threads, steps, fmas));
        add_rates.push_back(rate_on_threads(threads, chain, adds));
      }
      const double gflops = kFlopsPerStep * bench::median(fma_rates) * 1e-9;
      const double ghz = bench::median(add_rates) / threads * 1e-9;  // per core
      std::printf(
          "{\"threads\": %d, \"isa\": \"%s\", \"lanes\": %d, \"chains\": %d, \"gflops\": %.6g, \"ghz\": %.4g, "
          "\"flops_per_cycle\": %.4g}\n",
          threads, kIsa, kLanes, kChains, gflops, ghz, gflops / (threads * ghz));
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fma_peak: %s\n", e.what());
    return 2;
  }
  return 0;
}
