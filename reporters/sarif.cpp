// SPDX-License-Identifier: MIT
#include "reporters/sarif.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>

#include "gate/results/severity.h"
#include "reporters/finding_key.h"
#include "reporters/sarif_region.h"
#include "reporters/sarif_rules.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char* kSourceRoot = "SRCROOT";
// The tests run's category: no tier's, since a tier name cannot hold a '/' (gate/policy/config.cpp).
constexpr const char* kTestsCategory = "autofix-gate/tests/";

bool reported_even_when_clean(TierKind kind) { return row_of(kind).is_analysis; }

// What GitHub can place: a file and a line in it.
bool has_location(const Finding& f) { return !f.file.empty() && f.line > 0; }

json gate_component() {
  return {{"name", "autofix-gate"}, {"version", AUTOFIX_GATE_VERSION}, {"semanticVersion", AUTOFIX_GATE_VERSION}};
}

json tool_for(TierKind kind) {
  if (kind == TierKind::clang_tidy || kind == TierKind::cppcheck) {
    json driver = kind == TierKind::clang_tidy
                      ? json{{"name", "clang-tidy"}, {"informationUri", "https://clang.llvm.org/extra/clang-tidy/"}}
                      : json{{"name", "cppcheck"}, {"informationUri", "https://cppcheck.sourceforge.io/"}};
    return {{"driver", std::move(driver)}, {"extensions", json::array({gate_component()})}};
  }
  json driver = gate_component();
  driver["name"] = std::string("autofix-gate ") + to_string(kind);
  return {{"driver", std::move(driver)}};
}

// The analyzer's word for the most severe finding of each rule in the tier (every state), so that a rule's
// metadata is the same in both logs.
std::map<std::string, std::string> worst_severities(const TierResult& tier) {
  std::map<std::string, std::string> worst;
  for (const Finding& f : tier.findings) {
    auto [it, added] = worst.emplace(rule_id_of(tier.kind, f.rule), f.severity);
    if (!added && static_cast<int>(severity_class(f.severity)) < static_cast<int>(severity_class(it->second)))
      it->second = f.severity;
  }
  return worst;
}

// A run of either kind. Every artifact URI is relative to SRCROOT, which is described, not given: its absolute
// URI is not part of the results model, and would not hold on a CI runner.
json run_object(json tool, const std::string& category, json invocation, json results) {
  return {{"tool", std::move(tool)},
          {"automationDetails", {{"id", category}}},
          {"columnKind", "utf16CodeUnits"},  // SARIF's default, said: columns are converted to it (sarif_region.h)
          {"originalUriBaseIds",
           {{kSourceRoot,
             {{"description", {{"text", "The root of the repository the gate judged: every artifact URI is relative "
                                        "to it."}}}}}}},
          {"invocations", json::array({std::move(invocation)})},
          {"results", std::move(results)}};
}

// A result's one location; its region from the excerpt where it has the line (reporters/sarif_region.h).
json physical_location(const std::string& file, int line, int column, const std::optional<SourceExcerpt>& excerpt) {
  json physical = {{"artifactLocation", {{"uri", sarif_uri(file)}, {"uriBaseId", kSourceRoot}}}};
  if (json region = sarif_region(file, line, column, excerpt); !region.is_null()) physical["region"] = std::move(region);
  if (json context = sarif_context_region(file, line, excerpt); !context.is_null()) physical["contextRegion"] = std::move(context);
  return json::array({{{"physicalLocation", physical}}});
}

json result_json(TierKind kind, const Finding& f, const std::string& rule_id, size_t rule_index) {
  json r = json::object();
  r["ruleId"] = rule_id;
  r["ruleIndex"] = rule_index;
  r["level"] = sarif_level(f.severity);
  r["message"] = {{"text", !f.message.empty() ? f.message : rule_id}};
  if (!f.file.empty()) r["locations"] = physical_location(f.file, f.line, f.column, f.excerpt);
  r["partialFingerprints"] = {{"primaryLocationLineHash", finding_key(kind, f)}};
  if (!f.fingerprint.empty()) r["partialFingerprints"]["autofixGate/v1"] = f.fingerprint;
  r["baselineState"] = to_string(f.state);
  // The analyzer's own severity, and whether the finding can fail its tier (false: below fail_on).
  r["properties"] = {{"severity", f.severity}, {"blocking", f.blocking}};
  if (!f.detail.empty()) r["properties"]["detail"] = f.detail;
  return r;
}

