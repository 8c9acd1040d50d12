// SPDX-License-Identifier: MIT
#pragma once
// Processes that outlive what started them. A fixer, a build or a test can leave a daemon that escapes
// its process group (setsid, a double fork): ending the group does not reach it, and it may go on
// writing into the tree after the restore. Two ways to find such a process:
//   - descent: the gate is a child subreaper (PR_SET_CHILD_SUBREAPER), so an orphan of anything it
//     started is reparented to the gate rather than to init, and stays its descendant;
//   - a marker: every child the gate starts inherits AUTOFIX_GATE_OPERATION=<token> in its environment,
//     so that `recover`, run after the gate itself was killed (and its descendants went to init), can
//     still find them by reading /proc/<pid>/environ. A process that clears its environment and whose
//     gate died is out of reach (docs/snapshots.md says so).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "runners/operation_marker.h"

namespace autofix::runners {

// Makes orphaned descendants reparent to this process. False when the kernel refuses (then only the
// marker finds them).
bool become_subreaper() noexcept;

struct ProcessInfo {
  int pid = 0;
  int ppid = 0;
  int pgid = 0;
  char state = 0;       // as in /proc/<pid>/stat: R, S, D, Z, ...
  std::string command;  // the command line, arguments joined by spaces (or the name in /proc/<pid>/stat)
};

// Every process /proc shows (those whose stat can be read).
std::vector<ProcessInfo> list_processes();

// Pure: the pids of `all` whose parent chain leads to `root` (root itself excluded), in `all`'s order.
std::vector<int> descendants_of(int root, const std::vector<ProcessInfo>& all);

// Whether an environment block (NUL-separated KEY=VALUE, as /proc/<pid>/environ holds it) sets
// AUTOFIX_GATE_OPERATION to `token`.
bool environment_has_marker(const std::string& environ_block, const std::string& token);

struct StraySearch {
  bool descendants = true;           // of this process
  std::optional<std::string> marker; // processes whose environment holds this operation marker
};

// The running (not zombie) processes the search finds, never this process, nor a process group
// run_process() is waiting for right now.
std::vector<ProcessInfo> find_stray_processes(const StraySearch& search);

// Ends what find_stray_processes() finds: SIGTERM, up to `grace` for them to go, then SIGKILL, again
// until a search finds nothing (a daemon may fork while it is being ended). Reaps those that became
// this process's zombies. Returns the processes it signalled (first sighting of each).
std::vector<ProcessInfo> end_stray_processes(const StraySearch& search,
                                             std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

// "pid 123 (sh -c sleep 99)", for messages; at most `limit` of them, then "and N more".
std::string describe_processes(const std::vector<ProcessInfo>& processes, size_t limit = 5);

}  // namespace autofix::runners
