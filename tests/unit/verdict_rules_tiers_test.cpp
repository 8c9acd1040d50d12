// SPDX-License-Identifier: MIT
// The verdict rules about what runs and in which order (gate/judge/judge.cpp, gate/judge/tiers.cpp,
// gate/policy/decide.h), through a FakeToolchain: the tests a change can affect first and --fail-fast,
// tiers left out by the lane, a failed build, advisory against required tiers, a high-risk change with a
// failing advisory tier, a required tier that cannot run (fail closed), and the static tier's threshold.
// Each asserts the verdict, its reason, the tiers' outcomes and what the toolchain was asked to do.
#include <gtest/gtest.h>

#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

// Three tests: "a" and "c" build from the library the change edits, "b" does not.
void three_tests_and_their_targets(JudgeBench& b) {
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test"), discovered_test("b", b.build_dir(), "b_test"),
                  discovered_test("c", b.build_dir(), "c_test")};
  b.fake.graph = fake_build_graph(b.root(), b.build_dir(),
                                  {{"lib", {"src/lib.cpp"}, {}},
                                   {"a_test", {"tests/a_test.cpp"}, {"lib"}},
                                   {"b_test", {"tests/b_test.cpp"}, {}},
                                   {"c_test", {"tests/c_test.cpp"}, {"lib"}}});
  b.write("src/lib.cpp", "#include <cstdio>\nint lib() { return 1; }\n");
}

// Changes the library's second line (the analyzer findings below are on its first).
void change_lib(JudgeBench& b) { b.write("src/lib.cpp", "#include <cstdio>\nint lib() { return 2; }\n"); }

const Transitions kAllPassed{{"a", "PASS_TO_PASS"}, {"b", "PASS_TO_PASS"}, {"c", "PASS_TO_PASS"}};

// ---- the tests a change can affect, first ----------------------------------------------------------------

TEST(VerdictRulesTiers, FailFastRunsTheAffectedTestsFirstAndStopsAtAConfirmedRegression) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.fail_fast = true;
  b.fake.statuses["a"] = {P, F};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "1 test(s) broken by the fix (1 cascading, outside what the fix aimed at): a passed without the "
                      "fix and fails with it (passed 1 of 1 run without the fix, failed 5 of 5 runs with it)");
  EXPECT_TRUE(r.stopped_early);
  // b never ran with the change: the confirmed regression among a and c ended the run.
  EXPECT_EQ(calls_from(b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest a | c", "discover", "ctest a", "ctest a", "ctest a", "ctest a"}));
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"c", "PASS_TO_PASS"}}));
  EXPECT_EQ(tiers_of(r), Strings{"tests failed: 2 test(s), 1 regression(s), 0 fixed"});
  ASSERT_EQ(r.cascading.size(), 1u);
  EXPECT_EQ(r.cascading[0].kind, CascadeKind::cascading);
  EXPECT_EQ(r.cascading[0].chain, (Strings{"a_test", "lib", "src/lib.cpp"}));
  EXPECT_NE(b.progress().find("1/2 passed (stopped at the first regression: --fail-fast)"), std::string::npos)
      << b.progress();
}

TEST(VerdictRulesTiers, FailFastWithoutARegressionAmongTheAffectedTestsRunsTheRest) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.fail_fast = true;
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_FALSE(r.stopped_early);
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest a | c", "ctest b"}));
  EXPECT_EQ(transitions_of(r), kAllPassed);
}

TEST(VerdictRulesTiers, WithoutFailFastEveryTestRunsBeforeTheRerunsOfARegression) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.fake.statuses["a"] = {P, F};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_FALSE(r.stopped_early);
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest a | c", "ctest b", "discover", "ctest a",
                                             "ctest a", "ctest a", "ctest a"}));
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"b", "PASS_TO_PASS"}, {"c", "PASS_TO_PASS"}}));
}

// ---- lanes -------------------------------------------------------------------------------------------------

const char* const kEveryKind = R"([{"name": "tests", "kind": "ctest"},
                                  {"name": "secrets", "kind": "secrets"},
                                  {"name": "static", "kind": "cppcheck"},
                                  {"name": "lint", "kind": "command", "command": ["./lint.sh"], "lanes": ["docs", "standard"]},
                                  {"name": "slow", "kind": "command", "command": ["./slow.sh"], "lanes": ["heavy"]}])";

