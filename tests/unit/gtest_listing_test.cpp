// SPDX-License-Identifier: MIT
// Where the cases of GoogleTest binaries are defined, from one --gtest_list_tests per binary
// (runners/gtest_listing.h). The real listing runs this very unit test binary, a GoogleTest binary.
#include "runners/gtest_listing.h"

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

DiscoveredTest one_case(const std::string& name, const fs::path& binary, const fs::path& dir) {
  DiscoveredTest t;
  t.name = name;
  t.command = {binary.string(), "--gtest_filter=" + name, "--gtest_also_run_disabled_tests"};
  t.working_directory = dir.string();
  return t;
}

fs::path executable_script(const fs::path& path, const std::string& body) {
  write_file(path, "#!/bin/sh\n" + body);
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
  return path;
}

TEST(GtestListing, ASingleCaseIsAnExactFilter) {
  DiscoveredTest t;
  t.command = {"/b/calc tests", "--gtest_filter=Calc.Adds", "--gtest_also_run_disabled_tests"};
  EXPECT_EQ(single_gtest_case(t), "Calc.Adds");
  t.command = {"/b/calc tests", "--gtest_filter=Values/Param.IsSmall/0"};
  EXPECT_EQ(single_gtest_case(t), "Values/Param.IsSmall/0");
  for (const char* filter : {"Calc.*", "Calc.Add?", "Calc.Adds:Calc.Subs", "-Calc.Adds", ""}) {
    t.command = {"/b/calc tests", std::string("--gtest_filter=") + filter};
    EXPECT_EQ(single_gtest_case(t), std::nullopt) << filter;
  }
  t.command = {"/b/calc tests"};
  EXPECT_EQ(single_gtest_case(t), std::nullopt);
}

// This unit test binary is a real GoogleTest binary (its framework cannot be told from its bytes: it
// holds every framework's marker strings, as test data): its listing names this very case.
constexpr int kListedLine = __LINE__ + 1;
TEST(GtestListing, ARealBinaryListsWhereItsCasesAreDefined) {
  TempDir dir;
  fs::path self = fs::read_symlink("/proc/self/exe");
  DiscoveredTest t = one_case("GtestListing.ARealBinaryListsWhereItsCasesAreDefined", self, dir.path());
  GtestListingOptions options;
  options.build_dir = dir.path();
  GtestListing listing = list_gtest_binary(self, t, dir / "listing dir" / "1.xml", options);
  EXPECT_EQ(listing.problem, "");
  EXPECT_EQ(listing.cases["GtestListing.ARealBinaryListsWhereItsCasesAreDefined"],
            (SourceLocation{__FILE__, kListedLine}));
  EXPECT_EQ(listing.cases["GtestListing.ASingleCaseIsAnExactFilter"].file, __FILE__);
}

// A stand-in binary that holds GoogleTest's marker ("gtest_output"), counts its runs and writes the real
// listing of tests/data/junit/generator.
TEST(GtestListing, ListsEachBinaryOnceAndMapsEachTestToItsCase) {
  TempDir dir;
  fs::path runs = dir / "runs";
  fs::path listing = fs::path(AUTOFIX_GATE_TEST_DATA) / "junit" / "gtest_list_tests.xml";
  fs::path binary = executable_script(dir / "calc tests", "echo \"$PWD $CALC\" >> '" + runs.string() +
                                                              "'\nf=${2#--gtest_output=xml:}\ncp '" +
                                                              listing.string() + "' \"$f\"\n");
  std::vector<DiscoveredTest> tests = {
      one_case("Math.Adds", binary, dir / "work dir"),
      one_case("Values/Param.IsSmall/1", binary, dir.path()),
      one_case("Math.NoSuchCase", binary, dir.path()),  // the listing lacks it: left out
  };
  tests[0].environment = {"CALC=first test's"};
  DiscoveredTest whole = tests[1];
  whole.name = "whole binary";
  whole.command = {binary.string()};  // runs every case: not one case, not listed
  tests.push_back(whole);
  fs::create_directories(dir / "work dir");
  GtestListingOptions options;
  options.build_dir = dir.path();
  options.listing_dir = dir / "listings";
  int started = 0;
  options.on_started = [&](int) { ++started; };
  const std::string file = "/work/main/tests/data/junit/generator/sample_tests.cpp";
  EXPECT_EQ(gtest_case_definitions(tests, options),
            (std::map<std::string, SourceLocation>{{"Math.Adds", {file, 8}}, {"Values/Param.IsSmall/1", {file, 20}}}));
  EXPECT_EQ(started, 1);
  // Once, in the first test's working directory with its environment.
  EXPECT_EQ(autofix::testing::read_file(runs), (dir / "work dir").string() + " first test's\n");
}

