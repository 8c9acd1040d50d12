// SPDX-License-Identifier: MIT
#include "gate/git/repository.h"

#include <sys/stat.h>

#include "gate/util/error.h"

namespace autofix::git {

namespace {

std::filesystem::path strip_trailing_slash(const char* p) {
  std::string s = p;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

struct StateName {
  int state;
  const char* name;
  const char* abort_hint;
};

constexpr StateName kStates[] = {
    {GIT_REPOSITORY_STATE_MERGE, "merge", "finish it with `git commit` or abort it with `git merge --abort`"},
    {GIT_REPOSITORY_STATE_REVERT, "revert", "finish or abort it with `git revert --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_REVERT_SEQUENCE, "revert", "finish or abort it with `git revert --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_CHERRYPICK, "cherry-pick",
     "finish or abort it with `git cherry-pick --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE, "cherry-pick",
     "finish or abort it with `git cherry-pick --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_BISECT, "bisect", "end it with `git bisect reset`"},
    {GIT_REPOSITORY_STATE_REBASE, "rebase", "finish or abort it with `git rebase --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_REBASE_INTERACTIVE, "rebase",
     "finish or abort it with `git rebase --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_REBASE_MERGE, "rebase", "finish or abort it with `git rebase --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_APPLY_MAILBOX, "am", "finish or abort it with `git am --continue` / `--abort`"},
    {GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE, "am or rebase",
     "finish or abort it with `git am --abort` or `git rebase --abort`"},
};

}  // namespace

Repository Repository::open(const std::filesystem::path& dir) {
  Repository r;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(ErrorKind::usage, "no such directory: '" + dir.string() + "'", "pass -C with an existing directory");
  int rc = git_repository_open_ext(out(r.repo_), dir.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND)
    throw Error(ErrorKind::repository_state, "not a git repository (or any parent up to /): '" + dir.string() + "'",
                "run the gate inside a git work tree, or pass -C with one");
  check(rc, "cannot open repository at '" + dir.string() + "'");
  if (git_repository_is_bare(r.repo_.get()))
    throw Error(ErrorKind::repository_state, "'" + dir.string() + "' is a bare repository; the gate needs a work tree",
                "run it in a clone with a checkout");
  r.workdir_ = strip_trailing_slash(git_repository_workdir(r.repo_.get()));
  r.git_dir_ = strip_trailing_slash(git_repository_path(r.repo_.get()));
  return r;
}

std::filesystem::path Repository::state_dir() const {
  std::filesystem::path dir = git_dir_ / "autofix";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create state directory '" + dir.string() + "': " + ec.message());
  return dir;
}

std::optional<std::string> Repository::operation_in_progress() const {
  int state = git_repository_state(repo_.get());
  if (state == GIT_REPOSITORY_STATE_NONE) return std::nullopt;
  for (const auto& s : kStates)
    if (s.state == state) return std::string(s.name);
  return "unknown operation (state " + std::to_string(state) + ")";
}

void Repository::require_idle() const {
  int state = git_repository_state(repo_.get());
  if (state != GIT_REPOSITORY_STATE_NONE) {
    for (const auto& s : kStates)
      if (s.state == state)
        throw Error(ErrorKind::repository_state,
                    std::string("a ") + s.name + " is in progress in '" + workdir_.string() + "'", s.abort_hint);
    throw Error(ErrorKind::repository_state, "a git operation is in progress in '" + workdir_.string() + "'",
                "finish or abort it first");
  }
  struct stat st;
  std::filesystem::path lock = git_dir_ / "index.lock";
  if (::lstat(lock.c_str(), &st) == 0)
    throw Error(ErrorKind::repository_state, "another git process is writing the index ('" + lock.string() + "' exists)",
                "wait for it to finish; if no git process is running, remove that file");
}

std::string libgit2_version() {
  int major = 0, minor = 0, revision = 0;
  if (git_libgit2_version(&major, &minor, &revision) != 0) return "unknown";
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
}

}  // namespace autofix::git
