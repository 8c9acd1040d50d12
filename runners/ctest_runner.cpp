// SPDX-License-Identifier: MIT
#include "runners/ctest_runner.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <span>
#include <spanstream>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gate/results/test_names.h"
#include "gate/util/error.h"
#include "gate/util/regex_text.h"
#include "gate/util/signals.h"
#include "gate/util/io_errors.h"
#include "runners/case_results.h"
#include "runners/gtest_filter.h"
#include "runners/test_framework.h"

namespace autofix::runners {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxShowOnlyBytes = 64 * 1024 * 1024;
constexpr size_t kMaxLogBytes = 16 * 1024 * 1024;  // of ctest.log, only the end is read (its summary is there)
constexpr size_t kMaxBinaryXmlFiles = 100'000;
// `-R` patterns longer than this go by number (see CTestOptions::names). CTest 3.25 compiles a pattern to at
// most 64 KiB, about its length plus 13 bytes a branch: 1,800 names of 24 characters were already too big.
constexpr size_t kMaxSelectionRegexBytes = 8 * 1024;

// A CTest test name as an exact-match regular expression for `ctest -R`.
std::string exact_regex(const std::string& name) { return "^" + regex_escaped(name) + "$"; }

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Up to `cap` bytes of a file: all of it, or (tail_only) its last `cap` bytes; a larger file is
// refused otherwise. Throws Error(io).
std::string read_file_capped(const fs::path& path, size_t cap, bool tail_only = false) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_errno("cannot open", path.string(), errno);
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw_errno("cannot read", path.string(), errno);
  std::streamoff start = 0;
  if (static_cast<uint64_t>(size) > cap) {
    if (!tail_only)
      throw Error(ErrorKind::io, "cannot read " + quoted(path) + ": it is " + std::to_string(size) +
                                     " bytes, more than the limit of " + std::to_string(cap));
    start = size - static_cast<std::streamoff>(cap);
  }
  std::string content(static_cast<size_t>(size - start), '\0');
  in.seekg(start);
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (in.gcount() != static_cast<std::streamsize>(content.size())) throw_errno("cannot read", path.string(), errno);
  return content;
}

void require_test_dir(const fs::path& build_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(build_dir / "CTestTestfile.cmake", ec))
    throw Error(ErrorKind::usage, "no CTest tests in " + quoted(build_dir) + " (it has no CTestTestfile.cmake)",
                "give the build directory of a project configured with enable_testing()");
}

// Throws Interrupted (or, should the flag be gone already, an Error) for a run the gate's interrupt ended.
void rethrow_interrupt(const std::string& what) {
  throw_if_interrupted();
  throw Error(ErrorKind::internal, what + " was stopped by an interrupt");
}

