// SPDX-License-Identifier: MIT
#pragma once
// Test listings stored across runs, so that an attempt does not ask ctest and every GoogleTest binary
// again for what they said before (docs/attempt.md, "Stored test listings"). Under
// <git_dir>/autofix/discovery/, one file per listing, named by its key (the hash of what decides it:
// runners/discovery_key.h):
//   ctest-<key>.json   what `ctest --show-only=json-v1` printed, verbatim (read back through the same parser);
//   gtest-<key>.json   where the cases of one GoogleTest binary are defined (its `--gtest_list_tests`).
// Why .git/autofix and not the build directory: the build directory is the project's (the gate writes
// nothing there that CMake does not), it may lie inside the work tree that snapshots and restores
// cover, and the gate's other stores (baselines, analyses, tool versions) live here with their retention.
// A listing is only an input to the next run's choice: each file holds the full key text besides its
// hash, and a file whose format, kind, key or content is not exactly right is ignored (the listing is
// made again and the file replaced), never taken as another listing. Files are published whole (a
// temporary renamed over them, no fsync: after a power cut one may read as damaged, never as another's).
// Retention: at most kMaxStoredListings files, the least recently used go first.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix {

inline constexpr std::size_t kMaxStoredListings = 512;
inline constexpr std::size_t kMaxStoredListingBytes = 64u * 1024 * 1024;

class DiscoveryStore {
 public:
  // `max_files`: retention (tests use less).
  explicit DiscoveryStore(const std::filesystem::path& state_dir, std::size_t max_files = kMaxStoredListings)
      : dir_(state_dir / "discovery"), max_files_(max_files) {}

  // `hash` is the key text's hash (40 hex digits), `key` the text itself.
  // What ctest printed under that key; nullopt when none is stored or the file cannot be used.
  std::optional<std::string> ctest_listing(const std::string& hash, const std::string& key) const;
  // Stores it (not when larger than kMaxStoredListingBytes). Throws Error(io) when it cannot be written.
  void store_ctest_listing(const std::string& hash, const std::string& key, const std::string& output) const;

  // A GoogleTest binary's cases ("Suite.Case" -> where defined) under that key.
  std::optional<std::map<std::string, SourceLocation>> gtest_listing(const std::string& hash, const std::string& key) const;
  void store_gtest_listing(const std::string& hash, const std::string& key,
                           const std::map<std::string, SourceLocation>& cases) const;

  std::filesystem::path ctest_path(const std::string& hash) const { return dir_ / ("ctest-" + hash + ".json"); }
  std::filesystem::path gtest_path(const std::string& hash) const { return dir_ / ("gtest-" + hash + ".json"); }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  void publish(const std::filesystem::path& path, const std::string& text) const;

  std::filesystem::path dir_;
  std::size_t max_files_;
};

}  // namespace autofix
