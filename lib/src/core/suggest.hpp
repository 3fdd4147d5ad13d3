// "Did you mean ...?": the closest known word to a misspelt one, for config keys and names.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mlp {

// Optimal string alignment distance (Levenshtein plus transposition of neighbours, so "rleu" is
// one edit from "relu"), compared case-insensitively.
int edit_distance(std::string_view a, std::string_view b);

// `; did you mean "relu"?` when a candidate is within max(2, length / 3) edits of `word` (and
// fewer edits than the longer of the two has letters), the closest one (the first in order on a
// tie); otherwise the empty string.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

// `; did you mean "relu"? valid: identity, relu` or, with no close candidate, `; valid: identity,
// relu`: the tail of an "unknown name" message.
std::string suggest_or_list(std::string_view word, std::span<const std::string> candidates);

// "a, b, c": the candidates in order, for "valid: ..." in messages.
std::string join(std::span<const std::string> words, std::string_view separator = ", ");

}  // namespace mlp