std::string excerpt_of(const ProcessResult& r) {
  std::string text = r.err.empty() ? r.out : r.err;
  return cap_text(text, 2048);
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A CTest test that may have written one of the XML files: it ran, and its command names the binary.
struct Candidate {
  size_t test_index;
  std::optional<std::string> gtest_filter;
  bool has_file = false;
  bool binary_wrote_xml = false;  // some XML file carries the name of a binary in its command
};

// A filter that names one test exactly (what gtest_discover_tests passes): one case, no file of its own.
bool selects_one_case(const std::optional<std::string>& filter) {
  return filter && !filter->empty() && filter->find_first_of("*?:-") == std::string::npos;
}

// The --gtest_filter a test's command passes, if any.
std::optional<std::string> gtest_filter_of(const DiscoveredTest& test) {
  std::optional<std::string> filter;
  for (const auto& arg : test.command)
    if (arg.starts_with("--gtest_filter=")) filter = arg.substr(std::string_view("--gtest_filter=").size());
  return filter;
}

// "sample_tests_12" -> ("sample_tests", 12) when the prefix is a known binary; "sample_tests" -> (…, 0).
std::optional<std::pair<std::string, unsigned>> binary_of(const std::string& stem,
                                                          const std::map<std::string, std::vector<Candidate*>>& by_exe) {
  if (by_exe.contains(stem)) return std::pair{stem, 0u};
  size_t underscore = stem.rfind('_');
  if (underscore == std::string::npos || underscore + 1 == stem.size()) return std::nullopt;
  std::string_view digits = std::string_view(stem).substr(underscore + 1);
  unsigned n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  std::string prefix = stem.substr(0, underscore);
  if (!by_exe.contains(prefix)) return std::nullopt;
  return std::pair{prefix, n};
}

// Reads every XML under gtest_dir and attributes each multi-case file to the CTest test that wrote it; a
// one-case file gives the one-case tests it fits (gtest_discover_tests) where their case is defined.
// `lacking` gets the tests that ran to their end without a file of their own although their binary writes
// XML; `damaged` the warnings about files that could not be parsed (both matter only while such a test
// stays without cases: see read_missing_cases).
std::vector<TestResult> read_binary_cases(const fs::path& gtest_dir, std::vector<TestResult>& tests,
                                          const std::vector<DiscoveredTest>& discovered,
                                          std::vector<std::string>& warnings, std::set<std::string>& lacking,
                                          std::vector<std::string>& damaged) {
  std::map<std::string, const DiscoveredTest*> by_name;
  for (const auto& d : discovered) by_name.emplace(d.name, &d);
  std::vector<Candidate> candidates;
  candidates.reserve(tests.size());
  std::map<std::string, std::vector<Candidate*>> by_exe;
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestResult& t = tests[i];
    bool ran = t.status != TestStatus::not_run && !(t.status == TestStatus::skipped && t.message == "Disabled");
    auto found = by_name.find(t.name);
    if (!ran || found == by_name.end() || found->second->command.empty()) continue;
    candidates.push_back(Candidate{i, gtest_filter_of(*found->second)});
  }
  for (auto& c : candidates) {
    const auto& command = by_name.at(tests[c.test_index].name)->command;
    std::vector<std::string> names{fs::path(command.front()).filename().string()};
    // Wrappers (emulators, valgrind, ...) put the binary later in the command.
    for (size_t k = 1; k < command.size(); ++k)
      if (!command[k].starts_with("-") && command[k].find('/') != std::string::npos)
        names.push_back(fs::path(command[k]).filename().string());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& n : names)
      if (!n.empty()) by_exe[n].push_back(&c);
  }

  // (binary, index, path): GoogleTest's own order of choosing names.
  std::vector<std::tuple<std::string, unsigned, fs::path>> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(gtest_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it.depth() > 8) it.disable_recursion_pending();
    std::error_code status_ec;
    if (!it->is_regular_file(status_ec) || it->is_symlink(status_ec) || it->path().extension() != ".xml") continue;
    if (files.size() >= kMaxBinaryXmlFiles) {
      warnings.push_back("more than " + std::to_string(kMaxBinaryXmlFiles) + " XML files in " + quoted(gtest_dir) +
                         "; the rest were not read");
      break;
    }
    std::string stem = it->path().stem().string();
    auto binary = binary_of(stem, by_exe);
    if (!binary) {
      warnings.push_back(quoted(it->path()) + " was left out: no CTest test that ran runs a binary named '" +
                         cap_text(stem, 256) + "'");
      continue;
    }
    files.emplace_back(binary->first, binary->second, it->path());
  }
  if (ec) throw Error(ErrorKind::io, "cannot list " + quoted(gtest_dir) + ": " + ec.message());
  std::sort(files.begin(), files.end());

  // Parse every file first, then hand out the files that fit the fewest tests first: a file only one
  // test can have written goes to that test before an ambiguous file takes it.
  struct Parsed {
    fs::path path;
    std::string exe;
    std::vector<TestResult> cases;
    std::vector<Candidate*> fits;
  };
  std::vector<Parsed> parsed;
  for (const auto& [exe, index, path] : files) {
    for (Candidate* c : by_exe.at(exe)) c->binary_wrote_xml = true;
    std::vector<TestResult> cases;
    try {
      cases = parse_test_binary_xml(read_file_capped(path, kMaxXmlBytes), std::string(), path.string());
    } catch (const Error& e) {
      // Per-case results are extra detail (CTest's own report decides): two runs of one binary can
      // write the same file at once, so a damaged one is left out with a warning, not fatal.
      damaged.push_back(std::string(e.what()) + "; its cases were left out");
      continue;
    }
    if (cases.empty()) continue;
    Parsed p{path, exe, std::move(cases), {}};
    std::vector<Candidate*> one_case_tests;
    for (Candidate* c : by_exe.at(exe)) {
      bool all_match = !c->gtest_filter || std::all_of(p.cases.begin(), p.cases.end(), [&](const TestResult& r) {
                         return gtest_filter_matches(*c->gtest_filter, r.name);
                       });
      if (!all_match) continue;
      if (selects_one_case(c->gtest_filter)) one_case_tests.push_back(c);
      else p.fits.push_back(c);
    }
    // A gtest_discover_tests test runs one case and is a CTest test itself: its file adds only where
    // the case is defined.
    if (p.cases.size() == 1 && !one_case_tests.empty()) {
      for (Candidate* c : one_case_tests)
        if (!tests[c->test_index].defined_at.known()) tests[c->test_index].defined_at = p.cases.front().defined_at;
      continue;
    }
    parsed.push_back(std::move(p));
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const Parsed& a, const Parsed& b) { return a.fits.size() < b.fits.size(); });

  std::vector<std::vector<TestResult>> per_test(tests.size());
  for (Parsed& p : parsed) {
    auto free = std::find_if(p.fits.begin(), p.fits.end(), [](const Candidate* c) { return !c->has_file; });
    if (free == p.fits.end()) {
      warnings.push_back(quoted(p.path) + " was left out: " +
                         (p.fits.empty() ? "no CTest test running '" + p.exe + "' selects all of its cases"
                                         : "every CTest test running '" + p.exe + "' that fits has a file already"));
      continue;
    }
    (*free)->has_file = true;
    const std::string& owner = tests[(*free)->test_index].name;
    for (auto& r : p.cases) {
      r.case_name = r.name;
      r.name = test_name(owner, r.case_name);
      r.ctest_test = owner;
    }
    per_test[(*free)->test_index] = std::move(p.cases);
  }
  for (const Candidate& c : candidates) {
    const TestResult& t = tests[c.test_index];
    bool ran_to_its_end = t.status == TestStatus::passed || t.status == TestStatus::failed;
    if (c.binary_wrote_xml && !c.has_file && ran_to_its_end && !selects_one_case(c.gtest_filter))
      lacking.insert(t.name);
  }
  std::vector<TestResult> all;
  for (auto& v : per_test) std::move(v.begin(), v.end(), std::back_inserter(all));
  return all;
}

