// SPDX-License-Identifier: MIT
#include "reporters/summary.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <sstream>

#include "gate/policy/classify.h"
#include "gate/policy/decide.h"
#include "gate/policy/recovery_plan.h"
#include "tests/support/markdown_check.h"

namespace autofix::reporters {
namespace {

TestRecord run(const std::string& name, RunStatus status, std::vector<std::string> failures = {}) {
  TestRecord r{name, status, 0.25, ""};
  r.failures = std::move(failures);
  return r;
}

// The parts every attempt has: an id, a build that passed, one changed file.
AttemptResult attempt(std::vector<TestRecord> before, std::vector<TestRecord> after) {
  AttemptResult r;
  r.attempt_id = "20261122T000000Z-abcdef";
  r.snapshot = r.attempt_id;
  r.started = "2026-11-22T00:00:00Z";
  r.build = {true, true, 2.5, {}, ""};
  r.files_changed = {{"mathlib/mathlib.cpp", FileStatus::modified}};
  r.tests = classify(before, after);
  r.lane = {Lane::standard, "mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers"};
  return r;
}

// The tiers and the verdict, as the gate gives them: a ctest tier over every test (after tampering, as
// gate/judge/judge.cpp runs them), then `others`.
void judge(AttemptResult& r, std::vector<TierResult> others = {}) {
  size_t fixed = r.names_with(Transition::FAIL_TO_PASS).size(), broken = r.regressions().size();
  std::vector<std::string> names;
  for (const TestOutcome& t : r.tests) names.push_back(t.name);
  r.tiers = {{"tests", TierKind::ctest, true, broken ? TierStatus::failed : TierStatus::passed,
              std::to_string(r.tests.size()) + " test(s), " + std::to_string(broken) + " regression(s), " +
                  std::to_string(fixed) + " fixed",
              1.5, {}, names}};
  r.tiers.insert(r.tiers.end(), others.begin(), others.end());
  Decision d = decide(r);
  r.verdict = d.verdict;
  r.reason = d.reason;
}

Finding finding(std::string rule, std::string file, int line, std::string severity, std::string message,
                FindingState state = FindingState::new_) {
  Finding f;
  f.rule = std::move(rule);
  f.file = std::move(file);
  f.line = line;
  f.severity = std::move(severity);
  f.message = std::move(message);
  f.state = state;
  return f;
}

// Two regressions, one traced through the build graph, one a new case; a fixed test; a missing one.
AttemptResult rejected_by_a_regression() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed), run("FormatterTest.TwoDecimals", RunStatus::passed),
                             run("FormatterTest.List", RunStatus::passed)},
                            {run("MathTest.Mean", RunStatus::passed),
                             run("FormatterTest.TwoDecimals", RunStatus::failed,
                                 {"formatter_test.cpp:20: Failure", "Expected equality of these values:"}),
                             run("FormatterTest.List", RunStatus::passed), run("Parser.New", RunStatus::failed)});
  r.cascading = {{"FormatterTest.TwoDecimals", CascadeKind::cascading, "formatter/formatter.cpp",
                  {"formatter_test", "formatter", "formatter/formatter.cpp"}, {}},
                 {"Parser.New", CascadeKind::unknown, "", {}, {}}};
  judge(r);
  return r;
}

