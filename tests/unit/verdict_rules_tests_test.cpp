// SPDX-License-Identifier: MIT
// The verdict rules about which tests there are (gate/judge/judge.cpp, gate/policy/classify.h,
// gate/policy/tampering.h, gate/policy/decide.h), through a FakeToolchain: no test run with the change,
// tests missing or new with it, tests the change weakens next to tests it breaks, and a test the change
// was required to fix. Each asserts the verdict, its reason and every test's transition.
#include <algorithm>

#include <gtest/gtest.h>

#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

void two_tests(JudgeBench& b) {
  b.fake.tests = {discovered_test("a", b.build_dir(), "a_test"), discovered_test("b", b.build_dir(), "b_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
}

void change_lib(JudgeBench& b) { b.write("src/lib.cpp", "int lib() { return 2; }\n"); }

// "kind test-or-file" of each tampering finding.
Strings tampering_of(const AttemptResult& r) {
  Strings out;
  for (const TamperFinding& f : r.tampering) out.push_back(std::string(to_string(f.kind)) + " " + (f.test.empty() ? f.file : f.test));
  return out;
}

// ---- no test ran -------------------------------------------------------------------------------------------

TEST(VerdictRulesTests, ALaneThatRunsNoTestTierLeavesTheChangeUnjudged) {
  JudgeBench b;
  two_tests(b);
  b.set_tiers(R"([{"name": "tests", "kind": "ctest", "lanes": ["heavy"]}])");
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::error);
  EXPECT_EQ(r.reason, "no test ran after the fix: the gate cannot judge it");
  EXPECT_EQ(calls_from(b.fake, mark), (Calls{"build", "graph", "discover"}));
  EXPECT_TRUE(r.tests.empty());
  EXPECT_TRUE(r.tiers.empty());
}

// ---- tests missing or new -------------------------------------------------------------------------------------

TEST(VerdictRulesTests, ACaseMissingWithTheChangeNeedsReview) {
  JudgeBench b;
  b.fake.tests = {discovered_test("suite", b.build_dir(), "suite_test")};
  b.fake.cases["suite"] = {"Math.Adds", "Math.Divides"};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  b.compute_baseline();
  change_lib(b);
  b.fake.cases["suite"] = {"Math.Adds"};
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::needs_review);
  EXPECT_EQ(r.reason, "the fix weakens tests (1): missing suite::Math.Divides");
  EXPECT_EQ(transitions_of(r), (Transitions{{"suite", "PASS_TO_PASS"}, {"suite::Math.Adds", "PASS_TO_PASS"},
                                            {"suite::Math.Divides", "MISSING"}}));
}

TEST(VerdictRulesTests, ATestNoLongerRegisteredNeedsReview) {
  JudgeBench b;
  two_tests(b);
  b.compute_baseline();
  change_lib(b);
  b.fake.tests.pop_back();  // b
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::needs_review);
  EXPECT_EQ(r.reason, "the fix weakens tests (1): unregistered b");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_PASS"}, {"b", "MISSING"}}));
  EXPECT_EQ(tampering_of(r), Strings{"unregistered b"});
}

TEST(VerdictRulesTests, ANewTestThatFailsEveryRunIsARegression) {
  JudgeBench b;
  two_tests(b);
  b.compute_baseline();
  change_lib(b);
  b.fake.tests.push_back(discovered_test("c", b.build_dir(), "c_test"));
  b.fake.statuses["c"] = {F};
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "1 test(s) broken by the fix: c is new with the fix and failed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_PASS"}, {"b", "PASS_TO_PASS"}, {"c", "NEW"}}));
  EXPECT_EQ(outcome_of(r, "c").observed, "failed 5 of 5 runs with the fix");
}

TEST(VerdictRulesTests, ANewTestThatPassesOrFlakesIsNoRegression) {
  JudgeBench b;
  two_tests(b);
  b.compute_baseline();
  change_lib(b);
  b.fake.tests.push_back(discovered_test("c", b.build_dir(), "c_test"));
  b.fake.tests.push_back(discovered_test("d", b.build_dir(), "d_test"));
  b.fake.statuses["d"] = {F, F, P};
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(r.reason, "the build passed, no test regressed");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_PASS"}, {"b", "PASS_TO_PASS"}, {"c", "NEW"}, {"d", "FLAKY"}}));
  EXPECT_EQ(b.fake.runs["c"], 1) << "a new test that passes is not run again";
}

// ---- weakened tests next to broken ones ---------------------------------------------------------------------

