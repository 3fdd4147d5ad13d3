// The library's random number generator: explicit, seeded, and identical on every platform.
//
// std::uniform_real_distribution and std::normal_distribution are implementation-defined, so
// they would make runs differ between standard libraries; this generator (xoshiro256**, seeded
// through SplitMix64) defines its own uniform and normal draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace mlp {

class Rng {
 public:
  // A generator for one purpose of one run: `stream` separates independent uses of the same
  // seed (data split, weight init, batch order, dropout) so that changing one use, e.g. adding
  // dropout, does not change the draws of another.
  explicit Rng(std::uint64_t seed, std::string_view stream = "");

  std::uint64_t next_u64();
  // Uniform in [0, 1), 53 random bits.
  double uniform();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) without modulo bias; n > 0.
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }

  // The generator's whole state, so that a checkpoint can resume the same sequence.
  struct State {
    std::uint64_t s[4];
    double spare_normal;
    bool has_spare_normal;
  };
  State state() const;
  void set_state(const State& state);

 private:
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

// Fisher-Yates shuffle driven by `rng` (std::shuffle's draws are implementation-defined).
template <class RandomIt>
void shuffle(RandomIt first, RandomIt last, Rng& rng) {
  const auto n = last - first;
  for (auto i = n - 1; i > 0; --i) {
    const auto j = static_cast<decltype(i)>(rng.below(static_cast<std::uint64_t>(i) + 1));
    using std::swap;
    swap(first[i], first[j]);
  }
}

}  // namespace mlp