TEST(SummaryTest, ARegressionIsListedOnceWithItsFirstFailureAndHowItConnects) {
  EXPECT_EQ(attempt_summary(rejected_by_a_regression()), R"md(## AutofixGate: Rejected: 2 tests broken by the fix (`FormatterTest.TwoDecimals`, `Parser.New`)

### Tests broken by the fix

- `FormatterTest.TwoDecimals` passed without the fix and fails with it
  - first failure: `formatter_test.cpp:20: Failure`
  - cascading: `formatter_test` → `formatter` → `formatter/formatter.cpp`
- `Parser.New` is new with the fix and failed
  - unknown: it runs no target the build graph knows

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | failed | 4 test(s), 2 regression(s), 1 fixed |

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 4 / 2
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 1 |
| PASS_TO_FAIL | 1 |
| FAIL_TO_FAIL | 0 |
| MISSING | 0 |
| NEW | 1 |
| FLAKY | 0 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

// With its first failing assertion in the model, a regression shows where it failed and what the
// assertion printed, fenced so that no line of it (a ``` of its own included) ends the block; rendered,
// the block holds the message as it was.
TEST(SummaryTest, ARegressionShowsItsFirstFailingAssertion) {
  AttemptResult r = rejected_by_a_regression();
  for (TestOutcome& t : r.tests)
    if (t.name == "FormatterTest.TwoDecimals")
      t.first_failure = FailedAssertion{{"formatter/formatter_test.cpp", 20}, "Expected equality of these values:\n```\n  \"3.14\""};
  const std::string md = attempt_summary(r);
  EXPECT_TRUE(md.contains("- `FormatterTest.TwoDecimals` passed without the fix and fails with it\n"
                          "  - first failing assertion at `formatter/formatter_test.cpp:20`:\n\n"
                          "    ````\n    Expected equality of these values:\n    ```\n      \"3.14\"\n    ````\n\n"
                          "  - cascading: `formatter_test`"))
      << md;
  EXPECT_FALSE(md.contains("first failure: ")) << "the assertion replaces the failure line\n" << md;
  EXPECT_EQ(testing::markdown_problems(md), std::vector<std::string>{}) << md;
  pugi::xml_document html = testing::render_markdown(md);
  EXPECT_EQ(html.select_node("//li/pre/code").node().text().as_string(),
            std::string("Expected equality of these values:\n```\n  \"3.14\"\n"));
}

// A static tier: one new warning that blocks, one style finding below the threshold, and many findings
// that were there before.
AttemptResult rejected_by_a_new_finding() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed)}, {run("MathTest.Mean", RunStatus::passed)});
  TierResult tier{"static", TierKind::cppcheck, true, TierStatus::failed,
                  "1 new blocking finding(s) (warning selfAssignment), 2 fixed, in 1 translation unit(s); 1 new "
                  "finding(s) below the 'warning' threshold reported, not blocking (style shadowFunction)",
                  0.5, {}, {}};
  tier.findings.push_back(
      finding("shadowFunction", "mathlib/mathlib.cpp", 13, "style", "Local variable 'mean' shadows outer function"));
  tier.findings.back().blocking = false;
  tier.findings.back().column = 16;
  tier.findings.push_back(
      finding("selfAssignment", "mathlib/mathlib.cpp", 14, "warning", "Redundant assignment of 'sum' to itself."));
  tier.findings.back().column = 9;
  for (int i = 0; i < 230; ++i)
    tier.findings.push_back(finding("unusedFunction", "old.cpp", i + 1, "style", "never used", FindingState::unchanged));
  tier.findings.push_back(finding("nullPointer", "mathlib/mathlib.cpp", 40, "error", "Null pointer", FindingState::absent));
  tier.findings.push_back(finding("uninitvar", "mathlib/mathlib.cpp", 41, "error", "Uninitialized", FindingState::absent));
  judge(r, {tier});
  return r;
}

