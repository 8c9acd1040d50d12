// SPDX-License-Identifier: MIT
// Test helper for the kill and interrupt tests: runs one protected operation in the repository
// given as argv[1] (snapshot, then random mutations, then rollback), printing each step, so that a
// test can kill it with SIGKILL at any point and check that `autofix-gate recover` restores the tree.
//
//   gate_mutator REPO SEED MUTATIONS [SLEEP_MS [child] [type-changes]]
//
// Every step line ends with " t=<ms>", the milliseconds since the program started, so that a test can
// learn from one uninterrupted run when the rollback begins:
//   snapshot <id> t=..   mutation <n> t=..   rollback t=..   done t=..   interrupted t=..
// With "child", a process group of its own is started before the mutations and recorded in the journal
// (as a fixer's would be), so that `recover` has to end it: "child <pgid>" is printed.
// With "type-changes", some mutations also replace a file by a directory.
//
// Ignored files are never mutated (restore leaves them alone by design), nor is anything under .git.
// Exit: 0 after rolling back; 130/143 when interrupted (after rolling back); 4 on an error.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "gate/state/operation.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"

namespace fs = std::filesystem;

namespace {

const auto g_start = std::chrono::steady_clock::now();

void step(const std::string& what) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - g_start);
  std::cout << what << " t=" << ms.count() << std::endl;  // flushed: a kill right after still shows it
}

bool ignored(git_repository* repo, const std::string& rel) {
  int result = 0;
  return git_ignore_path_is_ignored(&result, repo, rel.c_str()) == 0 && result != 0;
}

// The regular files the mutations may touch: not ignored, not under .git, not symbolic links.
class FileSet {
 public:
  FileSet(const fs::path& root, git_repository* repo) : root_(root) {
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
      std::string rel = fs::relative(it->path(), root).generic_string();
      bool dir = it->is_directory() && !it->is_symlink();
      if (it->path().filename() == ".git" || ignored(repo, dir ? rel + "/" : rel)) {
        if (dir) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && !it->is_symlink()) files_.push_back(it->path());
    }
    std::sort(files_.begin(), files_.end());
  }
  bool empty() const { return files_.empty(); }
  const fs::path& pick(std::mt19937& rng) const { return files_[rng() % files_.size()]; }
  void add(const fs::path& p) { files_.push_back(p); }
  void remove(const fs::path& p) { files_.erase(std::remove(files_.begin(), files_.end(), p), files_.end()); }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
  std::vector<fs::path> files_;
};

void mutate(FileSet& files, std::mt19937& rng, int step_number, bool type_changes) {
  const fs::path& root = files.root();
  unsigned kind = rng() % 8;
  if (kind == 5 && !type_changes) kind = 0;
  switch (kind) {
    case 0:
    case 1: {  // modify or truncate a file
      if (files.empty()) break;
      std::ofstream(files.pick(rng), std::ios::trunc) << "mutated " << step_number << "\n"
                                                      << std::string(rng() % 3000, 'm');
      break;
    }
    case 2: {  // create a file in a new or existing directory
      fs::path dir = root / ("m" + std::to_string(rng() % 4));
      fs::create_directories(dir);
      fs::path p = dir / ("new" + std::to_string(step_number) + ".txt");
      std::ofstream(p) << std::string(rng() % 5000, 'x');
      files.add(p);
      break;
    }
    case 3: {  // delete a file
      if (files.empty()) break;
      fs::path p = files.pick(rng);
      fs::remove(p);
      files.remove(p);
      break;
    }
    case 4: {  // flip the executable bit
      if (files.empty()) break;
      fs::path p = files.pick(rng);
      bool exec = (fs::status(p).permissions() & fs::perms::owner_exec) != fs::perms::none;
      fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      exec ? fs::perm_options::remove : fs::perm_options::add);
      break;
    }
    case 5: {  // replace a file by a directory of the same name
      if (files.empty()) break;
      fs::path p = files.pick(rng);
      fs::remove(p);
      files.remove(p);
      fs::create_directories(p);
      std::ofstream(p / "inner.txt") << "was a file " << step_number << "\n";
      files.add(p / "inner.txt");
      break;
    }
    case 6: {  // create or retarget a symbolic link (to a file, or dangling)
      fs::path link = root / "mutator links" / ("link" + std::to_string(rng() % 16));
      fs::create_directories(link.parent_path());
      fs::remove(link);
      if (!files.empty() && rng() % 2) fs::create_symlink(fs::relative(files.pick(rng), link.parent_path()), link);
      else fs::create_symlink("dangling/" + std::to_string(step_number), link);
      break;
    }
    case 7: {  // append to a file
      if (files.empty()) break;
      std::ofstream(files.pick(rng), std::ios::app) << "appended " << step_number << "\n";
      break;
    }
  }
}

// A process group of its own that outlives this program unless someone ends it (as a fixer's would).
// It execs, like every process the gate starts, so it does not inherit the lock (O_CLOEXEC).
pid_t start_child() {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execlp("sleep", "sleep", "600", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid > 0) ::setpgid(pid, pid);
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: gate_mutator REPO SEED MUTATIONS [SLEEP_MS [child] [type-changes]]\n";
    return 2;
  }
  fs::path repo_dir = argv[1];
  std::mt19937 rng(static_cast<unsigned>(std::stoul(argv[2])));
  int mutations = std::stoi(argv[3]);
  int sleep_ms = argc > 4 ? std::stoi(argv[4]) : 0;
  bool with_child = false, type_changes = false;
  for (int i = 5; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "child") with_child = true;
    else if (flag == "type-changes") type_changes = true;
    else {
      std::cerr << "gate_mutator: unknown flag '" << flag << "'\n";
      return 2;
    }
  }
  autofix::install_interrupt_handlers();
  auto say = [](const std::string& m) { std::cerr << "gate_mutator: " << m << "\n"; };
  pid_t child = 0;
  try {
    autofix::git::Repository repo = autofix::git::Repository::open(repo_dir);
    autofix::Operation op = autofix::Operation::begin(repo, "mutate", "kill test", "gate_mutator", say);
    step("snapshot " + op.snapshot().manifest.id);
    if (with_child) {
      child = start_child();
      if (child < 0) throw std::runtime_error("fork failed");
      op.set_process_group(child);
      step("child " + std::to_string(child));
    }
    op.set_phase("mutate");
    FileSet files(repo.workdir(), repo.get());
    for (int i = 0; i < mutations; ++i) {
      autofix::throw_if_interrupted();
      mutate(files, rng, i, type_changes);
      step("mutation " + std::to_string(i));
      if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    }
    if (child > 0) {
      ::kill(-child, SIGKILL);
      ::waitpid(child, nullptr, 0);
    }
    step("rollback");
    op.roll_back();
    step("done");
    return 0;
  } catch (const autofix::Interrupted& i) {
    if (child > 0) ::kill(-child, SIGKILL);
    step("interrupted");  // the Operation's destructor has rolled back by now
    return autofix::exit_code_for_signal(i.signal_number);
  } catch (const std::exception& e) {
    if (child > 0) ::kill(-child, SIGKILL);
    std::cerr << "gate_mutator: error: " << e.what() << "\n";
    return 4;
  }
}
