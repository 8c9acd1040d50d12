// SPDX-License-Identifier: MIT
#pragma once
// Durable file writes: every state file (journal, lock, manifests, reports) is published whole or not at all.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace autofix {

// Owns one file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;

 private:
  int fd_ = -1;
};

enum class Durability {
  durable,  // fsync the file and its directory: survives power loss (journal, reports)
  cache,    // no fsync: a process crash still leaves the old or the new file, never a torn one
};

// Writes `content` to a temporary beside `path` and renames it over `path` (fsyncing both when durable).
// A crash leaves either the old file or the new one, never a torn one.
void write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode = 0644,
                           Durability durability = Durability::durable);

// Writes all of `content` to `fd`; `path` only names the file in errors.
void write_all(int fd, std::string_view content, const std::filesystem::path& path);

std::string read_file(const std::filesystem::path& path);
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

// fsyncs a directory so that a rename or unlink inside it is durable.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace autofix