TEST(SummaryTest, ANewFindingComesFirstAndInFullTheOthersAreCounted) {
  EXPECT_EQ(attempt_summary(rejected_by_a_new_finding()), R"md(## AutofixGate: Rejected: required tier `static` found 1 new static finding (`selfAssignment`)

### Findings

**`static`** (cppcheck, required): 2 new findings; 230 unchanged (there without the fix too) and 2 gone with the fix, listed in `report.json` and `autofix-full.sarif`:

- `selfAssignment` (warning) at `mathlib/mathlib.cpp:14:9`: Redundant assignment of 'sum' to itself.
- `shadowFunction` (style, not blocking: below the tier's threshold) at `mathlib/mathlib.cpp:13:16`: Local variable 'mean' shadows outer function

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | passed | 1 test(s), 0 regression(s), 1 fixed |
| `static` | cppcheck | yes | failed | 1 new blocking finding(s) (warning selfAssignment), 2 fixed, in 1 translation unit(s); 1 new finding(s) below the 'warning' threshold reported, not blocking (style shadowFunction) |

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 1 / 1
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 0 |
| PASS_TO_FAIL | 0 |
| FAIL_TO_FAIL | 0 |
| MISSING | 0 |
| NEW | 0 |
| FLAKY | 0 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

// A leaked key and a test-mode key in the added lines; a sanitizer report from an advisory tier.
AttemptResult rejected_by_a_secret() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed)}, {run("MathTest.Mean", RunStatus::passed)});
  TierResult secrets{"secrets", TierKind::secrets, true, TierStatus::failed,
                     "1 secret(s) and 1 warning(s) in the added lines", 0.1, {}, {}};
  secrets.findings.push_back(
      finding("aws-access-key-id", "mathlib/mathlib.cpp", 3, "error", "AWS access key ID added: AKIA\u2026"));
  secrets.findings.push_back(finding("stripe-key", "config/test.env", 1, "warning", "Stripe key added: sk_test_\u2026"));
  TierResult asan{"asan", TierKind::sanitizers, false, TierStatus::failed, "1 new sanitizer report(s) in 1 test(s)", 9,
                  {}, {"MathTest.Mean"}};
  asan.findings.push_back(finding("heap-use-after-free", "mathlib/mathlib.cpp", 22, "error",
                                  "AddressSanitizer: heap-use-after-free (in test MathTest.Mean)"));
  asan.findings.back().detail = "#0 0x4f2a in mean mathlib/mathlib.cpp:22\n#1 0x4f99 in main tests/main.cpp:5\n";
  judge(r, {secrets, asan});
  return r;
}

TEST(SummaryTest, ALeakedKeyIsNamedInTheFirstLine) {
  EXPECT_EQ(attempt_summary(rejected_by_a_secret()), R"md(## AutofixGate: Rejected: required tier `secrets` found 1 leaked secret (`aws-access-key-id`)

### Findings

**`secrets`** (secrets, required): 2 new findings:

- `aws-access-key-id` (error) at `mathlib/mathlib.cpp:3`: AWS access key ID added: AKIA…
- `stripe-key` (warning, not blocking: a test-mode key) at `config/test.env:1`: Stripe key added: sk\_test\_…

**`asan`** (sanitizers, advisory): 1 new finding:

- `heap-use-after-free` (error) at `mathlib/mathlib.cpp:22`: AddressSanitizer: heap-use-after-free (in test MathTest.Mean)

  ```
  #0 0x4f2a in mean mathlib/mathlib.cpp:22
  #1 0x4f99 in main tests/main.cpp:5
  ```

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | passed | 1 test(s), 0 regression(s), 1 fixed |
| `secrets` | secrets | yes | failed | 1 secret(s) and 1 warning(s) in the added lines |
| `asan` | sanitizers | no (advisory) | failed | 1 new sanitizer report(s) in 1 test(s) |

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 1 / 1
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 0 |
| PASS_TO_FAIL | 0 |
| FAIL_TO_FAIL | 0 |
| MISSING | 0 |
| NEW | 0 |
| FLAKY | 0 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

// A critical path, a disabled test, a test gone without a word, and a test edit that was allowed.
AttemptResult needs_review() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed), run("Old.Disabled", RunStatus::passed),
                             run("Old.Gone", RunStatus::passed)},
                            {run("MathTest.Mean", RunStatus::passed), run("Old.Disabled", RunStatus::skipped)});
  r.files_changed.push_back({".github/workflows/ci.yml", FileStatus::modified});
  r.tampering = {{TamperKind::disabled, "tests/old_test.cpp", 14, "Old.Disabled", "DISABLED_ prefix added", false},
                 {TamperKind::test_source_edited, "tests/math_test.cpp", 0, "", "", true}};
  r.risk = {RiskLevel::critical, ".github/**", ".github/workflows/ci.yml"};
  judge(r);
  return r;
}

