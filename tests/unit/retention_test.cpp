// SPDX-License-Identifier: MIT
// The retention rule (gate/policy/retention.h): which of the gate's snapshots and baselines go, given
// their ages.
#include "gate/policy/retention.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;

const SystemTime kNow = parse_iso8601_utc("2026-12-07T12:00:00Z");

// Items named "a<days old>", one per age given.
std::vector<Retained> aged(std::initializer_list<int> days_old) {
  std::vector<Retained> out;
  for (int d : days_old) out.push_back({"a" + std::to_string(d), kNow - d * 24h});
  return out;
}

TEST(Retention, KeepsTheNewestAndDropsTheRestOldestFirst) {
  EXPECT_EQ(names_to_drop(aged({3, 0, 5, 1, 4, 2}), 2, 0h, 2, kNow, {}), (Strings{"a5", "a4", "a3", "a2"}));
}

TEST(Retention, NothingToDropWhenWithinTheLimits) {
  EXPECT_EQ(names_to_drop(aged({0, 1}), 2, 0h, 2, kNow, {}), Strings{});
  EXPECT_EQ(names_to_drop({}, 1, 0h, 1, kNow, {}), Strings{});
}

TEST(Retention, KeepsYoungerOnesBeyondTheNewestUpToTheCap) {
  // Newest 1 always; younger than 3 days while fewer than 3 kept in all.
  EXPECT_EQ(names_to_drop(aged({0, 1, 2, 4, 5}), 1, 72h, 3, kNow, {}), (Strings{"a5", "a4"}));
  // The cap bounds what the age would keep: many young ones, few kept.
  EXPECT_EQ(names_to_drop(aged({0, 0, 0, 0, 0}), 1, 72h, 2, kNow, {}).size(), 3u);
}

TEST(Retention, TheNewestStayWhateverTheirAge) {
  EXPECT_EQ(names_to_drop(aged({100, 200, 300}), 2, 24h, 2, kNow, {}), Strings{"a300"});
}

TEST(Retention, PinnedItemsStayAndCountAsKept) {
  // a9 is what an unfinished operation needs: it stays, and it is one of the two kept.
  EXPECT_EQ(names_to_drop(aged({0, 1, 9}), 2, 0h, 2, kNow, {"a9"}), Strings{"a1"});
  // Pinned beyond the limit: they stay all the same, and nothing else does.
  EXPECT_EQ(names_to_drop(aged({0, 5, 9}), 1, 0h, 1, kNow, {"a5", "a9"}), Strings{"a0"});
  EXPECT_EQ(names_to_drop(aged({0}), 1, 0h, 1, kNow, {"not there"}), Strings{}) << "a name that is not there takes no place";
}

TEST(Retention, EqualTimesAreOrderedByName) {
  std::vector<Retained> same = {{"b", kNow}, {"a", kNow}, {"c", kNow}};
  EXPECT_EQ(names_to_drop(same, 1, 0h, 1, kNow, {}), (Strings{"a", "b"}));
}

TEST(Retention, ReadsTheTimeASnapshotIdStartsWith) {
  EXPECT_EQ(time_of_snapshot_id("20261122T041940Z-4c8cda"), parse_iso8601_utc("2026-11-22T04:19:40Z"));
  EXPECT_EQ(time_of_snapshot_id("20261122T041940Z-"), parse_iso8601_utc("2026-11-22T04:19:40Z"));
  EXPECT_EQ(time_of_snapshot_id("my-snapshot"), std::nullopt);
  EXPECT_EQ(time_of_snapshot_id("20261322T041940Z-4c8cda"), std::nullopt);  // month 13
  EXPECT_EQ(time_of_snapshot_id("2026112xT041940Z-4c8cda"), std::nullopt);
  EXPECT_EQ(time_of_snapshot_id("20261122T041940Z4c8cda"), std::nullopt);
}

}  // namespace
}  // namespace autofix
