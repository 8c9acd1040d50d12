#pragma once
// Shared by the attempt end-to-end tests (attempt_test.cpp, attempt_kill_test.cpp,
// attempt_processes_test.cpp, ...): a throwaway copy of a project (examples/calculator, or a fixture
// project of the tests), committed in a fresh repository under a path with spaces, with its build
// directory already built, so that each attempt only rebuilds what the fix touches.
//
// ctest runs every test in a process of its own, so the pre-built template is kept on disk beside
// the test binary ("<name> template/<key of the project's files>") and reused by every later run until
// the project changes. Under ctest, e2e.templates builds every template first (a fixture every e2e test
// requires, tests/e2e/CMakeLists.txt), so no test spends its time building or waiting for one; a test
// run on its own builds what it needs (the others wait on a file lock).
// A CMake build directory holds absolute paths (Makefiles, CMakeCache.txt, CTestTestfile.cmake,
// dependency files): a plain `cp -a` would still build the template's sources. Each copy is therefore
// relocated: every text file under build/ has the template's root replaced by the copy's root, with
// its mtime kept, so make sees exactly the same picture (Unix Makefiles, whose state is mtimes and
// text; Ninja's .ninja_log hashes the command lines and would rebuild everything). A calculator copy is
// made, when one is free, at a fixed path with the baseline of its tree already stored ("Slots", below).
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/git/repository.h"
#include "gate/snapshot/vault.h"
#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing::attempt {

inline fs::path examples_dir() { return AUTOFIX_GATE_EXAMPLES; }
inline fs::path data_dir() { return AUTOFIX_GATE_ATTEMPT_DATA; }
inline std::string example_fix(const std::string& name) { return (examples_dir() / "fixes" / name).string(); }
inline std::string example_fixer(const std::string& name) { return (examples_dir() / "fixers" / name).string(); }

constexpr const char* kFixedTest = "MathTest.MeanOfThreeValues";
constexpr int kExampleTests = 10;

namespace detail {

// FNV-1a over every path and byte of a project's sources (and the recipe text): a template's key.
inline std::string project_key(const fs::path& source, const std::string& recipe) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(recipe);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(source))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    mix(f.lexically_relative(source).generic_string());
    mix(read_file(f));
  }
  std::ostringstream s;
  s << std::hex << h;
  return s.str();
}

// The test binary's own directory (the template lives in the build tree, removed with it).
inline fs::path binary_dir() { return fs::read_symlink("/proc/self/exe").parent_path(); }

inline void must(const runners::ProcessResult& r, const std::string& what) {
  if (!r.succeeded()) throw std::runtime_error(what + " failed: " + show(r));
}

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  explicit FileLock(const fs::path& path) : fd_(open_lock_file(path)) {
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) throw std::runtime_error("cannot lock " + path.string());
  }
  // The lock when nobody holds it, else nullopt (without waiting).
  static std::optional<FileLock> try_lock(const fs::path& path) {
    FileLock lock(open_lock_file(path));
    while (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return std::nullopt;
      if (errno != EINTR) throw std::runtime_error("cannot lock " + path.string());
    }
    return lock;
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock& operator=(FileLock&&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  static int open_lock_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + path.string());
    return fd;
  }
  int fd_ = -1;
};

// How a template is made: a copy of `source` committed as "<name>" on main, configured with `generator`
// (and the File API's codemodel query, as the gate configures a build) and built.
struct TemplateRecipe {
  std::string name;        // the repository's directory name, e.g. "calculator project"
  fs::path source;
  std::string message;     // the commit message
  std::string generator = "Unix Makefiles";
};

