// SPDX-License-Identifier: MIT
#include "gate/results/test_names.h"

namespace autofix {

std::string test_name(std::string_view ctest_test, std::string_view case_name) {
  if (case_name.empty()) return std::string(ctest_test);
  if (ctest_test.empty()) return std::string(case_name);
  std::string out;
  out.reserve(ctest_test.size() + kCaseSeparator.size() + case_name.size());
  out.append(ctest_test).append(kCaseSeparator).append(case_name);
  return out;
}

std::optional<TestNameParts> split_test_name(std::string_view name, const std::set<std::string, std::less<>>& ctest_tests) {
  if (ctest_tests.contains(name)) return TestNameParts{std::string(name), ""};
  // Every "::" in the name is a place the CTest test could end; the longest CTest test that fits wins,
  // so "a::b::c" with CTest tests "a" and "a::b" is the case "c" of "a::b".
  for (size_t at = name.rfind(kCaseSeparator); at != std::string_view::npos && at > 0;
       at = name.rfind(kCaseSeparator, at - 1)) {
    std::string_view ctest_test = name.substr(0, at);
    std::string_view case_name = name.substr(at + kCaseSeparator.size());
    if (!case_name.empty() && ctest_tests.contains(ctest_test))
      return TestNameParts{std::string(ctest_test), std::string(case_name)};
  }
  return std::nullopt;
}

}  // namespace autofix
