// SPDX-License-Identifier: MIT
#include "runners/cmake_build.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

TEST(FirstErrorsTest, PicksCompilerLinkerAndCMakeErrorsInOrder) {
  std::string out =
      "[1/3] Building CXX object a.o\n"
      "/src/a.cpp:3:5: error: 'x' was not declared in this scope\r\n"
      "/src/a.cpp:3:5: note: suggested alternative\n"
      "/src/b.cpp:1:10: fatal error: nope.h: No such file or directory\n"
      "/usr/bin/ld: a.o: undefined reference to `f()'\n"
      "collect2: error: ld returned 1 exit status\n"
      "CMake Error at CMakeLists.txt:3 (add_executable):\n"
      "warning: nothing\n";
  std::vector<std::string> e = first_errors(out);
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0], "/src/a.cpp:3:5: error: 'x' was not declared in this scope");
  EXPECT_EQ(e[1], "/src/b.cpp:1:10: fatal error: nope.h: No such file or directory");
  EXPECT_EQ(e[2], "/usr/bin/ld: a.o: undefined reference to `f()'");
  EXPECT_EQ(e[4], "CMake Error at CMakeLists.txt:3 (add_executable):");
  EXPECT_EQ(first_errors(out, 2).size(), 2u);
}

TEST(ConfigureAndBuildTest, BuildsAndReportsCompilerErrors) {
  testing::TempDir dir;
  testing::write_file(dir / "src/CMakeLists.txt",
                      "cmake_minimum_required(VERSION 3.20)\nproject(p CXX)\nadd_executable(p main.cpp)\n");
  testing::write_file(dir / "src/main.cpp", "int main() { return 0; }\n");
  BuildOptions o;
  o.source_dir = dir / "src";
  o.build_dir = dir / "build dir";
  o.configure_arguments = {"-G", "Ninja"};
  BuildResult ok = configure_and_build(o);
  EXPECT_TRUE(ok.ok) << ok.output;
  EXPECT_TRUE(ok.configured);
  testing::write_file(dir / "src/main.cpp", "int main() { return undeclared; }\n");
  BuildResult bad = configure_and_build(o);
  EXPECT_FALSE(bad.ok);
  EXPECT_FALSE(bad.configured);
  ASSERT_FALSE(bad.errors.empty()) << bad.output;
  EXPECT_NE(bad.errors[0].find("main.cpp:1:"), std::string::npos);
  EXPECT_NE(bad.errors[0].find("error: 'undeclared' was not declared"), std::string::npos);
  EXPECT_EQ(bad.failure.rfind("build failed (exit code 1)", 0), 0u) << bad.failure;
}

}  // namespace
}  // namespace autofix::runners