constexpr const char* kLackingReason =
    "its binary writes XML, but no file with more than one case fits it (a binary that crashes writes none;"
    " runs of one binary that overlap can overwrite each other's file)";

// Per-case results the ctest run could not give, read from a run of the gate's own (see the header):
// Catch2 and doctest binaries registered as one CTest test that failed, and GoogleTest binaries whose
// file another run of the same binary took (GoogleTest names its file "<binary>.xml" unless that exists,
// so two runs that start together can write one file at once and damage it).
void read_missing_cases(const CTestOptions& options, const fs::path& dir, CTestRun& run,
                        const std::vector<DiscoveredTest>& discovered, const std::set<std::string>& lacking,
                        const std::vector<std::string>& damaged) {
  std::set<std::string> have_cases;
  for (const TestResult& c : run.cases) have_cases.insert(c.ctest_test);
  std::map<std::string, const DiscoveredTest*> by_name;
  for (const auto& d : discovered) by_name.emplace(d.name, &d);
  bool any_left_without = false;
  size_t index = 0;
  for (const TestResult& t : run.tests) {
    if (have_cases.count(t.name)) continue;
    auto found = by_name.find(t.name);
    bool runnable = found != by_name.end() && !found->second->command.empty() && !found->second->needs_ctest;
    TestFramework framework = runnable ? framework_of(*found->second) : TestFramework::unknown;
    bool own_report = framework == TestFramework::catch2 || framework == TestFramework::doctest;
    // A GoogleTest binary that crashed or was aborted wrote no file: which of its cases failed is read
    // from a run alone (fmt's format-test aborted on a lost wake-up in one case, hiding the case a fix broke).
    bool crashed_gtest = t.status == TestStatus::failed && framework == TestFramework::googletest &&
                         !selects_one_case(gtest_filter_of(*found->second));
    bool wanted = (t.status == TestStatus::failed && (own_report || crashed_gtest)) || lacking.count(t.name);
    if (!wanted) continue;
    const std::string lead = "no per-case results for '" + t.name + "'";
    if (!options.read_failing_cases || framework == TestFramework::unknown) {
      if (lacking.count(t.name)) run.warnings.push_back(lead + ": " + kLackingReason);
      any_left_without = true;
      continue;
    }
    DirectCaseOptions direct;
    direct.build_dir = options.build_dir;
    direct.report_file = dir / ("cases-" + std::to_string(++index) + ".xml");
    direct.timeout = options.timeout;
    direct.environment = options.environment;
    direct.on_started = options.on_started;
    DirectCaseRun cases = run_cases_directly(*found->second, framework, {}, direct);
    bool any_failed = std::any_of(cases.cases.begin(), cases.cases.end(),
                                  [](const TestResult& c) { return c.status == TestStatus::failed; });
    const std::string what = lead + " (" + to_string(framework) + ")";
    if (!cases.problem.empty()) {
      run.warnings.push_back(what + ": when the gate ran it alone, " + cases.problem);
    } else if (t.status == TestStatus::failed && !any_failed) {
      run.warnings.push_back(what + ": it failed under ctest, but every case passed when the gate ran it alone");
    } else if (t.status != TestStatus::failed && any_failed) {
      run.warnings.push_back(what + ": it passed under ctest, but a case failed when the gate ran it alone");
    } else {
      for (TestResult& c : cases.cases) run.cases.push_back(std::move(c));
      continue;
    }
    any_left_without = true;
  }
  // A damaged file matters only while a test lacks its cases: concurrent runs of one-case tests
  // (gtest_discover_tests) damage files that add nothing, and lone runs give the others back.
  if (any_left_without)
    run.warnings.insert(run.warnings.end(), damaged.begin(), damaged.end());
}

