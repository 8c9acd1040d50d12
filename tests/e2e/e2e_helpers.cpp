#include "tests/e2e/e2e_helpers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <git2.h>
#include <gtest/gtest.h>

namespace autofix::testing {

fs::path mutator_binary() { return GATE_MUTATOR_BINARY; }

std::string show(const runners::ProcessResult& r) {
  std::ostringstream s;
  s << r.describe() << " after " << r.duration.count() << " ms\n--- stdout ---\n"
    << r.out << "--- stderr ---\n"
    << r.err << "---\n";
  return s.str();
}

runners::ProcessResult check_report_formats(const fs::path& report_dir) {
  return run({"/usr/bin/python3", "-B", AUTOFIX_GATE_REPORT_CHECKER, "--schemas",
              (fs::path(AUTOFIX_GATE_TEST_DATA) / "schemas").string(), report_dir.string()},
             report_dir);
}

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
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  runners::ProcessResult r = quick_run(argv, repo);
  if (!r.succeeded()) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    throw std::runtime_error("`" + cmd + "` in " + repo.string() + " failed (" + r.describe() + "): " + r.err);
  }
  return r.out;
}

runners::ProcessResult quick_gate(const fs::path& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv{gate_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return quick_run(argv, cwd);
}

runners::ProcessResult run_and_signal(const std::vector<std::string>& argv, const fs::path& cwd,
                                      std::chrono::microseconds delay, int signal) {
  return run_and_signal(argv, cwd, [] { return true; }, delay, signal);
}

runners::ProcessResult run_and_signal(const std::vector<std::string>& argv, const fs::path& cwd,
                                      const std::function<bool()>& trigger, std::chrono::microseconds delay,
                                      int signal) {
  std::mutex mutex;
  std::condition_variable cv;
  bool finished = false;
  std::thread killer;
  runners::ProcessSpec spec;
  spec.argv = argv;
  spec.working_directory = cwd;
  spec.environment = git_environment();
  spec.timeout = std::chrono::seconds(120);
  spec.stop_on_interrupt = false;
  spec.on_started = [&](int process_group) {
    killer = std::thread([&, process_group] {
      std::unique_lock lock(mutex);
      while (!trigger())
        if (cv.wait_for(lock, std::chrono::microseconds(200), [&] { return finished; })) return;
      if (!cv.wait_for(lock, delay, [&] { return finished; })) ::kill(-process_group, signal);
    });
  };
  auto stop_killer = [&] {
    {
      std::lock_guard lock(mutex);
      finished = true;
    }
    cv.notify_all();
    if (killer.joinable()) killer.join();
  };
  runners::ProcessResult result;
  try {
    result = runners::run_process(spec);
  } catch (...) {
    stop_killer();
    throw;
  }
  stop_killer();
  return result;
}

nlohmann::json junit_readers(const fs::path& report_dir, const fs::path& workspace) {
  const fs::path script = fs::path(AUTOFIX_GATE_TEST_DATA).parent_path() / "junit" / "junit_readers.py";
  runners::ProcessResult r =
      run({"/usr/bin/python3", "-B", script.string(), "check", report_dir.string(), "--workspace", workspace.string()},
          report_dir);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("problems")) {
    ADD_FAILURE() << "junit_readers.py check " << report_dir << " did not run\n" << show(r);
    return nullptr;
  }
  EXPECT_EQ(j.at("problems"), nlohmann::json::array()) << "in " << report_dir;
  EXPECT_EQ(r.exit_code, 0) << show(r);
  return j;
}

bool journal_in_phase(const fs::path& repo, const std::string& phase) {
  std::ifstream in(repo / ".git" / "autofix" / "journal.json");
  if (!in) return false;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return !j.is_discarded() && j.is_object() && j.value("phase", "") == phase;
}

BackgroundProcess::BackgroundProcess(std::vector<std::string> argv, fs::path cwd) {
  thread_ = std::thread([this, argv = std::move(argv), cwd = std::move(cwd)] {
    runners::ProcessSpec spec;
    spec.argv = argv;
    spec.working_directory = cwd;
    spec.environment = git_environment();
    spec.timeout = std::chrono::seconds(120);
    spec.stop_on_interrupt = false;
    spec.on_started = [this](int group) {
      std::lock_guard lock(mutex_);
      process_group_ = group;
      cv_.notify_all();
    };
    runners::ProcessResult r;
    std::string error;
    try {
      r = runners::run_process(spec);
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex_);
    result_ = std::move(r);
    error_ = std::move(error);
    finished_ = true;
    cv_.notify_all();
  });
}

BackgroundProcess::~BackgroundProcess() {
  if (!thread_.joinable()) return;
  {
    std::unique_lock lock(mutex_);
    if (!finished_ && process_group_ > 0) ::kill(-process_group_, SIGKILL);
  }
  thread_.join();
}

int BackgroundProcess::process_group() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return process_group_ > 0 || finished_; });
  return process_group_;
}

void BackgroundProcess::signal(int signal_number) {
  int group = process_group();
  std::lock_guard lock(mutex_);
  if (!finished_ && group > 0) ::kill(-group, signal_number);
}

runners::ProcessResult BackgroundProcess::wait() {
  thread_.join();
  if (!error_.empty()) throw std::runtime_error("cannot run process: " + error_);
  return std::move(result_);
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::vector<std::string> mutator_argv(const fs::path& repo, unsigned seed, int mutations, int sleep_ms,
                                      bool with_child, bool type_changes) {
  std::vector<std::string> argv{mutator_binary().string(), repo.string(), std::to_string(seed),
                                std::to_string(mutations), std::to_string(sleep_ms)};
  if (with_child) argv.push_back("child");
  if (type_changes) argv.push_back("type-changes");
  return argv;
}

long step_time_ms(const std::string& out, const std::string& step) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(step, 0) != 0) continue;
    size_t t = line.rfind(" t=");
    if (t == std::string::npos) return -1;
    return std::stol(line.substr(t + 3));
  }
  return -1;
}

bool has_step(const std::string& out, const std::string& step) { return step_time_ms(out, step) >= 0; }

nlohmann::json json_of(const runners::ProcessResult& r) {
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("stdout is not JSON: " + show(r));
  return j;
}

std::string make_snapshot(const fs::path& repo, const std::string& message) {
  runners::ProcessResult r = gate(repo, {"snapshot", "-m", message});
  if (!r.succeeded()) throw std::runtime_error("snapshot failed: " + show(r));
  std::string id = r.out;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  return id;
}

std::vector<std::string> listed_snapshot_ids(const fs::path& repo) {
  runners::ProcessResult r = gate(repo, {"snapshots", "list", "--json"});
  if (!r.succeeded()) throw std::runtime_error("snapshots list failed: " + show(r));
  std::vector<std::string> ids;
  for (const auto& s : json_of(r)) ids.push_back(s.at("id").get<std::string>());
  return ids;
}

nlohmann::json status_json(const fs::path& repo) {
  runners::ProcessResult r = gate(repo, {"status", "--json"});
  if (!r.succeeded()) throw std::runtime_error("status failed: " + show(r));
  return json_of(r);
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

std::string without_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string out;
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) == std::string::npos) out += line + "\n";
  return out;
}

}  // namespace autofix::testing
