// SPDX-License-Identifier: MIT
// When the gate configures an existing build directory once more (gate/judge/test_runs.h,
// lacks_what_the_gate_reads): only when something it reads is missing and CMake would write it.
#include <gtest/gtest.h>

#include "gate/judge/test_runs.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using testing::TempDir;
using testing::write_file;

class BuildReconfigure : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir_.path() / ".cmake/api/v1/reply"); }
  void cache(const std::string& lines) { write_file(dir_.path() / "CMakeCache.txt", lines); }
  TempDir dir_;
};

TEST_F(BuildReconfigure, ACompiledProjectWithoutItsCompilationDatabaseIsConfiguredAgain) {
  cache("CMAKE_BUILD_TYPE:STRING=\nCMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\nCMAKE_GENERATOR:INTERNAL=Ninja\n");
  EXPECT_TRUE(lacks_what_the_gate_reads(dir_.path()));
  write_file(dir_.path() / "compile_commands.json", "[]\n");
  EXPECT_FALSE(lacks_what_the_gate_reads(dir_.path()));
}

TEST_F(BuildReconfigure, AProjectWithoutACompiledLanguageNeverGetsADatabaseAndIsNotConfiguredAgain) {
  // project(x LANGUAGES NONE): custom commands and scripts; CMake writes no compile_commands.json for it.
  cache("CMAKE_BUILD_TYPE:STRING=\nCMAKE_GENERATOR:INTERNAL=Ninja\nCMAKE_COMMAND:INTERNAL=/usr/bin/cmake\n");
  EXPECT_FALSE(lacks_what_the_gate_reads(dir_.path()));
  // A C project at the cache's first line counts as compiled too.
  cache("CMAKE_C_COMPILER:FILEPATH=/usr/bin/cc\nCMAKE_GENERATOR:INTERNAL=Unix Makefiles\n");
  EXPECT_TRUE(lacks_what_the_gate_reads(dir_.path()));
}

TEST_F(BuildReconfigure, AGeneratorThatWritesNoDatabaseAndAMissingCodemodelReply) {
  cache("CMAKE_CXX_COMPILER:FILEPATH=/usr/bin/c++\nCMAKE_GENERATOR:INTERNAL=Xcode\n");
  EXPECT_FALSE(lacks_what_the_gate_reads(dir_.path()));
  std::filesystem::remove_all(dir_.path() / ".cmake");
  EXPECT_TRUE(lacks_what_the_gate_reads(dir_.path()));  // cascading failures read the codemodel
}

}  // namespace
}  // namespace autofix
