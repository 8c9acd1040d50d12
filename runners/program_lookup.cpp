// SPDX-License-Identifier: MIT
#include "runners/program_lookup.h"

#include <string>
#include <vector>

#include <boost/process/environment.hpp>
#include <boost/process/search_path.hpp>

namespace autofix::runners {

std::optional<std::filesystem::path> find_program(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  // The variable named exactly PATH (boost::this_process::path() would also take one called "path").
  const auto environment = boost::this_process::environment();
  const auto path = environment.find("PATH");
  if (path == environment.end()) return std::nullopt;
  std::vector<boost::filesystem::path> dirs;
  for (const std::string& dir : (*path).to_vector())
    if (!dir.empty()) dirs.emplace_back(dir);
  // search_path takes the first entry that is a regular file (symbolic links followed) this user may execute.
  const boost::filesystem::path found = boost::process::search_path(std::string(name), dirs);
  if (found.empty()) return std::nullopt;
  return std::filesystem::path(found.string());
}

std::optional<std::string> program_identity(std::string_view name) {
  std::optional<std::filesystem::path> found =
      name.find('/') == std::string_view::npos ? find_program(name) : std::optional(std::filesystem::path(name));
  if (!found) return std::nullopt;
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(*found, ec);
  if (ec) return std::nullopt;
  const auto size = std::filesystem::file_size(real, ec);
  if (ec) return std::nullopt;
  const auto modified = std::filesystem::last_write_time(real, ec);
  if (ec) return std::nullopt;
  return real.string() + " " + std::to_string(size) + " " + std::to_string(modified.time_since_epoch().count());
}

}  // namespace autofix::runners
