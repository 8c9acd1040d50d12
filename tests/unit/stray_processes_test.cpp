// SPDX-License-Identifier: MIT
#include "runners/stray_processes.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "runners/process.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using namespace std::chrono_literals;

bool gone(int pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  for (const ProcessInfo& p : list_processes())
    if (p.pid == pid) return p.state == 'Z';
  return true;
}

// Waits up to 5 s for a pid written into `file`.
int read_pid(const fs::path& file) {
  for (int i = 0; i < 250; ++i) {
    std::error_code ec;
    if (fs::file_size(file, ec) > 0 && !ec) {
      std::string text = autofix::testing::read_file(file);
      if (text.find('\n') != std::string::npos) return std::stoi(text);
    }
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

// Starts, through run_process, a shell that double-forks `sleep 300` into a session of its own (setsid)
// and returns: what is left is a daemon outside any group run_process ends. Returns its pid.
int start_escaped_daemon(const fs::path& pid_file, std::vector<std::pair<std::string, std::string>> env = {}) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c",
               "( setsid sh -c 'echo $$ > \"$1\"; exec sleep 300' daemon \"$1\" </dev/null >/dev/null 2>&1 & ); "
               "while [ ! -s \"$1\" ]; do sleep 0.01; done",
               "starter", pid_file.string()};
  spec.environment = std::move(env);
  spec.timeout = 10s;
  ProcessResult r = run_process(spec);
  EXPECT_TRUE(r.succeeded()) << r.describe() << r.err;
  return read_pid(pid_file);
}

bool found(const std::vector<ProcessInfo>& processes, int pid) {
  return std::any_of(processes.begin(), processes.end(), [&](const ProcessInfo& p) { return p.pid == pid; });
}

TEST(DescendantsOf, FollowsParentChainsToTheRoot) {
  std::vector<ProcessInfo> all = {{1, 0, 1, 'S', "init"},   {10, 1, 10, 'S', "gate"},  {11, 10, 11, 'S', "fixer"},
                                  {12, 11, 12, 'S', "daemon"}, {13, 1, 13, 'S', "other"}, {14, 13, 13, 'S', "child"},
                                  {15, 10, 15, 'Z', "zombie"}};
  EXPECT_EQ(descendants_of(10, all), (std::vector<int>{11, 12, 15}));
  EXPECT_EQ(descendants_of(13, all), (std::vector<int>{14}));
  EXPECT_EQ(descendants_of(12, all), std::vector<int>{});
}

TEST(DescendantsOf, ParentCycleFromAReusedPidEnds) {
  std::vector<ProcessInfo> all = {{20, 21, 20, 'S', "a"}, {21, 20, 21, 'S', "b"}, {30, 1, 30, 'S', "root"}};
  EXPECT_EQ(descendants_of(30, all), std::vector<int>{});
}

TEST(EnvironmentHasMarker, MatchesTheExactVariableAndValue) {
  using namespace std::string_literals;
  EXPECT_TRUE(environment_has_marker("A=1\0AUTOFIX_GATE_OPERATION=tok\0B=2\0"s, "tok"));
  EXPECT_TRUE(environment_has_marker("AUTOFIX_GATE_OPERATION=tok"s, "tok"));  // last entry without a NUL
  EXPECT_FALSE(environment_has_marker("AUTOFIX_GATE_OPERATION=tok2\0"s, "tok"));
  EXPECT_FALSE(environment_has_marker("AUTOFIX_GATE_OPERATION=to\0"s, "tok"));
  EXPECT_FALSE(environment_has_marker("XAUTOFIX_GATE_OPERATION=tok\0"s, "tok"));
  EXPECT_FALSE(environment_has_marker(""s, "tok"));
}

TEST(DescribeProcesses, NamesPidAndCommandAndCountsTheRest) {
  std::vector<ProcessInfo> p = {{1, 0, 1, 'S', "sh -c x"}, {2, 0, 2, 'S', "sleep 300"}, {3, 0, 3, 'S', "cat"}};
  EXPECT_EQ(describe_processes(p), "pid 1 (sh -c x), pid 2 (sleep 300), pid 3 (cat)");
  EXPECT_EQ(describe_processes(p, 1), "pid 1 (sh -c x), and 2 more");
  EXPECT_EQ(describe_processes({}), "");
}

