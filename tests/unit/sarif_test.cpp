// SPDX-License-Identifier: MIT
#include "reporters/sarif.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "gate/run/report_files.h"
#include "reporters/finding_key.h"
#include "reporters/sarif_rules.h"
#include "tests/support/test_support.h"

namespace autofix::reporters {
namespace {

using nlohmann::json;

Finding finding(std::string rule, std::string file, int line, int column, std::string severity, std::string message,
                std::string fingerprint, FindingState state) {
  Finding f;
  f.rule = std::move(rule);
  f.file = std::move(file);
  f.line = line;
  f.column = column;
  f.severity = std::move(severity);
  f.message = std::move(message);
  f.fingerprint = std::move(fingerprint);
  f.state = state;
  return f;
}

TierResult tier(std::string name, TierKind kind, TierStatus status, std::vector<Finding> findings = {}) {
  TierResult t;
  t.name = std::move(name);
  t.kind = kind;
  t.status = status;
  t.findings = std::move(findings);
  return t;
}

// One tier of each shape: clang-tidy with a new, an unchanged and an absent finding; a ctest tier with a
// regression (no run: the tests run reports regressions, from the tests themselves); a clean cppcheck (an empty run) that reports one new style finding below its
// threshold; a secrets tier in error with a new finding that has no file; sanitizers with a new report
// without a line.
std::vector<TierResult> sample() {
  TierResult tidy = tier("static", TierKind::clang_tidy, TierStatus::failed,
                         {finding("bugprone-integer-division", "src/calc.cpp", 4, 10, "warning", "integer division", "fp1",
                                  FindingState::new_),
                          finding("clang-analyzer-core.NullDereference", "src/my file.cpp", 14, 0, "error", "null", "fp2",
                                  FindingState::unchanged),
                          finding("bugprone-integer-division", "include/calc.h", 2, 36, "warning", "integer division",
                                  "fp3", FindingState::absent)});
  tidy.findings[1].detail = "src/my file.cpp:13:3: note: 'p' initialized to a null pointer value\n";
  tidy.findings[2].blocking = false;
  TierResult check = tier("cppcheck", TierKind::cppcheck, TierStatus::passed,
                          {finding("shadowFunction", "src/a.cpp", 3, 7, "style", "shadows", "fp4", FindingState::new_)});
  check.findings[0].blocking = false;
  TierResult secrets =
      tier("secrets", TierKind::secrets, TierStatus::error, {finding("", "", 0, 0, "fatal", "", "", FindingState::new_)});
  secrets.reason = "cannot read the allow-list";
  TierResult asan = tier("asan", TierKind::sanitizers, TierStatus::failed,
                         {finding("SEGV", "src/a.cpp", 0, 0, "error", "AddressSanitizer: SEGV (in test T)", "T|sig",
                                  FindingState::new_)});
  TierResult unit = tier("unit", TierKind::ctest, TierStatus::failed,
                         {finding("regression", "", 0, 0, "error", "T.A passed without the fix and fails with it", "T.A",
                                  FindingState::new_)});
  return {tidy, unit, check, secrets, asan};
}

// The logs of an attempt with these tiers and no tests.
json log_of(std::vector<TierResult> tiers, SarifScope scope) {
  AttemptResult result;
  result.tiers = std::move(tiers);
  return sarif_log(result, scope);
}

json location(const std::string& uri, json region) {
  json physical = {{"artifactLocation", {{"uri", uri}, {"uriBaseId", "SRCROOT"}}}};
  if (!region.is_null()) physical["region"] = std::move(region);
  return json::array({{{"physicalLocation", physical}}});
}

json fingerprints(TierKind kind, const Finding& f) {
  json p = {{"primaryLocationLineHash", finding_key(kind, f)}};
  if (!f.fingerprint.empty()) p["autofixGate/v1"] = f.fingerprint;
  return p;
}

const json kSourceRoot = {
    {"SRCROOT", {{"description", {{"text", "The root of the repository the gate judged: every artifact URI is relative to it."}}}}}};
const json kGate = {{"name", "autofix-gate"}, {"version", AUTOFIX_GATE_VERSION}, {"semanticVersion", AUTOFIX_GATE_VERSION}};

json run(json tool, const std::string& category, json invocation, json results) {
  return {{"tool", std::move(tool)},
          {"automationDetails", {{"id", category}}},
          {"columnKind", "utf16CodeUnits"},
          {"originalUriBaseIds", kSourceRoot},
          {"invocations", json::array({std::move(invocation)})},
          {"results", std::move(results)}};
}

json gate_tool(const std::string& kind, json rules) {
  json driver = kGate;
  driver["name"] = "autofix-gate " + kind;
  driver["rules"] = std::move(rules);
  return {{"driver", driver}};
}

json analyzer_tool(const std::string& name, const std::string& uri, json rules) {
  return {{"driver", {{"name", name}, {"informationUri", uri}, {"rules", std::move(rules)}}},
          {"extensions", json::array({kGate})}};
}

// The upload log: new findings with a file and a line only, and a note on each new finding left out.
TEST(Sarif, TheUploadLogHoldsOnlyNewFindingsWithALocation) {
  const auto tiers = sample();
  const Finding& added = tiers[0].findings[0];
  const Finding& style = tiers[2].findings[0];
  json expected = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::array(
           {run(analyzer_tool("clang-tidy", "https://clang.llvm.org/extra/clang-tidy/",
                              json::array({sarif_rule(TierKind::clang_tidy, "bugprone-integer-division", "warning")})),
                "static/", {{"executionSuccessful", true}},
                json::array({{{"ruleId", "bugprone-integer-division"},
                              {"ruleIndex", 0},
                              {"level", "warning"},
                              {"message", {{"text", "integer division"}}},
                              {"locations", location("src/calc.cpp", {{"startLine", 4}, {"startColumn", 10}})},
                              {"partialFingerprints", fingerprints(TierKind::clang_tidy, added)},
                              {"baselineState", "new"},
                              {"properties", {{"severity", "warning"}, {"blocking", true}}}}})),
            run(analyzer_tool("cppcheck", "https://cppcheck.sourceforge.io/",
                              json::array({sarif_rule(TierKind::cppcheck, "shadowFunction", "style")})),
                "cppcheck/", {{"executionSuccessful", true}},
                json::array({{{"ruleId", "shadowFunction"},
                              {"ruleIndex", 0},
                              {"level", "warning"},
                              {"message", {{"text", "shadows"}}},
                              {"locations", location("src/a.cpp", {{"startLine", 3}, {"startColumn", 7}})},
                              {"partialFingerprints", fingerprints(TierKind::cppcheck, style)},
                              {"baselineState", "new"},
                              {"properties", {{"severity", "style"}, {"blocking", false}}}}})),
            run(gate_tool("secrets", json::array()), "secrets/",
                {{"executionSuccessful", false},
                 {"toolExecutionNotifications",
                  json::array({{{"level", "error"}, {"message", {{"text", "cannot read the allow-list"}}}},
                               {{"level", "warning"},
                                {"message",
                                 {{"text", "1 new finding(s) without a file and a line are not in this log, which GitHub "
                                           "code scanning reads; the full log (autofix-full.sarif) and report.json have "
                                           "them"}}}}})}},
                json::array()),
            run(gate_tool("sanitizers", json::array()), "asan/",
                {{"executionSuccessful", true},
                 {"toolExecutionNotifications",
                  json::array({{{"level", "warning"},
                                {"message",
                                 {{"text", "1 new finding(s) without a file and a line are not in this log, which GitHub "
                                           "code scanning reads; the full log (autofix-full.sarif) and report.json have "
                                           "them"}}}}})}},
                json::array())})}};
  json actual = log_of(tiers, SarifScope::upload);
  EXPECT_EQ(actual, expected) << actual.dump(2);
}

