// SPDX-License-Identifier: MIT
// The circuit breaker end to end (docs/breaker.md): with threshold 3, three rejected attempts with the same
// failure open it; the fourth is refused with exit 6 before anything is touched (the work tree exact, no
// snapshot taken), with a report.json saying so; `breaker reset` lets the next attempt run again. A batch
// counts for its target too, and is refused while it is open. Without --target, the key's target is the
// baseline's failing tests: known before anything is touched once the baseline is stored, else decided after
// the baseline run (the refusal then restores the snapshot).
// A tiny CMake project without a compiler (its test reads a file).
#include <gtest/gtest.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(breaker LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n";

// Every path outside build/ (where reports go), with its bytes' hash, and git's status.
std::pair<std::map<std::string, std::string>, std::string> tree_state(const fs::path& repo) {
  std::map<std::string, std::string> entries;
  for (const auto& [path, entry] : tree_entries(repo))
    if (!path.starts_with("build")) entries[path] = entry;
  return {entries, git(repo, {"status", "--porcelain", "--untracked-files=all"})};
}

TEST(Breaker, OpensAfterThreeRejectionsRefusesTheFourthWithExit6UntouchedAndResetLetsItRunAgain) {
  TempDir tmp;
  const fs::path repo = tmp / "breaker repo";
  make_fileread_project(repo, kCMake, {{"value.conf", "ok\n"}});
  write_file(repo / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}],
      "breaker": {"threshold": 3, "reset_after": 3600}})");
  git(repo, {"commit", "-qam", "breaker threshold 3"});
  // A fix that breaks the test, the same way every time.
  write_file(repo / "value.conf", "broken\n");
  const fs::path patch = tmp / "break.diff";
  write_file(patch, git(repo, {"diff"}));
  git(repo, {"checkout", "--", "value.conf"});
  const std::vector<std::string> attempt = {"attempt", "--patch", patch.string(), "--json"};

  for (int i = 1; i <= 3; ++i) {
    runners::ProcessResult r = gate(repo, attempt);
    ASSERT_EQ(r.exit_code, 1) << "attempt " << i << "\n" << show(r);
  }

  const auto before = tree_state(repo);
  const std::string refs_before = git(repo, {"for-each-ref", "refs/autofix/snapshots/"});
  runners::ProcessResult refused = gate(repo, attempt);
  ASSERT_EQ(refused.exit_code, 6) << show(refused);
  EXPECT_EQ(tree_state(repo), before);
  EXPECT_EQ(git(repo, {"for-each-ref", "refs/autofix/snapshots/"}), refs_before) << "no snapshot taken";
  const nlohmann::json report = json_of(refused);
  EXPECT_EQ(report.at("verdict"), "refused_breaker_open");
  EXPECT_EQ(report.at("failure").at("type"), "breaker_open");
  const std::string key = report.at("breaker").at("key");
  EXPECT_EQ(key, fs::canonical(repo).generic_string() + "|main|any");
  EXPECT_EQ(report.at("breaker").at("failures"), 3);
  EXPECT_EQ(report.at("snapshot"), "");
  EXPECT_TRUE(refused.err.contains("refused: the circuit breaker is open for " + key + "\n")) << refused.err;
  EXPECT_TRUE(refused.err.contains("3 consecutive rejections, the last: rejected: 1 test(s) broken by the fix"))
      << refused.err;
  EXPECT_TRUE(refused.err.contains("; it half-opens at ")) << refused.err;
  EXPECT_TRUE(refused.err.contains("to reset it now: autofix-gate breaker reset '" + key + "' --reason WHY"))
      << refused.err;

  runners::ProcessResult list = gate(repo, {"breaker", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << show(list);
  const nlohmann::json listed = json_of(list);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  EXPECT_EQ(listed[0].at("key"), key);
  EXPECT_EQ(listed[0].at("state"), "open");
  EXPECT_EQ(listed[0].at("consecutive_rejections"), 3);

  runners::ProcessResult reset = gate(repo, {"breaker", "reset", key, "--reason", "looked at it"});
  ASSERT_EQ(reset.exit_code, 0) << show(reset);
  runners::ProcessResult shown = gate(repo, {"breaker", "show", key, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << show(shown);
  EXPECT_EQ(json_of(shown).at("state"), "closed");
  EXPECT_EQ(json_of(shown).at("consecutive_rejections"), 0);

  runners::ProcessResult again = gate(repo, attempt);
  EXPECT_EQ(again.exit_code, 1) << show(again);
}

TEST(Breaker, ABatchCountsForItsTargetAndIsRefusedWithExit6WhileItIsOpen) {
  TempDir tmp;
  const fs::path repo = tmp / "breaker batch";
  make_fileread_project(repo, kCMake, {{"value.conf", "ok\n"}});
  write_file(repo / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}],
      "breaker": {"threshold": 1}})");
  git(repo, {"commit", "-qam", "breaker threshold 1"});
  write_file(repo / "value.conf", "broken\n");
  const fs::path patches = tmp / "patches";
  write_file(patches / "a.diff", git(repo, {"diff"}));
  git(repo, {"checkout", "--", "value.conf"});
  const std::vector<std::string> batch = {"batch", "--patch-dir", patches.string(), "--target", "ISSUE-7"};

  runners::ProcessResult first = gate(repo, batch);
  ASSERT_EQ(first.exit_code, 1) << show(first);
  const auto before = tree_state(repo);
  runners::ProcessResult refused = gate(repo, batch);
  ASSERT_EQ(refused.exit_code, 6) << show(refused);
  EXPECT_EQ(tree_state(repo), before);
  const std::string key = fs::canonical(repo).generic_string() + "|main|ISSUE-7";
  EXPECT_TRUE(refused.err.contains("refused: the circuit breaker is open for " + key + "\n")) << refused.err;
  // An attempt aimed at the same target shares the key; another target does not.
  runners::ProcessResult same = gate(repo, {"attempt", "--patch", (patches / "a.diff").string(), "--target", "ISSUE-7"});
  EXPECT_EQ(same.exit_code, 6) << show(same);
  runners::ProcessResult other = gate(repo, {"attempt", "--patch", (patches / "a.diff").string(), "--target", "ISSUE-8"});
  EXPECT_EQ(other.exit_code, 1) << show(other);
}

