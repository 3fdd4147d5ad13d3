// timing_options.hpp: what the suite's timing instruments (gemm_bound, fma_peak) share: the median
// of their trials, and the options that set the thread counts, a trial's length and the trials.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace bench {

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// "1,2,3" -> {1, 2, 3}; throws std::invalid_argument (from std::stol) on anything else.
inline std::vector<long> parse_list(const std::string& text) {
  std::vector<long> values;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    values.push_back(std::stol(text.substr(start, comma - start)));
    start = comma + 1;
  }
  return values;
}

struct TimingOptions {
  std::vector<int> threads{1, 2};
  double min_time = 0.2;  // seconds a trial lasts at least
  int trials = 5;         // the figure is their median

  // Takes `--threads`, `--min-time` or `--trials` with its value; false for any other key.
  bool parse(const std::string& key, const std::string& value) {
    if (key == "--threads") {
      threads.clear();
      for (long v : parse_list(value)) threads.push_back(static_cast<int>(v));
    } else if (key == "--min-time") {
      min_time = std::stod(value);
    } else if (key == "--trials") {
      trials = std::stoi(value);
    } else {
      return false;
    }
    return true;
  }

  bool valid() const {
    return !threads.empty() && std::all_of(threads.begin(), threads.end(), [](int t) { return t >= 1; }) &&
           min_time > 0 && trials >= 1;
  }
};

}  // namespace bench
