// Fuzzes the config parser and validator: parse_config_text on the input, with --set overrides
// taken from the input too. The config text runs up to the first NUL byte; after it come
// overrides separated by NUL bytes, each PATH=VALUE (split at the first '='), as `--set` passes
// them. So a plain config file is a good seed.
//
// Beyond "only InputError escapes", a config that parses must have a resolved form that can be
// written out (summary.json holds it) and that parses again to itself.
#include "fuzz_support.hpp"

#include "mlp/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using Overrides = std::vector<std::pair<std::string, std::string>>;
using mlp::fuzz::expect;

Overrides split_overrides(std::string_view rest) {
  Overrides overrides;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\0');
    const std::string_view item = rest.substr(0, end);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      overrides.emplace_back(std::string(item), std::string());
    } else {
      overrides.emplace_back(std::string(item.substr(0, equals)), std::string(item.substr(equals + 1)));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return overrides;
}

// The resolved form of a config that parsed: it must dump (summary.json holds it), and, written
// in the explicit form (model.layers holds the expanded layers, so model.hidden and
// model.dropout must go), parse again to itself. Its paths are resolved already: parse them from
// the current directory.
void check_resolved(const mlp::Settings& settings) {
  nlohmann::json expected = nlohmann::json::parse(settings.resolved_json);
  expected["model"]["hidden"] = nullptr;
  expected["model"]["dropout"] = 0;
  const std::string text = expected.dump();  // throws for text that is not UTF-8
  try {
    const mlp::Settings again = mlp::parse_config_text(text, "resolved.json", "", {});
    expect(nlohmann::json::parse(again.resolved_json) == expected,
           "the resolved config parses to another one:\n" + text + "\n" + again.resolved_json);
  } catch (const mlp::InputError& error) {
    mlp::fuzz::fail("the resolved config does not parse: " + std::string(error.what()) + "\n" + text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const Overrides overrides = nul == std::string_view::npos ? Overrides{} : split_overrides(input.substr(nul + 1));
  const std::optional<mlp::Settings> settings =
      mlp::fuzz::load_or_reject([&] { return mlp::parse_config_text(text, "fuzz.json", "configs", overrides); });
  if (settings) check_resolved(*settings);
  return 0;
}
