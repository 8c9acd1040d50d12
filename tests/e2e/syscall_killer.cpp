// SPDX-License-Identifier: MIT
// Test and benchmark helper: runs a command under ptrace, counts its system calls and, when asked, kills it
// with SIGKILL on entering the N-th one (before that call runs). The kill sweep (bench/kill_sweep.py) and
// tests/e2e/syscall_kill_test.cpp use it to kill `autofix-gate attempt` at chosen system calls.
//
//   syscall_killer [--children] [--mutating] [--kill-at N] [--kill-group] [--report FILE] [--trace FILE]
//                  -- COMMAND ARGS...
//
// Counted: every syscall entry of COMMAND after its exec, on all its threads; with --children also those of
// every process it starts (and theirs). Killed: COMMAND's own process (all its threads), not its children,
// which go on untraced, as after a `kill -9 PID` of the gate alone; with --kill-group, COMMAND's whole process
// group (`kill -9 -PGID`, what a terminal or CI runner does), which holds what COMMAND did not move to a
// group of its own. COMMAND runs in a process group of its own.
//
// With --mutating only the calls that can change a file or start a process are counted (renames, unlinks,
// writes, opens for writing, fsyncs, mkdirs, chmods, clones, ...; see is_mutating()): the file system after
// a kill at any other call is the same as after a kill at the next counted one, and their sequence is the
// same from run to run (the calls the gate makes while it waits for its children's output are not).
//
// strace's `-e inject=all:signal=KILL:when=N` cannot do this: it counts invocations per syscall and per
// thread, not the N-th system call of the process.
//
// --report FILE gets one JSON object: {"counted": N, "killed": bool, "kill": {"n", "tid", "pid", "comm",
// "nr", "name", "args", "path"}, "exit_code" | "signal"}. --trace FILE gets a line per counted call:
// "n <tab> tid <tab> name <tab> path-argument" (for counting runs; it slows the command down a little).
// Exit status: COMMAND's (128 + signal when it died of one); 125 when the helper itself failed.
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::cerr << "syscall_killer: " << what << ": " << std::strerror(errno) << "\n";
  std::exit(125);
}

// Syscall names from the kernel's header (linux-libc-dev), for messages; "syscall_<nr>" when absent.
std::map<long, std::string> syscall_names() {
  std::map<long, std::string> names;
  for (const char* header : {"/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "/usr/include/asm/unistd_64.h",
                             "/usr/include/asm-generic/unistd.h"}) {
    std::ifstream in(header);
    if (!in) continue;
    static const std::regex define(R"(^#define __NR_(\w+)\s+(\d+)\s*$)");
    std::smatch m;
    for (std::string line; std::getline(in, line);)
      if (std::regex_match(line, m, define)) names.emplace(std::stol(m[2]), m[1]);
    if (!names.empty()) break;
  }
  return names;
}

std::string name_of(const std::map<long, std::string>& names, long nr) {
  auto it = names.find(nr);
  return it != names.end() ? it->second : "syscall_" + std::to_string(nr);
}

// Which argument of a syscall is a path (the second one for the *at calls), or -1.
int path_argument(long nr) {
  switch (nr) {
#ifdef SYS_open
    case SYS_open:
    case SYS_creat:
    case SYS_stat:
    case SYS_lstat:
    case SYS_access:
    case SYS_unlink:
    case SYS_rmdir:
    case SYS_mkdir:
    case SYS_rename:
    case SYS_link:
    case SYS_symlink:
    case SYS_readlink:
    case SYS_chmod:
    case SYS_chown:
    case SYS_lchown:
#endif
    case SYS_execve:
    case SYS_chdir:
    case SYS_truncate:
    case SYS_statfs:
      return 0;
    case SYS_openat:
    case SYS_newfstatat:
    case SYS_faccessat:
    case SYS_faccessat2:
    case SYS_unlinkat:
    case SYS_mkdirat:
    case SYS_renameat:
    case SYS_renameat2:
    case SYS_readlinkat:
    case SYS_fchmodat:
    case SYS_fchownat:
    case SYS_utimensat:
    case SYS_statx:
    case SYS_execveat:
    case SYS_linkat:
    case SYS_openat2:
      return 1;
    default:
      return -1;
  }
}

