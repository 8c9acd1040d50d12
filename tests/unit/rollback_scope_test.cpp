// SPDX-License-Identifier: MIT
#include "gate/policy/rollback_scope.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix {
namespace {

RollbackRequest three_commits(RollbackLevel level) {
  RollbackRequest r;
  r.level = level;
  r.since = {{"c3", "autofix: value", true}, {"c2", "mine", false}, {"c1", "autofix: note", true}};
  r.differing_paths = {"value.conf", "src/net/a.cpp", "notes/auto.txt", "src/net/b.h"};
  return r;
}

std::string usage_error_of(const RollbackRequest& r) {
  try {
    scope_rollback(r);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    return e.what();
  }
  return "(no error)";
}

TEST(RollbackScope, AutofixCommitsAreThoseWithTheGatesTrailers) {
  EXPECT_TRUE(is_autofix_commit({{"Autofix-Attempt", "x"}}));
  EXPECT_TRUE(is_autofix_commit({{"Signed-off-by", "a"}, {"Autofix-Batch", "b"}}));
  EXPECT_FALSE(is_autofix_commit({{"Autofix-Rollback", "r"}, {"Autofix-Rollback-To", "c"}}));
  EXPECT_FALSE(is_autofix_commit({}));
}

TEST(RollbackScope, EachLevelUndoesWhatItSays) {
  RollbackScope autofix = scope_rollback(three_commits(RollbackLevel::autofix));
  EXPECT_EQ(autofix.undone, (std::vector<RollbackCommit>{{"c3", "autofix: value", true}, {"c1", "autofix: note", true}}));
  EXPECT_TRUE(autofix.paths.empty());

  RollbackScope complete = scope_rollback(three_commits(RollbackLevel::complete));
  EXPECT_EQ(complete.undone.size(), 3u);

  RollbackRequest paths = three_commits(RollbackLevel::paths);
  paths.globs = {"src/net/**"};
  EXPECT_EQ(scope_rollback(paths).paths, (std::vector<std::string>{"src/net/a.cpp", "src/net/b.h"}));
}

TEST(RollbackScope, NothingToRollBackIsAUsageErrorSayingWhy) {
  RollbackRequest none = three_commits(RollbackLevel::complete);
  none.since.clear();
  EXPECT_EQ(usage_error_of(none), "HEAD is the version to roll back to: there is nothing to roll back");

  RollbackRequest no_autofix = three_commits(RollbackLevel::autofix);
  no_autofix.since = {{"c2", "mine", false}};
  EXPECT_EQ(usage_error_of(no_autofix),
            "no autofix commit (Autofix-Attempt or Autofix-Batch trailer) among the 1 commit(s) since the version");

  RollbackRequest no_match = three_commits(RollbackLevel::paths);
  no_match.globs = {"docs/**", "*.md"};
  EXPECT_EQ(usage_error_of(no_match), "no file that changed since the version matches docs/**, *.md (4 file(s) changed)");

  RollbackRequest no_globs = three_commits(RollbackLevel::paths);
  EXPECT_EQ(usage_error_of(no_globs), "--level paths needs --paths GLOB...");

  RollbackRequest stray_globs = three_commits(RollbackLevel::autofix);
  stray_globs.globs = {"x"};
  EXPECT_EQ(usage_error_of(stray_globs), "--paths goes with --level paths");
}

TEST(RollbackScope, ResetOnlyMovesAWholeBranchAndNeverOneWithAnUpstreamUnlessForced) {
  RollbackRequest reset = three_commits(RollbackLevel::autofix);
  reset.strategy = RollbackStrategy::reset;
  EXPECT_EQ(usage_error_of(reset), "--strategy reset moves the whole branch: it goes only with --level complete, not autofix");
  reset.level = RollbackLevel::complete;
  reset.has_upstream = true;
  EXPECT_EQ(usage_error_of(reset), "--strategy reset would rewrite history the branch shares with its upstream");
  reset.force = true;
  EXPECT_EQ(scope_rollback(reset).undone.size(), 3u);
}

TEST(RollbackScope, EveryCommitMessageEndsWithTheTrailersThatFindIt) {
  RollbackScope scope = scope_rollback(three_commits(RollbackLevel::autofix));
  const std::string to(40, 'a');
  EXPECT_EQ(rollback_commit_message(RollbackLevel::autofix, "R1", to, scope, &scope.undone[0], "broke prod"),
            "Revert \"autofix: value\"\n\nThis reverts commit c3 (autofix-gate rollback to aaaaaaaaaaaa).\n\n"
            "Why: broke prod\n\nAutofix-Rollback: R1\nAutofix-Rollback-To: " + to + "\n");
  RollbackScope complete = scope_rollback(three_commits(RollbackLevel::complete));
  EXPECT_EQ(rollback_commit_message(RollbackLevel::complete, "R2", to, complete, nullptr, ""),
            "autofix-gate: roll back to aaaaaaaaaaaa\n\nUndoes 3 commit(s):\n  c3 autofix: value\n  c2 mine\n"
            "  c1 autofix: note\n\nAutofix-Rollback: R2\nAutofix-Rollback-To: " + to + "\n");
}

}  // namespace
}  // namespace autofix
