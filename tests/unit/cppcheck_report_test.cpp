// SPDX-License-Identifier: MIT
#include "runners/cppcheck_report.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) {
  return autofix::testing::read_file(fs::path(AUTOFIX_GATE_TEST_DATA) / "static_analysis" / name);
}

// "id severity cwe=N: message @ file:line:column (info) @ ...", one a diagnostic.
std::vector<std::string> lines_of(const std::vector<CppcheckDiagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const CppcheckDiagnostic& d : diagnostics) {
    std::string line = d.id + " " + d.severity + " cwe=" + std::to_string(d.cwe) + ": " + d.message;
    for (const CppcheckLocation& l : d.locations)
      line += " @ " + l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + " (" + l.info + ")";
    out.push_back(line);
  }
  return out;
}

Error error_of(std::string_view xml) {
  try {
    parse_cppcheck_report(xml);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << xml;
  return Error(ErrorKind::usage, "none");
}

// The report as cppcheck wrote it (see tests/data/static_analysis/README.md): every location in order,
// entities decoded, <symbol> ignored.
TEST(CppcheckReport, ReadsTheRealReport) {
  EXPECT_EQ(lines_of(parse_cppcheck_report(data("cppcheck_report.xml"))),
            (std::vector<std::string>{
                "arrayIndexOutOfBounds error cwe=788: Array 'arr[3]' accessed at index 3, which is out of bounds. "
                "@ src/calc.cpp:9:13 (Array index out of bounds)",
                "nullPointer error cwe=476: Null pointer dereference: p @ src/calc.cpp:17:11 (Null pointer dereference) "
                "@ src/calc.cpp:14:7 (Assuming condition is false) "
                "@ src/calc.cpp:13:12 (Assignment 'p=nullptr', assigned value is 0)",
                "constVariable style cwe=398: Variable 'arr' can be declared as const array "
                "@ src/calc.cpp:8:7 (Variable 'arr' can be declared as const array)",
                "bufferAccessOutOfBounds error cwe=788: Buffer is accessed out of bounds: buf "
                "@ src/use.cpp:8:15 (Buffer overrun)",
                "arrayIndexOutOfBounds error cwe=788: Array 'x[2]' accessed at index 2, which is out of bounds. "
                "@ src/platform.cpp:8:11 (Array index out of bounds)",
                "constVariable style cwe=398: Variable 'x' can be declared as const array "
                "@ src/platform.cpp:7:7 (Variable 'x' can be declared as const array)",
            }));
}

// With --enable=information: toomanyconfigs names its file at line 0, missingInclude names no location.
TEST(CppcheckReport, ReadsDiagnosticsWithoutALine) {
  std::vector<CppcheckDiagnostic> all = parse_cppcheck_report(data("cppcheck_report_information.xml"));
  std::vector<std::string> information;
  for (const std::string& line : lines_of(all))
    if (line.find(" information ") != std::string::npos) information.push_back(line);
  EXPECT_EQ(information,
            (std::vector<std::string>{
                "toomanyconfigs information cwe=398: Too many #ifdef configurations - cppcheck only checks 1 of 3 "
                "configurations. Use --force to check all configurations. @ src/platform.cpp:0:0 ()",
                "missingInclude information cwe=0: Cppcheck cannot find all the include files (use --check-config "
                "for details)",
            }));
  EXPECT_EQ(all.size(), 8u);
}

TEST(CppcheckReport, ReadsAReportWithoutFindings) {
  EXPECT_TRUE(parse_cppcheck_report(data("cppcheck_report_empty.xml")).empty());
  EXPECT_TRUE(parse_cppcheck_report("<results version=\"2\"><cppcheck version=\"9\"/><errors/></results>\n").empty());
}

TEST(CppcheckReport, KeepsTextsAsValidUtf8AndPathsAsWritten) {
  auto d = parse_cppcheck_report(
      "<results version=\"2\"><errors>"
      "<error id=\"x\" severity=\"debug\" msg=\"bad \xff byte\"><location file=\"dir/\xc3\xa9 a.cpp\" line=\"1\"/></error>"
      "</errors></results>");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(d[0].locations.at(0).file, "dir/\xc3\xa9 a.cpp");
  EXPECT_EQ(d[0].locations.at(0).column, 0) << "no column attribute: 0";
}

// What cannot be read whole names cppcheck's report, why, and how it begins, on one line.
TEST(CppcheckReport, RefusesWhatIsNotAWholeVersion2Report) {
  const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string ok_error = "<error id=\"a\" severity=\"error\" msg=\"m\"/>";
  struct Case {
    std::string xml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "cannot read cppcheck's XML report: it holds no XML element; it is empty"},
      {"src/a.cpp:1:5: error: x [nullPointer]\n",
       "cannot read cppcheck's XML report: it holds no XML element; it begins: 'src/a.cpp:1:5: error: x [nullPointer]\\n'"},
      {head + "<results version=\"2\">\n<errors>\n",
       "cannot read cppcheck's XML report: it is not XML (Start-end tags mismatch at byte 69); it begins: "
       "'<?xml version=\"1.0\" encoding=\"UTF-8\"?>\\n<results version=\"2\">\\n<errors>\\n'"},
      {"Checking a.cpp...\n" + head + "<results version=\"2\"><errors/></results>",
       "cannot read cppcheck's XML report: text stands outside the report's root element ('Checking a.cpp...\\n'); "
       "it begins: 'Checking a.cpp...\\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\\n<results version=\"2\"><errors/>"
       "</results>'"},
      {"<results version=\"2\"><errors/></results>\nSegmentation fault\n",
       "cannot read cppcheck's XML report: text stands outside the report's root element ('\\nSegmentation fault\\n'); "
       "it begins: '<results version=\"2\"><errors/></results>\\nSegmentation fault\\n'"},
      {"<results version=\"2\"><errors/></results><results version=\"2\"><errors/></results>",
       "cannot read cppcheck's XML report: it holds 2 root elements, not one <results>; it begins: "
       "'<results version=\"2\"><errors/></results><results version=\"2\"><errors/></results>'"},
      {"<testsuite/>", "cannot read cppcheck's XML report: its root element is <testsuite>, not <results>; it begins: "
                       "'<testsuite/>'"},
      {"<results><error file=\"a.cpp\" line=\"1\" id=\"x\" severity=\"error\" msg=\"m\"/></results>",
       "cannot read cppcheck's XML report: it is not version 2 of cppcheck's XML format (<results version=\"\">); it "
       "begins: '<results><error file=\"a.cpp\" line=\"1\" id=\"x\" severity=\"error\" msg=\"m\"/></results>'"},
      {"<results version=\"2\"/>",
       "cannot read cppcheck's XML report: <results> has no <errors>; it begins: '<results version=\"2\"/>'"},
      {"<results version=\"2\"><errors>" + ok_error + "<warning/></errors></results>",
       "cannot read cppcheck's XML report: <errors> holds <warning>, which is not an <error>; it begins: "
       "'<results version=\"2\"><errors><error id=\"a\" severity=\"error\" msg=\"m\"/><warning/></errors></results>'"},
  };
  for (const Case& c : cases) {
    Error e = error_of(c.xml);
    EXPECT_EQ(e.kind(), ErrorKind::internal) << c.xml;
    EXPECT_EQ(std::string(e.what()), c.message) << c.xml;
    EXPECT_EQ(e.hint(),
              "run the command yourself to see what cppcheck writes on its standard error; the static tier reads the "
              "report of `cppcheck --xml --xml-version=2`");
  }
}

