// SPDX-License-Identifier: MIT
#include "runners/junit_reader.h"

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"
#include "gate/util/utf8_text.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;

// Fixtures from real runs of tests/data/junit/generator (see the README there).
fs::path data_dir() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "junit"; }
std::string fixture(const std::string& name) { return autofix::testing::read_file(data_dir() / name); }

std::map<std::string, TestResult> by_name(const std::vector<TestResult>& results) {
  std::map<std::string, TestResult> map;
  for (const auto& r : results) map.emplace(r.name, r);
  return map;
}

std::map<std::string, std::string> statuses(const std::vector<TestResult>& results) {
  std::map<std::string, std::string> map;
  for (const auto& r : results) map.emplace(r.name, to_string(r.status));
  return map;
}

bool valid_utf8(const std::string& s) { return sanitize_utf8(s) == s; }

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no Error thrown";
  return ErrorKind::internal;
}

// ---- text helpers -------------------------------------------------------------------------------

TEST(JunitReaderText, StatusNames) {
  EXPECT_STREQ(to_string(TestStatus::passed), "passed");
  EXPECT_STREQ(to_string(TestStatus::failed), "failed");
  EXPECT_STREQ(to_string(TestStatus::timeout), "timeout");
  EXPECT_STREQ(to_string(TestStatus::not_run), "not_run");
  EXPECT_STREQ(to_string(TestStatus::skipped), "skipped");
}

TEST(JunitReaderText, SanitizeKeepsValidUtf8AndReplacesTheRest) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(sanitize_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(sanitize_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(sanitize_utf8("a\xFF" "b"), "a" + fffd + "b");
  EXPECT_EQ(sanitize_utf8("\xC0\xAF"), fffd + fffd);                // overlong '/'
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), fffd + fffd + fffd);     // surrogate
  EXPECT_EQ(sanitize_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // above U+10FFFF
  EXPECT_EQ(sanitize_utf8("end \xE2\x82"), "end " + fffd + fffd);   // cut short
  EXPECT_EQ(sanitize_utf8(std::string("nul\0byte", 8)), std::string("nul\0byte", 8));
}

TEST(JunitReaderText, CapKeepsHeadAndTail) {
  std::string big = "HEAD" + std::string(100000, 'x') + "TAIL";
  std::string capped = cap_text(big, 100);
  EXPECT_LT(capped.size(), 200u);
  EXPECT_EQ(capped.substr(0, 4), "HEAD");
  EXPECT_EQ(capped.substr(capped.size() - 4), "TAIL");
  EXPECT_NE(capped.find("bytes omitted"), std::string::npos);
  EXPECT_EQ(cap_text("short", 100), "short");
  // A multi-byte character cut at the boundary becomes U+FFFD, never a broken sequence.
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xE2\x82\xAC";
  EXPECT_TRUE(valid_utf8(cap_text(euros, 51)));
}

// ---- CTest's own JUnit ----------------------------------------------------------------------------

