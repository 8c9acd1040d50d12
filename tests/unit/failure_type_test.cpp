// SPDX-License-Identifier: MIT
// Failure types (gate/policy/failure_type.h): the environment's failures told from outputs real tools
// printed (tests/data/failures), each type from a result as the judge records it, and two through the
// judge's seam (a FakeToolchain), as an attempt produces them.
#include "gate/policy/failure_type.h"

#include <gtest/gtest.h>

#include "gate/policy/recovery_plan.h"
#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

TestRecord record_of(const std::string& name, RunStatus status) {
  TestRecord r;
  r.name = name;
  r.status = status;
  return r;
}

std::string data(const std::string& name) { return read_file(fs::path(AUTOFIX_GATE_TEST_DATA) / "failures" / name); }

TEST(FailureType, EnvironmentLinesOfRealOutputs) {
  EXPECT_EQ(environment_lines(data("enospc.txt")),
            (Strings{"/tmp/ccvAonFu.s: Fatal error: can't write 11 bytes to section .text._ZSt23__is_constant_evaluatedv "
                     "of ../small/t.o: 'No space left on device'"}));
  EXPECT_EQ(environment_lines(data("virtual_memory_exhausted.txt")),
            (Strings{"virtual memory exhausted: Cannot allocate memory"}));
  EXPECT_EQ(environment_lines(data("cc1plus_killed.txt")), (Strings{"g++: fatal error: Killed signal terminated program cc1plus"}));
  EXPECT_EQ(environment_lines(data("too_many_open_files.txt")),
            (Strings{"bash: redirection error: cannot duplicate fd: Too many open files",
                     "bash: line 1: /dev/null: Too many open files"}));
  Strings fetch = environment_lines(data("fetchcontent_offline.txt"), 3);
  EXPECT_EQ(fetch, (Strings{"Each download failed!",
                            "error: downloading 'https://github.com/fmtlib/fmt/archive/refs/tags/10.2.1.tar.gz' failed",
                            "status_string: \"Couldn't resolve host name\""}));
  for (const std::string& line : environment_lines(data("fetchcontent_offline.txt")))
    EXPECT_EQ(environment_failure_of(line), FailureType::network) << line;
  // A compiler error, a failing test and a sanitizer report are the code's failures.
  EXPECT_EQ(environment_lines(data("gcc_undeclared.txt")), Strings{});
  EXPECT_EQ(environment_lines(data("ctest_gtest_failure_and_timeout.txt")), Strings{});
  EXPECT_EQ(environment_lines(data("asan_heap_buffer_overflow.txt")), Strings{});
}

AttemptResult rejected(std::string reason) {
  AttemptResult r;
  r.verdict = Verdict::rejected;
  r.reason = std::move(reason);
  r.build.ran = true;
  r.build.ok = true;
  return r;
}

TestOutcome regression(const std::string& name, runners::TestStatus after = F) {
  TestOutcome t;
  t.name = t.ctest_test = name;
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = record_of(name, RunStatus::passed);
  t.after = record_of(name, after == T ? RunStatus::timeout : RunStatus::failed);
  return t;
}

TEST(FailureType, ABuildThatFailsOnTheCodeIsABuildFailureWithItsErrors) {
  AttemptResult r = rejected("the build failed with the fix: src/a.cpp:2:52: error: 'x' was not declared in this scope");
  r.build.ok = false;
  r.build.failure = "build failed (exit code 1)";
  r.build.errors = {"src/a.cpp:2:52: error: 'x' was not declared in this scope", "ninja: build stopped: subcommand failed."};
  Failure f = *classify_failure(r);
  EXPECT_EQ(f.type, FailureType::build_failure);
  EXPECT_EQ(f.evidence, (Strings{"build failed (exit code 1)", "src/a.cpp:2:52: error: 'x' was not declared in this scope",
                                 "ninja: build stopped: subcommand failed."}));
  EXPECT_EQ(f.signature, "rejected: the build failed with the fix: src/a.cpp:<line>:<col>: error: 'x' was not declared in this scope");
}

TEST(FailureType, TheMachineRunningOutOfSomethingIsResourceExhaustionEvenWhenADownloadFailedToo) {
  AttemptResult r = rejected("the build failed with the fix");
  r.build.ok = false;
  r.build.environment = {"Could not resolve host: github.com", "virtual memory exhausted: Cannot allocate memory"};
  Failure f = *classify_failure(r);
  EXPECT_EQ(f.type, FailureType::resource_exhaustion);
  EXPECT_EQ(f.evidence, Strings{"virtual memory exhausted: Cannot allocate memory"});
  r.build.environment = {"Could not resolve host: github.com"};
  EXPECT_EQ(classify_failure(r)->type, FailureType::network);
}

TEST(FailureType, TimeoutsOfTheBuildTheFixerOrEveryBrokenTest) {
  AttemptResult r;
  r.verdict = Verdict::error;
  r.reason = "the build with the fix did not finish in time";
  r.build = {true, false, 600, {}, "build timed out after 600 s", true};
  EXPECT_EQ(classify_failure(r)->type, FailureType::timeout);

  AttemptResult fixer = rejected("the fixer failed (timed out after 600 s)");
  fixer.fixer = FixerOutcome{{"./agent"}, "timed out after 600 s", false, "", ""};
  EXPECT_EQ(classify_failure(fixer)->type, FailureType::timeout);
  fixer.fixer->result = "killed by signal 9 (Killed)";
  EXPECT_EQ(classify_failure(fixer)->type, FailureType::resource_exhaustion);
  fixer.fixer->result = "exit code 3";
  EXPECT_EQ(classify_failure(fixer)->type, FailureType::unknown);
  EXPECT_EQ(classify_failure(fixer)->evidence, Strings{"the fixer: exit code 3"});

  AttemptResult tests = rejected("1 test(s) broken by the fix");
  tests.tests = {regression("hangs", T)};
  EXPECT_EQ(classify_failure(tests)->type, FailureType::timeout);
  tests.tests.push_back(regression("wrong"));
  EXPECT_EQ(classify_failure(tests)->type, FailureType::test_regression);
  EXPECT_EQ(classify_failure(tests)->evidence,
            (Strings{"hangs passed without the fix and timeout with it", "wrong passed without the fix and fails with it"}));
}