// The CTestCustom files ctest reads from the top of the build tree (empty when there are none).
std::string ctest_custom_text(const fs::path& build_dir) {
  std::string text;
  for (const char* name : {"CTestCustom.cmake", "CTestCustom.ctest"}) {
    std::error_code ec;
    if (fs::is_regular_file(build_dir / name, ec)) text += read_file_capped(build_dir / name, kMaxLogBytes, true);
  }
  return text;
}

std::string seconds_argument(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

// ctest prints what CTEST_CUSTOM_PRE_TEST and CTEST_CUSTOM_POST_TEST commands print (CTestCustom.cmake)
// before and after the document, and a project's test includes may print too: the document is the first
// JSON object that starts a line and reads as CTest's. Parsing stops at the object's end, so whatever
// follows it (a post-test command's output, even on the same line) does not matter.
template <typename Bad>
json find_show_only_document(std::string_view text, const Bad& bad) {
  constexpr int kMaxCandidates = 64;  // lines starting with '{' tried; a hostile prefix cannot make this quadratic
  std::string first_error;
  std::optional<json> other;  // an object with another "kind": reported if CTest's never shows up
  int tried = 0;
  for (size_t at = 0; at < text.size() && tried < kMaxCandidates;) {
    size_t brace = text.find('{', at);
    if (brace == std::string_view::npos) break;
    at = brace + 1;
    if (brace != 0 && text[brace - 1] != '\n') continue;
    ++tried;
    json doc;
    // operator>> is not strict: it stops at the end of the first value instead of demanding end of input.
    std::span<const char> rest(text.data() + brace, text.size() - brace);
    std::ispanstream in(rest);
    try {
      in >> doc;
    } catch (const json::exception& e) {
      if (first_error.empty()) first_error = e.what();
      continue;
    }
    if (doc.is_object() && doc.value("kind", json()) == "ctestInfo") return doc;
    if (doc.is_object() && doc.contains("kind") && !other) other = std::move(doc);
    else if (first_error.empty()) first_error = "a JSON value without \"kind\"";
  }
  if (other) return *other;
  if (first_error.empty()) throw bad("no JSON object in it (" + cap_text(text, 200) + ")");
  throw bad(std::string("malformed JSON (") + first_error + ")");
}

}  // namespace

