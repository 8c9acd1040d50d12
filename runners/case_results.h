// SPDX-License-Identifier: MIT
#pragma once
// Per-case results of a test binary the gate runs itself: the CTest test's own command, in its working
// directory with its ENVIRONMENT, plus the arguments that make a Catch2, doctest or GoogleTest binary
// write its cases to a report file (see test_framework.h). Used for binaries registered as one CTest test, whose
// cases CTest cannot see: to read which cases fail when the binary fails, and to run single cases
// again. Never used for a test with properties only CTest honours (DiscoveredTest::needs_ctest).
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runners/discovered_test.h"
#include "runners/junit_reader.h"
#include "runners/process.h"
#include "runners/test_framework.h"

namespace autofix::runners {

struct DirectCaseRun {
  std::vector<TestResult> cases;  // named "<ctest test>::<case>", ctest_test and case_name set
  ProcessResult process;
  std::string problem;  // why no cases could be read ("timed out after 300 s", "wrote no report"); empty when read
};

struct DirectCaseOptions {
  std::filesystem::path build_dir;    // the working directory when the test names none
  std::filesystem::path report_file;  // replaced by the run
  std::chrono::milliseconds timeout{0};  // the test's TIMEOUT when it has one, else this; 0: none
  std::vector<std::pair<std::string, std::string>> environment;  // set before the test's own ENVIRONMENT
  std::function<void(int process_group)> on_started;
};

// Runs `test` with `cases` selected (all when empty). Throws Interrupted when the gate was interrupted,
// Error(usage) when the program cannot be started; a binary that fails, crashes, hangs or writes a
// malformed report gives no cases and a `problem`.
DirectCaseRun run_cases_directly(const DiscoveredTest& test, TestFramework framework,
                                 const std::vector<std::string>& cases, const DirectCaseOptions& options);

// "NAME=value" entries (CTest's ENVIRONMENT property) as name/value pairs; entries without '=' are left out.
std::vector<std::pair<std::string, std::string>> environment_pairs(const std::vector<std::string>& entries);

}  // namespace autofix::runners