// Each <error> and location is checked: a missing field or a number that is not one is never read as 0.
TEST(CppcheckReport, RefusesAnErrorWithoutItsFieldsOrWithBadNumbers) {
  struct Case {
    std::string error;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"<error severity=\"error\" msg=\"m\"/>", "<error> 2 has no id"},
      {"<error id=\"x\" msg=\"m\"/>", "<error> 2 has no severity"},
      {"<error id=\"x\" severity=\"\" msg=\"m\"/>", "<error> 2 has an empty severity"},
      {"<error id=\"x\" severity=\"error\"/>", "<error> 2 has no msg"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\" cwe=\"CWE-476\"/>",
       "<error> 2 has cwe=\"CWE-476\", not a number from 0 to 2147483647"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\"><location line=\"1\"/></error>", "<error> 2 (x) location 1 has no file"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\"><location file=\"a\" line=\"1\"/><location file=\"a\" line=\"-3\"/>"
       "</error>",
       "<error> 2 (x) location 2 has line=\"-3\", not a number from 0 to 2147483647"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\"><location file=\"a\" line=\"1\" column=\"99999999999\"/></error>",
       "<error> 2 (x) location 1 has column=\"99999999999\", not a number from 0 to 2147483647"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\"><location file=\"a\" line=\"\"/></error>",
       "<error> 2 (x) location 1 has line=\"\", not a number from 0 to 2147483647"},
      {"<error id=\"x\" severity=\"error\" msg=\"m\"><location file=\"a\" line=\"4x\"/></error>",
       "<error> 2 (x) location 1 has line=\"4x\", not a number from 0 to 2147483647"},
  };
  for (const Case& c : cases) {
    const std::string xml = "<results version=\"2\"><errors><error id=\"a\" severity=\"error\" msg=\"m\"/>" + c.error +
                            "</errors></results>";
    const std::string what = error_of(xml).what();
    EXPECT_EQ(what, "cannot read cppcheck's XML report: " + c.why + "; it begins: '" + xml.substr(0, 160) +
                        (xml.size() > 160 ? "..." : "") + "'");
  }
}

}  // namespace
}  // namespace autofix::runners