// The template's repository under <test binary dir>/<name> template/<key>/, built by the first process
// that needs it (the others wait on a file lock) and reused until the sources change.
inline fs::path build_template(const TemplateRecipe& recipe) {
  fs::path base = binary_dir() / (recipe.name + " template");
  fs::create_directories(base);
  FileLock lock(base / "lock");
  std::string key = project_key(recipe.source, "template v3: git init -b main, commit '" + recipe.message +
                                                   "', File API query, " + recipe.generator + ", build");
  fs::path dir = base / key;
  fs::path repo = dir / recipe.name;
  if (fs::exists(dir / "complete")) return repo;
  for (const auto& e : fs::directory_iterator(base))
    if (e.is_directory()) fs::remove_all(e.path());  // stale templates, or one whose build was cut short
  auto start = std::chrono::steady_clock::now();
  fs::create_directories(dir);
  fs::copy(recipe.source, repo, fs::copy_options::recursive);
  git(repo, {"init", "-q", "-b", "main"});
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", recipe.message});
  write_file(repo / "build" / ".cmake" / "api" / "v1" / "query" / "codemodel-v2", "");
  must(run({"cmake", "-S", repo.string(), "-B", (repo / "build").string(), "-G", recipe.generator}, repo),
       "configuring the " + recipe.name + " template");
  must(run({"cmake", "--build", (repo / "build").string(), "-j", "2"}, repo, {}, std::chrono::minutes(10)),
       "building the " + recipe.name + " template");
  write_file(dir / "complete", repo.string() + "\n");
  std::cout << "[ template ] built " << repo << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms\n";
  return repo;
}

inline std::string make_escaped(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ') out += '\\';
    out += c;
  }
  return out;
}

inline void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Points a copied build directory at its new source and build paths, keeping every mtime.
inline void relocate_build_dir(const fs::path& build, const fs::path& from_root, const fs::path& to_root) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {from_root.string(), to_root.string()}, {make_escaped(from_root.string()), make_escaped(to_root.string())}};
  for (const auto& e : fs::recursive_directory_iterator(build)) {
    if (!e.is_regular_file() || e.is_symlink()) continue;
    std::string text = read_file(e.path());
    if (text.find('\0') != std::string::npos) continue;  // objects and executables: paths there are only strings
    std::string changed = text;
    for (const auto& [from, to] : pairs) replace_all(changed, from, to);
    if (changed == text) continue;
    fs::file_time_type mtime = fs::last_write_time(e.path());
    write_file(e.path(), changed);
    fs::last_write_time(e.path(), mtime);
  }
}

}  // namespace detail

inline detail::TemplateRecipe calculator_recipe() {
  return {"calculator project", examples_dir() / "calculator", "calculator with a bug in mean()"};
}

// attempt_data/shapes: one bug per kind of test binary (frameworks_test.cpp).
inline detail::TemplateRecipe shapes_recipe() {
  return {"shapes project", data_dir() / "shapes", "shapes with one bug per kind of test binary"};
}

// The calculator template's repository (built once per process; see above).
inline const fs::path& template_repo() {
  static std::once_flag once;
  static fs::path repo;
  std::call_once(once, [] { repo = detail::build_template(calculator_recipe()); });
  return repo;
}

inline const fs::path& shapes_template() {
  static std::once_flag once;
  static fs::path repo;
  std::call_once(once, [] { repo = detail::build_template(shapes_recipe()); });
  return repo;
}

// A pid is gone when kill(pid, 0) fails with ESRCH. Orphans are reaped by PID 1, which may take a
// moment, so a zombie is waited for (a running process is not: it is reported at once after `limit`).
inline bool pid_gone(int pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

inline std::string process_state(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return "gone";
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline");
  std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  return std::string("state ") + stat[close + 2] + " (" + cmdline + ")";
}

// Running processes (zombies have no working directory) whose working directory is `dir` or below:
// what a fixer, a build or a test left behind in the repository.
inline std::vector<int> processes_in(const fs::path& dir) {
  std::vector<int> out;
  const std::string root = dir.string();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      continue;
    std::error_code link_ec;
    std::string cwd = fs::read_symlink(e.path() / "cwd", link_ec).string();
    if (link_ec) continue;
    if (cwd == root || cwd.starts_with(root + "/")) out.push_back(std::stoi(name));
  }
  return out;
}

inline std::string describe_processes(const std::vector<int>& pids) {
  std::string out;
  for (int pid : pids) out += "\n  " + std::to_string(pid) + ": " + process_state(pid);
  return out.empty() ? " none" : out;
}

