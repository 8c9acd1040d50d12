// SPDX-License-Identifier: MIT
#pragma once
// Which test framework a CTest test's binary was built with, and how to make such a binary run some of
// its cases and write them to a JUnit-family XML file. The gate needs this for binaries registered as
// ONE CTest test (add_test(NAME x COMMAND binary)): their cases are invisible to CTest.
//   GoogleTest  every run writes XML through GTEST_OUTPUT (set for the whole ctest run); a run of some
//               cases passes GTEST_FILTER, so ctest itself can run it (fixtures, environment, limits)
//   Catch2      v2 and v3: `-r junit -o FILE` and a test spec; only when the gate runs the binary itself
//   doctest     `--reporters=junit --out=FILE` and `--test-case=`; likewise
// The framework is read from marker strings every binary of that framework holds (its help text and
// output prefixes), never by running an unknown binary with guessed flags: a plain test runner given
// `--help` may well run every test it has.
#include <filesystem>
#include <string>
#include <vector>

#include "runners/discovered_test.h"

namespace autofix::runners {

enum class TestFramework { unknown, googletest, catch2, doctest };
const char* to_string(TestFramework f) noexcept;

// The framework of one executable file; unknown when it is no regular file, cannot be read, holds no
// marker or the markers of several frameworks. Results are cached per path, size and mtime.
TestFramework framework_of_file(const std::filesystem::path& executable);

// The framework of a CTest test: that of its command's program, or, for a wrapper (valgrind, an
// emulator, `cmake -E env ...`), of the first later argument that is an executable file. When not null,
// `binary` receives the file the framework was read from.
TestFramework framework_of(const DiscoveredTest& test, std::filesystem::path* binary = nullptr);

// Arguments to append to the test's command so that its binary runs `cases` (every case when empty)
// and writes a JUnit-family report to `report`. Names are escaped for each framework's filter syntax;
// a filter may select more than asked (doctest's '*' and '?' are always wildcards, Catch2 matches
// names without case): read the cases you asked for by name from the report.
// Catch2 case names from its JUnit report are "test case/section": each "/" prefix is also given as a
// test case name, since the report cannot tell where the test case's own name ends.
// GoogleTest gets --gtest_output=xml:<report> (and --gtest_filter when gtest_filter_for can name the
// cases exactly, runners/gtest_filter.h); throws Error(internal) for unknown.
std::vector<std::string> case_report_arguments(TestFramework framework, const std::filesystem::path& report,
                                               const std::vector<std::string>& cases);

}  // namespace autofix::runners