// A listing the caller kept is used instead of running the binary; one that was read whole is handed
// to the caller to keep, one that failed is not.
TEST(GtestListing, UsesAndHandsOverListingsTheCallerKeeps) {
  TempDir dir;
  fs::path runs = dir / "runs";
  fs::path listing = fs::path(AUTOFIX_GATE_TEST_DATA) / "junit" / "gtest_list_tests.xml";
  fs::path binary = executable_script(dir / "calc tests", "echo ran >> '" + runs.string() +
                                                              "'\nf=${2#--gtest_output=xml:}\ncp '" +
                                                              listing.string() + "' \"$f\"\n");
  const std::vector<DiscoveredTest> tests = {one_case("Math.Adds", binary, dir.path())};
  GtestListingOptions options;
  options.build_dir = dir.path();
  options.listing_dir = dir / "listings";
  std::vector<std::map<std::string, SourceLocation>> kept;
  std::vector<fs::path> asked;
  std::optional<std::map<std::string, SourceLocation>> known;
  options.find_listing = [&](const fs::path& b, const DiscoveredTest& t) {
    asked.push_back(b);
    EXPECT_EQ(t.name, "Math.Adds");
    return known;
  };
  options.keep_listing = [&](const fs::path&, const DiscoveredTest&, const std::map<std::string, SourceLocation>& c) {
    kept.push_back(c);
  };
  const std::string file = "/work/main/tests/data/junit/generator/sample_tests.cpp";
  EXPECT_EQ(gtest_case_definitions(tests, options), (std::map<std::string, SourceLocation>{{"Math.Adds", {file, 8}}}));
  EXPECT_EQ(asked, std::vector<fs::path>{binary});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].at("Math.Adds"), (SourceLocation{file, 8}));
  EXPECT_EQ(autofix::testing::read_file(runs), "ran\n");

  known = std::map<std::string, SourceLocation>{{"Math.Adds", {"kept.cpp", 3}}};
  EXPECT_EQ(gtest_case_definitions(tests, options),
            (std::map<std::string, SourceLocation>{{"Math.Adds", {"kept.cpp", 3}}}));
  EXPECT_EQ(autofix::testing::read_file(runs), "ran\n");  // not run again
  EXPECT_EQ(kept.size(), 1u);

  known.reset();
  executable_script(binary, "f=${2#--gtest_output=xml:}; exit 3\n");
  EXPECT_TRUE(gtest_case_definitions(tests, options).empty());
  EXPECT_EQ(kept.size(), 1u);  // a listing that failed is not kept
}

TEST(GtestListing, ABinaryOfAnotherFrameworkIsNotRun) {
  TempDir dir;
  fs::path marker = dir / "ran";
  fs::path script = executable_script(dir / "not gtest", "touch '" + marker.string() + "'\n");
  GtestListingOptions options;
  options.build_dir = dir.path();
  options.listing_dir = dir / "listings";
  EXPECT_TRUE(gtest_case_definitions({one_case("Calc.Adds", script, dir.path())}, options).empty());
  EXPECT_FALSE(fs::exists(marker));
}

// Junk, a failure, a hang or nothing written: no locations and a problem, never an exception.
TEST(GtestListing, ABinaryThatCannotListGivesNoCases) {
  TempDir dir;
  DiscoveredTest t = one_case("Calc.Adds", "unused", dir.path());
  GtestListingOptions options;
  options.build_dir = dir.path();
  options.timeout = std::chrono::milliseconds(300);
  const fs::path file = dir / "listings" / "1.xml";
  struct Case {
    std::string body;
    std::string problem;  // a part of it
  };
  const std::vector<Case> cases = {
      {"f=${2#--gtest_output=xml:}; echo '<testsuites><testsuite name=\"Calc\"><testcase' > \"$f\"\n",
       "malformed XML"},
      {"f=${2#--gtest_output=xml:}; echo '<html/>' > \"$f\"\n", "not a JUnit report"},
      {"exit 3\n", "exit code 3"},
      {"exec sleep 30\n", "timed out"},
      {"exit 0\n", "it wrote no listing"},
  };
  for (const Case& c : cases) {
    fs::path script = executable_script(dir / "calc tests", c.body);
    auto begin = std::chrono::steady_clock::now();
    GtestListing listing = list_gtest_binary(script, t, file, options);
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10)) << c.body;
    EXPECT_TRUE(listing.cases.empty()) << c.body;
    EXPECT_NE(listing.problem.find(c.problem), std::string::npos) << c.body << listing.problem;
  }
  EXPECT_NE(list_gtest_binary(dir / "missing", t, file, options).problem, "");
}

}  // namespace
}  // namespace autofix::runners
