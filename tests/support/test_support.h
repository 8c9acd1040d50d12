// SPDX-License-Identifier: MIT
#pragma once
// Shared by the unit and end-to-end tests: temporary directories whose paths contain spaces,
// running git and the real autofix-gate binary, and a byte-exact fingerprint of a work tree.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runners/process.h"

namespace autofix::testing {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR named "autofix gate test <random>" (spaces on purpose), removed
// on destruction unless AUTOFIX_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const noexcept { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

// Environment that makes git deterministic and independent of the machine's configuration.
std::vector<std::pair<std::string, std::string>> git_environment();

// Runs a command; never throws for a non-zero exit (the caller asserts on the result).
runners::ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd,
                           std::vector<std::pair<std::string, std::string>> env = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(300));

// Runs git in `repo` and returns its stdout; throws std::runtime_error with stderr when git fails.
std::string git(const fs::path& repo, const std::vector<std::string>& args);

// The output of `git <args>` run in `repo` by `runner` (run or quick_run); throws naming the command when
// it did not succeed.
using CommandRunner = runners::ProcessResult (*)(const std::vector<std::string>&, const fs::path&);
std::string git_with(CommandRunner runner, const fs::path& repo, const std::vector<std::string>& args);

// Path of the autofix-gate binary under test.
fs::path gate_binary();
// Runs autofix-gate with `args` in `cwd`.
runners::ProcessResult gate(const fs::path& cwd, const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(300));

// Creates a repository with a committed README, deterministic identity, on branch "main".
void init_repo(const fs::path& repo);
void write_file(const fs::path& path, const std::string& content);
std::string read_file(const fs::path& path);

// Everything a restore must bring back exactly: each path's kind, bytes, executable bit and link
// target (ignored files included, .git excluded), the index (`git ls-files -s`), the status
// (`git status --porcelain=v2`, read without refreshing the index) and HEAD.
struct TreeFingerprint {
  std::map<std::string, std::string> entries;  // path -> "file 755 <sha1>", "link <target>", "dir"
  std::string index;
  std::string status;
  std::string head;
  bool operator==(const TreeFingerprint& other) const = default;
};
TreeFingerprint fingerprint(const fs::path& repo);
// Just the entries part: every path below `repo` (.git excluded), keyed by its own name.
std::map<std::string, std::string> tree_entries(const fs::path& repo);
// A readable list of what differs, for test failure messages.
std::string describe_difference(const TreeFingerprint& expected, const TreeFingerprint& actual);

// Sets (or, with nullopt, unsets) an environment variable for its lifetime; the old value comes back after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace autofix::testing
