// Which matrix-product backend this build uses for the dense layers' products (for --version).
#pragma once

#include <string>

namespace mlp {

// One line: "Eigen 3.4.0" for a build without OpenBLAS (MLP_GEMM=eigen, or OpenBLAS not found),
// else OpenBLAS's version and kernel set and which products it takes (lib/src/core/gemm.cpp).
std::string gemm_backend_text();

}  // namespace mlp
