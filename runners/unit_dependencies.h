// SPDX-License-Identifier: MIT
#pragma once
// The files each translation unit of the compile database was compiled from, as the build recorded them:
// the dependency information of its objects (runners/build_deps.h: `ninja -t deps`, or the compilers'
// depfiles for Makefile generators, found through the CMake File API). GCC and Clang name the source file
// first in what they record; that is how an object is matched to its translation unit.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runners/build_deps.h"
#include "runners/compile_database.h"

namespace autofix::runners {

// Translation unit (relative to source_dir) -> the files it was compiled from (absolute, lexically
// normal, sorted, each once; itself among them). A unit compiled by several objects (two targets) gets
// the files of all of them. A unit no object records is absent: what it includes is not known.
using UnitDependencies = std::map<std::string, std::vector<std::string>>;

// Matches the objects of `deps` to the translation units of `database` by the first file each object
// records.
UnitDependencies match_unit_dependencies(const std::vector<CompileEntry>& database, const ObjectDeps& deps,
                                         const std::filesystem::path& source_dir);

// Reads the compile database, the File API's object directories (for depfiles) and the build's dependency
// information, and matches them. Empty when the build recorded none (another generator, a compiler that
// writes no depfiles). Throws what read_compile_database and read_build_deps throw.
UnitDependencies read_unit_dependencies(const std::filesystem::path& build_dir, const std::filesystem::path& source_dir);

}  // namespace autofix::runners
