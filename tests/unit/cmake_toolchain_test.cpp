// SPDX-License-Identifier: MIT
// The real toolchain's choice of a stored test listing (gate/judge/cmake_toolchain.h): ctest's listing is
// stored, used while the scripts it read are the same, and a stored file that is damaged or is not a
// listing is never used: ctest is asked again and the file replaced. Runs the installed ctest over a
// hand-written CTestTestfile.cmake.
#include "gate/judge/cmake_toolchain.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

std::vector<std::string> names(const std::vector<runners::DiscoveredTest>& tests) {
  std::vector<std::string> out;
  for (const auto& t : tests) out.push_back(t.name);
  return out;
}

std::vector<fs::path> stored(const fs::path& state) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(state / "discovery", ec), end; !ec && it != end; it.increment(ec))
    out.push_back(it->path());
  return out;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

TEST(CMakeToolchainListings, CTestsListingIsStoredAndUsedOnlyWhileItIsTheSame) {
  TempDir tmp;
  const fs::path build = tmp.path() / "build dir";
  const fs::path state = tmp.path() / "state";
  const fs::path program = tmp.path() / "a program";
  write_file(program, "");
  const std::string first = "add_test(first [==[" + program.string() + "]==])\n";
  write_file(build / "CTestTestfile.cmake", first);

  EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), std::vector<std::string>{"first"});
  ASSERT_EQ(stored(state).size(), 1u);
  const fs::path file = stored(state)[0];
  const std::string original = read_file(file);

  // Used while the scripts are the same: a stored listing naming another test is what comes back.
  nlohmann::json edited = nlohmann::json::parse(original);
  std::string output_text = edited.at("output");
  replace_all(output_text, "\"first\"", "\"other\"");
  edited["output"] = output_text;
  write_file(file, edited.dump());
  EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), std::vector<std::string>{"other"});

  // Damaged, or not what ctest prints: ctest is asked again and the file replaced.
  for (const std::string& damaged : {std::string("{ damaged"), std::string()}) {
    write_file(file, damaged);
    EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), std::vector<std::string>{"first"});
    EXPECT_EQ(read_file(file), original);
  }
  nlohmann::json not_a_listing = nlohmann::json::parse(original);
  not_a_listing["output"] = "[]";
  write_file(file, not_a_listing.dump());
  EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), std::vector<std::string>{"first"});
  EXPECT_EQ(read_file(file), original);

  // Another test registered: another key, ctest asked.
  write_file(build / "CTestTestfile.cmake", first + "add_test(second [==[" + program.string() + "]==])\n");
  EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(stored(state).size(), 2u);
}

TEST(CMakeToolchainListings, NothingIsStoredWithoutAStateDirectoryOrAKey) {
  TempDir tmp;
  const fs::path build = tmp.path() / "build";
  const fs::path state = tmp.path() / "state";
  // A command looked up in $PATH: the listing has no key.
  write_file(build / "CTestTestfile.cmake", "add_test(looked_up sh -c true)\n");
  EXPECT_EQ(names(CMakeToolchain(nullptr, state).discover_tests(build)), std::vector<std::string>{"looked_up"});
  EXPECT_TRUE(stored(state).empty());
  write_file(build / "CTestTestfile.cmake", "add_test(t [==[" + (tmp.path() / "CMakeCache.txt").string() + "]==])\n");
  write_file(tmp.path() / "CMakeCache.txt", "");
  EXPECT_EQ(names(CMakeToolchain(nullptr).discover_tests(build)), std::vector<std::string>{"t"});
  EXPECT_FALSE(fs::exists(state / "discovery"));
}

}  // namespace
}  // namespace autofix