TEST(CTestJunit, EveryStatusOfTheRealReport) {
  std::vector<TestResult> results = parse_ctest_junit(fixture("ctest_junit.xml"));
  ASSERT_EQ(results.size(), 26u);
  EXPECT_EQ(results.front().name, "discovered.Math.Adds");  // CTest's order
  EXPECT_EQ(results.back().name, "doctest_binary");
  std::map<std::string, std::string> expected{
      {"discovered.Math.Adds", "passed"},
      {"discovered.Math.Subtracts", "failed"},
      {"discovered.Math.SkippedOne", "skipped"},  // SKIP_REGULAR_EXPRESSION_MATCHED
      {"discovered.Strings.Concatenates", "passed"},
      {"discovered.Strings.NotYet", "skipped"},  // DISABLED property
      {"discovered.Hostile.Message", "failed"},
      {"discovered.Slow.Sleeps", "failed"},  // a timeout: the JUnit alone cannot tell (see the log test)
      {"discovered.Values/Param.IsSmall/1", "passed"},
      {"discovered.Values/Param.IsSmall/2", "failed"},
      {"whole_binary", "failed"},
      {"whole_binary_timeout", "failed"},
      {"not_run_missing_program", "not_run"},
      {"disabled_test", "skipped"},
      {"skip_return_code", "skipped"},
      {"missing_required_file", "not_run"},
      {"fixture_setup_fails", "failed"},
      {"needs_broken_fixture", "not_run"},
      {"fails_by_regex", "failed"},
      {"will_fail_passes", "passed"},
      {"crashes", "failed"},
      {"hostile_output", "failed"},
      {"big_output", "failed"},
      {"plain_pass", "passed"},
      {"name with spaces (and parens)", "failed"},
      {"catch2_binary", "failed"},
      {"doctest_binary", "failed"},
  };
  EXPECT_EQ(statuses(results), expected);

  auto r = by_name(results);
  EXPECT_EQ(r["discovered.Math.SkippedOne"].message, "SKIP_REGULAR_EXPRESSION_MATCHED");
  EXPECT_EQ(r["skip_return_code"].message, "SKIP_RETURN_CODE=77");
  EXPECT_EQ(r["disabled_test"].message, "Disabled");
  EXPECT_EQ(r["not_run_missing_program"].message, "Unable to find executable");
  EXPECT_EQ(r["missing_required_file"].message, "Required Files Missing");
  EXPECT_EQ(r["needs_broken_fixture"].message, "Fixture dependency failed");
  EXPECT_EQ(r["fails_by_regex"].message, "Error regular expression found in output. Regex=[ERROR]");
  EXPECT_NEAR(r["discovered.Slow.Sleeps"].duration_s, 2.0, 0.5);
  EXPECT_GT(r["discovered.Math.Adds"].duration_s, 0.0);

  // Excerpts: the test's output, for what did not pass.
  EXPECT_TRUE(r["plain_pass"].output_excerpt.empty());
  EXPECT_NE(r["discovered.Math.Subtracts"].output_excerpt.find("subtraction is broken"), std::string::npos);
  EXPECT_NE(r["hostile_output"].output_excerpt.find("[NON-UTF-8-BYTE-0xFF]"), std::string::npos);
  EXPECT_NE(r["hostile_output"].output_excerpt.find("]]> <tag> &amp;"), std::string::npos);
  const std::string& big = r["big_output"].output_excerpt;
  EXPECT_LE(big.size(), kExcerptCap + 64);
  EXPECT_EQ(big.substr(0, 29), "a line of output that repeats");
  EXPECT_EQ(big.substr(big.size() - 7), "the end");
  EXPECT_NE(big.find("bytes omitted"), std::string::npos);
  for (const auto& result : results) {
    EXPECT_TRUE(valid_utf8(result.name)) << result.name;
    EXPECT_TRUE(valid_utf8(result.output_excerpt)) << result.name;
    EXPECT_TRUE(result.ctest_test.empty());
  }
}

TEST(CTestJunit, LogTellsTimeoutsAndCrashesApart) {
  auto failures = parse_ctest_log_failures(fixture("ctest_log.txt"));
  EXPECT_EQ(failures.size(), 17u);
  EXPECT_EQ(failures["discovered.Slow.Sleeps"], "Timeout");
  EXPECT_EQ(failures["whole_binary_timeout"], "Timeout");
  EXPECT_EQ(failures["name with spaces (and parens)"], "Timeout");
  EXPECT_EQ(failures["crashes"], "SEGFAULT");
  EXPECT_EQ(failures["discovered.Math.Subtracts"], "Failed");
  EXPECT_EQ(failures["not_run_missing_program"], "Not Run");
  EXPECT_EQ(failures.count("plain_pass"), 0u);
  EXPECT_EQ(failures.count("skip_return_code"), 0u);  // "did not run", not "FAILED"
  EXPECT_TRUE(parse_ctest_log_failures("100% tests passed, 0 tests failed out of 3\n").empty());
  EXPECT_TRUE(parse_ctest_log_failures("").empty());
}

TEST(CTestJunit, ChildElementsWinOverTheStatusClaimed) {
  auto results = parse_ctest_junit(R"(<testsuite tests="5">
    <testcase name="liar" status="run"><failure message="boom"/></testcase>
    <testcase name="sneaky" status="run"><skipped message="whatever"/></testcase>
    <testcase name="odd" status="exploded"/>
    <testcase name="late" status="fail"><failure message="Timeout"/></testcase>
    <testcase name="regex" status="fail"><failure message="Error regular expression found in output. Regex=[timeout]"/></testcase>
  </testsuite>)");
  auto r = by_name(results);
  EXPECT_EQ(r["liar"].status, TestStatus::failed);
  EXPECT_EQ(r["liar"].message, "boom");
  EXPECT_EQ(r["odd"].status, TestStatus::failed);
  EXPECT_NE(r["odd"].message.find("exploded"), std::string::npos);
  EXPECT_EQ(r["sneaky"].status, TestStatus::not_run);
  EXPECT_EQ(r["late"].status, TestStatus::timeout);
  EXPECT_EQ(r["regex"].status, TestStatus::failed);
}

