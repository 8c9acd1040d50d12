// SPDX-License-Identifier: MIT
#pragma once
// How each regression connects to the change: through the build graph, from the regressed test's
// target to a file the fix changed (see gate/policy/build_graph.h).
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gate/policy/bisection.h"
#include "gate/results/attempt_result.h"
#include "gate/policy/build_graph.h"
#include "runners/ctest_runner.h"

namespace autofix {

// A regression to trace: its name, the CTest test it belongs to, and what it printed.
struct RegressedTest {
  std::string name;
  std::string ctest_test;
  std::string output;
};

// One entry per regression, in the order given. `aimed` are the CTest tests of the tests the fix was
// meant to repair (--require-fixed, else those failing at baseline); changed_files are repository-relative.
//   candidates  every changed file the regression's target reaches through the build graph, each with its
//               shortest chain (target → dependency → ... → file), shortest first, then by file
//   changed_file/chain  the candidate when there is one, or the one candidate the test's own output names
//               (its path or file name, e.g. in an assertion's location); empty when the evidence does not
//               single one out: the report then names every candidate, it never picks one by name
//   kind   direct     the regression runs the same target as an aimed test
//          cascading  otherwise, when a candidate exists: broken through what the target builds from
//          unrelated  its target is known but reaches no changed file (data files, environment, order)
//          unknown    its test runs no known target (a script, a custom command), or there is no graph
std::vector<CascadeEntry> trace_regressions(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                            const std::vector<RegressedTest>& regressions,
                                            const std::vector<std::string>& aimed,
                                            const std::vector<std::string>& changed_files);

// The names of `tests`, those whose target's closure holds a changed file first, then those that map to
// no target (they may be affected), then the rest; stable within each group. In the given order when
// graph is null.
std::vector<std::string> order_tests_by_impact(const BuildGraph* graph, const std::vector<runners::DiscoveredTest>& tests,
                                               const std::vector<std::string>& changed_files);

// The suspects of a batch step that failed (gate/policy/bisection.h): for each regression of `result`,
// the fixes whose files (`fix_files`: fix index → the repository-relative paths its patch changed in
// this step) hold one of the regression's cascade candidates. nullopt unless the step was rejected
// with a successful build and regressions, and every regression has candidates that some fix changed:
// anything else (a failed build, a tier, a test no change reaches) is not narrowed.
std::optional<std::vector<SuspectGroup>> suspects_of_failure(
    const AttemptResult& result, const std::vector<std::pair<std::size_t, std::vector<std::string>>>& fix_files);

}  // namespace autofix