std::vector<DiscoveredTest> parse_show_only_json(std::string_view text, std::string_view source) {
  auto bad = [&](const std::string& what) -> Error {
    return Error(ErrorKind::internal, std::string(source) + " is not CTest's json-v1: " + what,
                 "check that ctest is CMake 3.14 or newer and that the build directory is intact");
  };
  json doc = find_show_only_document(text, bad);
  const json* kind = member(doc, "kind");
  if (!kind || !kind->is_string() || *kind != "ctestInfo") throw bad("its \"kind\" is not \"ctestInfo\"");
  const json* version = member(doc, "version");
  const json* major = version && version->is_object() ? member(*version, "major") : nullptr;
  if (!major || !major->is_number_integer() || *major != 1) throw bad("its \"version.major\" is not 1");
  const json* tests = member(doc, "tests");
  if (!tests || !tests->is_array()) throw bad("it has no \"tests\" array");

  std::vector<DiscoveredTest> result;
  result.reserve(tests->size());
  for (const json& t : *tests) {
    if (!t.is_object()) throw bad("a test is not an object");
    const json* name = member(t, "name");
    if (!name || !name->is_string() || name->get_ref<const std::string&>().empty())
      throw bad("a test has no name");
    DiscoveredTest d;
    d.name = name->get<std::string>();
    if (const json* command = member(t, "command")) {
      if (!command->is_array()) throw bad("the command of '" + d.name + "' is not an array");
      for (const json& arg : *command) {
        if (!arg.is_string()) throw bad("the command of '" + d.name + "' holds a non-string");
        d.command.push_back(arg.get<std::string>());
      }
    }
    if (const json* properties = member(t, "properties")) {
      if (!properties->is_array()) throw bad("the properties of '" + d.name + "' are not an array");
      for (const json& p : *properties) {
        const json* pname = p.is_object() ? member(p, "name") : nullptr;
        const json* value = p.is_object() ? member(p, "value") : nullptr;
        if (!pname || !pname->is_string() || !value) throw bad("a property of '" + d.name + "' has no name or value");
        const std::string& key = pname->get_ref<const std::string&>();
        if (key == "LABELS") {
          if (value->is_string()) d.labels.push_back(value->get<std::string>());
          else if (value->is_array())
            for (const json& l : *value)
              if (l.is_string()) d.labels.push_back(l.get<std::string>());
        } else if (key == "WORKING_DIRECTORY" && value->is_string()) {
          d.working_directory = value->get<std::string>();
        } else if (key == "TIMEOUT" && value->is_number()) {
          d.timeout = value->get<double>();
        } else if (key == "WILL_FAIL" && value->is_boolean()) {
          d.will_fail = value->get<bool>();
        } else if (key == "DISABLED" && value->is_boolean()) {
          d.disabled = value->get<bool>();
        } else if (key == "SKIP_RETURN_CODE" && value->is_number_integer()) {
          d.skip_return_code = value->get<int>();
        } else if (key == "ENVIRONMENT") {
          if (value->is_string()) d.environment.push_back(value->get<std::string>());
          else if (value->is_array())
            for (const json& e : *value)
              if (e.is_string()) d.environment.push_back(e.get<std::string>());
        } else if (key == "FIXTURES_REQUIRED" || key == "ENVIRONMENT_MODIFICATION" || key == "RESOURCE_GROUPS" ||
                   key == "REQUIRED_FILES" || key == "PASS_REGULAR_EXPRESSION" || key == "FAIL_REGULAR_EXPRESSION") {
          d.needs_ctest = true;
        }
      }
    }
    // Where the test was registered: backtraceGraph.nodes[backtrace] names a file and a line. Best effort;
    // a graph that does not fit is ignored (it only adds file and line to findings).
    const json* bt = member(t, "backtrace");
    const json* graph = member(doc, "backtraceGraph");
    if (bt && bt->is_number_unsigned() && graph && graph->is_object()) {
      const json* nodes = member(*graph, "nodes");
      const json* files = member(*graph, "files");
      size_t index = bt->get<size_t>();
      if (nodes && nodes->is_array() && files && files->is_array() && index < nodes->size() && (*nodes)[index].is_object()) {
        const json& node = (*nodes)[index];
        const json* file = member(node, "file");
        const json* line = member(node, "line");
        if (file && file->is_number_unsigned() && file->get<size_t>() < files->size() && (*files)[file->get<size_t>()].is_string())
          d.source_file = (*files)[file->get<size_t>()].get<std::string>();
        if (line && line->is_number_integer()) d.source_line = line->get<int>();
      }
      // The whole chain through `parent`; at most one step per node, so a cycle cannot loop.
      const bool arrays = nodes && nodes->is_array() && files && files->is_array();
      for (size_t steps = 0; arrays && index < nodes->size() && (*nodes)[index].is_object() && steps < nodes->size();
           ++steps) {
        const json& node = (*nodes)[index];
        const json* file = member(node, "file");
        if (file && file->is_number_unsigned() && file->get<size_t>() < files->size() &&
            (*files)[file->get<size_t>()].is_string()) {
          std::string path = (*files)[file->get<size_t>()].get<std::string>();
          if (std::find(d.backtrace_files.begin(), d.backtrace_files.end(), path) == d.backtrace_files.end())
            d.backtrace_files.push_back(std::move(path));
        }
        const json* parent = member(node, "parent");
        if (!parent || !parent->is_number_unsigned()) break;
        index = parent->get<size_t>();
      }
    }
    result.push_back(std::move(d));
  }
  return result;
}

