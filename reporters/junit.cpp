// SPDX-License-Identifier: MIT
#include "reporters/junit.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "reporters/junit_document.h"

namespace autofix::reporters {

namespace {

bool failed_run(RunStatus s) { return s == RunStatus::failed || s == RunStatus::timeout || s == RunStatus::not_run; }

// "Suite.Case" as GoogleTest names a case: one '.', something on both sides, no white space. (Suite
// and case names are C++ identifiers, with "/N" or "Prefix/" for parameterized and typed tests.)
std::optional<JunitName> googletest_parts(std::string_view id) {
  size_t dot = id.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == id.size() || id.find('.', dot + 1) != std::string_view::npos)
    return std::nullopt;
  if (std::any_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; })) return std::nullopt;
  return JunitName{std::string(id.substr(0, dot)), std::string(id.substr(dot + 1))};
}

std::string first_line(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_first_of("\r\n", start);
  std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return std::string(line);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

// What the first failing run says about its failure: its first failing assertion, else its first
// failure line or output line.
std::string failure_message(const TestRecord& run) {
  if (run.status == RunStatus::timeout) return "timed out";
  if (run.first_failure && !run.first_failure->message.empty()) return run.first_failure->message;
  if (!run.failures.empty()) return run.failures.front();
  std::string line = first_line(run.output);
  return line.empty() ? std::string(to_string(run.status)) : line;
}

// A place a reader can open: inside the repository (a path as the test printed it, absolute or climbing
// out with "..", is not).
bool in_repository(const SourceLocation& l) {
  return l.known() && l.file.front() != '/' && l.file != ".." && !l.file.starts_with("../");
}

// Where readers place the test: a failing test at its first failing assertion (mikepenz annotates at
// testcase@file and @line before anything else, and that is where the annotation belongs), any other
// at its definition.
SourceLocation place_of(const TestOutcome& t, const JunitCase& c) {
  bool failing = c.result == JunitCase::Result::failure || c.result == JunitCase::Result::error;
  if (failing && t.after->first_failure && in_repository(t.after->first_failure->location))
    return t.after->first_failure->location;
  return in_repository(t.defined_at) ? t.defined_at : SourceLocation{};
}

JunitRun run_of(RunStatus status, size_t index, size_t runs, const TestRecord& first) {
  JunitRun r;
  r.error = status == RunStatus::not_run;
  r.type = to_string(status);
  r.message = (index == 0 ? "run 1" : "re-run " + std::to_string(index + 1)) + " of " + std::to_string(runs) + ": " +
              to_string(status);
  // The gate keeps the output of the first run; of a re-run, only the failure lines every failing run printed.
  r.stack_trace = index == 0 ? first.output : joined(first.failures);
  return r;
}

JunitCase case_of(const TestOutcome& t) {
  const TestRecord& a = *t.after;
  JunitName n = junit_name(t);
  JunitCase c;
  c.classname = std::move(n.classname);
  c.name = std::move(n.name);
  c.time_s = a.duration_s;
  std::vector<RunStatus> runs = {a.status};
  runs.insert(runs.end(), t.reruns.begin(), t.reruns.end());
  const size_t passes = static_cast<size_t>(std::count(runs.begin(), runs.end(), RunStatus::passed));
  const size_t failures = static_cast<size_t>(std::count_if(runs.begin(), runs.end(), failed_run));

  if (a.status == RunStatus::skipped) {
    c.result = JunitCase::Result::skipped;
    std::string line = first_line(a.output);
    c.message = line.empty() ? "skipped" : line;
    if (a.output.find_first_not_of(" \t\r\n") != std::string::npos && line != a.output) c.text = a.output;
    return c;
  }
  if (passes > 0 && failures > 0) {
    // Surefire's flaky test: it passed, and each failed run is a <flakyFailure>.
    for (size_t i = 0; i < runs.size(); ++i)
      if (failed_run(runs[i])) c.runs.push_back(run_of(runs[i], i, runs.size(), a));
    return c;
  }
  if (!failed_run(a.status)) return c;
  c.result = a.status == RunStatus::not_run ? JunitCase::Result::error : JunitCase::Result::failure;
  c.type = to_string(t.transition);
  c.message = a.status == RunStatus::not_run ? "not run: " + first_line(a.output) : failure_message(a);
  c.text = a.output;
  for (size_t i = 1; i < runs.size(); ++i)
    if (failed_run(runs[i])) c.runs.push_back(run_of(runs[i], i, runs.size(), a));
  return c;
}

}  // namespace

JunitName junit_name(const TestOutcome& t) {
  const std::string& id = t.case_name.empty() ? t.name : t.case_name;
  if (std::optional<JunitName> parts = googletest_parts(id)) return *parts;
  if (!t.case_name.empty()) return {t.ctest_test, t.case_name};
  return {"ctest", t.name};
}

std::string attempt_junit(const AttemptResult& r, JunitPlaces places) {
  std::set<std::string> with_cases, with_failing_case;
  for (const TestOutcome& t : r.tests) {
    if (t.case_name.empty()) continue;
    with_cases.insert(t.ctest_test);
    if (t.after && failed_run(t.after->status)) with_failing_case.insert(t.ctest_test);
  }
  JunitSuite suite;
  suite.name = "autofix-gate tests";
  suite.timestamp = r.started;
  suite.properties = {{"autofix.attempt_id", r.attempt_id}, {"autofix.verdict", to_string(r.verdict)},
                      {"autofix.reason", r.reason}};
  std::set<std::pair<std::string, std::string>> taken;
  for (const TestOutcome& t : r.tests) {
    if (!t.after) continue;  // did not run with the fix
    bool shown_by_its_cases = t.case_name.empty() && with_cases.count(t.ctest_test) &&
                              !(failed_run(t.after->status) && !with_failing_case.count(t.ctest_test));
    if (shown_by_its_cases) continue;
    JunitCase c = case_of(t);
    if (places == JunitPlaces::written) {
      SourceLocation place = place_of(t, c);
      c.file = place.file;
      c.line = place.line;
    }
    // GitLab keys a case by suite, classname and name, and keeps the last of equal keys.
    std::string base = c.name;
    for (int n = 1; !taken.emplace(c.classname, c.name).second; ++n)
      c.name = base + " [" + t.ctest_test + "]" + (n > 1 ? " #" + std::to_string(n) : "");
    suite.cases.push_back(std::move(c));
  }
  // Refused before anything ran: one failing case says so, so that a CI page shows a failure, not "0 tests".
  if (r.verdict == Verdict::refused_breaker_open) {
    JunitCase c;
    c.classname = "autofix.breaker";
    c.name = "circuit breaker";
    c.result = JunitCase::Result::failure;
    c.type = "refused_breaker_open";
    c.message = r.reason;
    if (r.breaker)
      c.text = "key: " + r.breaker->key + "\nconsecutive rejections: " + std::to_string(r.breaker->failures) +
               "\nopened at: " + r.breaker->opened_at + "\nhalf-opens at: " + r.breaker->half_opens_at +
               "\nlast failure: " + r.breaker->signature + "\nreset: " + r.breaker->reset_command + "\n";
    suite.cases.push_back(std::move(c));
  }
  return junit_document(suite);
}

}  // namespace autofix::reporters