// The full log: every finding with its baselineState, the ones without a file or line included; a
// finding without a rule reported under its tier kind's name.
TEST(Sarif, TheFullLogHoldsEveryFindingWithItsBaselineState) {
  const auto tiers = sample();
  const auto& tidy = tiers[0].findings;
  json tidy_results = json::array(
      {{{"ruleId", "bugprone-integer-division"},
        {"ruleIndex", 0},
        {"level", "warning"},
        {"message", {{"text", "integer division"}}},
        {"locations", location("src/calc.cpp", {{"startLine", 4}, {"startColumn", 10}})},
        {"partialFingerprints", fingerprints(TierKind::clang_tidy, tidy[0])},
        {"baselineState", "new"},
        {"properties", {{"severity", "warning"}, {"blocking", true}}}},
       {{"ruleId", "clang-analyzer-core.NullDereference"},
        {"ruleIndex", 1},
        {"level", "error"},
        {"message", {{"text", "null"}}},
        {"locations", location("src/my%20file.cpp", {{"startLine", 14}})},
        {"partialFingerprints", fingerprints(TierKind::clang_tidy, tidy[1])},
        {"baselineState", "unchanged"},
        {"properties",
         {{"severity", "error"},
          {"blocking", true},
          {"detail", "src/my file.cpp:13:3: note: 'p' initialized to a null pointer value\n"}}}},
       {{"ruleId", "bugprone-integer-division"},
        {"ruleIndex", 0},
        {"level", "warning"},
        {"message", {{"text", "integer division"}}},
        {"locations", location("include/calc.h", {{"startLine", 2}, {"startColumn", 36}})},
        {"partialFingerprints", fingerprints(TierKind::clang_tidy, tidy[2])},
        {"baselineState", "absent"},
        {"properties", {{"severity", "warning"}, {"blocking", false}}}}});
  json actual = log_of(tiers, SarifScope::full);
  ASSERT_EQ(actual.at("runs").size(), 4u) << actual.dump(2);
  const json& static_run = actual["runs"][0];
  EXPECT_EQ(static_run.at("results"), tidy_results) << static_run.dump(2);
  EXPECT_EQ(static_run.at("tool").at("driver").at("rules"),
            json::array({sarif_rule(TierKind::clang_tidy, "bugprone-integer-division", "warning"),
                         sarif_rule(TierKind::clang_tidy, "clang-analyzer-core.NullDereference", "error")}));
  EXPECT_EQ(static_run.at("invocations"), json::array({{{"executionSuccessful", true}}}));

  const json& secrets_run = actual["runs"][2];
  EXPECT_EQ(secrets_run.at("tool"), gate_tool("secrets", json::array({sarif_rule(TierKind::secrets, "secrets", "fatal")})));
  EXPECT_EQ(secrets_run.at("invocations"),
            json::array({{{"executionSuccessful", false},
                          {"toolExecutionNotifications",
                           json::array({{{"level", "error"}, {"message", {{"text", "cannot read the allow-list"}}}}})}}}));
  EXPECT_EQ(secrets_run.at("results"),
            json::array({{{"ruleId", "secrets"},
                          {"ruleIndex", 0},
                          {"level", "error"},
                          {"message", {{"text", "secrets"}}},
                          {"partialFingerprints", fingerprints(TierKind::secrets, tiers[3].findings[0])},
                          {"baselineState", "new"},
                          {"properties", {{"severity", "fatal"}, {"blocking", true}}}}}));

  const json& asan_run = actual["runs"][3];
  EXPECT_EQ(asan_run.at("results").at(0).at("locations"), location("src/a.cpp", json())) << "no line: no region";
  EXPECT_EQ(asan_run.at("results").at(0).at("partialFingerprints").at("autofixGate/v1"), "T|sig");
}

