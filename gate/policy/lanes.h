// SPDX-License-Identifier: MIT
#pragma once
// Which lane a change runs in (docs/configuration.md, "Lanes"): docs builds nothing, standard builds and runs
// the tiers listed for it, heavy reconfigures the build and runs every tier.
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/policy/config.h"

namespace autofix {

// A build-configuration file, by its name at any depth, ignoring ASCII case: CMakeLists.txt, *.cmake,
// CMakePresets.json, CMakeUserPresets.json, vcpkg.json, conanfile.*.
bool is_build_configuration(std::string_view path);

// Documentation that no build or test reads: *.md, *.rst, *.adoc, *.txt, LICENSE*, AUTHORS*, CHANGELOG*
// (file names at any depth, ignoring ASCII case), or anything below the root's docs/ or doc/ - but never a
// build-configuration file, a C or C++ source or header (by extension, e.g. docs/example.cpp or
// LICENSE_check.cpp), or a file under the default test_paths (tests/data/expected.txt is test input).
bool is_documentation(std::string_view path);

// heavy when a build-configuration file changed, docs when every changed file is documentation, standard
// otherwise (an empty list included). The reason names the file that decided:
//   "CMakeLists.txt changed: build configuration, so the heavy lane reconfigures and runs every tier"
//   "cmake/a.cmake (and 2 more) changed: build configuration, so ..."
//   "docs only: README.md, docs/x.md" (at most five names, then "and N more")
//   "src/a.cpp changed: not documentation, so the standard lane builds and runs its tiers"
//   "no file changed"
LaneChoice choose_lane(const std::vector<std::string>& changed_paths);

// heavy runs every tier; docs and standard run the tiers that list them.
bool tier_runs_in_lane(const TierConfig& tier, Lane lane);

}  // namespace autofix