TEST(SummaryTest, NeedsReviewNamesTheWeakenedTestsAndTheRisk) {
  EXPECT_EQ(attempt_summary(needs_review()), R"md(## AutofixGate: Needs review: 1 test weakened (disabled `Old.Disabled`); 1 test missing (`Old.Gone`); a critical path changed (`.github/workflows/ci.yml`)

### Weakened or missing tests

The fix must not make a test pass by disabling it.

- disabled `Old.Disabled` at `tests/old_test.cpp:14`: DISABLED\_ prefix added
- warning (test edits allowed): test_source_edited at `tests/math_test.cpp`
- missing `Old.Gone`: ran without the fix (passed), not with it

**Risk: critical**: `.github/workflows/ci.yml` matches `.github/**`.

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | passed | 3 test(s), 0 regression(s), 1 fixed |

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 2 / 1
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 0 |
| PASS_TO_FAIL | 1 |
| FAIL_TO_FAIL | 0 |
| MISSING | 1 |
| NEW | 0 |
| FLAKY | 0 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)
- `.github/workflows/ci.yml` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

AttemptResult gate_error() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed)}, {run("MathTest.Mean", RunStatus::passed)});
  judge(r, {{"asan", TierKind::sanitizers, true, TierStatus::error,
             "the tree without the change does not build with sanitizers, so new reports cannot be told", 3, {}, {}}});
  return r;
}

TEST(SummaryTest, AGateErrorSaysWhyNothingWasJudged) {
  EXPECT_EQ(attempt_summary(gate_error()), R"md(## AutofixGate: Error: required tier 'asan' could not run: the tree without the change does not build with sanitizers, so new reports cannot be told

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | passed | 1 test(s), 0 regression(s), 1 fixed |
| `asan` | sanitizers | yes | error | the tree without the change does not build with sanitizers, so new reports cannot be told |

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 1 / 1
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 0 |
| PASS_TO_FAIL | 0 |
| FAIL_TO_FAIL | 0 |
| MISSING | 0 |
| NEW | 0 |
| FLAKY | 0 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

// Accepted on a branch, with a flaky test and an advisory tier that failed (reported only).
AttemptResult accepted() {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed), run("Net.Flaky", RunStatus::passed)},
                            {run("MathTest.Mean", RunStatus::passed), run("Net.Flaky", RunStatus::passed)});
  r.tests[1].transition = Transition::FLAKY;
  r.tests[1].known_flakes = 3;
  TierResult lint{"lint", TierKind::command, false, TierStatus::failed, "exit code 1", 0.2, {}, {}};
  lint.findings.push_back(finding("exit-code", "", 0, "error", "`scripts/lint.sh` exit code 1"));
  r.on_accept = OnAccept::branch;
  r.branch = "autofix/20261122T000000Z-abcdef";
  judge(r, {lint});
  return r;
}

