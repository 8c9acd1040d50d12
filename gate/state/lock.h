// SPDX-License-Identifier: MIT
#pragma once
// One gate per repository. The lock is an flock on <git_dir>/autofix/lock, which the kernel drops when
// its holder dies however it dies, so a stale lock can never block anyone; the file also records who
// holds it (pid, start time, command) for messages. On release the file is emptied; it is deleted only
// by a run that created the state directory itself and is refused before it changed anything (so that
// a refusal leaves no trace). Deleting a locked file could let two gates hold "the" lock, so acquiring
// checks, once it holds the flock, that the file it locked is still the one at the path, else tries again.
#include <filesystem>
#include <optional>
#include <string>

#include "gate/util/atomic_file.h"

namespace autofix {

struct LockHolder {
  int pid = 0;
  std::string started;  // ISO 8601 UTC
  std::string command;
};

class RepositoryLock {
 public:
  // Throws Error(busy) naming the holder when another live gate has the lock.
  // When the previous holder died without releasing it, `takeover` receives a message saying so.
  static RepositoryLock acquire(const std::filesystem::path& state_dir, const std::string& command,
                                std::string* takeover = nullptr);
  RepositoryLock(RepositoryLock&& other) noexcept;
  RepositoryLock& operator=(RepositoryLock&&) = delete;
  ~RepositoryLock();

  // The current holder, or nullopt when the lock is free. Does not take the lock.
  static std::optional<LockHolder> holder(const std::filesystem::path& state_dir);

  // A fixer can delete the lock file (with the whole state directory) while the gate holds it; another
  // gate would then create a new file and lock that. This makes the lock file at the path the one held
  // again (creating the state directory and the file), and returns what it did: nullopt when the file
  // was in place, else a message. Throws Error(busy) when another gate took the new file meanwhile.
  std::optional<std::string> reassert();
  // On release, delete the lock file and its directory (when nothing else is in it): for a run that
  // created the state directory and may be refused before it changes anything. false: keep them.
  void remove_on_release(bool remove) noexcept { remove_on_release_ = remove; }

 private:
  RepositoryLock(UniqueFd fd, std::filesystem::path path, std::string command)
      : fd_(std::move(fd)), path_(std::move(path)), command_(std::move(command)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
  std::string command_;
  bool remove_on_release_ = false;
};

}  // namespace autofix
