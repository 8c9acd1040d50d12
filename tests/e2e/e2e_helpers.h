// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the end-to-end tests only: running gate_mutator and signalling it at a chosen moment,
// reading the binary's JSON, and building the fingerprint a restore must produce when ignored files
// (which restore never touches) changed after the snapshot.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/quick_run.h"
#include "tests/support/test_support.h"

namespace autofix::testing {

fs::path mutator_binary();

// Exit code, signal, stdout and stderr of a finished process, for failure messages.
std::string show(const runners::ProcessResult& r);

// gate() over quick_run() (tests/support/quick_run.h).
runners::ProcessResult quick_gate(const fs::path& cwd, const std::vector<std::string>& args);

// Runs `argv` in `cwd` (with git_environment()) and sends `signal` to its whole process group `delay`
// after it started, unless it ended first. Whether the signal arrived in time is in result.signal
// (SIGKILL) or the exit code (a handled SIGTERM/SIGINT).
runners::ProcessResult run_and_signal(const std::vector<std::string>& argv, const fs::path& cwd,
                                      std::chrono::microseconds delay, int signal);
// The same, but the delay starts when `trigger` (polled every 200 µs from the start) first returns true;
// no signal is sent if the process ends before that.
runners::ProcessResult run_and_signal(const std::vector<std::string>& argv, const fs::path& cwd,
                                      const std::function<bool()>& trigger, std::chrono::microseconds delay,
                                      int signal);

// tests/reports/check_reports.py on an attempt's report directory: autofix.sarif and autofix-full.sarif against
// the SARIF 2.1.0 schema, autofix.sarif against GitHub code scanning's upload rules, gl-code-quality-report.json
// against GitLab's Code Quality rules. Exit code 0 when they all hold; its output names every breach.
runners::ProcessResult check_report_formats(const fs::path& report_dir);

// What GitLab's parser and mikepenz/action-junit-report see in the JUnit files of a report directory
// (tests/junit/junit_readers.py check, paths resolved against `workspace`): junit.xml and
// autofix-tiers.xml validated against both schemas, and their counts compared with report.json. The
// script's problems fail the calling test; returns its JSON ({"junit.xml": {"gitlab", "mikepenz"},
// "autofix-tiers.xml": ..., "problems"}), null when it did not run.
nlohmann::json junit_readers(const fs::path& report_dir, const fs::path& workspace);

// True when the repository's journal records an operation in `phase` (e.g. "rollback").
bool journal_in_phase(const fs::path& repo, const std::string& phase);

// A process running on a thread of its own, for tests that act while it runs (a gate holding the lock).
class BackgroundProcess {
 public:
  BackgroundProcess(std::vector<std::string> argv, fs::path cwd);
  ~BackgroundProcess();  // SIGKILLs the group if still running, then waits
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  // Sends `signal` to the whole process group (once it has started).
  void signal(int signal_number);
  // Sends `signal` to the process alone, the group's leader (once it has started).
  void signal_leader(int signal_number);
  // Waits for the end and returns the result (only once).
  runners::ProcessResult wait();
  int process_group();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int process_group_ = 0;
  bool finished_ = false;
  runners::ProcessResult result_;
  std::string error_;
  std::thread thread_;
};

// Polls `condition` every 20 ms for up to `limit`; returns whether it became true.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = std::chrono::seconds(20));

// gate_mutator REPO SEED MUTATIONS SLEEP_MS [child] [type-changes] as argv.
std::vector<std::string> mutator_argv(const fs::path& repo, unsigned seed, int mutations, int sleep_ms,
                                      bool with_child = false, bool type_changes = false);

// The " t=<ms>" of the first stdout line starting with `step` ("rollback", "done", ...), or -1.
long step_time_ms(const std::string& out, const std::string& step);
bool has_step(const std::string& out, const std::string& step);

// Parses a command's stdout as JSON; throws std::runtime_error showing the process when it is not.
nlohmann::json json_of(const runners::ProcessResult& r);

// `autofix-gate snapshot -m message` in `repo`; throws unless it exits 0. Returns the id.
std::string make_snapshot(const fs::path& repo, const std::string& message = {});
// Ids from `snapshots list --json`, in the order listed.
std::vector<std::string> listed_snapshot_ids(const fs::path& repo);
nlohmann::json status_json(const fs::path& repo);

// A committed repository at `repo` for tests that need a CMake project but no compiler: `cmake` as its
// CMakeLists.txt (LANGUAGES NONE; its tests read files), `files` beside it, build/ ignored, and an
// autofix-gate.json with the tests tier only. An attempt on it takes about a second.
void make_fileread_project(const fs::path& repo, const std::string& cmake, const std::map<std::string, std::string>& files);

// Writes `files` (path -> content, parent directories created) into `repo` and commits everything with
// `summary`, followed by a blank line and `trailer` when it is not empty ("Autofix-Attempt: <id>").
void commit_files(const fs::path& repo, const std::map<std::string, std::string>& files, const std::string& summary,
                  const std::string& trailer = {});
// `git <args>` in `repo`, its output without the final newlines.
std::string git_trimmed(const fs::path& repo, const std::vector<std::string>& args);

// Lines of `text` containing `needle` removed (used to set aside a submodule's own status line).
std::string without_lines_containing(const std::string& text, const std::string& needle);

}  // namespace autofix::testing
