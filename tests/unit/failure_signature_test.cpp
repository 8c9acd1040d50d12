// SPDX-License-Identifier: MIT
// Signature normalization (gate/policy/failure_signature.h): each rule on messages real tools print, and
// the property the circuit breaker needs: two runs that failed the same way have one signature.
#include "gate/policy/failure_signature.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

std::string data(const std::string& name) {
  return testing::read_file(std::filesystem::path(AUTOFIX_GATE_TEST_DATA) / "failures" / name);
}

TEST(FailureSignature, GoogleTestFailureInATemporaryCheckoutKeepsTheFileAndDropsItsDirectoryAndLine) {
  EXPECT_EQ(normalized_failure_text("/tmp/failcap/proj/t.cpp:3: Failure\nExpected equality of these values:\n"
                                    "  add(2, 3)\n    Which is: -1\n  5\n[  FAILED  ] Math.Adds (0 ms)"),
            "<tmp>/t.cpp:<line>: Failure Expected equality of these values: add(2, 3) Which is: -1 5 "
            "[ FAILED ] Math.Adds (<duration>)");
}

TEST(FailureSignature, CompilerErrorLoosesLineAndColumnButKeepsTheMessage) {
  std::string gcc = data("gcc_undeclared.txt");
  EXPECT_EQ(normalized_failure_text(gcc.substr(0, gcc.find('\n', gcc.find("error:")))),
            "broken.cpp: In function ‘int main()’: broken.cpp:<line>:<col>: error: ‘undefined_name’ was not "
            "declared in this scope");
  EXPECT_EQ(normalized_failure_text("C:\\work\\repo\\src\\a.cpp(12,5): error C2065: 'x': undeclared identifier"),
            "<path>\\a.cpp(<line>,<col>): error C2065: 'x': undeclared identifier");
  EXPECT_EQ(normalized_failure_text("CMake Error at CMakeLists.txt:5 (FetchContent_MakeAvailable):"),
            "CMake Error at CMakeLists.txt:<line> (FetchContent_MakeAvailable):");
}

TEST(FailureSignature, SanitizerReportLoosesPidsAddressesAndAbsolutePaths) {
  std::string asan = data("asan_heap_buffer_overflow.txt");
  std::string first_lines = asan.substr(0, asan.find("#1 "));
  EXPECT_EQ(normalized_failure_text(first_lines),
            "================================================================= ==<pid>==ERROR: AddressSanitizer: "
            "heap-buffer-overflow on address <addr> at pc <addr> bp <addr> sp <addr> WRITE of size 4 at <addr> "
            "thread T0 #0 <addr> in main <tmp>/asan.cpp:<line>");
}

TEST(FailureSignature, CTestTimeoutLoosesTheDuration) {
  EXPECT_EQ(normalized_failure_text("2/2 Test #2: Hangs ............................***Timeout   2.01 sec"),
            "2/2 Test #2: Hangs ............................***Timeout <duration>");
}

