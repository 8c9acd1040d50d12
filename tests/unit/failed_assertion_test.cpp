// SPDX-License-Identifier: MIT
#include "runners/failed_assertion.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "gate/util/utf8_text.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;

// Console outputs and JUnit reports of real runs of tests/data/junit/generator (see the README there).
// The binaries print their sources' absolute paths: those of the tree each fixture was generated in.
fs::path data_dir() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "junit"; }
std::string fixture(const std::string& name) { return autofix::testing::read_file(data_dir() / name); }
const std::string kConsoleSources = "/work/wt/model/tests/data/junit/generator/";  // *_console.txt

// The part of `text` from the line that starts with `from` on.
std::string from_line(const std::string& text, const std::string& from) {
  size_t at = text.find("\n" + from);
  if (at == std::string::npos) throw std::runtime_error("no line '" + from + "' in the fixture");
  return text.substr(at + 1);
}

FailedAssertion at(const std::string& file, int line, const std::string& message) { return {{file, line}, message}; }

TEST(FailedAssertion, GoogleTestConsoleGivesTheFirstFailureAndItsMessage) {
  EXPECT_EQ(first_failed_assertion(fixture("gtest_console.txt")),
            at(kConsoleSources + "sample_tests.cpp", 11,
               "Expected equality of these values:\n  3 - 1\n    Which is: 2\n  1\nsubtraction is broken"));
}

TEST(FailedAssertion, GoogleTestValueParameterizedFailure) {
  std::string text = from_line(fixture("gtest_console.txt"), "[ RUN      ] Values/Param.IsSmall/1");
  EXPECT_EQ(first_failed_assertion(text),
            at(kConsoleSources + "sample_tests.cpp", 20, "Expected: (GetParam()) < (2), actual: 2 vs 2"));
}

TEST(FailedAssertion, HostileBytesInTheMessageComeOutAsValidUtf8) {
  std::string text = from_line(fixture("gtest_console.txt"), "[ RUN      ] Hostile.Message");
  std::optional<FailedAssertion> a = first_failed_assertion(text);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->location, (SourceLocation{kConsoleSources + "sample_tests.cpp", 17}));
  EXPECT_EQ(a->message, sanitize_utf8("Failed\nbad utf8: \xff\xfe ctrl: \x01\x02 cdata end: ]]> markup: <b>&amp;</b>"));
  EXPECT_EQ(sanitize_utf8(a->message), a->message);
}

TEST(FailedAssertion, AGoogleTestSkipIsNoFailure) {
  std::string text = from_line(fixture("gtest_console.txt"), "[ RUN      ] Math.SkippedOne");
  text = text.substr(0, text.find("[----------]"));
  ASSERT_NE(text.find(": Skipped"), std::string::npos) << text;
  EXPECT_EQ(first_failed_assertion(text), std::nullopt);
}

TEST(FailedAssertion, Catch2ConsoleSkipsTheTestCaseHeader) {
  EXPECT_EQ(first_failed_assertion(fixture("catch2_console.txt")),
            at(kConsoleSources + "catch2_tests.cpp", 7, "  CHECK( difference == 1 )\nwith expansion:\n  2 == 1"));
  std::string throws = from_line(fixture("catch2_console.txt"), "throws");
  EXPECT_EQ(first_failed_assertion(throws),
            at(kConsoleSources + "catch2_tests.cpp", 13, "due to unexpected exception with message:\n  boom"));
}

TEST(FailedAssertion, DoctestConsoleSkipsTheTestCaseHeader) {
  EXPECT_EQ(first_failed_assertion(fixture("doctest_console.txt")),
            at(kConsoleSources + "doctest_tests.cpp", 9,
               "CHECK( difference == 1 ) is NOT correct!\n  values: CHECK( 2 == 1 )"));
}

// Not from a real binary (no MSVC here): the form GoogleTest prints when built with MSVC, in a path with
// spaces, parentheses and a drive letter.
TEST(FailedAssertion, MsvcStyleLocation) {
  std::string text =
      "[ RUN      ] Foo.Bar\r\nC:\\src\\my tests (x64)\\foo_test.cpp(12): error: Value of: ok\r\n"
      "  Actual: false\r\nExpected: true\r\n[  FAILED  ] Foo.Bar (0 ms)\r\n";
  EXPECT_EQ(first_failed_assertion(text),
            at("C:\\src\\my tests (x64)\\foo_test.cpp", 12, "Value of: ok\n  Actual: false\nExpected: true"));
}

