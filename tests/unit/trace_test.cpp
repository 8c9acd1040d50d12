// SPDX-License-Identifier: MIT
// The names AUTOFIX_GATE_TRACE prints: a scope's path is its parents' paths and its own name.
#include "gate/util/trace.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TEST(TracePath, AScopeWithoutParentIsItsName) { EXPECT_EQ(trace_path("", "attempt"), "attempt"); }

TEST(TracePath, ANestedScopeFollowsItsParentAfterASlash) {
  EXPECT_EQ(trace_path("attempt", "baseline"), "attempt/baseline");
  EXPECT_EQ(trace_path("attempt/baseline", "lookup"), "attempt/baseline/lookup");
}

TEST(TracePath, ANamePrefixedWithItsParentsNameDropsThePrefix) {
  EXPECT_EQ(trace_path("attempt/snapshot", "snapshot: read index"), "attempt/snapshot/read index");
  EXPECT_EQ(trace_path("snapshot", "snapshot: write objects"), "snapshot/write objects");
  EXPECT_EQ(trace_path("attempt/rollback/restore", "restore: index"), "attempt/rollback/restore/index");
}

TEST(TracePath, APrefixNamedByAnyEnclosingScopeIsDropped) {
  EXPECT_EQ(trace_path("attempt/rollback/restore/write files", "restore: refs"), "attempt/rollback/restore/write files/refs");
  EXPECT_EQ(trace_path("snapshot/x", "snapshot: read index"), "snapshot/x/read index");
}

TEST(TracePath, APrefixNoEnclosingScopeNamesStays) {
  EXPECT_EQ(trace_path("attempt/rollback", "snapshot: read index"), "attempt/rollback/snapshot: read index");
  EXPECT_EQ(trace_path("attempt/snap", "snapshot: read index"), "attempt/snap/snapshot: read index");
  EXPECT_EQ(trace_path("attempt/snapshots", "snapshot: read index"), "attempt/snapshots/snapshot: read index");
  EXPECT_EQ(trace_path("attempt/snapshot", "snapshot: "), "attempt/snapshot/snapshot: ");
}

}  // namespace
}  // namespace autofix
