// SPDX-License-Identifier: MIT
#pragma once
// Reads the targets of a configured build through the CMake File API (codemodel v2): which artifact
// each target produces, which sources it compiles and which targets it depends on.
// The query is stateless: an empty file `.cmake/api/v1/query/codemodel-v2` in the build directory makes
// every later configure write a reply under `.cmake/api/v1/reply/`.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

struct CMakeTarget {
  std::string id;    // "strings::@6890427a1f51a3e7e1df"; unique within the reply
  std::string name;  // "strings"; unique within a project
  std::string type;  // EXECUTABLE, STATIC_LIBRARY, SHARED_LIBRARY, MODULE_LIBRARY, OBJECT_LIBRARY, UTILITY, ...
  std::vector<std::string> artifacts;     // absolute, lexically normal paths of what the target builds
  std::vector<std::string> sources;       // absolute, lexically normal (CMake's relative ones resolved against its source dir)
  std::vector<std::string> dependencies;  // ids of the targets it depends on (CMake lists link dependencies transitively)
  // Where the generators put its object files, relative to the build directory, '/'-separated, with a
  // trailing '/': "<directory build path>/CMakeFiles/<name>.dir/" ("CMakeFiles/strings.dir/" at the top).
  std::string object_dir;
};

// Writes the stateless query file so the next configure (a cmake re-run) writes a codemodel reply.
// Idempotent: an existing query is left as it is. Throws Error(io) when it cannot be written.
void write_codemodel_query(const std::filesystem::path& build_dir);

// Reads the newest reply (the index-*.json with the largest name), its codemodel v2 object and the target
// file of every target of one configuration: `configuration` when given (multi-config generators), else
// the first one. Returns nullopt when there is no reply, the reply holds no codemodel v2 (or CMake
// reported an error for it), or the configuration does not exist.
// Every name and path of the reply is untrusted: a jsonFile that is not a plain file name (empty, with
// '/', '\\' or "..") is refused. Throws Error(io) naming the file for a refused, unreadable or malformed
// reply file.
std::optional<std::vector<CMakeTarget>> read_codemodel(const std::filesystem::path& build_dir,
                                                       std::string_view configuration = {});

}  // namespace autofix::runners
