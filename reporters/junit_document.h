// SPDX-License-Identifier: MIT
#pragma once
// One JUnit XML document as both of our JUnit files write it (junit.xml, autofix-tiers.xml): a single
// <testsuite> root, valid against Surefire's surefire-test-report.xsd and Jenkins xunit's junit-10.xsd
// (tests/data/schemas/), with one extension: `file` and `line` on a <testcase>, which neither schema
// declares and which GitLab (file) and mikepenz/action-junit-report (file, line) read. See
// docs/junit.md for what each reader takes from it.
//
// Why these shapes: Surefire's schema knows only a <testsuite> root (no <testsuites>), a fixed order of a
// test case's children, and <rerunFailure>/<flakyFailure> with a <stackTrace> child; junit-10.xsd wants
// `type` on those; neither allows <properties> inside a <testcase>. Pure: a string out.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace autofix::reporters {

// A run of the test besides the one the case reports: Surefire's <rerunFailure>/<rerunError> after a
// failure or error (the test failed again), <flakyFailure>/<flakyError> on a passing case (it failed in
// that run and passed in another).
struct JunitRun {
  bool error = false;        // the run could not run the test (an *Error element), else it failed
  std::string type{};          // required by junit-10.xsd
  std::string message{};
  std::string stack_trace{};   // required (possibly empty) by Surefire's schema
};

struct JunitCase {
  enum class Result { passed, failure, error, skipped };
  std::string classname{};
  std::string name{};
  double time_s = 0;
  std::string file{};  // repository-relative; empty: no `file` attribute
  int line = 0;      // 0: no `line` attribute (never written without a file)
  Result result = Result::passed;
  // Of the <failure>, <error> or <skipped> element (<skipped> has no `type` in Surefire's schema).
  std::string message{};
  std::string type{};
  std::string text{};
  std::vector<JunitRun> runs{};  // reruns after a failure or error; flaky runs of a passed case
  std::string system_out{};      // empty: no <system-out>
};

struct JunitSuite {
  std::string name{};
  std::string timestamp{};  // ISO 8601 UTC; written only when it is a valid xs:dateTime
  std::vector<std::pair<std::string, std::string>> properties{};
  std::vector<JunitCase> cases{};
};

// The document: tests/failures/errors/skipped/time on the root counted from the cases. Text from
// strangers is made fit for XML (xml_text); times are written as junit_seconds.
std::string junit_document(const JunitSuite& suite);

// Several suites under a <testsuites> root (junit-10.xsd's form; Surefire's schema knows one suite only):
// the batch report's junit.xml, one suite per fix.
std::string junit_documents(const std::string& name, const std::vector<JunitSuite>& suites);

// Text as XML 1.0 can carry it: invalid UTF-8 and the characters XML forbids even when escaped (C0
// controls other than tab, line feed and carriage return; U+FFFE, U+FFFF) become U+FFFD.
std::string xml_text(std::string_view text);

// Seconds with three decimals ("2.500"), the form both schemas accept; negative or not finite: "0.000".
std::string junit_seconds(double s);

}  // namespace autofix::reporters