// The calls after which the file system (or the set of processes) can differ: a kill anywhere between two
// of them leaves what a kill at the second one leaves. kill() is left out: the gate probes process groups
// with kill(-pgid, 0) on a timer, a varying number of times.
bool is_mutating(long nr, const uint64_t* args) {
  constexpr uint64_t kWriting = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC;
  switch (nr) {
#ifdef SYS_open
    case SYS_open:
      return (args[1] & kWriting) != 0;
    case SYS_creat:
    case SYS_unlink:
    case SYS_rmdir:
    case SYS_mkdir:
    case SYS_rename:
    case SYS_link:
    case SYS_symlink:
    case SYS_chmod:
    case SYS_chown:
    case SYS_lchown:
    case SYS_fork:
    case SYS_vfork:
#endif
    case SYS_openat2:
    case SYS_unlinkat:
    case SYS_mkdirat:
    case SYS_renameat:
    case SYS_renameat2:
    case SYS_linkat:
    case SYS_symlinkat:
    case SYS_fchmod:
    case SYS_fchmodat:
    case SYS_fchown:
    case SYS_fchownat:
    case SYS_truncate:
    case SYS_ftruncate:
    case SYS_fallocate:
    case SYS_utimensat:
    case SYS_write:
    case SYS_writev:
    case SYS_pwrite64:
    case SYS_pwritev:
    case SYS_sendfile:
    case SYS_copy_file_range:
    case SYS_fsync:
    case SYS_fdatasync:
    case SYS_sync_file_range:
    case SYS_flock:
    case SYS_clone:
    case SYS_clone3:
    case SYS_execve:
    case SYS_setpgid:
    case SYS_setsid:
      return true;
    case SYS_openat:
      return (args[2] & kWriting) != 0;
    default:
      return false;
  }
}