TEST(SummaryTest, AnAcceptedFixSaysWhatItFixed) {
  EXPECT_EQ(attempt_summary(accepted()), R"md(## AutofixGate: Accepted: the build passed, no test regressed, 1 test(s) fixed; advisory tier(s) failed (reported only): lint

### Findings

**`lint`** (command, advisory): 1 new finding:

- `exit-code` (error): \`scripts/lint.sh\` exit code 1

### Tiers

| tier | kind | required | status | result |
|---|---|---|---|---|
| `tests` | ctest | yes | passed | 2 test(s), 0 regression(s), 1 fixed |
| `lint` | command | no (advisory) | failed | exit code 1 |

### Flaky

Results differ between runs; neither fixed nor broken.

- `Net.Flaky` (known flaky: 3 times)

### Fixed

- `MathTest.Mean`

### Attempt

- attempt `20261122T000000Z-abcdef`
- branch `autofix/20261122T000000Z-abcdef`
- lane standard: mathlib/mathlib.cpp changed: not documentation, so the standard lane builds and runs its tiers
- tests run / passed: 2 / 2
- baseline computed

| transition | tests |
|---|---|
| FAIL_TO_PASS | 1 |
| PASS_TO_PASS | 0 |
| PASS_TO_FAIL | 0 |
| FAIL_TO_FAIL | 0 |
| MISSING | 0 |
| NEW | 0 |
| FLAKY | 1 |
| SKIPPED | 0 |

Files changed by the fix:

- `mathlib/mathlib.cpp` (modified)

The work tree was restored to snapshot `20261122T000000Z-abcdef` and verified.
)md");
}

// A build that failed: nothing else was judged; its error lines in a code block that no line of theirs
// can close.
TEST(SummaryTest, AFailedBuildShowsItsErrors) {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed)}, {});
  r.build = {true, false, 3, {"a.cpp:3:1: error: expected ';' before '}' token", "```", "b.cpp:9: error: `x` was not declared"},
             "build failed (exit code 1)"};
  judge(r);
  EXPECT_TRUE(attempt_summary(r).starts_with(R"md(## AutofixGate: Rejected: the build failed

### The build failed

build failed (exit code 1)

````
a.cpp:3:1: error: expected ';' before '}' token
```
b.cpp:9: error: `x` was not declared
````

### Tiers
)md")) << attempt_summary(r);
  EXPECT_EQ(testing::markdown_problems(attempt_summary(r)), std::vector<std::string>{});
}

TEST(SummaryTest, SaysWhatToDoNextWithTheCommandsToRun) {
  AttemptResult r = attempt({run("MathTest.Mean", RunStatus::failed)}, {});
  r.build = {true, false, 3, {"a.cpp:3:1: error: expected ';' before '}' token"}, "build failed (exit code 1)"};
  judge(r);
  r.mode = "attempt";
  r.snapshot = "20261207T193000Z-abc123";
  r.command = {"autofix-gate", "attempt", "--patch", "fix *1*.diff"};
  r.failure = Failure{FailureType::build_failure, "rejected: the build failed", {"build failed (exit code 1)"}};
  r.recovery = {{RecoveryAction::skip, "", "drop this fix: the tree with it does not build"},
                {RecoveryAction::retry, "autofix-gate attempt --patch 'fix *1*.diff'", "after the fixer tried again"}};
  std::string md = attempt_summary(r);
  EXPECT_NE(md.find("### What to do next\n\nFailure type: `build_failure`.\n\n"
                    "1. **skip**: drop this fix: the tree with it does not build\n"
                    "2. **retry**: after the fixer tried again\n\n   `autofix-gate attempt --patch 'fix *1*.diff'`\n\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(testing::markdown_problems(md), std::vector<std::string>{});
}

TEST(SummaryTest, ADryRunSaysNothingWasDone) {
  AttemptResult r;
  r.started = "2026-11-22T00:00:00Z";
  r.dry_run = true;
  r.verdict = Verdict::planned;
  r.reason = "dry run: the patch applies cleanly; nothing was built or judged";
  EXPECT_EQ(attempt_summary(r), "## AutofixGate: Planned: dry run: the patch applies cleanly; nothing was built or judged\n\n"
                                "Nothing was changed: a dry run builds, tests and judges nothing.\n");
}

// What the rollback kept of others' work (issue 17 item 1) comes right under the first line.
TEST(SummaryTest, SaysFirstWhatWasKeptOfOthersChanges) {
  AttemptResult r = rejected_by_a_regression();
  r.outside_edits = {{"app/main.cpp", FileStatus::modified, "kept"},
                     {"formatter/formatter.cpp", FileStatus::modified, "set_aside"},
                     {"gone.cpp", FileStatus::deleted, "restored"},
                     {"notes \xff.txt", FileStatus::added, "kept"}};
  r.kept_ref = "refs/autofix/kept/20261122T000000Z-abcdef";
  std::string md = attempt_summary(r);
  const std::string lead =
      "## AutofixGate: Rejected: 2 tests broken by the fix (`FormatterTest.TwoDecimals`, `Parser.New`)\n\n"
      "**Changed during the attempt by someone other than the fix** (you, or a build or test writing into the "
      "sources):\n\n"
      "- `app/main.cpp` (modified): kept as it is\n"
      "- `formatter/formatter.cpp` (modified): the fix had changed it too; the fix was undone there and this version "
      "kept under `refs/autofix/kept/20261122T000000Z-abcdef` (`git show "
      "refs/autofix/kept/20261122T000000Z-abcdef:formatter/formatter.cpp`)\n"
      "- `gone.cpp` (deleted): the fix had changed it and it was deleted afterwards; put back as it was before the fix\n"
      "- `\"notes \\377.txt\"` (added): kept as it is\n\n"
      "### Tests broken by the fix\n\n";
  EXPECT_TRUE(md.starts_with(lead)) << md;
}

// A signal after the accept (issue 17 item 14) is noted under the first line.
TEST(SummaryTest, AnInterruptAfterTheAcceptIsNotedUnderTheFirstLine) {
  AttemptResult r = accepted();
  r.interrupted_after_decision = SIGINT;
  EXPECT_TRUE(attempt_summary(r).starts_with(
      "## AutofixGate: Accepted: the build passed, no test regressed, 1 test(s) fixed; advisory tier(s) failed "
      "(reported only): lint\n\n**Interrupted** by SIGINT after the outcome was committed: it stands.\n\n### Findings\n"))
      << attempt_summary(r);
  EXPECT_FALSE(attempt_summary(accepted()).contains("**Interrupted**"));
}

// A test that failed before the fix and fails in new ways: its reason already quotes the new failure line,
// which is not repeated. More than three broken tests: the first line names three.
TEST(SummaryTest, NamesThreeBrokenTestsFirstAndQuotesEachFailureOnce) {
  AttemptResult r = attempt({run("A.Old", RunStatus::failed, {"a.cpp:1: Failure"})},
                            {run("A.Old", RunStatus::failed, {"a.cpp:1: Failure", "a.cpp:9: Failure"}),
                             run("B.New", RunStatus::failed), run("C.New", RunStatus::timeout), run("D.New", RunStatus::failed)});
  judge(r);
  std::string md = attempt_summary(r);
  EXPECT_TRUE(md.starts_with("## AutofixGate: Rejected: 4 tests broken by the fix (`A.Old`, `B.New`, `C.New` and 1 more)\n\n"
                             "### Tests broken by the fix\n\n"
                             "- `A.Old` failed without the fix and fails with it in new ways: a.cpp:9: Failure\n"
                             "- `B.New` is new with the fix and failed\n"
                             "- `C.New` is new with the fix and timeout\n"
                             "- `D.New` is new with the fix and failed\n\n"))
      << md;
}

// Names, paths and messages are data from strangers: each shows as itself, in a code span or escaped.
const std::vector<std::string> kStrangeNames = {
    "Suite|Pipe.Case",           "Star*Test.Bold*",  "Under_score.Test_name_", "Tick`Test.Back``ticks`",
    "Lt<b>Test.Html&amp;",       "ctest name::Suite.Case with spaces",       " padded.name ",
    "`starts.with.tick",         "#1 issue.ref",     "[link](http://x).y",
};

AttemptResult with_strange_names() {
  std::vector<TestRecord> after;
  for (const std::string& name : kStrangeNames) after.push_back(run(name, RunStatus::failed, {"x | y <z> *w*"}));
  AttemptResult r = attempt({}, after);
  TierResult odd{"odd|tier", TierKind::clang_tidy, true, TierStatus::failed, "a | b <c> *d* `e`", 1, {}, {}};
  odd.findings.push_back(
      finding("rule|with*stars", "dir with space/a|b.cpp", 3, "warning", "use `std::move` on *x* | y <T> [z](w)"));
  judge(r, {odd});
  return r;
}

TEST(SummaryTest, EscapesWhatStrangersWrote) {
  std::string md = attempt_summary(with_strange_names());
  for (const char* line : {"- `Suite|Pipe.Case` is new with the fix and failed\n",
                           "- ``` Tick`Test.Back``ticks` ``` is new with the fix and failed\n",
                           "- `Lt<b>Test.Html&amp;` is new with the fix and failed\n",
                           "- `  padded.name  ` is new with the fix and failed\n",
                           "- `` `starts.with.tick `` is new with the fix and failed\n",
                           "  - first failure: `x | y <z> *w*`\n",
                           "- `rule|with*stars` (warning) at `dir with space/a|b.cpp:3`: use \\`std::move\\` on \\*x\\* \\| y "
                           "\\<T\\> \\[z\\](w)\n",
                           "| `odd\\|tier` | clang-tidy | yes | failed | a \\| b \\<c\\> \\*d\\* \\`e\\` |\n"})
    EXPECT_TRUE(md.contains(line)) << line << "\n" << md;
}

// Every summary above as GitHub shows it: tables whole, nothing read as HTML, each name as itself.
TEST(SummaryMarkdownTest, RendersCleanlyWithGitHubsMarkdown) {
  for (AttemptResult r : {rejected_by_a_regression(), rejected_by_a_new_finding(), rejected_by_a_secret(), needs_review(),
                          gate_error(), accepted(), with_strange_names()}) {
    std::string md = attempt_summary(r);
    EXPECT_EQ(testing::markdown_problems(md), std::vector<std::string>{}) << md;
    pugi::xml_document html = testing::render_markdown(md);
    pugi::xml_node first = html.child("body").first_child();
    EXPECT_STREQ(first.name(), "h2") << md;
    // The tables: tiers (five columns) and transitions (two), every row whole.
    std::vector<size_t> headers;
    for (pugi::xml_node table : html.child("body").children("table")) {
      size_t th = 0;
      for (pugi::xml_node c : table.child("thead").child("tr").children("th")) th += c.text().empty() && !c.first_child() ? 0 : 1;
      headers.push_back(th);
      for (pugi::xml_node tr : table.child("tbody").children("tr"))
        EXPECT_EQ(static_cast<size_t>(std::distance(tr.children("td").begin(), tr.children("td").end())), th) << md;
    }
    EXPECT_EQ(headers, (std::vector<size_t>{5, 2})) << md;
  }
}

TEST(SummaryMarkdownTest, StrangeNamesRenderAsThemselves) {
  AttemptResult r = with_strange_names();
  pugi::xml_document html = testing::render_markdown(attempt_summary(r));
  std::vector<std::string> codes = testing::code_texts(html);
  for (const std::string& name : kStrangeNames)
    EXPECT_NE(std::find(codes.begin(), codes.end(), name), codes.end()) << "`" << name << "` is not shown as itself";
  EXPECT_NE(std::find(codes.begin(), codes.end(), "odd|tier"), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), "dir with space/a|b.cpp:3"), codes.end());
  // The finding's message and the tier's reason: text, no emphasis, link or code made of them.
  std::ostringstream out;
  html.save(out, "", pugi::format_raw);
  EXPECT_TRUE(out.str().contains(": use `std::move` on *x* | y &lt;T&gt; [z](w)</li>")) << out.str();
  EXPECT_TRUE(out.str().contains("<td>a | b &lt;c&gt; *d* `e`</td>")) << out.str();
  EXPECT_FALSE(out.str().contains("<em>")) << out.str();
  EXPECT_FALSE(out.str().contains("<a ")) << out.str();
}