std::string show_only_description(const fs::path& build_dir, const std::string& ctest) {
  return "`" + ctest + " --show-only=json-v1` in " + quoted(build_dir);
}

std::vector<DiscoveredTest> discover_tests(const fs::path& build_dir, const std::vector<std::string>& labels,
                                           const std::string& ctest) {
  return parse_show_only_json(show_only_json(build_dir, labels, ctest), show_only_description(build_dir, ctest));
}

std::string show_only_json(const fs::path& build_dir, const std::vector<std::string>& labels, const std::string& ctest) {
  require_test_dir(build_dir);
  ProcessSpec spec;
  // The gate's own tests (`ctest -L autofix` runs `autofix-gate verify`) must never run inside it.
  spec.argv = {ctest, "--show-only=json-v1", "-LE", std::string(kGateLabelExclusion)};
  for (const auto& label : labels) {
    spec.argv.push_back("-L");
    spec.argv.push_back(label);
  }
  spec.working_directory = build_dir;
  spec.output_cap = kMaxShowOnlyBytes;
  spec.timeout = std::chrono::minutes(10);  // PRE_TEST discovery runs test binaries
  const std::string what = show_only_description(build_dir, ctest);
  ProcessResult r = run_process(spec);
  if (r.interrupted) rethrow_interrupt(what);
  if (!r.succeeded())
    throw Error(ErrorKind::internal, what + " failed (" + r.describe() + "): " + excerpt_of(r),
                "run it yourself in the build directory to see why");
  if (r.out_truncated)
    throw Error(ErrorKind::internal, what + " printed more than " + std::to_string(kMaxShowOnlyBytes) + " bytes");
  return std::move(r.out);
}

