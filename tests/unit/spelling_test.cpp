// SPDX-License-Identifier: MIT
#include "gate/util/spelling.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

const std::vector<std::string_view> kCommands = {"snapshot", "attempt", "verify", "merge", "tier-status",
                                                 "baseline", "restore", "recover", "status", "snapshots"};

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("status", "status"), 0u);
  EXPECT_EQ(edit_distance("statu", "status"), 1u);
  EXPECT_EQ(edit_distance("statuss", "status"), 1u);
  EXPECT_EQ(edit_distance("stotus", "status"), 1u);
  EXPECT_EQ(edit_distance("statsu", "status"), 2u);  // a transposition is two edits
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestName, SuggestsTheNearestWithinTwoEdits) {
  EXPECT_EQ(closest_name("statsu", kCommands), "status");
  EXPECT_EQ(closest_name("atempt", kCommands), "attempt");
  EXPECT_EQ(closest_name("VERIFY", kCommands), "verify");  // letter case aside
  EXPECT_EQ(closest_name("snapshotz", kCommands), "snapshot");  // the first of equally close names
  EXPECT_EQ(closest_name("tier-stat", kCommands), "tier-status");
}

TEST(ClosestName, SuggestsNothingWhenNothingIsClose) {
  EXPECT_EQ(closest_name("frobnicate", kCommands), std::nullopt);
  EXPECT_EQ(closest_name("xyzzy", kCommands), std::nullopt);
  EXPECT_EQ(closest_name("st", kCommands), std::nullopt);  // too short to guess
  EXPECT_EQ(closest_name("", kCommands), std::nullopt);
  EXPECT_EQ(closest_name("status", {}), std::nullopt);
}

}  // namespace
}  // namespace autofix
