// SPDX-License-Identifier: MIT
#include "gate/policy/known_good.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

std::vector<BranchCommit> branch() {
  // newest first: an autofix commit, the user's, another autofix commit, the first commit
  return {{.id = "d", .time = 4, .summary = "autofix: d", .autofix = true, .tags = {}},
          {.id = "c", .time = 3, .summary = "mine", .autofix = false, .tags = {"v1.1"}},
          {.id = "b", .time = 2, .summary = "autofix: b", .autofix = true, .tags = {}},
          {.id = "a", .time = 1, .summary = "first", .autofix = false, .tags = {"v1.0"}}};
}

Judgment judged(const std::string& commit, const std::string& verdict, const std::string& when,
                const std::string& command = "verify") {
  return {.commit = commit, .command = command, .record_id = "r-" + commit + "-" + when, .verdict = verdict, .when = when};
}

TEST(KnownGood, AutofixCommitsAfterEachVersionAreCounted) {
  std::vector<KnownVersion> v = known_versions(branch(), {});
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].autofix_after, 0u);
  EXPECT_EQ(v[1].autofix_after, 1u);
  EXPECT_EQ(v[2].autofix_after, 1u);
  EXPECT_EQ(v[3].autofix_after, 2u);
  EXPECT_EQ(last_green(v), std::nullopt);
}

TEST(KnownGood, LastGreenIsTheNewestCommitWhoseNewestJudgmentIsGreen) {
  std::vector<KnownVersion> v = known_versions(
      branch(), {judged("a", "accepted", "2026-12-01T00:00:00Z"), judged("c", "accepted", "2026-12-02T00:00:00Z"),
                 // later, a health check found c broken: c is green no more
                 judged("c", "rejected", "2026-12-03T00:00:00Z", "health"),
                 judged("b", "identical", "2026-12-02T00:00:00Z", "rollback"), judged("d", "error", "2026-12-04T00:00:00Z")});
  EXPECT_EQ(v[1].green, std::nullopt);
  ASSERT_TRUE(v[1].latest.has_value());
  EXPECT_EQ(v[1].latest->command, "health");
  EXPECT_EQ(v[0].green, std::nullopt);
  ASSERT_TRUE(last_green(v).has_value());
  EXPECT_EQ(last_green(v)->commit.id, "b");
  EXPECT_EQ(last_green(v)->green->command, "rollback");
}

TEST(KnownGood, GreenVerdictsAreAcceptedAndARollbacksIdenticalTree) {
  EXPECT_TRUE(is_green_verdict("accepted"));
  EXPECT_TRUE(is_green_verdict("identical"));
  EXPECT_FALSE(is_green_verdict("needs_review"));
  EXPECT_FALSE(is_green_verdict("rolled_back"));
  EXPECT_FALSE(is_green_verdict("rejected"));
}

}  // namespace
}  // namespace autofix
