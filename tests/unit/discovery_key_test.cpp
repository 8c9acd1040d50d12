// SPDX-License-Identifier: MIT
// What decides a test listing (runners/discovery_key.h): every part of a key changes it, what does not
// decide the listing leaves it alone, and scripts whose effect the gate cannot tell have no key.
#include "runners/discovery_key.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

TEST(ParseCMakeScript, ReadsCommandsAndTheirArgumentsInEveryForm) {
  auto commands = parse_cmake_script(
      "# CMake generated Testfile\n"
      "#[[ a bracket\ncomment ) ]]\n"
      "add_test( [=[a test]=]  /b/x \"--arg=\\\"q\\\"\" [==[--gtest_filter=S.C]==])\n"
      "set_tests_properties(t PROPERTIES LABELS \"u;v\" WORKING_DIRECTORY /b)  # comment\n"
      "if((EXISTS \"/b/f\") AND NOT x)\n"
      "endif ()\n"
      "subdirs(\"sub dir\" other)\n");
  ASSERT_TRUE(commands);
  ASSERT_EQ(commands->size(), 5u);
  EXPECT_EQ((*commands)[0].name, "add_test");
  EXPECT_EQ((*commands)[0].arguments, (std::vector<std::string>{"a test", "/b/x", "--arg=\"q\"", "--gtest_filter=S.C"}));
  EXPECT_EQ((*commands)[1].arguments,
            (std::vector<std::string>{"t", "PROPERTIES", "LABELS", "u;v", "WORKING_DIRECTORY", "/b"}));
  EXPECT_EQ((*commands)[2].arguments, (std::vector<std::string>{"EXISTS", "/b/f", "AND", "NOT", "x"}));
  EXPECT_EQ((*commands)[3].name, "endif");
  EXPECT_EQ((*commands)[4].arguments, (std::vector<std::string>{"sub dir", "other"}));
}

TEST(ParseCMakeScript, RefusesWhatIsNotASequenceOfCommands) {
  EXPECT_FALSE(parse_cmake_script("add_test(a \"unterminated)\n"));
  EXPECT_FALSE(parse_cmake_script("add_test(a [[unterminated)\n"));
  EXPECT_FALSE(parse_cmake_script("add_test(a b\n"));
  EXPECT_FALSE(parse_cmake_script("#[[ unterminated comment\n"));
  EXPECT_FALSE(parse_cmake_script("just words\n"));
  EXPECT_FALSE(parse_cmake_script("1st(a)\n"));
  EXPECT_TRUE(parse_cmake_script(""));
}

// A build directory as CMake and gtest_discover_tests (POST_BUILD) leave it.
struct BuildDir {
  TempDir tmp;
  fs::path dir = tmp.path() / "build dir";
  fs::path binary = dir / "sub" / "unit_tests";
  fs::path tests_file = dir / "sub" / "unit_tests[1]_tests.cmake";

  BuildDir() {
    write_file(binary, "binary 1");
    write_file(dir / "CTestTestfile.cmake",
               "# CMake generated Testfile\nadd_test(top \"" + binary.string() + "\")\nsubdirs(\"sub\")\n");
    write_file(dir / "sub" / "CTestTestfile.cmake",
               "include(\"" + (dir / "sub" / "unit_tests[1]_include.cmake").string() + "\")\n");
    write_file(dir / "sub" / "unit_tests[1]_include.cmake",
               "if(EXISTS \"" + tests_file.string() + "\")\n  include(\"" + tests_file.string() +
                   "\")\nelse()\n  add_test(unit_tests_NOT_BUILT unit_tests_NOT_BUILT)\nendif()\n");
    write_file(tests_file, "add_test( [=[S.C]=] [==[" + binary.string() + "]==] [==[--gtest_filter=S.C]==])\n"
                           "set( unit_tests_TESTS S.C)\n");
  }
  std::string key(const std::vector<std::string>& labels = {}, std::string_view ctest = "/usr/bin/ctest 1 2") const {
    ListingKey k = ctest_listing_key(dir, labels, ctest);
    EXPECT_TRUE(k.key) << k.unkeyed;
    return k.key.value_or("");
  }
  std::string unkeyed() const {
    ListingKey k = ctest_listing_key(dir, {}, "ctest");
    EXPECT_FALSE(k.key);
    return k.unkeyed;
  }
};

