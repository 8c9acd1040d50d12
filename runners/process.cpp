// SPDX-License-Identifier: MIT
#include "runners/process.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "runners/operation_marker.h"

namespace autofix::runners {

namespace bp = boost::process;
namespace asio = boost::asio;

void CappedOutput::append(const char* data, size_t size) {
  total_ += size;
  size_t half = cap_ / 2;
  if (head_.size() < half) {
    size_t take = std::min(size, half - head_.size());
    head_.append(data, take);
    data += take;
    size -= take;
  }
  if (size == 0) return;
  tail_.append(data, size);
  if (tail_.size() > half) {
    size_t drop = tail_.size() - half;
    omitted_ += drop;
    tail_.erase(0, drop);
  }
}

std::string CappedOutput::text() const {
  if (omitted_ == 0) return head_ + tail_;
  return head_ + "\n[... " + std::to_string(omitted_) + " bytes omitted ...]\n" + tail_;
}

std::string ProcessResult::describe() const {
  if (interrupted) return "stopped because the gate was interrupted";
  if (timed_out) {
    auto ms = (limit.count() > 0 ? limit : duration).count();
    return "timed out after " + (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms");
  }
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code);
}

bool process_group_alive(int process_group) noexcept {
  if (process_group <= 1 || ::kill(-process_group, 0) != 0) return false;
  // kill() also succeeds for zombies, which an init that reaps slowly (containers) can keep for long:
  // look for a member that is not one.
  DIR* proc = ::opendir("/proc");
  if (!proc) return true;
  bool alive = false;
  while (dirent* de = ::readdir(proc)) {
    if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
    std::string path = std::string("/proc/") + de->d_name + "/stat";
    FILE* f = std::fopen(path.c_str(), "re");
    if (!f) continue;
    char buf[512];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char* close = std::strrchr(buf, ')');  // the command name may hold spaces and parentheses
    char state = 0;
    int ppid = 0, pgrp = 0;
    if (close && std::sscanf(close + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == process_group &&
        state != 'Z' && state != 'X') {
      alive = true;
      break;
    }
  }
  ::closedir(proc);
  return alive;
}

namespace {

std::mutex g_active_mutex;
std::vector<int> g_active_groups;

// Registers a process group for as long as run_process() waits for it.
class ActiveGroup {
 public:
  explicit ActiveGroup(int pgid) : pgid_(pgid) {
    std::lock_guard lock(g_active_mutex);
    g_active_groups.push_back(pgid);
  }
  ~ActiveGroup() {
    std::lock_guard lock(g_active_mutex);
    std::erase(g_active_groups, pgid_);
  }
  ActiveGroup(const ActiveGroup&) = delete;
  ActiveGroup& operator=(const ActiveGroup&) = delete;

 private:
  int pgid_;
};

// Puts the child in a process group of its own, before exec, so the whole tree can be signalled.
struct NewProcessGroup : bp::extend::handler {
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);
  }
};

// The gate ignores SIGPIPE and may have inherited ignored signals (nohup): the child starts with the
// default dispositions and an empty mask, so that a build or fixer writing into a closed pipe ends as
// it would from a shell, and a terminating signal sent to it is not lost.
struct DefaultSignals : bp::extend::handler {
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    restore_default_signals_in_child();
  }
};

boost::filesystem::path resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return boost::filesystem::path(name);
  boost::filesystem::path found = bp::search_path(name);
  if (found.empty())
    throw Error(ErrorKind::usage, "cannot find program '" + name + "' in PATH", "install it or give its full path");
  return found;
}

// Reads a pipe to its end into a capped buffer.
class PipeReader {
 public:
  PipeReader(bp::async_pipe& pipe, CappedOutput& sink) : pipe_(pipe), sink_(sink) {}
  void start() {
    pipe_.async_read_some(asio::buffer(buffer_), [this](const boost::system::error_code& ec, size_t n) {
      if (n > 0) sink_.append(buffer_.data(), n);
      if (ec) done_ = true;
      else start();
    });
  }
  bool done() const noexcept { return done_; }

 private:
  bp::async_pipe& pipe_;
  CappedOutput& sink_;
  std::array<char, 65536> buffer_{};
  bool done_ = false;
};

}  // namespace

std::vector<int> active_process_groups() {
  std::lock_guard lock(g_active_mutex);
  return g_active_groups;
}

