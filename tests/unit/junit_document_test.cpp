// SPDX-License-Identifier: MIT
#include "reporters/junit_document.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace autofix::reporters {
namespace {

const std::string kHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const std::string kFffd = "\xEF\xBF\xBD";

TEST(JunitDocument, AnEmptySuiteHasEveryCountTheSchemasRequire) {
  JunitSuite s;
  s.name = "empty";
  s.timestamp = "2026-11-22T00:00:00Z";
  EXPECT_EQ(junit_document(s), kHead + "<testsuite name=\"empty\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\" "
                                       "time=\"0.000\" timestamp=\"2026-11-22T00:00:00Z\" />\n");
}

TEST(JunitDocument, ATimestampThatIsNoDateTimeIsLeftOut) {
  JunitSuite s;
  s.name = "x";
  for (const char* bad : {"", "yesterday", "2026-11-22 00:00:00", "2026-11-22T00:00:00Zjunk"}) {
    s.timestamp = bad;
    EXPECT_EQ(junit_document(s).find("timestamp"), std::string::npos) << bad;
  }
  s.timestamp = "2026-11-22T00:00:00.250+01:00";
  EXPECT_NE(junit_document(s).find("timestamp=\"2026-11-22T00:00:00.250+01:00\""), std::string::npos);
}

// Surefire's schema fixes the order of a case's children; junit-10.xsd wants `type` on re-runs.
TEST(JunitDocument, CasesAreWrittenInSurefiresOrderWithCountsFromTheCases) {
  JunitSuite s;
  s.name = "suite";
  s.properties = {{"autofix.verdict", "rejected"}};
  JunitCase passed{"Suite", "Passes", 0.25};
  JunitCase failed{"Suite", "Fails", 1.5, "src/a_test.cpp", 12, JunitCase::Result::failure, "Expected 2\nWhich is 3",
                   "PASS_TO_FAIL", "full output"};
  failed.runs = {{false, "failed", "re-run 2 of 3: failed", "a.cpp:12: Failure"}, {true, "not_run", "re-run 3 of 3: not_run", ""}};
  JunitCase flaky{"Suite", "Flaky", 0.5};
  flaky.runs = {{false, "failed", "run 1 of 2: failed", "boom"}};
  flaky.system_out = "printed";
  JunitCase error{"other", "other", 0, "", 7, JunitCase::Result::error, "not run: Unable to find executable", "NEW", ""};
  JunitCase skipped{"Suite", "Skips", 0, "", 0, JunitCase::Result::skipped, "SKIP_RETURN_CODE=77", "ignored", "why"};
  s.cases = {passed, failed, flaky, error, skipped};
  EXPECT_EQ(junit_document(s),
            kHead +
                "<testsuite name=\"suite\" tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"2.250\">\n"
                "  <properties>\n"
                "    <property name=\"autofix.verdict\" value=\"rejected\" />\n"
                "  </properties>\n"
                "  <testcase name=\"Passes\" classname=\"Suite\" time=\"0.250\" />\n"
                "  <testcase name=\"Fails\" classname=\"Suite\" time=\"1.500\" file=\"src/a_test.cpp\" line=\"12\">\n"
                "    <failure message=\"Expected 2&#10;Which is 3\" type=\"PASS_TO_FAIL\">full output</failure>\n"
                "    <rerunFailure message=\"re-run 2 of 3: failed\" type=\"failed\">\n"
                "      <stackTrace>a.cpp:12: Failure</stackTrace>\n"
                "    </rerunFailure>\n"
                "    <rerunError message=\"re-run 3 of 3: not_run\" type=\"not_run\">\n"
                "      <stackTrace></stackTrace>\n"
                "    </rerunError>\n"
                "  </testcase>\n"
                "  <testcase name=\"Flaky\" classname=\"Suite\" time=\"0.500\">\n"
                "    <flakyFailure message=\"run 1 of 2: failed\" type=\"failed\">\n"
                "      <stackTrace>boom</stackTrace>\n"
                "    </flakyFailure>\n"
                "    <system-out>printed</system-out>\n"
                "  </testcase>\n"
                "  <testcase name=\"other\" classname=\"other\" time=\"0.000\">\n"
                "    <error message=\"not run: Unable to find executable\" type=\"NEW\" />\n"
                "  </testcase>\n"
                "  <testcase name=\"Skips\" classname=\"Suite\" time=\"0.000\">\n"
                "    <skipped message=\"SKIP_RETURN_CODE=77\">why</skipped>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

TEST(JunitDocument, NamesAndTextFromStrangersAreEscapedAndMadeValidXml) {
  JunitSuite s;
  s.name = "a&b";
  JunitCase c{"ns::Suite <T>", "case \"1\" & 'x'", 0, "dir with space/a b.cpp", 3, JunitCase::Result::failure,
              std::string("bell\x07 and \xff"), "t", std::string("nul\0byte ]]> <tag>", 18)};
  s.cases = {c};
  EXPECT_EQ(junit_document(s),
            kHead +
                "<testsuite name=\"a&amp;b\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n"
                "  <testcase name=\"case &quot;1&quot; &amp; 'x'\" classname=\"ns::Suite &lt;T>\" time=\"0.000\" "
                "file=\"dir with space/a b.cpp\" line=\"3\">\n"
                "    <failure message=\"bell" + kFffd + " and " + kFffd + "\" type=\"t\">nul" + kFffd +
                "byte ]]&gt; &lt;tag&gt;</failure>\n"
                "  </testcase>\n"
                "</testsuite>\n");
}

TEST(JunitDocument, ALineIsWrittenOnlyWithAFile) {
  JunitSuite s;
  s.name = "x";
  s.cases = {JunitCase{"C", "n", 0, "", 12}};
  EXPECT_EQ(junit_document(s).find("line="), std::string::npos);
}

TEST(XmlText, KeepsWhatXmlCarriesAndReplacesTheRest) {
  EXPECT_EQ(xml_text("tab\tnewline\ncr\r"), "tab\tnewline\ncr\r");
  EXPECT_EQ(xml_text(std::string("\x00\x01\x1f", 3)), kFffd + kFffd + kFffd);
  EXPECT_EQ(xml_text("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80");
  EXPECT_EQ(xml_text("\xc3"), kFffd);                        // truncated sequence
  EXPECT_EQ(xml_text("\xed\xa0\x80"), kFffd + kFffd + kFffd);  // a surrogate is no UTF-8
  EXPECT_EQ(xml_text("\xef\xbf\xbe|\xef\xbf\xbf|\xef\xbf\xbd"), kFffd + "|" + kFffd + "|" + kFffd);  // U+FFFE, U+FFFF
  EXPECT_EQ(xml_text("\xef\xbf"), kFffd + kFffd);
}

TEST(JunitSeconds, ThreeDecimalsNeverNegative) {
  EXPECT_EQ(junit_seconds(2.5), "2.500");
  EXPECT_EQ(junit_seconds(0.0004), "0.000");
  EXPECT_EQ(junit_seconds(1234.5678), "1234.568");
  EXPECT_EQ(junit_seconds(-1), "0.000");
  EXPECT_EQ(junit_seconds(std::numeric_limits<double>::quiet_NaN()), "0.000");
  EXPECT_EQ(junit_seconds(std::numeric_limits<double>::infinity()), "0.000");
}

}  // namespace
}  // namespace autofix::reporters