// Where a copy is made. A private copy: the template, copied to <temp dir with spaces>/<its name> and
// relocated there. A slot's copy: the slot's image, copied to the slot's fixed path (see "Slots" below).
struct Placement {
  fs::path source;
  std::optional<fs::path> slot_repo;     // nullopt: a private copy
  std::optional<detail::FileLock> slot;  // held for the copy's lifetime
};

// A fresh copy of a built template repository.
class ProjectCopy {
 public:
  explicit ProjectCopy(const fs::path& from) : ProjectCopy(Placement{from, std::nullopt, std::nullopt}) {}

  explicit ProjectCopy(Placement p)
      : slot_(std::move(p.slot)), repo_(p.slot_repo ? *p.slot_repo : tmp_ / p.source.filename()) {
    if (p.slot_repo) {
      clear_slot(repo_);
      fs::create_directories(repo_.parent_path());
      detail::must(run({"cp", "-a", p.source.string(), repo_.string()}, tmp_.path()), "copying " + p.source.string());
    } else {
      detail::must(run({"cp", "-a", p.source.string(), repo_.string()}, tmp_.path()), "copying the template " + p.source.string());
      detail::relocate_build_dir(repo_ / "build", p.source, repo_);
    }
    git(repo_, {"update-index", "-q", "--refresh"});  // new inodes: let the index catch up, as after a clone
    head_ = trimmed(git(repo_, {"rev-parse", "HEAD"}));
  }
  // A slot's copy goes with its test, as a private copy goes with its temporary directory.
  ~ProjectCopy() {
    if (!slot_ || std::getenv("AUTOFIX_KEEP_TEST_DIRS")) return;
    try {
      clear_slot(repo_);
    } catch (const std::exception& e) {
      std::cerr << "cannot clear the slot " << repo_ << ": " << e.what() << "\n";
    }
  }
  ProjectCopy(const ProjectCopy&) = delete;
  ProjectCopy& operator=(const ProjectCopy&) = delete;

  const fs::path& repo() const { return repo_; }
  const fs::path& tmp() const { return tmp_.path(); }
  fs::path build() const { return repo_ / "build"; }
  // The reports of the newest attempt (each attempt writes into build/autofix/<attempt id>/).
  fs::path reports() const { return build() / "autofix" / "latest"; }
  fs::path journal() const { return repo_ / ".git" / "autofix" / "journal.json"; }
  const std::string& original_head() const { return head_; }

  // `autofix-gate attempt ARGS...` in the repository (two build jobs: the machine is shared).
  runners::ProcessResult attempt(std::vector<std::string> args) const {
    args.insert(args.begin(), {"attempt", "-j", "2"});
    auto start = std::chrono::steady_clock::now();
    runners::ProcessResult r = gate(repo_, args, std::chrono::minutes(5));
    std::string line;
    for (const auto& a : args) line += " " + a;
    std::cout << "[ attempt  ]" << line << " -> " << r.describe() << " in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
              << " ms\n";
    return r;
  }

  nlohmann::json report() const {
    nlohmann::json j = nlohmann::json::parse(read_file(reports() / "report.json"), nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("report.json is not JSON: " + read_file(reports() / "report.json"));
    return j;
  }

  std::string git_out(const std::vector<std::string>& args) const { return trimmed(git(repo_, args)); }

  static std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
  }

  // What an earlier test in the slot may have left behind, after a failure: processes still running in it,
  // its repository, and the gate's private copy for that repository (kept outside it, by path).
  static void clear_slot(const fs::path& repo) {
    for (int pid : processes_in(repo)) ::kill(pid, SIGKILL);
    if (fs::exists(repo / ".git")) {
      try {
        std::optional<fs::path> vault = Vault::of(git::Repository::open(repo)).dir();
        if (vault) fs::remove_all(*vault);
      } catch (const std::exception& e) {  // a .git a test damaged: the repository goes all the same
        std::cerr << "cannot find the gate's private copy for " << repo << ": " << e.what() << "\n";
      }
    }
    fs::remove_all(repo);
  }

 private:
  std::optional<detail::FileLock> slot_;
  TempDir tmp_;
  fs::path repo_;
  std::string head_;
};

