// SPDX-License-Identifier: MIT
// What an attempt starts, it ends: processes a fixer leaves behind (background children, grandchildren)
// and daemons a CMake test starts are all gone once `autofix-gate attempt` returns, whatever the verdict.
#include <gtest/gtest.h>

#include <optional>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::describe_processes;
using attempt::pid_gone;
using attempt::process_state;
using attempt::processes_in;
using attempt::read_pids;

// Every pid must be gone: kill(pid, 0) == -1 with ESRCH. A process that was ended but whose parent
// died too is a zombie until PID 1 reaps it (here within a few seconds), so allow for that.
void expect_all_gone(const std::vector<int>& pids, const std::string& what) {
  for (int pid : pids) {
    bool gone = eventually([&] { return pid_gone(pid); }, std::chrono::seconds(10));
    EXPECT_TRUE(gone) << what << ": pid " << pid << " is still there: " << process_state(pid);
    if (!gone) ::kill(pid, SIGKILL);  // do not leave it running after the test
  }
}

TEST(AttemptProcesses, FixerChildrenAreEndedWithTheFixer) {
  Calculator c;
  fs::path pid_file = c.tmp() / "fixer pids";
  TreeFingerprint before = attempt::source_fingerprint(c.repo());
  runners::ProcessResult r =
      c.attempt({"--", (attempt::data_dir() / "forking-fixer.sh").string(), pid_file.string()});
  std::vector<int> pids = read_pids(pid_file);
  EXPECT_EQ(r.exit_code, 0) << show(r);
  ASSERT_EQ(pids.size(), 3u) << "the fixer did not record its three processes\n" << show(r);
  expect_all_gone(pids, "a process the fixer left behind");
  EXPECT_TRUE(processes_in(c.repo()).empty()) << describe_processes(processes_in(c.repo()));

  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("fixer").at("result"), std::string("exit code 0")) << report.dump(2);
  EXPECT_EQ(report.at("verdict"), std::string("accepted")) << report.dump(2);
  EXPECT_LT(r.duration, std::chrono::seconds(120)) << "the gate waited for the fixer's children\n" << show(r);
  TreeFingerprint after = attempt::source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

TEST(AttemptProcesses, DaemonStartedByATestIsEndedAfterTheTestRun) {
  Calculator c;
  fs::path pid_file = c.tmp() / "daemon pids";
  // A test that starts `sleep 300 &` and passes: it runs in the baseline and again with the fix.
  std::string cmake = read_file(c.repo() / "CMakeLists.txt");
  cmake += "\nadd_test(NAME DaemonTest COMMAND sh \"" + (attempt::data_dir() / "daemon-test.sh").string() + "\" \"" +
           pid_file.string() + "\")\n";
  write_file(c.repo() / "CMakeLists.txt", cmake);
  git(c.repo(), {"commit", "-q", "-am", "a test that leaves a daemon"});

  runners::ProcessResult r = c.attempt({"--patch", attempt::example_fix("correct-fix.diff")});
  std::vector<int> pids = read_pids(pid_file);
  EXPECT_EQ(r.exit_code, 0) << show(r);
  ASSERT_EQ(pids.size(), 2u) << "DaemonTest should have run twice (baseline and with the fix)\n" << show(r);
  expect_all_gone(pids, "a daemon started by DaemonTest");

  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("tests_run"), attempt::kExampleTests + 1) << report.dump(2);
  bool found = false;
  for (const auto& t : report.at("tests"))
    if (t.at("name") == "DaemonTest") {
      found = true;
      EXPECT_EQ(t.at("transition"), std::string("PASS_TO_PASS")) << t.dump();
    }
  EXPECT_TRUE(found) << report.dump(2);
}

// The gate is SIGKILLed while its fixer runs: the fixer's process group (recorded in the journal) lives
// on, and `autofix-gate recover` ends it before restoring the tree.
TEST(AttemptProcesses, RecoverEndsTheFixerOfAKilledGate) {
  Calculator c;
  runners::ProcessResult b = gate(c.repo(), {"baseline", "-j", "2"});
  ASSERT_EQ(b.exit_code, 0) << show(b);
  TreeFingerprint before = attempt::source_fingerprint(c.repo());
  std::optional<int> fixer_group;
  {
    BackgroundProcess gate_run({gate_binary().string(), "attempt", "-j", "2", "--", attempt::example_fixer("hanging-fixer.sh")},
                               c.repo());
    // Wait until the journal names the fixer's group and its `sleep 3600 &` runs.
    bool fixing = eventually([&] {
      try {
        nlohmann::json j = nlohmann::json::parse(read_file(c.journal()));
        if (j.at("phase") != "fix" || j.at("process_group").is_null()) return false;
        fixer_group = j.at("process_group").get<int>();
        return processes_in(c.repo()).size() >= 2;  // the fixer's shell and its sleep
      } catch (const std::exception&) {
        return false;
      }
    });
    ASSERT_TRUE(fixing) << "the fixer never showed up in the journal";
    gate_run.signal(SIGKILL);
    runners::ProcessResult killed = gate_run.wait();
    ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  }
  ASSERT_TRUE(fixer_group);
  std::vector<int> left = processes_in(c.repo());
  ASSERT_FALSE(left.empty()) << "the fixer should outlive the killed gate";
  EXPECT_TRUE(fs::exists(c.journal()));

  runners::ProcessResult rec = gate(c.repo(), {"recover", "--json"});
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  nlohmann::json j = json_of(rec);
  EXPECT_TRUE(j.at("recovered").get<bool>()) << j.dump(2);
  EXPECT_TRUE(j.at("ended_processes").get<bool>()) << j.dump(2);
  expect_all_gone(left, "a process of the killed gate's fixer");
  EXPECT_FALSE(runners::process_group_alive(*fixer_group));
  TreeFingerprint after = attempt::source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(c.journal()));
}

}  // namespace
}  // namespace autofix::testing
