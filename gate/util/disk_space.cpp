#include "gate/util/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gate/util/byte_names.h"
#include "gate/util/error.h"

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

void throw_no_space(const std::string& what, const std::string& path, int err, std::optional<uint64_t> bytes_needed) {
  fs::path dir = fs::path(path).parent_path();
  std::optional<uint64_t> available = free_bytes(dir);
  std::string message = what + " '" + quoted_name(path) + "': " + std::strerror(err) + " (";
  if (bytes_needed) message += describe_bytes(*bytes_needed) + " to write, ";
  message += (available ? describe_bytes(*available) : std::string("unknown space")) +
             " free on the file system holding '" + quoted_name(dir.string()) + "')";
  std::string amount = "some space";
  if (bytes_needed) {
    uint64_t missing = available && *available < *bytes_needed ? *bytes_needed - *available : *bytes_needed;
    amount = "at least " + describe_bytes(missing);
  }
  throw Error(ErrorKind::io, message,
              "free " + amount + " on the file system holding '" + quoted_name(dir.string()) +
                  "' (large files a fix created there go first: a rollback deletes them anyway, after saving a copy "
                  "under refs/autofix/discarded/), then run the command again; if a rollback was interrupted, "
                  "`autofix-gate recover` finishes it and names anything it still lacks");
}

}  // namespace autofix