TEST(CTestJunit, MalformedOrLyingDocumentsAreRefusedNamingTheSource) {
  std::string real = fixture("ctest_junit.xml");
  try {
    parse_ctest_junit(real.substr(0, real.size() / 2), "/some/dir/ctest-junit.xml");
    FAIL() << "a truncated report was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("/some/dir/ctest-junit.xml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("malformed XML"), std::string::npos) << e.what();
  }
  EXPECT_EQ(kind_of([] { parse_ctest_junit(""); }), ErrorKind::io);
  EXPECT_EQ(kind_of([] { parse_ctest_junit("not xml at all"); }), ErrorKind::io);
  EXPECT_EQ(kind_of([] { parse_ctest_junit("<html><body/></html>"); }), ErrorKind::io);
  EXPECT_EQ(kind_of([] { parse_ctest_junit(R"(<testsuite tests="1"><testcase status="run"/></testsuite>)"); }),
            ErrorKind::io);  // no name
  EXPECT_EQ(kind_of([] {
              parse_ctest_junit(R"(<testsuite tests="2"><testcase name="a" status="run"/></testsuite>)");
            }),
            ErrorKind::io);  // claims more tests than it lists
  EXPECT_EQ(kind_of([] { parse_ctest_junit(R"(<testsuite tests="x"><testcase name="a" status="run"/></testsuite>)"); }),
            ErrorKind::io);
  EXPECT_TRUE(parse_ctest_junit(R"(<testsuite tests="0"/>)").empty());
}

TEST(CTestJunit, HostileInputIsCappedNotCrashedOn) {
  // Billion laughs: pugixml does not expand DTD entities, so nothing grows.
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">\n";
  }
  laughs += "]>\n<testsuite tests=\"1\"><testcase name=\"&lol9;\" status=\"fail\"><failure message=\"&lol9;\"/>"
            "<system-out>&lol9;</system-out></testcase></testsuite>";
  try {
    auto results = parse_ctest_junit(laughs);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_LT(results[0].name.size() + results[0].message.size() + results[0].output_excerpt.size(), 1000u);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
  }

  // 10 MB of output and a 1 MB name, with invalid UTF-8 and markup-looking text.
  std::string output(10 * 1024 * 1024, 'o');
  output.replace(0, 5, "BEGIN");
  output.replace(output.size() - 3, 3, "END");
  output[5000] = '\xFF';
  std::string long_name(1024 * 1024, 'n');
  long_name[10] = '\xC0';
  auto results = parse_ctest_junit("<testsuite tests=\"1\"><testcase name=\"" + long_name +
                                   "\" status=\"fail\" time=\"nan\"><failure message=\"\"/><system-out>" + output +
                                   "</system-out></testcase></testsuite>");
  ASSERT_EQ(results.size(), 1u);
  const TestResult& r = results[0];
  EXPECT_LE(r.output_excerpt.size(), kExcerptCap + 64);
  EXPECT_EQ(r.output_excerpt.substr(0, 5), "BEGIN");
  EXPECT_EQ(r.output_excerpt.substr(r.output_excerpt.size() - 3), "END");
  EXPECT_LE(r.name.size(), kNameCap + 64);
  EXPECT_TRUE(valid_utf8(r.name));
  EXPECT_TRUE(valid_utf8(r.output_excerpt));
  EXPECT_EQ(r.duration_s, 0.0);

  // Deep nesting: no recursion in the parser or in our walk.
  std::string deep = "<testsuite tests=\"0\">";
  for (int i = 0; i < 200000; ++i) deep += "<testsuite>";
  for (int i = 0; i < 200000; ++i) deep += "</testsuite>";
  deep += "</testsuite>";
  EXPECT_TRUE(parse_ctest_junit(deep).empty());
  std::string deep_text = "<testsuite tests=\"1\"><testcase name=\"d\" status=\"fail\"><system-out>";
  for (int i = 0; i < 200000; ++i) deep_text += "<b>x";
  for (int i = 0; i < 200000; ++i) deep_text += "</b>";
  deep_text += "</system-out></testcase></testsuite>";
  auto deep_results = parse_ctest_junit(deep_text);
  ASSERT_EQ(deep_results.size(), 1u);
  EXPECT_LE(deep_results[0].output_excerpt.size(), kExcerptCap + 64);
}