TEST(VerdictRulesTiers, TheDocsLaneBuildsNothingAndRunsOnlyTheTiersListedForIt) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(kEveryKind);
  b.compute_baseline();
  b.write("README.md", "# p\n\nHow to build.\n");
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "documentation-only change: nothing to build, every tier passed");
  EXPECT_EQ(r.lane.lane, Lane::docs);
  EXPECT_EQ(r.lane.reason, "docs only: README.md");
  EXPECT_FALSE(r.build.ran);
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"gitleaks auto", "command ./lint.sh"}));
  EXPECT_EQ(tiers_of(r), (Strings{"secrets passed: no secret in 3 added line(s)", "lint passed: exit code 0"}));
  EXPECT_TRUE(r.tests.empty());
}

TEST(VerdictRulesTiers, TheStandardLaneLeavesOutATierListedOnlyForTheHeavyOne) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(kEveryKind);
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(transitions_of(r), kAllPassed);
  EXPECT_EQ(r.lane.lane, Lane::standard);
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover", "ctest a | c", "ctest b", "gitleaks auto",
                                             "compile database", "command ./lint.sh"}));
  EXPECT_EQ(tiers_of(r), (Strings{"tests passed: 3 test(s), 0 regression(s), 0 fixed",
                                  "secrets passed: no secret in 1 added line(s)",
                                  "static skipped: the change touches no translation unit of compile_commands.json",
                                  "lint passed: exit code 0"}));
}

TEST(VerdictRulesTiers, TheHeavyLaneReconfiguresAndRunsEveryTier) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(kEveryKind);
  b.write("CMakeLists.txt", "project(p)\n");
  b.compute_baseline();
  b.write("CMakeLists.txt", "project(p LANGUAGES CXX)\n");
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.lane.lane, Lane::heavy);
  EXPECT_EQ(r.lane.reason, "CMakeLists.txt changed: build configuration, so the heavy lane reconfigures and runs every tier");
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build (reconfigure)", "graph", "discover", "ctest", "gitleaks auto",
                                             "compile database", "command ./lint.sh", "command ./slow.sh"}));
  EXPECT_EQ(tiers_of(r).size(), 5u);
  // CMakeLists.txt is a high-risk path; every tier passed.
  EXPECT_EQ(r.risk.level, RiskLevel::high);
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(transitions_of(r), kAllPassed);
}

TEST(VerdictRulesTiers, AFailedBuildSkipsTheTiersThatNeedItAndRunsTheOthers) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(kEveryKind);
  runners::BuildResult ok, broken;
  ok.ok = true;
  broken.errors = {"src/lib.cpp:1:14: error: expected ';'"};
  broken.failure = "build failed (exit code 1)";
  b.fake.builds = {ok, ok, broken};  // configure, the baseline's build, the build with the change
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "the build failed with the fix: src/lib.cpp:1:14: error: expected ';'");
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "gitleaks auto", "command ./lint.sh"}));
  EXPECT_EQ(tiers_of(r), (Strings{"tests skipped: the build failed", "secrets passed: no secret in 1 added line(s)",
                                  "static skipped: the build failed", "lint passed: exit code 0"}));
  EXPECT_TRUE(r.tests.empty());
}

// ---- advisory and required tiers, risk ------------------------------------------------------------------------

const char* const kLint = R"([{"name": "tests", "kind": "ctest"},
                             {"name": "lint", "kind": "command", "command": ["./lint.sh"], "required": %s}])";

std::string lint_tier(bool required) {
  std::string text = kLint;
  return text.replace(text.find("%s"), 2, required ? "true" : "false");
}

TEST(VerdictRulesTiers, AFailingAdvisoryTierIsReportedButDoesNotReject) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(lint_tier(false));
  b.fake.exit_codes["./lint.sh"] = 1;
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed; advisory tier(s) failed (reported only): lint");
  EXPECT_EQ(transitions_of(r), kAllPassed);
  const TierResult& lint = tier_of(r, "lint");
  EXPECT_EQ(lint.status, TierStatus::failed);
  EXPECT_EQ(lint.reason, "exit code 1");
  ASSERT_EQ(lint.findings.size(), 1u);
  EXPECT_EQ(lint.findings[0].rule, "exit-code");
  EXPECT_EQ(lint.findings[0].message, "`./lint.sh` exit code 1");
}

TEST(VerdictRulesTiers, AFailingRequiredTierRejects) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(lint_tier(true));
  b.fake.exit_codes["./lint.sh"] = 1;
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "required tier 'lint' (command) failed: exit code 1");
  EXPECT_EQ(transitions_of(r), kAllPassed);
}

