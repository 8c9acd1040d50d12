// SPDX-License-Identifier: MIT
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

void BackgroundProcess::signal_leader(int signal_number) {
  int group = process_group();
  std::lock_guard lock(mutex_);
  if (!finished_ && group > 0) ::kill(group, signal_number);
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

std::string without_lines_containing(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  std::string out;
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) == std::string::npos) out += line + "\n";
  return out;
}

void make_fileread_project(const fs::path& repo, const std::string& cmake, const std::map<std::string, std::string>& files) {
  init_repo(repo);
  write_file(repo / "CMakeLists.txt", cmake);
  for (const auto& [path, content] : files) write_file(repo / path, content);
  write_file(repo / ".gitignore", "build/\n");
  write_file(repo / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "a project whose tests read files"});
}

void commit_files(const fs::path& repo, const std::map<std::string, std::string>& files, const std::string& summary,
                  const std::string& trailer) {
  for (const auto& [path, content] : files) {
    fs::create_directories((repo / path).parent_path());
    write_file(repo / path, content);
  }
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", trailer.empty() ? summary : summary + "\n\n" + trailer});
}

std::string git_trimmed(const fs::path& repo, const std::vector<std::string>& args) {
  std::string out = git(repo, args);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace autofix::testing