// gtest_discover_tests registers each case as a CTest test; a case renamed to DISABLED_ is still
// registered under its old name, and skipped.
void discovered_cases(JudgeBench& b) {
  b.fake.tests = {discovered_test("Math.Adds", b.build_dir(), "math_test"),
                  discovered_test("Math.Divides", b.build_dir(), "math_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  b.write("tests/math_test.cpp", "TEST(Math, Adds) {\n  EXPECT_EQ(lib(), 1);\n}\n\nTEST(Math, Divides) {\n}\n");
}

TEST(VerdictRulesTests, ATestTheChangeDisablesNeedsReviewAndIsNoRegression) {
  JudgeBench b;
  discovered_cases(b);
  b.fake.statuses["Math.Adds"] = {P, S};
  b.compute_baseline();
  b.write("src/lib.cpp", "int lib() { return 2; }\n");
  b.write("tests/math_test.cpp", "TEST(Math, DISABLED_Adds) {\n  EXPECT_EQ(lib(), 1);\n}\n\nTEST(Math, Divides) {\n}\n");
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::needs_review);
  EXPECT_EQ(r.reason, "the fix weakens tests (2): disabled Math.Adds, test_source_edited tests/math_test.cpp");
  EXPECT_EQ(transitions_of(r), (Transitions{{"Math.Adds", "PASS_TO_FAIL"}, {"Math.Divides", "PASS_TO_PASS"}}));
  EXPECT_EQ(r.regressions(), Strings{});
  EXPECT_EQ(tiers_of(r), Strings{"tests passed: 2 test(s), 0 regression(s), 0 fixed"});
}

TEST(VerdictRulesTests, ABrokenTestRejectsAChangeThatAlsoWeakensOne) {
  JudgeBench b;
  discovered_cases(b);
  b.fake.statuses["Math.Adds"] = {P, S};
  b.fake.statuses["Math.Divides"] = {P, F};
  b.compute_baseline();
  b.write("src/lib.cpp", "int lib() { return 2; }\n");
  b.write("tests/math_test.cpp", "TEST(Math, DISABLED_Adds) {\n  EXPECT_EQ(lib(), 1);\n}\n\nTEST(Math, Divides) {\n}\n");
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  // Only the broken test is named: the disabled one is a weakened test, reported with the tampering.
  EXPECT_EQ(r.reason,
            "1 test(s) broken by the fix: Math.Divides passed without the fix and fails with it (passed 1 of 1 run "
            "without the fix, failed 5 of 5 runs with it)");
  EXPECT_EQ(transitions_of(r), (Transitions{{"Math.Adds", "PASS_TO_FAIL"}, {"Math.Divides", "PASS_TO_FAIL"}}));
  EXPECT_EQ(r.regressions(), Strings{"Math.Divides"});
  EXPECT_EQ(tampering_of(r), (Strings{"disabled Math.Adds", "test_source_edited tests/math_test.cpp"}));
  EXPECT_EQ(tiers_of(r), Strings{"tests failed: 2 test(s), 1 regression(s), 0 fixed"});
}

// ---- --require-fixed ---------------------------------------------------------------------------------------

TEST(VerdictRulesTests, ARequiredTestThatIsNotFixedRejects) {
  JudgeBench b;
  two_tests(b);
  b.fake.statuses["a"] = {F, F, F, F, F, P};  // fails 1 + 4 runs without the change, passes with it
  b.require_fixed = {"b"};                    // passes on both trees
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(r.reason, "required test 'b' is PASS_TO_PASS, not FAIL_TO_PASS");
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "FAIL_TO_PASS"}, {"b", "PASS_TO_PASS"}}));
  b.require_fixed = {"a"};
  EXPECT_EQ(b.judge().verdict, Verdict::accepted);
}

// ---- where tests are defined and what failed first ---------------------------------------------------------

