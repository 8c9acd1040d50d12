// SPDX-License-Identifier: MIT
// AUTOFIX_GATE_TRACE=1 end to end: an attempt names every phase it went through, nested ("attempt/build"),
// on stderr; with AUTOFIX_GATE_TRACE=0 it prints no trace line. Only the names are checked, never the times.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;

constexpr std::string_view kTracePrefix = "autofix-gate: trace: ";

// The phase paths of the trace lines in `err` ("autofix-gate: trace: <path> <ms> ms").
std::set<std::string> traced_phases(const std::string& err) {
  std::set<std::string> out;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(kTracePrefix)) continue;
    std::string rest = line.substr(kTracePrefix.size());
    if (!rest.ends_with(" ms")) continue;
    rest.resize(rest.size() - 3);
    rest.erase(rest.find_last_not_of(' ') + 1);
    rest.erase(rest.find_last_of(' '));     // the milliseconds
    rest.erase(rest.find_last_not_of(' ') + 1);
    out.insert(rest);
  }
  return out;
}

std::string listed(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += "  " + n + "\n";
  return out;
}

runners::ProcessResult traced_attempt(const Calculator& c, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {gate_binary().string(), "attempt", "-j", "2"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, c.repo(), {{"AUTOFIX_GATE_TRACE", "1"}}, std::chrono::minutes(5));
}

TEST(Trace, AnAttemptWithItsBaselineNamesEveryPhaseNested) {
  Calculator c(attempt::StoredBaseline::none);
  runners::ProcessResult r = traced_attempt(c, {"--patch", example_fix("correct-fix.diff")});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const std::set<std::string> expected = {
      "attempt",
      "attempt/accept",
      "attempt/accept/journal",
      "attempt/apply",
      "attempt/apply/journal",
      "attempt/baseline",
      "attempt/baseline/build",
      "attempt/baseline/build/cmake --build",
      "attempt/baseline/build/cmake --build/journal",
      "attempt/baseline/build/journal",
      "attempt/baseline/include lists",
      "attempt/baseline/include lists/compile database",
      "attempt/baseline/include lists/unit dependencies",
      "attempt/baseline/key",
      "attempt/baseline/lookup",
      "attempt/baseline/reruns",
      "attempt/baseline/reruns/ctest",
      "attempt/baseline/reruns/ctest/journal",
      "attempt/baseline/reruns/journal",
      "attempt/baseline/store",
      "attempt/baseline/tests",
      "attempt/baseline/tests/ctest",
      "attempt/baseline/tests/ctest --show-only",
      "attempt/baseline/tests/ctest/journal",
      "attempt/baseline/tests/stored listing",  // not stored yet: then ctest --show-only
      "attempt/baseline/tests/gtest listing",
      "attempt/baseline/tests/gtest listing/journal",
      "attempt/baseline/tests/journal",
      "attempt/breaker",
      "attempt/config",
      "attempt/judge",
      "attempt/judge/build",
      "attempt/judge/build graph",
      "attempt/judge/build/cmake --build",
      "attempt/judge/build/cmake --build/journal",
      "attempt/judge/build/journal",
      "attempt/judge/cascade",
      "attempt/judge/stored listing",  // the baseline's, the fix changed no test: no ctest --show-only
      "attempt/judge/decide",
      "attempt/judge/excerpts",
      "attempt/judge/flake history",
      "attempt/judge/lane and risk",
      "attempt/judge/line diff",
      "attempt/judge/rerun",
      "attempt/judge/rerun/ctest",
      "attempt/judge/rerun/ctest/journal",
      "attempt/judge/rerun/journal",
      "attempt/judge/tampering",
      "attempt/judge/test",
      "attempt/judge/test/classify",
      "attempt/judge/test/ctest",
      "attempt/judge/test/ctest/journal",
      "attempt/judge/test/flake history",
      "attempt/judge/test/gtest listing",
      "attempt/judge/test/gtest listing/journal",
      "attempt/judge/test/journal",
      "attempt/judge/tier secrets",
      "attempt/judge/tier secrets/gitleaks",
      "attempt/judge/tier secrets/journal",
      "attempt/judge/tier static",
      "attempt/judge/tier static/journal",
      "attempt/judge/tier static/units to analyse",
      "attempt/judge/tier static/units to analyse/compile database",
      "attempt/judge/tier static/with the change",
      "attempt/judge/tier static/with the change/cppcheck",
      "attempt/judge/tier static/with the change/cppcheck/journal",
      "attempt/judge/tier static/without the change",
      "attempt/judge/tier static/without the change/cppcheck",
      "attempt/judge/tier static/without the change/cppcheck/journal",
      "attempt/judge/tier static/without the change/stored analyses",
      "attempt/judge/tier static/without the change/stored analyses/journal",
      "attempt/judge/tier tests",
      "attempt/judge/tier tests/journal",
      "attempt/layout",
      "attempt/lock",
      "attempt/patch check",
      "attempt/report directory",
      "attempt/reports",
      "attempt/reports/autofix-full.sarif",
      "attempt/reports/autofix-tiers.xml",
      "attempt/reports/autofix.sarif",
      "attempt/reports/gl-code-quality-report.json",
      "attempt/reports/junit-strict.xml",
      "attempt/reports/junit.xml",
      "attempt/reports/publish",
      "attempt/reports/report.html",
      "attempt/reports/report.json",
      "attempt/reports/summary.md",
      "attempt/reports/write",
      "attempt/retention",
      "attempt/rollback",
      "attempt/rollback/journal",
      "attempt/rollback/journal and private copy cleared",
      "attempt/rollback/objects and ref",
      "attempt/rollback/restore",
      "attempt/rollback/restore/.git files",
      "attempt/rollback/restore/index",
      "attempt/rollback/restore/scan work tree",
      "attempt/rollback/restore/verify",
      "attempt/rollback/restore/write files",
      "attempt/rollback/restore/write files/journal",
      "attempt/rollback/restore/write files/refs",
      "attempt/rollback/state hooks",
      "attempt/rollback/stray processes",
      "attempt/snapshot",
      "attempt/snapshot/.git files and refs",
      "attempt/snapshot/journal",
      "attempt/snapshot/journal (fsync)",
      "attempt/snapshot/private copy",
      "attempt/snapshot/read index",
      "attempt/snapshot/scan work tree",
      "attempt/snapshot/write objects",
      "attempt/tool versions",
      "attempt/tool versions/journal",
      "attempt/tree after",
      "attempt/tree after/journal",
      "attempt/tree before",
      "attempt/tree before/journal",
  };
  const std::set<std::string> seen = traced_phases(r.err);
  std::set<std::string> missing, extra;
  for (const std::string& n : expected)
    if (!seen.count(n)) missing.insert(n);
  for (const std::string& n : seen)
    if (!expected.count(n)) extra.insert(n);
  EXPECT_TRUE(missing.empty() && extra.empty()) << "missing:\n" << listed(missing) << "not expected:\n" << listed(extra)
                                                << show(r);
}

TEST(Trace, NoTraceLinesWhenItIsOff) {
  Calculator c;
  runners::ProcessResult r = run({gate_binary().string(), "attempt", "-j", "2", "--patch", example_fix("correct-fix.diff")},
                                 c.repo(), {{"AUTOFIX_GATE_TRACE", "0"}}, std::chrono::minutes(5));
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.err.find(kTracePrefix), std::string::npos) << show(r);
}

}  // namespace
}  // namespace autofix::testing