// A rule's metadata is that of its most severe finding in the tier, whichever of them a log carries.
TEST(Sarif, ARuleTakesTheSeverityOfItsWorstFindingInBothLogs) {
  std::vector<TierResult> tiers = {tier("secrets", TierKind::secrets, TierStatus::failed,
                                        {finding("stripe-key", "a.env", 1, 1, "warning", "test key", "s1", FindingState::new_),
                                         finding("stripe-key", "b.env", 2, 1, "error", "live key", "s2",
                                                 FindingState::unchanged)})};
  json expected = sarif_rule(TierKind::secrets, "stripe-key", "error");
  EXPECT_EQ(expected.at("properties").at("security-severity"), "9.5");
  EXPECT_EQ(log_of(tiers, SarifScope::upload)["runs"][0]["tool"]["driver"]["rules"], json::array({expected}));
  EXPECT_EQ(log_of(tiers, SarifScope::full)["runs"][0]["tool"]["driver"]["rules"], json::array({expected}));
}

TEST(Sarif, ResultsNameTheirRuleByIdAndIndex) {
  for (SarifScope scope : {SarifScope::upload, SarifScope::full}) {
    json log = log_of(sample(), scope);
    for (const json& run : log["runs"]) {
      const json& rules = run["tool"]["driver"]["rules"];
      for (const json& result : run["results"])
        EXPECT_EQ(rules.at(result["ruleIndex"].get<size_t>())["id"], result["ruleId"]) << result.dump();
    }
  }
}

