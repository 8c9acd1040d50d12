// SPDX-License-Identifier: MIT
#include "runners/ctest_runner.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "gate/results/test_names.h"
#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using namespace std::chrono_literals;

fs::path data_dir() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "junit"; }

std::map<std::string, std::string> statuses(const std::vector<TestResult>& results) {
  std::map<std::string, std::string> map;
  for (const auto& r : results) map.emplace(r.name, to_string(r.status));
  return map;
}

// ---- json-v1 and filters --------------------------------------------------------------------------

TEST(CTestShowOnly, ParsesTheRealJson) {
  auto tests = parse_show_only_json(autofix::testing::read_file(data_dir() / "ctest_show_only.json"));
  ASSERT_EQ(tests.size(), 26u);
  std::map<std::string, DiscoveredTest> by_name;
  for (const auto& t : tests) by_name.emplace(t.name, t);
  const DiscoveredTest& adds = by_name.at("discovered.Math.Adds");
  ASSERT_EQ(adds.command.size(), 3u);
  EXPECT_EQ(fs::path(adds.command[0]).filename(), "sample_tests");
  EXPECT_EQ(adds.command[1], "--gtest_filter=Math.Adds");
  EXPECT_EQ(adds.labels, std::vector<std::string>{"discovered"});
  ASSERT_TRUE(adds.timeout.has_value());
  EXPECT_EQ(*adds.timeout, 2.0);
  EXPECT_FALSE(adds.working_directory.empty());
  const DiscoveredTest& whole = by_name.at("whole_binary");
  EXPECT_EQ(whole.command.back(), "--gtest_filter=-Slow.*");
  EXPECT_TRUE(whole.labels.empty());
  EXPECT_FALSE(whole.timeout.has_value());
  EXPECT_TRUE(by_name.at("not_run_missing_program").command.empty());  // CTest could not find it
  EXPECT_EQ(by_name.at("name with spaces (and parens)").timeout, 1.0);
}

TEST(CTestShowOnly, RefusesAnythingElse) {
  auto kind_of = [](const std::string& text) {
    try {
      parse_show_only_json(text, "the output");
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("the output"), std::string::npos) << e.what();
      return e.kind();
    }
    ADD_FAILURE() << "accepted: " << text;
    return ErrorKind::usage;
  };
  EXPECT_EQ(kind_of(""), ErrorKind::internal);
  EXPECT_EQ(kind_of("{\"kind\": \"ctestInfo\", "), ErrorKind::internal);
  EXPECT_EQ(kind_of("[]"), ErrorKind::internal);
  EXPECT_EQ(kind_of(R"({"kind":"other","version":{"major":1},"tests":[]})"), ErrorKind::internal);
  EXPECT_EQ(kind_of(R"({"kind":"ctestInfo","version":{"major":2},"tests":[]})"), ErrorKind::internal);
  EXPECT_EQ(kind_of(R"({"kind":"ctestInfo","version":{"major":1}})"), ErrorKind::internal);
  EXPECT_EQ(kind_of(R"({"kind":"ctestInfo","version":{"major":1},"tests":[{"command":["x"]}]})"),
            ErrorKind::internal);
  EXPECT_EQ(kind_of(R"({"kind":"ctestInfo","version":{"major":1},"tests":[{"name":"a","command":"x"}]})"),
            ErrorKind::internal);
  EXPECT_TRUE(parse_show_only_json(R"({"kind":"ctestInfo","version":{"major":1,"minor":0},"tests":[]})").empty());
}

