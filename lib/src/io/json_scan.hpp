// Flat scans of JSON text, for what nlohmann's parser either must not see (nesting deep enough to
// overflow its recursion) or reports without a position (a number beyond a double's range), and
// its messages made safe to print (they quote raw input bytes). Shared by the config reader and
// the model and checkpoint reader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mlp::detail {

// Index of the first '[' or '{' (outside strings) that opens a level deeper than `max_depth`,
// or npos.
std::size_t too_deep_at(std::string_view text, int max_depth);

// Index of the first number (outside strings) too large for a double, e.g. 1e400, or npos.
std::size_t number_overflow_at(std::string_view text);

// "3:15": the 1-based line and column (in bytes) of text[index].
std::string line_column_at(std::string_view text, std::size_t index);

}  // namespace mlp::detail
