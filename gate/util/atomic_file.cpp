// SPDX-License-Identifier: MIT
#include "gate/util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <random>

#include "gate/util/disk_space.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (is_no_space(errno)) throw_no_space("cannot write", path.string(), errno, content.size());
      throw_errno("cannot write", path.string(), errno);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
}

void fsync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw_errno("cannot open directory", dir.string(), errno);
  if (::fsync(fd.get()) != 0) throw_errno("cannot fsync directory", dir.string(), errno);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode,
                           Durability durability) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng() & 0xffffff);
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd) throw_errno("cannot create", tmp.string(), errno);
    try {
      write_all(fd.get(), content, tmp);
      if (durability == Durability::durable && ::fsync(fd.get()) != 0)
        throw_errno("cannot fsync", tmp.string(), errno);
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw_errno("cannot rename temporary over", path.string(), err);
  }
  if (durability == Durability::durable)
    fsync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("cannot open", path.string(), errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read", path.string(), errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  auto content = read_file_if_exists(path);
  if (!content) throw Error(ErrorKind::io, "cannot read '" + path.string() + "': file does not exist");
  return *content;
}

}  // namespace autofix