TEST(CTestShowOnly, FindsTheDocumentAmongWhatTheProjectPrints) {
  const std::string doc = R"({
  "kind" : "ctestInfo",
  "version" : { "major" : 1, "minor" : 0 },
  "tests" : [ { "name" : "project::test", "command" : [ "/b/t" ] } ]
})";
  // CTEST_CUSTOM_PRE_TEST output before, CTEST_CUSTOM_POST_TEST output right after the closing brace
  // (ctest prints no newline there), and a line of the project's own that starts with a brace.
  for (const std::string& text : {"Checking pre-test stuff\n" + doc + "Post test {\n",
                                  "{ not json\n" + doc + "\n",
                                  "[pre] {\n{\"kind\": \"other\"}\n" + doc,
                                  doc}) {
    auto tests = parse_show_only_json(text);
    ASSERT_EQ(tests.size(), 1u) << text;
    EXPECT_EQ(tests[0].name, "project::test");
  }
  // Only the other document: it is reported, not taken for CTest's.
  try {
    parse_show_only_json("pre\n{\"kind\": \"other\", \"version\": {\"major\": 1}, \"tests\": []}\n", "out");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"kind\" is not \"ctestInfo\""), std::string::npos) << e.what();
  }
  try {
    parse_show_only_json("no json at all\n", "out");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no JSON object in it (no json at all"), std::string::npos) << e.what();
  }
}

TEST(CTestShowOnly, ReadsTheEnvironmentAndWhatOnlyCTestHonours) {
  auto tests = parse_show_only_json(R"({"kind": "ctestInfo", "version": {"major": 1}, "tests": [
    {"name": "plain", "command": ["/b/t"], "properties": [
      {"name": "ENVIRONMENT", "value": ["DATA=/d", "MODE=a=b"]}, {"name": "WORKING_DIRECTORY", "value": "/w"}]},
    {"name": "fixture", "command": ["/b/t"], "properties": [{"name": "FIXTURES_REQUIRED", "value": ["db"]}]},
    {"name": "regex", "command": ["/b/t"], "properties": [{"name": "PASS_REGULAR_EXPRESSION", "value": ["ok"]}]},
    {"name": "envmod", "command": ["/b/t"], "properties": [{"name": "ENVIRONMENT_MODIFICATION", "value": ["P=set:1"]}]}
  ]})");
  ASSERT_EQ(tests.size(), 4u);
  EXPECT_EQ(tests[0].environment, (std::vector<std::string>{"DATA=/d", "MODE=a=b"}));
  EXPECT_EQ(tests[0].working_directory, "/w");
  EXPECT_FALSE(tests[0].needs_ctest);
  EXPECT_TRUE(tests[1].needs_ctest);
  EXPECT_TRUE(tests[2].needs_ctest);
  EXPECT_TRUE(tests[3].needs_ctest);
}

// ---- failing closed, with a fake ctest ------------------------------------------------------------

// A build directory with a fake `ctest`: `--show-only=json-v1` prints show.json; a run executes `body`
// with $junit and $log set to the --output-junit and --output-log paths.
class FakeCTest {
 public:
  explicit FakeCTest(const std::string& body,
                     const std::string& show_only =
                         R"({"kind":"ctestInfo","version":{"major":1,"minor":0},"tests":[{"name":"t","command":["/bin/true"]}]})") {
    build_ = dir_ / "build dir";
    write_file(build_ / "CTestTestfile.cmake", "# fake\n");
    write_file(dir_ / "show.json", show_only);
    program_ = dir_ / "fake ctest";
    write_file(program_, "#!/bin/sh\n"
                         "junit=; log=; prev=\n"
                         "for a in \"$@\"; do\n"
                         "  case \"$a\" in --show-only=*) cat \"" + (dir_ / "show.json").string() + "\"; exit 0;; esac\n"
                         "  case \"$prev\" in --output-junit) junit=$a;; --output-log) log=$a;; esac\n"
                         "  prev=$a\n"
                         "done\n" +
                         body + "\n");
    ::chmod(program_.c_str(), 0755);
  }
  CTestOptions options() const {
    CTestOptions o;
    o.build_dir = build_;
    o.output_dir = dir_ / "out";
    o.jobs = 1;
    o.ctest = program_.string();
    return o;
  }
  const fs::path& build() const { return build_; }

 private:
  TempDir dir_;
  fs::path build_;
  fs::path program_;
};

const std::string kPassingJunit = R"(printf '<testsuite tests="1"><testcase name="t" status="run"/></testsuite>' > "$junit")";

