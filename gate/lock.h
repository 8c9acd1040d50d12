#pragma once
// One gate per repository. The lock is an flock on <git_dir>/autofix/lock, which the kernel drops when
// its holder dies however it dies, so a stale lock can never block anyone; the file also records who
// holds it (pid, start time, command) for messages. The file is never deleted (deleting a locked file
// would let two gates hold "the" lock), only emptied on release; a lock is held only once the file at
// the path is the very file locked (someone else may have deleted it between the open and the flock).
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
  RepositoryLock(RepositoryLock&&) noexcept = default;
  RepositoryLock& operator=(RepositoryLock&&) noexcept = default;
  ~RepositoryLock();

  // The current holder, or nullopt when the lock is free. Does not take the lock.
  static std::optional<LockHolder> holder(const std::filesystem::path& state_dir);

  // A fixer can delete the lock file (with the whole state directory) while the gate holds it; another
  // gate would then create a new file and lock that. This makes the lock file at the path the one held
  // again (creating the state directory and the file), and returns what it did: nullopt when the file
  // was in place, else a message. Throws Error(busy) when another gate took the new file meanwhile.
  std::optional<std::string> reassert();

 private:
  RepositoryLock(UniqueFd fd, std::filesystem::path path, std::string command)
      : fd_(std::move(fd)), path_(std::move(path)), command_(std::move(command)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
  std::string command_;
};

}  // namespace autofix