// ---- test binaries' XML -------------------------------------------------------------------------

TEST(TestBinaryJunit, GoogleTestWholeBinary) {
  auto results = parse_test_binary_xml(fixture("gtest_whole_binary.xml"), "whole_binary");
  std::map<std::string, std::string> expected{
      {"whole_binary::Math.Adds", "passed"},
      {"whole_binary::Math.Subtracts", "failed"},
      {"whole_binary::Math.SkippedOne", "skipped"},
      {"whole_binary::Strings.Concatenates", "passed"},
      {"whole_binary::Strings.DISABLED_NotYet", "skipped"},
      {"whole_binary::Hostile.Message", "failed"},
      {"whole_binary::Values/Param.IsSmall/0", "passed"},
      {"whole_binary::Values/Param.IsSmall/1", "failed"},
  };
  EXPECT_EQ(statuses(results), expected);
  ASSERT_EQ(results.size(), 8u);
  EXPECT_EQ(results[0].name, "whole_binary::Math.Adds");  // the file's order
  auto r = by_name(results);
  for (const auto& result : results) {
    EXPECT_EQ(result.ctest_test, "whole_binary");
    EXPECT_TRUE(valid_utf8(result.output_excerpt));
    EXPECT_TRUE(valid_utf8(result.message));
  }
  EXPECT_NE(r["whole_binary::Math.Subtracts"].output_excerpt.find("subtraction is broken"), std::string::npos);
  EXPECT_NE(r["whole_binary::Math.SkippedOne"].message.find("not today"), std::string::npos);
  EXPECT_EQ(r["whole_binary::Strings.DISABLED_NotYet"].message, "Disabled");
  // GoogleTest wrote the message's invalid UTF-8 as it was; we keep it readable and valid.
  const std::string& hostile = r["whole_binary::Hostile.Message"].output_excerpt;
  EXPECT_NE(hostile.find("bad utf8: \xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos) << hostile;
  EXPECT_NE(hostile.find("cdata end: ]]>"), std::string::npos) << hostile;
}

TEST(TestBinaryJunit, GoogleTestSingleCaseAndListing) {
  auto single = parse_test_binary_xml(fixture("gtest_single_case.xml"), "");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].name, "Math.Subtracts");
  EXPECT_EQ(single[0].status, TestStatus::failed);
  // `--gtest_list_tests` writes a listing: no results at all, certainly no "passed" ones.
  EXPECT_TRUE(parse_test_binary_xml(fixture("gtest_list_tests.xml"), "t").empty());
}

// A real `--gtest_list_tests --gtest_output=xml:` document: "Suite.Case" (parameterized names whole) ->
// file and line, exactly as the binary printed them.
TEST(GtestListingXml, MapsEachListedCaseToWhereItIsDefined) {
  const std::string file = "/work/main/tests/data/junit/generator/sample_tests.cpp";
  std::map<std::string, SourceLocation> expected{
      {"Math.Adds", {file, 8}},           {"Math.Subtracts", {file, 9}},
      {"Math.SkippedOne", {file, 13}},    {"Strings.Concatenates", {file, 14}},
      {"Strings.DISABLED_NotYet", {file, 15}}, {"Hostile.Message", {file, 16}},
      {"Slow.Sleeps", {file, 22}},        {"Values/Param.IsSmall/0", {file, 20}},
      {"Values/Param.IsSmall/1", {file, 20}},
  };
  EXPECT_EQ(parse_gtest_listing(fixture("gtest_list_tests.xml")), expected);
  EXPECT_EQ(kind_of([] { parse_gtest_listing("<testsuites><testsuite name=\"A\"><testcase"); }), ErrorKind::io);
  EXPECT_EQ(kind_of([] { parse_gtest_listing("<html/>"); }), ErrorKind::io);
  // An entry without a file says nothing; one without a name is malformed.
  EXPECT_TRUE(parse_gtest_listing(R"(<testsuites><testsuite name="A"><testcase name="B"/></testsuite></testsuites>)").empty());
  EXPECT_EQ(kind_of([] { parse_gtest_listing(R"(<testsuites><testsuite name="A"><testcase file="x.cpp"/></testsuite></testsuites>)"); }),
            ErrorKind::io);
}