TEST(VerdictRulesTiers, AHighRiskChangeWithAFailingAdvisoryTierIsRejected) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(lint_tier(false));
  b.fake.exit_codes["./lint.sh"] = 1;
  b.write("CMakeLists.txt", "project(p)\n");
  b.compute_baseline();
  b.write("CMakeLists.txt", "project(p LANGUAGES CXX)\n");
  AttemptResult r = b.judge();
  EXPECT_EQ(r.risk.level, RiskLevel::high);
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "high-risk change (CMakeLists.txt matches CMakeLists.txt) and advisory tier(s) failed: lint");
  EXPECT_EQ(transitions_of(r), kAllPassed);
}

TEST(VerdictRulesTiers, ACriticalChangeNeedsReviewWhateverTheTiersSay) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.compute_baseline();
  b.write(".github/workflows/ci.yml", "name: ci\n");
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::needs_review);
  EXPECT_EQ(r.reason, "the fix changes a critical path: .github/workflows/ci.yml (matches .github/**)");
  EXPECT_EQ(r.lane.lane, Lane::standard);
  EXPECT_EQ(transitions_of(r), kAllPassed);
  EXPECT_EQ(tiers_of(r), Strings{"tests passed: 3 test(s), 0 regression(s), 0 fixed"});
}

// ---- a tier that cannot run: fail closed ---------------------------------------------------------------------

const char* const kStatic = R"([{"name": "tests", "kind": "ctest"},
                               {"name": "static", "kind": "cppcheck", "required": %s}])";

std::string static_tier(bool required) {
  std::string text = kStatic;
  return text.replace(text.find("%s"), 2, required ? "true" : "false");
}

TEST(VerdictRulesTiers, ARequiredTierThatCannotRunLeavesTheChangeUnjudged) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(static_tier(true));
  b.fake.compile_database = {"src/lib.cpp", "tests/a_test.cpp"};
  b.fake.analyses = {{{}, "cppcheck was killed by signal 11"}};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.reason,
            "required tier 'static' could not run: analysing the tree with the change: cppcheck was killed by signal 11");
  EXPECT_EQ(tier_of(r, "static").status, TierStatus::error);
  EXPECT_EQ(transitions_of(r), kAllPassed);
  EXPECT_EQ(calls_from(b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest a | c", "ctest b", "compile database", "analyze cppcheck src/lib.cpp"}));
}

TEST(VerdictRulesTiers, AnAdvisoryTierThatCannotRunIsReportedOnly) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(static_tier(false));
  b.fake.compile_database = {"src/lib.cpp"};
  b.fake.analyses = {{{}, "cppcheck was killed by signal 11"}};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed; advisory tier(s) failed (reported only): static");
  EXPECT_EQ(tier_of(r, "static").status, TierStatus::error);
}

TEST(VerdictRulesTiers, ACommandThatCannotStartIsAnErrorNeverAPass) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(lint_tier(true));
  b.fake.unstartable = {"./lint.sh"};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.reason, "required tier 'lint' could not run: cannot start './lint.sh': No such file or directory");
  EXPECT_EQ(tier_of(r, "lint").status, TierStatus::error);
}

// ---- the static tier's threshold ---------------------------------------------------------------------------

Finding finding(const std::string& severity, const std::string& rule, int line) {
  Finding f;
  f.severity = severity;
  f.rule = rule;
  f.file = "src/lib.cpp";
  f.line = line;
  f.message = rule + " here";
  return f;
}

TEST(VerdictRulesTiers, ANewFindingAtTheThresholdRejectsAndOneBelowItIsReportedOnly) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(static_tier(true));
  b.fake.compile_database = {"src/lib.cpp"};
  // With the change: a warning and a style finding; without it: neither.
  b.fake.analyses = {{{finding("warning", "nullPointer", 1), finding("style", "shadowFunction", 1)}, ""}, {{}, ""}};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "required tier 'static' (cppcheck) failed: 1 new blocking finding(s) (warning nullPointer at "
                      "src/lib.cpp:1), 0 fixed, in 1 translation unit(s); 1 new finding(s) below the 'warning' threshold "
                      "reported, not blocking (style shadowFunction at src/lib.cpp:1)");
  // Analysed with the change, then without it (the tree's files put back for it, then the change again).
  EXPECT_EQ(calls_from(b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest a | c", "ctest b", "compile database",
                   "analyze cppcheck src/lib.cpp", "analyze cppcheck src/lib.cpp"}));
  EXPECT_EQ(read_file(b.root() / "src/lib.cpp"), "#include <cstdio>\nint lib() { return 2; }\n") << "the change is back in place";
}

