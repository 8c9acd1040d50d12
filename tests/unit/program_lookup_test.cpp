// SPDX-License-Identifier: MIT
#include "runners/program_lookup.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::ScopedEnv;
using autofix::testing::TempDir;
using autofix::testing::write_file;

void write_program(const fs::path& path, mode_t mode) {
  write_file(path, "#!/bin/sh\n");
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

// The working directory for the test's lifetime.
class ScopedCurrentPath {
 public:
  explicit ScopedCurrentPath(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCurrentPath() { fs::current_path(old_); }
  ScopedCurrentPath(const ScopedCurrentPath&) = delete;
  ScopedCurrentPath& operator=(const ScopedCurrentPath&) = delete;

 private:
  fs::path old_;
};

// A file this user may not execute and a directory of the name are passed over for a later entry.
TEST(FindProgram, TakesOnlyAnExecutableRegularFile) {
  TempDir bin;
  ScopedEnv path("PATH", (bin / "first").string() + ":" + (bin / "second").string() + ":" + (bin / "third").string());
  fs::create_directories(bin / "first" / "cppcheck");
  write_program(bin / "second" / "cppcheck", 0644);
  fs::create_directories(bin / "third");
  EXPECT_EQ(find_program("cppcheck"), std::nullopt);

  write_program(bin / "third" / "cppcheck", 0755);
  EXPECT_EQ(find_program("cppcheck"), bin / "third" / "cppcheck");

  ASSERT_EQ(::chmod((bin / "second" / "cppcheck").c_str(), 0755), 0);
  EXPECT_EQ(find_program("cppcheck"), bin / "second" / "cppcheck") << "the first match in PATH's order";
}

TEST(FindProgram, FollowsASymbolicLinkAndNamesTheLink) {
  TempDir bin;
  write_program(bin / "real" / "gitleaks-8.18", 0755);
  fs::create_directories(bin / "links");
  fs::create_symlink(bin / "real" / "gitleaks-8.18", bin / "links" / "gitleaks");
  fs::create_symlink(bin / "real" / "missing", bin / "links" / "dangling");
  ScopedEnv path("PATH", (bin / "links").string());
  EXPECT_EQ(find_program("gitleaks"), bin / "links" / "gitleaks");
  EXPECT_EQ(find_program("dangling"), std::nullopt);
}

// An empty entry would mean the current directory to a shell; the gate's answer must not depend on it.
TEST(FindProgram, SkipsEmptyEntries) {
  TempDir here, bin;
  write_program(here / "cppcheck", 0755);
  ScopedCurrentPath cwd(here.path());
  ScopedEnv path("PATH", ":" + (bin / "empty").string() + "::");
  EXPECT_EQ(find_program("cppcheck"), std::nullopt);

  write_program(bin / "empty" / "cppcheck", 0755);
  EXPECT_EQ(find_program("cppcheck"), bin / "empty" / "cppcheck");
}

TEST(FindProgram, LooksUpOnlyPlainNames) {
  TempDir bin;
  write_program(bin / "sub" / "cppcheck", 0755);
  ScopedEnv path("PATH", bin.path().string() + ":" + (bin / "sub").string());
  ASSERT_EQ(find_program("cppcheck"), bin / "sub" / "cppcheck");
  EXPECT_EQ(find_program("sub/cppcheck"), std::nullopt);
  EXPECT_EQ(find_program(""), std::nullopt);
  EXPECT_EQ(find_program("no-such-program-anywhere"), std::nullopt);
}

TEST(FindProgram, FindsNothingWithoutPath) {
  TempDir bin;
  write_program(bin / "cppcheck", 0755);
  {
    ScopedEnv path("PATH", std::nullopt);
    EXPECT_EQ(find_program("cppcheck"), std::nullopt);
  }
  // Only the variable called exactly PATH counts.
  ScopedEnv path("PATH", std::nullopt);
  ScopedEnv lower("path", bin.path().string());
  EXPECT_EQ(find_program("cppcheck"), std::nullopt);
}

// The identity of what PATH finds: its real path, size and time; a replaced binary is another one, a link
// to it the same one.
TEST(ProgramIdentity, ChangesWhenTheProgramIsReplaced) {
  TempDir bin;
  write_program(bin / "real" / "tool-1.0", 0755);
  fs::create_directories(bin / "path dir");
  fs::create_symlink(bin / "real" / "tool-1.0", bin / "path dir" / "tool");
  ScopedEnv path("PATH", (bin / "path dir").string());
  std::optional<std::string> identity = program_identity("tool");
  ASSERT_TRUE(identity);
  EXPECT_TRUE(identity->starts_with((bin / "real" / "tool-1.0").string() + " 10 ")) << *identity;
  EXPECT_EQ(program_identity((bin / "real" / "tool-1.0").string()), identity) << "a path names it too";
  EXPECT_EQ(program_identity("tool"), identity);

  write_file(bin / "real" / "tool-1.0", "#!/bin/sh\n# 1.1\n");
  EXPECT_NE(program_identity("tool"), identity) << "replaced in place";
  EXPECT_EQ(program_identity("no-such-tool"), std::nullopt);
  EXPECT_EQ(program_identity((bin / "missing").string()), std::nullopt);
}

}  // namespace
}  // namespace autofix::runners
