// SPDX-License-Identifier: MIT
#include "gate/snapshot/outside_changes.h"

#include <gtest/gtest.h>

#include "gate/git/handles.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {

// For gtest's messages (found by argument-dependent lookup).
void PrintTo(const OutsideChange& c, std::ostream* out) {
  *out << "{" << c.path << ", " << to_string(c.change) << ", " << to_string(c.action) << "}";
}

namespace {

namespace fs = std::filesystem;
using autofix::testing::git;
using autofix::testing::init_repo;
using autofix::testing::read_file;
using autofix::testing::TempDir;
using autofix::testing::write_file;

using Action = OutsideChange::Action;

// A repository with tracked a.txt, b.txt and an untracked u.txt, and a snapshot of it.
class OutsideChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_repo(repo_);
    write_file(repo_ / "a.txt", "a\n");
    write_file(repo_ / "b.txt", "b\n");
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "files"});
    write_file(repo_ / "u.txt", "u\n");
    repo_handle_.emplace(git::Repository::open(repo_));
    snap_ = snapshot::SnapshotStore(repo()).create("test");
  }

  const git::Repository& repo() const { return *repo_handle_; }
  git_oid now() { return worktree_tree_now(repo(), {}); }
  std::string at(const std::string& rel) { return read_file(repo_ / rel); }

  TempDir dir_;
  fs::path repo_ = dir_ / "work tree";
  std::optional<git::Repository> repo_handle_;
  snapshot::StoredSnapshot snap_;
};

TEST_F(OutsideChangesTest, BeforeAnyFixEveryChangeIsKept) {
  write_file(repo_ / "a.txt", "edited by the user\n");
  fs::remove(repo_ / "b.txt");
  write_file(repo_ / "new dir" / "n.txt", "new\n");
  GateChanges none{GateChanges::State::none, {}, {}};
  RollbackPlan plan = plan_rollback(repo(), snap_.manifest, now(), none);
  EXPECT_EQ(plan.outside, (std::vector<OutsideChange>{{"a.txt", FileStatus::modified, Action::kept},
                                                      {"b.txt", FileStatus::deleted, Action::kept},
                                                      {"new dir/n.txt", FileStatus::added, Action::kept}}));
  EXPECT_TRUE(plan.aside.empty());
  Rollback done = roll_back_to(repo(), snap_, none);
  EXPECT_TRUE(done.restore.written.empty());
  EXPECT_TRUE(done.restore.removed.empty());
  EXPECT_EQ(at("a.txt"), "edited by the user\n");
  EXPECT_FALSE(fs::exists(repo_ / "b.txt"));
  EXPECT_EQ(at("new dir/n.txt"), "new\n");
  EXPECT_EQ(done.outside.size(), 3u);
}

// A kill between writing a temporary and renaming it (the static tier putting a baseline file back, found
// by the kill sweep) leaves "<file>.tmp-<pid>-<n>": the gate's own, so removed; another process's stays.
TEST_F(OutsideChangesTest, TheGatesOwnTemporaryFilesAreRemovedNotKept) {
  write_file(repo_ / "a.txt.tmp-4242-218087", "half a baseline file\n");
  write_file(repo_ / "b.txt.autofix-tmp-4242-3", "half a restored file\n");
  write_file(repo_ / "a.txt.tmp-77-1", "another process's\n");
  GateChanges none{GateChanges::State::none, {}, {}, 4242};
  RollbackPlan plan = plan_rollback(repo(), snap_.manifest, now(), none);
  EXPECT_EQ(plan.outside, (std::vector<OutsideChange>{{"a.txt.tmp-77-1", FileStatus::added, Action::kept}}));
  Rollback done = roll_back_to(repo(), snap_, none);
  EXPECT_FALSE(fs::exists(repo_ / "a.txt.tmp-4242-218087"));
  EXPECT_FALSE(fs::exists(repo_ / "b.txt.autofix-tmp-4242-3"));
  EXPECT_EQ(at("a.txt.tmp-77-1"), "another process's\n");
}

