// SPDX-License-Identifier: MIT
#include "gate/util/paths.h"

#include <strings.h>

#include <string>

namespace autofix {

bool is_safe_relative_path(std::string_view path) noexcept {
  if (path.empty() || path.front() == '/' || path.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (part.size() == 4 && ::strncasecmp(part.data(), ".git", 4) == 0) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace autofix
