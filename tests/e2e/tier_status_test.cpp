// SPDX-License-Identifier: MIT
// `autofix-gate tier-status`, which each `ctest -L autofix` tier test runs: it reads the verdict test's
// report.json with the one report reader (gate/results/report_reader.h), so a report it cannot trust is
// refused naming where, never read as "passed".
#include <gtest/gtest.h>

#include "gate/results/attempt_result.h"
#include "reporters/attempt_report.h"
#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

AttemptResult report_with_tiers() {
  AttemptResult r;
  r.verdict = Verdict::rejected;
  r.reason = "required tier 'static' (cppcheck) failed";
  r.lane = {Lane::heavy, "CMakeLists.txt changed"};
  TierResult tests{"tests", TierKind::ctest, true, TierStatus::passed, "2 test(s), no regressions", 1.5, {}, {"a", "b"}};
  TierResult analysis{"static", TierKind::cppcheck, true, TierStatus::failed, "1 new finding", 2, {}, {}};
  analysis.findings.push_back({"nullPointer", "src/a file.cpp", 12, 3, "error", "null pointer dereference", "fp-1", FindingState::new_, ""});
  analysis.findings.push_back({"unusedVariable", "src/b.cpp", 0, 0, "style", "unused", "fp-2", FindingState::unchanged, ""});
  TierResult advisory{"tidy", TierKind::clang_tidy, false, TierStatus::error, "clang-tidy not found", 0, {}, {}};
  r.tiers = {tests, analysis, advisory};
  return r;
}

class TierStatusCommand : public ::testing::Test {
 protected:
  void SetUp() override { write_file(report(), reporters::dump_json(reporters::attempt_json(report_with_tiers()))); }
  fs::path report() const { return dir_ / "report dir" / "report.json"; }
  runners::ProcessResult status(const std::string& tier) const {
    return gate(dir_.path(), {"tier-status", "--report", report().string(), "--tier", tier});
  }
  TempDir dir_;
};

TEST_F(TierStatusCommand, APassingTierExitsZero) {
  runners::ProcessResult r = status("tests");
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "tier tests (ctest, required): passed: 2 test(s), no regressions\n");
}

TEST_F(TierStatusCommand, AFailingRequiredTierExitsOneAndListsItsNewFindings) {
  runners::ProcessResult r = status("static");
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_EQ(r.out,
            "tier static (cppcheck, required): failed: 1 new finding\n"
            "  new: nullPointer src/a file.cpp:12: null pointer dereference\n");
}

TEST_F(TierStatusCommand, AnAdvisoryTierNeverFails) {
  runners::ProcessResult r = status("tidy");
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "tier tidy (clang-tidy, advisory): error: clang-tidy not found\n");
}

TEST_F(TierStatusCommand, AnUnknownTierNamesTheLane) {
  runners::ProcessResult r = status("asan");
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("the report '" + report().string() + "' has no tier 'asan'"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("the tier may not run in the heavy lane"), std::string::npos) << show(r);
}

TEST_F(TierStatusCommand, NoReportSaysWhatToRunFirst) {
  fs::remove(report());
  runners::ProcessResult r = status("tests");
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("no report at '" + report().string() + "'"), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("run the autofix.verdict test"), std::string::npos) << show(r);
}

// A report whose tier status was edited is refused, not read as the default it used to get.
TEST_F(TierStatusCommand, AMalformedReportIsRefusedNamingWhere) {
  nlohmann::json j = reporters::attempt_json(report_with_tiers());
  j["tiers"][1]["status"] = "passd";
  write_file(report(), j.dump());
  runners::ProcessResult r = status("static");
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find(report().string() + ": tiers[1].status: unknown tier status 'passd' (expected passed, failed, "
                                           "skipped or error)"),
            std::string::npos)
      << show(r);
  j["tiers"][1].erase("required");
  write_file(report(), j.dump());
  r = status("static");
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find(report().string() + ": tiers[1].required: missing (expected true or false)"), std::string::npos)
      << show(r);
}

}  // namespace
}  // namespace autofix::testing
