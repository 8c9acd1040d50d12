#include "reporters/summary.h"

#include <gtest/gtest.h>

#include <signal.h>

#include "gate/policy/classify.h"

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

TEST(AttemptSummaryTest, PlannedSaysNothingWasDone) {
  std::string md = attempt_summary(planned());
  EXPECT_EQ(md.rfind("## AutofixGate: Planned (dry run)\n\ndry run: the patch applies cleanly", 0), 0u) << md;
  EXPECT_NE(md.find("Nothing was changed: a dry run builds, tests and judges nothing."), std::string::npos) << md;
  EXPECT_EQ(md.find("restored to snapshot"), std::string::npos) << md;
}

TEST(AttemptSummaryTest, MarksFindingsThatDoNotBlock) {
  std::string md = attempt_summary(with_static_tier());
  EXPECT_NE(md.find("- new: `selfAssignment` at `src/a.cpp:14`: Redundant assignment\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- new (style, not blocking): `shadowFunction` at `src/a.cpp:13`: Local variable shadows\n"),
            std::string::npos)
      << md;
}

TEST(AttemptSummaryTest, LeadsWithVerdictAndRegressions) {
  std::string md = attempt_summary(sample());
  EXPECT_EQ(md.rfind("## AutofixGate: Rejected\n\n1 test(s) passed before the fix", 0), 0u) << md;
  EXPECT_NE(md.find("- FormatterTest.TwoDecimals passed without the fix and fails with it"), std::string::npos) << md;
  EXPECT_NE(md.find("**Missing tests**"), std::string::npos);
  EXPECT_NE(md.find("- `mathlib/mathlib.cpp` (modified)"), std::string::npos);
}

TEST(AttemptSummaryTest, NamesTheRiskAndThePathThatDecidedIt) {
  AttemptResult r = sample();
  EXPECT_EQ(attempt_summary(r).find("**Risk"), std::string::npos) << "normal risk is not mentioned";
  r.verdict = Verdict::needs_review;
  r.reason = "the fix changes a critical path: .github/workflows/ci.yml (matches .github/**)";
  r.risk = {RiskLevel::critical, ".github/**", ".github/workflows/ci.yml"};
  std::string md = attempt_summary(r);
  EXPECT_NE(md.find("\n**Risk: critical**: `.github/workflows/ci.yml` matches `.github/**`.\n"), std::string::npos) << md;
}

TEST(AttemptSummaryTest, SaysFirstWhatWasKeptOfOthersChanges) {
  std::string md = attempt_summary(with_outside_changes());
  const size_t section = md.find("**Changed during the attempt by someone other than the fix**");
  ASSERT_NE(section, std::string::npos) << md;
  EXPECT_LT(section, md.find("Regressions")) << md;
  EXPECT_NE(md.find("- `app/main.cpp` (modified): kept as it is\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- `formatter/formatter.cpp` (modified): the fix had changed it too; the fix was undone there "
                    "and this version kept under `refs/autofix/kept/20261122T000000Z-abcdef` (`git show "
                    "refs/autofix/kept/20261122T000000Z-abcdef:formatter/formatter.cpp`)\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- `gone.cpp` (deleted): the fix had changed it and it was deleted afterwards; put back as it "
                    "was before the fix\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- `\"notes \\377.txt\"` (added): kept as it is\n"), std::string::npos) << md;
  EXPECT_EQ(attempt_summary(sample()).find("someone other than the fix"), std::string::npos);
}

TEST(AttemptSummaryTest, AnInterruptAfterTheAcceptIsNotedUnderTheVerdict) {
  AttemptResult r = sample();
  r.verdict = Verdict::accepted;
  r.reason = "the fix passes";
  r.interrupted_after_decision = SIGINT;
  std::string md = attempt_summary(r);
  EXPECT_EQ(md.rfind("## AutofixGate: Accepted\n\nthe fix passes.\n\n**Interrupted** by SIGINT after the outcome "
                     "was committed: it stands.\n\n",
                     0),
            0u)
      << md;
  EXPECT_EQ(attempt_summary(sample()).find("**Interrupted**"), std::string::npos);
}

}  // namespace
}  // namespace autofix::reporters
