#include "core/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mlp {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

int edit_distance(std::string_view a, std::string_view b) {
  // d[i][j]: edits turning a[0, i) into b[0, j); three rows suffice for the transposition case.
  const std::size_t n = b.size();
  std::vector<int> before(n + 1), previous(n + 1), current(n + 1);
  for (std::size_t j = 0; j <= n; ++j) previous[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= n; ++j) {
      const int substitution = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + substitution});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[n];
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  const std::string* best = nullptr;
  int best_distance = 0;
  for (const std::string& candidate : candidates) {
    const int distance = edit_distance(word, candidate);
    const int limit = std::max<int>(2, static_cast<int>(candidate.size()) / 3);
    // Below the longer length too, or every one-letter word would "resemble" every other.
    const int longer = static_cast<int>(std::max(word.size(), candidate.size()));
    if (distance <= limit && distance < longer && (best == nullptr || distance < best_distance)) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? std::string() : "; did you mean \"" + *best + "\"?";
}

std::string suggest_or_list(std::string_view word, std::span<const std::string> candidates) {
  const std::string suggestion = did_you_mean(word, candidates);
  return (suggestion.empty() ? "; valid: " : suggestion + " valid: ") + join(candidates);
}

std::string join(std::span<const std::string> words, std::string_view separator) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) text += separator;
    text += word;
  }
  return text;
}

}  // namespace mlp