TEST(SummaryTest, ABreakerRefusalNamesTheKeyTheTimesAndTheResetAndNoFacts) {
  AttemptResult r;
  r.attempt_id = "20261207T230000Z-abc123";
  r.started = "2026-12-07T23:00:00Z";
  r.verdict = Verdict::refused_breaker_open;
  r.reason = "the circuit breaker of /work/r|main|any is open: 3 consecutive rejections";
  r.command = {"autofix-gate", "attempt", "--patch", "fix.diff"};
  r.breaker = BreakerRefusal{"/work/r|main|any", "rejected: the build failed\ntest A", 3, "2026-12-07T20:00:00Z",
                             "2026-12-08T20:00:00Z", "autofix-gate breaker reset '/work/r|main|any'"};
  explain_outcome(r);
  const std::string md = attempt_summary(r);
  EXPECT_EQ(md,
            "## AutofixGate: Refused (circuit breaker open): the circuit breaker of /work/r\\|main\\|any is open: 3 "
            "consecutive rejections\n\n"
            "### Circuit breaker\n\n"
            "- key `/work/r|main|any`\n"
            "- 3 consecutive rejections; opened at 2026-12-07T20:00:00Z, half-opens at 2026-12-08T20:00:00Z\n"
            "- last failure: `rejected: the build failed`\n"
            "- reset: `autofix-gate breaker reset '/work/r|main|any'`\n\n"
            "### What to do next\n\nFailure type: `breaker_open`.\n\n"
            "1. **manual**: the same target was rejected 3 times in a row (last failure: rejected: the build failed): "
            "look at why (the rejected attempts' summary.md) before another attempt\n"
            "2. **retry**: wait: the breaker half-opens at 2026-12-08T20:00:00Z, then one attempt may run again\n"
            "3. **retry**: or reset the breaker now, once the cause is fixed (recorded in the history)\n\n"
            "   `autofix-gate breaker reset '/work/r|main|any'`\n\n"
            "Nothing was changed: the attempt was refused before a snapshot was taken.\n");
  EXPECT_EQ(testing::markdown_problems(md), std::vector<std::string>{});
}

}  // namespace
}  // namespace autofix::reporters