TEST(IsGateTemporary, OnlyTheNamesThatProcessWrites) {
  EXPECT_TRUE(is_gate_temporary("src/a.cpp.tmp-12-345", 12));
  EXPECT_TRUE(is_gate_temporary("a.autofix-tmp-12-0", 12));
  EXPECT_FALSE(is_gate_temporary("src/a.cpp.tmp-12-345", 13));
  EXPECT_FALSE(is_gate_temporary("src/a.cpp.tmp-12-", 12));
  EXPECT_FALSE(is_gate_temporary("src/a.cpp.tmp-12-34x", 12));
  EXPECT_FALSE(is_gate_temporary("src/.tmp-12-3", 12));  // nothing it would have written beside
  EXPECT_FALSE(is_gate_temporary("src/a.cpp.tmp-12-3", 0));
}

TEST_F(OutsideChangesTest, UnknownChangesRestoreEverything) {
  write_file(repo_ / "a.txt", "changed while a fixer ran\n");
  write_file(repo_ / "n.txt", "new\n");
  Rollback done = roll_back_to(repo(), snap_, GateChanges{});
  EXPECT_EQ(at("a.txt"), "a\n");
  EXPECT_FALSE(fs::exists(repo_ / "n.txt"));
  EXPECT_TRUE(done.outside.empty());
  EXPECT_FALSE(done.kept_ref);
}

// The fix changes a.txt and deletes b.txt and adds f.txt; then the user edits u.txt, adds n.txt, and edits
// a.txt again. The rollback undoes the fix (a.txt, b.txt, f.txt), keeps u.txt and n.txt, and sets the
// user's a.txt aside.
TEST_F(OutsideChangesTest, TheFixIsUndoneOthersChangesKeptAndOverlapsSetAside) {
  git_oid before = now();
  write_file(repo_ / "a.txt", "fixed\n");
  fs::remove(repo_ / "b.txt");
  write_file(repo_ / "f.txt", "added by the fix\n");
  git_oid after = now();
  write_file(repo_ / "u.txt", "edited by the user\n");
  write_file(repo_ / "n.txt", "new, by the user\n");
  write_file(repo_ / "a.txt", "fixed, then edited by the user\n");
  GateChanges fix{GateChanges::State::known, before, after};

  RollbackPlan plan = plan_rollback(repo(), snap_.manifest, now(), fix);
  EXPECT_EQ(plan.outside, (std::vector<OutsideChange>{{"a.txt", FileStatus::modified, Action::set_aside},
                                                      {"n.txt", FileStatus::added, Action::kept},
                                                      {"u.txt", FileStatus::modified, Action::kept}}));
  ASSERT_EQ(plan.aside.size(), 1u);
  EXPECT_EQ(plan.aside.front().path, "a.txt");

  Rollback done = roll_back_to(repo(), snap_, fix);
  EXPECT_EQ(at("a.txt"), "a\n");
  EXPECT_EQ(at("b.txt"), "b\n");
  EXPECT_FALSE(fs::exists(repo_ / "f.txt"));
  EXPECT_EQ(at("u.txt"), "edited by the user\n");
  EXPECT_EQ(at("n.txt"), "new, by the user\n");
  ASSERT_TRUE(done.kept_ref);
  EXPECT_EQ(*done.kept_ref, "refs/autofix/kept/" + snap_.manifest.id);
  EXPECT_EQ(git(repo_, {"show", *done.kept_ref + ":a.txt"}), "fixed, then edited by the user\n");
  EXPECT_EQ(git(repo_, {"status", "--porcelain"}), "?? n.txt\n?? u.txt\n");
}

