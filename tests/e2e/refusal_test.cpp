// SPDX-License-Identifier: MIT
// Situations where the gate must refuse: exit 2, a message naming the problem and a hint, and the
// tree (and the snapshot store) exactly as they were.
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::string snapshot_refs(const fs::path& repo) { return git(repo, {"for-each-ref", "refs/autofix/"}); }

// Runs `args` and expects a refusal: exit 2, the error line containing `problem`, a hint, nothing changed.
// Reports everything that is wrong in one failure.
runners::ProcessResult expect_refusal(const fs::path& repo, const std::vector<std::string>& args,
                                      const std::string& problem, const std::string& hint_part = {}) {
  TreeFingerprint before = exact_fingerprint(repo);
  std::string refs = snapshot_refs(repo);
  runners::ProcessResult r = gate(repo, args);
  std::string cmd = "autofix-gate";
  for (const auto& a : args) cmd += " " + a;
  std::string wrong;
  if (r.exit_code != 2) wrong += "- exit code " + std::to_string(r.exit_code) + ", not 2\n";
  if (!contains(r.err, "autofix-gate: error: ") || !contains(r.err, problem))
    wrong += "- no `autofix-gate: error: ` line naming '" + problem + "'\n";
  if (!contains(r.err, "autofix-gate: hint: ") || !contains(r.err, hint_part))
    wrong += "- no `autofix-gate: hint: ` line" + (hint_part.empty() ? "" : " mentioning '" + hint_part + "'") + "\n";
  TreeFingerprint after = exact_fingerprint(repo);
  if (!(after == before)) wrong += "- the tree changed:\n" + describe_difference(before, after);
  if (snapshot_refs(repo) != refs) wrong += "- refs/autofix/ changed:\n" + snapshot_refs(repo);
  EXPECT_TRUE(wrong.empty()) << cmd << " should have refused:\n" << wrong << show(r);
  return r;
}

// A repository with a committed conflict between main and "other" on conflict.txt.
void make_conflicting_branches(const fs::path& repo) {
  init_repo(repo);
  write_file(repo / "conflict.txt", "base\n");
  git(repo, {"add", "conflict.txt"});
  git(repo, {"commit", "-q", "-m", "base"});
  git(repo, {"checkout", "-q", "-b", "other"});
  write_file(repo / "conflict.txt", "other side\n");
  git(repo, {"commit", "-q", "-am", "other"});
  git(repo, {"checkout", "-q", "main"});
  write_file(repo / "conflict.txt", "main side\n");
  git(repo, {"commit", "-q", "-am", "main"});
}

TEST(Refusal, NotARepository) {
  TempDir tmp;
  fs::path dir = tmp / "plain dir";
  write_file(dir / "file.txt", "not in a repository\n");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"snapshot"}, {"restore", "20990101T000000Z-000000"}, {"recover"}, {"status"}, {"snapshots", "list"}}) {
    runners::ProcessResult r = gate(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << show(r);
    EXPECT_TRUE(contains(r.err, "autofix-gate: error: not a git repository")) << show(r);
    EXPECT_TRUE(contains(r.err, "autofix-gate: hint: ")) << show(r);
  }
  EXPECT_EQ(tree_entries(dir).size(), 1u) << "nothing may be created outside a repository";
  runners::ProcessResult missing = gate(dir, {"snapshot", "-C", (dir / "no such dir").string()});
  EXPECT_EQ(missing.exit_code, 2) << show(missing);
  EXPECT_TRUE(contains(missing.err, "no such directory")) << show(missing);
}

TEST(Refusal, BareRepository) {
  TempDir tmp;
  fs::path bare = tmp / "bare.git";
  fs::create_directories(bare);
  git(bare, {"init", "-q", "--bare"});
  for (const auto& args : std::vector<std::vector<std::string>>{{"snapshot"}, {"recover"}}) {
    runners::ProcessResult r = gate(bare, args);
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_TRUE(contains(r.err, "bare repository")) << show(r);
  }
  EXPECT_FALSE(fs::exists(bare / "autofix")) << "no state may be written into a bare repository";
}

