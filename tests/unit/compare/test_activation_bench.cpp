// The activation costs laid out for each --format of `compare --bench-activations`: one layout
// per format, the same fields in each.
#include "mlp/activation_bench.hpp"

#include <doctest/doctest.h>

using namespace mlp;

namespace {

const std::vector<ActivationCost> kCosts = {
    {"copy", 0.5, 0, false}, {"prelu(num_parameters=1, init=0.25)", 1.25, 2.5, false}, {"identity", 0, 0, true}};

}  // namespace

TEST_CASE("activation costs as CSV: a header, then one row per cost, quoted per RFC 4180") {
  CHECK(activation_costs_csv(kCosts) ==
        "activation,forward_ns,backward_ns,total_ns,passes_input_through\n"
        "copy,0.5,0,0.5,false\n"
        "\"prelu(num_parameters=1, init=0.25)\",1.25,2.5,3.75,false\n"
        "identity,0,0,0,true\n");
}

TEST_CASE("activation costs as JSON and as a table hold the same entries") {
  const nlohmann::json j = activation_costs_json(kCosts);
  REQUIRE(j.size() == 3);
  CHECK(j[1] == nlohmann::json{{"activation", "prelu(num_parameters=1, init=0.25)"},
                               {"forward_ns", 1.25},
                               {"backward_ns", 2.5},
                               {"total_ns", 3.75},
                               {"passes_input_through", false}});
  const std::string table = activation_costs_table(kCosts);
  CHECK(table.find("x copy\n") != std::string::npos);
  CHECK(table.find("prelu(num_parameters=1, init=0.25)          1.250        2.500        3.750       7.5\n") !=
        std::string::npos);
  CHECK(table.find("identity") != std::string::npos);
  CHECK(table.find("(passes its input through)") != std::string::npos);
}
