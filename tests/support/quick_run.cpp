// SPDX-License-Identifier: MIT
#include "tests/support/quick_run.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace autofix::testing {

runners::ProcessResult quick_run(const std::vector<std::string>& argv, const fs::path& cwd) {
  auto start = std::chrono::steady_clock::now();
  // The environment: ours, with git_environment() overriding.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : git_environment()) env[k] = v;
  // No `git maintenance run --auto` after each commit: it costs more than the commit.
  env["GIT_CONFIG_COUNT"] = "2";
  env["GIT_CONFIG_KEY_0"] = "maintenance.auto";
  env["GIT_CONFIG_VALUE_0"] = "false";
  env["GIT_CONFIG_KEY_1"] = "gc.auto";
  env["GIT_CONFIG_VALUE_1"] = "0";
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  runners::ProcessResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  else if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return result;
}

std::string quick_git(const fs::path& repo, const std::vector<std::string>& args) {
  return git_with(quick_run, repo, args);
}

void make_symlink(const std::string& target, const fs::path& link) {
  fs::create_directories(link.parent_path());
  fs::create_symlink(target, link);
}

void set_executable(const fs::path& path, bool executable) {
  fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  executable ? fs::perm_options::add : fs::perm_options::remove);
}

TreeFingerprint exact_fingerprint(const fs::path& repo) {
  TreeFingerprint f;
  f.entries = tree_entries(repo);
  f.index = quick_git(repo, {"ls-files", "-s"});
  f.status = quick_git(repo, {"--no-optional-locks", "status", "--porcelain=v2", "--untracked-files=all"});
  runners::ProcessResult sym = quick_run({"git", "symbolic-ref", "-q", "HEAD"}, repo);
  runners::ProcessResult rev = quick_run({"git", "rev-parse", "-q", "--verify", "HEAD"}, repo);
  f.head = sym.out + "|" + rev.out;
  return f;
}

TreeFingerprint with_ignored_from(TreeFingerprint expected, const std::map<std::string, std::string>& now,
                                  const std::function<bool(const std::string&)>& ignored) {
  std::erase_if(expected.entries, [&](const auto& e) { return ignored(e.first); });
  for (const auto& [path, what] : now)
    if (ignored(path)) expected.entries[path] = what;
  return expected;
}

}  // namespace autofix::testing
