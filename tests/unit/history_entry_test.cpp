// SPDX-License-Identifier: MIT
#include "gate/run/history_entry.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "gate/state/history_store.h"
#include "gate/util/build_info.h"
#include "gate/util/sha256.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

git::Environment env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(HistoryEntry, CiRunFromGitHubsThreeVariablesElseGitLabsJobUrl) {
  EXPECT_EQ(ci_run_url(env_of({{"GITHUB_SERVER_URL", "https://github.com"}, {"GITHUB_REPOSITORY", "o/r"},
                               {"GITHUB_RUN_ID", "42"}, {"CI_JOB_URL", "https://gitlab/j/1"}})),
            "https://github.com/o/r/actions/runs/42");
  EXPECT_EQ(ci_run_url(env_of({{"GITHUB_RUN_ID", "42"}, {"CI_JOB_URL", "https://gitlab/j/1"}})), "https://gitlab/j/1");
  EXPECT_EQ(ci_run_url(env_of({{"GITHUB_RUN_ID", "42"}})), "");
  EXPECT_EQ(ci_run_url(env_of({})), "");
}

// One test's outcome with its result after the change.
TestOutcome outcome(const std::string& name, Transition transition, RunStatus after) {
  TestOutcome o;
  o.name = name;
  o.ctest_test = name;
  o.transition = transition;
  o.after = TestRecord{};
  o.after->name = name;
  o.after->status = after;
  return o;
}

AttemptResult rejected_attempt() {
  AttemptResult r;
  r.attempt_id = "20261207T221522Z-3f9a1c";
  r.snapshot = r.attempt_id;
  r.started = "2026-12-07T22:15:22Z";
  r.verdict = Verdict::rejected;
  r.reason = "1 test regressed";
  r.lane.lane = Lane::standard;
  r.risk.level = RiskLevel::high;
  r.failure = Failure{FailureType::test_regression, "regressed: b", {}};
  r.durations = {{"baseline", 1.2344}, {"build", 0.0005}};
  r.tests = {outcome("a", Transition::FAIL_TO_PASS, RunStatus::passed),
             outcome("b", Transition::PASS_TO_FAIL, RunStatus::failed)};
  return r;
}

TEST(HistoryEntry, AnAttemptsRecordHoldsItsResultsAndContext) {
  HistoryContext c;
  c.command = "attempt";
  c.words = {"autofix-gate", "attempt", "--patch", "fix.diff"};
  c.who = {"Ada", "ada@example.com", "h", ""};
  c.ended = "2026-12-07T22:16:00Z";
  c.patch = "abc";
  c.patch_file = "fix.diff";
  c.base = std::string(40, 'b');
  AttemptResult r = rejected_attempt();
  // Passed in the end, failed in a rerun: judged flaky, recorded by name.
  r.tests.push_back(outcome("c", Transition::FLAKY, RunStatus::passed));
  HistoryRecord h = history_record_of(r, c);
  HistoryRecord expected;
  expected.id = "20261207T221522Z-3f9a1c";
  expected.started = "2026-12-07T22:15:22Z";
  expected.ended = "2026-12-07T22:16:00Z";
  expected.command = "attempt";
  expected.args = {"--patch", "fix.diff"};
  expected.who = c.who;
  expected.fix = {sha256_hex("abc"), "fix.diff", {}};
  expected.base = c.base;
  expected.lane = "standard";
  expected.risk = "high";
  expected.verdict = "rejected";
  expected.reason = "1 test regressed";
  expected.failure = {"test_regression", "regressed: b"};
  expected.tests = {3, 2, {"a"}, {"b"}, {"c"}};
  expected.phase_ms = {{"baseline", 1234}, {"build", 1}};
  expected.snapshot = "20261207T221522Z-3f9a1c";
  expected.gate_version = build_info().version;
  EXPECT_EQ(h, expected);

  // A batch step gets an id of its own, of its start's time.
  c.command = "batch-step";
  c.words = {"autofix-gate", "batch", "--patch-dir", "p"};
  HistoryRecord step = history_record_of(rejected_attempt(), c);
  EXPECT_NE(step.id, expected.id);
  EXPECT_TRUE(step.id.starts_with("20261207T221522Z-")) << step.id;
  EXPECT_EQ(step.args, (std::vector<std::string>{"--patch-dir", "p"}));
}

TEST(HistoryEntry, ABatchsRecordSaysHowItEnded) {
  BatchResult b;
  b.batch_id = "batch-1";
  b.started = "2026-12-07T22:15:22Z";
  b.outcome = "partial";
  b.reason = "1 of 2 fixes accepted";
  b.seconds = 2.5;
  b.fixes.resize(2);
  b.fixes[0].id = "f1";
  b.fixes[0].tests_fixed = {"t1"};
  b.fixes[1].id = "f2";
  b.fixes[1].tests_broken = {"t2"};
  b.branches = {"autofix/batch/batch-1"};
  HistoryContext c;
  c.command = "batch";
  c.words = {"autofix-gate", "batch", "--patch-dir", "p"};
  HistoryRecord h = history_record_of(b, c);
  EXPECT_TRUE(h.id.starts_with("20261207T221522Z-")) << h.id;
  EXPECT_EQ(h.verdict, "rejected");
  EXPECT_EQ(h.reason, "1 of 2 fixes accepted");
  EXPECT_EQ(h.tests.fixed, std::vector<std::string>{"t1"});
  EXPECT_EQ(h.tests.broken, std::vector<std::string>{"t2"});
  EXPECT_EQ(h.phase_ms, (std::vector<std::pair<std::string, std::uint64_t>>{{"batch", 2500}}));
  EXPECT_EQ(h.branch, "autofix/batch/batch-1");

  b.batch_id = "20261207T221522Z-3f9a1c";
  EXPECT_EQ(history_record_of(b, c).id, "20261207T221522Z-3f9a1c");
  b.resumed = BatchResume{2, 1};  // a record of its own: the interrupted run may have one
  const std::string resumed = history_record_of(b, c).id;
  EXPECT_NE(resumed, "20261207T221522Z-3f9a1c");
  EXPECT_TRUE(resumed.starts_with("20261207T221522Z-")) << resumed;
}

TEST(HistoryEntry, AFailedAppendIsAWarningNamingTheRef) {
  autofix::testing::TempDir tmp;
  const auto root = tmp / "repo";
  autofix::testing::init_repo(root);
  git::Repository repo = git::Repository::open(root);
  HistoryContext c;
  c.command = "attempt";
  HistoryRecord h = history_record_of(rejected_attempt(), c);
  std::ostringstream err;
  record_history_or_warn(repo, h, err);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(HistoryStore(repo).find(h.id), h);
  h.reason = "other";
  record_history_or_warn(repo, h, err);
  EXPECT_EQ(err.str(), "autofix-gate: warning: the run was not recorded in the history (refs/autofix/history): the log "
                       "refs/autofix/history holds records/2026-12/07/20261207T221522Z-3f9a1c.json already, with other "
                       "content\n");
}

}  // namespace
}  // namespace autofix