TEST(Refusal, MergeInProgress) {
  TempDir tmp;
  fs::path repo = tmp / "merging";
  make_conflicting_branches(repo);
  std::string id = make_snapshot(repo, "before the merge");
  ASSERT_NE(run({"git", "merge", "-q", "other"}, repo).exit_code, 0) << "the merge should stop on a conflict";
  ASSERT_TRUE(fs::exists(repo / ".git/MERGE_HEAD"));
  expect_refusal(repo, {"snapshot"}, "a merge is in progress", "git merge --abort");
  EXPECT_EQ(status_json(repo).at("git_operation_in_progress"), "merge");
  // Regression (fixed): `restore` never checks the repository state (restore_under_journal has no require_idle()).
  // Expected: exit 2 naming the merge, nothing changed. Actual: exit 0, "restored snapshot ... (verified):
  // 1 file(s) written, 0 removed, index restored": the conflict stages 1-3 of conflict.txt are replaced by
  // one stage-0 entry, conflict.txt by the snapshot's content, and MERGE_HEAD stays, so git still
  // believes a (now conflict-free) merge is in progress and `git commit` would record a merge commit.
  expect_refusal(repo, {"restore", id}, "a merge is in progress");
}

TEST(Refusal, RebaseInProgress) {
  TempDir tmp;
  fs::path repo = tmp / "rebasing";
  make_conflicting_branches(repo);
  std::string id = make_snapshot(repo, "before the rebase");
  ASSERT_NE(run({"git", "rebase", "-q", "other"}, repo).exit_code, 0) << "the rebase should stop on a conflict";
  expect_refusal(repo, {"snapshot"}, "a rebase is in progress", "git rebase");
  // Regression (fixed): as for a merge, `restore` goes ahead in the middle of a rebase: exit 0, HEAD moved from the
  // rebase's detached HEAD back to refs/heads/main, the conflicted index and conflict.txt replaced, and
  // .git/rebase-merge left behind.
  expect_refusal(repo, {"restore", id}, "a rebase is in progress");
}

TEST(Refusal, IndexLockPresent) {
  TempDir tmp;
  fs::path repo = tmp / "locked index";
  init_repo(repo);
  write_file(repo / "a.txt", "a\n");
  std::string id = make_snapshot(repo);
  write_file(repo / "a.txt", "changed\n");
  write_file(repo / ".git/index.lock", "");
  expect_refusal(repo, {"snapshot"}, "index.lock");
  // Regression (fixed): `restore` ignores .git/index.lock: exit 0, a.txt rewritten (and .git/index too whenever it
  // differs) while another git process holds the index lock, where `snapshot` refuses.
  expect_refusal(repo, {"restore", id}, "index.lock");
  fs::remove(repo / ".git/index.lock");
}

TEST(Refusal, AnotherGateHoldsTheLock) {
  TempDir tmp;
  fs::path repo = tmp / "busy";
  init_repo(repo);
  write_file(repo / "a.txt", "a\n");
  std::string id = make_snapshot(repo);
  TreeFingerprint original = exact_fingerprint(repo);
  // 100 mutations, 100 ms apart: the lock is held for about ten seconds.
  BackgroundProcess holder(mutator_argv(repo, 9, 100, 100), repo);
  ASSERT_TRUE(eventually([&] {
    nlohmann::json s = status_json(repo);
    return !s.at("lock").is_null() && !s.at("unfinished_operation").is_null() &&
           s.at("unfinished_operation").at("phase") == "mutate";
  })) << "gate_mutator never took the lock";
  nlohmann::json status = status_json(repo);
  EXPECT_EQ(status.at("lock").at("command"), "gate_mutator") << status.dump(2);
  EXPECT_GT(status.at("lock").at("pid").get<int>(), 0);
  EXPECT_EQ(status.at("unfinished_operation").at("operation"), "mutate") << status.dump(2);
  EXPECT_EQ(status.at("unfinished_operation").at("pid"), status.at("lock").at("pid"));
  EXPECT_TRUE(status.at("unfinished_operation").at("snapshot").is_string()) << status.dump(2);

  // While it mutates, every command that changes something must refuse; the tree keeps changing, so
  // only the exit code, the message and the snapshot store are checked here.
  for (const auto& args : std::vector<std::vector<std::string>>{{"snapshot"},
                                                                {"restore", id},
                                                                {"recover"},
                                                                {"snapshots", "drop", id},
                                                                {"snapshots", "prune", "--keep", "0"}}) {
    std::string refs = snapshot_refs(repo);
    runners::ProcessResult r = gate(repo, args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << show(r);
    EXPECT_TRUE(contains(r.err, "another autofix-gate is working on this repository")) << args[0] << "\n" << show(r);
    EXPECT_TRUE(contains(r.err, "gate_mutator")) << "the message should name the holder\n" << show(r);
    EXPECT_EQ(snapshot_refs(repo), refs) << args[0];
  }
  holder.signal(SIGTERM);
  runners::ProcessResult done = holder.wait();
  EXPECT_EQ(done.exit_code, 143) << show(done);
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == original) << describe_difference(original, after);
}