TEST(FailedAssertion, PathsMayHoldSpacesColonsAndDigits) {
  EXPECT_EQ(first_failed_assertion("/tmp/a b:1/x (2)_test.cpp:33: Failure\nFailed\n"),
            at("/tmp/a b:1/x (2)_test.cpp", 33, "Failed"));
  EXPECT_EQ(first_failed_assertion("x_test.cc:4: FATAL ERROR: REQUIRE( p ) is NOT correct!\n"),
            at("x_test.cc", 4, "REQUIRE( p ) is NOT correct!"));
}

TEST(FailedAssertion, AnExceptionWithoutLocation) {
  EXPECT_EQ(first_failed_assertion("[ RUN      ] A.B\nunknown file: Failure\n"
                                   "C++ exception with description \"boom\" thrown in the test body.\n"
                                   "[  FAILED  ] A.B (0 ms)\n"),
            at("", 0, "C++ exception with description \"boom\" thrown in the test body."));
}

TEST(FailedAssertion, LinesThatNameNoFailureOrNoFileAreNone) {
  EXPECT_EQ(first_failed_assertion(""), std::nullopt);
  EXPECT_EQ(first_failed_assertion("[==========] 3 tests ran.\n[  PASSED  ] 3 tests.\n"), std::nullopt);
  EXPECT_EQ(first_failed_assertion("connecting to localhost:8080: error: refused\n"), std::nullopt);
  EXPECT_EQ(first_failed_assertion("error: something broke\nFAILED: 3 tests\n"), std::nullopt);
  EXPECT_EQ(first_failed_assertion("/src/a.cpp:0: Failure\n"), std::nullopt);  // lines start at 1
  EXPECT_EQ(first_failed_assertion("/src/a.cpp:12:5: error: not ours\n"), std::nullopt);  // a compiler's
  EXPECT_EQ(first_failed_assertion("/src/a.cpp:12: Failures\n"), std::nullopt);
}

TEST(FailedAssertion, TheMessageIsCapped) {
  std::string text = "/src/a.cpp:3: Failure\n";
  for (int i = 0; i < 30; ++i) text += "line " + std::to_string(i) + "\n";
  std::optional<FailedAssertion> a = first_failed_assertion(text);
  ASSERT_TRUE(a);
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(a->message, expected + "[...]");
  std::optional<FailedAssertion> wide = first_failed_assertion("/src/a.cpp:3: Failure\n" + std::string(5000, 'x'));
  ASSERT_TRUE(wide);
  EXPECT_EQ(wide->message, std::string(kMaxAssertionMessageBytes, 'x') + " [...]");
}

// ---- JUnit <failure> bodies ------------------------------------------------------------------------------

TEST(FailedAssertionInReport, GoogleTestLocationFirst) {
  EXPECT_EQ(failed_assertion_in_report("/src/x_test.cpp:11\nExpected equality of these values:\n  3 - 1\n"
                                       "    Which is: 2\n  1\nsubtraction is broken"),
            at("/src/x_test.cpp", 11,
               "Expected equality of these values:\n  3 - 1\n    Which is: 2\n  1\nsubtraction is broken"));
}

TEST(FailedAssertionInReport, DoctestLocationFirstWithAColon) {
  EXPECT_EQ(failed_assertion_in_report("\n/src/d.cpp:9:\nCHECK( difference == 1 ) is NOT correct!\n"
                                       "  values: CHECK( 2 == 1 )\n\n      "),
            at("/src/d.cpp", 9, "CHECK( difference == 1 ) is NOT correct!\n  values: CHECK( 2 == 1 )"));
}

TEST(FailedAssertionInReport, Catch2LocationLast) {
  EXPECT_EQ(failed_assertion_in_report("\nFAILED:\n  CHECK( difference == 1 )\nwith expansion:\n  2 == 1\n"
                                       "at /src/my tests/c.cpp:7\n      "),
            at("/src/my tests/c.cpp", 7, "  CHECK( difference == 1 )\nwith expansion:\n  2 == 1"));
}

TEST(FailedAssertionInReport, ConsoleTextAndNoLocation) {
  EXPECT_EQ(failed_assertion_in_report("about to fail\n/src/a.cpp:5: Failure\nFailed\n"), at("/src/a.cpp", 5, "Failed"));
  EXPECT_EQ(failed_assertion_in_report("\n        boom\n      "), std::nullopt);
  EXPECT_EQ(failed_assertion_in_report(""), std::nullopt);
}

}  // namespace
}  // namespace autofix::runners
