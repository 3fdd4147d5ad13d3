#include "json_node.hpp"

#include "strict_json.hpp"

#include "mlp/files.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <system_error>

namespace mlp {
namespace {

std::string article(std::string_view noun) {
  if (noun == "null") return "null";
  return std::string(noun.find_first_of("aeiou") == 0 ? "an " : "a ") + std::string(noun);
}

std::string joined(const auto& names) {
  std::string text;
  for (const std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

}  // namespace

nlohmann::ordered_json read_json_file(const std::filesystem::path& path, std::string_view what) {
  return read_json<nlohmann::ordered_json>(read_text_file(path, what), path.string(), what);
}

std::string json_text(const nlohmann::ordered_json& json) {
  if (json.is_number_float() && !std::isfinite(json.get<double>())) {
    const double x = json.get<double>();
    return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }
  return json.dump();
}

void JsonNode::fail(const std::string& message) const {
  throw InputError(*source_ + ": " + (path_.empty() ? "" : path_ + ": ") + message);
}

void JsonNode::expect(bool ok, const char* expected) const {
  if (!ok) fail("expected " + article(expected) + ", got " + article(json_->type_name()));
}

bool JsonNode::has(std::string_view key) const { return json_->is_object() && json_->contains(key); }

JsonNode JsonNode::operator[](std::string_view key) const {
  expect(json_->is_object(), "object");
  std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  const auto it = json_->find(key);
  if (it == json_->end()) JsonNode(*json_, std::move(child), *source_).fail("missing");
  return {*it, std::move(child), *source_};
}

void JsonNode::check_keys(std::initializer_list<std::string_view> allowed) const {
  check_keys(std::vector<std::string_view>(allowed));
}

void JsonNode::check_keys(const std::vector<std::string_view>& allowed) const {
  expect(json_->is_object(), "object");
  for (const auto& item : json_->items()) {
    if (std::ranges::find(allowed, item.key()) == allowed.end()) {
      (*this)[item.key()].fail("unknown key; valid: " + joined(allowed));
    }
  }
}

std::size_t JsonNode::size() const {
  expect(json_->is_array(), "array");
  return json_->size();
}

void JsonNode::expect_size(std::size_t n, const std::string& what) const {
  if (size() != n) fail("expected " + std::to_string(n) + " " + what + ", got " + std::to_string(json_->size()));
}

JsonNode JsonNode::operator[](std::size_t i) const {
  return {(*json_)[i], path_ + "[" + std::to_string(i) + "]", *source_};
}

std::string JsonNode::string() const {
  expect(json_->is_string(), "string");
  return json_->get<std::string>();
}

bool JsonNode::boolean() const {
  expect(json_->is_boolean(), "boolean");
  return json_->get<bool>();
}

double JsonNode::number() const {
  expect(json_->is_number(), "number");
  const double x = json_->get<double>();
  if (!std::isfinite(x)) fail("must be a finite number, got " + json_text(*json_));
  return x;
}

std::optional<double> JsonNode::optional_number() const {
  if (json_->is_null()) return std::nullopt;
  return number();
}

std::int64_t JsonNode::integer() const {
  expect(json_->is_number(), "integer");
  if (json_->is_number_unsigned() && json_->get<std::uint64_t>() > std::uint64_t(INT64_MAX)) {
    fail("must be at most " + std::to_string(INT64_MAX) + ", got " + json_text(*json_));
  }
  if (!json_->is_number_integer()) fail("expected an integer, got " + json_text(*json_));
  return json_->get<std::int64_t>();
}

Index JsonNode::count(Index min) const {
  const std::int64_t n = integer();
  if (n < min) fail("must be >= " + std::to_string(min) + ", got " + std::to_string(n));
  return static_cast<Index>(n);
}

Scalar JsonNode::scalar() const {
  const auto x = static_cast<Scalar>(number());
  if (!std::isfinite(x)) fail("must be a finite float32 number, got " + json_text(*json_));
  return x;
}

void JsonNode::scalars(Scalar* out, std::size_t n, const std::string& what) const {
  expect_size(n, what);
  for (std::size_t i = 0; i < n; ++i) {
    const Json& value = (*json_)[i];
    const auto x = value.is_number() ? static_cast<Scalar>(value.get<double>()) : Scalar(0);
    if (!value.is_number() || !std::isfinite(x)) (*this)[i].scalar();  // fails with the element's path
    out[i] = x;
  }
}

}  // namespace mlp
