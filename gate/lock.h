#pragma once
// One gate per repository. The lock is an flock on <git_dir>/autofix/lock, which the kernel drops when
// its holder dies however it dies, so a stale lock can never block anyone; the file also records who
// holds it (pid, start time, command) for messages. The file is never deleted (deleting a locked file
// would let two gates hold "the" lock), only emptied on release.
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

 private:
  RepositoryLock(UniqueFd fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::filesystem::path path_;
};

}  // namespace autofix