json warning(const std::string& text) { return {{"level", "warning"}, {"message", {{"text", text}}}}; }

// The findings a log of `scope` carries, in the tier's order; for the upload log the new ones with a
// location, the most severe first when there are more than GitHub takes.
std::vector<const Finding*> findings_for(const TierResult& tier, SarifScope scope, json& notifications) {
  std::vector<const Finding*> chosen;
  size_t unlocated = 0;
  for (const Finding& f : tier.findings) {
    if (scope == SarifScope::upload && f.state != FindingState::new_) continue;
    if (scope == SarifScope::upload && !has_location(f)) {
      ++unlocated;
      continue;
    }
    chosen.push_back(&f);
  }
  if (unlocated)
    notifications.push_back(warning(std::to_string(unlocated) +
                                    " new finding(s) without a file and a line are not in this log, which GitHub code "
                                    "scanning reads; the full log (autofix-full.sarif) and report.json have them"));
  if (scope == SarifScope::upload && chosen.size() > kSarifMaxResultsPerRun) {
    std::vector<size_t> order(chosen.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return static_cast<int>(severity_class(chosen[a]->severity)) < static_cast<int>(severity_class(chosen[b]->severity));
    });
    // The first kSarifMaxResultsPerRun, back in the tier's order. (Not order.resize(): g++ 12 at -O3
    // warns that the growing branch it inlines frees a non-heap pointer, -Wfree-nonheap-object.)
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(kSarifMaxResultsPerRun);
    std::sort(order.begin(), end);
    std::vector<const Finding*> kept;
    for (auto it = order.begin(); it != end; ++it) kept.push_back(chosen[*it]);
    notifications.push_back(warning(std::to_string(chosen.size() - kept.size()) +
                                    " less severe new finding(s) are not in this log: GitHub code scanning takes at most " +
                                    std::to_string(kSarifMaxResultsPerRun) + " results per run"));
    chosen = std::move(kept);
  }
  return chosen;
}

