// Test helpers for file-reading tests: a temporary directory removed at scope exit, and the
// message of the InputError an action throws.
#pragma once

#include "mlp/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mlp::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mlp_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::filesystem::path& path() const { return path_; }

  // Writes `content` byte for byte to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

// The message of the InputError that `action` throws, or "<no error>".
template <class Action>
std::string input_error(Action&& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

inline bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace mlp::testing

// Checks that `statement` throws an InputError whose message starts with `prefix` (e.g.
// "<path>:3:2: ") and contains `fragment`.
#define CHECK_INPUT_ERROR(statement, prefix, fragment)                            \
  do {                                                                            \
    const std::string message_ = ::mlp::testing::input_error([&] { statement; }); \
    INFO("message: " << message_);                                                \
    CHECK(message_.rfind(std::string(prefix), 0) == 0);                           \
    CHECK(::mlp::testing::contains(message_, fragment));                          \
  } while (false)
