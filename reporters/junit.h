// SPDX-License-Identifier: MIT
#pragma once
// junit.xml: the tests that ran with the fix, one <testcase> each, for CI test views (GitLab's test
// report and merge-request widget, Jenkins, GitHub actions that read JUnit). The verdict, the build and
// the tiers are no test cases here (the tiers are in autofix-tiers.xml, tiers_junit.h). docs/junit.md
// says what each reader takes from it. Pure: a string out.
//
// Which tests: every test with a result with the fix (a test that ran only without it, MISSING, is in
// report.json and summary.md). A CTest test whose cases the gate read is its cases; it is a test case
// of its own too only when it failed and none of its cases did (a crash after the last case, a binary
// that wrote no report).
//
// Names (junit_name): a case or a CTest test named the way GoogleTest names a case, "Suite.Case" (one
// '.', no white space; gtest_discover_tests names CTest tests so), is classname "Suite", name "Case", as
// GoogleTest's own XML writes it. Another case (Catch2, doctest) is classname <its CTest test>, name
// <the case>; another CTest test is classname "ctest", name its name (plain CTest tests group together).
// Two tests that would get the same classname and name (GitLab keeps only one of them) are told apart
// by " [<CTest test>]" after the later one's name.
//
// Result: of the runs with the fix (the first and its re-runs). All passed: a pass. All failed: a
// <failure> (type: the transition, e.g. PASS_TO_FAIL for a regression, FAIL_TO_FAIL when it failed
// without the fix too; message: the first failing assertion's message, else the first failure line;
// text: the output the gate kept) and a <rerunFailure> per re-run. Passed and failed: a pass with a
// <flakyFailure> per failed run. Not run (CTest could not start it): an <error>. Skipped: <skipped>.
//
// Place (`file`, `line`; only inside the repository): a failing test's first failing assertion with the
// fix, where mikepenz/action-junit-report puts its annotation (it takes testcase@file and @line before
// the failure's or the suite's); else where the test is defined (TestOutcome::defined_at).
//
// Strict (junit-strict.xml): the same document without `file` and `line`, which neither Jenkins xunit's
// junit-10.xsd nor Surefire's XSD declares; a consumer that validates (Jenkins xUnit) reads this one.
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

enum class JunitPlaces { written, left_out };

std::string attempt_junit(const AttemptResult& result, JunitPlaces places = JunitPlaces::written);

struct JunitName {
  std::string classname;
  std::string name;
  bool operator==(const JunitName&) const = default;
};

// The classname and name of one test as described above (before two equal ones are told apart).
JunitName junit_name(const TestOutcome& test);

}  // namespace autofix::reporters