// Whether a copy of the calculator starts with the baseline of its tree stored (when a slot is free), or
// computes it in its first attempt, as a user's first attempt does (for the tests of the baseline itself,
// and of what happens while it is computed).
enum class StoredBaseline { reused_when_free, none };

inline Placement calculator_placement(StoredBaseline baseline);

// A fresh copy of the built calculator repository, under a path with spaces.
class Calculator : public ProjectCopy {
 public:
  explicit Calculator(StoredBaseline baseline = StoredBaseline::reused_when_free)
      : ProjectCopy(calculator_placement(baseline)) {}
};

// The fix as a patch: `files` (path -> content) written into the checkout, `git diff` taken, and the
// checkout put back. Returns the patch's path (outside the repository).
inline std::string make_patch(const ProjectCopy& c, const std::map<std::string, std::string>& files,
                              const std::string& name) {
  std::vector<std::string> added, modified;
  for (const auto& [path, content] : files) {
    (fs::exists(c.repo() / path) ? modified : added).push_back(path);
    write_file(c.repo() / path, content);
  }
  for (const std::string& p : added) git(c.repo(), {"add", "-N", "--", p});
  std::string patch = git(c.repo(), {"diff", "--binary"});
  for (const std::string& p : added) {
    git(c.repo(), {"reset", "-q", "--", p});
    fs::remove(c.repo() / p);
  }
  for (const std::string& p : modified) git(c.repo(), {"checkout", "-q", "--", p});
  for (const std::string& p : added)  // directories the new files needed
    for (fs::path d = fs::path(p).parent_path(); !d.empty(); d = d.parent_path())
      if (fs::is_empty(c.repo() / d)) fs::remove(c.repo() / d);
  if (!c.git_out({"status", "--porcelain"}).empty()) throw std::runtime_error("the checkout is not clean after making " + name);
  fs::path file = c.tmp() / (name + ".diff");
  write_file(file, patch);
  return file.string();
}

// `text` with the first `from` replaced by `to`; throws when `from` is not there.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("'" + from + "' not found");
  return text.replace(at, from.size(), to);
}

// The fingerprint without the (ignored) build directory, which every attempt changes by design.
inline TreeFingerprint source_fingerprint(const fs::path& repo) {
  TreeFingerprint f = exact_fingerprint(repo);
  std::erase_if(f.entries, [](const auto& e) { return e.first == "build" || e.first.starts_with("build/"); });
  return f;
}

// Lines of `text` as a list (empty lines dropped).
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// Refs under `prefix` ("refs/heads/autofix/", "refs/autofix/").
inline std::vector<std::string> refs_under(const fs::path& repo, const std::string& prefix) {
  return lines_of(git(repo, {"for-each-ref", "--format=%(refname)", prefix}));
}

// Nothing at all changed: every path (build/ and untracked ones included), index, status, HEAD; no
// snapshot, no journal, no autofix branch.
inline void expect_untouched(const fs::path& repo, const TreeFingerprint& before, const runners::ProcessResult& r) {
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(r);
  EXPECT_EQ(refs_under(repo, "refs/autofix/"), std::vector<std::string>{}) << show(r);
  EXPECT_EQ(refs_under(repo, "refs/heads/autofix/"), std::vector<std::string>{}) << show(r);
  EXPECT_FALSE(fs::exists(repo / ".git" / "autofix" / "journal.json")) << show(r);
}

