// The median of a numeric column, its default fill value for empty cells.
#pragma once

#include <span>

namespace mlp::detail {

// The middle of `values` (none NaN, at least one) once sorted, or the mean of the two middle ones
// for an even count. Found by radix selection, both middle values at once: two passes over the
// values and a few over the values left (std::nth_element's partitions took a sixth of loading
// a 400,000-row file of 32 numeric columns).
double median_of(std::span<const float> values);

}  // namespace mlp::detail
