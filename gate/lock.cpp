#include "gate/lock.h"

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

RepositoryLock RepositoryLock::acquire(const std::filesystem::path& state_dir, const std::string& command,
                                       std::string* takeover) {
  std::filesystem::path path = state_dir / "lock";
  UniqueFd fd;
  // A refused run that created the state directory removes the lock file (and the directory) on its
  // way out: a file locked after that was unlinked is not the lock any more, so try again.
  for (int attempt = 0;; ++attempt) {
    fd = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd) throw_errno("cannot open lock file", path.string(), errno);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) throw_errno("cannot lock", path.string(), errno);
      std::optional<LockHolder> h = parse_holder(read_fd(fd.get()));
      throw Error(ErrorKind::busy,
                  "another autofix-gate is working on this repository (" + (h ? describe(*h) : "unknown holder") + ")",
                  "wait for it to finish; `autofix-gate status` shows what it is doing");
    }
    struct stat locked, at_path;
    if (::fstat(fd.get(), &locked) != 0) throw_errno("cannot stat lock file", path.string(), errno);
    if (::stat(path.c_str(), &at_path) == 0 && at_path.st_ino == locked.st_ino && at_path.st_dev == locked.st_dev) break;
    if (attempt >= 10) throw Error(ErrorKind::io, "the lock file '" + path.string() + "' keeps being replaced");
  }
  std::string previous = read_fd(fd.get());
  if (!previous.empty() && takeover) {
    std::optional<LockHolder> h = parse_holder(previous);
    *takeover = "took over the lock left by " + (h ? describe(*h) : std::string("an unknown process")) +
                ", which is no longer running";
  }
  nlohmann::json j = {{"pid", ::getpid()},
                      {"started", format_iso8601_utc(std::chrono::system_clock::now())},
                      {"command", utf8_name(command)}};  // JSON text; only shown to people
  std::string text = j.dump() + "\n";
  if (::ftruncate(fd.get(), 0) != 0) throw_errno("cannot write lock file", path.string(), errno);
  if (::pwrite(fd.get(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
    throw_errno("cannot write lock file", path.string(), errno);
  return RepositoryLock(std::move(fd), std::move(path));
}

RepositoryLock::RepositoryLock(RepositoryLock&& other) noexcept
    : fd_(std::move(other.fd_)), path_(std::move(other.path_)), remove_on_release_(std::exchange(other.remove_on_release_, false)) {}

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
