// SPDX-License-Identifier: MIT
#include "runners/junit_reader.h"

#include <charconv>
#include <cmath>
#include <unordered_map>
#include <utility>

#include <pugixml.hpp>

#include "gate/results/test_names.h"
#include "gate/util/error.h"
#include "gate/util/utf8_text.h"
#include "runners/failed_assertion.h"
#include "runners/failure_lines.h"
#include "runners/process.h"

namespace autofix::runners {

const char* to_string(TestStatus status) noexcept {
  switch (status) {
    case TestStatus::passed: return "passed";
    case TestStatus::failed: return "failed";
    case TestStatus::timeout: return "timeout";
    case TestStatus::not_run: return "not_run";
    case TestStatus::skipped: return "skipped";
  }
  return "failed";
}

std::string cap_text(std::string_view text, size_t cap) {
  if (text.size() <= cap) return sanitize_utf8(text);
  CappedOutput capped(cap);
  capped.append(text.data(), text.size());
  return sanitize_utf8(capped.text());
}

namespace {

[[noreturn]] void refuse(std::string_view source, const std::string& what) {
  throw Error(ErrorKind::io, "cannot read " + std::string(source) + ": " + what,
              "the file was written by a test run; rerun the tests, or look at the file itself");
}

std::string_view trim(std::string_view s) {
  const std::string_view space = " \t\r\n";
  size_t b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(space);
  return s.substr(b, e - b + 1);
}

// Parses untrusted XML. pugixml never expands DTD entities (a billion-laughs document stays small),
// does not recurse on nesting, and keeps bytes as they are (sanitize_utf8 runs on what we keep).
pugi::xml_document load_xml(const std::string& xml, std::string_view source) {
  if (xml.size() > kMaxXmlBytes)
    refuse(source, "it is " + std::to_string(xml.size()) + " bytes, more than the limit of " +
                       std::to_string(kMaxXmlBytes));
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    refuse(source, std::string("malformed XML (") + parsed.description() + " at byte " +
                       std::to_string(parsed.offset) + ")");
  return doc;
}

// The time attribute, in seconds; anything unparsable, negative or absurd counts as 0.
double seconds(const pugi::xml_node& node) {
  std::string_view text = trim(node.attribute("time").value());
  if (text.size() > 64) return 0;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value) || value < 0 || value > 1e9) return 0;
  (void)end;
  return value;
}

// All character data inside `node` (pcdata and cdata, at any depth), capped while it is gathered.
void append_text(const pugi::xml_node& node, CappedOutput& out) {
  // Iterative walk: hostile documents can nest deeply.
  for (pugi::xml_node n = node.first_child(); n;) {
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      std::string_view v = n.value();
      out.append(v.data(), v.size());
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != node && !n.next_sibling()) n = n.parent();
    if (!n || n == node) break;
    n = n.next_sibling();
  }
}

void append_piece(CappedOutput& out, std::string_view piece) {
  piece = trim(piece);
  if (piece.empty()) return;
  if (out.total_bytes() > 0) out.append("\n", 1);
  out.append(piece.data(), piece.size());
}

bool has_child(const pugi::xml_node& node, const char* name) { return static_cast<bool>(node.child(name)); }

// Collects every <testcase> under the <testsuite>/<testsuites> root, following nested suites.
std::vector<std::pair<pugi::xml_node, pugi::xml_node>> testcases(const pugi::xml_document& doc,
                                                                  std::string_view source) {
  pugi::xml_node root = doc.document_element();
  std::string_view root_name = root.name();
  if (root_name != "testsuite" && root_name != "testsuites")
    refuse(source, "not a JUnit report (its root element is <" + cap_text(root_name, 64) + ">)");
  std::vector<std::pair<pugi::xml_node, pugi::xml_node>> found;  // (testcase, enclosing testsuite)
  // Document order without recursion: each entry is the next child to visit at one level.
  std::vector<std::pair<pugi::xml_node, int>> pending{{root.first_child(), 0}};
  while (!pending.empty()) {
    pugi::xml_node node = pending.back().first;
    int depth = pending.back().second;
    if (!node) {
      pending.pop_back();
      continue;
    }
    pending.back().first = node.next_sibling();
    std::string_view name = node.name();
    if (name == "testcase") {
      if (found.size() >= kMaxTestCases) refuse(source, "more than " + std::to_string(kMaxTestCases) + " test cases");
      found.emplace_back(node, node.parent());
    } else if ((name == "testsuite" || name == "testsuites") && depth < 32) {
      pending.emplace_back(node.first_child(), depth + 1);
    }
  }
  return found;
}

std::string required_name(const pugi::xml_node& testcase, std::string_view source) {
  pugi::xml_attribute name = testcase.attribute("name");
  if (!name || std::string_view(name.value()).empty()) refuse(source, "a <testcase> has no name");
  return cap_text(name.value(), kNameCap);
}

