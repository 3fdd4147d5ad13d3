// Running a compiled Program over a batch: the whole-array instructions chunk by chunk.
#pragma once

#include "formula/program.hpp"

#include <span>

namespace mlp::formula::detail {

// Runs `program` over the rows x cols elements (column-major, unit = row) of x, and of a and g
// when it reads them, in chunks of Kernel<T>::kChunk elements, writing `outputs` as its sinks
// say (a kSumTimesGrad output: rows values, overwritten). `registers` holds program.registers + 1
// chunks, `scalars` program.scalars.size() values. Allocates nothing. Instantiated for float
// and double.
template <class T>
void run_program(const Program& program, std::span<const typename Kernel<T>::Binding> params, Eigen::Index rows,
                 Eigen::Index cols, const T* x, const T* a, const T* g, std::span<T* const> outputs, T* registers,
                 double* scalars);

}  // namespace mlp::formula::detail
