// SPDX-License-Identifier: MIT
#include "gate/util/spelling.h"

#include <algorithm>
#include <cctype>

namespace autofix {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_name(std::string_view got, const std::vector<std::string_view>& names) {
  // Shorter words are within two edits of almost anything: no suggestion rather than a silly one.
  if (got.size() < 3) return std::nullopt;
  std::string lower(got);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t best = 3;
  std::optional<std::string> best_name;
  for (std::string_view name : names) {
    std::size_t d = edit_distance(lower, name);
    if (d < best) {
      best = d;
      best_name = std::string(name);
    }
  }
  return best_name;
}

}  // namespace autofix
