// SPDX-License-Identifier: MIT
#include "runners/test_framework.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

fs::path executable(const fs::path& path, const std::string& content) {
  write_file(path, content);
  ::chmod(path.c_str(), 0755);
  return path;
}

TEST(TestFramework, ReadsTheFrameworkFromItsMarkers) {
  TempDir dir;
  std::string padding(3 << 20, '\x7f');  // markers past the first chunk, and across a chunk boundary
  EXPECT_EQ(framework_of_file(executable(dir / "g", "\x7f" "ELF ... --gtest_output=xml ...")), TestFramework::googletest);
  EXPECT_EQ(framework_of_file(executable(dir / "c", padding + "A Catch2 test executable")), TestFramework::catch2);
  std::string across((1 << 20) - 4, ' ');
  EXPECT_EQ(framework_of_file(executable(dir / "d", across + "[doctest] doctest version is")), TestFramework::doctest);
  EXPECT_EQ(framework_of_file(executable(dir / "plain", "int main() { return run_all(); }")), TestFramework::unknown);
  // Two frameworks in one file: we cannot tell which one runs the cases.
  EXPECT_EQ(framework_of_file(executable(dir / "both", "gtest_output and A Catch2 test executable")), TestFramework::unknown);
  EXPECT_EQ(framework_of_file(dir / "absent"), TestFramework::unknown);
  EXPECT_EQ(framework_of_file(dir.path()), TestFramework::unknown);
}

TEST(TestFramework, LooksThroughWrappers) {
  TempDir dir;
  fs::path wrapper = executable(dir / "run under valgrind", "#!/bin/sh\nexec \"$@\"\n");
  fs::path binary = executable(dir / "bin" / "suite", "A Catch2 test executable");
  DiscoveredTest t;
  t.name = "suite";
  t.command = {wrapper.string(), "--leak-check=full", binary.string(), "--order", "rand"};
  fs::path found;
  EXPECT_EQ(framework_of(t, &found), TestFramework::catch2);
  EXPECT_EQ(found, binary);
  t.command = {wrapper.string(), "--quiet"};
  EXPECT_EQ(framework_of(t), TestFramework::unknown);
  t.command = {};
  EXPECT_EQ(framework_of(t), TestFramework::unknown);
  // A relative program is looked for in the test's working directory.
  t.command = {"bin/suite"};
  t.working_directory = dir.path().string();
  EXPECT_EQ(framework_of(t), TestFramework::catch2);
}

TEST(TestFramework, Catch2ArgumentsEscapeItsSpecialCharactersAndNameEverySectionPrefix) {
  EXPECT_EQ(case_report_arguments(TestFramework::catch2, "/r/cases.xml", {}),
            (std::vector<std::string>{"-r", "junit", "-o", "/r/cases.xml"}));
  EXPECT_EQ(case_report_arguments(TestFramework::catch2, "/r/x.xml", {"breaks, with [brackets] \"and\" ~ * \\"}),
            (std::vector<std::string>{"-r", "junit", "-o", "/r/x.xml",
                                      "breaks\\, with \\[brackets\\] \\\"and\\\" \\~ \\* \\\\"}));
  // "case/section/inner": the report cannot tell which "/" ends the test case's name.
  EXPECT_EQ(case_report_arguments(TestFramework::catch2, "x", {"has sections/second/inner", "plain"}).back(),
            "has sections,has sections/second,has sections/second/inner,plain");
}

TEST(TestFramework, DoctestArgumentsEscapeCommasAndBackslashes) {
  EXPECT_EQ(case_report_arguments(TestFramework::doctest, "/r/d.xml", {}),
            (std::vector<std::string>{"--reporters=junit", "--out=/r/d.xml"}));
  EXPECT_EQ(case_report_arguments(TestFramework::doctest, "d", {"a, b", "c\\d", "[x] (y)"}).back(),
            "--test-case=a\\, b,c\\\\d,[x] (y)");
}

TEST(TestFramework, GoogleTestArgumentsComeLastSoTheyWinOverTheCommandsOwn) {
  EXPECT_EQ(case_report_arguments(TestFramework::googletest, "/r dir/g.xml", {}),
            (std::vector<std::string>{"--gtest_output=xml:/r dir/g.xml"}));
  EXPECT_EQ(case_report_arguments(TestFramework::googletest, "g.xml", {"Suite.A", "Param/Suite.B/0"}),
            (std::vector<std::string>{"--gtest_output=xml:g.xml", "--gtest_filter=Suite.A:Param/Suite.B/0"}));
  EXPECT_THROW(case_report_arguments(TestFramework::unknown, "x", {}), Error);
  // Names are written for GoogleTest's filter (runners/gtest_filter.h); a name it cannot take runs every case.
  EXPECT_EQ(case_report_arguments(TestFramework::googletest, "g.xml", {"Ns::Fixture.with-dash"}).back(),
            "--gtest_filter=Ns??Fixture.with?dash");
  EXPECT_EQ(case_report_arguments(TestFramework::googletest, "g.xml", {"Suite.bad\xEF\xBF\xBDname"}),
            (std::vector<std::string>{"--gtest_output=xml:g.xml"}));
}

}  // namespace
}  // namespace autofix::runners