TEST(Refusal, UnfinishedJournalNeedsRecover) {
  TempDir tmp;
  fs::path repo = tmp / "interrupted";
  init_repo(repo);
  for (int i = 0; i < 20; ++i) write_file(repo / ("f" + std::to_string(i) + ".txt"), "original\n");
  std::string id = make_snapshot(repo);
  TreeFingerprint original = exact_fingerprint(repo);
  runners::ProcessResult killed =
      run_and_signal(mutator_argv(repo, 11, 1000, 20), repo, std::chrono::milliseconds(400), SIGKILL);
  ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  ASSERT_TRUE(has_step(killed.out, "mutation 1")) << show(killed);
  ASSERT_TRUE(fs::exists(repo / ".git/autofix/journal.json"));

  // The first command after the kill finds the dead holder's record in the lock file and says so.
  runners::ProcessResult first = expect_refusal(repo, {"snapshot"}, "interrupted 'mutate'", "autofix-gate recover");
  EXPECT_TRUE(contains(first.err, "took over the lock left by pid")) << show(first);
  EXPECT_TRUE(contains(first.err, "which is no longer running")) << show(first);
  expect_refusal(repo, {"restore", id}, "interrupted 'mutate'", "autofix-gate recover");
  nlohmann::json status = status_json(repo);
  EXPECT_EQ(status.at("unfinished_operation").at("operation"), "mutate") << status.dump(2);
  EXPECT_EQ(status.at("unfinished_operation").at("phase"), "mutate") << status.dump(2);
  EXPECT_TRUE(status.at("lock").is_null()) << "a dead holder does not hold the lock\n" << status.dump(2);
  runners::ProcessResult text = gate(repo, {"status"});
  EXPECT_TRUE(contains(text.out, "UNFINISHED")) << show(text);
  EXPECT_TRUE(contains(text.out, "autofix-gate recover")) << show(text);

  runners::ProcessResult rec = gate(repo, {"recover"});
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_TRUE(contains(rec.out, "recovered the interrupted 'mutate'")) << show(rec);
  EXPECT_TRUE(contains(rec.err, "restoring snapshot")) << show(rec);
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == original) << describe_difference(original, after);
  runners::ProcessResult snap = gate(repo, {"snapshot"});
  EXPECT_EQ(snap.exit_code, 0) << "after recover the gate works again\n" << show(snap);
}

TEST(Refusal, UnknownOrInvalidSnapshotId) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "a.txt", "a\n");
  expect_refusal(repo, {"restore", "20990101T000000Z-abcdef"}, "no snapshot '20990101T000000Z-abcdef'",
                 "snapshots list");
  expect_refusal(repo, {"restore", "../../etc/passwd"}, "is not a snapshot id");
  expect_refusal(repo, {"snapshots", "drop", "20990101T000000Z-abcdef"}, "no snapshot");
  EXPECT_FALSE(fs::exists(repo / ".git/autofix/journal.json")) << "a refused restore must not leave a journal";
}

TEST(Refusal, UsageErrors) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  TreeFingerprint before = exact_fingerprint(repo);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"restore"}, {"snapshots"}, {"snapshots", "prune", "--keep", "-1"}}) {
    runners::ProcessResult r = gate(repo, args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "(no arguments)" : args[0]) << "\n" << show(r);
  }
  expect_refusal(repo, {"snapshots", "prune"}, "prune needs --keep N, --older-than DAYS, or both");
  EXPECT_TRUE(exact_fingerprint(repo) == before);
  runners::ProcessResult help = gate(repo, {"--help"});
  EXPECT_EQ(help.exit_code, 0) << show(help);
}

}  // namespace
}  // namespace autofix::testing
