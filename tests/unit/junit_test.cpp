// SPDX-License-Identifier: MIT
#include "reporters/junit.h"

#include <gtest/gtest.h>

#include "gate/policy/classify.h"
#include "gate/results/test_names.h"

namespace autofix::reporters {
namespace {

const std::string kHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const std::string kFffd = "\xEF\xBF\xBD";

// The suite's opening and its properties, for a result made by result().
std::string opening(const std::string& counts) {
  return kHead + "<testsuite name=\"autofix-gate tests\" " + counts +
         " timestamp=\"2026-11-22T00:00:00Z\">\n"
         "  <properties>\n"
         "    <property name=\"autofix.attempt_id\" value=\"20261122T000000Z-abcdef\" />\n"
         "    <property name=\"autofix.verdict\" value=\"rejected\" />\n"
         "    <property name=\"autofix.reason\" value=\"the reason\" />\n"
         "  </properties>\n";
}

AttemptResult result(std::vector<TestOutcome> tests) {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.started = "2026-11-22T00:00:00Z";
  r.verdict = Verdict::rejected;
  r.reason = "the reason";
  r.tests = std::move(tests);
  return r;
}

struct After {
  RunStatus status;
  double duration_s = 0;
  std::string output = "";
  std::vector<std::string> failures = {};
};

// A test's outcome with its record on both trees; `after` absent when it did not run with the fix.
TestOutcome outcome(const std::string& ctest_test, const std::string& case_name, Transition transition,
                    std::optional<After> after, std::vector<RunStatus> reruns = {}) {
  TestOutcome t;
  t.name = test_name(ctest_test, case_name);
  t.ctest_test = ctest_test;
  t.case_name = case_name;
  t.transition = transition;
  t.baseline = TestRecord{t.name, RunStatus::passed, 0.1, "", ctest_test, case_name};
  if (after) t.after = TestRecord{t.name, after->status, after->duration_s, after->output, ctest_test, case_name, after->failures};
  t.reruns = std::move(reruns);
  return t;
}

TEST(AttemptJunit, OneCasePerTestThatRanWithTheFixAndNothingElse) {
  std::vector<TestRecord> before = {{"MathTest.Mean", RunStatus::failed, 0.1, "bad"},
                                    {"FormatterTest.TwoDecimals", RunStatus::passed, 0.2, ""},
                                    {"Old.Gone", RunStatus::passed, 0.1, ""},
                                    {"Still.Failing", RunStatus::failed, 0.1, ""}};
  std::vector<TestRecord> after = {
      {"MathTest.Mean", RunStatus::passed, 0.1, ""},
      {"FormatterTest.TwoDecimals", RunStatus::failed, 0.3,
       std::string("formatter_test.cpp:9: Failure\nExpected \"3.14\" <&>\x01\xff"), "", "", {"formatter_test.cpp:9: Failure"}},
      {"Still.Failing", RunStatus::failed, 0.1, "still failing\n"}};
  AttemptResult r = result(classify(before, after));
  r.tiers = {TierResult{"static", TierKind::cppcheck, true, TierStatus::failed, "1 new finding", 0.5, {}, {}}};
  r.build = {true, false, 2.5, {"error: x"}, "the build failed"};
  // Old.Gone did not run with the fix, and neither the verdict, the build nor the tier is a test case.
  EXPECT_EQ(attempt_junit(r),
            opening("tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\" time=\"0.500\"") +
                "  <testcase name=\"TwoDecimals\" classname=\"FormatterTest\" time=\"0.300\">\n"
                "    <failure message=\"formatter_test.cpp:9: Failure\" type=\"PASS_TO_FAIL\">formatter_test.cpp:9: "
                "Failure\nExpected \"3.14\" &lt;&amp;&gt;" + kFffd + kFffd + "</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"Mean\" classname=\"MathTest\" time=\"0.100\" />\n"
                "  <testcase name=\"Failing\" classname=\"Still\" time=\"0.100\">\n"
                "    <failure message=\"still failing\" type=\"FAIL_TO_FAIL\">still failing\n</failure>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

TEST(AttemptJunit, NamesAreGoogleTestsWhereTheyCanBe) {
  struct Case {
    std::string ctest_test, case_name;
    JunitName expected;
  };
  for (const Case& c : std::vector<Case>{
           {"MathTest.Mean", "", {"MathTest", "Mean"}},                    // gtest_discover_tests
           {"Inst/Suite.Case/0", "", {"Inst/Suite", "Case/0"}},            // parameterized
           {"unit::tests [a]", "Typed/0.Case", {"Typed/0", "Case"}},       // a case read from its binary
           {"calc::catch", "adds 1.5 & <2>", {"calc::catch", "adds 1.5 & <2>"}},  // Catch2
           {"calc::catch", "Fixture.method", {"Fixture", "method"}},       // Catch2's method case, as it writes it
           {"parser_test", "", {"ctest", "parser_test"}},                  // a plain CTest test
           {"a b.c", "", {"ctest", "a b.c"}},                              // white space: not GoogleTest's
           {"v1.2.3", "", {"ctest", "v1.2.3"}},                            // two dots: neither
           {".x", "", {"ctest", ".x"}},
           {"x.", "", {"ctest", "x."}},
       }) {
    TestOutcome t = outcome(c.ctest_test, c.case_name, Transition::PASS_TO_PASS, After{RunStatus::passed});
    EXPECT_EQ(junit_name(t), c.expected) << t.name;
  }
}

// A CTest test whose cases the gate read is its cases; itself only when it failed with no failing case.
TEST(AttemptJunit, ACTestTestWithCasesIsItsCasesUnlessItFailedWithoutOne) {
  const std::string unit = "calc tests::unit [a]";
  AttemptResult r = result({
      outcome(unit, "", Transition::PASS_TO_FAIL, After{RunStatus::failed, 3, "2 FAILED TESTS"}),
      outcome(unit, "MathTest.Mean", Transition::PASS_TO_PASS, After{RunStatus::passed, 0.5}),
      outcome(unit, "Parser.Parses", Transition::PASS_TO_FAIL,
              After{RunStatus::failed, 1, "parser_test.cpp:4: Failure\nValue of: ok", {"parser_test.cpp:4: Failure"}}),
      outcome("crashy", "", Transition::PASS_TO_FAIL, After{RunStatus::failed, 2, "SEGFAULT"}),
      outcome("crashy", "A.B", Transition::PASS_TO_PASS, After{RunStatus::passed, 0.25}),
      outcome("calc::catch", "", Transition::PASS_TO_PASS, After{RunStatus::passed, 1}),
      outcome("calc::catch", "adds 1.5 & <2>", Transition::PASS_TO_PASS, After{RunStatus::passed, 0.125}),
  });
  EXPECT_EQ(attempt_junit(r),
            opening("tests=\"5\" failures=\"2\" errors=\"0\" skipped=\"0\" time=\"3.875\"") +
                "  <testcase name=\"Mean\" classname=\"MathTest\" time=\"0.500\" />\n"
                "  <testcase name=\"Parses\" classname=\"Parser\" time=\"1.000\">\n"
                "    <failure message=\"parser_test.cpp:4: Failure\" type=\"PASS_TO_FAIL\">parser_test.cpp:4: "
                "Failure\nValue of: ok</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"crashy\" classname=\"ctest\" time=\"2.000\">\n"
                "    <failure message=\"SEGFAULT\" type=\"PASS_TO_FAIL\">SEGFAULT</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"B\" classname=\"A\" time=\"0.250\" />\n"
                "  <testcase name=\"adds 1.5 &amp; &lt;2>\" classname=\"calc::catch\" time=\"0.125\" />\n"
                "</testsuite>\n");
}

// GitLab keys a case by suite, classname and name and keeps only the last of equal keys.
TEST(AttemptJunit, TwoTestsWithOneNameAreToldApartByTheirCTestTest) {
  AttemptResult r = result({
      outcome("MathTest.Mean", "", Transition::PASS_TO_PASS, After{RunStatus::passed}),
      outcome("all", "MathTest.Mean", Transition::PASS_TO_PASS, After{RunStatus::passed}),
      outcome("all2", "MathTest.Mean", Transition::PASS_TO_PASS, After{RunStatus::passed}),
      outcome("MathTest.Mean [all2]", "", Transition::PASS_TO_PASS, After{RunStatus::passed}),
  });
  std::string xml = attempt_junit(r);
  for (const char* c : {"<testcase name=\"Mean\" classname=\"MathTest\"", "<testcase name=\"Mean [all]\" classname=\"MathTest\"",
                        "<testcase name=\"Mean [all2]\" classname=\"MathTest\"",
                        "<testcase name=\"MathTest.Mean [all2]\" classname=\"ctest\""})
    EXPECT_NE(xml.find(c), std::string::npos) << c << "\n" << xml;
}

TEST(AttemptJunit, ReRunsAreSurefiresRerunAndFlakyElements) {
  AttemptResult r = result({
      // Failed every run with the fix: a failure, and a rerunFailure per re-run.
      outcome("Broken.Always", "", Transition::PASS_TO_FAIL,
              After{RunStatus::failed, 1, "a.cpp:3: Failure\nboom", {"a.cpp:3: Failure"}},
              {RunStatus::failed, RunStatus::timeout}),
      // Passed and failed with the fix: a pass, and a flakyFailure per failed run.
      outcome("Comes.Goes", "", Transition::FLAKY, After{RunStatus::failed, 1, "b.cpp:7: Failure\nonce", {"b.cpp:7: Failure"}},
              {RunStatus::passed, RunStatus::failed}),
      outcome("Late.Flake", "", Transition::FLAKY, After{RunStatus::passed, 1}, {RunStatus::timeout}),
  });
  EXPECT_EQ(attempt_junit(r),
            opening("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"3.000\"") +
                "  <testcase name=\"Always\" classname=\"Broken\" time=\"1.000\">\n"
                "    <failure message=\"a.cpp:3: Failure\" type=\"PASS_TO_FAIL\">a.cpp:3: Failure\nboom</failure>\n"
                "    <rerunFailure message=\"re-run 2 of 3: failed\" type=\"failed\">\n"
                "      <stackTrace>a.cpp:3: Failure\n</stackTrace>\n"
                "    </rerunFailure>\n"
                "    <rerunFailure message=\"re-run 3 of 3: timeout\" type=\"timeout\">\n"
                "      <stackTrace>a.cpp:3: Failure\n</stackTrace>\n"
                "    </rerunFailure>\n"
                "  </testcase>\n"
                "  <testcase name=\"Goes\" classname=\"Comes\" time=\"1.000\">\n"
                "    <flakyFailure message=\"run 1 of 3: failed\" type=\"failed\">\n"
                "      <stackTrace>b.cpp:7: Failure\nonce</stackTrace>\n"
                "    </flakyFailure>\n"
                "    <flakyFailure message=\"re-run 3 of 3: failed\" type=\"failed\">\n"
                "      <stackTrace>b.cpp:7: Failure\n</stackTrace>\n"
                "    </flakyFailure>\n"
                "  </testcase>\n"
                "  <testcase name=\"Flake\" classname=\"Late\" time=\"1.000\">\n"
                "    <flakyFailure message=\"re-run 2 of 2: timeout\" type=\"timeout\">\n"
                "      <stackTrace></stackTrace>\n"
                "    </flakyFailure>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

TEST(AttemptJunit, NotRunIsAnErrorSkippedIsSkippedATimeoutIsAFailure) {
  AttemptResult r = result({
      outcome("gone_binary", "", Transition::PASS_TO_FAIL, After{RunStatus::not_run, 0, "Unable to find executable: x"}),
      outcome("Hangs.Forever", "", Transition::NEW, After{RunStatus::timeout, 300, "Timeout\nstarted"}),
      outcome("Skips.Always", "", Transition::SKIPPED, After{RunStatus::skipped, 0, "SKIP_RETURN_CODE=77"}),
      outcome("Skips.Why", "", Transition::NEW, After{RunStatus::skipped, 0, "Disabled\nby a property"}),
  });
  EXPECT_EQ(attempt_junit(r),
            opening("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"2\" time=\"300.000\"") +
                "  <testcase name=\"gone_binary\" classname=\"ctest\" time=\"0.000\">\n"
                "    <error message=\"not run: Unable to find executable: x\" type=\"PASS_TO_FAIL\">Unable to find "
                "executable: x</error>\n"
                "  </testcase>\n"
                "  <testcase name=\"Forever\" classname=\"Hangs\" time=\"300.000\">\n"
                "    <failure message=\"timed out\" type=\"NEW\">Timeout\nstarted</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"Always\" classname=\"Skips\" time=\"0.000\">\n"
                "    <skipped message=\"SKIP_RETURN_CODE=77\" />\n"
                "  </testcase>\n"
                "  <testcase name=\"Why\" classname=\"Skips\" time=\"0.000\">\n"
                "    <skipped message=\"Disabled\">Disabled\nby a property</skipped>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

// A failing test is placed at its first failing assertion with the fix, anything else where it is
// defined; only places inside the repository are written.
TEST(AttemptJunit, FileAndLineAreTheFailingAssertionOrTheDefinition) {
  auto with = [](TestOutcome t, SourceLocation defined_at, std::optional<FailedAssertion> after_failure,
                 std::optional<FailedAssertion> outcome_failure = std::nullopt) {
    t.defined_at = std::move(defined_at);
    t.after->first_failure = std::move(after_failure);
    t.first_failure = outcome_failure ? outcome_failure : t.after->first_failure;
    return t;
  };
  const SourceLocation defined{"formatter/formatter_test.cpp", 3};
  const FailedAssertion assertion{{"formatter/formatter_test.cpp", 5}, "Expected equality of these values:\n  a\n  \"3.14\""};
  AttemptResult r = result({
      with(outcome("A.Fails", "", Transition::PASS_TO_FAIL, After{RunStatus::failed, 1, "out", {"line"}}), defined, assertion),
      // Where the framework named no place (an exception): the definition.
      with(outcome("B.Throws", "", Transition::PASS_TO_FAIL, After{RunStatus::failed, 1, "unknown file: Failure"}), defined,
           FailedAssertion{{}, "C++ exception thrown"}),
      // An assertion in a header outside the repository: the definition.
      with(outcome("C.InHeader", "", Transition::PASS_TO_FAIL, After{RunStatus::failed, 1, "x"}), {"c_test.cpp", 0},
           FailedAssertion{{"/usr/include/x.h", 9}, "in a header"}),
      // Passing, and flaky: the definition, never the baseline's assertion.
      with(outcome("D.Fixed", "", Transition::FAIL_TO_PASS, After{RunStatus::passed, 1}), defined, std::nullopt, assertion),
      with(outcome("E.Flaky", "", Transition::FLAKY, After{RunStatus::failed, 1, "y"}, {RunStatus::passed}), defined, assertion),
      // Failing with no assertion the parser knows: not the baseline's, the definition; and a definition
      // outside the repository is no place at all.
      with(outcome("F.Still", "", Transition::FAIL_TO_FAIL, After{RunStatus::failed, 1, "z"}), {"../elsewhere/f.cpp", 2},
           std::nullopt, assertion),
      with(outcome("G.Absolute", "", Transition::PASS_TO_PASS, After{RunStatus::passed, 1}), {"/abs/g.cpp", 2}, std::nullopt),
  });
  std::string xml = attempt_junit(r);
  for (const char* line : {
           "<testcase name=\"Fails\" classname=\"A\" time=\"1.000\" file=\"formatter/formatter_test.cpp\" line=\"5\">\n"
           "    <failure message=\"Expected equality of these values:&#10;  a&#10;  &quot;3.14&quot;\" type=\"PASS_TO_FAIL\">out</failure>",
           "<testcase name=\"Throws\" classname=\"B\" time=\"1.000\" file=\"formatter/formatter_test.cpp\" line=\"3\">\n"
           "    <failure message=\"C++ exception thrown\" type=\"PASS_TO_FAIL\">",
           "<testcase name=\"InHeader\" classname=\"C\" time=\"1.000\" file=\"c_test.cpp\">\n"
           "    <failure message=\"in a header\" type=\"PASS_TO_FAIL\">x</failure>",
           "<testcase name=\"Fixed\" classname=\"D\" time=\"1.000\" file=\"formatter/formatter_test.cpp\" line=\"3\" />",
           "<testcase name=\"Flaky\" classname=\"E\" time=\"1.000\" file=\"formatter/formatter_test.cpp\" line=\"3\">",
           "<testcase name=\"Still\" classname=\"F\" time=\"1.000\">\n    <failure message=\"z\" type=\"FAIL_TO_FAIL\">",
           "<testcase name=\"Absolute\" classname=\"G\" time=\"1.000\" />",
       })
    EXPECT_NE(xml.find(line), std::string::npos) << line << "\n" << xml;

  // junit-strict.xml: the same document, without a single `file` or `line` attribute.
  std::string strict = attempt_junit(r, JunitPlaces::left_out);
  std::string expected = xml;
  for (const char* place : {" file=\"formatter/formatter_test.cpp\" line=\"5\"", " file=\"formatter/formatter_test.cpp\" line=\"3\"",
                            " file=\"c_test.cpp\""})
    for (size_t at; (at = expected.find(place)) != std::string::npos;) expected.erase(at, std::string(place).size());
  EXPECT_EQ(strict, expected);
  EXPECT_EQ(strict.find(" file="), std::string::npos) << strict;
}

TEST(AttemptJunit, ADryRunHasNoTestCases) {
  AttemptResult r = result({});
  r.verdict = Verdict::planned;
  r.reason = "dry run";
  std::string xml = attempt_junit(r);
  EXPECT_NE(xml.find("tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"autofix.verdict\" value=\"planned\" />"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<testcase"), std::string::npos) << xml;
}

TEST(AttemptJunit, ABreakerRefusalIsOneFailingCaseNotZeroTests) {
  AttemptResult r;
  r.attempt_id = "20261207T230000Z-abc123";
  r.verdict = Verdict::refused_breaker_open;
  r.reason = "the circuit breaker of k is open";
  r.breaker = BreakerRefusal{"k", "rejected: x", 3, "2026-12-07T20:00:00Z", "2026-12-08T20:00:00Z",
                             "autofix-gate breaker reset k"};
  const std::string xml = attempt_junit(r, JunitPlaces::written);
  EXPECT_NE(xml.find("tests=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"circuit breaker\" classname=\"autofix.breaker\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"the circuit breaker of k is open\" type=\"refused_breaker_open\">key: k\n"
                     "consecutive rejections: 3\nopened at: 2026-12-07T20:00:00Z\nhalf-opens at: 2026-12-08T20:00:00Z\n"
                     "last failure: rejected: x\nreset: autofix-gate breaker reset k\n</failure>"),
            std::string::npos)
      << xml;
}

}  // namespace
}  // namespace autofix::reporters