TEST(CTestListingKey, IsTheSameWhileNothingThatDecidesTheListingChanged) {
  BuildDir b;
  const std::string first = b.key();
  EXPECT_EQ(b.key(), first);
  // A rebuilt test binary, and gtest_discover_tests writing the same listing again, leave it alone.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  write_file(b.binary, "binary 2, longer");
  write_file(b.tests_file, autofix::testing::read_file(b.tests_file));
  EXPECT_EQ(b.key(), first);
}

TEST(CTestListingKey, ChangesWithEachPartOfIt) {
  BuildDir b;
  const std::string first = b.key();
  EXPECT_NE(b.key({"fast"}), first);
  EXPECT_NE(b.key({}, "/usr/bin/ctest 1 3"), first);

  write_file(b.tests_file, autofix::testing::read_file(b.tests_file) + "add_test( [=[S.D]=] [==[" + b.binary.string() + "]==])\n");
  const std::string more_cases = b.key();
  EXPECT_NE(more_cases, first);

  write_file(b.dir / "sub" / "CTestTestfile.cmake",
             autofix::testing::read_file(b.dir / "sub" / "CTestTestfile.cmake") + "# a comment\n");
  const std::string subdirectory = b.key();
  EXPECT_NE(subdirectory, more_cases);

  write_file(b.dir / "CTestTestfile.cmake", autofix::testing::read_file(b.dir / "CTestTestfile.cmake") + "\n");
  const std::string top = b.key();
  EXPECT_NE(top, subdirectory);

  write_file(b.dir / "CTestCustom.cmake", "set(CTEST_CUSTOM_TESTS_IGNORE top)\n");
  const std::string custom = b.key();
  EXPECT_NE(custom, top);
  write_file(b.dir / "CTestCustom.ctest", "");
  EXPECT_NE(b.key(), custom);
}

TEST(CTestListingKey, NamesTheBuildDirectory) {
  BuildDir a;
  BuildDir b;
  EXPECT_NE(a.key(), b.key());
}

TEST(CTestListingKey, FollowsTheBranchAnExistsTestTakes) {
  BuildDir b;
  const std::string built = b.key();
  // Not built: the NOT_BUILT test, whose command ctest would look up, has no key.
  fs::remove(b.tests_file);
  EXPECT_NE(b.unkeyed().find("unit_tests_NOT_BUILT"), std::string::npos);
  write_file(b.tests_file, "");
  EXPECT_NE(b.key(), built);
}

TEST(CTestListingKey, HoldsTheTimesOfWhatIsNewerThanWhat) {
  BuildDir b;
  fs::path other = b.dir / "other";
  write_file(other, "x");
  write_file(b.dir / "CTestCustom.cmake",
             "if(\"" + b.tests_file.string() + "\" IS_NEWER_THAN \"" + other.string() + "\")\nendif()\n");
  const std::string first = b.key();
  fs::last_write_time(other, fs::last_write_time(other) + std::chrono::seconds(10));
  EXPECT_NE(b.key(), first);
}

TEST(CTestListingKey, NoKeyForScriptsWhoseEffectTheGateCannotTell) {
  const std::vector<std::pair<std::string, std::string>> scripts = {
      {"execute_process(COMMAND date)\n", "execute_process"},
      {"set(X $ENV{HOME})\n", "environment"},
      {"include(GoogleTest)\n", "not an absolute path"},
      {"include(\"${X}/a.cmake\")\n", "not an absolute path"},
      {"subdirs(\"${X}\")\n", "variable"},
      {"add_test(t python3 x.py)\n", "not an absolute path"},
      {"add_test(t /no/such/binary)\n", "not a file"},
      {"if(IS_READABLE \"/etc\")\nendif()\n", "IS_READABLE"},
      {"file(GLOB x \"*\")\n", "file"},
      {"if(EXISTS \"/\")\n", "without endif"},
      {"add_test(t \"unterminated)\n", "not a CMake script"},
      {"include(\"/no/such/file.cmake\")\n", "is not there"},
  };
  for (const auto& [script, why] : scripts) {
    BuildDir b;
    write_file(b.dir / "CTestCustom.cmake", script);
    std::string problem = b.unkeyed();
    EXPECT_NE(problem.find(why), std::string::npos) << script << " -> " << problem;
  }
  BuildDir none;
  fs::remove(none.dir / "CTestTestfile.cmake");
  EXPECT_NE(none.unkeyed().find("is not there"), std::string::npos);
}