TEST(Sarif, NoTiersIsAnEmptyLog) {
  for (SarifScope scope : {SarifScope::upload, SarifScope::full})
    EXPECT_EQ(log_of({}, scope), json::parse(R"({"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                                                  "version": "2.1.0", "runs": []})"));
}

// GitHub rejects a run of more than 25,000 results: the upload log keeps the most severe, in their order.
TEST(Sarif, TheUploadLogKeepsTheMostSevereResultsWithinGitHubsLimit) {
  TierResult t = tier("static", TierKind::cppcheck, TierStatus::failed);
  for (size_t i = 0; i < kSarifMaxResultsPerRun; ++i)
    t.findings.push_back(finding("unusedVariable", "a.cpp", static_cast<int>(i) + 1, 1, "style", "unused",
                                 "s" + std::to_string(i), FindingState::new_));
  t.findings.insert(t.findings.begin() + 7, finding("nullPointer", "a.cpp", 99999, 1, "error", "null", "e", FindingState::new_));
  json upload = log_of({t}, SarifScope::upload);
  const json& results = upload["runs"][0]["results"];
  ASSERT_EQ(results.size(), kSarifMaxResultsPerRun);
  EXPECT_EQ(results[7]["ruleId"], "nullPointer") << "the error is kept, in its place";
  EXPECT_EQ(results.back()["partialFingerprints"]["autofixGate/v1"], "s" + std::to_string(kSarifMaxResultsPerRun - 2))
      << "the last style finding is the one left out";
  EXPECT_EQ(upload["runs"][0]["invocations"][0]["toolExecutionNotifications"],
            json::array({{{"level", "warning"},
                          {"message",
                           {{"text", "1 less severe new finding(s) are not in this log: GitHub code scanning takes at "
                                     "most 25000 results per run"}}}}}));
  EXPECT_EQ(log_of({t}, SarifScope::full)["runs"][0]["results"].size(), kSarifMaxResultsPerRun + 1);
}

// GitHub rejects a file of more than 20 runs: the runs with results stay, then the first clean ones.
TEST(Sarif, TheUploadLogKeepsTheRunsWithResultsWithinGitHubsLimit) {
  std::vector<TierResult> tiers;
  for (int i = 0; i < 22; ++i) tiers.push_back(tier("clean" + std::to_string(i), TierKind::cppcheck, TierStatus::passed));
  tiers[21].name = "dirty";
  tiers[21].findings = {finding("nullPointer", "a.cpp", 1, 1, "error", "null", "e", FindingState::new_)};
  json upload = log_of(tiers, SarifScope::upload);
  ASSERT_EQ(upload["runs"].size(), kSarifMaxRuns);
  EXPECT_EQ(upload["runs"][0]["automationDetails"]["id"], "clean0/");
  EXPECT_EQ(upload["runs"][18]["automationDetails"]["id"], "clean18/");
  EXPECT_EQ(upload["runs"][19]["automationDetails"]["id"], "dirty/");
  EXPECT_EQ(upload["runs"][0]["invocations"][0]["toolExecutionNotifications"],
            json::array({{{"level", "warning"},
                          {"message",
                           {{"text", "2 tier(s) without new findings are not in this log: GitHub code scanning takes at "
                                     "most 20 runs per file"}}}}}));
  EXPECT_EQ(log_of(tiers, SarifScope::full)["runs"].size(), 22u);
}

// --- the tests run ------------------------------------------------------------------------------------------

