// SPDX-License-Identifier: MIT
#pragma once
// What CTest says about one test before it runs: read by runners/ctest_runner.h (discover_tests), used
// to run a test's own command (runners/case_results.h) and to tell its framework (runners/test_framework.h).
#include <optional>
#include <string>
#include <vector>

namespace autofix::runners {

// One test as `ctest --show-only=json-v1` describes it.
struct DiscoveredTest {
  std::string name;
  std::vector<std::string> command;  // empty when CTest cannot find the test's executable
  std::vector<std::string> labels;
  std::string working_directory;
  std::optional<double> timeout;  // the TIMEOUT property, in seconds
  bool will_fail = false;         // WILL_FAIL: a failing run counts as a pass
  bool disabled = false;          // DISABLED
  std::optional<int> skip_return_code;  // SKIP_RETURN_CODE
  std::string source_file;        // the CMakeLists.txt (or script) that registered it, when CTest says
  int source_line = 0;
  std::vector<std::string> environment;  // ENVIRONMENT: "NAME=value" entries CTest sets for the test
  // Properties that only CTest itself can honour (FIXTURES_REQUIRED, ENVIRONMENT_MODIFICATION,
  // RESOURCE_GROUPS, REQUIRED_FILES, PASS/FAIL_REGULAR_EXPRESSION): the gate never runs such a test's
  // command on its own, only through ctest.
  bool needs_ctest = false;
  // Every file of the backtrace that registered it, innermost first (a helper module, then the
  // CMakeLists.txt that called it, ...), each once; empty when CTest says nothing. Not stored with a baseline.
  std::vector<std::string> backtrace_files;
};

}  // namespace autofix::runners
