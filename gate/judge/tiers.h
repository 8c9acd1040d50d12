// SPDX-License-Identifier: MIT
#pragma once
// One function per tier kind, each turning the change into a TierResult: ctest (from the shared test
// run), clang-tidy and cppcheck (new findings against the tree without the change), sanitizers (a
// second build with ASan and UBSan, new reports against the baseline's), secrets (the added lines),
// and command (any command; its JUnit file is merged in).
#include <vector>

#include "gate/judge/test_runs.h"
#include "gate/judge/tier_context.h"

namespace autofix {

// Runs one tier. Problems running it (an analyzer that crashes, a sanitizer build that fails to
// configure) become TierStatus::error with the reason; only an interrupt escapes.
TierResult run_tier(const TierConfig& tier, const TierContext& ctx, const AttemptResult& so_far,
                    const std::vector<runners::DiscoveredTest>& discovered);

// The sanitizer build directory of a build: <build>/autofix-sanitizers.
std::filesystem::path sanitizer_build_dir(const Layout& l);

// Builds the tree as it is with sanitizers and runs the tests the tier selects; returns the records and
// every report as "test|signature". Throws Error(internal) when the sanitizer build fails.
struct SanitizerRun {
  bool built = false;
  std::string failure;
  std::vector<TestRecord> records;
  std::vector<std::string> signatures;
  std::vector<Finding> findings;  // one per report, with its first frames as detail
};
SanitizerRun run_sanitizer_suite(Toolchain& toolchain, const TierConfig& tier, const Layout& l, const RunSettings& s,
                                 const std::string& output_name);

// The tests a ctest tier selects: every test when it has no labels, else those with one of its labels.
bool tier_selects(const TierConfig& tier, const std::vector<std::string>& labels);

}  // namespace autofix