TestOutcome outcome(std::string ctest, std::string case_name, Transition transition, RunStatus after) {
  TestOutcome t;
  t.ctest_test = std::move(ctest);
  t.case_name = std::move(case_name);
  t.name = t.case_name.empty() ? t.ctest_test : t.ctest_test + "::" + t.case_name;
  t.transition = transition;
  t.after = TestRecord{t.name, after, 0.5, ""};
  if (transition != Transition::NEW) t.baseline = TestRecord{t.name, RunStatus::passed, 0.5, ""};
  return t;
}

// Five regressions with every kind of place, and a test that passed. Sorted by name, as the model is.
AttemptResult regressions() {
  AttemptResult r;
  // GoogleTest's assertion, relative to the repository: the alert goes there.
  TestOutcome gtest = outcome("formatter_test", "FormatterTest.TwoDecimals", Transition::PASS_TO_FAIL, RunStatus::failed);
  gtest.observed = "passed 1 of 1 run without the fix, failed 5 of 5 runs with it";
  gtest.first_failure = FailedAssertion{{"formatter/formatter_test.cpp", 5},
                                        "Expected equality of these values:\n  format(3.14159)\n    Which is: \"3.142\""};
  gtest.defined_at = {"formatter/formatter_test.cpp", 3};
  gtest.after->output = "[ RUN      ] FormatterTest.TwoDecimals\n...";
  // An exception: no assertion site; where the case is defined instead (a path with a space).
  TestOutcome thrown = outcome("math test", "Math.Throws", Transition::NEW, RunStatus::failed);
  thrown.first_failure = FailedAssertion{{}, "C++ exception with description \"boom\" thrown in the test body."};
  thrown.defined_at = {"math/a test.cpp", 12};
  // An assertion in a header outside the repository, nothing else known: no place GitHub can show.
  TestOutcome outside = outcome("odd ::name [x]*", "", Transition::PASS_TO_FAIL, RunStatus::timeout);
  outside.first_failure = FailedAssertion{{"/usr/include/c++/12/bits/stl_vector.h", 1123}, "assertion failed"};
  outside.defined_at = {"../elsewhere/t.cpp", 4};
  // doctest names a file without a line: in the full log only, without a region.
  TestOutcome file_only = outcome("doctest_cases", "digits", Transition::PASS_TO_FAIL, RunStatus::failed);
  file_only.first_failure = FailedAssertion{{"tests/digits.cpp", 0}, "CHECK( digits(10) == 2 ) is NOT correct!"};
  // Nothing known at all.
  TestOutcome unknown = outcome("selfcheck", "", Transition::PASS_TO_FAIL, RunStatus::failed);
  TestOutcome kept = outcome("kept", "", Transition::PASS_TO_PASS, RunStatus::passed);
  kept.first_failure = FailedAssertion{{"kept.cpp", 1}, "not a regression"};
  r.tests = {file_only, gtest, kept, thrown, outside, unknown};
  std::sort(r.tests.begin(), r.tests.end(), [](const TestOutcome& a, const TestOutcome& b) { return a.name < b.name; });
  return r;
}

const TestOutcome& test_named(const AttemptResult& r, const std::string& name) {
  for (const TestOutcome& t : r.tests)
    if (t.name == name) return t;
  throw std::runtime_error("no test " + name);
}

json tests_tool(json rules) {
  json driver = kGate;
  driver["name"] = "autofix-gate tests";
  driver["rules"] = std::move(rules);
  return {{"driver", driver}};
}

json regression(const TestOutcome& t, const std::string& text, json locations, json properties) {
  json r = {{"ruleId", "test-regression"}, {"ruleIndex", 0}, {"level", "error"}, {"message", {{"text", text}}}};
  if (!locations.is_null()) r["locations"] = std::move(locations);
  r["partialFingerprints"] = {{"primaryLocationLineHash", regression_key(t.key())}};
  r["baselineState"] = "new";
  r["properties"] = std::move(properties);
  return r;
}

json test_properties(const TestOutcome& t) {
  return {{"test", t.name}, {"ctest_test", t.ctest_test}, {"case", t.case_name}, {"transition", to_string(t.transition)}};
}