json run_json(const TierResult& tier, SarifScope scope) {
  json notifications = json::array();
  if (tier.status == TierStatus::error && !tier.reason.empty())
    notifications.push_back({{"level", "error"}, {"message", {{"text", tier.reason}}}});
  std::vector<const Finding*> findings = findings_for(tier, scope, notifications);

  const std::map<std::string, std::string> worst = worst_severities(tier);
  std::map<std::string, size_t> rule_index;
  json rules = json::array();
  json results = json::array();
  for (const Finding* f : findings) {
    std::string id = rule_id_of(tier.kind, f->rule);
    auto [it, added] = rule_index.emplace(id, rules.size());
    if (added) rules.push_back(sarif_rule(tier.kind, id, worst.at(id)));
    results.push_back(result_json(tier.kind, *f, id, it->second));
  }
  json tool = tool_for(tier.kind);
  tool["driver"]["rules"] = std::move(rules);
  json invocation = {{"executionSuccessful", tier.status != TierStatus::error}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  return run_object(std::move(tool), tier.name + "/", std::move(invocation), std::move(results));
}

// --- the tests run -----------------------------------------------------------------------------------------

// A file GitHub can match to one of the repository: relative to its root, without '.', '..' or empty
// segments, not a path the test printed from elsewhere (gate/results/attempt_result.h: such a path stays
// as printed, absolute or in another system's form).
bool in_repository(const SourceLocation& at) {
  const std::string& file = at.file;
  if (!at.known() || file.front() == '/' || file.find('\\') != std::string::npos) return false;
  if (file.size() >= 2 && file[1] == ':' && std::isalpha(static_cast<unsigned char>(file[0]))) return false;  // C:/...
  size_t start = 0;
  while (true) {
    size_t end = file.find('/', start);
    std::string_view segment = std::string_view(file).substr(start, end == std::string::npos ? end : end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

// Where a regression is shown: its first failing assertion, else the test's definition, each only inside the
// repository; one with a line first (GitHub needs it), a file alone only for the full log.
std::optional<SourceLocation> regression_site(const TestOutcome& t, SarifScope scope) {
  std::vector<SourceLocation> candidates;
  if (t.first_failure) candidates.push_back(t.first_failure->location);
  candidates.push_back(t.defined_at);
  for (const SourceLocation& at : candidates)
    if (in_repository(at) && at.line > 0) return at;
  if (scope == SarifScope::full)
    for (const SourceLocation& at : candidates)
      if (in_repository(at)) return SourceLocation{at.file, 0};
  return std::nullopt;
}

json regression_result(const TestOutcome& t, const std::string& reason, const std::optional<SourceLocation>& site) {
  std::string text = reason;
  if (t.first_failure && !t.first_failure->message.empty()) text += "\n" + t.first_failure->message;
  json r = json::object();
  r["ruleId"] = kTestRegressionRule;
  r["ruleIndex"] = 0;
  r["level"] = "error";
  r["message"] = {{"text", text}};
  if (site) r["locations"] = physical_location(site->file, site->line, 0, t.excerpt);
  r["partialFingerprints"] = {{"primaryLocationLineHash", regression_key(t.key())}};
  r["baselineState"] = "new";
  r["properties"] = {{"test", t.name}, {"ctest_test", t.ctest_test}, {"case", t.case_name},
                     {"transition", to_string(t.transition)}};
  if (t.after && !t.after->output.empty()) r["properties"]["detail"] = t.after->output;
  return r;
}

// The run of the test regressions: one result per test the change broke (AttemptResult::regressions()).
// The upload log holds those with a place in the repository, at most kSarifMaxResultsPerRun.
json tests_run(const AttemptResult& result, SarifScope scope) {
  json results = json::array();
  json notifications = json::array();
  size_t unplaced = 0, over_limit = 0;
  for (const TestOutcome& t : result.tests) {
    std::string reason = result.regression_reason_of(t);
    if (reason.empty()) continue;
    std::optional<SourceLocation> site = regression_site(t, scope);
    if (scope == SarifScope::upload && !site) {
      ++unplaced;
    } else if (scope == SarifScope::upload && results.size() == kSarifMaxResultsPerRun) {
      ++over_limit;
    } else {
      results.push_back(regression_result(t, reason, site));
    }
  }
  if (unplaced)
    notifications.push_back(warning(std::to_string(unplaced) +
                                    " test regression(s) without a file and a line in the repository are not in this "
                                    "log, which GitHub code scanning reads; the full log (autofix-full.sarif) and "
                                    "report.json have them"));
  if (over_limit)
    notifications.push_back(warning(std::to_string(over_limit) + " more test regression(s) are not in this log: GitHub " +
                                    "code scanning takes at most " + std::to_string(kSarifMaxResultsPerRun) +
                                    " results per run"));
  json driver = gate_component();
  driver["name"] = "autofix-gate tests";
  driver["rules"] = results.empty() ? json::array() : json::array({sarif_test_regression_rule()});
  json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  return run_object({{"driver", std::move(driver)}}, kTestsCategory, std::move(invocation), std::move(results));
}

// GitHub rejects more than kSarifMaxRuns runs: the runs with results first, then the tiers' order.
json capped_runs(json runs) {
  if (runs.size() <= kSarifMaxRuns) return runs;
  std::vector<size_t> order(runs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return !runs[i]["results"].empty(); });
  order.resize(kSarifMaxRuns);
  std::sort(order.begin(), order.end());
  json kept = json::array();
  for (size_t i : order) kept.push_back(std::move(runs[i]));
  json& notes = kept[0]["invocations"][0]["toolExecutionNotifications"];
  if (notes.is_null()) notes = json::array();
  notes.push_back(warning(std::to_string(runs.size() - kSarifMaxRuns) + " tier(s) without new findings are not in this " +
                          "log: GitHub code scanning takes at most " + std::to_string(kSarifMaxRuns) + " runs per file"));
  return kept;
}

}  // namespace

std::string sarif_uri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                 c == '_' || c == '~' || c == '/';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

json sarif_log(const AttemptResult& result, SarifScope scope) {
  json runs = json::array();
  // Once tests ran, the tests run is there also without regressions: its upload closes the alerts of
  // regressions that are gone. Before any test ran (a dry run, a broken build) it would close them wrongly.
  if (!result.tests.empty()) runs.push_back(tests_run(result, scope));
  for (const TierResult& tier : result.tiers) {
    // A ctest tier's findings are the regressions of the tests it selects: the tests run has them, placed.
    if (tier.kind == TierKind::ctest) continue;
    if (!tier.findings.empty() || reported_even_when_clean(tier.kind)) runs.push_back(run_json(tier, scope));
  }
  if (scope == SarifScope::upload) runs = capped_runs(std::move(runs));
  return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", std::move(runs)}};
}

}  // namespace autofix::reporters
