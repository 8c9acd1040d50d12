// SPDX-License-Identifier: MIT
#pragma once
// External state hooks (docs/state-hooks.md): state outside the tree (a database, an ignored data file,
// deployed configuration) saved before a fix and put back with the tree.
//
// A snapshot's hooks live in .git/autofix/state/<snapshot-id>/ as long as the snapshot is kept (retention and
// `snapshots drop` remove both; `restore ID` restores them after the tree): `.hooks.json` (the hooks as they were
// when saved, so that `recover` after a kill -9 restores with the same commands whatever the fixer did to
// autofix-gate.json), `.saved.json` (the hooks saved, once all are) and one private directory per hook,
// `{dir}` of its commands. A `file` hook copies its
// paths (byte for byte, mode kept) into `{dir}/files/` with `{dir}/saved.json` saying which existed; a
// `sqlite` hook backs its database up into `{dir}/database.sqlite`, a `postgres` hook dumps into `{dir}/database.dump`.
// Commands run from the repository root through runners/ (own process group, timeout).
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/results/state_hook.h"
#include "gate/util/error.h"

namespace autofix {

// What a hook that failed throws: the command exits 4 (docs/exit-codes.md), as for a failed file system call.
inline constexpr ErrorKind kStateHookError = ErrorKind::io;

// .git/autofix/state/<snapshot-id> for the state directory `state_dir` (.git/autofix).
std::filesystem::path state_hooks_dir(const std::filesystem::path& state_dir, const std::string& snapshot_id);

struct StateHookEvents {
  std::function<void(const std::string&)> say;                      // progress and warnings
  std::function<void(std::optional<int>)> process_group;            // a command's group as it starts; nullopt when it ended
  std::function<void(const std::string& name)> saved;               // after each completed save (journal it)
};

class StateHooks {
 public:
  // `root`: the repository root (where commands run and file paths start); `dir`: state_hooks_dir(...).
  StateHooks(std::filesystem::path root, std::filesystem::path dir, std::vector<StateHookSpec> hooks)
      : root_(std::move(root)), dir_(std::move(dir)), hooks_(std::move(hooks)) {}
  // The hooks recorded by save_all() in `dir` (for `recover`). Throws Error(kStateHookError) when
  // `.hooks.json` is missing or unreadable.
  static StateHooks load(std::filesystem::path root, std::filesystem::path dir);

  // Records the hooks, then runs each save in order, each with a fresh private directory; after each one
  // that completed, events.saved(name). A save that fails, times out or cannot start: the saves already
  // done are restored (reverse order) and Error(kStateHookError) names the hook, how it ended and the last
  // lines of its output. Nothing of the work tree is touched.
  void save_all(const StateHookEvents& events) const;
  // Restores the hooks named in `saved` in reverse order, then runs the `check` of each (same order).
  // Throws Error(kStateHookError) at the first failure, with a hint to fix the cause and run
  // `autofix-gate recover`.
  void restore(const std::vector<std::string>& saved, const StateHookEvents& events) const;
  // Removes the operation's directory (the saved state); a failure is a warning on `say`.
  void remove(const std::function<void(const std::string&)>& say) const;
  // The hooks whose save completed, in save order, as save_all() records them (`.saved.json`) once every
  // save is done: what `restore ID` restores. nullopt when `dir` holds no such record (no state was saved,
  // or a kill stopped the saves). Throws Error(kStateHookError) when the record is damaged.
  static std::optional<std::vector<std::string>> saved_in(const std::filesystem::path& dir);

  const std::vector<StateHookSpec>& hooks() const noexcept { return hooks_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  const StateHookSpec& hook_named(const std::string& name) const;

  std::filesystem::path root_;
  std::filesystem::path dir_;
  std::vector<StateHookSpec> hooks_;
};

// The built-in `file` kind, without processes (exposed for the unit tests): copies each path of `paths`
// under `root` that exists into `dir` (regular files only, byte for byte, mode kept) and records which
// did not exist; restore_files() puts the saved ones back (atomically, each by a rename) and removes
// those that did not exist at save. Throw Error(kStateHookError) naming the path.
void save_files(const std::filesystem::path& root, const std::vector<std::string>& paths, const std::filesystem::path& dir);
void restore_files(const std::filesystem::path& root, const std::filesystem::path& dir);

// The built-in `postgres` kind's commands (before "{dir}" is replaced): the save dumps the database at the
// hook's url into {dir}/database.dump (pg_dump's custom format); the restore drops the database (also
// ending its other connections: dropdb --force, PostgreSQL 13+) from the maintenance database `postgres`
// and re-creates it from the dump (pg_restore --create), so that what the fix added (a table, a column)
// is gone and what it deleted is back. Throws Error(kStateHookError) on a url that names no database.
inline constexpr const char* kPostgresDump = "database.dump";
std::vector<std::string> postgres_save_command(const StateHookSpec& hook);
std::vector<std::vector<std::string>> postgres_restore_commands(const StateHookSpec& hook);

// `argv` with every "{dir}" in an argument replaced by `dir`.
std::vector<std::string> with_dir(const std::vector<std::string>& argv, const std::filesystem::path& dir);

}  // namespace autofix