Error run_error(const CTestOptions& options) {
  try {
    run_ctest(options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "run_ctest did not throw";
  return Error(ErrorKind::usage, "");
}

TEST(CTestRunner, FakeHappyPath) {
  FakeCTest fake(kPassingJunit + "\n: > \"$log\"\nexit 0");
  int group = 0;
  CTestOptions o = fake.options();
  o.on_started = [&](int g) { group = g; };
  CTestRun run = run_ctest(o);
  ASSERT_EQ(run.tests.size(), 1u);
  EXPECT_EQ(run.tests[0].status, TestStatus::passed);
  EXPECT_TRUE(run.cases.empty());
  EXPECT_EQ(run.process.exit_code, 0);
  EXPECT_GT(group, 0);
  EXPECT_EQ(run.junit_file, fs::absolute(o.output_dir) / "ctest-junit.xml");
}

TEST(CTestRunner, TheProjectsOwnOutputLimitsWin) {
  FakeCTest fake(kPassingJunit + "\n: > \"$log\"\nprintf '%s\\n' \"$@\" > \"$(dirname \"$log\")/args\"\nexit 0");
  CTestOptions o = fake.options();
  auto args = [&] { return autofix::testing::read_file(o.output_dir / "args"); };
  run_ctest(o);
  EXPECT_NE(args().find("--test-output-size-passed\n4096\n--test-output-size-failed\n65536\n--test-output-truncation\nmiddle\n"),
            std::string::npos)
      << args();
  // A CTestCustom.cmake that sets the passed-output limit: plain ctest would use it, so the gate does too.
  write_file(fake.build() / "CTestCustom.cmake", "set(CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE 100)\n");
  run_ctest(o);
  EXPECT_EQ(args().find("--test-output-size-passed"), std::string::npos) << args();
  EXPECT_NE(args().find("--test-output-size-failed\n65536\n"), std::string::npos) << args();
}

TEST(CTestRunner, FailsClosedWhenCTestCrashes) {
  FakeCTest fake(kPassingJunit + "\nkill -SEGV $$");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("signal 11"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedOnUnexpectedExitCode) {
  FakeCTest fake(kPassingJunit + "\n: > \"$log\"\necho 'CMake Error: something' >&2\nexit 2");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("exit code 2"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("CMake Error: something"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedWithoutJunit) {
  FakeCTest fake(": > \"$log\"\nexit 8");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::io);
  EXPECT_NE(std::string(e.what()).find("wrote no JUnit report"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedOnMalformedJunit) {
  FakeCTest fake(R"(printf '<testsuite tests="1"><testcase name="t" sta' > "$junit")"
                 "\n: > \"$log\"\nexit 8");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::io);
  EXPECT_NE(std::string(e.what()).find("ctest-junit.xml"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedWhenNoTestRan) {
  FakeCTest fake(R"(printf '<testsuite tests="0"/>' > "$junit")"
                 "\n: > \"$log\"\necho 'No tests were found!!!' >&2\nexit 8");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("ran no test"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedWhenExitCodeAndReportDisagree) {
  FakeCTest fake(kPassingJunit + "\n: > \"$log\"\nexit 8");
  Error e = run_error(fake.options());
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("shows none"), std::string::npos) << e.what();
}

TEST(CTestRunner, FailsClosedWithoutLog) {
  FakeCTest fake(kPassingJunit + "\nexit 0");
  EXPECT_EQ(run_error(fake.options()).kind(), ErrorKind::io);
}

TEST(CTestRunner, TheLogsFailedListWinsOverAPassingJunitEntry) {
  FakeCTest fake(kPassingJunit + "\nprintf 'The following tests FAILED:\\n\\t  1 - t (Timeout)\\nErrors\\n' > \"$log\"\nexit 8");
  CTestRun run = run_ctest(fake.options());
  ASSERT_EQ(run.tests.size(), 1u);
  EXPECT_EQ(run.tests[0].status, TestStatus::timeout);
  EXPECT_EQ(run.tests[0].message, "Timeout");
}

TEST(CTestRunner, FailsClosedWhenTheRunOutlivesItsLimit) {
  FakeCTest fake("sleep 30");
  CTestOptions o = fake.options();
  o.overall_timeout = 300ms;
  Error e = run_error(o);
  EXPECT_EQ(e.kind(), ErrorKind::internal);
  EXPECT_NE(std::string(e.what()).find("did not finish"), std::string::npos) << e.what();
}

TEST(CTestRunner, DiscoveryFailuresAreErrors) {
  FakeCTest malformed("exit 0", "{\"kind\": \"ctestInfo\", \"tests\": [");
  try {
    discover_tests(malformed.build(), {}, malformed.options().ctest);
    FAIL() << "malformed JSON accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos) << e.what();
  }
  EXPECT_EQ(run_error(malformed.options()).kind(), ErrorKind::internal);  // before running anything

  TempDir empty;
  try {
    discover_tests(empty.path());
    FAIL() << "a directory without tests was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find("CTestTestfile.cmake"), std::string::npos) << e.what();
  }
  CTestOptions o;
  o.build_dir = empty.path();
  o.output_dir = empty.path() / "out";
  EXPECT_EQ(run_error(o).kind(), ErrorKind::usage);
}

// ---- end to end: a real CMake project with GoogleTest ---------------------------------------------

// Configures dir/src into dir/build with Ninja (Debug) and builds it.
void configure_and_build(const TempDir& dir) {
  auto configure = autofix::testing::run({"cmake", "-S", (dir / "src").string(), "-B", (dir / "build").string(),
                                          "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Debug"},
                                         dir.path());
  ASSERT_TRUE(configure.succeeded()) << configure.out << configure.err;
  auto build = autofix::testing::run({"ninja", "-C", (dir / "build").string(), "-j", "2"}, dir.path());
  ASSERT_TRUE(build.succeeded()) << build.out << build.err;
}

const char* kProjectCMake = R"(cmake_minimum_required(VERSION 3.25)
project(CTestRunnerE2E CXX)
enable_testing()
find_package(GTest REQUIRED)
include(GoogleTest)
add_executable(sample sample.cpp)
target_link_libraries(sample PRIVATE GTest::gtest_main)
gtest_discover_tests(sample TEST_PREFIX "each.")
# The whole binary as one test (without the slow case), and once more for one suite only. RUN_SERIAL:
# runs of one binary that overlap could overwrite each other's XML file.
add_test(NAME whole COMMAND sample --gtest_filter=-Slow.*)
add_test(NAME whole_math COMMAND sample --gtest_filter=Math.*)
set_tests_properties(whole whole_math PROPERTIES RUN_SERIAL TRUE LABELS whole)
add_test(NAME skip_code COMMAND sh -c "exit 77")
set_tests_properties(skip_code PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME off COMMAND true)
set_tests_properties(off PROPERTIES DISABLED TRUE)
add_test(NAME missing COMMAND /nonexistent/program)
)";

const char* kProjectSource = R"(#include <chrono>
#include <string>
#include <thread>
#include <gtest/gtest.h>
TEST(Math, Adds) { EXPECT_EQ(1 + 1, 2); }
TEST(Math, Subtracts) { EXPECT_EQ(3 - 1, 1) << "subtraction is broken"; }
TEST(Math, Skipped) { GTEST_SKIP() << "not today"; }
TEST(Strings, Joins) { EXPECT_EQ(std::string("a") + "b", "ab"); }
TEST(Strings, DISABLED_Later) { FAIL(); }
TEST(Slow, Sleeps) { std::this_thread::sleep_for(std::chrono::seconds(30)); }
)";

TEST(CTestRunnerEndToEnd, StatusesPerTestAndPerCase) {
  TempDir dir;
  write_file(dir / "src/CMakeLists.txt", kProjectCMake);
  write_file(dir / "src/sample.cpp", kProjectSource);
  ASSERT_NO_FATAL_FAILURE(configure_and_build(dir));

  CTestOptions o;
  o.build_dir = dir / "build";
  o.output_dir = dir / "gate out";
  o.jobs = 2;
  o.timeout = 3s;  // each.Slow.Sleeps has no TIMEOUT property: this default stops it
  o.overall_timeout = 120s;
  CTestRun run = run_ctest(o);
  EXPECT_EQ(run.process.exit_code, 8) << run.process.out;
  std::map<std::string, std::string> expected_tests{
      {"each.Math.Adds", "passed"},
      {"each.Math.Subtracts", "failed"},
      {"each.Math.Skipped", "skipped"},
      {"each.Strings.Joins", "passed"},
      {"each.Strings.Later", "skipped"},  // gtest_discover_tests marks DISABLED_ tests DISABLED
      {"each.Slow.Sleeps", "timeout"},
      {"whole", "failed"},
      {"whole_math", "failed"},
      {"skip_code", "skipped"},
      {"off", "skipped"},
      {"missing", "not_run"},
  };
  EXPECT_EQ(statuses(run.tests), expected_tests) << run.process.out;
  std::map<std::string, std::string> expected_cases{
      {"whole::Math.Adds", "passed"},
      {"whole::Math.Subtracts", "failed"},
      {"whole::Math.Skipped", "skipped"},
      {"whole::Strings.Joins", "passed"},
      {"whole::Strings.DISABLED_Later", "skipped"},
      {"whole_math::Math.Adds", "passed"},
      {"whole_math::Math.Subtracts", "failed"},
      {"whole_math::Math.Skipped", "skipped"},
  };
  EXPECT_EQ(statuses(run.cases), expected_cases);
  EXPECT_TRUE(run.warnings.empty()) << run.warnings.front();
  for (const auto& c : run.cases) {
    EXPECT_EQ(c.name, test_name(c.ctest_test, c.case_name));
    if (c.name == "whole::Math.Subtracts") {
      EXPECT_NE(c.output_excerpt.find("subtraction is broken"), std::string::npos) << c.output_excerpt;
    }
  }
  for (const auto& t : run.tests) {
    if (t.name == "each.Slow.Sleeps") {
      EXPECT_EQ(t.message, "Timeout");
    }
  }
  EXPECT_TRUE(fs::exists(run.junit_file));

  // Selecting by label and by name; a run where everything passes exits 0 and is no error.
  o.labels = {"whole"};
  o.tests_regex = {"^whole$"};
  CTestRun selected = run_ctest(o);
  EXPECT_EQ(statuses(selected.tests), (std::map<std::string, std::string>{{"whole", "failed"}}));
  EXPECT_EQ(selected.cases.size(), 5u);
  o.labels.clear();
  o.tests_regex = {"Adds", "Joins"};
  CTestRun passing = run_ctest(o);
  EXPECT_EQ(passing.process.exit_code, 0);
  EXPECT_EQ(statuses(passing.tests),
            (std::map<std::string, std::string>{{"each.Math.Adds", "passed"}, {"each.Strings.Joins", "passed"}}));
  EXPECT_TRUE(passing.cases.empty());

  // Where each case is defined (GoogleTest's XML; a one-case test's file gives its CTest test the place),
  // and the first failing assertion of the output. One job: one-case runs of a binary racing for one XML
  // file name could lose a file (then the place is unknown, never wrong).
  o.jobs = 1;
  o.tests_regex = {"^each\\.Math\\.Subtracts$", "^whole_math$"};
  CTestRun located = run_ctest(o);
  auto source = [&](const SourceLocation& l) { return fs::weakly_canonical(l.file); };
  const fs::path sample = fs::weakly_canonical(dir / "src/sample.cpp");
  std::map<std::string, TestResult> tests, cases;
  for (const auto& t : located.tests) tests.emplace(t.name, t);
  for (const auto& c : located.cases) cases.emplace(c.name, c);
  ASSERT_EQ(tests.size(), 2u);
  ASSERT_EQ(cases.size(), 3u);
  const TestResult& one = tests["each.Math.Subtracts"];
  EXPECT_EQ(source(one.defined_at), sample);
  EXPECT_EQ(one.defined_at.line, 6);
  ASSERT_TRUE(one.first_failure);
  EXPECT_EQ(source(one.first_failure->location), sample);
  EXPECT_EQ(one.first_failure->location.line, 6);
  EXPECT_EQ(one.first_failure->message,
            "Expected equality of these values:\n  3 - 1\n    Which is: 2\n  1\nsubtraction is broken");
  EXPECT_FALSE(tests["whole_math"].defined_at.known());  // the binary as a whole has no place of its own
  EXPECT_EQ(cases["whole_math::Math.Adds"].defined_at.line, 5);
  EXPECT_EQ(source(cases["whole_math::Math.Skipped"].defined_at), sample);
  EXPECT_EQ(cases["whole_math::Math.Skipped"].defined_at.line, 7);
  EXPECT_EQ(cases["whole_math::Math.Subtracts"].first_failure, one.first_failure);
}

// GoogleTest names its file "<binary>.xml" unless that exists, so two runs of one binary that start
// together can write one file at once. Here a later test damages the file of `whole` for certain: the
// gate runs `whole` once more alone and reads its cases from that run.
TEST(CTestRunnerEndToEnd, ADamagedCaseFileIsReadAgainFromALoneRun) {
  TempDir dir;
  write_file(dir / "src/CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.25)
project(DamagedXml CXX)
enable_testing()
find_package(GTest REQUIRED)
add_executable(sample sample.cpp)
target_link_libraries(sample PRIVATE GTest::gtest_main)
add_test(NAME whole COMMAND sample)
add_test(NAME damage COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/damage.sh)
set_tests_properties(damage PROPERTIES DEPENDS whole)
)");
  write_file(dir / "src/damage.sh", "d=${GTEST_OUTPUT#xml:}\nprintf '<testsuites><testsuite>' > \"${d}sample.xml\"\n");
  write_file(dir / "src/sample.cpp", R"(#include <gtest/gtest.h>
TEST(Math, Adds) { EXPECT_EQ(1 + 1, 2); }
TEST(Math, Subtracts) { EXPECT_EQ(3 - 1, 1); }
)");
  ASSERT_NO_FATAL_FAILURE(configure_and_build(dir));

  CTestOptions o;
  o.build_dir = dir / "build";
  o.output_dir = dir / "gate out";
  o.jobs = 2;
  o.overall_timeout = 120s;
  CTestRun run = run_ctest(o);
  EXPECT_EQ(statuses(run.tests), (std::map<std::string, std::string>{{"whole", "failed"}, {"damage", "passed"}}));
  EXPECT_EQ(statuses(run.cases),
            (std::map<std::string, std::string>{{"whole::Math.Adds", "passed"}, {"whole::Math.Subtracts", "failed"}}));
  EXPECT_EQ(run.warnings, std::vector<std::string>{});
  EXPECT_EQ(autofix::testing::read_file(o.output_dir / "gtest/sample.xml"), "<testsuites><testsuite>");
  EXPECT_TRUE(fs::exists(o.output_dir / "cases/cases-1.xml"));

  // Without runs of its own the gate says which file was damaged and which test lacks its cases.
  o.read_failing_cases = false;
  CTestRun without = run_ctest(o);
  EXPECT_TRUE(without.cases.empty());
  ASSERT_EQ(without.warnings.size(), 2u);
  EXPECT_NE(without.warnings[0].find("no per-case results for 'whole': its binary writes XML"), std::string::npos)
      << without.warnings[0];
  EXPECT_NE(without.warnings[1].find("sample.xml"), std::string::npos) << without.warnings[1];
  EXPECT_NE(without.warnings[1].find("its cases were left out"), std::string::npos) << without.warnings[1];
}

// A GoogleTest binary that aborts writes no XML: which cases failed comes from a run of the binary alone.
// Here one case aborts only on its first run ever (as a lost wake-up aborts fmt's format-test now and
// then), so the lone run shows the case that fails; when the binary aborts every time, the gate says so.
TEST(CTestRunnerEndToEnd, ACrashedGoogleTestBinaryIsReadFromALoneRun) {
  TempDir dir;
  write_file(dir / "src/CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.25)
project(Crashing CXX)
enable_testing()
find_package(GTest REQUIRED)
add_executable(sample sample.cpp)
target_link_libraries(sample PRIVATE GTest::gtest_main)
add_test(NAME whole COMMAND sample)
)");
  write_file(dir / "src/sample.cpp", R"(#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
TEST(Math, Adds) { EXPECT_EQ(1 + 1, 2); }
TEST(Math, Subtracts) { EXPECT_EQ(3 - 1, 1); }
TEST(Crash, FirstRunOnly) {
  if (std::filesystem::exists("always") || !std::filesystem::exists("ran once")) {
    std::ofstream("ran once") << "x";
    std::abort();
  }
}
)");
  ASSERT_NO_FATAL_FAILURE(configure_and_build(dir));

  CTestOptions o;
  o.build_dir = dir / "build";
  o.output_dir = dir / "gate out";
  o.jobs = 2;
  o.overall_timeout = 120s;
  CTestRun run = run_ctest(o);
  EXPECT_EQ(statuses(run.tests), (std::map<std::string, std::string>{{"whole", "failed"}}));
  EXPECT_EQ(statuses(run.cases), (std::map<std::string, std::string>{{"whole::Math.Adds", "passed"},
                                                                     {"whole::Math.Subtracts", "failed"},
                                                                     {"whole::Crash.FirstRunOnly", "passed"}}));
  EXPECT_EQ(run.warnings, std::vector<std::string>{});

  write_file(dir / "build/always", "");
  CTestRun again = run_ctest(o);
  EXPECT_EQ(statuses(again.tests), (std::map<std::string, std::string>{{"whole", "failed"}}));
  EXPECT_TRUE(again.cases.empty());
  ASSERT_EQ(again.warnings.size(), 1u);
  EXPECT_EQ(again.warnings[0].rfind("no per-case results for 'whole' (googletest): when the gate ran it alone, ", 0),
            0u)
      << again.warnings[0];
}

// CTest's regular expressions refuse a pattern that compiles to 64 KiB ("Expression too big", and then no
// test runs): a longer selection of exact names goes by test number, within the label filter, and runs
// exactly the tests chosen.
TEST(CTestRunnerEndToEnd, ALongSelectionGoesByNumberAndRunsExactlyThoseTests) {
  TempDir dir;
  auto name_of = [](int i) {
    return "suite::case [" + std::to_string(i) + "] (regex .*+? |^ chars) " + std::string(160, 'x');
  };
  std::string cmake = "cmake_minimum_required(VERSION 3.25)\nproject(Many NONE)\nenable_testing()\n";
  for (int i = 0; i < 1000; ++i) {
    cmake += "add_test(NAME \"" + name_of(i) + "\" COMMAND true)\n";
    cmake += "set_tests_properties(\"" + name_of(i) + "\" PROPERTIES LABELS " + (i % 2 ? "odd" : "even") + ")\n";
  }
  write_file(dir / "src/CMakeLists.txt", cmake);
  ASSERT_NO_FATAL_FAILURE(configure_and_build(dir));

  CTestOptions o;
  o.build_dir = dir / "build";
  o.output_dir = dir / "gate out";
  o.jobs = 2;
  o.overall_timeout = 300s;
  o.labels = {"^even$"};
  std::set<std::string> chosen;
  for (int i = 0; i < 1000; i += 2)
    if (i % 10 != 0) chosen.insert(name_of(i));  // 400 of the 500 even tests: 90,000 characters as -R
  o.names.assign(chosen.begin(), chosen.end());
  o.names.push_back(name_of(1));  // labelled odd: outside the filter, so not run
  CTestRun run = run_ctest(o);
  std::set<std::string> ran;
  for (const TestResult& t : run.tests) {
    ran.insert(t.name);
    EXPECT_EQ(t.status, TestStatus::passed) << t.name;
  }
  EXPECT_EQ(ran, chosen);
}

}  // namespace
}  // namespace autofix::runners
