// SPDX-License-Identifier: MIT
#include "gate/util/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>

namespace autofix {

namespace fs = std::filesystem;

bool is_no_space(int err) noexcept { return err == ENOSPC || err == EDQUOT; }

std::optional<uint64_t> free_bytes(const fs::path& path) {
  for (fs::path p = path; !p.empty(); p = p.parent_path()) {
    struct statvfs st;
    if (::statvfs(p.c_str(), &st) == 0) return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    if (errno != ENOENT && errno != ENOTDIR) return std::nullopt;
    if (p == p.root_path()) break;
  }
  return std::nullopt;
}

std::string describe_bytes(uint64_t bytes) {
  std::string out = std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  if (bytes < 1024) return out;
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char b[32];
  std::snprintf(b, sizeof b, " (%.1f %s)", value, kUnits[unit]);
  return out + b;
}

}  // namespace autofix