inline std::vector<std::string> json_strings(const nlohmann::json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

// Pids, one per line, as a fixer or a test wrote them.
inline std::vector<int> read_pids(const fs::path& file) {
  std::vector<int> out;
  if (!fs::exists(file)) return out;
  for (const std::string& line : lines_of(read_file(file))) out.push_back(std::stoi(line));
  return out;
}

// ---- Slots: copies whose baseline is already stored ----
//
// The gate stores a baseline per tree and build directory (gate/state/baseline.h): a copy at a new path
// computes its own in its first attempt (the build, the test run and the re-runs of the failing test).
// Most tests begin with the template's tree as it is, so a calculator copy is made, when one is free, at
// one of kSlots fixed paths, from that slot's image: the template copied to the slot's path, the gate's
// own `autofix-gate baseline` run there, and the repository kept as it then was (without the snapshot and
// the report the command left). The baseline is the gate's, for that very tree and build directory. A
// test holds its slot (a file lock) while its copy exists; when every slot is held (more tests at once
// than ctest -j2 runs) or the test computes the baseline itself, it gets a private copy.
constexpr int kSlots = 2;

namespace detail {

inline fs::path slots_dir(const TemplateRecipe& recipe) { return binary_dir() / (recipe.name + " slots"); }
inline fs::path slot_repo(const TemplateRecipe& recipe, int k) {
  return slots_dir(recipe) / ("slot " + std::to_string(k)) / recipe.name;
}
// Beside the template, in its keyed directory: a new template (its sources changed) has new images.
inline fs::path slot_image(const fs::path& template_repo, int k) {
  return template_repo.parent_path() / ("slot " + std::to_string(k) + " image") / template_repo.filename();
}

// Slot k's image, made once (the caller holds the slot's lock; the template's lock is taken here).
inline fs::path prepared_slot_image(const TemplateRecipe& recipe, const fs::path& template_repo, int k) {
  const fs::path image = slot_image(template_repo, k);
  FileLock lock(template_repo.parent_path().parent_path() / "lock");
  if (fs::exists(image.parent_path() / "complete")) return image;
  fs::remove_all(image.parent_path());
  const fs::path at = slot_repo(recipe, k);
  ProjectCopy::clear_slot(at);
  fs::create_directories(at.parent_path());
  must(run({"cp", "-a", template_repo.string(), at.string()}, at.parent_path()), "copying " + template_repo.string());
  relocate_build_dir(at / "build", template_repo, at);
  git(at, {"update-index", "-q", "--refresh"});
  must(gate(at, {"baseline", "-j", "2"}, std::chrono::minutes(5)), "computing the baseline of slot " + std::to_string(k));
  // What the command leaves besides the stored baseline: the snapshot it restored the checkout from, its
  // report directory, ctest's own files. A copy shows none of them, as a copy of the template does not.
  for (const std::string& ref : refs_under(at, "refs/autofix/snapshots/"))
    must(gate(at, {"snapshots", "drop", ref.substr(std::string("refs/autofix/snapshots/").size())}),
         "dropping the baseline's snapshot in slot " + std::to_string(k));
  fs::remove_all(at / "build" / "autofix");
  fs::remove_all(at / "build" / "Testing");
  if (!refs_under(at, "refs/autofix/").empty() || !ProjectCopy::trimmed(git(at, {"status", "--porcelain"})).empty())
    throw std::runtime_error("slot " + std::to_string(k) + " is not as the template after its baseline: " +
                             git(at, {"status", "--porcelain"}) + git(at, {"for-each-ref", "refs/autofix/"}));
  fs::create_directories(image.parent_path());
  must(run({"cp", "-a", at.string(), image.string()}, image.parent_path()), "keeping the image of slot " + std::to_string(k));
  write_file(image.parent_path() / "complete", at.string() + "\n");
  return image;
}

// The first free slot's placement, its image prepared; nullopt when every slot is held.
inline std::optional<Placement> free_slot(const TemplateRecipe& recipe, const fs::path& template_repo) {
  fs::create_directories(slots_dir(recipe));
  for (int k = 0; k < kSlots; ++k) {
    std::optional<FileLock> held = FileLock::try_lock(slots_dir(recipe) / ("slot " + std::to_string(k) + ".lock"));
    if (!held) continue;
    fs::path image = prepared_slot_image(recipe, template_repo, k);
    return Placement{image, slot_repo(recipe, k), std::move(held)};
  }
  return std::nullopt;
}

}  // namespace detail

inline Placement calculator_placement(StoredBaseline baseline) {
  if (baseline == StoredBaseline::reused_when_free)
    if (std::optional<Placement> slot = detail::free_slot(calculator_recipe(), template_repo())) return std::move(*slot);
  return Placement{template_repo(), std::nullopt, std::nullopt};
}

}  // namespace autofix::testing::attempt
