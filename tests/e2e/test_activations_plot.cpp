// End to end through the real binary: `mlptrain activations --plot FILE` draws f and f' into an
// SVG or HTML file, and refuses any other file kind without writing anything.
#include "cli_runner.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace mlp::test;
namespace fs = std::filesystem;

namespace {

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("activations --plot x.svg: a standalone SVG with both charts, one line per activation of the list") {
  TempDir dir;
  const CliResult r =
      run_mlptrain({"activations", "--plot", (dir / "x.svg").string(), "--activations", "relu,tanh,prelu(init=0.1)"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const std::string svg = read_text(dir / "x.svg");
  CHECK(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(occurrences(svg, "data-chart=\"activation_f\"") == 1);
  CHECK(occurrences(svg, "data-chart=\"activation_df\"") == 1);
  CHECK(occurrences(svg, "<g class=\"series\"") == 6);  // three activations, two charts
  CHECK(svg.find("prelu(num_parameters=1, init=0.1)") != std::string::npos);
  CHECK(svg.find("sigmoid") == std::string::npos);  // only the list asked for
}

TEST_CASE("activations --plot x.html: a page with both charts, and without --activations every activation") {
  TempDir dir;
  const CliResult r = run_mlptrain({"activations", "--plot", (dir / "x.html").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(dir / "x.html");
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == html.find("http://www.w3.org/"));  // no network: only namespaces
  CHECK(occurrences(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"") == 2);
  const CliResult listing = run_mlptrain({"activations", "--format", "json"});
  CHECK(occurrences(html, "<g class=\"series\"") == 2 * occurrences(listing.out, "\"formula\""));
}

TEST_CASE("activations --plot refuses other file kinds and bad specs, writing nothing") {
  TempDir dir;
  const CliResult png = run_mlptrain({"activations", "--plot", (dir / "x.png").string()});
  CHECK(png.exit_code == 2);
  CHECK(png.err == "error: activations: --plot " + (dir / "x.png").string() + ": the file must end in .svg or .html\n");
  const CliResult bad =
      run_mlptrain({"activations", "--plot", (dir / "x.svg").string(), "--activations", "relu,relu7"});
  CHECK(bad.exit_code == 2);
  // The one line `compare --bench-activations --activations` gives too.
  CHECK(bad.err.starts_with("error: activation \"relu7\": unknown activation \"relu7\"; did you mean \"relu\"?"));
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  CHECK(fs::is_empty(dir.path()));
  const CliResult alone = run_mlptrain({"activations", "--activations", "relu"});
  CHECK(alone.exit_code == 2);
  CHECK(alone.err.find("--activations requires --plot") != std::string::npos);
}
