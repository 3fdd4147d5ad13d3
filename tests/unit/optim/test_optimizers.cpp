// Optimizer updates, worked by hand from the torch.optim 1.13 formulas (arithmetic in the
// comments, in exact decimals) and cross-checked against torch itself: tests/reference/
// optimizers.py prints torch's float32 results for the same cases (quoted as "torch:").
#include "param_blocks.hpp"

#include "mlp/error.hpp"
#include "mlp/optimizer.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <vector>

using namespace mlp;
using test::TestParams;

namespace {

// One parameter starting at 1, stepped with the given gradients; its value after each step.
std::vector<double> trace(const OptimizerConfig& config, std::initializer_list<double> grads) {
  TestParams p({{1.0}});
  auto optimizer = config.create(p.blocks);
  std::vector<double> values;
  for (double g : grads) {
    p.grads[0][0] = static_cast<Scalar>(g);
    optimizer->step(p.blocks, config.lr());
    values.push_back(static_cast<double>(p.values[0][0]));
  }
  return values;
}

void check_trace(const std::vector<double>& actual, std::initializer_list<double> expected) {
  REQUIRE(actual.size() == expected.size());
  std::size_t i = 0;
  for (double e : expected) {
    CAPTURE(i);
    CHECK(actual[i++] == doctest::Approx(e).epsilon(1e-6));
  }
}

}  // namespace

TEST_CASE("sgd, worked by hand: plain, momentum with dampening and weight decay, nesterov") {
  // p = 1 - 0.1*1 = 0.9; p = 0.9 - 0.1*2 = 0.7.  torch: 0.89999998, 0.69999999
  check_trace(trace(OptimizerConfig::with("sgd", {{"lr", 0.1}}), {1, 2}), {0.9, 0.7});

  // momentum 0.9, dampening 0.5, weight_decay 0.1, lr 0.1, gradients 1, 2, -1:
  // 1: d = 1 + 0.1*1 = 1.1; buf = d = 1.1 (the first step takes d undamped); p = 1 - 0.11 = 0.89
  // 2: d = 2 + 0.1*0.89 = 2.089; buf = 0.9*1.1 + 0.5*2.089 = 2.0345; p = 0.89 - 0.20345 = 0.68655
  // 3: d = -1 + 0.068655 = -0.931345; buf = 0.9*2.0345 - 0.5*0.931345 = 1.3653775;
  //    p = 0.68655 - 0.13653775 = 0.55001225.  torch: 0.88999999, 0.68654996, 0.55001223
  check_trace(
      trace(OptimizerConfig::with("sgd", {{"lr", 0.1}, {"momentum", 0.9}, {"dampening", 0.5}, {"weight_decay", 0.1}}),
            {1, 2, -1}),
      {0.89, 0.68655, 0.55001225});

  // nesterov, momentum 0.9, lr 0.1, gradients 1, 2:
  // 1: buf = 1; d = 1 + 0.9*1 = 1.9; p = 1 - 0.19 = 0.81
  // 2: buf = 0.9*1 + 2 = 2.9; d = 2 + 0.9*2.9 = 4.61; p = 0.81 - 0.461 = 0.349.  torch: 0.81, 0.34899998
  check_trace(trace(OptimizerConfig::with("sgd", {{"lr", 0.1}, {"momentum", 0.9}, {"nesterov", 1}}), {1, 2}),
              {0.81, 0.349});
}

TEST_CASE("sgd: nesterov without momentum, or with dampening, is refused when created") {
  // Values as a reader gives them (of(), which checks nothing): the table's rule refuses these
  // before an optimizer is made (core/test_registry.cpp); the optimizer refuses them too.
  const auto sgd = [](double momentum, double dampening) {
    return OptimizerConfig::of(optimizers().at("sgd"), {0.01, momentum, dampening, 0, 1});
  };
  TestParams p({{1.0}});
  CHECK_THROWS_WITH_AS(sgd(0, 0).create(p.blocks),
                       "optimizer sgd: nesterov=true requires momentum > 0 and dampening = 0", InputError);
  CHECK_THROWS_AS(sgd(0.9, 0.1).create(p.blocks), InputError);
  CHECK_NOTHROW(sgd(0.9, 0).create(p.blocks));
}

