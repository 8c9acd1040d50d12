// SPDX-License-Identifier: MIT
#pragma once
// What the gate keeps of its own history (docs/configuration.md, "retention"): after each attempt and
// verify, the oldest snapshots, discarded work trees and stored baselines beyond these limits go, so
// that .git/autofix and refs/autofix/ stay bounded however many attempts ran. The rule is pure: given
// what exists, with its age, which to drop.
#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gate/util/clock.h"

namespace autofix {

struct RetentionConfig {
  bool enabled = true;
  std::size_t snapshots = 50;             // the newest snapshots (and discarded work trees) always kept
  int snapshot_days = 14;                 // older ones are kept while younger than this many days...
  std::size_t snapshots_at_most = 200;    // ...as long as no more than this many are kept in all
  std::size_t baselines = 20;             // stored test baselines: the most recently used
  bool operator==(const RetentionConfig&) const = default;
};

inline constexpr std::size_t kMaxRetentionCount = 1'000'000;
inline constexpr int kMaxRetentionDays = 36'500;

// One thing kept by the gate, by name, with when it was made (or last used).
struct Retained {
  std::string name;
  SystemTime time;
};

// The names of `items` to drop, oldest first. Newest first, the first `keep` stay; after them those
// younger than `younger_than` stay while fewer than `at_most` stay in all; the rest go. `pinned` ones
// (an unfinished operation's snapshot, the baseline in use) always stay and take their places first.
std::vector<std::string> names_to_drop(std::vector<Retained> items, std::size_t keep,
                                       std::chrono::system_clock::duration younger_than, std::size_t at_most,
                                       SystemTime now, const std::set<std::string>& pinned);

// When the snapshot (or attempt) `id` was taken, from the time its id starts with
// ("20261122T041940Z-4c8cda"); nullopt for a name of another form.
std::optional<SystemTime> time_of_snapshot_id(const std::string& id);

}  // namespace autofix