TEST(TestBinaryJunit, Catch2) {
  auto results = parse_test_binary_xml(fixture("catch2_junit.xml"), "catch2_binary");
  std::map<std::string, std::string> expected{
      {"catch2_binary::adds", "passed"},
      {"catch2_binary::subtracts", "failed"},
      {"catch2_binary::has sections/first passes", "passed"},
      {"catch2_binary::has sections/second fails", "failed"},
      {"catch2_binary::throws", "failed"},  // <error>
  };
  EXPECT_EQ(statuses(results), expected);
  auto r = by_name(results);
  EXPECT_NE(r["catch2_binary::subtracts"].output_excerpt.find("2 == 1"), std::string::npos);
  EXPECT_NE(r["catch2_binary::throws"].output_excerpt.find("boom"), std::string::npos);
}

TEST(TestBinaryJunit, Doctest) {
  auto results = parse_test_binary_xml(fixture("doctest_junit.xml"), "doctest_binary");
  std::map<std::string, std::string> expected{
      {"doctest_binary::adds", "passed"},
      {"doctest_binary::subtracts", "failed"},
      {"doctest_binary::throws", "failed"},
      {"doctest_binary::in a suite", "passed"},
  };
  EXPECT_EQ(statuses(results), expected);
  EXPECT_EQ(by_name(results)["doctest_binary::throws"].output_excerpt, "boom");
}

// ---- where tests are defined and what failed first (runners/failed_assertion.h) --------------------------------

const std::string kGenerator = "/work/main/tests/data/junit/generator/";  // where the XML fixtures were made

TEST(TestLocations, GoogleTestXmlGivesEachCaseItsFileAndLineAndFirstAssertion) {
  auto r = by_name(parse_test_binary_xml(fixture("gtest_whole_binary.xml"), "whole_binary"));
  EXPECT_EQ(r["whole_binary::Math.Adds"].defined_at, (SourceLocation{kGenerator + "sample_tests.cpp", 8}));
  EXPECT_EQ(r["whole_binary::Math.Adds"].first_failure, std::nullopt);
  EXPECT_EQ(r["whole_binary::Values/Param.IsSmall/1"].defined_at, (SourceLocation{kGenerator + "sample_tests.cpp", 20}));
  EXPECT_EQ(r["whole_binary::Math.Subtracts"].defined_at, (SourceLocation{kGenerator + "sample_tests.cpp", 9}));
  EXPECT_EQ(r["whole_binary::Math.Subtracts"].first_failure,
            (FailedAssertion{{kGenerator + "sample_tests.cpp", 11},
                             "Expected equality of these values:\n  3 - 1\n    Which is: 2\n  1\nsubtraction is broken"}));
  EXPECT_EQ(r["whole_binary::Math.SkippedOne"].first_failure, std::nullopt);  // a skip is no failure
}

TEST(TestLocations, Catch2XmlHasNoDefinitionButItsAssertions) {
  auto r = by_name(parse_test_binary_xml(fixture("catch2_junit.xml"), "catch2_binary"));
  EXPECT_FALSE(r["catch2_binary::subtracts"].defined_at.known());
  EXPECT_EQ(r["catch2_binary::subtracts"].first_failure,
            (FailedAssertion{{kGenerator + "catch2_tests.cpp", 7}, "  CHECK( difference == 1 )\nwith expansion:\n  2 == 1"}));
  EXPECT_EQ(r["catch2_binary::throws"].first_failure, (FailedAssertion{{kGenerator + "catch2_tests.cpp", 13}, "boom"}));
}

TEST(TestLocations, DoctestXmlNamesTheFileOfEachCase) {
  auto r = by_name(parse_test_binary_xml(fixture("doctest_junit.xml"), "doctest_binary"));
  EXPECT_EQ(r["doctest_binary::adds"].defined_at, (SourceLocation{kGenerator + "doctest_tests.cpp", 0}));
  EXPECT_EQ(r["doctest_binary::subtracts"].first_failure,
            (FailedAssertion{{kGenerator + "doctest_tests.cpp", 9},
                             "CHECK( difference == 1 ) is NOT correct!\n  values: CHECK( 2 == 1 )"}));
  EXPECT_EQ(r["doctest_binary::throws"].first_failure, std::nullopt);  // "boom": no location
}