TEST(ListProcesses, ShowsThisProcessWithItsParentAndGroup) {
  std::vector<ProcessInfo> all = list_processes();
  auto self = std::find_if(all.begin(), all.end(), [](const ProcessInfo& p) { return p.pid == ::getpid(); });
  ASSERT_NE(self, all.end());
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_EQ(self->pgid, ::getpgrp());
  EXPECT_EQ(self->state, 'R');
}

// With the subreaper set, an orphaned daemon becomes this process's child: found by descent, ended, reaped.
TEST(EndStrayProcesses, EndsADaemonThatLeftItsProcessGroupAndReapsIt) {
  ASSERT_TRUE(become_subreaper());
  TempDir dir;
  int daemon = start_escaped_daemon(dir / "pid");
  ASSERT_GT(daemon, 0);
  ASSERT_FALSE(gone(daemon)) << "run_process ended the daemon itself: nothing left to test";
  std::vector<ProcessInfo> strays = find_stray_processes(StraySearch{true, std::nullopt});
  ASSERT_TRUE(found(strays, daemon));
  std::vector<ProcessInfo> ended = end_stray_processes(StraySearch{true, std::nullopt}, 500ms);
  EXPECT_TRUE(found(ended, daemon));
  EXPECT_TRUE(::kill(daemon, 0) != 0 && errno == ESRCH) << "not reaped (or still running)";
  EXPECT_TRUE(find_stray_processes(StraySearch{true, std::nullopt}).empty());
  EXPECT_TRUE(end_stray_processes(StraySearch{true, std::nullopt}).empty());
}

// Without the subreaper (the gate was killed and its daemon went to init), the marker finds it.
TEST(EndStrayProcesses, FindsByTheOperationMarkerWhatIsNoLongerADescendant) {
  TempDir dir;
  set_operation_marker("unit-test-" + std::to_string(::getpid()));
  int marked = start_escaped_daemon(dir / "marked");
  set_operation_marker(std::nullopt);
  int other = start_escaped_daemon(dir / "other", {{kOperationMarkerVariable, "another operation"}});
  ASSERT_GT(marked, 0);
  ASSERT_GT(other, 0);
  StraySearch search{false, "unit-test-" + std::to_string(::getpid())};
  std::vector<ProcessInfo> strays = find_stray_processes(search);
  EXPECT_TRUE(found(strays, marked));
  EXPECT_FALSE(found(strays, other));
  std::vector<ProcessInfo> ended = end_stray_processes(search, 500ms);
  EXPECT_TRUE(found(ended, marked));
  bool marked_gone = false;
  for (int i = 0; i < 250 && !marked_gone; ++i, std::this_thread::sleep_for(20ms)) marked_gone = gone(marked);
  EXPECT_TRUE(marked_gone);
  EXPECT_FALSE(gone(other));
  ::kill(other, SIGKILL);
}

// Processes end while /proc is read (their files then fail with ESRCH or vanish): a search never throws
// for that. Short-lived children are started all the time while the searches run.
TEST(FindStrayProcesses, ProcessesEndingDuringTheSearchAreSkipped) {
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    while (!stop) {
      ProcessSpec spec;
      spec.argv = {"sh", "-c", "true & true & wait"};
      run_process(spec);
    }
  });
  size_t searches = 0;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    EXPECT_NO_THROW(find_stray_processes(StraySearch{true, std::string("no such marker")}));
    ++searches;
  }
  stop = true;
  churn.join();
  EXPECT_GT(searches, 10u);
}

// A process group run_process is waiting for (another thread's build) is not a stray.
TEST(FindStrayProcesses, LeavesAloneTheGroupsRunProcessWaitsFor) {
  std::mutex m;
  std::condition_variable cv;
  int group = 0;
  std::thread t([&] {
    ProcessSpec spec;
    spec.argv = {"sleep", "2"};
    spec.on_started = [&](int pg) {
      std::lock_guard lock(m);
      group = pg;
      cv.notify_all();
    };
    run_process(spec);
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return group > 0; });
  }
  EXPECT_EQ(active_process_groups(), std::vector<int>{group});
  EXPECT_FALSE(found(find_stray_processes(StraySearch{true, std::nullopt}), group));
  t.join();
  EXPECT_EQ(active_process_groups(), std::vector<int>{});
}

}  // namespace
}  // namespace autofix::runners
