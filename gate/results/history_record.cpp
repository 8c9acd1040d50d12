// SPDX-License-Identifier: MIT
#include "gate/results/history_record.h"

#include <cctype>
#include <cstdio>
#include <random>

namespace autofix {

bool is_history_id(std::string_view id) noexcept {
  if (id.size() < 23 || id.size() > 33 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 15 || i == 16) continue;
    const char c = id[i];
    if (i < 15 ? !std::isdigit(static_cast<unsigned char>(c)) : !(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')))
      return false;
  }
  const int month = (id[4] - '0') * 10 + (id[5] - '0');
  const int day = (id[6] - '0') * 10 + (id[7] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

std::string new_history_id(SystemTime started) {
  static std::mt19937_64 rng{std::random_device{}()};
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return format_compact_utc(started) + "-" + suffix;
}

}  // namespace autofix
