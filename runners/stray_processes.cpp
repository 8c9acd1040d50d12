// SPDX-License-Identifier: MIT
#include "runners/stray_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "gate/util/atomic_file.h"
#include "runners/process.h"

namespace autofix::runners {

namespace {


// A file of /proc/<pid>/. Plain read(2): the process may end while it is read (ESRCH), and libstdc++'s
// filebuf throws on a failed read whatever the stream's exception mask says. nullopt on any error.
std::optional<std::string> read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return out;
    out.append(buffer, static_cast<size_t>(n));
  }
}

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
std::optional<ProcessInfo> read_stat(int pid) {
  std::optional<std::string> stat = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  size_t open = stat->find('(');
  size_t close = stat->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcessInfo p;
  p.pid = pid;
  if (std::sscanf(stat->c_str() + close + 1, " %c %d %d", &p.state, &p.ppid, &p.pgid) != 3) return std::nullopt;
  p.command = stat->substr(open + 1, close - open - 1);
  if (std::optional<std::string> cmdline = read_small_file("/proc/" + std::to_string(pid) + "/cmdline");
      cmdline && !cmdline->empty()) {
    while (!cmdline->empty() && cmdline->back() == '\0') cmdline->pop_back();
    std::replace(cmdline->begin(), cmdline->end(), '\0', ' ');
    p.command = *cmdline;
  }
  return p;
}

bool running(char state) { return state != 'Z' && state != 'X' && state != 0; }

// A process is gone once it no longer exists or is a zombie (a zombie cannot write anything).
bool gone(int pid) {
  std::optional<ProcessInfo> p = read_stat(pid);
  return !p || !running(p->state);
}

// Zombies that are this process's children (orphans a subreaper inherited, ended here or by the end of
// their process group), except a process run_process() is still waiting for: it reaps its own.
void reap_orphans() {
  std::vector<int> busy = active_process_groups();
  for (const ProcessInfo& p : list_processes())
    if (p.ppid == ::getpid() && !running(p.state) && std::find(busy.begin(), busy.end(), p.pgid) == busy.end())
      ::waitpid(p.pid, nullptr, WNOHANG);
}

}  // namespace

bool become_subreaper() noexcept { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

std::vector<ProcessInfo> list_processes() {
  std::vector<ProcessInfo> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    if (std::optional<ProcessInfo> p = read_stat(std::stoi(name))) out.push_back(std::move(*p));
  }
  return out;
}

std::vector<int> descendants_of(int root, const std::vector<ProcessInfo>& all) {
  std::map<int, int> parent;
  for (const ProcessInfo& p : all) parent[p.pid] = p.ppid;
  std::vector<int> out;
  for (const ProcessInfo& p : all) {
    if (p.pid == root) continue;
    // Walk up; a chain longer than the table is a cycle (a pid reused while we read /proc).
    int at = p.ppid;
    for (size_t steps = 0; at > 0 && steps <= all.size(); ++steps) {
      if (at == root) {
        out.push_back(p.pid);
        break;
      }
      auto it = parent.find(at);
      if (it == parent.end()) break;
      at = it->second;
    }
  }
  return out;
}

bool environment_has_marker(const std::string& environ_block, const std::string& token) {
  const std::string wanted = std::string(kOperationMarkerVariable) + "=" + token;
  size_t start = 0;
  while (start < environ_block.size()) {
    size_t end = environ_block.find('\0', start);
    if (end == std::string::npos) end = environ_block.size();
    if (environ_block.compare(start, end - start, wanted) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::vector<ProcessInfo> find_stray_processes(const StraySearch& search) {
  const int self = ::getpid();
  std::vector<ProcessInfo> all = list_processes();
  std::set<int> wanted;
  if (search.descendants)
    for (int pid : descendants_of(self, all)) wanted.insert(pid);
  if (search.marker)
    for (const ProcessInfo& p : all) {
      if (p.pid == self || wanted.count(p.pid)) continue;
      std::optional<std::string> env = read_small_file("/proc/" + std::to_string(p.pid) + "/environ");
      if (env && environment_has_marker(*env, *search.marker)) wanted.insert(p.pid);
    }
  std::vector<int> busy = active_process_groups();
  std::vector<ProcessInfo> out;
  for (const ProcessInfo& p : all)
    if (wanted.count(p.pid) && running(p.state) && std::find(busy.begin(), busy.end(), p.pgid) == busy.end())
      out.push_back(p);
  return out;
}

std::vector<ProcessInfo> end_stray_processes(const StraySearch& search, std::chrono::milliseconds grace) {
  std::vector<ProcessInfo> ended;
  std::set<int> signalled;
  auto note = [&](const std::vector<ProcessInfo>& found) {
    for (const ProcessInfo& p : found)
      if (signalled.insert(p.pid).second) ended.push_back(p);
  };
  auto wait_gone = [](const std::vector<ProcessInfo>& found, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until &&
           !std::all_of(found.begin(), found.end(), [](const ProcessInfo& p) { return gone(p.pid); }))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  std::vector<ProcessInfo> found = find_stray_processes(search);
  if (found.empty()) {
    reap_orphans();
    return ended;
  }
  note(found);
  for (const ProcessInfo& p : found) ::kill(p.pid, SIGTERM);
  wait_gone(found, grace);
  // Whatever is left, or was forked meanwhile, gets SIGKILL, until nothing is found.
  for (int round = 0; round < 50; ++round) {
    found = find_stray_processes(search);
    if (found.empty()) break;
    note(found);
    for (const ProcessInfo& p : found) ::kill(p.pid, SIGKILL);
    wait_gone(found, std::chrono::milliseconds(1000));
  }
  reap_orphans();
  return ended;
}

std::string describe_processes(const std::vector<ProcessInfo>& processes, size_t limit) {
  std::string out;
  for (size_t i = 0; i < processes.size(); ++i) {
    if (i == limit) {
      out += ", and " + std::to_string(processes.size() - limit) + " more";
      break;
    }
    std::string command = processes[i].command.size() > 80 ? processes[i].command.substr(0, 77) + "..." : processes[i].command;
    out += (i ? ", " : "") + std::string("pid ") + std::to_string(processes[i].pid) + " (" + command + ")";
  }
  return out;
}

}  // namespace autofix::runners
