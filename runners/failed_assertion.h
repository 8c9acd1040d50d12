// SPDX-License-Identifier: MIT
#pragma once
// The first failing assertion a test reported, read from what it printed: where it is (the file and line
// as the test printed them; the judge layer makes them repository-relative) and its message. Pure
// functions over untrusted text: nothing is run or opened, the message is capped and made valid UTF-8.
//
// Console output (a CTest test's output), one line that starts with a location and a failure word:
//   GoogleTest   "/src/foo_test.cpp:12: Failure"            then the message lines ("Expected equality ...")
//                "unknown file: Failure"                    (an exception: no location)
//   Catch2       "/src/foo_test.cpp:15: FAILED:"            then "  CHECK( a == b )", "with expansion:", ...
//   doctest      "/src/foo_test.cpp:7: ERROR: CHECK( a == b ) is NOT correct!" then "  values: ..."
//   MSVC style   "C:\src\foo_test.cpp(12): error: Value of: ..." (GoogleTest built with MSVC)
// The message is the rest of that line and the lines after it, up to a blank line, the framework's next
// marker ("[  FAILED  ]", "[doctest]", a line of '-', '=', '.' or '~') or the next failure line.
// Other lines that merely name a file and line (Catch2's and doctest's test case headers, GoogleTest's
// "Skipped") are not failures.
//
// The body of one <failure>/<error> element of a framework's JUnit report (tests/data/junit/):
//   GoogleTest   "/src/foo_test.cpp:11\nExpected equality ..."       (location line first)
//   doctest      "/src/foo_test.cpp:9:\nCHECK( ... ) is NOT correct!" (location line first)
//   Catch2       "FAILED:\n  CHECK( ... )\n...\nat /src/foo_test.cpp:7"  (location last)
// and anything else as console output.
#include <cstddef>
#include <optional>
#include <string_view>

#include "gate/results/attempt_result.h"

namespace autofix::runners {

inline constexpr size_t kMaxAssertionMessageBytes = 2048;  // more is cut and marked
inline constexpr size_t kMaxAssertionMessageLines = 20;

// The first failing assertion in a test's console output; nullopt when it shows none.
std::optional<FailedAssertion> first_failed_assertion(std::string_view output);

// The failing assertion one <failure>/<error> element of a JUnit report describes; nullopt when its
// text names no location.
std::optional<FailedAssertion> failed_assertion_in_report(std::string_view failure_text);

}  // namespace autofix::runners
