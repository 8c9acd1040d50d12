// SPDX-License-Identifier: MIT
#include "gate/state/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <nlohmann/json.hpp>

#include "gate/util/byte_names.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace {

std::optional<LockHolder> parse_holder(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  LockHolder h;
  h.pid = j.value("pid", 0);
  h.started = j.value("started", "");
  h.command = j.value("command", "");
  return h;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string describe(const LockHolder& h) {
  std::string s = "pid " + std::to_string(h.pid);
  if (!h.started.empty()) s += ", started " + h.started;
  if (!h.command.empty()) s += ", running `" + h.command + "`";
  return s;
}

}  // namespace

namespace {

// Whether the file at `path` is the file open as `fd`.
bool same_file(int fd, const std::filesystem::path& path) {
  struct stat held, at_path;
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &at_path) == 0 && held.st_dev == at_path.st_dev &&
         held.st_ino == at_path.st_ino;
}

void record_holder(int fd, const std::filesystem::path& path, const std::string& command) {
  nlohmann::json j = {{"pid", ::getpid()},
                      {"started", format_iso8601_utc(std::chrono::system_clock::now())},
                      {"command", utf8_name(command)}};  // JSON text; only shown to people
  std::string text = j.dump() + "\n";
  if (::ftruncate(fd, 0) != 0) throw_errno("cannot write lock file", path.string(), errno);
  if (::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw_errno("cannot write lock file", path.string(), errno);
}

Error busy_error(int fd) {
  std::optional<LockHolder> h = parse_holder(read_fd(fd));
  return Error(ErrorKind::busy,
               "another autofix-gate is working on this repository (" + (h ? describe(*h) : "unknown holder") + ")",
               "wait for it to finish; `autofix-gate status` shows what it is doing");
}

}  // namespace

RepositoryLock RepositoryLock::acquire(const std::filesystem::path& state_dir, const std::string& command,
                                       std::string* takeover) {
  std::filesystem::path path = state_dir / "lock";
  for (int attempt = 0;; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) throw_errno("cannot open lock file", path.string(), errno);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) throw_errno("cannot lock", path.string(), errno);
      throw busy_error(fd.get());
    }
    // Deleted (and perhaps created again) between our open and our flock: lock the file that is there now.
    if (!same_file(fd.get(), path) && attempt < 10) continue;
    std::string previous = read_fd(fd.get());
    if (!previous.empty() && takeover) {
      std::optional<LockHolder> h = parse_holder(previous);
      *takeover = "took over the lock left by " + (h ? describe(*h) : std::string("an unknown process")) +
                  ", which is no longer running";
    }
    record_holder(fd.get(), path, command);
    return RepositoryLock(std::move(fd), std::move(path), command);
  }
}

std::optional<std::string> RepositoryLock::reassert() {
  if (!fd_ || same_file(fd_.get(), path_)) return std::nullopt;
  std::filesystem::path dir = path_.parent_path();
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) throw_errno("cannot create directory", dir.string(), errno);
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw_errno("cannot open lock file", path_.string(), errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) throw_errno("cannot lock", path_.string(), errno);
    throw busy_error(fd.get());
  }
  record_holder(fd.get(), path_, command_);
  fd_ = std::move(fd);
  return "the lock file '" + path_.string() + "' was deleted while this gate held it: created and locked again";
}

RepositoryLock::RepositoryLock(RepositoryLock&& other) noexcept
    : fd_(std::move(other.fd_)),
      path_(std::move(other.path_)),
      command_(std::move(other.command_)),
      remove_on_release_(std::exchange(other.remove_on_release_, false)) {}

RepositoryLock::~RepositoryLock() {
  if (!fd_) return;
  if (remove_on_release_) {
    // Still holding the flock: whoever opened this file meanwhile sees it replaced and tries again.
    ::unlink(path_.c_str());
    ::rmdir(path_.parent_path().c_str());  // fails, harmlessly, when anything else is in it
    return;
  }
  [[maybe_unused]] int rc = ::ftruncate(fd_.get(), 0);  // empty means "released cleanly"
}

std::optional<LockHolder> RepositoryLock::holder(const std::filesystem::path& state_dir) {
  std::filesystem::path path = state_dir / "lock";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return std::nullopt;  // nobody holds it
  std::optional<LockHolder> h = parse_holder(read_fd(fd.get()));
  return h ? h : std::optional<LockHolder>(LockHolder{});
}

}  // namespace autofix