TEST(FailureSignature, DatesTimesUuidsHashesPortsAndPidsArePlaceholders) {
  EXPECT_EQ(normalized_failure_text("at 2026-12-07T19:30:12.345Z and 2026-12-07 19:30 and 12/07/2026 and 19:30:12"),
            "at <date> and <date> and <date> and <time>");
  EXPECT_EQ(normalized_failure_text("request 123e4567-e89b-12d3-a456-426614174000 failed"), "request <uuid> failed");
  EXPECT_EQ(normalized_failure_text("commit 4c8cda1f3b2e not found; sha256 "
                                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            "commit <hash> not found; sha256 <hash>");
  EXPECT_EQ(normalized_failure_text("connect to localhost:38123 and 127.0.0.1:8080 and example.com:443 failed on port 5432"),
            "connect to localhost:<port> and 127.0.0.1:<port> and example.com:<port> failed on port <port>");
  EXPECT_EQ(normalized_failure_text("killed pid 4242 (process 4243), PID=17"), "killed pid <pid> (process <pid>), PID=<pid>");
}

TEST(FailureSignature, WordsNumbersAndValuesThatSayWhatFailedStay) {
  // Hex-looking words without a digit, plain numbers and assertion values are what a failure is about.
  EXPECT_EQ(normalized_failure_text("deadbeef expected 1234567 but was 42 in facade"),
            "deadbeef expected 1234567 but was 42 in facade");
  EXPECT_EQ(normalized_failure_text("  tests   2 of 5\tfailed \n"), "tests 2 of 5 failed");
  EXPECT_EQ(normalized_failure_text("src/lib/parser.cpp:88:3: error: x"), "src/lib/parser.cpp:<line>:<col>: error: x");
}

TEST(FailureSignature, TwoRunsOfOneFailureOnOtherMachinesHaveOneSignature) {
  AttemptResult a;
  a.verdict = Verdict::rejected;
  a.reason = "the build failed with the fix: /home/ci/work/repo/src/a.cpp:12:5: error: 'x' was not declared";
  AttemptResult b = a;
  b.reason = "the build failed with the fix: /builds/group/repo/src/a.cpp:14:9: error: 'x' was not declared";
  EXPECT_EQ(failure_signature(a), failure_signature(b));
  EXPECT_EQ(failure_signature(a), "rejected: the build failed with the fix: <path>/a.cpp:<line>:<col>: error: 'x' was not declared");
  b.reason = "the build failed with the fix: /builds/group/repo/src/a.cpp:14:9: error: 'y' was not declared";
  EXPECT_NE(failure_signature(a), failure_signature(b));
}

TEST(FailureSignature, RerunCountsAreNotPartOfTheFailure) {
  // The same regression judged with flaky_reruns 4 and with 0 (a test with a flake history is re-run more).
  AttemptResult a;
  a.verdict = Verdict::rejected;
  a.reason = "1 test broke: Calc.Adds passed without the fix and fails with it "
             "(passed 5 of 5 runs without the fix, failed 5 of 5 runs with it)";
  AttemptResult b = a;
  b.reason = "1 test broke: Calc.Adds passed without the fix and fails with it "
             "(passed 1 of 1 run without the fix, failed 3 of 3 runs with it)";
  EXPECT_EQ(failure_signature(a), failure_signature(b));
  EXPECT_EQ(normalized_failure_text(a.reason),
            "1 test broke: Calc.Adds passed without the fix and fails with it "
            "(passed <n> of <n> runs without the fix, failed <n> of <n> runs with it)");
  // Counts that are not runs stay: they say what failed.
  EXPECT_EQ(normalized_failure_text("2 of 5 cases failed"), "2 of 5 cases failed");
}

TEST(FailureSignature, NamesTheBrokenTestsAndFailingRequiredTiersSorted) {
  AttemptResult r;
  r.verdict = Verdict::rejected;
  r.reason = "2 test(s) broken by the fix";
  TestOutcome t;
  t.transition = Transition::PASS_TO_FAIL;
  t.baseline = TestRecord{};
  t.after = TestRecord{};
  t.name = "zeta";
  t.ctest_test = "zeta";
  r.tests.push_back(t);
  t.name = "Suite::alpha (took 12 ms)";
  t.ctest_test = t.name;
  r.tests.push_back(t);
  TierResult tier;
  tier.name = "static";
  tier.kind = TierKind::clang_tidy;
  tier.required = true;
  tier.status = TierStatus::failed;
  r.tiers.push_back(tier);
  tier.name = "advisory";
  tier.required = false;
  r.tiers.push_back(tier);
  tier.name = "tests";  // a failing ctest tier: its tests are named one by one already
  tier.kind = TierKind::ctest;
  tier.required = true;
  r.tiers.push_back(tier);
  EXPECT_EQ(failure_signature(r),
            "rejected: 2 test(s) broken by the fix\ntest Suite::alpha (took <duration>)\ntest zeta\ntier static");
}

TEST(FailureSignature, AcceptedAndPlannedResultsHaveNone) {
  AttemptResult r;
  r.verdict = Verdict::accepted;
  r.reason = "the build passed";
  EXPECT_EQ(failure_signature(r), "");
  r.verdict = Verdict::planned;
  EXPECT_EQ(failure_signature(r), "");
}

}  // namespace
}  // namespace autofix