// An edit made before the fix was applied is the tree the fix started from: undoing the fix goes back
// to it, not to the snapshot.
TEST_F(OutsideChangesTest, UndoingTheFixGoesBackToEditsMadeBeforeIt) {
  write_file(repo_ / "a.txt", "edited before the fix\n");
  git_oid before = now();
  write_file(repo_ / "a.txt", "edited before the fix, then fixed\n");
  git_oid after = now();
  Rollback done = roll_back_to(repo(), snap_, GateChanges{GateChanges::State::known, before, after});
  EXPECT_EQ(at("a.txt"), "edited before the fix\n");
  EXPECT_EQ(done.outside, (std::vector<OutsideChange>{{"a.txt", FileStatus::modified, Action::kept}}));
  EXPECT_FALSE(done.kept_ref);
}

TEST_F(OutsideChangesTest, AFixedFileDeletedAfterwardsIsPutBackAsBeforeTheFix) {
  git_oid before = now();
  write_file(repo_ / "a.txt", "fixed\n");
  git_oid after = now();
  fs::remove(repo_ / "a.txt");
  Rollback done = roll_back_to(repo(), snap_, GateChanges{GateChanges::State::known, before, after});
  EXPECT_EQ(at("a.txt"), "a\n");
  EXPECT_EQ(done.outside, (std::vector<OutsideChange>{{"a.txt", FileStatus::deleted, Action::restored}}));
  EXPECT_FALSE(done.kept_ref);
}

// A file the fix changed and that nobody touched afterwards is simply restored, without a word.
TEST_F(OutsideChangesTest, NothingToSayWhenOnlyTheFixChangedTheTree) {
  git_oid before = now();
  write_file(repo_ / "a.txt", "fixed\n");
  write_file(repo_ / "dir" / "f.txt", "added by the fix\n");
  git_oid after = now();
  Rollback done = roll_back_to(repo(), snap_, GateChanges{GateChanges::State::known, before, after});
  EXPECT_TRUE(done.outside.empty());
  EXPECT_EQ(at("a.txt"), "a\n");
  EXPECT_FALSE(fs::exists(repo_ / "dir"));
  EXPECT_EQ(describe_outside_changes(done.outside, done.kept_ref), "");
}

TEST(DescribeOutsideChanges, SaysWhatWasKeptAndWhatWasSetAside) {
  std::vector<OutsideChange> outside = {{"a b.txt", FileStatus::modified, Action::kept},
                                        {"src/x.cpp", FileStatus::modified, Action::set_aside},
                                        {"y.cpp", FileStatus::deleted, Action::restored},
                                        {"n.txt", FileStatus::added, Action::kept}};
  EXPECT_EQ(describe_outside_changes(outside, std::string("refs/autofix/kept/ID")),
            "2 path(s) changed during the operation by someone other than the fix were kept as they are: "
            "'a b.txt' (modified), 'n.txt' (added); 1 file(s) the fix had changed were edited again afterwards: "
            "the fix was undone there and the edited version kept under refs/autofix/kept/ID (`git show "
            "refs/autofix/kept/ID:PATH`): 'src/x.cpp' (modified); 1 file(s) the fix had changed were deleted "
            "afterwards and put back as they were before the fix: 'y.cpp' (deleted)");
}

// Names are bytes: one that is not UTF-8 is shown escaped, as git shows it.
TEST(DescribeOutsideChanges, ShowsANameThatIsNotUtf8Escaped) {
  std::vector<OutsideChange> outside = {{"notes \xff.txt", FileStatus::added, Action::kept}};
  EXPECT_EQ(describe_outside_changes(outside, std::nullopt),
            "1 path(s) changed during the operation by someone other than the fix were kept as they are: "
            "'\"notes \\377.txt\"' (added)");
}

TEST(GateChangesState, NamesRoundTrip) {
  for (GateChanges::State s : {GateChanges::State::none, GateChanges::State::unknown, GateChanges::State::known})
    EXPECT_EQ(gate_changes_state_from(to_string(s)), s);
  EXPECT_EQ(gate_changes_state_from("partly"), std::nullopt);
}

}  // namespace
}  // namespace autofix