TEST(TestLocations, CTestReportGivesTheFirstAssertionOfTheOutput) {
  auto r = by_name(parse_ctest_junit(fixture("ctest_junit.xml")));
  EXPECT_EQ(r["discovered.Math.Subtracts"].first_failure,
            (FailedAssertion{{kGenerator + "sample_tests.cpp", 11},
                             "Expected equality of these values:\n  3 - 1\n    Which is: 2\n  1\nsubtraction is broken"}));
  EXPECT_EQ(r["whole_binary"].first_failure, r["discovered.Math.Subtracts"].first_failure);  // the first of three
  EXPECT_EQ(r["discovered.Values/Param.IsSmall/2"].first_failure,
            (FailedAssertion{{kGenerator + "sample_tests.cpp", 20}, "Expected: (GetParam()) < (2), actual: 2 vs 2"}));
  EXPECT_EQ(r["crashes"].first_failure, std::nullopt);
  EXPECT_EQ(r["discovered.Math.Adds"].first_failure, std::nullopt);
  for (const char* t : {"discovered.Math.Subtracts", "whole_binary", "catch2_binary"})
    EXPECT_FALSE(r[t].defined_at.known()) << t;  // CTest's report does not say; its registration does
}

TEST(TestBinaryJunit, ToleratesOtherJunitShapes) {
  auto results = parse_test_binary_xml(R"(<testsuites><testsuite name="outer">
      <testsuite name="inner">
        <testcase classname="pkg.Class" name="ok" time="0.5"/>
        <testcase classname="pkg.Class" name="ok" time="0.25"/>
        <testcase classname="pkg.Class" name="skip" time="0"><skipped/></testcase>
        <testcase classname="pkg.Class" name="err" time="x"><error message="exploded"/></testcase>
        <testcase classname="pkg.Class" name="weird" status="exploded" time="1"/>
        <testcase name="bare" time="1"><system-out>out</system-out></testcase>
      </testsuite></testsuite></testsuites>)",
                                       "t");
  std::map<std::string, std::string> expected{
      {"t::pkg.Class.ok", "passed"},  {"t::pkg.Class.ok #2", "passed"}, {"t::pkg.Class.skip", "skipped"},
      {"t::pkg.Class.err", "failed"}, {"t::pkg.Class.weird", "failed"}, {"t::bare", "passed"},
  };
  EXPECT_EQ(statuses(results), expected);
  auto r = by_name(results);
  EXPECT_EQ(r["t::pkg.Class.ok"].duration_s, 0.5);
  EXPECT_EQ(r["t::pkg.Class.err"].duration_s, 0.0);
  EXPECT_EQ(r["t::pkg.Class.err"].output_excerpt, "exploded");  // no text: the message
}

TEST(TestBinaryJunit, MalformedAndHostileDocuments) {
  std::string real = fixture("gtest_whole_binary.xml");
  try {
    parse_test_binary_xml(real.substr(0, real.size() - 40), "t", "/out/gtest/sample_tests_3.xml");
    FAIL() << "a truncated file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("/out/gtest/sample_tests_3.xml"), std::string::npos) << e.what();
  }
  EXPECT_EQ(kind_of([] { parse_test_binary_xml("<testsuites><testsuite>", "t"); }), ErrorKind::io);
  EXPECT_EQ(kind_of([] { parse_test_binary_xml("<results/>", "t"); }), ErrorKind::io);

  // A 10 MB failure message with a NUL-free binary mess in it.
  std::string message(10 * 1024 * 1024, 'm');
  for (size_t i = 0; i < message.size(); i += 4096) message[i] = '\xFE';
  auto results = parse_test_binary_xml(
      "<testsuites><testsuite name=\"S\"><testcase classname=\"S\" name=\"big\" status=\"run\" result=\"completed\">"
      "<failure message=\"" + message + "\"><![CDATA[" + message + "]]></failure></testcase></testsuite></testsuites>",
      "t");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status, TestStatus::failed);
  EXPECT_LE(results[0].output_excerpt.size(), kExcerptCap + 64);
  EXPECT_LE(results[0].message.size(), kMessageCap + 64);
  EXPECT_TRUE(valid_utf8(results[0].output_excerpt));
  EXPECT_TRUE(valid_utf8(results[0].message));
}

}  // namespace
}  // namespace autofix::runners