// A project whose test known_bad fails without the fix: the target is "tests:known_bad". The first attempt
// decides its key after the baseline run; once the baseline is stored, the refusal comes before anything
// is touched; with the stored baselines gone, it comes after the baseline run, the tree restored.
TEST(Breaker, WithoutATargetTheKeyIsTheBaselinesFailingTestsStoredOrDecidedAfterTheBaseline) {
  TempDir tmp;
  const fs::path repo = tmp / "breaker baseline";
  make_fileread_project(repo,
                        std::string(kCMake) +
                            "add_test(NAME known_bad COMMAND grep -qx fixed \"${CMAKE_CURRENT_SOURCE_DIR}/bad.conf\")\n",
                        {{"value.conf", "ok\n"}, {"bad.conf", "broken\n"}});
  write_file(repo / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}],
      "breaker": {"threshold": 2}})");
  git(repo, {"commit", "-qam", "breaker threshold 2"});
  write_file(repo / "value.conf", "broken\n");
  const fs::path patch = tmp / "break.diff";
  write_file(patch, git(repo, {"diff"}));
  git(repo, {"checkout", "--", "value.conf"});
  const std::vector<std::string> attempt = {"attempt", "--flaky-reruns", "0", "--patch", patch.string(), "--json"};
  const std::string key = fs::canonical(repo).generic_string() + "|main|tests:known_bad";

  for (int i = 1; i <= 2; ++i) {
    runners::ProcessResult r = gate(repo, attempt);
    ASSERT_EQ(r.exit_code, 1) << "attempt " << i << "\n" << show(r);
  }
  runners::ProcessResult list = gate(repo, {"breaker", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << show(list);
  const nlohmann::json listed = json_of(list);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  EXPECT_EQ(listed[0].at("key"), key);  // the first attempt's key too, decided after its baseline run
  EXPECT_EQ(listed[0].at("state"), "open");

  const auto before = tree_state(repo);
  const std::string refs_before = git(repo, {"for-each-ref", "refs/autofix/snapshots/"});
  runners::ProcessResult stored = gate(repo, attempt);
  ASSERT_EQ(stored.exit_code, 6) << show(stored);
  EXPECT_EQ(json_of(stored).at("breaker").at("key"), key);
  EXPECT_EQ(json_of(stored).at("snapshot"), "");
  EXPECT_EQ(tree_state(repo), before);
  EXPECT_EQ(git(repo, {"for-each-ref", "refs/autofix/snapshots/"}), refs_before) << "no snapshot taken";

  fs::remove_all(repo / ".git" / "autofix" / "baselines");
  runners::ProcessResult after = gate(repo, attempt);
  ASSERT_EQ(after.exit_code, 6) << show(after);
  const nlohmann::json report = json_of(after);
  EXPECT_EQ(report.at("verdict"), "refused_breaker_open");
  EXPECT_EQ(report.at("breaker").at("key"), key);
  EXPECT_NE(report.at("snapshot"), "");
  EXPECT_EQ(report.at("patch_applied"), false);
  EXPECT_EQ(tree_state(repo), before);
}

}  // namespace
}  // namespace autofix::testing