TEST(SarifTests, TheUploadLogPlacesEachRegressionAtItsFirstFailingAssertion) {
  const AttemptResult r = regressions();
  const TestOutcome& gtest = test_named(r, "formatter_test::FormatterTest.TwoDecimals");
  const TestOutcome& thrown = test_named(r, "math test::Math.Throws");
  json gtest_properties = test_properties(gtest);
  gtest_properties["detail"] = "[ RUN      ] FormatterTest.TwoDecimals\n...";
  json expected = run(
      tests_tool(json::array({sarif_test_regression_rule()})), "autofix-gate/tests/",
      {{"executionSuccessful", true},
       {"toolExecutionNotifications",
        json::array({{{"level", "warning"},
                      {"message",
                       {{"text", "3 test regression(s) without a file and a line in the repository are not in this log, "
                                 "which GitHub code scanning reads; the full log (autofix-full.sarif) and report.json "
                                 "have them"}}}}})}},
      json::array(
          {regression(gtest,
                      "formatter_test::FormatterTest.TwoDecimals passed without the fix and fails with it (passed 1 of 1 "
                      "run without the fix, failed 5 of 5 runs with it)\nExpected equality of these values:\n  "
                      "format(3.14159)\n    Which is: \"3.142\"",
                      location("formatter/formatter_test.cpp", {{"startLine", 5}}), gtest_properties),
           regression(thrown,
                      "math test::Math.Throws is new with the fix and failed\nC++ exception with description \"boom\" "
                      "thrown in the test body.",
                      location("math/a%20test.cpp", {{"startLine", 12}}), test_properties(thrown))}));
  json log = sarif_log(r, SarifScope::upload);
  ASSERT_EQ(log.at("runs").size(), 1u) << log.dump(2);
  EXPECT_EQ(log["runs"][0], expected) << log["runs"][0].dump(2);
}

TEST(SarifTests, TheFullLogHasEveryRegressionWithWhatIsKnownOfItsPlace) {
  const AttemptResult r = regressions();
  json log = sarif_log(r, SarifScope::full);
  ASSERT_EQ(log.at("runs").size(), 1u) << log.dump(2);
  const json& run0 = log["runs"][0];
  EXPECT_EQ(run0.at("invocations"), json::array({{{"executionSuccessful", true}}}));
  EXPECT_EQ(run0.at("tool"), tests_tool(json::array({sarif_test_regression_rule()})));
  const json& results = run0.at("results");
  ASSERT_EQ(results.size(), 5u) << results.dump(2);
  std::vector<std::string> tests;
  for (const json& result : results) tests.push_back(result.at("properties").at("test"));
  EXPECT_EQ(tests, (std::vector<std::string>{"doctest_cases::digits", "formatter_test::FormatterTest.TwoDecimals",
                                             "math test::Math.Throws", "odd ::name [x]*", "selfcheck"}));
  const TestOutcome& file_only = test_named(r, "doctest_cases::digits");
  EXPECT_EQ(results[0], regression(file_only,
                                   "doctest_cases::digits passed without the fix and fails with it\nCHECK( digits(10) == "
                                   "2 ) is NOT correct!",
                                   location("tests/digits.cpp", json()), test_properties(file_only)));
  const TestOutcome& outside = test_named(r, "odd ::name [x]*");
  EXPECT_EQ(results[3], regression(outside, "odd ::name [x]* passed without the fix and timeout with it\nassertion failed",
                                   json(), test_properties(outside)))
      << "a place outside the repository is no place: no locations";
  const TestOutcome& unknown = test_named(r, "selfcheck");
  EXPECT_EQ(results[4], regression(unknown, "selfcheck passed without the fix and fails with it", json(),
                                   test_properties(unknown)));
}

// The alert of a regression is its test's: it keeps its fingerprint when the assertion moves, and two
// tests never share one.
TEST(SarifTests, ARegressionsFingerprintIsItsTestNotItsLine) {
  AttemptResult before = regressions(), after = regressions();
  for (TestOutcome& t : after.tests)
    if (t.first_failure && t.first_failure->location.line > 0) t.first_failure->location.line += 40;
  json a = sarif_log(before, SarifScope::full)["runs"][0]["results"];
  json b = sarif_log(after, SarifScope::full)["runs"][0]["results"];
  ASSERT_EQ(a.size(), b.size());
  std::set<std::string> keys;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["partialFingerprints"], b[i]["partialFingerprints"]) << a[i]["properties"]["test"];
    keys.insert(a[i]["partialFingerprints"]["primaryLocationLineHash"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), a.size());
  EXPECT_EQ(b[1]["locations"], location("formatter/formatter_test.cpp", {{"startLine", 45}})) << "the place does move";
}

