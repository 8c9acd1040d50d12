// SPDX-License-Identifier: MIT
#pragma once
// Test results read from XML: CTest's own --output-junit report, and the JUnit-family reports that
// test binaries write (GoogleTest's --gtest_output=xml, Catch2's and doctest's junit reporters).
// Pure parsers: no files, no processes. Every input is untrusted (test output can hold anything):
// sizes are capped, text is made valid UTF-8, and XML that cannot be read throws rather than
// yielding fewer (or "passed") results.
//
// What CTest 3.25 writes (tests/data/junit/ctest_junit.xml, from a real run) and how it maps:
//   status="run"                                      -> passed
//   status="fail", <failure message="..."/>           -> failed (timeouts and crashes look the same:
//                                                        message="" for both; see parse_ctest_log_failures)
//   status="notrun", <skipped message="SKIP_RETURN_CODE=N"/> or
//                    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/> -> skipped
//   status="notrun", any other message ("Unable to find executable", "Required Files Missing",
//                    "Fixture dependency failed", ...) -> not_run (CTest counts these as failures)
//   status="disabled" (DISABLED property)             -> skipped
// A <failure>/<error> element makes a test failed, and a <skipped> one keeps it from passing, whatever
// its status claims; an unknown status is a failure. A failure message "Timeout" (which 3.25 never
// writes) is a timeout.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"

namespace autofix::runners {

enum class TestStatus { passed, failed, timeout, not_run, skipped };
// "passed", "failed", "timeout", "not_run", "skipped".
const char* to_string(TestStatus status) noexcept;

struct TestResult {
  std::string name;  // CTest test name, or "<ctest test>::<case>" for a case read from a binary's XML
  TestStatus status = TestStatus::failed;
  double duration_s = 0;
  std::string message;         // short reason: failure or skip message, "Timeout", "SEGFAULT", ... (capped)
  std::string output_excerpt;  // test output / failure text, head + tail (kExcerptCap); empty when passed
  std::string ctest_test;      // for a case found inside a CTest test's own XML: that CTest test
  std::string case_name;       // for such a case: its name within the binary ("Suite.Case"); else empty
  // For a test that did not pass: the failure lines its output holds (see failure_lines.h), read from
  // the whole output CTest kept, not only the excerpt.
  std::vector<std::string> failures;
  // Where the case is defined, as its report says: GoogleTest's file and line attributes, doctest's
  // classname (its file, no line); empty for CTest's report and Catch2's. The path as the binary printed it.
  SourceLocation defined_at;
  // For a test that failed: its first failing assertion (failed_assertion.h), from its first <failure> or
  // <error> element (a binary's report) or from its whole output (CTest's report). Paths as printed.
  std::optional<FailedAssertion> first_failure;
};

// Limits applied to untrusted input.
inline constexpr size_t kExcerptCap = 4 * 1024;            // output_excerpt: first and last 2 KiB
inline constexpr size_t kFailureTextCap = 1024 * 1024;     // output read for failure lines: first and last 512 KiB
inline constexpr size_t kMessageCap = 1024;                // message
inline constexpr size_t kNameCap = 4 * 1024;               // name
inline constexpr size_t kMaxXmlBytes = 256 * 1024 * 1024;  // a larger document is refused
inline constexpr size_t kMaxTestCases = 1'000'000;         // per document; more is refused

// Parses the report of `ctest --output-junit`: one <testsuite> with a <testcase> per CTest test, in
// CTest's order. `source` names the document (its file) in error messages.
// Throws Error(io) for malformed XML, a root that is not <testsuite>/<testsuites>, a testcase without
// a name, a `tests` count that disagrees with the testcases listed, or a document over the limits.
std::vector<TestResult> parse_ctest_junit(const std::string& xml, std::string_view source = "CTest JUnit report");

// Parses the XML a test binary wrote: GoogleTest (<testsuites><testsuite><testcase> with <failure>,
// result="skipped", status="notrun" for DISABLED_ tests), Catch2's and doctest's junit reporters, and
// other JUnit-family writers (nested <testsuite> elements are followed). Each case is named
// test_name(ctest_test, <case>) (gate/results/test_names.h) with <case>:
//   GoogleTest  "Suite.Case" (classname "." name: the name --gtest_filter matches)
//   Catch2      "test case/section" (the "<binary>.global" classname dropped; "<Class>.name" for methods)
//   doctest     "test case" (its classname is a source file path and is dropped)
// A second case with the same name within one document gets " #2", " #3", ...
// Statuses: <failure>/<error> -> failed (whatever the attributes claim), then <skipped>, result="skipped"
// or status="notrun" -> skipped, else passed; an unknown status or result value -> failed.
// A <testcase> with no status, result or time attribute and no children is a listing entry
// (`--gtest_list_tests` with XML output writes those), not a result, and is left out.
// Throws Error(io) naming `source` for malformed XML or a document over the limits.
std::vector<TestResult> parse_test_binary_xml(const std::string& xml, const std::string& ctest_test,
                                              std::string_view source = "test XML report");

// Parses what `<gtest binary> --gtest_list_tests --gtest_output=xml:FILE` writes: a <testsuites> document
// whose <testsuite name="Suite"> elements hold <testcase name="Case" file=".." line=".."/> entries and no
// results. Returns "Suite.Case" (the name --gtest_filter matches) -> where the case is defined, the path as
// the binary printed it; an entry without a file attribute is left out. Throws Error(io) naming `source`
// for malformed XML, a root that is not <testsuites>/<testsuite>, an entry without a name, or a document
// over the limits.
std::map<std::string, SourceLocation> parse_gtest_listing(const std::string& xml,
                                                          std::string_view source = "GoogleTest listing");

// CTest's JUnit cannot tell a timeout from a failure; its log (`ctest --output-log`) can. Returns the
// "The following tests FAILED:" list of the log: test name -> CTest's reason ("Failed", "Timeout",
// "SEGFAULT", "Not Run", "Exception", ...). Lines are "\t<index> - <name> (<reason>)"; the reason is the
// last parenthesised group, so names with spaces and parentheses are kept whole.
std::map<std::string, std::string> parse_ctest_log_failures(std::string_view log);

// Text helpers used by the parsers (exposed for tests).
// At most `cap` bytes: head and tail with "[... N bytes omitted ...]" between, then sanitize_utf8.
std::string cap_text(std::string_view text, size_t cap);

}  // namespace autofix::runners
