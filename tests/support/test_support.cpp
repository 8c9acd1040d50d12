// SPDX-License-Identifier: MIT
#include "tests/support/test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <git2.h>

namespace autofix::testing {

namespace {

// The gate keeps a private copy of what a rollback needs under $XDG_STATE_HOME (gate/snapshot/vault.h): the tests,
// and every gate they start, use a directory of their own, never the developer's.
[[maybe_unused]] const bool kTestStateHome = [] {
  const char* base = std::getenv("TMPDIR");
  std::string dir = std::string(base && *base ? base : "/tmp") + "/autofix gate test state";
  ::setenv("XDG_STATE_HOME", dir.c_str(), 1);
  return true;
}();

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  fs::path root = (base && *base) ? base : "/tmp";
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    fs::path candidate = root / ("autofix gate test " + std::to_string(rd() % 100000000));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) {
      path_ = fs::canonical(candidate);
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory under " + root.string());
}

TempDir::~TempDir() {
  if (std::getenv("AUTOFIX_KEEP_TEST_DIRS")) return;
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::vector<std::pair<std::string, std::string>> git_environment() {
  return {{"GIT_AUTHOR_NAME", "Test"},          {"GIT_AUTHOR_EMAIL", "test@example.com"},
          {"GIT_COMMITTER_NAME", "Test"},       {"GIT_COMMITTER_EMAIL", "test@example.com"},
          {"GIT_CONFIG_NOSYSTEM", "1"},         {"GIT_CONFIG_GLOBAL", "/dev/null"},
          {"GIT_TERMINAL_PROMPT", "0"},         {"LC_ALL", "C"}};
}

runners::ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd,
                           std::vector<std::pair<std::string, std::string>> env,
                           std::chrono::milliseconds timeout) {
  runners::ProcessSpec spec;
  spec.argv = argv;
  spec.working_directory = cwd;
  spec.environment = git_environment();
  spec.environment.insert(spec.environment.end(), env.begin(), env.end());
  spec.timeout = timeout;
  spec.output_cap = 64 * 1024 * 1024;
  spec.stop_on_interrupt = false;
  return runners::run_process(spec);
}

std::string git(const fs::path& repo, const std::vector<std::string>& args) {
  return git_with([](const std::vector<std::string>& argv, const fs::path& cwd) { return run(argv, cwd); }, repo, args);
}

std::string git_with(CommandRunner runner, const fs::path& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  runners::ProcessResult r = runner(argv, repo);
  if (!r.succeeded()) {
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    throw std::runtime_error("`" + cmd + "` in " + repo.string() + " failed (" + r.describe() + "): " + r.err);
  }
  return r.out;
}

fs::path gate_binary() { return AUTOFIX_GATE_BINARY; }

runners::ProcessResult gate(const fs::path& cwd, const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{gate_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, cwd, {}, timeout);
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void init_repo(const fs::path& repo) {
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  write_file(repo / "README.md", "# test repository\n");
  git(repo, {"add", "README.md"});
  git(repo, {"commit", "-q", "-m", "initial"});
}

namespace {

std::string sha1_of(const std::string& content) {
  git_oid oid;
  git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB);
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

void collect(const fs::path& root, const fs::path& dir, std::map<std::string, std::string>& out) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    // lexically: fs::relative would follow a symbolic link and key it by its target.
    std::string rel = entry.path().lexically_relative(root).generic_string();
    if (rel == ".git") continue;
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // vanished while we looked (a build tool's temporary file)
      throw std::runtime_error("cannot stat " + entry.path().string());
    }
    if (S_ISLNK(st.st_mode)) {
      out[rel] = "link " + fs::read_symlink(entry.path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      out[rel] = "dir";
      collect(root, entry.path(), out);
    } else if (S_ISREG(st.st_mode)) {
      out[rel] = std::string("file ") + ((st.st_mode & S_IXUSR) ? "755 " : "644 ") + sha1_of(read_file(entry.path()));
    } else {
      out[rel] = "special";
    }
  }
}

}  // namespace

std::map<std::string, std::string> tree_entries(const fs::path& repo) {
  std::map<std::string, std::string> out;
  collect(repo, repo, out);
  return out;
}

TreeFingerprint fingerprint(const fs::path& repo) {
  TreeFingerprint f;
  f.entries = tree_entries(repo);
  f.index = git(repo, {"ls-files", "-s"});
  f.status = git(repo, {"--no-optional-locks", "status", "--porcelain=v2", "--untracked-files=all"});
  runners::ProcessResult sym = run({"git", "symbolic-ref", "-q", "HEAD"}, repo);
  runners::ProcessResult rev = run({"git", "rev-parse", "-q", "--verify", "HEAD"}, repo);
  f.head = sym.out + "|" + rev.out;
  return f;
}

std::string describe_difference(const TreeFingerprint& expected, const TreeFingerprint& actual) {
  std::ostringstream out;
  for (const auto& [path, what] : expected.entries) {
    auto it = actual.entries.find(path);
    if (it == actual.entries.end()) out << "  missing: " << path << " (" << what << ")\n";
    else if (it->second != what) out << "  differs: " << path << ": " << what << " -> " << it->second << "\n";
  }
  for (const auto& [path, what] : actual.entries)
    if (!expected.entries.count(path)) out << "  extra:   " << path << " (" << what << ")\n";
  if (expected.index != actual.index) out << "  index differs:\n" << expected.index << "  ---\n" << actual.index;
  if (expected.status != actual.status) out << "  status differs:\n" << expected.status << "  ---\n" << actual.status;
  if (expected.head != actual.head) out << "  HEAD differs: " << expected.head << " -> " << actual.head << "\n";
  return out.str();
}

ScopedEnv::ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
  if (const char* old = std::getenv(name)) old_ = old;
  if (value) ::setenv(name, value->c_str(), 1);
  else ::unsetenv(name);
}

ScopedEnv::~ScopedEnv() {
  if (old_) ::setenv(name_, old_->c_str(), 1);
  else ::unsetenv(name_);
}

}  // namespace autofix::testing