// A NUL-terminated string from the tracee's memory (at most 4 KiB).
std::string read_string(pid_t tid, uint64_t address) {
  if (address == 0) return {};
  std::string out;
  char buffer[256];
  while (out.size() < 4096) {
    iovec local{buffer, sizeof buffer};
    iovec remote{reinterpret_cast<void*>(address + out.size()), sizeof buffer};
    ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
    if (n <= 0) break;
    const char* end = static_cast<const char*>(std::memchr(buffer, '\0', static_cast<size_t>(n)));
    if (end) return out + std::string(buffer, static_cast<size_t>(end - buffer));
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

std::string comm_of(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

pid_t tgid_of(pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::stol(line.substr(5)));
  return tid;
}

std::string json_string(const std::string& s) {
  std::ostringstream out;
  out << '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out << '\\' << c;
    else if (c < 0x20 || c >= 0x7f) out << "\\u" << std::hex << std::setw(4) << std::setfill('0') << int(c) << std::dec;
    else out << c;
  }
  out << '"';
  return out.str();
}

struct Options {
  bool children = false;
  bool kill_group = false;
  bool mutating = false;
  long kill_at = 0;  // 0: count only
  std::string report;
  std::string trace;
  std::vector<char*> command;
};

Options parse(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--children") o.children = true;
    else if (a == "--kill-group") o.kill_group = true;
    else if (a == "--mutating") o.mutating = true;
    else if (a == "--kill-at" && i + 1 < argc) o.kill_at = std::stol(argv[++i]);
    else if (a == "--report" && i + 1 < argc) o.report = argv[++i];
    else if (a == "--trace" && i + 1 < argc) o.trace = argv[++i];
    else {
      std::cerr << "usage: syscall_killer [--children] [--mutating] [--kill-at N] [--kill-group] [--report FILE] "
                   "[--trace FILE] -- COMMAND...\n";
      std::exit(125);
    }
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  if (o.command.empty()) {
    std::cerr << "syscall_killer: no command\n";
    std::exit(125);
  }
  o.command.push_back(nullptr);
  return o;
}

class Tracer {
 public:
  explicit Tracer(Options options) : o_(std::move(options)), names_(syscall_names()) {
    if (!o_.trace.empty()) {
      trace_ = std::fopen(o_.trace.c_str(), "w");
      if (!trace_) fail("cannot write " + o_.trace);
    }
  }

  int run() {
    start();
    while (!tracees_.empty() || !leader_done_) {
      int status = 0;
      pid_t tid = waitpid(-1, &status, __WALL);
      if (tid < 0) {
        if (errno == EINTR) continue;
        if (errno == ECHILD) break;
        fail("waitpid");
      }
      handle(tid, status);
      if (leader_done_) break;  // killed, or ended: what it started goes on untraced
    }
    detach_all();
    write_report();
    if (trace_) std::fclose(trace_);
    return leader_signal_ ? 128 + leader_signal_ : leader_exit_;
  }

 private:
  // The command stops itself before its exec, so that it can be seized (PTRACE_INTERRUPT needs a seized
  // tracee), and runs in a process group of its own, as from a shell.
  void start() {
    leader_ = fork();
    if (leader_ < 0) fail("fork");
    if (leader_ == 0) {
      setpgid(0, 0);
      raise(SIGSTOP);
      execvp(o_.command[0], o_.command.data());
      std::cerr << "syscall_killer: cannot run " << o_.command[0] << ": " << std::strerror(errno) << "\n";
      _exit(127);
    }
    int status = 0;
    if (waitpid(leader_, &status, WUNTRACED) != leader_ || !WIFSTOPPED(status)) fail("the command did not stop");
    long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
    if (o_.children) options |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;
    if (ptrace(PTRACE_SEIZE, leader_, nullptr, reinterpret_cast<void*>(options)) != 0) fail("PTRACE_SEIZE");
    tracees_.insert(leader_);
    kill(leader_, SIGCONT);
  }

  void resume(pid_t tid, int signal = 0) {
    if (ptrace(PTRACE_SYSCALL, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(signal))) != 0 && errno != ESRCH)
      fail("PTRACE_SYSCALL");
  }

  void handle(pid_t tid, int status) {
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      tracees_.erase(tid);
      if (tid == leader_) {
        leader_done_ = true;
        if (WIFEXITED(status)) leader_exit_ = WEXITSTATUS(status);
        else leader_signal_ = WTERMSIG(status);
      }
      return;
    }
    if (!WIFSTOPPED(status)) return;
    tracees_.insert(tid);  // auto-attached threads and children may report before their creation event
    const int event = status >> 16;
    const int signal = WSTOPSIG(status);
    if (killed_) {  // only the gate's exit is awaited now; the others stay stopped until detached
      stopped_[tid] = (event == 0 && signal != (SIGTRAP | 0x80)) ? signal : 0;
      return;
    }
    if (signal == (SIGTRAP | 0x80)) {
      on_syscall_stop(tid);
      if (killed_) stopped_[tid] = 0;  // the call that triggered the kill (its caller may be a child)
      else resume(tid);
      return;
    }
    if (event == PTRACE_EVENT_EXEC && tid == leader_) counting_ = true;
    if (event != 0) {
      resume(tid);  // clone/fork/exec events, new tracees' first stop, group stops
      return;
    }
    resume(tid, signal);  // a signal on its way to the tracee: deliver it
  }

  void on_syscall_stop(pid_t tid) {
    __ptrace_syscall_info info{};
    if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, reinterpret_cast<void*>(sizeof info), &info) <= 0) {
      if (errno == ESRCH) return;
      fail("PTRACE_GET_SYSCALL_INFO");
    }
    if (info.op != PTRACE_SYSCALL_INFO_ENTRY || !counting_) return;
    // Without --children only the command's threads are traced (no fork events asked for).
    const long nr = static_cast<long>(info.entry.nr);
    if (o_.mutating && !is_mutating(nr, info.entry.args)) return;
    ++counted_;
    if (trace_) {
      int arg = path_argument(nr);
      std::string path = arg >= 0 ? read_string(tid, info.entry.args[arg]) : "";
      std::fprintf(trace_, "%ld\t%d\t%s\t%s\n", counted_, tid, name_of(names_, nr).c_str(), path.c_str());
    }
    if (counted_ != o_.kill_at) return;
    std::ostringstream kill;
    int arg = path_argument(nr);
    kill << "{\"n\": " << counted_ << ", \"tid\": " << tid << ", \"pid\": " << tgid_of(tid)
         << ", \"comm\": " << json_string(comm_of(tid)) << ", \"nr\": " << nr
         << ", \"name\": " << json_string(name_of(names_, nr)) << ", \"args\": [";
    for (int i = 0; i < 6; ++i) kill << (i ? ", " : "") << info.entry.args[i];
    kill << "], \"path\": " << json_string(arg >= 0 ? read_string(tid, info.entry.args[arg]) : "") << "}";
    kill_ = kill.str();
    killed_ = true;
    ::kill(o_.kill_group ? -leader_ : leader_, SIGKILL);  // all threads; the call `tid` stopped at never runs
  }

  // After the gate's end: every other tracee (its children, with --children) goes on untraced. Those
  // stopped since the kill are detached at once; the others are interrupted first (a seized tracee can
  // only be detached while stopped).
  void detach_all() {
    std::set<pid_t> left, detached;
    for (const auto& [tid, deliver] : stopped_) {
      ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
      detached.insert(tid);
    }
    for (pid_t t : tracees_)
      if (!detached.count(t) && ptrace(PTRACE_INTERRUPT, t, nullptr, nullptr) == 0) left.insert(t);
    while (!left.empty()) {
      int status = 0;
      pid_t tid = waitpid(-1, &status, __WALL);
      if (tid < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (WIFEXITED(status) || WIFSIGNALED(status)) {
        left.erase(tid);
        continue;
      }
      if (!WIFSTOPPED(status)) continue;
      const int event = status >> 16;
      const int signal = WSTOPSIG(status);
      // A signal-delivery stop hands its signal on; every other stop (syscall, event, interrupt) none.
      int deliver = (event == 0 && signal != (SIGTRAP | 0x80)) ? signal : 0;
      if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
        unsigned long child = 0;
        if (ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child) == 0 && !detached.count(static_cast<pid_t>(child)))
          left.insert(static_cast<pid_t>(child));
      }
      ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
      detached.insert(tid);
      left.erase(tid);
    }
  }

  void write_report() {
    if (o_.report.empty()) return;
    std::ofstream out(o_.report);
    out << "{\"counted\": " << counted_ << ", \"killed\": " << (killed_ ? "true" : "false");
    if (killed_) out << ", \"kill\": " << kill_;
    if (leader_signal_) out << ", \"signal\": " << leader_signal_;
    else out << ", \"exit_code\": " << leader_exit_;
    out << "}\n";
    if (!out) fail("cannot write " + o_.report);
  }

  Options o_;
  std::map<long, std::string> names_;
  std::FILE* trace_ = nullptr;
  pid_t leader_ = 0;
  std::set<pid_t> tracees_;
  std::map<pid_t, int> stopped_;  // since the kill: tracee -> the signal its stop holds (0: none)
  bool counting_ = false;
  long counted_ = 0;
  bool killed_ = false;
  std::string kill_;
  bool leader_done_ = false;
  int leader_exit_ = 0;
  int leader_signal_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  return Tracer(parse(argc, argv)).run();
}
