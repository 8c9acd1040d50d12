// SPDX-License-Identifier: MIT
#pragma once
// The headers each object file was compiled from, as the build recorded them: Ninja's deps log
// (`ninja -t deps`) or, for Makefile generators, the compilers' depfiles next to the objects.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

// Object path (relative to the build directory, '/'-separated) -> its dependencies (absolute, lexically
// normal; relative ones resolved against the build directory), in the order the build recorded them.
using ObjectDeps = std::map<std::string, std::vector<std::string>>;

// Runs `ninja -C <build_dir> -t deps` (with the ninja of the build's CMAKE_MAKE_PROGRAM when it names one,
// else `ninja` from PATH) and parses its output. Empty (no process started) when build_dir has no
// build.ninja. Throws Error(usage) when ninja cannot be started, Error(internal) when it fails or its
// output does not parse, Error(io) when its output is larger than the limit (256 MiB).
ObjectDeps read_ninja_deps(const std::filesystem::path& build_dir);

// Parses `ninja -t deps` output: "obj: #deps N, deps mtime T (VALID|STALE)" and N lines of four-space
// indented paths, entries separated by blank lines. `source` names the text in error messages.
// Throws Error(internal) when the text is not in that format.
ObjectDeps parse_ninja_deps(std::string_view text, const std::filesystem::path& build_dir,
                            std::string_view source = "ninja -t deps");

// Makefile generators: reads every depfile (`*.o.d`, `*.obj.d`) under each of `object_dirs` (relative to
// build_dir, e.g. "CMakeFiles/strings.dir/", as CMakeTarget::object_dir gives them). The key is the
// depfile's path less ".d"; relative dependencies are resolved against the directory the compiler ran
// in (the one holding CMakeFiles/). A missing directory is skipped; an unreadable depfile throws Error(io).
ObjectDeps read_makefile_deps(const std::filesystem::path& build_dir, const std::vector<std::string>& object_dirs);

// Parses one make-syntax depfile ("target: dep dep \<newline> dep", '\ ' and '$$' escapes) into the
// prerequisites of its first rule, resolved against `base_dir`.
std::vector<std::string> parse_depfile(std::string_view text, const std::filesystem::path& base_dir);

// Whichever the build directory holds: build.ninja → read_ninja_deps, else read_makefile_deps.
ObjectDeps read_build_deps(const std::filesystem::path& build_dir, const std::vector<std::string>& object_dirs);

}  // namespace autofix::runners
