// SPDX-License-Identifier: MIT
#include "gate/judge/project_check.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

TEST(CMakeHomeDirectory, ReadsTheEntryOfACache) {
  EXPECT_EQ(cmake_home_directory("# c\n//help\nCMAKE_BUILD_TYPE:STRING=\nCMAKE_HOME_DIRECTORY:INTERNAL=/a b/c\n"),
            "/a b/c");
  EXPECT_EQ(cmake_home_directory("CMAKE_HOME_DIRECTORY:INTERNAL=/x\r\n"), "/x");
  EXPECT_EQ(cmake_home_directory("CMAKE_HOME_DIRECTORY_OTHER:INTERNAL=/x\nX:STRING=CMAKE_HOME_DIRECTORY:y\n"),
            std::nullopt);
  EXPECT_EQ(cmake_home_directory(""), std::nullopt);
}

runners::DiscoveredTest registered(const std::string& name, std::vector<std::string> files) {
  runners::DiscoveredTest t;
  t.name = name;
  t.backtrace_files = std::move(files);
  return t;
}

// A test is this project's when any file of its backtrace is in the repository or the build directory:
// a helper module installed elsewhere, called from the project's CMakeLists.txt, still counts.
TEST(ForeignTests, AreThoseRegisteredOnlyFromOutside) {
  const fs::path root = "/work/repo", build = "/work/repo/build";
  std::vector<runners::DiscoveredTest> tests = {
      registered("direct", {"/work/repo/CMakeLists.txt"}),
      registered("via module", {"/usr/share/cmake/Modules/GoogleTest.cmake", "/work/repo/tests/CMakeLists.txt"}),
      registered("discovered", {"/work/repo/build/tests/t[1]_tests.cmake"}),
      registered("relative to the build dir", {"tests/CTestTestfile.cmake"}),
      registered("unknown origin", {}),
      registered("other::project", {"/work/other/CMakeLists.txt"}),
      registered("prefix trick", {"/work/repo-other/CMakeLists.txt"}),
      registered("dotdot", {"/work/repo/../elsewhere/CMakeLists.txt"}),
  };
  EXPECT_EQ(foreign_tests(tests, root, build),
            (std::vector<std::string>{"'other::project' (registered in '/work/other/CMakeLists.txt')",
                                      "'prefix trick' (registered in '/work/repo-other/CMakeLists.txt')",
                                      "'dotdot' (registered in '/work/repo/../elsewhere/CMakeLists.txt')"}));
}

TEST(RequireOwnTests, NamesTheForeignTestsAndTheDirectories) {
  Layout l;
  l.root = "/work/repo";
  l.source_dir = l.root;
  l.build_dir = "/tmp/b";
  EXPECT_NO_THROW(require_own_tests(l, {registered("a", {"/work/repo/CMakeLists.txt"})}));
  try {
    require_own_tests(l, {registered("a", {"/work/repo/CMakeLists.txt"}), registered("b", {"/x/CMakeLists.txt"})});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_STREQ(e.what(), "the build directory '/tmp/b' is not this project's: 1 of its 2 test(s) come from outside "
                           "the repository '/work/repo': 'b' (registered in '/x/CMakeLists.txt')");
  }
}

// On disk: a repository with a project in `cpp/`, another project beside it.
class ProjectLayout : public ::testing::Test {
 protected:
  ProjectLayout() {
    root_ = fs::canonical(tmp_.path()) / "repo";
    write_file(root_ / "cpp" / "CMakeLists.txt", "project(p NONE)\n");
    write_file(root_ / "README", "r\n");
    write_file(tmp_ / "other" / "CMakeLists.txt", "project(o NONE)\n");
  }
  Layout layout(const fs::path& source, const fs::path& build) {
    Layout l;
    l.root = root_;
    l.source_dir = source;
    l.build_dir = build;
    return l;
  }
  std::string refusal(const Layout& l, std::string* hint = nullptr) {
    try {
      check_project_layout(l);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
      if (hint) *hint = e.hint();
      return e.what();
    }
    return "accepted";
  }
  void configure_from(const fs::path& build, const fs::path& source) {
    write_file(build / "CMakeCache.txt", "CMAKE_BUILD_TYPE:STRING=\nCMAKE_HOME_DIRECTORY:INTERNAL=" + source.string() + "\n");
  }
  TempDir tmp_;
  fs::path root_;
};

