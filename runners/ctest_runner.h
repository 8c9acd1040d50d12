// SPDX-License-Identifier: MIT
#pragma once
// Runs a project's tests through CTest and reads back what happened, per CTest test and, for binaries
// that run many cases as one CTest test, per case. Fails closed: when CTest cannot be run, dies, or
// leaves no readable report, this throws; it never returns an empty or guessed "all passed".
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runners/discovered_test.h"
#include "runners/junit_reader.h"
#include "runners/process.h"

namespace autofix::runners {

// Both discover_tests and run_ctest leave out tests labelled exactly `autofix` (`-LE ^autofix$`): those
// are the gate's own CTest tests in a consumer's build, and running them from the gate would recurse.
inline constexpr std::string_view kGateLabelExclusion = "^autofix$";

// Runs `ctest --show-only=json-v1` (with one -L per label; CTest treats each as a regular expression
// and keeps the tests that match all of them) in build_dir. `ctest` is the program to run.
// Throws Error(usage) when build_dir has no CTestTestfile.cmake, Error(internal) when ctest fails or
// prints something that is not json-v1.
std::vector<DiscoveredTest> discover_tests(const std::filesystem::path& build_dir,
                                           const std::vector<std::string>& labels = {},
                                           const std::string& ctest = "ctest");

// What that ctest printed, unparsed (the gate stores it: gate/state/discovery_store.h); the same errors.
std::string show_only_json(const std::filesystem::path& build_dir, const std::vector<std::string>& labels = {},
                           const std::string& ctest = "ctest");
// How discover_tests names that command in its errors (and what parse_show_only_json's `source` is).
std::string show_only_description(const std::filesystem::path& build_dir, const std::string& ctest = "ctest");

// Parses json-v1 (`kind` "ctestInfo", `version.major` 1). `source` names it in error messages.
// Throws Error(internal) for anything else.
std::vector<DiscoveredTest> parse_show_only_json(std::string_view json, std::string_view source = "ctest output");

struct CTestRun {
  std::vector<TestResult> tests;  // one per CTest test, in CTest's order (disabled and not-run ones included)
  // Per-case results from the XML files test binaries wrote (GoogleTest through GTEST_OUTPUT), named
  // "<ctest test>::<case>", only for CTest tests that ran more than one case: a gtest_discover_tests
  // test, itself one case, adds nothing.
  std::vector<TestResult> cases;
  ProcessResult process;                 // ctest itself (exit code 8 when tests failed: not an error)
  std::filesystem::path junit_file;      // <output_dir>/ctest-junit.xml
  std::vector<std::string> warnings;     // XML files that could not be attributed to a CTest test, ...
  std::vector<DiscoveredTest> discovered;  // what `ctest --show-only=json-v1` said before the run
};

struct CTestOptions {
  std::filesystem::path build_dir;
  std::filesystem::path output_dir;  // ours: ctest-junit.xml, ctest.log and gtest/ are replaced on every run
  unsigned jobs = 0;                 // 0: the number of cores
  std::vector<std::string> labels;   // -L, each a regular expression (tests must match all)
  // Default time limit for each test without a TIMEOUT property (`ctest --timeout`); 0: CTest's default.
  std::chrono::milliseconds timeout{0};
  // Limit for the whole ctest run; when it is reached ctest is stopped and run_ctest throws. 0: none.
  std::chrono::milliseconds overall_timeout{0};
  // Tests whose names match any of these regular expressions (-R "a|b"; entries must not rely on
  // being grouped); empty: all tests. A very long alternation can exceed CTest's regex size limit.
  std::vector<std::string> tests_regex;
  // Exact CTest names of the tests to run (besides tests_regex; both empty: every test). They go to ctest
  // as exact patterns in the `-R` alternation while it stays short; a long one overflows CTest's regular
  // expressions ("Expression too big" past 64 KiB compiled: then no test runs at all), so a
  // longer selection goes by number (`-I 0,0,0,n,...`: each test's place in the list discovery printed
  // with the same label filters), and the run must then give exactly those tests.
  std::vector<std::string> names;
  std::function<void(int process_group)> on_started;  // ctest's process group, e.g. for the journal
  std::string ctest = "ctest";                         // the program to run
  std::vector<std::pair<std::string, std::string>> environment;  // extra variables (e.g. sanitizer options)
  // Catch2 and doctest binaries registered as one CTest test that fail, and GoogleTest binaries whose
  // XML file another run of the same binary damaged or took, are run once more by the gate itself to
  // read their cases (see case_results.h); false leaves them as one result each.
  bool read_failing_cases = true;
  // What `ctest --show-only=json-v1` says of this build directory with these labels, when the caller
  // knows it already (nothing was built or configured since): run_ctest then does not ask again.
  std::optional<std::vector<DiscoveredTest>> discovered;
};

// Runs, in options.build_dir:
//   ctest --output-junit <output_dir>/ctest-junit.xml --output-log <output_dir>/ctest.log -j N
//         --no-tests=error --test-output-size-passed 4096 --test-output-size-failed 65536
//         --test-output-truncation middle [--timeout S] [-L label]... [-R regex | -I 0,0,0,n...]
// (each --test-output-* option left out when the build tree's CTestCustom.cmake sets its own limit: what
// plain ctest honours, the gate honours too; CTestCustom's pre- and post-test commands and
// CTEST_CUSTOM_TESTS_IGNORE apply as they would to plain ctest)
// with GTEST_OUTPUT=xml:<output_dir>/gtest/ so each GoogleTest binary writes <binary>.xml there
// (GoogleTest picks <binary>_1.xml, _2.xml, ... when the name is taken). Then:
//   - CTest's JUnit gives one result per CTest test (see junit_reader.h for the mapping); the FAILED list
//     of ctest.log turns failures CTest reported as "Timeout" into TestStatus::timeout and gives crashes
//     their reason ("SEGFAULT", ...) as message.
//   - each XML under gtest/ is attributed to a CTest test through the test's command (from
//     discover_tests): its executable's file name must be the XML's name (less "_<n>"), and a
//     --gtest_filter in the command must match every case in the file. A file of one case that a test
//     selecting exactly that case (gtest_discover_tests) fits is left out: that test is the case (the
//     file only gives it defined_at; when every test runs one case, GTEST_OUTPUT is not set at all). Each CTest test gets at most one file; files
//     that fit fewer tests are handed out first, and a file that fits several tests still without one
//     (the same binary registered twice as a whole) goes to the first in CTest's order. A file nobody
//     fits is left out with a warning, as is a test whose binary wrote XML but no file fits it.
//   - a CTest test that failed, has no cases from the above, runs a Catch2 or doctest binary (see
//     test_framework.h) and has no CTest-only properties is run once more by the gate itself with that
//     framework's JUnit reporter (see case_results.h), and its cases are read from that report; when
//     that run shows no failing case (a flake, or a failure outside the cases), its cases are left out
//     with a warning and the CTest test's own result stands.
// Limits of the per-case results: a binary that is killed (timeout, crash) writes no XML, so its CTest
// test has no cases; GoogleTest chooses its file name when it starts and writes the file when it ends,
// so two runs of one binary overlapping in time can overwrite each other's file (then the surviving
// file's cases are attributed by its content, and the other run has no cases).
// Throws Error(usage) for a build directory without tests; Error(internal) when ctest cannot be run,
// is killed or times out, exits with a code other than 0 or 8, ran no test, or exits 8 while its report
// shows no failure; Error(io) when the JUnit report or the log is missing, unreadable or malformed, or a
// test binary's XML under gtest/ is malformed. Throws Interrupted when the gate was interrupted.
CTestRun run_ctest(const CTestOptions& options);

}  // namespace autofix::runners
