// SPDX-License-Identifier: MIT
#include "gate/util/io_errors.h"

#include <cstring>
#include <filesystem>

#include "gate/util/byte_names.h"
#include "gate/util/disk_space.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

Error io_error_from(const fs::filesystem_error& e) {
  std::string what = e.what();
  constexpr std::string_view kPrefix = "filesystem error: ";
  if (what.starts_with(kPrefix)) what.erase(0, kPrefix.size());
  // libstdc++ appends " [path1] [path2]": named once below, quoted as everywhere else.
  if (!e.path1().empty())
    if (size_t at = what.find(" [" + e.path1().string() + "]"); at != std::string::npos) what.erase(at);
  std::string where;
  for (const fs::path& p : {e.path1(), e.path2()})
    if (!p.empty()) where += (where.empty() ? "'" : ", '") + quoted_name(p.string()) + "'";
  return Error(ErrorKind::io, what + (where.empty() ? "" : " (" + where + ")"),
               "check that the path is writable and its file system has space, then run the command again");
}

void throw_errno(const std::string& what, const std::string& path, int err) {
  if (is_no_space(err)) throw_no_space(what, path, err, std::nullopt);
  throw Error(ErrorKind::io, what + " '" + quoted_name(path) + "': " + std::strerror(err));
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
