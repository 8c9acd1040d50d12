// SPDX-License-Identifier: MIT
#include "gate/policy/retention.h"

#include <algorithm>

#include "gate/util/error.h"

namespace autofix {

std::vector<std::string> names_to_drop(std::vector<Retained> items, std::size_t keep,
                                       std::chrono::system_clock::duration younger_than, std::size_t at_most,
                                       SystemTime now, const std::set<std::string>& pinned) {
  std::sort(items.begin(), items.end(), [](const Retained& a, const Retained& b) {
    return a.time != b.time ? a.time > b.time : a.name > b.name;  // newest first
  });
  // Pinned items take their places first: the others fill what is left of the limits.
  std::size_t kept = static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [&](const Retained& i) { return pinned.count(i.name) > 0; }));
  std::vector<std::string> drop;
  for (const Retained& item : items) {
    if (pinned.count(item.name)) continue;
    bool stays = kept < keep || (now - item.time < younger_than && kept < at_most);
    if (stays) ++kept;
    else drop.push_back(item.name);
  }
  std::reverse(drop.begin(), drop.end());
  return drop;
}

std::optional<SystemTime> time_of_snapshot_id(const std::string& id) {
  // YYYYMMDDTHHMMSSZ-...
  if (id.size() < 17 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return std::nullopt;
  const std::string iso = id.substr(0, 4) + "-" + id.substr(4, 2) + "-" + id.substr(6, 2) + "T" + id.substr(9, 2) + ":" +
                          id.substr(11, 2) + ":" + id.substr(13, 2) + "Z";
  try {
    return parse_iso8601_utc(iso);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace autofix
