// Reading a JSON document that must have a given shape, with messages that say where it does not:
// every value carries its path ("layers[2].weight[3]"), and every complaint is an InputError
// "<source>: <path>: <what is wrong>".
#pragma once

#include "mlp/error.hpp"
#include "mlp/tensor.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace mlp {

class JsonNode {
 public:
  using Json = nlohmann::ordered_json;

  // The document root (empty path).
  JsonNode(const Json& json, const std::string& source) : json_(&json), source_(&source) {}

  const Json& json() const { return *json_; }
  const std::string& path() const { return path_; }

  // Throws the InputError "<source>: <path>: <message>", one line: a line break that came from
  // the file (in a key or a name) is shown escaped, as \n or \r.
  [[noreturn]] void fail(const std::string& message) const;

  // Object members. A missing key fails with the key's own path: "layers[0].bias: missing".
  bool has(std::string_view key) const;
  JsonNode operator[](std::string_view key) const;
  // Fails on the first key that is not in `allowed`, listing the valid ones.
  void check_keys(std::initializer_list<std::string_view> allowed) const;
  void check_keys(const std::vector<std::string_view>& allowed) const;

  // Array elements: size() fails unless this is an array; expect_size also unless it has `n`
  // elements ("expected 16 rows (out_features), got 15").
  std::size_t size() const;
  void expect_size(std::size_t n, const std::string& what) const;
  JsonNode operator[](std::size_t i) const;

  std::string string() const;
  bool boolean() const;
  double number() const;                          // any finite number
  std::optional<double> optional_number() const;  // null, or any finite number
  std::int64_t integer() const;
  Index count(Index min) const;  // an integer >= min, e.g. a layer's units
  Scalar scalar() const;         // a number that stays finite as a Scalar (float32)
  // Reads an array of exactly `n` scalars into `out`; builds element paths only for a message.
  void scalars(Scalar* out, std::size_t n, const std::string& what) const;

 private:
  JsonNode(const Json& json, std::string path, const std::string& source)
      : json_(&json), source_(&source), path_(std::move(path)) {}
  void expect(bool ok, const char* expected) const;

  const Json* json_;
  const std::string* source_;
  std::string path_;
};

// A value written for a message: 1e+39, "abc", null.
std::string json_text(const nlohmann::ordered_json& json);

// Reads and parses a JSON file as strict JSON (read_json); `what` names it in messages ("model
// file", "checkpoint"). Throws InputError when it cannot be read (missing, a folder, no
// permission) or is not strict JSON.
nlohmann::ordered_json read_json_file(const std::filesystem::path& path, std::string_view what);

}  // namespace mlp