// --jobs (RunSettings::jobs) is what the build, each ctest run and each analysis get.
TEST(VerdictRulesTiers, TheJobsGoToTheBuildTheTestsAndTheAnalyzer) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(static_tier(true));
  b.fake.compile_database = {"src/lib.cpp"};
  b.settings.jobs = 3;
  b.compute_baseline();
  change_lib(b);
  const size_t builds = b.fake.build_requests.size(), runs = b.fake.test_requests.size();
  b.judge();
  ASSERT_EQ(b.fake.build_requests.size(), builds + 1);
  EXPECT_EQ(b.fake.build_requests.back().jobs, 3u);
  ASSERT_EQ(b.fake.test_requests.size(), runs + 2);  // the tests the change can affect, then the rest
  for (size_t i = runs; i < b.fake.test_requests.size(); ++i) EXPECT_EQ(b.fake.test_requests[i].jobs, 3u);
  ASSERT_EQ(b.fake.analyzer_requests.size(), 2u);
  for (const runners::AnalyzerOptions& a : b.fake.analyzer_requests) EXPECT_EQ(a.jobs, 3u);
}

TEST(VerdictRulesTiers, FailOnStyleMakesAStyleFindingBlock) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(R"([{"name": "tests", "kind": "ctest"}, {"name": "static", "kind": "cppcheck", "fail_on": "style"}])");
  b.fake.compile_database = {"src/lib.cpp"};
  b.fake.analyses = {{{finding("style", "shadowFunction", 1)}, ""}, {{}, ""}};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "required tier 'static' (cppcheck) failed: 1 new blocking finding(s) (style shadowFunction at "
                      "src/lib.cpp:1), 0 fixed, in 1 translation unit(s)");
}

TEST(VerdictRulesTiers, AFindingTheTreeAlreadyHadIsNotNew) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(static_tier(true));
  b.fake.compile_database = {"src/lib.cpp"};
  b.fake.analyses = {{{finding("warning", "nullPointer", 1)}, ""}};  // on both trees
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(tiers_of(r)[1], "static passed: 0 new blocking finding(s), 0 fixed, in 1 translation unit(s)");
  // Not reported either: it is on line 1, and the change touched line 2 only (an unchanged finding on a
  // line the change touched is: VerdictRulesStoredAnalysis.UnchangedFindingsAreReportedOnlyOnTheLinesTheChangeTouched).
  EXPECT_TRUE(tier_of(r, "static").findings.empty());
}

// ---- secrets -----------------------------------------------------------------------------------------------

// A test-mode key is reported as a warning that does not block, in the tier's outcome and in each finding
// (every report reads `blocking`); a live key beside it blocks.
TEST(VerdictRulesTiers, ATestModeKeyIsANonBlockingWarningALiveKeyBlocks) {
  JudgeBench b;
  three_tests_and_their_targets(b);
  b.set_tiers(R"([{"name": "tests", "kind": "ctest"}, {"name": "secrets", "kind": "secrets"}])");
  b.compute_baseline();
  const std::string test_key = std::string("sk_") + "test_" + "4eC39HqLyjWDarjtT1zdp7dc";
  b.write("src/lib.cpp", "#include <cstdio>\nint lib() { return 1; }\nconst char* k = \"" + test_key + "\";\n");
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(tiers_of(r)[1], "secrets passed: no secret and 1 warning(s) in 1 added line(s)");
  ASSERT_EQ(tier_of(r, "secrets").findings.size(), 1u);
  EXPECT_EQ(tier_of(r, "secrets").findings[0].severity, "warning");
  EXPECT_FALSE(tier_of(r, "secrets").findings[0].blocking);

  const std::string live_key = std::string("sk_") + "live_" + "9fD27JqLyjWDarjtT1zdp7xq";
  b.write("src/lib.cpp", "#include <cstdio>\nint lib() { return 1; }\nconst char* k = \"" + test_key +
                             "\";\nconst char* l = \"" + live_key + "\";\n");
  r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(tiers_of(r)[1], "secrets failed: 1 secret(s) and 1 warning(s) in the added lines");
  ASSERT_EQ(tier_of(r, "secrets").findings.size(), 2u);
  std::vector<bool> blocking;
  for (const Finding& f : tier_of(r, "secrets").findings) blocking.push_back(f.blocking);
  EXPECT_EQ(blocking, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace autofix::testing