TEST(FailureType, TiersTamperingRiskPatchesAndGitErrors) {
  AttemptResult tier = rejected("required tier 'static' (clang-tidy) failed: 1 new finding");
  tier.tiers.push_back(TierResult{"static", TierKind::clang_tidy, true, TierStatus::failed, "1 new finding", 1, {}, {}});
  EXPECT_EQ(classify_failure(tier)->type, FailureType::quality_gate);
  EXPECT_EQ(classify_failure(tier)->evidence, Strings{"tier static (clang-tidy): 1 new finding"});

  AttemptResult tampered = rejected("the fix weakens tests (1): disabled a");
  tampered.verdict = Verdict::needs_review;
  tampered.tampering.push_back({TamperKind::disabled, "CMakeLists.txt", 4, "a", "DISABLED property set", false});
  EXPECT_EQ(classify_failure(tampered)->type, FailureType::tampering);
  EXPECT_EQ(classify_failure(tampered)->evidence, Strings{"disabled a (CMakeLists.txt): DISABLED property set"});
  tampered.tampering.back().downgraded = true;
  EXPECT_EQ(classify_failure(tampered)->type, FailureType::unknown);

  AttemptResult risky = rejected("the fix changes a critical path: .github/workflows/ci.yml");
  risky.verdict = Verdict::needs_review;
  risky.risk = {RiskLevel::critical, ".github/**", ".github/workflows/ci.yml"};
  EXPECT_EQ(classify_failure(risky)->type, FailureType::quality_gate);

  AttemptResult refused = rejected("the patch was refused: src/a.cpp: patch does not apply");
  refused.patch_refused = true;
  refused.build = {};
  EXPECT_EQ(classify_failure(refused)->type, FailureType::patch_refused);

  AttemptResult git;
  git.verdict = Verdict::error;
  git.reason = "cannot write the commit: object database is locked";
  git.error_kind = "git";
  EXPECT_EQ(classify_failure(git)->type, FailureType::git_error);
  git.error_kind = "io";
  git.reason = "cannot write .git/autofix/journal.json: No space left on device (free 0 B)";
  EXPECT_EQ(classify_failure(git)->type, FailureType::resource_exhaustion);
}

TEST(FailureType, ARequiredTestNotFixedIsATestRegressionAndAcceptedHasNoFailure) {
  AttemptResult r = rejected("required test 'a' is FAIL_TO_FAIL, not FAIL_TO_PASS");
  TestOutcome a;
  a.name = a.ctest_test = "a";
  a.transition = Transition::FAIL_TO_FAIL;
  r.tests.push_back(a);
  r.require_fixed = {"a"};
  EXPECT_EQ(classify_failure(r)->type, FailureType::test_regression);
  r.verdict = Verdict::accepted;
  EXPECT_EQ(classify_failure(r), std::nullopt);
}

// ---- through the judge's seam ------------------------------------------------------------------------------

TEST(FailureType, ABuildThatRanOutOfDiskThroughTheJudgeIsResourceExhaustion) {
  JudgeBench b;
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  b.compute_baseline();
  runners::BuildResult full;
  full.failure = "build failed (exit code 1)";
  full.output = "[1/2] Building CXX object CMakeFiles/lib.dir/src/lib.cpp.o\n" + data("enospc.txt") +
                "ninja: build stopped: subcommand failed.\n";
  full.errors = runners::first_errors(full.output);
  b.fake.builds = {full};
  b.write("src/lib.cpp", "int lib() { return 2; }\n");
  AttemptResult r = b.judge();
  explain_outcome(r);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.failure->type, FailureType::resource_exhaustion);
  EXPECT_EQ(r.build.environment,
            (Strings{"/tmp/ccvAonFu.s: Fatal error: can't write 11 bytes to section .text._ZSt23__is_constant_evaluatedv "
                     "of ../small/t.o: 'No space left on device'"}));
  ASSERT_FALSE(r.recovery.empty());
  EXPECT_EQ(r.recovery.front().action, RecoveryAction::retry);
}

TEST(FailureType, ATestTheFixBreaksThroughTheJudgeIsATestRegression) {
  JudgeBench b;
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test"), discovered_test("b", b.build_dir(), "b_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  b.fake.statuses["b"] = {P, F};
  b.compute_baseline();
  b.write("src/lib.cpp", "int lib() { return 2; }\n");
  AttemptResult r = b.judge();
  explain_outcome(r);
  ASSERT_EQ(r.verdict, Verdict::rejected) << r.reason;
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->type, FailureType::test_regression);
  EXPECT_EQ(r.reason, "1 test(s) broken by the fix: b passed without the fix and fails with it "
                      "(passed 1 of 1 run without the fix, failed 5 of 5 runs with it)");
  EXPECT_EQ(r.failure->signature, "rejected: 1 test(s) broken by the fix: b passed without the fix and fails with it "
                                  "(passed <n> of <n> runs without the fix, failed <n> of <n> runs with it)\ntest b");
}

}  // namespace
}  // namespace autofix::testing
