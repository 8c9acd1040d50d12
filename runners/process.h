// SPDX-License-Identifier: MIT
#pragma once
// The only place that starts processes. Every child runs in its own process group, so that a timeout,
// an interrupt, or the child's own exit ends everything it started (daemons included).
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace autofix::runners {

// Keeps the first and last `cap / 2` bytes of a stream: enough to see how it began and how it ended.
class CappedOutput {
 public:
  explicit CappedOutput(size_t cap) : cap_(cap) {}
  void append(const char* data, size_t size);
  // head + "\n[... N bytes omitted ...]\n" + tail, or everything when it fit.
  std::string text() const;
  bool truncated() const noexcept { return omitted_ > 0; }
  uint64_t total_bytes() const noexcept { return total_; }

 private:
  size_t cap_;
  std::string head_;
  std::string tail_;
  uint64_t omitted_ = 0;
  uint64_t total_ = 0;
};

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path working_directory;
  std::vector<std::pair<std::string, std::string>> environment;  // added to (or replacing in) the gate's own
  std::chrono::milliseconds timeout{0};                          // 0: no limit
  std::chrono::milliseconds grace{2000};                         // between SIGTERM and SIGKILL
  size_t output_cap = 256 * 1024;                                // per stream
  std::function<void(int process_group)> on_started;             // e.g. record the group in the journal
  bool stop_on_interrupt = true;  // a pending SIGINT/SIGTERM of the gate ends the child
};

struct ProcessResult {
  int exit_code = -1;        // valid when signal == 0
  int signal = 0;            // the signal that ended the child, if any
  bool timed_out = false;
  bool interrupted = false;  // ended because the gate itself was interrupted
  std::string out;
  std::string err;
  bool out_truncated = false;
  bool err_truncated = false;
  int process_group = 0;
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds limit{0};  // the timeout it ran under (0: none)
  bool succeeded() const noexcept { return signal == 0 && exit_code == 0 && !timed_out && !interrupted; }
  // "exit code 3", "killed by signal 9", "timed out after 600 s", ...
  std::string describe() const;
};

// Runs the process to its end (or its timeout), then ends whatever is left of its process group.
// Throws Error(usage) when the program cannot be found or started. Several threads may run processes at
// once (launches are serialized, so no child holds another's pipes).
ProcessResult run_process(const ProcessSpec& spec);

// True while any process of the group is alive.
bool process_group_alive(int process_group) noexcept;

// The process groups run_process() calls are waiting for right now (other threads' builds or tests):
// a search for stray processes (runners/stray_processes.h) leaves them alone.
std::vector<int> active_process_groups();

}  // namespace autofix::runners
