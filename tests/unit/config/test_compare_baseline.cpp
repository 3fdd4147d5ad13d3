// compare.baseline: which entry of compare.activations it names, in each form it may be written,
// and the errors when it names none or several.
#include "config_test_util.hpp"

#include <doctest/doctest.h>

using namespace mlp;
using namespace mlp::test;

namespace {

const char* const kList = R"j(["relu", "leaky_relu", "leaky_relu(negative_slope=0.2)", "tanh"])j";

// The index compare.baseline resolves to with kList, given as `baseline` (JSON text).
std::optional<std::size_t> baseline_of(const std::string& baseline) {
  return parse(with_train(""), {{"compare.activations", kList}, {"compare.baseline", baseline}}).compare.baseline;
}

std::string baseline_error(const std::string& baseline, const std::string& list = kList) {
  return error_of(with_train(""), {{"compare.activations", list}, {"compare.baseline", baseline}});
}

}  // namespace

TEST_CASE("compare.baseline: a name when one entry has it, else the entry's whole spec in any form") {
  CHECK(baseline_of("relu") == 0);
  CHECK(baseline_of("tanh") == 3);
  CHECK(baseline_of("leaky_relu(negative_slope=0.2)") == 2);
  CHECK(baseline_of("leaky_relu(negative_slope=0.01)") == 1);  // the default, written out
  CHECK(baseline_of(R"j({"name": "leaky_relu", "negative_slope": 0.2})j") == 2);
  CHECK(baseline_of(R"j({"name": "tanh"})j") == 3);
  // The spec as resolved is what matches: 2e-1 is 0.2.
  CHECK(baseline_of("leaky_relu(negative_slope=2e-1)") == 2);
  // The resolved config keeps the form: a name stays a name, a spec gets every parameter.
  const Settings s = parse(with_train(""), {{"compare.activations", kList}, {"compare.baseline", "tanh"}});
  CHECK(resolved(s)["compare"]["baseline"] == "tanh");

  // Left at its default, relu pairs nothing when the list has none.
  CHECK_FALSE(parse(with_train(R"j(, "compare": {"activations": ["tanh", "sigmoid"]})j")).compare.baseline);
  CHECK(parse(with_train(R"j(, "compare": {"activations": ["tanh", "relu"]})j")).compare.baseline == 1);
}

TEST_CASE("compare.baseline: an error when it names no entry or several") {
  CHECK(baseline_error("leaky_relu") ==
        "configs/x.json: compare.baseline: \"leaky_relu\" names 2 entries of compare.activations "
        "(leaky_relu(negative_slope=0.01), leaky_relu(negative_slope=0.2)); give the full spec of one, e.g. "
        "\"leaky_relu(negative_slope=0.2)\" (from --set compare.baseline=leaky_relu)");
  CHECK(baseline_error("leaky_relu(negative_slope=0.3)") ==
        "configs/x.json: compare.baseline: \"leaky_relu(negative_slope=0.3)\" is not in compare.activations (relu, "
        "leaky_relu(negative_slope=0.01), leaky_relu(negative_slope=0.2), tanh) (from --set "
        "compare.baseline=leaky_relu(negative_slope=0.3))");
  CHECK(baseline_error("sigmoid") ==
        "configs/x.json: compare.baseline: \"sigmoid\" is not in compare.activations (relu, "
        "leaky_relu(negative_slope=0.01), leaky_relu(negative_slope=0.2), tanh) (from --set "
        "compare.baseline=sigmoid)");
  // relu given, not defaulted, must be in the list.
  CHECK(baseline_error("relu", R"j(["tanh"])j") ==
        "configs/x.json: compare.baseline: \"relu\" is not in compare.activations (tanh) (from --set "
        "compare.baseline=relu)");
  CHECK(baseline_error("leaky_relu(slope=0.2)")
            .starts_with("configs/x.json: compare.baseline.slope: unknown parameter of leaky_relu"));
  // A repeated entry would be trained twice and make the baseline ambiguous.
  CHECK(error_of(with_train(R"j(, "compare": {"activations": ["relu", "prelu", "prelu(init=0.25)"]})j")) ==
        "configs/x.json: compare.activations[2]: repeats compare.activations[1] (prelu(num_parameters=1, init=0.25))");
}