ProcessResult run_process(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw Error(ErrorKind::usage, "empty command");
  ProcessResult result;
  result.limit = spec.timeout;
  asio::io_context io;
  // Pipes are inherited across fork (Boost.Process does not make them close-on-exec). Were two threads to
  // launch at once, one child could keep a write end of the other's pipe, which would then see its end of
  // output only when that child exits: from creating the pipes to closing the parent's write ends after
  // the launch, one launch at a time.
  static std::mutex launch_mutex;
  std::unique_lock launching(launch_mutex);
  bp::async_pipe out_pipe(io), err_pipe(io);
  CappedOutput out(spec.output_cap), err(spec.output_cap);
  bp::environment env = boost::this_process::environment();
  for (const auto& [key, value] : spec.environment) env[key] = value;
  // What the operation started can be found by this, even after the gate itself was killed.
  if (std::optional<std::string> marker = operation_marker()) env[kOperationMarkerVariable] = *marker;
  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  boost::filesystem::path program = resolve_program(spec.argv.front());
  std::string cwd = spec.working_directory.empty() ? "." : spec.working_directory.string();
  // Boost.Process ignores a failed chdir in the child: check here rather than run in the wrong place.
  if (std::error_code ec; !std::filesystem::is_directory(cwd, ec))
    throw Error(ErrorKind::usage, "cannot run '" + spec.argv.front() + "': its working directory does not exist",
                "check that '" + cwd + "' is a directory");

  auto start = std::chrono::steady_clock::now();
  std::error_code launch_error;
  bp::child child(program, bp::args = args, bp::start_dir = cwd, bp::std_in < bp::null, bp::std_out > out_pipe,
                  bp::std_err > err_pipe, env, NewProcessGroup{}, DefaultSignals{}, launch_error);
  if (launch_error)
    throw Error(ErrorKind::usage, "cannot start '" + spec.argv.front() + "': " + launch_error.message(),
                "check that it exists, is executable, and that '" + cwd + "' is a directory");
  const int pgid = child.id();
  ::setpgid(pgid, pgid);  // also from the parent: no race with an early signal
  ActiveGroup active(pgid);
  launching.unlock();
  result.process_group = pgid;
  if (spec.on_started) spec.on_started(pgid);

  PipeReader out_reader(out_pipe, out), err_reader(err_pipe, err);
  out_reader.start();
  err_reader.start();

  // Poll for the child's exit, the deadline and the gate's own interrupts; reads run in between.
  asio::steady_timer tick(io);
  bool exited = false;
  int status = 0;
  std::optional<std::chrono::steady_clock::time_point> kill_at;
  std::optional<std::chrono::steady_clock::time_point> drain_until;
  std::function<void()> poll = [&] {
    if (!exited) {
      pid_t r = ::waitpid(pgid, &status, WNOHANG);
      if (r == pgid) exited = true;
    }
    auto now = std::chrono::steady_clock::now();
    if (!exited && !kill_at) {
      bool deadline = spec.timeout.count() > 0 && now - start >= spec.timeout;
      bool interrupt = spec.stop_on_interrupt && pending_interrupt() != 0;
      if (deadline || interrupt) {
        result.timed_out = deadline;
        result.interrupted = interrupt && !deadline;
        ::kill(-pgid, SIGTERM);
        kill_at = now + spec.grace;
      }
    }
    if (kill_at && now >= *kill_at) ::kill(-pgid, SIGKILL);
    if (exited) {
      // The child is gone; whatever it left in its group (daemons, stray children) goes too,
      // and then the pipes close because no writer is left.
      if (process_group_alive(pgid)) {
        if (!kill_at) {  // SIGTERM now; SIGKILL above once the grace period is over
          ::kill(-pgid, SIGTERM);
          kill_at = now + spec.grace;
        }
      } else {
        // Let the readers drain to EOF; a process that left the group (setsid) may still hold a pipe,
        // so stop waiting for it after a moment.
        if (!drain_until) drain_until = now + std::chrono::seconds(1);
        if ((out_reader.done() && err_reader.done()) || now >= *drain_until) {
          boost::system::error_code ignored;
          out_pipe.close(ignored);
          err_pipe.close(ignored);
          return;
        }
      }
    }
    tick.expires_after(std::chrono::milliseconds(exited ? 10 : 20));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) poll();
    });
  };
  poll();
  io.run();
  // Daemons that left the group (setsid) can still hold the pipes; io.run() returned, so they are closed.
  child.detach();
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  else if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = out.text();
  result.err = err.text();
  result.out_truncated = out.truncated();
  result.err_truncated = err.truncated();
  return result;
}

}  // namespace autofix::runners
