// SPDX-License-Identifier: MIT
#include "runners/failure_lines.h"

#include <gtest/gtest.h>

namespace autofix::runners {
namespace {

using Lines = std::vector<std::string>;

TEST(FailureLines, PicksTheLinesThatReportFailures) {
  std::string out =
      "running 4 checks\n"
      "check add ... ok\n"
      "check mul ... FAILED: expected 6, got 5\n"
      "a.out: calc.c:41: main: Assertion `x == 2' failed.\n"
      "not ok 3 - parses negative numbers\n"
      "error handling ... ok\n"  // "error" as a word: kept, and compared like the rest
      "test_error_path passed\n"  // part of a name: not a word
      "Errors: 2\n";
  EXPECT_EQ(failure_lines(out), (Lines{"check mul ... FAILED: expected 6, got 5",
                                       "a.out: calc.c:41: main: Assertion `x == 2' failed.",
                                       "not ok 3 - parses negative numbers", "error handling ... ok", "Errors: 2"}));
}

TEST(FailureLines, JoinsTheExpressionToALineEndingInAColon) {
  // Catch2's console reporter: the location line, then the expression on the next non-empty line.
  std::string out = "/src/t.cpp:15: FAILED:\n\n  REQUIRE( x == 2 )\nwith expansion:\n  1 == 2\n";
  EXPECT_EQ(failure_lines(out), (Lines{"/src/t.cpp:15: FAILED: REQUIRE( x == 2 )"}));
}

TEST(FailureLines, NormalizesWhatChangesFromRunToRun) {
  EXPECT_EQ(normalize_failure_line("  FAILED at 0x7ffd5e8a10 after 12 ms (pid 4242)  "), "FAILED at 0x# after # s (pid #)");
  EXPECT_EQ(normalize_failure_line("12:34:56.789 error: timed out after 0.31s"), "#:#:# error: timed out after # s");
  EXPECT_EQ(normalize_failure_line("error\t\t  in   3 sec"), "error in # s");
  EXPECT_EQ(normalize_failure_line("pid=77 fail"), "pid # fail");
  // Other numbers stay: two different checks are two different failures.
  EXPECT_EQ(normalize_failure_line("check 12 failed"), "check 12 failed");
  EXPECT_NE(normalize_failure_line("check 12 failed"), normalize_failure_line("check 13 failed"));
  // Numbers inside words are no durations or addresses.
  EXPECT_EQ(normalize_failure_line("test_0x1 failed in v2s"), "test_0x1 failed in v2s");
}

TEST(FailureLines, TwoRunsOfOneFailureCompareEqual) {
  std::string first = "Assertion failed at 0x5555deadbeef (took 3 ms)\nFAIL: big_input (0.52 s)\n";
  std::string second = "Assertion failed at 0x5555cafe0000 (took 17 ms)\nFAIL: big_input (1.90 s)\n";
  EXPECT_EQ(failure_lines(first), failure_lines(second));
}

TEST(FailureLines, CapsLinesAndTheirLength) {
  std::string out;
  for (int i = 0; i < 250; ++i) out += "check " + std::to_string(i) + " failed\n";
  Lines lines = failure_lines(out);
  ASSERT_EQ(lines.size(), kMaxFailureLines + 1);
  EXPECT_EQ(lines.front(), "check 0 failed");
  EXPECT_EQ(lines[kMaxFailureLines - 1], "check 199 failed");
  EXPECT_EQ(lines.back(), "[... 50 more failure lines ...]");
  std::string longest = normalize_failure_line("failed " + std::string(5000, 'x'));
  EXPECT_EQ(longest.size(), kMaxFailureLineBytes + std::string(" [...]").size());
}

TEST(FailureLines, UntrustedBytesBecomeValidText) {
  Lines lines = failure_lines(std::string("FAIL \xff\xfe\x00 tail\n", 15));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::string("FAIL \xEF\xBF\xBD\xEF\xBF\xBD\x00 tail", 17));
  EXPECT_TRUE(failure_lines("").empty());
  EXPECT_TRUE(failure_lines("all 12 checks passed\n").empty());
}

}  // namespace
}  // namespace autofix::runners