TEST(CTestListingKey, NoKeyForTheDiscoveryAtTestTime) {
  // gtest_discover_tests(DISCOVERY_MODE PRE_TEST) includes a module that runs the binary.
  BuildDir b;
  fs::path module = b.tmp.path() / "GoogleTestAddTests.cmake";
  write_file(module, "function(gtest_discover_tests_impl)\nexecute_process(COMMAND x)\nendfunction()\n");
  write_file(b.dir / "sub" / "unit_tests[1]_include.cmake",
             "if(EXISTS \"" + b.binary.string() + "\")\n  include(\"" + module.string() +
                 "\")\n  include(\"" + b.tests_file.string() + "\")\nendif()\n");
  EXPECT_NE(b.unkeyed().find("function"), std::string::npos);
}

DiscoveredTest test_in(const fs::path& dir) {
  DiscoveredTest t;
  t.name = "S.C";
  t.working_directory = dir.string();
  t.environment = {"A=1"};
  return t;
}

std::string gtest_key(const fs::path& binary, const DiscoveredTest& t, const fs::path& build_dir) {
  ListingKey k = gtest_listing_key(binary, t, build_dir);
  EXPECT_TRUE(k.key) << k.unkeyed;
  return k.key.value_or("");
}

TEST(GtestListingKey, ChangesWithEachPartOfIt) {
  TempDir tmp;
  fs::path binary = tmp.path() / "unit tests";
  write_file(binary, "binary 1");
  const DiscoveredTest t = test_in(tmp.path());
  const std::string first = gtest_key(binary, t, tmp.path());
  EXPECT_EQ(gtest_key(binary, t, tmp.path()), first);

  DiscoveredTest other_dir = t;
  other_dir.working_directory = (tmp.path() / "elsewhere").string();
  EXPECT_NE(gtest_key(binary, other_dir, tmp.path()), first);
  DiscoveredTest no_dir = t;
  no_dir.working_directory.clear();
  EXPECT_NE(gtest_key(binary, no_dir, tmp.path() / "b"), gtest_key(binary, no_dir, tmp.path()));
  DiscoveredTest other_env = t;
  other_env.environment = {"A=2"};
  EXPECT_NE(gtest_key(binary, other_env, tmp.path()), first);

  // The binary: its size, its modification time, its change time (same content and times), its inode.
  const auto modified = fs::last_write_time(binary);
  write_file(binary, "binary 22");
  EXPECT_NE(gtest_key(binary, t, tmp.path()), first);
  write_file(binary, "binary 2");
  fs::last_write_time(binary, modified);
  const std::string rewritten = gtest_key(binary, t, tmp.path());
  EXPECT_NE(rewritten, first);  // the change time moved
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  fs::permissions(binary, fs::perms::owner_exec, fs::perm_options::add);
  const std::string changed = gtest_key(binary, t, tmp.path());
  EXPECT_NE(changed, rewritten);
  fs::path copy = tmp.path() / "copy";
  fs::copy_file(binary, copy);
  fs::last_write_time(copy, fs::last_write_time(binary));
  fs::rename(copy, binary);  // another inode, same size and modification time
  EXPECT_NE(gtest_key(binary, t, tmp.path()), changed);

  fs::path other = tmp.path() / "other";
  fs::copy_file(binary, other);
  EXPECT_NE(gtest_key(other, t, tmp.path()), gtest_key(binary, t, tmp.path()));
}

TEST(GtestListingKey, NoKeyForABinaryThatIsNotThere) {
  TempDir tmp;
  ListingKey k = gtest_listing_key(tmp.path() / "none", test_in(tmp.path()), tmp.path());
  EXPECT_FALSE(k.key);
  EXPECT_NE(k.unkeyed.find("is not there"), std::string::npos);
}

TEST(FileStamp, IsNothingForAFileThatIsNotThere) {
  TempDir tmp;
  EXPECT_FALSE(file_stamp(tmp.path() / "none"));
  write_file(tmp.path() / "f", "abc");
  std::optional<std::string> stamp = file_stamp(tmp.path() / "f");
  ASSERT_TRUE(stamp);
  EXPECT_TRUE(stamp->starts_with("3 ")) << *stamp;
}

}  // namespace
}  // namespace autofix::runners