TEST_CASE("adam and adamw, worked by hand") {
  // lr 0.1, betas (0.9, 0.999), eps 1e-8, gradients 1, -2:
  // 1: m = 0.1; v = 0.001; bias corrections 1 - 0.9 = 0.1, 1 - 0.999 = 0.001;
  //    p = 1 - (0.1/0.1) * 0.1 / (sqrt(0.001)/sqrt(0.001) + 1e-8) = 1 - 0.1/(1 + 1e-8) = 0.900000001
  // 2: m = 0.09 - 0.2 = -0.11; v = 0.000999 + 0.004 = 0.004999; corrections 0.19, 0.001999;
  //    denom = sqrt(0.004999)/sqrt(0.001999) + 1e-8 = 1.5813761; step = 0.1/0.19 = 0.52631579;
  //    p = 0.900000001 + 0.52631579*0.11/1.5813761 = 0.93661035.  torch: 0.90000004, 0.9366104
  check_trace(trace(OptimizerConfig::with("adam", {{"lr", 0.1}}), {1, -2}), {0.900000001, 0.93661035347});

  // Adam's weight decay is L2 in the gradient: g = 1 + 0.1*1 = 1.1, m = 0.11, v = 0.00121,
  // p = 1 - 0.1 * 1.1/(1.1 + 1e-8) = 0.9 (the decay cancels in m/sqrt(v)).  torch: 0.89999998
  check_trace(trace(OptimizerConfig::with("adam", {{"lr", 0.1}, {"weight_decay", 0.1}}), {1}), {0.9});

  // AdamW decays p itself first: p = 1*(1 - 0.1*0.1) = 0.99, then the Adam step above:
  // 1: p = 0.99 - 0.1/(1 + 1e-8) = 0.890000001
  // 2: p = 0.890000001*0.99 = 0.88110000099, + 0.03661035347 = 0.91771035346.
  //    torch: 0.89000005, 0.91771042
  check_trace(trace(OptimizerConfig::with("adamw", {{"lr", 0.1}, {"weight_decay", 0.1}}), {1, -2}),
              {0.890000001, 0.91771035346});
}

TEST_CASE("adam with amsgrad divides by the running maximum of v") {
  // lr 0.1, betas (0.9, 0.5), gradients 2, 0.5:
  // 1: m = 0.2; v = 0.5*4 = 2; v_max = 2; corrections 0.1, 0.5; p = 1 - 1*0.2/(sqrt(2)/sqrt(0.5)) = 0.9
  // 2: m = 0.18 + 0.05 = 0.23; v = 1 + 0.125 = 1.125 < v_max = 2; corrections 0.19, 0.75;
  //    amsgrad: p = 0.9 - (0.1/0.19)*0.23/(sqrt(2)/sqrt(0.75)) = 0.9 - 0.12105263/1.6329932 = 0.82587071
  //    plain:   p = 0.9 - 0.12105263/sqrt(1.125/0.75) = 0.9 - 0.12105263/1.2247449 = 0.80116094
  //    torch: 0.89999998, 0.82587069 (amsgrad); 0.89999998, 0.80116093 (plain)
  check_trace(trace(OptimizerConfig::with("adam", {{"lr", 0.1}, {"betas", 0.9, 0.5}, {"amsgrad", 1}}), {2, 0.5}),
              {0.9, 0.8258707056});
  check_trace(trace(OptimizerConfig::with("adam", {{"lr", 0.1}, {"betas", 0.9, 0.5}}), {2, 0.5}), {0.9, 0.8011609410});
}

TEST_CASE("rmsprop, worked by hand: plain, and centered with momentum") {
  // lr 0.01, alpha 0.99, eps 1e-8, gradients 1, 2:
  // 1: s = 0.01*1 = 0.01; p = 1 - 0.01*1/(0.1 + 1e-8) = 0.90000001
  // 2: s = 0.0099 + 0.04 = 0.0499; p = 0.90000001 - 0.02/(0.22338308 + 1e-8) = 0.81046772.
  //    torch: 0.90000004, 0.81046772
  check_trace(trace(OptimizerConfig::with("rmsprop", {}), {1, 2}), {0.90000001, 0.8104677178});

  // centered, momentum 0.9:
  // 1: s = 0.01; a = 0.01*1 = 0.01; avg = sqrt(0.01 - 0.0001) + 1e-8 = 0.09949875;
  //    buf = 1/0.09949875 = 10.050377; p = 1 - 0.01*10.050377 = 0.89949623
  // 2: s = 0.0499; a = 0.0099 + 0.02 = 0.0299; avg = sqrt(0.0499 - 0.00089401) = 0.22137298;
  //    buf = 0.9*10.050377 + 2/0.22137298 = 9.0453394 + 9.0345264 = 18.079866;
  //    p = 0.89949623 - 0.18079866 = 0.71869757.  torch: 0.8994962, 0.71869755
  check_trace(trace(OptimizerConfig::with("rmsprop", {{"momentum", 0.9}, {"centered", 1}}), {1, 2}),
              {0.8994962286, 0.7186975700});
}

TEST_CASE("adagrad, worked by hand, with lr_decay and an initial accumulator") {
  // lr 0.1, lr_decay 0.5, initial_accumulator_value 0.1, eps 1e-10, gradients 1, 2:
  // 1: clr = 0.1/(1 + 0*0.5) = 0.1; sum = 0.1 + 1 = 1.1; p = 1 - 0.1*1/sqrt(1.1) = 0.90465374
  // 2: clr = 0.1/(1 + 1*0.5) = 0.066666667; sum = 1.1 + 4 = 5.1;
  //    p = 0.90465374 - 0.066666667*2/sqrt(5.1) = 0.90465374 - 0.05904099 = 0.84561275.
  //    torch: 0.90465373, 0.8456127
  check_trace(
      trace(OptimizerConfig::with("adagrad", {{"lr", 0.1}, {"lr_decay", 0.5}, {"initial_accumulator_value", 0.1}}),
            {1, 2}),
      {0.9046537411, 0.8456127487});
}

