// SPDX-License-Identifier: MIT
// `autofix-gate plan --last` after real attempts that failed in three ways (a broken test, a test that
// hangs, a patch that does not apply): each report's failure type and plan, as the command prints them.
// A tiny CMake project without a compiler (its tests read files), so an attempt takes about a second.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(plans LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME answers COMMAND sh -c \"grep -qx hang '${CMAKE_CURRENT_SOURCE_DIR}/mode.conf' && sleep 60; true\")\n";

class Plans : public ::testing::Test {
 protected:
  void SetUp() override { make_fileread_project(repo_, kCMake, {{"value.conf", "ok\n"}, {"mode.conf", "quick\n"}}); }
  runners::ProcessResult gate_with(const Strings& args) const {
    Strings argv{gate_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo_, {}, std::chrono::minutes(3));
  }
  // A patch that sets `file` (one line "before") to `after`.
  fs::path patch(const std::string& name, const std::string& file, const std::string& before, const std::string& after) {
    fs::path p = tmp_.path() / name;
    write_file(p, "diff --git a/" + file + " b/" + file + "\n--- a/" + file + "\n+++ b/" + file + "\n@@ -1 +1 @@\n-" +
                      before + "\n+" + after + "\n");
    return p;
  }
  TempDir tmp_;
  fs::path repo_ = tmp_.path() / "plan repo";
};

std::string report_snapshot(const fs::path& report) {
  return nlohmann::json::parse(read_file(report)).at("snapshot").get<std::string>();
}

TEST_F(Plans, AfterABrokenTestAHangingTestAndARefusedPatch) {
  fs::path broken = patch("broken fix.diff", "value.conf", "ok", "bad");
  runners::ProcessResult r = gate_with({"attempt", "-j", "2", "--flaky-reruns", "0", "--patch", broken.string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  runners::ProcessResult p = gate_with({"plan", "--last"});
  ASSERT_EQ(p.exit_code, 0) << show(p);
  fs::path report = repo_ / "build" / "autofix" / "latest" / "report.json";
  std::string id = report_snapshot(report);
  EXPECT_EQ(p.out, "report: " + report.string() +
                       "\n"
                       "verdict: rejected: 1 test(s) broken by the fix: value_is_ok passed without the fix and fails "
                       "with it\n"
                       "failure: test_regression\n"
                       "  value_is_ok passed without the fix and fails with it\n"
                       "plan:\n"
                       "  1. rollback: already done: the tree was restored to snapshot " + id +
                       " and verified (what you changed meanwhile was kept)\n"
                       "  2. skip: drop this fix, or send it back to the fixer with the failing tests\n"
                       "  3. manual: look at the broken tests and where they fail: value_is_ok (CMakeLists.txt:4)\n")
      << show(p);

  fs::path hang = patch("hang.diff", "mode.conf", "quick", "hang");
  r = gate_with({"attempt", "-j", "2", "--flaky-reruns", "0", "--test-timeout", "2", "--patch", hang.string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  nlohmann::json plan = json_of(gate_with({"plan", "--last", "--json"}));
  EXPECT_EQ(plan.at("failure").at("type"), "timeout") << plan.dump(2);
  EXPECT_EQ(plan.at("recovery")[0],
            nlohmann::json({{"action", "retry"},
                            // Quoted as a shell needs it (the patch's directory has spaces): it runs as printed.
                            {"command", "autofix-gate attempt -j 2 --flaky-reruns 0 --test-timeout 4 --patch '" +
                                            hang.string() + "'"},
                            {"why", "tests reached their time limit (answers); retry with twice the limit, or set "
                                    "test_timeout in autofix-gate.json or the tests' TIMEOUT property"}}))
      << plan.dump(2);

  fs::path stale = patch("stale.diff", "value.conf", "not what is there", "x");
  r = gate_with({"attempt", "--patch", stale.string()});
  ASSERT_EQ(r.exit_code, 1) << show(r);
  plan = json_of(gate_with({"plan", "--last", "--json"}));
  EXPECT_EQ(plan.at("failure").at("type"), "patch_refused") << plan.dump(2);
  Strings actions;
  for (const auto& step : plan.at("recovery")) actions.push_back(step.at("action"));
  EXPECT_EQ(actions, (Strings{"manual", "skip"})) << plan.dump(2);
  // The tree is as it was through all three.
  EXPECT_EQ(git(repo_, {"status", "--porcelain"}), "");
}

TEST_F(Plans, NoReportYetIsAUsageErrorSayingWhatToRunFirst) {
  runners::ProcessResult p = gate_with({"plan", "--last"});
  EXPECT_EQ(p.exit_code, 2) << show(p);
  EXPECT_EQ(p.err, "autofix-gate: error: no report at '" + (repo_ / "build" / "autofix" / "latest" / "report.json").string() +
                       "'\nautofix-gate: hint: run `autofix-gate attempt` or `verify` first, or name a report.json\n")
      << show(p);
  p = gate_with({"plan", "--last", "some/report.json"});
  EXPECT_EQ(p.exit_code, 2) << show(p);
}

}  // namespace
}  // namespace autofix::testing