// The first message attribute of the given children, if any.
std::string child_message(const pugi::xml_node& testcase, std::initializer_list<const char*> names) {
  for (const char* child_name : names)
    for (pugi::xml_node child : testcase.children(child_name))
      if (!std::string_view(child.attribute("message").value()).empty())
        return cap_text(trim(child.attribute("message").value()), kMessageCap);
  return {};
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool looks_like_source_path(std::string_view s) {
  if (s.find('/') == std::string_view::npos && s.find('\\') == std::string_view::npos) return false;
  for (std::string_view ext : {".cpp", ".cc", ".cxx", ".c++", ".c", ".h", ".hpp", ".hh", ".hxx", ".ipp", ".inl"})
    if (s.size() > ext.size() && s.substr(s.size() - ext.size()) == ext) return true;
  return false;
}

// The case's own name within its binary (see the header for each framework).
std::string case_id(const pugi::xml_node& testcase, const pugi::xml_node& suite, const std::string& name) {
  std::string_view classname = testcase.attribute("classname").value();
  std::string_view suite_name = suite.attribute("name").value();
  if (classname.empty() || looks_like_source_path(classname)) return name;  // doctest: a file path
  if (!suite_name.empty() && classname.size() > suite_name.size() + 1 && starts_with(classname, suite_name) &&
      classname[suite_name.size()] == '.') {
    std::string_view rest = classname.substr(suite_name.size() + 1);  // Catch2: "<binary>.<class>"
    if (rest == "global") return name;
    return cap_text(rest, kNameCap) + "." + name;
  }
  return cap_text(classname, kNameCap) + "." + name;
}

// Where a case is defined: GoogleTest's file and line attributes; doctest's classname, a source file.
SourceLocation definition_of(const pugi::xml_node& testcase) {
  std::string_view file = testcase.attribute("file").value();
  if (!file.empty()) {
    int line = 0;
    std::string_view text = trim(testcase.attribute("line").value());
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), line);
    if (ec != std::errc() || end != text.data() + text.size() || line < 0) line = 0;
    return {cap_text(file, kNameCap), line};
  }
  std::string_view classname = testcase.attribute("classname").value();
  if (looks_like_source_path(classname)) return {cap_text(classname, kNameCap), 0};
  return {};
}

// The assertion the first <failure> or <error> element describes (its text, else its message).
std::optional<FailedAssertion> first_report_failure(const pugi::xml_node& testcase) {
  for (pugi::xml_node child : testcase.children()) {
    std::string_view name = child.name();
    if (name != "failure" && name != "error") continue;
    CappedOutput text(kFailureTextCap);
    append_text(child, text);
    std::string body = text.text();
    if (trim(body).empty()) body = child.attribute("message").value();
    return failed_assertion_in_report(body);
  }
  return std::nullopt;
}

}  // namespace