// Test binaries print absolute paths; the outcome carries them relative to the repository (paths outside it
// as printed). A case's own file and line win over its CTest test's registration site (a CMakeLists.txt line).
TEST(VerdictRulesTests, ARegressionCarriesWhereItIsDefinedAndItsFirstFailingAssertion) {
  JudgeBench b;
  const std::string root = b.root().string();
  two_tests(b);
  b.fake.tests[1].source_file = root + "/tests/CMakeLists.txt";
  b.fake.tests[1].source_line = 3;
  b.fake.tests.push_back(discovered_test("suite", b.build_dir(), "suite_test"));
  b.fake.tests.back().source_file = root + "/tests/CMakeLists.txt";
  b.fake.tests.back().source_line = 4;
  b.fake.cases["suite"] = {"Math.Adds"};
  b.fake.definitions["a"] = {root + "/tests/a_test.cpp", 12};
  b.fake.definitions["suite::Math.Adds"] = {root + "/tests/math test.cpp", 5};
  b.fake.statuses["a"] = {P, F};              // the regression
  b.fake.statuses["b"] = {F, F, F, F, F, P};  // the test the change fixes
  b.fake.assertions["a"] = {{root + "/tests/./a_test.cpp", 14}, "Expected equality of these values:\n  lib()\n    Which is: 2\n  1"};
  b.fake.assertions["b"] = {{"/usr/include/gtest/gtest.h", 1500}, "Failed"};
  b.compute_baseline();
  change_lib(b);
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(transitions_of(r), (Transitions{{"a", "PASS_TO_FAIL"}, {"b", "FAIL_TO_PASS"}, {"suite", "PASS_TO_PASS"},
                                            {"suite::Math.Adds", "PASS_TO_PASS"}}));
  const TestOutcome& a = outcome_of(r, "a");
  EXPECT_EQ(a.defined_at, (SourceLocation{"tests/a_test.cpp", 12}));
  EXPECT_EQ(a.first_failure, (FailedAssertion{{"tests/a_test.cpp", 14},
                                              "Expected equality of these values:\n  lib()\n    Which is: 2\n  1"}));
  ASSERT_TRUE(a.after);
  EXPECT_EQ(a.after->first_failure, a.first_failure);
  ASSERT_TRUE(a.baseline);
  EXPECT_EQ(a.baseline->first_failure, std::nullopt);  // it passed there
  // A fixed test: what it used to fail on (from the stored baseline), outside the repository as printed.
  const TestOutcome& fixed = outcome_of(r, "b");
  EXPECT_EQ(fixed.defined_at, (SourceLocation{"tests/CMakeLists.txt", 3}));
  EXPECT_EQ(fixed.first_failure, (FailedAssertion{{"/usr/include/gtest/gtest.h", 1500}, "Failed"}));
  EXPECT_EQ(outcome_of(r, "suite::Math.Adds").defined_at, (SourceLocation{"tests/math test.cpp", 5}));
  EXPECT_EQ(outcome_of(r, "suite").defined_at, (SourceLocation{"tests/CMakeLists.txt", 4}));
  EXPECT_EQ(outcome_of(r, "suite").first_failure, std::nullopt);
}


// A test gtest_discover_tests registered runs one case and its run says nowhere where that case is defined
// (ctest runs it without GTEST_OUTPUT; CTest records no registration line): a listing of its binary does.
// Only such tests are asked about, once per run of a tree; a re-run asks nothing.
TEST(VerdictRulesTests, ADiscoveredGoogleTestCaseCarriesWhereTheListingSaysItIsDefined) {
  JudgeBench b;
  const std::string root = b.root().string();
  auto discovered_case = [&](const std::string& name) {
    runners::DiscoveredTest t = discovered_test(name, b.build_dir(), "calc tests");
    t.command.push_back("--gtest_filter=" + name);
    t.command.push_back("--gtest_also_run_disabled_tests");
    return t;
  };
  b.fake.tests = {discovered_case("Calc.Adds"), discovered_case("Calc.Divides"),
                  discovered_test("whole", b.build_dir(), "whole_test")};
  b.write("src/lib.cpp", "int lib() { return 1; }\n");
  b.fake.listed["Calc.Adds"] = {root + "/tests/calc test.cpp", 9};
  b.fake.listed["Calc.Divides"] = {root + "/tests/calc test.cpp", 30};
  b.fake.definitions["Calc.Divides"] = {root + "/tests/calc test.cpp", 31};  // its report says: it wins
  b.fake.statuses["Calc.Adds"] = {P, F};
  b.compute_baseline();
  change_lib(b);
  size_t mark = b.fake.calls.size();
  AttemptResult r = b.judge();
  EXPECT_EQ(r.verdict, Verdict::rejected);
  EXPECT_EQ(transitions_of(r), (Transitions{{"Calc.Adds", "PASS_TO_FAIL"}, {"Calc.Divides", "PASS_TO_PASS"},
                                            {"whole", "PASS_TO_PASS"}}));
  EXPECT_EQ(outcome_of(r, "Calc.Adds").defined_at, (SourceLocation{"tests/calc test.cpp", 9}));
  EXPECT_EQ(outcome_of(r, "Calc.Divides").defined_at, (SourceLocation{"tests/calc test.cpp", 31}));
  EXPECT_EQ(outcome_of(r, "whole").defined_at, SourceLocation{});
  Calls after = calls_from(b.fake, mark);
  EXPECT_EQ(std::count(after.begin(), after.end(), "gtest-list Calc.Adds"), 1);
  EXPECT_EQ(std::count_if(after.begin(), after.end(), [](const std::string& c) { return c.starts_with("gtest-list"); }), 1);
  EXPECT_NE(std::find(after.begin(), after.end(), "ctest Calc.Adds"), after.end());  // the re-run, which lists nothing
}

}  // namespace
}  // namespace autofix::testing
