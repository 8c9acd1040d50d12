// SPDX-License-Identifier: MIT
#pragma once
// A test's name as people read it (reports, messages, --require-fixed): the CTest test's name, or
// "<CTest test>::<case>" for a case the gate read inside that CTest test (a GoogleTest, Catch2 or doctest
// case). Either part may hold "::" itself: a CTest name is any text ("ns::suite [a]"), and so is a case
// ("Ns::Fixture.Case"). So a test is identified by its two parts, which travel beside the name
// (TestRecord::ctest_test and ::case_name, see key_of), and a name is only ever split against the CTest
// tests that exist.
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace autofix {

inline constexpr std::string_view kCaseSeparator = "::";

// "<ctest_test>::<case_name>"; just the one that is not empty when the other is.
std::string test_name(std::string_view ctest_test, std::string_view case_name);

struct TestNameParts {
  std::string ctest_test;
  std::string case_name;  // empty: the name is the CTest test's own
  bool operator==(const TestNameParts&) const = default;
};

// The inverse of test_name, given the CTest tests that exist: the name itself when it is one of them
// (no case), else the longest of them that `name` starts with, followed by "::" and a case that is not
// empty. nullopt when no CTest test fits.
std::optional<TestNameParts> split_test_name(std::string_view name, const std::set<std::string, std::less<>>& ctest_tests);

}  // namespace autofix
