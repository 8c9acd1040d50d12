// SPDX-License-Identifier: MIT
// Writes the report set (gate/run/report_files.h) of hand-built attempts into OUT_DIR/<name>/, for
// check_reports_test.py to hold against the schemas and the platforms' rules: every tier kind, every
// finding state, findings without a rule, a file or a line, test regressions with and without a place,
// paths, rule ids and test names from strangers.
//
//   sample_reports OUT_DIR
#include <filesystem>
#include <iostream>
#include <optional>

#include "gate/run/report_files.h"

namespace {

using namespace autofix;

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

TierResult tier(std::string name, TierKind kind, TierStatus status, std::vector<Finding> findings) {
  TierResult t;
  t.name = std::move(name);
  t.kind = kind;
  t.status = status;
  t.reason = "sample";
  t.findings = std::move(findings);
  return t;
}

AttemptResult attempt(std::string id, std::vector<TierResult> tiers) {
  AttemptResult r;
  r.attempt_id = std::move(id);
  r.verdict = Verdict::rejected;
  r.reason = "sample";
  r.tiers = std::move(tiers);
  return r;
}

TestOutcome regression(std::string ctest, std::string case_name, std::optional<FailedAssertion> first_failure,
                       SourceLocation defined_at) {
  TestOutcome t;
  t.ctest_test = std::move(ctest);
  t.case_name = std::move(case_name);
  t.name = t.case_name.empty() ? t.ctest_test : t.ctest_test + "::" + t.case_name;
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = TestRecord{t.name, RunStatus::passed, 0.1, ""};
  t.after = TestRecord{t.name, RunStatus::failed, 0.1, "output of " + t.name};
  t.first_failure = std::move(first_failure);
  t.defined_at = std::move(defined_at);
  return t;
}

// Test regressions with every kind of place: an assertion in a strange path, a definition only, a file
// outside the repository, nothing; and a test that passed.
std::vector<TestOutcome> tests() {
  TestOutcome passed = regression("kept", "", std::nullopt, {});
  passed.transition = Transition::PASS_TO_PASS;
  passed.after->status = RunStatus::passed;
  return {regression("calc_test", "Calc.Adds", FailedAssertion{{"tests/calc #1%.cpp", 7}, "Expected equality"}, {}),
          regression("calc_test", "Calc.Throws", FailedAssertion{{}, "C++ exception thrown"}, {"tests/calc_test.cpp", 20}),
          regression("calc_test", "Calc.\xC3\xA9t\xC3\xA9 [x]*", FailedAssertion{{"/usr/include/x.h", 3}, "in a header"}, {}),
          passed,
          regression("selfcheck", "", std::nullopt, {})};
}

// Every kind and state, strange paths and ids.
AttemptResult every_kind() {
  AttemptResult r = attempt(
      "every-kind",
      {tier("static", TierKind::clang_tidy, TierStatus::failed,
            {finding("bugprone-integer-division", "src/calc.cpp", 4, 10, "warning", "integer division", "a1",
                     FindingState::new_),
             finding("clang-analyzer-core.NullDereference", "src/my file #1%.cpp", 14, 0, "error", "null", "a2",
                     FindingState::new_),
             finding("clang-diagnostic-error", "src/b.cpp", 2, 1, "error", "no member named 'x'", "a3", FindingState::new_),
             finding("readability-x", "src/b.cpp", 9, 1, "remark", "x", "a4", FindingState::unchanged),
             finding("bugprone-integer-division", "include/calc.h", 2, 36, "warning", "integer division", "a5",
                     FindingState::absent)}),
       tier("cppcheck", TierKind::cppcheck, TierStatus::passed,
            {finding("shadowFunction", "src/\xC3\xA9t\xC3\xA9.cpp", 3, 7, "style", "shadows", "b1", FindingState::new_),
             finding("passedByValue", "src/a.cpp", 5, 0, "performance", "by value", "b2", FindingState::new_),
             finding("missingInclude", "", 0, 0, "information", "no include", "b3", FindingState::new_)}),
       tier("secrets", TierKind::secrets, TierStatus::failed,
            {finding("aws-access-key-id", "deploy/prod.env", 2, 5, "error", "AWS access key ID added: AKIA\u2026",
                     "c1", FindingState::new_),
             finding("stripe-key", "deploy/prod.env", 3, 19, "warning", "Stripe key added: sk_test_\u2026", "c2",
                     FindingState::new_),
             finding("rule `with` ``backticks``", "x.txt", 1, 1, "error", "odd rule", "c3", FindingState::new_)}),
       tier("asan", TierKind::sanitizers, TierStatus::failed,
            {finding("heap-buffer-overflow", "src/a.cpp", 7, 0, "error", "AddressSanitizer: heap-buffer-overflow",
                     "T.A|sig", FindingState::new_),
             finding("memory leak", "src/a.cpp", 12, 0, "error", "LeakSanitizer: memory leak", "T.B|leak",
                     FindingState::new_),
             finding("SEGV", "", 0, 0, "error", "AddressSanitizer: SEGV", "T.C|segv", FindingState::new_),
             finding("never-seen-kind", "src/a.cpp", 3, 0, "error", "odd", "T.D|x", FindingState::new_)}),
       tier("unit", TierKind::ctest, TierStatus::failed,
            {finding("regression", "", 0, 0, "error", "T.A broke", "T.A", FindingState::new_)}),
       tier("lint", TierKind::command, TierStatus::error,
            {finding("exit-code", "", 0, 0, "error", "`make lint` exited with 2", "", FindingState::new_),
             finding("", "", 0, 0, "error", "", "", FindingState::new_)})});
  r.tests = tests();
  // Source excerpts (gate/judge/source_excerpts.h): regions in UTF-16 code units with an end, snippets and
  // context regions. 'count' is at byte column 10 after an 'é' of two bytes; the test's line is markup.
  r.tiers[0].findings[0].excerpt = SourceExcerpt{"src/calc.cpp", 4, 2, {"int f(int count) {", "  // ...", "  caf\xC3\xA9= count / 2;", "}"}, {}};
  r.tests[0].excerpt = SourceExcerpt{"tests/calc #1%.cpp", 7, 6, {"TEST(Calc, Adds) {", "  EXPECT_EQ(add(1, 1), 3) << \"</script><b> &\";", "}"}, {}};
  return r;
}

// Nothing new anywhere: runs without results, an empty Code Quality report.
AttemptResult nothing_new() {
  AttemptResult r = attempt("nothing-new",
                 {tier("static", TierKind::cppcheck, TierStatus::passed,
                       {finding("shadowFunction", "src/a.cpp", 3, 7, "style", "shadows", "b1", FindingState::unchanged)}),
                  tier("secrets", TierKind::secrets, TierStatus::passed, {})});
  // Tests ran and none broke: the tests run is there, empty.
  TestOutcome passed = tests()[3];
  r.tests = {passed};
  return r;
}

// No tier at all (a dry run, a gate error before the tiers).
AttemptResult no_tiers() { return attempt("no-tiers", {}); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sample_reports OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  try {
    for (const AttemptResult& r : {every_kind(), nothing_new(), no_tiers()}) write_report_files(r, out / r.attempt_id);
  } catch (const std::exception& e) {
    std::cerr << "sample_reports: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
