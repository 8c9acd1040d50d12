#include "reporters/attempt_report.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

namespace autofix::reporters {
namespace {

AttemptResult sample() {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.snapshot = r.attempt_id;
  r.started = "2026-11-22T00:00:00Z";
  r.verdict = Verdict::rejected;
  r.reason = "1 test(s) passed before the fix and fail with it: FormatterTest.TwoDecimals";
  r.build = {true, true, 2.5, {}, ""};
  r.files_changed = {{"mathlib/mathlib.cpp", "modified"}};
  std::vector<TestRecord> before = {{"MathTest.Mean", RunStatus::failed, 0.1, "bad"},
                                    {"FormatterTest.TwoDecimals", RunStatus::passed, 0.2, ""},
                                    {"Old.Gone", RunStatus::passed, 0.1, ""},
                                    {"Still.Failing", RunStatus::failed, 0.1, ""}};
  std::vector<TestRecord> after = {{"MathTest.Mean", RunStatus::passed, 0.1, ""},
                                   {"FormatterTest.TwoDecimals", RunStatus::failed, 0.3,
                                    std::string("expected \"3.14\"\x01\xff")},
                                   {"Still.Failing", RunStatus::failed, 0.1, ""}};
  r.tests = classify(before, after);
  r.durations = {{"baseline", 1.0}, {"build", 2.0}, {"baseline", 0.5}};
  return r;
}

TEST(AttemptJsonTest, HasTheDocumentedFields) {
  nlohmann::json j = attempt_json(sample());
  EXPECT_EQ(j["verdict"], "rejected");
  EXPECT_EQ(j["attempt_id"], "20261122T000000Z-abcdef");
  EXPECT_EQ(j["tests_status"]["FAIL_TO_PASS"], nlohmann::json::array({"MathTest.Mean"}));
  EXPECT_EQ(j["tests_status"]["PASS_TO_FAIL"], nlohmann::json::array({"FormatterTest.TwoDecimals"}));
  EXPECT_EQ(j["tests_status"]["MISSING"], nlohmann::json::array({"Old.Gone"}));
  EXPECT_EQ(j["tests_status"]["FAIL_TO_FAIL"], nlohmann::json::array({"Still.Failing"}));
  EXPECT_EQ(j["tests_run"], 3);
  EXPECT_EQ(j["tests_passed"], 1);
  EXPECT_DOUBLE_EQ(j["durations"]["baseline"].get<double>(), 1.5);
  EXPECT_EQ(j["files_changed"][0]["path"], "mathlib/mathlib.cpp");
  EXPECT_TRUE(j["branch"].is_null());
  EXPECT_NO_THROW(dump_json(j));  // invalid UTF-8 in test output is replaced, not fatal
}

TEST(AttemptJunitTest, ParsesAndMarksRegressionsAsFailures) {
  std::string xml = attempt_junit(sample());
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  pugi::xml_node suites = doc.child("testsuites");
  EXPECT_STREQ(suites.attribute("failures").value(), "3");  // verdict + regression + missing
  pugi::xml_node tests = suites.find_child_by_attribute("testsuite", "name", "tests");
  EXPECT_STREQ(tests.attribute("tests").value(), "4");
  EXPECT_STREQ(tests.attribute("failures").value(), "2");
  EXPECT_STREQ(tests.attribute("skipped").value(), "1");
  pugi::xml_node regression = tests.find_child_by_attribute("testcase", "name", "FormatterTest.TwoDecimals");
  EXPECT_STREQ(regression.attribute("classname").value(), "FormatterTest");
  EXPECT_EQ(std::string(regression.child("failure").attribute("message").value()),
            "regression: passed at baseline, failed with the fix");
  EXPECT_STREQ(regression.child("properties").find_child_by_attribute("property", "name", "baseline")
                   .attribute("value").value(), "passed");
  // Control characters cannot appear in XML 1.0, even escaped.
  EXPECT_EQ(std::string(regression.child("failure").text().get()).find('\x01'), std::string::npos);
  pugi::xml_node verdict = suites.find_child_by_attribute("testsuite", "name", "gate").child("testcase");
  EXPECT_STREQ(verdict.child("failure").attribute("type").value(), "rejected");
}

TEST(AttemptJunitTest, AcceptedVerdictHasNoFailure) {
  AttemptResult r = sample();
  r.verdict = Verdict::accepted;
  r.tests = classify({{"a", RunStatus::failed, 0, ""}}, {{"a", RunStatus::passed, 0, ""}});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(attempt_junit(r).c_str()));
  EXPECT_STREQ(doc.child("testsuites").attribute("failures").value(), "0");
}

// A dry run (verdict planned) judged nothing: in JUnit it is neither a pass nor a failure.
AttemptResult planned() {
  AttemptResult r;
  r.attempt_id = "";
  r.started = "2026-11-22T00:00:00Z";
  r.dry_run = true;
  r.verdict = Verdict::planned;
  r.reason = "dry run: the patch applies cleanly; nothing was built or judged";
  return r;
}

TEST(AttemptJsonTest, PlannedIsItsOwnVerdict) {
  EXPECT_EQ(attempt_json(planned())["verdict"], "planned");
  EXPECT_EQ(attempt_json(planned())["dry_run"], true);
}

TEST(AttemptJunitTest, PlannedVerdictIsASkippedCaseNotAFailure) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(attempt_junit(planned()).c_str()));
  pugi::xml_node suites = doc.child("testsuites");
  EXPECT_STREQ(suites.attribute("failures").value(), "0");
  EXPECT_STREQ(suites.attribute("skipped").value(), "1");
  pugi::xml_node gate = suites.find_child_by_attribute("testsuite", "name", "gate");
  EXPECT_STREQ(gate.attribute("tests").value(), "1");
  EXPECT_STREQ(gate.attribute("failures").value(), "0");
  EXPECT_STREQ(gate.attribute("skipped").value(), "1");
  pugi::xml_node verdict = gate.child("testcase");
  EXPECT_TRUE(verdict.child("failure").empty());
  EXPECT_STREQ(verdict.child("skipped").attribute("message").value(),
               "planned: dry run: the patch applies cleanly; nothing was built or judged");
  EXPECT_STREQ(verdict.child("properties").find_child_by_attribute("property", "name", "verdict")
                   .attribute("value").value(), "planned");
}

TEST(AttemptSummaryTest, PlannedSaysNothingWasDone) {
  std::string md = attempt_summary(planned());
  EXPECT_EQ(md.rfind("## AutofixGate: Planned (dry run)\n\ndry run: the patch applies cleanly", 0), 0u) << md;
  EXPECT_NE(md.find("Nothing was changed: a dry run builds, tests and judges nothing."), std::string::npos) << md;
  EXPECT_EQ(md.find("restored to snapshot"), std::string::npos) << md;
}

TEST(AttemptSummaryTest, LeadsWithVerdictAndRegressions) {
  std::string md = attempt_summary(sample());
  EXPECT_EQ(md.rfind("## AutofixGate: Rejected\n\n1 test(s) passed before the fix", 0), 0u) << md;
  EXPECT_NE(md.find("- FormatterTest.TwoDecimals passed without the fix and fails with it"), std::string::npos) << md;
  EXPECT_NE(md.find("**Missing tests**"), std::string::npos);
  EXPECT_NE(md.find("- `mathlib/mathlib.cpp` (modified)"), std::string::npos);
}

}  // namespace
}  // namespace autofix::reporters
