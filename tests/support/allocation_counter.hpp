// Counts heap allocations made through operator new (replaced in test_allocations.cpp), so a
// test can assert that a piece of code allocates nothing.
#pragma once

#include <cstddef>

namespace mlp::test {

// Allocations counted so far in this process (all threads).
std::size_t allocation_count();

}  // namespace mlp::test
