// Runs the real mlptrain binary for end-to-end tests and captures what it did.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp::test {

struct CliResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs mlptrain with `args` (from the repository root, where the tests run), feeding `input` on
// stdin when given.
CliResult run_mlptrain(const std::vector<std::string>& args, const std::optional<std::string>& input = std::nullopt);

// A fresh empty directory under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace mlp::test