TEST_F(ProjectLayout, RefusesASourceDirectoryWithoutCMakeLists) {
  std::string hint;
  EXPECT_EQ(refusal(layout(root_, root_ / "build"), &hint),
            "no CMakeLists.txt in '" + root_.string() + "': the gate builds and tests a CMake project");
  EXPECT_NE(hint.find("--source-dir DIR"), std::string::npos) << hint;
  EXPECT_NE(hint.find("\"source_dir\" in autofix-gate.json"), std::string::npos) << hint;
  EXPECT_EQ(refusal(layout(root_ / "nope", root_ / "build")),
            "the source directory '" + (root_ / "nope").string() + "' does not exist");
  EXPECT_FALSE(fs::exists(root_ / "build"));  // nothing created
}

TEST_F(ProjectLayout, AcceptsTheProjectUnconfiguredOrConfiguredFromIt) {
  EXPECT_EQ(refusal(layout(root_ / "cpp", root_ / "build")), "accepted");
  configure_from(root_ / "build", root_ / "cpp");
  EXPECT_EQ(refusal(layout(root_ / "cpp", root_ / "build")), "accepted");
}

TEST_F(ProjectLayout, RefusesABuildDirectoryOfAnotherProject) {
  configure_from(tmp_ / "other build", tmp_ / "other");
  std::string hint;
  EXPECT_EQ(refusal(layout(root_ / "cpp", tmp_ / "other build"), &hint),
            "the build directory '" + (tmp_ / "other build").string() +
                "' belongs to another CMake project: it was configured from '" + (tmp_ / "other").string() +
                "', not from this project's source directory '" + (root_ / "cpp").string() + "'");
  EXPECT_EQ(hint, "pass --build-dir with a build directory of this project (or a new one: the gate configures it)");
}

TEST_F(ProjectLayout, HintsAtTheSourceDirectoryWhenTheBuildWasConfiguredFromInsideTheRepository) {
  configure_from(root_ / "build", root_ / "cpp");
  write_file(root_ / "CMakeLists.txt", "project(top NONE)\n");
  std::string hint;
  EXPECT_EQ(refusal(layout(root_, root_ / "build"), &hint),
            "the build directory '" + (root_ / "build").string() +
                "' belongs to another CMake project: it was configured from '" + (root_ / "cpp").string() +
                "', not from this project's source directory '" + root_.string() + "'");
  EXPECT_EQ(hint, "pass --build-dir with a build directory of this project (or a new one: the gate configures it), "
                  "or --source-dir (\"source_dir\": \"cpp\" in autofix-gate.json) if that is the project's top level");
}

TEST_F(ProjectLayout, RefusesASourceDirectoryThatLeavesTheRepositoryThroughALink) {
  fs::create_directory_symlink(tmp_ / "other", root_ / "link");
  EXPECT_EQ(refusal(layout(root_ / "link", root_ / "build")),
            "the source directory '" + (root_ / "link").string() + "' is outside the repository '" + root_.string() +
                "' (through a symbolic link)");
}

TEST_F(ProjectLayout, RefusesACacheWithoutSourceDirectory) {
  write_file(root_ / "build" / "CMakeCache.txt", "CMAKE_BUILD_TYPE:STRING=\n");
  EXPECT_EQ(refusal(layout(root_ / "cpp", root_ / "build")),
            "the build directory '" + (root_ / "build").string() +
                "' has a CMakeCache.txt that names no source directory (no CMAKE_HOME_DIRECTORY)");
}

}  // namespace
}  // namespace autofix
