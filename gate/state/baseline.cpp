// SPDX-License-Identifier: MIT
#include "gate/state/baseline.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "gate/git/hash_text.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

RunStatus status_from(const std::string& s) {
  if (std::optional<RunStatus> status = kRunStatuses.parse(s)) return *status;
  throw Error(ErrorKind::internal, "unknown test status '" + s + "'");
}

nlohmann::json location_to_json(const SourceLocation& l) { return {{"file", l.file}, {"line", l.line}}; }

SourceLocation location_from_json(const nlohmann::json& j) {
  return {j.at("file").get<std::string>(), j.at("line").get<int>()};
}

nlohmann::json record_to_json(const TestRecord& t) {
  nlohmann::json reruns = nlohmann::json::array();
  for (RunStatus r : t.reruns) reruns.push_back(to_string(r));
  nlohmann::json j = {{"name", t.name},         {"ctest_test", t.ctest_test}, {"case", t.case_name},
                      {"status", to_string(t.status)}, {"duration_s", t.duration_s}, {"output", t.output},
                      {"failures", t.failures}, {"reruns", reruns}, {"defined_at", location_to_json(t.defined_at)}};
  j["first_failure"] = nullptr;
  if (t.first_failure) {
    j["first_failure"] = location_to_json(t.first_failure->location);
    j["first_failure"]["message"] = t.first_failure->message;
  }
  return j;
}

TestRecord record_from_json(const nlohmann::json& t) {
  TestRecord r;
  r.name = t.at("name").get<std::string>();
  r.ctest_test = t.at("ctest_test").get<std::string>();
  r.case_name = t.at("case").get<std::string>();
  r.status = status_from(t.at("status").get<std::string>());
  r.duration_s = t.at("duration_s").get<double>();
  r.output = t.at("output").get<std::string>();
  r.failures = t.at("failures").get<std::vector<std::string>>();
  for (const auto& s : t.at("reruns")) r.reruns.push_back(status_from(s.get<std::string>()));
  // Baselines stored before test locations were read have neither: unknown.
  if (t.contains("defined_at")) r.defined_at = location_from_json(t.at("defined_at"));
  if (t.contains("first_failure") && !t.at("first_failure").is_null())
    r.first_failure = FailedAssertion{location_from_json(t.at("first_failure")),
                                      t.at("first_failure").at("message").get<std::string>()};
  return r;
}

// Format 3: test records carry their CTest test, case, failure lines and re-runs; tests their environment.
// Records may carry defined_at and first_failure (added within format 3: older files lack them).
constexpr int kFormat = 3;

}  // namespace

nlohmann::json discovered_to_json(const runners::DiscoveredTest& t) {
  nlohmann::json j = {{"name", t.name},           {"command", t.command},         {"labels", t.labels},
                      {"will_fail", t.will_fail}, {"disabled", t.disabled},       {"source_file", t.source_file},
                      {"source_line", t.source_line}, {"working_directory", t.working_directory}};
  j["timeout"] = t.timeout ? nlohmann::json(*t.timeout) : nlohmann::json(nullptr);
  j["skip_return_code"] = t.skip_return_code ? nlohmann::json(*t.skip_return_code) : nlohmann::json(nullptr);
  j["environment"] = t.environment;
  j["needs_ctest"] = t.needs_ctest;
  return j;
}

runners::DiscoveredTest discovered_from_json(const nlohmann::json& j) {
  runners::DiscoveredTest t;
  t.name = j.at("name").get<std::string>();
  t.command = j.at("command").get<std::vector<std::string>>();
  t.labels = j.at("labels").get<std::vector<std::string>>();
  t.will_fail = j.at("will_fail").get<bool>();
  t.disabled = j.at("disabled").get<bool>();
  t.source_file = j.at("source_file").get<std::string>();
  t.source_line = j.at("source_line").get<int>();
  t.working_directory = j.at("working_directory").get<std::string>();
  if (!j.at("timeout").is_null()) t.timeout = j.at("timeout").get<double>();
  if (!j.at("skip_return_code").is_null()) t.skip_return_code = j.at("skip_return_code").get<int>();
  t.environment = j.at("environment").get<std::vector<std::string>>();
  t.needs_ctest = j.at("needs_ctest").get<bool>();
  return t;
}

std::string baseline_key(const std::string& worktree_tree, const std::filesystem::path& build_dir,
                         const std::string& cmake_cache_text) {
  std::ostringstream material;
  material << "tree " << worktree_tree << "\nbuild_dir " << build_dir.string() << "\n";
  // User-visible cache entries decide what is built (build type, options); internal ones do not, except
  // the source directory the tree was configured from: a baseline of another project is never reused.
  std::istringstream lines(cmake_cache_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line[0] == '/') continue;
    bool internal = line.find(":INTERNAL=") != std::string::npos || line.find(":STATIC=") != std::string::npos;
    if (internal && !line.starts_with("CMAKE_HOME_DIRECTORY:")) continue;
    material << line << "\n";
  }
  std::string text = material.str();
  return git::to_hex(git::hash_text(text, "the baseline's key"));
}

std::optional<BaselineRecord> BaselineCache::load(const std::string& key) const {
  std::optional<std::string> text = read_file_if_exists(path_for(key));
  if (!text) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  try {
    BaselineRecord r;
    r.key = j.at("key").get<std::string>();
    if (r.key != key || j.at("format").get<int>() != kFormat) return std::nullopt;
    r.tree = j.at("tree").get<std::string>();
    r.created = j.at("created").get<std::string>();
    r.runs = j.at("runs").get<int>();
    r.build_ok = j.at("build_ok").get<bool>();
    r.build_errors = j.at("build_errors").get<std::vector<std::string>>();
    for (const auto& t : j.at("tests")) r.tests.push_back(record_from_json(t));
    r.flaky = j.at("flaky").get<std::vector<std::string>>();
    for (const auto& d : j.at("discovered")) r.discovered.push_back(discovered_from_json(d));
    r.sanitizer_reports = j.at("sanitizer_reports").get<std::map<std::string, std::vector<std::string>>>();
    r.sanitizers_built = j.at("sanitizers_built").get<bool>();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // damaged: computed again
  }
}

void BaselineCache::store(const BaselineRecord& r) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create '" + dir_.string() + "': " + ec.message());
  nlohmann::json tests = nlohmann::json::array();
  for (const TestRecord& t : r.tests) tests.push_back(record_to_json(t));
  nlohmann::json discovered = nlohmann::json::array();
  for (const auto& d : r.discovered) discovered.push_back(discovered_to_json(d));
  nlohmann::json j = {{"format", kFormat},          {"key", r.key},           {"tree", r.tree},
                      {"created", r.created}, {"runs", r.runs},         {"build_ok", r.build_ok},
                      {"build_errors", r.build_errors}, {"tests", tests},
                      {"flaky", r.flaky},     {"discovered", discovered}, {"sanitizer_reports", r.sanitizer_reports},
                      {"sanitizers_built", r.sanitizers_built}};
  // Test output is untrusted: invalid UTF-8 is replaced rather than failing the dump.
  write_file_atomically(path_for(r.key), j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace autofix
