// SPDX-License-Identifier: MIT
#include "runners/tool_version.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::read_file;
using autofix::testing::TempDir;
using autofix::testing::write_file;

// A program at `dir/name` (a path with spaces) running `script` with /bin/sh.
std::string program(const TempDir& dir, const std::string& name, const std::string& script) {
  fs::path path = dir / name;
  write_file(path, "#!/bin/sh\n" + script);
  EXPECT_EQ(::chmod(path.c_str(), 0755), 0) << path;
  return path.string();
}

TEST(ToolVersion, IsTheFirstLineThatHoldsANumber) {
  TempDir dir;
  // Older clang-tidy: "LLVM (http://llvm.org/):" first, the version on the next line.
  EXPECT_EQ(tool_version(program(dir, "tidy", "printf 'LLVM (http://llvm.org/):\\n  LLVM version 11.0.1\\n  Optimized build.\\n'")),
            "LLVM version 11.0.1");
  EXPECT_EQ(tool_version(program(dir, "on stderr", "echo 'Tool 2.10' >&2")), "Tool 2.10");
  EXPECT_EQ(tool_version(program(dir, "long", "printf 'v1 %0300d\\n' 0")), "v1 " + std::string(197, '0'));
  EXPECT_EQ(tool_version(program(dir, "args", "[ \"$#\" = 1 ] && [ \"$1\" = --version ] && echo 'x 1.0'")), "x 1.0");
}

TEST(ToolVersion, IsNothingWhenTheToolDoesNotSayIt) {
  TempDir dir;
  EXPECT_EQ(tool_version(program(dir, "fails", "echo 'tool 1.0'; exit 1")), std::nullopt);
  EXPECT_EQ(tool_version(program(dir, "no number", "echo 'unknown option --version'")), std::nullopt);
  EXPECT_EQ(tool_version(program(dir, "silent", "")), std::nullopt);
  EXPECT_EQ(tool_version((dir / "not there").string()), std::nullopt);
  EXPECT_EQ(tool_version("autofix-gate-no-such-tool"), std::nullopt);
}

TEST(ToolVersion, ReadsTheRealCMake) {
  std::optional<std::string> version = tool_version("cmake");
  ASSERT_TRUE(version);
  EXPECT_TRUE(version->starts_with("cmake version 3.")) << *version;
}

TEST(ToolVersionCache, AsksEachProgramOnce) {
  TempDir dir;
  const fs::path asked = dir / "asked";
  std::string one = program(dir, "one", "echo one >> '" + asked.string() + "'; echo 'one 1.0'");
  std::string two = program(dir, "two", "echo two >> '" + asked.string() + "'; exit 3");
  ToolVersionCache cache;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cache.of(one), "one 1.0");
    EXPECT_EQ(cache.of(two), std::nullopt);  // a tool that did not say it is not asked again either
  }
  EXPECT_EQ(read_file(asked), "one\ntwo\n");
}

TEST(CMakeCacheEntry, ReadsTheValueOfTheNamedEntry) {
  const std::string cache =
      "// comment\r\nCMAKE_CXX_COMPILER_AR:FILEPATH=/usr/bin/gcc-ar-12\r\n"
      "CMAKE_CXX_COMPILER:FILEPATH=/opt/my compilers/g++\r\nCMAKE_C_COMPILER:FILEPATH=\n";
  EXPECT_EQ(cmake_cache_entry(cache, "CMAKE_CXX_COMPILER"), "/opt/my compilers/g++");
  EXPECT_EQ(cmake_cache_entry(cache, "CMAKE_C_COMPILER"), "");
  EXPECT_EQ(cmake_cache_entry(cache, "CMAKE_CXX"), std::nullopt);
  EXPECT_EQ(cmake_cache_entry("", "CMAKE_CXX_COMPILER"), std::nullopt);
}

}  // namespace
}  // namespace autofix::runners