CTestRun run_ctest(const CTestOptions& options) {
  require_test_dir(options.build_dir);
  if (options.output_dir.empty()) throw Error(ErrorKind::usage, "run_ctest needs an output directory");
  const fs::path out = fs::absolute(options.output_dir);
  const fs::path junit = out / "ctest-junit.xml";
  const fs::path log = out / "ctest.log";
  const fs::path gtest_dir = out / "gtest";
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + quoted(out) + ": " + ec.message());
  // Nothing from an earlier run may be mistaken for this one's.
  for (const fs::path& stale : {junit, log}) {
    fs::remove(stale, ec);
    if (ec) throw Error(ErrorKind::io, "cannot remove " + quoted(stale) + ": " + ec.message());
  }
  fs::remove_all(gtest_dir, ec);
  if (!ec) fs::create_directories(gtest_dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot empty " + quoted(gtest_dir) + ": " + ec.message());

  const std::vector<DiscoveredTest> discovered =
      options.discovered ? *options.discovered : discover_tests(options.build_dir, options.labels, options.ctest);

  unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  ProcessSpec spec;
  spec.argv = {options.ctest,
               "--output-junit", junit.string(),
               "--output-log", log.string(),
               "-j", std::to_string(jobs),
               "--no-tests=error",
               "-LE",
               std::string(kGateLabelExclusion)};
  // How much output CTest keeps: the project's own CTestCustom settings win, as they do for plain ctest.
  const std::string custom = ctest_custom_text(options.build_dir);
  auto unless_custom = [&](const char* variable, std::initializer_list<const char*> args) {
    if (custom.find(variable) == std::string::npos)
      for (const char* a : args) spec.argv.emplace_back(a);
  };
  unless_custom("CTEST_CUSTOM_MAXIMUM_PASSED_TEST_OUTPUT_SIZE", {"--test-output-size-passed", "4096"});
  unless_custom("CTEST_CUSTOM_MAXIMUM_FAILED_TEST_OUTPUT_SIZE", {"--test-output-size-failed", "65536"});
  unless_custom("CTEST_CUSTOM_TEST_OUTPUT_TRUNCATION", {"--test-output-truncation", "middle"});
  if (options.timeout.count() > 0) {
    spec.argv.push_back("--timeout");
    spec.argv.push_back(seconds_argument(options.timeout));
  }
  for (const auto& label : options.labels) {
    spec.argv.push_back("-L");
    spec.argv.push_back(label);
  }
  // One alternation without a group per entry: CTest's regular expressions (kwsys) allow at most 9
  // groups, and ten "(name)" entries made `-R` match no test at all.
  std::string regex;
  for (const auto& r : options.tests_regex) regex += (regex.empty() ? "" : "|") + r;
  for (const auto& n : options.names) regex += (regex.empty() ? "" : "|") + exact_regex(n);
  std::optional<std::set<std::string>> selected_by_number;
  if (regex.size() > kMaxSelectionRegexBytes) {
    if (!options.tests_regex.empty())
      throw Error(ErrorKind::internal, "the test selection for ctest in " + quoted(options.build_dir) + " is " +
                                           std::to_string(regex.size()) + " characters of regular expressions",
                  "select fewer tests, or by exact names (which can go by number)");
    std::map<std::string, size_t> place;
    for (size_t i = 0; i < discovered.size(); ++i) place.emplace(discovered[i].name, i + 1);
    std::string numbers = "0,0,0";
    selected_by_number.emplace();
    for (const auto& n : options.names)
      if (auto it = place.find(n); it != place.end() && selected_by_number->insert(n).second)
        numbers += "," + std::to_string(it->second);
    if (selected_by_number->empty())
      throw Error(ErrorKind::internal, "none of the " + std::to_string(options.names.size()) +
                                           " tests to run is listed by ctest in " + quoted(options.build_dir),
                  "reconfigure the build directory; the project may have removed those tests");
    spec.argv.push_back("-I");
    spec.argv.push_back(numbers);
  } else if (!regex.empty()) {
    spec.argv.push_back("-R");
    spec.argv.push_back(regex);
  }
  spec.working_directory = options.build_dir;
  spec.environment = options.environment;
  // Per-case XML is only needed for tests that run more than one case; a gtest_discover_tests test
  // runs exactly one (--gtest_filter=Suite.Case), and writing XML from each of hundreds of those
  // processes costs measurable time (about 1.4 ms a test here).
  auto runs_one_case = [](const DiscoveredTest& t) {
    for (const std::string& arg : t.command) {
      if (!arg.starts_with("--gtest_filter=")) continue;
      std::string_view filter = std::string_view(arg).substr(15);
      return !filter.empty() && filter.find_first_of("*?:-") == std::string_view::npos;
    }
    return false;
  };
  if (!std::all_of(discovered.begin(), discovered.end(), runs_one_case))
    spec.environment.push_back({"GTEST_OUTPUT", "xml:" + gtest_dir.string() + "/"});
  spec.timeout = options.overall_timeout;
  spec.on_started = options.on_started;

  const std::string what = "ctest in " + quoted(options.build_dir);
  CTestRun run;
  run.junit_file = junit;
  run.process = run_process(spec);
  const ProcessResult& p = run.process;
  if (p.interrupted) rethrow_interrupt(what);
  if (p.timed_out)
    throw Error(ErrorKind::internal, what + " did not finish within " + seconds_argument(options.overall_timeout) +
                                         " s and was stopped",
                "raise the time limit, or find the test that hangs in " + quoted(log));
  if (p.signal != 0 || (p.exit_code != 0 && p.exit_code != 8))
    throw Error(ErrorKind::internal, what + " failed (" + p.describe() + "): " + excerpt_of(p),
                "run ctest yourself in the build directory to see why");

  if (!fs::exists(junit, ec))
    throw Error(ErrorKind::io, what + " wrote no JUnit report at " + quoted(junit) + " (" + p.describe() + "): " +
                                   excerpt_of(p));
  run.tests = parse_ctest_junit(read_file_capped(junit, kMaxXmlBytes), junit.string());
  if (run.tests.empty())
    throw Error(ErrorKind::internal, what + " ran no test: " + excerpt_of(p),
                "check the labels and test name patterns, and that the project registers tests");

  if (selected_by_number)
    for (const TestResult& t : run.tests)
      if (!selected_by_number->count(t.name))
        throw Error(ErrorKind::internal, what + " ran '" + cap_text(t.name, 256) +
                                             "', which the gate did not choose: the test numbers given to `-I` did"
                                             " not select the tests discovery listed",
                    "run the gate again; if it persists, report it with the output of `ctest -N` there");
  if (!fs::exists(log, ec)) throw Error(ErrorKind::io, what + " wrote no log at " + quoted(log));
  const auto failures = parse_ctest_log_failures(read_file_capped(log, kMaxLogBytes, /*tail_only=*/true));
  for (TestResult& t : run.tests) {
    auto it = failures.find(t.name);
    if (it == failures.end()) continue;
    const std::string& reason = it->second;
    if (reason == "Timeout") {
      t.status = TestStatus::timeout;
      t.message = reason;
    } else if (t.status == TestStatus::passed || t.status == TestStatus::skipped) {
      // The log says it failed: believe the worse of the two.
      t.status = TestStatus::failed;
      t.message = reason;
    } else if (t.message.empty()) {
      t.message = reason;
    }
  }
  bool any_failed = std::any_of(run.tests.begin(), run.tests.end(), [](const TestResult& t) {
    return t.status == TestStatus::failed || t.status == TestStatus::timeout || t.status == TestStatus::not_run;
  });
  if (p.exit_code == 8 && !any_failed)
    throw Error(ErrorKind::internal, what + " reported failure (exit code 8) but its JUnit report shows none: " +
                                         excerpt_of(p),
                "look at " + quoted(log));

  std::set<std::string> lacking;
  std::vector<std::string> damaged;
  run.cases = read_binary_cases(gtest_dir, run.tests, discovered, run.warnings, lacking, damaged);
  read_missing_cases(options, out / "cases", run, discovered, lacking, damaged);
  run.discovered = discovered;
  return run;
}

}  // namespace autofix::runners
