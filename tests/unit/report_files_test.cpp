// SPDX-License-Identifier: MIT
#include "gate/run/report_files.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::write_file;

AttemptResult result_with_id(const std::string& id) {
  AttemptResult r;
  r.attempt_id = id;
  r.snapshot = id;
  r.verdict = Verdict::rejected;
  r.reason = "the fix changed nothing";
  return r;
}

std::string attempt_of(const fs::path& report) { return nlohmann::json::parse(read_file(report)).at("attempt_id"); }

// A pid that surely belongs to no process: a child that has ended and been reaped.
pid_t dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

TEST(ReportFiles, WritesTheWholeSetAndReplacesThePreviousOne) {
  testing::TempDir dir;
  const fs::path out = dir / "reports dir";
  write_report_files(result_with_id("first"), out);
  for (const char* f : {"report.json", "junit.xml", "junit-strict.xml", "autofix-tiers.xml", "summary.md", "report.html",
                        "autofix.sarif", "autofix-full.sarif", "gl-code-quality-report.json"})
    EXPECT_TRUE(fs::is_regular_file(out / f)) << f;
  EXPECT_FALSE(fs::exists(out / "partial.json"));
  EXPECT_EQ(attempt_of(out / "report.json"), "first");

  AttemptResult shard = result_with_id("second");
  shard.shard = "1/2";
  write_report_files(shard, out);
  EXPECT_EQ(attempt_of(out / "report.json"), "second");
  EXPECT_EQ(read_file(out / "partial.json"), read_file(out / "report.json"));
  write_report_files(result_with_id("third"), out);
  EXPECT_FALSE(fs::exists(out / "partial.json")) << "a stale partial result would be merged as this one's";
  EXPECT_TRUE(read_file(out / "summary.md").find("the fix changed nothing") != std::string::npos);
  // Nothing else is left behind, and nothing but the set is touched.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"autofix-full.sarif", "autofix-tiers.xml", "autofix.sarif",
                                             "gl-code-quality-report.json", "junit-strict.xml", "junit.xml", "report.html",
                                             "report.json", "summary.md"}));
}

TEST(ReportFiles, LeavesOtherFilesAloneAndClearsStagingOfDeadWritersOnly) {
  testing::TempDir dir;
  const fs::path out = dir.path();
  write_file(out / "baseline-tests" / "ctest.log", "kept\n");
  write_file(out / "notes.txt", "kept\n");
  const std::string dead = ".report-set-" + std::to_string(dead_pid()) + "-12";
  const std::string alive = ".report-set-" + std::to_string(::getppid()) + "-34";
  write_file(out / dead / "report.json", "{}");
  write_file(out / alive / "report.json", "{}");
  write_file(out / ".report-set-notapid" / "x", "not a staging directory of ours");
  write_report_files(result_with_id("x"), out);
  EXPECT_FALSE(fs::exists(out / dead));
  EXPECT_TRUE(fs::exists(out / alive));
  EXPECT_TRUE(fs::exists(out / ".report-set-notapid" / "x"));
  EXPECT_EQ(read_file(out / "notes.txt"), "kept\n");
  EXPECT_EQ(read_file(out / "baseline-tests" / "ctest.log"), "kept\n");
}

// The order is what keeps two attempts apart when a writer dies midway: report.json goes first and comes
// last, so it is present only beside its own complete set.
TEST(ReportFiles, ReportJsonIsTheLastFileOfTheSet) {
  EXPECT_STREQ(kReportSetFiles.back(), "report.json");
  EXPECT_EQ(kReportSetFiles.size(), 10u);
}

// A writer killed at every point of its switch leaves files of one attempt only: the switch runs in a child
// that the step hook ends right before its n-th removal or rename, for every n.
TEST(ReportFiles, AKillAtAnyPointLeavesFilesOfOneAttemptOnly) {
  // Every removal and every rename of the set, and one more: the writer that finishes.
  for (int steps = 0; steps <= static_cast<int>(2 * kReportSetFiles.size()); ++steps) {
    testing::TempDir dir;
    const fs::path out = dir / "r";
    write_report_files(result_with_id("old"), out);
    write_report_files(result_with_id("new"), dir / "expected");
    std::map<std::string, std::string> old_set, new_set;
    for (const char* f : kReportSetFiles) {
      if (fs::exists(out / f)) old_set[f] = read_file(out / f);
      if (fs::exists(dir / "expected" / f)) new_set[f] = read_file(dir / "expected" / f);
    }
    pid_t pid = ::fork();
    if (pid == 0) {
      set_report_step_hook_for_tests([steps](int step) {
        if (step == steps) ::_exit(9);
      });
      write_report_files(result_with_id("new"), out);
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    bool any_old = false, any_new = false;
    for (const char* f : kReportSetFiles) {
      if (!fs::exists(out / f)) continue;
      std::string content = read_file(out / f);
      bool is_old = old_set.count(f) && content == old_set[f], is_new = new_set.count(f) && content == new_set[f];
      ASSERT_TRUE(is_old || is_new) << f << " is neither attempt's, after " << steps << " steps";
      if (is_old != is_new) (is_old ? any_old : any_new) = true;  // the same bytes in both say nothing
    }
    EXPECT_FALSE(any_old && any_new) << "killed after " << steps << " steps";
    if (fs::exists(out / "report.json")) {
      std::string id = attempt_of(out / "report.json");
      for (const char* f : {"junit.xml", "autofix-tiers.xml", "summary.md", "report.html", "autofix.sarif",
                            "autofix-full.sarif", "gl-code-quality-report.json"})
        EXPECT_TRUE(fs::exists(out / f)) << f << " missing beside report.json of '" << id << "' after " << steps;
    }
    if (WEXITSTATUS(status) == 0) {
      EXPECT_EQ(attempt_of(out / "report.json"), "new");
      break;
    }
  }
}

}  // namespace
}  // namespace autofix