TEST_CASE("five steps on two blocks match torch 1.13 for every variant") {
  // w = [0.5, -1, 2] and b = [0.1, -0.3] on L = sum c (p - t)^2 / 2, gradient (p - t) * c in
  // float32; the expected values are tests/reference/optimizers.py's output.
  struct Case {
    OptimizerConfig config;
    std::vector<double> expected;  // w then b after 5 steps
  };
  const Case cases[] = {
      {OptimizerConfig::with("sgd", {{"lr", 0.1}}),
       {0.7047550678253174, -0.32767996191978455, 1.3213428258895874, 0.4327719807624817, 0.027607988566160202}},
      {OptimizerConfig::with("sgd", {{"lr", 0.1}, {"momentum", 0.9}}),
       {1.0145800113677979, 0.5804200172424316, 0.2514679729938507, 0.8113119602203369, 0.5233279466629028}},
      {OptimizerConfig::with("sgd", {{"lr", 0.1}, {"momentum", 0.9}, {"dampening", 0.5}, {"weight_decay", 0.1}}),
       {0.8312335014343262, 0.3286190330982208, 0.6541557312011719, 0.7416369318962097, 0.31094175577163696}},
      {OptimizerConfig::with("sgd", {{"lr", 0.1}, {"momentum", 0.9}, {"nesterov", 1}}),
       {1.052290916442871, 0.41571754217147827, -0.05217308551073074, 0.6391409039497375, 0.5836653113365173}},
      {OptimizerConfig::with("adam", {{"lr", 0.1}}),
       {0.972185492515564, -0.5079637169837952, 1.5017794370651245, 0.5553891658782959, 0.1884957104921341}},
      {OptimizerConfig::with("adam", {{"lr", 0.1}, {"betas", 0.8, 0.5}, {"weight_decay", 0.1}, {"amsgrad", 1}}),
       {0.9270450472831726, -0.5066400170326233, 1.4958678483963013, 0.5190721750259399, 0.17929145693778992}},
      {OptimizerConfig::with("adamw", {{"lr", 0.1}}),
       {0.9690609574317932, -0.5040801763534546, 1.492837905883789, 0.5541251301765442, 0.18896402418613434}},
      {OptimizerConfig::with("adamw", {{"lr", 0.1}, {"betas", 0.8, 0.5}, {"weight_decay", 0.5}, {"amsgrad", 1}}),
       {0.8150613903999329, -0.3456938564777374, 1.0938612222671509, 0.46829426288604736, 0.1985328495502472}},
      {OptimizerConfig::with("rmsprop", {{"lr", 0.01}}),
       {0.7784289717674255, -0.696465790271759, 1.682053804397583, 0.36446213722229004, -0.00235593318939209}},
      {OptimizerConfig::with("rmsprop",
                             {{"lr", 0.01}, {"alpha", 0.9}, {"weight_decay", 0.1}, {"momentum", 0.9}, {"centered", 1}}),
       {0.814744234085083, -0.6655627489089966, 1.658197045326233, 0.4122735261917114, 0.030402233824133873}},
      {OptimizerConfig::with("adagrad", {{"lr", 0.1}}),
       {0.7773082256317139, -0.6977148652076721, 1.683340072631836, 0.36344194412231445, -0.0035817772150039673}},
      {OptimizerConfig::with(
           "adagrad", {{"lr", 0.1}, {"lr_decay", 0.5}, {"weight_decay", 0.1}, {"initial_accumulator_value", 0.1}}),
       {0.6663349270820618, -0.7979691028594971, 1.7939058542251587, 0.2846181392669678, -0.1081697940826416}},
  };
  Vector target_w(3), target_b(2), c_w(3), c_b(2);
  target_w << 1, 0, -1;
  target_b << 0.5, 0.5;
  c_w << 1, 2, 0.5;
  c_b << 3, 1;
  for (const Case& c : cases) {
    CAPTURE(c.config.describe());
    TestParams p({{0.5, -1.0, 2.0}, {0.1, -0.3}});
    auto optimizer = c.config.create(p.blocks);
    for (int step = 0; step < 5; ++step) {
      p.grads[0] = (p.values[0] - target_w).cwiseProduct(c_w);
      p.grads[1] = (p.values[1] - target_b).cwiseProduct(c_b);
      optimizer->step(p.blocks, c.config.lr());
    }
    const Scalar actual[] = {p.values[0][0], p.values[0][1], p.values[0][2], p.values[1][0], p.values[1][1]};
    for (std::size_t i = 0; i < 5; ++i) {
      CAPTURE(i);
      // Within a few float32 ulps of torch (both sides may or may not fuse multiply-adds).
      CHECK(static_cast<double>(actual[i]) == doctest::Approx(c.expected[i]).epsilon(1e-6).scale(1e-2));
    }
  }
}