std::vector<TestResult> parse_ctest_junit(const std::string& xml, std::string_view source) {
  pugi::xml_document doc = load_xml(xml, source);
  auto cases = testcases(doc, source);
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) == "testsuite" && root.attribute("tests")) {
    std::string_view claimed = trim(root.attribute("tests").value());
    unsigned long long count = 0;
    auto [end, ec] = std::from_chars(claimed.data(), claimed.data() + claimed.size(), count);
    if (ec != std::errc() || end != claimed.data() + claimed.size() || count != cases.size())
      refuse(source, "it claims " + cap_text(claimed, 32) + " tests but lists " + std::to_string(cases.size()));
  }
  std::vector<TestResult> results;
  results.reserve(cases.size());
  for (const auto& [testcase, suite] : cases) {
    TestResult r;
    r.name = required_name(testcase, source);
    r.duration_s = seconds(testcase);
    std::string_view status = testcase.attribute("status").value();
    bool failure = has_child(testcase, "failure") || has_child(testcase, "error");
    if (failure) {
      // A <failure> wins over whatever the status claims.
      r.status = TestStatus::failed;
      r.message = child_message(testcase, {"failure", "error"});
      if (r.message == "Timeout") r.status = TestStatus::timeout;  // CTest 3.25 leaves it empty; later may not
    } else if (status == "disabled") {
      r.status = TestStatus::skipped;
      r.message = "Disabled";
    } else if (status == "notrun" || has_child(testcase, "skipped")) {
      // A <skipped> element wins over a claimed "run": never a pass.
      r.message = child_message(testcase, {"skipped"});
      bool skipped_on_purpose = starts_with(r.message, "SKIP_RETURN_CODE") ||
                                starts_with(r.message, "SKIP_REGULAR_EXPRESSION_MATCHED") || status.empty();
      r.status = skipped_on_purpose ? TestStatus::skipped : TestStatus::not_run;
      if (r.message.empty()) r.message = "Not Run";
    } else if (status == "run" || status.empty()) {
      r.status = TestStatus::passed;
    } else {
      // "fail" without a <failure> element, or a status we do not know: not a pass.
      r.status = TestStatus::failed;
      if (status != "fail") r.message = "unknown CTest status '" + cap_text(status, 64) + "'";
    }
    if (r.status != TestStatus::passed) {
      CappedOutput out(kFailureTextCap);
      for (pugi::xml_node child : testcase.children()) {
        std::string_view child_name = child.name();
        if (child_name == "system-out" || child_name == "system-err") {
          CappedOutput piece(kFailureTextCap);
          append_text(child, piece);
          append_piece(out, piece.text());
        }
      }
      std::string text = out.text();
      r.output_excerpt = cap_text(trim(text), kExcerptCap);
      r.failures = failure_lines(text);
      if (r.status == TestStatus::failed || r.status == TestStatus::timeout) r.first_failure = first_failed_assertion(text);
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<TestResult> parse_test_binary_xml(const std::string& xml, const std::string& ctest_test,
                                              std::string_view source) {
  pugi::xml_document doc = load_xml(xml, source);
  auto cases = testcases(doc, source);
  std::vector<TestResult> results;
  results.reserve(cases.size());
  std::unordered_map<std::string, int> seen;
  for (const auto& [testcase, suite] : cases) {
    std::string_view status = testcase.attribute("status").value();
    std::string_view result = testcase.attribute("result").value();
    bool listed_only = !testcase.attribute("status") && !testcase.attribute("result") &&
                       !testcase.attribute("time") && !testcase.first_child();
    if (listed_only) continue;

    std::string id = case_id(testcase, suite, required_name(testcase, source));
    if (int n = ++seen[id]; n > 1) id += " #" + std::to_string(n);
    TestResult r;
    r.name = test_name(ctest_test, id);
    r.ctest_test = ctest_test;
    r.case_name = id;
    r.duration_s = seconds(testcase);

    bool failure = has_child(testcase, "failure") || has_child(testcase, "error");
    bool known_status = status.empty() || status == "run" || status == "notrun";
    bool known_result = result.empty() || result == "completed" || result == "skipped" || result == "suppressed";
    if (failure) {
      r.status = TestStatus::failed;
      r.message = child_message(testcase, {"failure", "error"});
    } else if (!known_status || !known_result) {
      r.status = TestStatus::failed;
      r.message = "unknown test status '" + cap_text(status, 64) + "' / result '" + cap_text(result, 64) + "'";
    } else if (has_child(testcase, "skipped") || result == "skipped" || result == "suppressed" ||
               status == "notrun") {
      r.status = TestStatus::skipped;
      r.message = child_message(testcase, {"skipped"});
      if (r.message.empty()) r.message = result == "suppressed" || status == "notrun" ? "Disabled" : "Skipped";
    } else {
      r.status = TestStatus::passed;
    }
    if (r.status != TestStatus::passed) {
      CappedOutput out(kFailureTextCap);
      for (pugi::xml_node child : testcase.children()) {
        std::string_view child_name = child.name();
        if (child_name != "failure" && child_name != "error" && child_name != "skipped" &&
            child_name != "system-out" && child_name != "system-err")
          continue;
        CappedOutput piece(kFailureTextCap);
        append_text(child, piece);
        std::string text = piece.text();
        if (trim(text).empty()) text = child.attribute("message").value();
        append_piece(out, text);
      }
      std::string text = out.text();
      r.output_excerpt = cap_text(trim(text), kExcerptCap);
      if (r.status == TestStatus::failed) {
        r.failures = failure_lines(text);
        r.first_failure = first_report_failure(testcase);
      }
    }
    r.defined_at = definition_of(testcase);
    results.push_back(std::move(r));
  }
  return results;
}

std::map<std::string, SourceLocation> parse_gtest_listing(const std::string& xml, std::string_view source) {
  pugi::xml_document doc = load_xml(xml, source);
  std::map<std::string, SourceLocation> out;
  for (const auto& [testcase, suite] : testcases(doc, source)) {
    std::string name = required_name(testcase, source);
    SourceLocation where = definition_of(testcase);
    if (std::string_view(testcase.attribute("file").value()).empty() || !where.known()) continue;
    // A listing names a case by its suite's name attribute; it writes no classname.
    out.emplace(cap_text(suite.attribute("name").value(), kNameCap) + "." + name, std::move(where));
  }
  return out;
}

std::map<std::string, std::string> parse_ctest_log_failures(std::string_view log) {
  std::map<std::string, std::string> failures;
  static constexpr std::string_view kHeader = "The following tests FAILED:";
  size_t at = log.rfind(kHeader);
  if (at == std::string_view::npos) return failures;
  size_t pos = log.find('\n', at);
  while (pos != std::string_view::npos && pos + 1 < log.size()) {
    size_t begin = pos + 1;
    size_t end = log.find('\n', begin);
    std::string_view line = log.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    pos = end;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() != '\t') break;
    // "\t<index> - <name> (<reason>)"
    std::string_view rest = trim(line);
    size_t dash = rest.find(" - ");
    if (dash == std::string_view::npos || rest.back() != ')') continue;
    std::string_view index = rest.substr(0, dash);
    if (index.empty() || index.find_first_not_of("0123456789") != std::string_view::npos) continue;
    rest = rest.substr(dash + 3);
    size_t open = rest.rfind(" (");
    if (open == std::string_view::npos) continue;
    std::string_view name = rest.substr(0, open);
    std::string_view reason = rest.substr(open + 2, rest.size() - open - 3);
    failures[cap_text(name, kNameCap)] = cap_text(reason, kMessageCap);
  }
  return failures;
}

}  // namespace autofix::runners
