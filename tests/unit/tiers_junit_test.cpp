// SPDX-License-Identifier: MIT
#include "reporters/tiers_junit.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

const std::string kOpening =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuite name=\"autofix-gate tiers\" ";
const std::string kProperties =
    " timestamp=\"2026-11-22T00:00:00Z\">\n"
    "  <properties>\n"
    "    <property name=\"autofix.attempt_id\" value=\"20261122T000000Z-abcdef\" />\n"
    "    <property name=\"autofix.verdict\" value=\"rejected\" />\n"
    "    <property name=\"autofix.reason\" value=\"required tier 'static' (cppcheck) failed\" />\n"
    "  </properties>\n";

Finding finding(const std::string& rule, const std::string& file, int line, int column, const std::string& severity,
                const std::string& message, FindingState state, bool blocking = true, const std::string& detail = "") {
  Finding f;
  f.rule = rule;
  f.file = file;
  f.line = line;
  f.column = column;
  f.severity = severity;
  f.message = message;
  f.state = state;
  f.blocking = blocking;
  f.detail = detail;
  return f;
}

TierResult tier(const std::string& name, TierKind kind, bool required, TierStatus status, const std::string& reason,
                double duration_s, std::vector<Finding> findings = {}) {
  return TierResult{name, kind, required, status, reason, duration_s, std::move(findings), {}};
}

AttemptResult result(std::vector<TierResult> tiers) {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.started = "2026-11-22T00:00:00Z";
  r.verdict = Verdict::rejected;
  r.reason = "required tier 'static' (cppcheck) failed";
  r.tiers = std::move(tiers);
  return r;
}

TEST(TiersJunit, OneCasePerTierWithItsFindingsInTheBody) {
  AttemptResult r = result({
      tier("tests", TierKind::ctest, true, TierStatus::failed, "7 test(s), 1 regression(s), 1 fixed", 2,
           {finding("regression", "", 0, 0, "error", "A.b passed without the fix and fails with it", FindingState::new_,
                    true, "the test's output\nin full")}),
      tier("static", TierKind::cppcheck, true, TierStatus::failed, "1 new blocking finding(s)", 1.5,
           {finding("selfAssignment", "src/a b.cpp", 14, 9, "warning", "Redundant assignment of 'x' to itself",
                    FindingState::new_),
            finding("shadowFunction", "src/a b.cpp", 13, 16, "style", "Local variable shadows", FindingState::new_, false),
            finding("unusedVariable", "src/c.cpp", 3, 1, "style", "Unused", FindingState::unchanged),
            finding("unusedVariable", "src/c.cpp", 4, 1, "style", "Unused", FindingState::unchanged),
            finding("nullPointer", "src/d.cpp", 9, 2, "error", "Null", FindingState::absent)}),
      tier("asan", TierKind::sanitizers, false, TierStatus::failed, "1 new sanitizer report(s) in 7 test(s)", 30,
           {finding("heap-buffer-overflow", "mathlib/mathlib.cpp", 12, 0, "error", "heap-buffer-overflow in mean",
                    FindingState::new_, true, "#0 mean mathlib/mathlib.cpp:12\n#1 main")}),
      tier("secrets", TierKind::secrets, true, TierStatus::error, "gitleaks exited 2 <&>", 0.25),
      tier("docs", TierKind::command, true, TierStatus::skipped, "not in the docs lane", 0),
  });
  EXPECT_EQ(tiers_junit(r),
            kOpening + "tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"2\" time=\"33.750\"" + kProperties +
                "  <testcase name=\"tests\" classname=\"autofix.tier.ctest\" time=\"2.000\">\n"
                "    <failure message=\"7 test(s), 1 regression(s), 1 fixed\" type=\"ctest\">"
                "new: regression: A.b passed without the fix and fails with it\n</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"static\" classname=\"autofix.tier.cppcheck\" time=\"1.500\">\n"
                "    <failure message=\"1 new blocking finding(s)\" type=\"cppcheck\">"
                "new: selfAssignment at src/a b.cpp:14:9 (warning): Redundant assignment of 'x' to itself\n"
                "new, not blocking: shadowFunction at src/a b.cpp:13:16 (style): Local variable shadows\n"
                "2 unchanged, 1 absent (listed in report.json and autofix.sarif)\n"
                "</failure>\n"
                "  </testcase>\n"
                "  <testcase name=\"asan\" classname=\"autofix.tier.sanitizers\" time=\"30.000\">\n"
                "    <skipped message=\"advisory, not blocking: 1 new sanitizer report(s) in 7 test(s)\">"
                "new: heap-buffer-overflow at mathlib/mathlib.cpp:12: heap-buffer-overflow in mean\n"
                "    #0 mean mathlib/mathlib.cpp:12\n"
                "    #1 main\n"
                "</skipped>\n"
                "  </testcase>\n"
                "  <testcase name=\"secrets\" classname=\"autofix.tier.secrets\" time=\"0.250\">\n"
                "    <error message=\"gitleaks exited 2 &lt;&amp;>\" type=\"secrets\" />\n"
                "  </testcase>\n"
                "  <testcase name=\"docs\" classname=\"autofix.tier.command\" time=\"0.000\">\n"
                "    <skipped message=\"not in the docs lane\" />\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

TEST(TiersJunit, APassingTierListsWhatItStillFoundAsItsOutput) {
  AttemptResult r = result({tier("static", TierKind::clang_tidy, true, TierStatus::passed, "0 new blocking finding(s)", 1,
                                 {finding("readability-x", "a.cpp", 2, 0, "warning", "old", FindingState::unchanged)})});
  EXPECT_EQ(tiers_junit(r),
            kOpening + "tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.000\"" + kProperties +
                "  <testcase name=\"static\" classname=\"autofix.tier.clang-tidy\" time=\"1.000\">\n"
                "    <system-out>1 unchanged, 0 absent (listed in report.json and autofix.sarif)\n</system-out>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

// An advisory tier decides in a high-risk change (docs/tiers.md): then it is a failure like a required one.
TEST(TiersJunit, AnAdvisoryTierThatDecidesAHighRiskChangeIsAFailure) {
  AttemptResult r = result({tier("lint", TierKind::command, false, TierStatus::failed, "exit code 1", 1,
                                 {finding("exit-code", "", 0, 0, "error", "`lint.sh` exit code 1", FindingState::new_)})});
  r.risk = {RiskLevel::high, "src/**", "src/a.cpp"};
  std::string xml = tiers_junit(r);
  EXPECT_NE(xml.find("    <failure message=\"exit code 1\" type=\"command\">new: exit-code: `lint.sh` exit code 1\n</failure>\n"),
            std::string::npos)
      << xml;
  r.risk = {};
  EXPECT_NE(tiers_junit(r).find("<skipped message=\"advisory, not blocking: exit code 1\">"), std::string::npos);
}

TEST(TiersJunit, NoTiersNoCases) {
  EXPECT_EQ(tiers_junit(result({})), kOpening + "tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\"" +
                                         kProperties + "</testsuite>\n");
}

}  // namespace
}  // namespace autofix::reporters
