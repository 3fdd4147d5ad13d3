// bench_data: writes the benchmark suite's data sets, deterministically (the project's own Rng,
// numbers formatted by std::to_chars), so that every machine times the same bytes.
//
//   bench_data DIR     writes DIR/{clf64,digits,clf784,reg16,big}.csv
//
// clf64   20000 x 64 features, 10 classes (argmax of a fixed random linear map plus noise)
// digits   1797 x 64 integer pixels 0..16, 10 classes (the size of scikit-learn's digits)
// clf784  20000 x 784 integer pixels 0..255, mostly zero, 10 classes (MNIST-like)
// reg16   20000 x 16 features, one smooth nonlinear target with noise
// big    400000 x 32 features and a linear target: about 100 MB of decimal numbers
#include "mlp/rng.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

// Appends `value` with `decimals` digits after the point ("-0.1234"), or as an integer.
void append_number(std::string& row, double value, int decimals) {
  char text[64];
  const auto result = decimals > 0 ? std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals)
                                   : std::to_chars(text, text + sizeof text, std::lround(value));
  row.append(text, result.ptr);
}

// Writes `rows` rows of `columns` features named prefix1.. and a target column; `fill` sets the
// features and returns the target.
void write_csv(const std::filesystem::path& path, int rows, int columns, const std::string& target, int decimals,
               const std::function<double(std::vector<double>&)>& fill) {
  std::ofstream out(path, std::ios::binary);
  std::string row;
  for (int j = 0; j < columns; ++j) row += "x" + std::to_string(j + 1) + ",";
  row += target + "\n";
  out << row;
  std::vector<double> x(static_cast<std::size_t>(columns));
  for (int i = 0; i < rows; ++i) {
    const double y = fill(x);
    row.clear();
    for (double v : x) {
      append_number(row, v, decimals);
      row += ',';
    }
    append_number(row, y, target == "label" ? 0 : decimals);
    row += '\n';
    out << row;
  }
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Index of the largest of scores.
int argmax(const std::vector<double>& scores) {
  return static_cast<int>(std::max_element(scores.begin(), scores.end()) - scores.begin());
}

void clf64(const std::filesystem::path& dir) {
  mlp::Rng rng(1, "clf64");
  std::vector<double> w(10 * 64), scores(10);
  for (double& v : w) v = rng.normal(0, 0.125);
  write_csv(dir / "clf64.csv", 20000, 64, "label", 4, [&](std::vector<double>& x) {
    for (double& v : x) v = rng.normal();
    for (int c = 0; c < 10; ++c) {
      scores[c] = 0.3 * rng.normal();
      for (int j = 0; j < 64; ++j) scores[c] += w[c * 64 + j] * x[j];
    }
    return argmax(scores);
  });
}

// Images of one class are a fixed prototype plus noise, clipped to [0, max_value].
void images(const std::filesystem::path& path, int rows, int pixels, double max_value, double blank_share, double noise,
            const char* stream) {
  mlp::Rng rng(2, stream);
  std::vector<double> prototypes(10 * pixels);
  for (double& v : prototypes) v = rng.uniform() < blank_share ? 0 : rng.uniform(0.2, 1.0) * max_value;
  write_csv(path, rows, pixels, "label", 0, [&](std::vector<double>& x) {
    const int c = static_cast<int>(rng.below(10));
    for (int j = 0; j < pixels; ++j) {
      const double p = prototypes[c * pixels + j];
      x[j] = p == 0 ? 0 : std::clamp(std::round(p + noise * rng.normal()), 0.0, max_value);
    }
    return c;
  });
}

void reg16(const std::filesystem::path& dir) {
  mlp::Rng rng(3, "reg16");
  write_csv(dir / "reg16.csv", 20000, 16, "y", 4, [&](std::vector<double>& x) {
    for (double& v : x) v = rng.uniform(-1, 1);
    double y = x[0] * x[1] + std::tanh(2 * x[2]) + 0.05 * rng.normal();
    for (int j = 3; j < 16; ++j) y += std::sin(3.14159 * x[j]) / j;
    return y;
  });
}

void big(const std::filesystem::path& dir) {
  mlp::Rng rng(4, "big");
  std::vector<double> w(32);
  for (double& v : w) v = rng.normal();
  write_csv(dir / "big.csv", 400000, 32, "y", 4, [&](std::vector<double>& x) {
    double y = 0.1 * rng.normal();
    for (int j = 0; j < 32; ++j) y += w[j] * (x[j] = rng.normal());
    return y;
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_data DIR\n");
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    clf64(dir);
    images(dir / "digits.csv", 1797, 64, 16, 0.3, 3, "digits");
    images(dir / "clf784.csv", 20000, 784, 255, 0.7, 40, "clf784");
    reg16(dir);
    big(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_data: %s\n", e.what());
    return 1;
  }
  return 0;
}
