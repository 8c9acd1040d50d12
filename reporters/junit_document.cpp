// SPDX-License-Identifier: MIT
#include "reporters/junit_document.h"

#include <pugixml.hpp>

#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

#include "gate/util/utf8_text.h"

namespace autofix::reporters {

namespace {

using Result = JunitCase::Result;

bool is_xs_datetime(const std::string& s) {
  static const std::regex pattern(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)");
  return std::regex_match(s, pattern);
}

void set_attribute(pugi::xml_node node, const char* name, std::string_view value) {
  node.append_attribute(name) = xml_text(value).c_str();
}

void set_text(pugi::xml_node node, std::string_view text) {
  if (!text.empty()) node.text().set(xml_text(text).c_str());
}

// The element a run is written as, and where Surefire's schema puts it among a case's children.
const char* run_element(const JunitCase& c, const JunitRun& run) {
  if (c.result == Result::passed) return run.error ? "flakyError" : "flakyFailure";
  return run.error ? "rerunError" : "rerunFailure";
}

void append_runs(pugi::xml_node testcase, const JunitCase& c, bool errors) {
  for (const JunitRun& run : c.runs) {
    if (run.error != errors) continue;
    pugi::xml_node r = testcase.append_child(run_element(c, run));
    set_attribute(r, "message", run.message);
    set_attribute(r, "type", run.type);
    r.append_child("stackTrace").text().set(xml_text(run.stack_trace).c_str());
  }
}

void append_case(pugi::xml_node suite, const JunitCase& c) {
  pugi::xml_node t = suite.append_child("testcase");
  set_attribute(t, "name", c.name);
  set_attribute(t, "classname", c.classname);
  t.append_attribute("time") = junit_seconds(c.time_s).c_str();
  if (!c.file.empty()) {
    set_attribute(t, "file", c.file);
    if (c.line > 0) t.append_attribute("line") = c.line;
  }
  auto outcome = [&](const char* element, bool with_type) {
    pugi::xml_node o = t.append_child(element);
    set_attribute(o, "message", c.message);
    if (with_type) set_attribute(o, "type", c.type);
    set_text(o, c.text);
  };
  bool with_runs = c.result != Result::skipped;
  // Surefire's order: failure, rerunFailure, flakyFailure, skipped, error, rerunError, flakyError, system-out.
  if (c.result == Result::failure) outcome("failure", true);
  if (with_runs) append_runs(t, c, false);
  if (c.result == Result::skipped) outcome("skipped", false);
  if (c.result == Result::error) outcome("error", true);
  if (with_runs) append_runs(t, c, true);
  if (!c.system_out.empty()) set_text(t.append_child("system-out"), c.system_out);
}

}  // namespace

std::string xml_text(std::string_view text) {
  std::string valid = sanitize_utf8(text);
  std::string out;
  out.reserve(valid.size());
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  for (size_t i = 0; i < valid.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(valid[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += kReplacement;
    } else if (c == 0xEF && valid.compare(i, 2, "\xEF\xBF") == 0 && i + 2 < valid.size() &&
               (valid[i + 2] == '\xBE' || valid[i + 2] == '\xBF')) {
      out += kReplacement;  // U+FFFE and U+FFFF are not characters in XML
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string junit_seconds(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

namespace {

void append_suite(pugi::xml_node parent, const JunitSuite& suite) {
  pugi::xml_node root = parent.append_child("testsuite");
  size_t failures = 0, errors = 0, skipped = 0;
  double time = 0;
  for (const JunitCase& c : suite.cases) {
    failures += c.result == Result::failure;
    errors += c.result == Result::error;
    skipped += c.result == Result::skipped;
    if (std::isfinite(c.time_s) && c.time_s > 0) time += c.time_s;
  }
  set_attribute(root, "name", suite.name);
  root.append_attribute("tests") = suite.cases.size();
  root.append_attribute("failures") = failures;
  root.append_attribute("errors") = errors;
  root.append_attribute("skipped") = skipped;
  root.append_attribute("time") = junit_seconds(time).c_str();
  if (is_xs_datetime(suite.timestamp)) root.append_attribute("timestamp") = suite.timestamp.c_str();
  if (!suite.properties.empty()) {
    pugi::xml_node props = root.append_child("properties");
    for (const auto& [name, value] : suite.properties) {
      pugi::xml_node p = props.append_child("property");
      set_attribute(p, "name", name);
      set_attribute(p, "value", value);
    }
  }
  for (const JunitCase& c : suite.cases) append_case(root, c);
}

pugi::xml_document new_document() {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  return doc;
}

std::string saved(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace

std::string junit_document(const JunitSuite& suite) {
  pugi::xml_document doc = new_document();
  append_suite(doc, suite);
  return saved(doc);
}

std::string junit_documents(const std::string& name, const std::vector<JunitSuite>& suites) {
  pugi::xml_document doc = new_document();
  pugi::xml_node root = doc.append_child("testsuites");
  set_attribute(root, "name", name);
  for (const JunitSuite& suite : suites) append_suite(root, suite);
  return saved(doc);
}

}  // namespace autofix::reporters
