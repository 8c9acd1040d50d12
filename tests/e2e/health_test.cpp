// SPDX-License-Identifier: MIT
// `autofix-gate health` end to end on a tiny CMake project without a compiler (its tests read files): two
// autofix commits land, the second breaks a test only together with the user's later commit; the check
// names exactly that one, changes nothing without --revert, and with --revert reverts it (a commit with
// Autofix-Health) and the branch is green again.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

constexpr const char* kCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(health LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME flag_and_mode_not_both_on COMMAND sh -c \"! (grep -qx on '${CMAKE_CURRENT_SOURCE_DIR}/flag.conf' && "
    "grep -qx on '${CMAKE_CURRENT_SOURCE_DIR}/mode.conf')\")\n";

class Health : public ::testing::Test {
 protected:
  void SetUp() override {
    make_fileread_project(repo_, kCMake, {{"value.conf", "ok\n"}, {"flag.conf", "off\n"}, {"mode.conf", "off\n"}});
    version_ = head();
    commit({{"extra.conf", "tidy\n"}}, "autofix: add extra.conf", "Autofix-Attempt: 20261207T000001Z-aaaaaa");
    first_ = head();
    commit({{"flag.conf", "on\n"}}, "autofix: turn the flag on", "Autofix-Attempt: 20261207T000002Z-bbbbbb");
    second_ = head();
    commit({{"mode.conf", "on\n"}}, "my own work: mode on", "");
    user_ = head();
  }
  void commit(const std::map<std::string, std::string>& files, const std::string& summary, const std::string& trailer) {
    commit_files(repo_, files, summary, trailer);
  }
  std::string head() const { return git_out({"rev-parse", "HEAD"}); }
  std::string git_out(const Strings& args) const { return git_trimmed(repo_, args); }
  runners::ProcessResult health(Strings args) const {
    Strings argv{gate_binary().string(), "health", "-j", "2", "--since", version_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo_, {}, std::chrono::minutes(3));
  }
  TempDir tmp_;
  fs::path repo_ = tmp_.path() / "health repo";
  std::string version_, first_, second_, user_;
};

std::string health_of(const nlohmann::json& report, const std::string& commit) {
  for (const auto& f : report.at("fixes"))
    if (f.at("commit") == commit) return f.at("health").get<std::string>();
  return "(not checked)";
}

TEST_F(Health, AFixThatBreaksOnlyWithLaterWorkIsFoundAndRevertedAlone) {
  runners::ProcessResult check = health({"--json"});
  ASSERT_EQ(check.exit_code, 1) << show(check);
  nlohmann::json report = nlohmann::json::parse(check.out);
  ASSERT_EQ(report.at("fixes").size(), 2u) << report.dump(2);
  EXPECT_EQ(report.at("fixes")[0].at("commit"), second_);  // newest first
  EXPECT_EQ(health_of(report, second_), "unhealthy");
  EXPECT_EQ(health_of(report, first_), "healthy");
  EXPECT_EQ(report.at("fixes")[0].at("broken"), nlohmann::json::array({"flag_and_mode_not_both_on"}));
  EXPECT_EQ(report.at("rollback"), nullptr);
  EXPECT_EQ(head(), user_);  // without --revert nothing changes
  EXPECT_EQ(git_out({"status", "--porcelain"}), "");

  runners::ProcessResult reverted = health({"--revert", "--json"});
  ASSERT_EQ(reverted.exit_code, 0) << show(reverted);
  nlohmann::json after = nlohmann::json::parse(reverted.out);
  const std::string id = after.at("id").get<std::string>();
  EXPECT_EQ(after.at("rollback").at("check"), "accepted") << after.dump(2);
  EXPECT_EQ(after.at("fixes")[0].at("reverted"), true);
  EXPECT_EQ(after.at("fixes")[1].at("reverted"), false);
  EXPECT_EQ(git_out({"log", "--format=%s", user_ + "..HEAD"}), "Revert \"autofix: turn the flag on\"");
  EXPECT_EQ(git_out({"log", "-1", "--format=%(trailers:key=Autofix-Health,valueonly)"}), id);
  EXPECT_EQ(read_file(repo_ / "flag.conf"), "off\n");
  EXPECT_EQ(read_file(repo_ / "mode.conf"), "on\n");  // the user's work stays
  EXPECT_EQ(read_file(repo_ / "extra.conf"), "tidy\n");  // and so does the healthy fix
  EXPECT_EQ(git_out({"status", "--porcelain"}), "");

  // The history has both checks; the branch is green again.
  runners::ProcessResult records = run({gate_binary().string(), "history", "--command", "health", "--json"}, repo_);
  ASSERT_EQ(records.exit_code, 0) << show(records);
  nlohmann::json listed = nlohmann::json::parse(records.out);
  ASSERT_EQ(listed.size(), 2u) << listed.dump(2);
  EXPECT_EQ(listed[0].at("id"), id);
  EXPECT_EQ(listed[1].at("verdict"), "rejected");
  // The reverted fix is not judged again; the healthy one still is.
  runners::ProcessResult again = health({"--json"});
  ASSERT_EQ(again.exit_code, 0) << show(again);
  nlohmann::json second = nlohmann::json::parse(again.out);
  ASSERT_EQ(second.at("fixes").size(), 1u) << second.dump(2);
  EXPECT_EQ(second.at("fixes")[0].at("commit"), first_);
  EXPECT_EQ(second.at("fixes")[0].at("health"), "healthy");
}

// A fix the gate accepted (its attempt recorded with a breaker key) that later turns unhealthy counts as a
// rejection for that key.
TEST(HealthBreaker, AnUnhealthyFixCountsAsAFailureForItsAttemptsKey) {
  TempDir tmp;
  const fs::path repo = tmp.path() / "health breaker repo";
  make_fileread_project(repo, kCMake, {{"value.conf", "ok\n"}, {"flag.conf", "off\n"}, {"mode.conf", "off\n"}});
  const std::string version = git_trimmed(repo, {"rev-parse", "HEAD"});
  const fs::path patch = tmp.path() / "flag on.diff";
  write_file(patch, "diff --git a/flag.conf b/flag.conf\n--- a/flag.conf\n+++ b/flag.conf\n@@ -1 +1 @@\n-off\n+on\n");
  runners::ProcessResult accepted = run({gate_binary().string(), "attempt", "-j", "2", "--on-accept", "commit", "--target",
                                         "issue-7", "--patch", patch.string()},
                                        repo, {}, std::chrono::minutes(3));
  ASSERT_EQ(accepted.exit_code, 0) << show(accepted);
  commit_files(repo, {{"mode.conf", "on\n"}}, "my own work: mode on");
  // History times are whole seconds, and within one second the breaker folds a rejection before an
  // acceptance (gate/run/breaker.cpp): the health check must end in a later second than the attempt, as it
  // does in real use (hours later).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  runners::ProcessResult check =
      run({gate_binary().string(), "health", "-j", "2", "--since", version, "--json"}, repo, {}, std::chrono::minutes(3));
  ASSERT_EQ(check.exit_code, 1) << show(check);
  runners::ProcessResult breakers = run({gate_binary().string(), "breaker", "list", "--json"}, repo);
  ASSERT_EQ(breakers.exit_code, 0) << show(breakers);
  nlohmann::json listed = nlohmann::json::parse(breakers.out);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  EXPECT_TRUE(listed[0].at("key").get<std::string>().ends_with("|issue-7")) << listed.dump(2);
  EXPECT_EQ(listed[0].at("consecutive_rejections"), 1) << listed.dump(2);
  EXPECT_EQ(listed[0].at("last_signature"), "unhealthy after landing: flag_and_mode_not_both_on") << listed.dump(2);
}

}  // namespace
}  // namespace autofix::testing
