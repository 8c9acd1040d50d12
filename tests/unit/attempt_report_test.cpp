// SPDX-License-Identifier: MIT
#include "reporters/attempt_report.h"
#include "gate/policy/classify.h"
#include "gate/policy/decide.h"

#include <gtest/gtest.h>

#include <signal.h>

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
  r.files_changed = {{"mathlib/mathlib.cpp", FileStatus::modified}};
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

// A dry run (verdict planned) judged nothing.
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

// A static tier with a new finding at or above its threshold and one below it (docs/tiers.md).
AttemptResult with_static_tier() {
  AttemptResult r = sample();
  TierResult tier{"static", TierKind::cppcheck, true, TierStatus::failed, "1 new blocking finding(s)", 0.5, {}, {}};
  Finding blocking{"selfAssignment", "src/a.cpp", 14, 9, "warning", "Redundant assignment", "fp-1", FindingState::new_, ""};
  Finding reported{"shadowFunction", "src/a.cpp", 13, 16, "style", "Local variable shadows", "fp-2", FindingState::new_, ""};
  reported.blocking = false;
  tier.findings = {blocking, reported};
  r.tiers = {tier};
  return r;
}

TEST(AttemptJsonTest, FindingsSayWhetherTheyBlock) {
  nlohmann::json j = attempt_json(with_static_tier());
  const nlohmann::json& findings = j["tiers"][0]["findings"];
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0]["severity"], "warning");
  EXPECT_EQ(findings[0]["blocking"], true);
  EXPECT_EQ(findings[1]["severity"], "style");
  EXPECT_EQ(findings[1]["blocking"], false);
}

// What the rollback kept of others' work (issue 17 item 1) and a signal after the accept (item 14).
AttemptResult with_outside_changes() {
  AttemptResult r = sample();
  r.outside_edits = {{"app/main.cpp", FileStatus::modified, "kept"},
                     {"formatter/formatter.cpp", FileStatus::modified, "set_aside"},
                     {"gone.cpp", FileStatus::deleted, "restored"},
                     {"notes \xff.txt", FileStatus::added, "kept"}};
  r.kept_ref = "refs/autofix/kept/20261122T000000Z-abcdef";
  return r;
}

TEST(AttemptJsonTest, OutsideChangesAndTheInterruptAreNullOrEmptyByDefault) {
  nlohmann::json j = attempt_json(sample());
  EXPECT_EQ(j.at("outside_changes"), nlohmann::json::array());
  EXPECT_TRUE(j.at("kept_ref").is_null());
  EXPECT_TRUE(j.at("interrupted_after_decision").is_null());
}

TEST(AttemptJsonTest, ListsOutsideChangesWithTheirActionAndTheKeptRef) {
  AttemptResult r = with_outside_changes();
  r.verdict = Verdict::accepted;
  r.interrupted_after_decision = SIGTERM;
  nlohmann::json j = attempt_json(r);
  EXPECT_EQ(j.at("outside_changes"),
            nlohmann::json::array({{{"path", "app/main.cpp"}, {"change", "modified"}, {"action", "kept"}},
                                   {{"path", "formatter/formatter.cpp"}, {"change", "modified"}, {"action", "set_aside"}},
                                   {{"path", "gone.cpp"}, {"change", "deleted"}, {"action", "restored"}},
                                   {{"path", "\"notes \\377.txt\""}, {"change", "added"}, {"action", "kept"}}}));
  EXPECT_EQ(j.at("kept_ref"), "refs/autofix/kept/20261122T000000Z-abcdef");
  EXPECT_EQ(j.at("interrupted_after_decision"), nlohmann::json({{"signal", SIGTERM}, {"name", "SIGTERM"}}));
  EXPECT_NO_THROW(dump_json(j));  // every string is UTF-8
}

}  // namespace
}  // namespace autofix::reporters
