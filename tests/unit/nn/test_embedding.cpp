// The embedding layer (model.categorical "embedding"): fastai's size rule, the lookup a one-hot
// input makes, copied parts.
#include "mlp/error.hpp"
#include "mlp/layers.hpp"
#include "mlp/network.hpp"

#include <doctest/doctest.h>

using namespace mlp;

TEST_CASE("embedding_dim is fastai's min(600, round(1.6 n^0.56))") {
  CHECK(embedding_dim(1) == 2);        // 1.6
  CHECK(embedding_dim(2) == 2);        // 2.36
  CHECK(embedding_dim(10) == 6);       // 5.81
  CHECK(embedding_dim(100) == 21);     // 21.1
  CHECK(embedding_dim(90000) == 600);  // 952 before the cap
  CHECK(embedding_dim(1 << 24) == 600);
}

TEST_CASE("an embedding layer copies numeric parts and looks up the hot level of a categorical part") {
  // Parts: 2 numeric inputs, a column of 3 levels embedded in 2 values, 1 numeric input.
  EmbeddingLayer layer({{2, 0}, {3, 2}, {1, 0}});
  REQUIRE(layer.input_size() == 6);
  REQUIRE(layer.output_size() == 5);
  REQUIRE(layer.embedded_count() == 1);
  layer.weight(0) << 1, 2, 3,  //
      4, 5, 6;
  Matrix x(6, 3);
  x << 0.5, -1, 7,  //
      1.5, 2, 8,    //
      0, 1, 0,      //
      1, 0, 0,      //
      0, 0, 0,      // the third sample has no level of its own: zeros
      9, 10, 11;
  Matrix y(5, 3);
  layer.forward(cview(x), view(y), Mode::kEval);
  Matrix expected(5, 3);
  expected << 0.5, -1, 7,  //
      1.5, 2, 8,           //
      2, 1, 0,             //
      5, 4, 0,             //
      9, 10, 11;
  CHECK(y == expected);
  CHECK(layer.parameters().size() == 1);
  CHECK(layer.parameters()[0].value.size() == 6);
}

TEST_CASE("an embedding part without inputs is refused") { CHECK_THROWS_AS(EmbeddingLayer({{0, 2}}), InputError); }
