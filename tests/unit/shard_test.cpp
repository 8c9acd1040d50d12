// SPDX-License-Identifier: MIT
#include "gate/run/shard.h"

#include <gtest/gtest.h>

#include "gate/results/test_names.h"
#include "gate/util/error.h"
#include "reporters/attempt_report.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

TestOutcome outcome(const std::string& ctest_test, const std::string& case_name, std::optional<double> before,
                    std::optional<double> after) {
  TestOutcome o;
  o.ctest_test = ctest_test;
  o.case_name = case_name;
  o.name = test_name(ctest_test, case_name);
  if (before) o.baseline = TestRecord{o.name, RunStatus::passed, *before, ""};
  if (after) o.after = TestRecord{o.name, RunStatus::passed, *after, ""};
  o.transition = !before ? Transition::NEW : !after ? Transition::MISSING : Transition::PASS_TO_PASS;
  return o;
}

TEST(DurationsFromReport, TakesEachCTestTestsRunWithTheChangeElseItsBaseline) {
  testing::TempDir dir;
  AttemptResult r;
  r.tests = {outcome("unit", "", 1.0, 2.5), outcome("gone", "", 4.0, std::nullopt), outcome("fresh", "", std::nullopt, 0.5),
             // A CTest name may hold "::" itself: it is a CTest test all the same.
             outcome("ns::suite [a]", "", 3.0, 3.25),
             // Cases are left out: their CTest test carries the time.
             outcome("unit", "Suite.Case", 0.5, 0.5), outcome("ns::suite [a]", "A::B", 1.0, 1.0)};
  testing::write_file(dir / "report.json", reporters::dump_json(reporters::attempt_json(r)));
  std::map<std::string, double> expected = {{"unit", 2.5}, {"gone", 4.0}, {"fresh", 0.5}, {"ns::suite [a]", 3.25}};
  EXPECT_EQ(durations_from_report(dir / "report.json"), expected);
}

TEST(DurationsFromReport, RefusesWhatIsNotAReport) {
  testing::TempDir dir;
  testing::write_file(dir / "report.json", R"({"tests": []})");
  try {
    durations_from_report(dir / "report.json");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), (dir / "report.json").string() +
                                         ": verdict: missing (expected accepted, rejected, needs_review, error, planned or refused_breaker_open)");
  }
  try {
    durations_from_report(dir / "absent.json");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "no such report: '" + (dir / "absent.json").string() + "'");
  }
}

}  // namespace
}  // namespace autofix
