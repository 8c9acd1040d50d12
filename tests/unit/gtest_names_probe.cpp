// SPDX-License-Identifier: MIT
// A GoogleTest binary whose cases have the names GoogleTest's filter syntax reserves characters of
// (RegisterTest takes any text, as typed-test name generators do). Each case prints "ran <Suite.Case>",
// so tests/unit/gtest_filter_test.cpp can check against GoogleTest itself which cases a filter selects.
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/unit/gtest_names_probe.h"

namespace {

class Prints : public ::testing::Test {
 public:
  explicit Prints(std::string full_name) : full_name_(std::move(full_name)) {}
  void TestBody() override { std::printf("ran %s\n", full_name_.c_str()); }

 private:
  std::string full_name_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (const auto& [suite, name] : autofix::testing::kProbeCases) {
    std::string full = std::string(suite) + "." + name;
    ::testing::RegisterTest(suite, name, nullptr, nullptr, __FILE__, __LINE__,
                            [full]() -> ::testing::Test* { return new Prints(full); });
  }
  return RUN_ALL_TESTS();
}