// Tests ran and none broke: an empty run, so that its upload closes the alerts of regressions that are
// gone. No test ran: no run, which would close them though nothing was judged.
TEST(SarifTests, TheTestsRunIsThereOnceTestsRan) {
  AttemptResult r;
  r.tests = {outcome("kept", "", Transition::PASS_TO_PASS, RunStatus::passed),
             outcome("fixed", "", Transition::FAIL_TO_PASS, RunStatus::passed)};
  for (SarifScope scope : {SarifScope::upload, SarifScope::full})
    EXPECT_EQ(sarif_log(r, scope)["runs"],
              json::array({run(tests_tool(json::array()), "autofix-gate/tests/", {{"executionSuccessful", true}},
                               json::array())}));
  r.tests.clear();
  r.tiers = {tier("unit", TierKind::ctest, TierStatus::skipped)};
  for (SarifScope scope : {SarifScope::upload, SarifScope::full}) EXPECT_EQ(sarif_log(r, scope)["runs"], json::array());
}

// The tests run comes first, and a ctest tier's regression findings are not reported a second time.
TEST(SarifTests, ACtestTiersRegressionsAreReportedOnceInTheTestsRun) {
  AttemptResult r = regressions();
  r.tiers = sample();
  for (SarifScope scope : {SarifScope::upload, SarifScope::full}) {
    json log = sarif_log(r, scope);
    std::vector<std::string> categories;
    for (const json& run : log["runs"]) categories.push_back(run["automationDetails"]["id"]);
    EXPECT_EQ(categories, (std::vector<std::string>{"autofix-gate/tests/", "static/", "cppcheck/", "secrets/", "asan/"}));
  }
}

// GitHub takes at most 25,000 results per run: the first regressions, and a note on the rest.
TEST(SarifTests, TheUploadLogKeepsTheTestsRunWithinGitHubsLimit) {
  AttemptResult r;
  for (size_t i = 0; i <= kSarifMaxResultsPerRun; ++i) {
    TestOutcome t = outcome("suite", "Case." + std::to_string(i), Transition::PASS_TO_FAIL, RunStatus::failed);
    t.first_failure = FailedAssertion{{"suite_test.cpp", static_cast<int>(i) + 1}, "failed"};
    r.tests.push_back(std::move(t));
  }
  json upload = sarif_log(r, SarifScope::upload);
  EXPECT_EQ(upload["runs"][0]["results"].size(), kSarifMaxResultsPerRun);
  EXPECT_EQ(upload["runs"][0]["invocations"][0]["toolExecutionNotifications"],
            json::array({{{"level", "warning"},
                          {"message",
                           {{"text", "1 more test regression(s) are not in this log: GitHub code scanning takes at most "
                                     "25000 results per run"}}}}}));
  EXPECT_EQ(sarif_log(r, SarifScope::full)["runs"][0]["results"].size(), kSarifMaxResultsPerRun + 1);
}

