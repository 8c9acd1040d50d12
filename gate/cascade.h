#pragma once
// How each regression connects to the change: through the build graph, from the regressed test's
// target to a file the fix changed (see gate/build_graph.h).
#include <optional>
#include <string>
#include <vector>

#include "gate/attempt_result.h"
#include "gate/build_graph.h"
#include "runners/ctest_runner.h"

namespace autofix {

// The CTest test a result name belongs to: the name itself when a test has it, else the longest prefix
// before a "::" that names one ("strings_test::Strings.Upper" → "strings_test"). nullptr when none does.
const runners::DiscoveredTest* ctest_test_of(const std::string& name, const std::vector<runners::DiscoveredTest>& tests);

// One entry per regression (PASS_TO_FAIL test), in the order given. `regressions` and `aimed` (the tests
// the fix was meant to repair: --require-fixed, else the tests that failed at baseline) are result names
// (see ctest_test_of); changed_files are repository-relative.
//   direct     the regression runs the same target as an aimed test (chain and changed_file filled when
//              one exists)
//   cascading  a chain leads from its target to a changed file
//   unrelated  its target is known but reaches no changed file (shared data files, environment, test order)
//   unknown    its test runs no known target (a script, a custom command), or there is no graph
// When several changed files are reachable, the shortest chain wins, ties by file name.
std::vector<CascadeEntry> trace_regressions(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                            const std::vector<std::string>& regressions,
                                            const std::vector<std::string>& aimed,
                                            const std::vector<std::string>& changed_files);

// The names of `tests`, those whose target's closure holds a changed file first, then those that map to
// no target (they may be affected), then the rest; stable within each group. In the given order when
// graph is null.
std::vector<std::string> order_tests_by_impact(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                               const std::vector<std::string>& changed_files);

}  // namespace autofix