// A finding and a regression with the lines around them: regions in UTF-16 code units from the line's text
// (the finding's token, the regression's whole line), the region's text as its snippet, the excerpt as the
// context region. The upload log and the full log place them alike.
TEST(Sarif, AnExcerptGivesTheRegionItsEndItsTextAndItsContext) {
  AttemptResult r = regressions();
  for (TestOutcome& t : r.tests)
    if (t.name == "formatter_test::FormatterTest.TwoDecimals")
      t.excerpt = SourceExcerpt{"formatter/formatter_test.cpp", 5, 4, {"", "  EXPECT_EQ(format(3.14159), \"3.14\");", "}"}, {}};
  std::vector<TierResult> tiers = sample();
  // "  caf\xC3\xA9= count / 2;": 'count' at byte column 10 is UTF-16 column 9.
  tiers[0].findings[0].excerpt = SourceExcerpt{"src/calc.cpp", 4, 3, {"{", "  caf\xC3\xA9= count / 2;", "}"}, {}};
  r.tiers = {tiers[0]};
  for (SarifScope scope : {SarifScope::upload, SarifScope::full}) {
    json log = sarif_log(r, scope);
    const json& regression = log["runs"][0]["results"][scope == SarifScope::upload ? 0 : 1];
    EXPECT_EQ(regression["properties"]["test"], "formatter_test::FormatterTest.TwoDecimals");
    EXPECT_EQ(regression["locations"][0]["physicalLocation"],
              json({{"artifactLocation", {{"uri", "formatter/formatter_test.cpp"}, {"uriBaseId", "SRCROOT"}}},
                    {"region", {{"startLine", 5}, {"startColumn", 1}, {"endLine", 5}, {"endColumn", 38},
                                {"snippet", {{"text", "  EXPECT_EQ(format(3.14159), \"3.14\");"}}}}},
                    {"contextRegion", {{"startLine", 4}, {"endLine", 6},
                                       {"snippet", {{"text", "\n  EXPECT_EQ(format(3.14159), \"3.14\");\n}"}}}}}}));
    EXPECT_EQ(log["runs"][1]["results"][0]["locations"][0]["physicalLocation"],
              json({{"artifactLocation", {{"uri", "src/calc.cpp"}, {"uriBaseId", "SRCROOT"}}},
                    {"region", {{"startLine", 4}, {"startColumn", 9}, {"endLine", 4}, {"endColumn", 14},
                                {"snippet", {{"text", "count"}}}}},
                    {"contextRegion", {{"startLine", 3}, {"endLine", 5},
                                       {"snippet", {{"text", "{\n  caf\xC3\xA9= count / 2;\n}"}}}}}}));
  }
}

// Runs without results (tests that all passed, analyses that found nothing new) are what closes fixed
// alerts: each an empty run with its category, valid against the SARIF schema and within GitHub's upload
// rules (tests/reports/check_reports.py on the report set).
TEST(Sarif, RunsWithoutResultsAreValidAndUploadable) {
  AttemptResult r;
  r.attempt_id = "nothing-new";
  r.verdict = Verdict::accepted;
  r.tests = {outcome("kept", "", Transition::PASS_TO_PASS, RunStatus::passed)};
  r.tiers = {tier("tidy", TierKind::clang_tidy, TierStatus::passed,
                  {finding("bugprone-x", "src/a.cpp", 3, 1, "warning", "old", "fp", FindingState::unchanged)}),
             tier("secrets", TierKind::secrets, TierStatus::passed)};
  json upload = sarif_log(r, SarifScope::upload);
  std::vector<std::pair<std::string, size_t>> runs;
  for (const json& run : upload["runs"]) runs.emplace_back(run["automationDetails"]["id"], run["results"].size());
  EXPECT_EQ(runs, (std::vector<std::pair<std::string, size_t>>{{"autofix-gate/tests/", 0}, {"tidy/", 0}, {"secrets/", 0}}));
  EXPECT_EQ(upload["runs"][1]["tool"]["driver"]["rules"], json::array()) << "no result names a rule";

  testing::TempDir dir;
  write_report_files(r, dir / "reports");
  const std::filesystem::path checker = std::filesystem::path(AUTOFIX_GATE_TEST_DATA).parent_path() / "reports" / "check_reports.py";
  runners::ProcessResult check = testing::run({"/usr/bin/python3", "-B", checker.string(), "--schemas",
                                               (std::filesystem::path(AUTOFIX_GATE_TEST_DATA) / "schemas").string(),
                                               (dir / "reports").string()},
                                              dir.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out, "check_reports: every file of 1 report directory holds\n");
}

TEST(Sarif, EncodesUris) {
  EXPECT_EQ(sarif_uri("src/a-b_c.d~e/F9.cpp"), "src/a-b_c.d~e/F9.cpp");
  EXPECT_EQ(sarif_uri("a b/#x%y?z.cpp"), "a%20b/%23x%25y%3Fz.cpp");
  EXPECT_EQ(sarif_uri("\xC3\xA9.cpp"), "%C3%A9.cpp");
  EXPECT_EQ(sarif_uri("dir/file:1.cpp"), "dir/file%3A1.cpp") << "a ':' would read as a URI scheme";
}

}  // namespace
}  // namespace autofix::reporters
