#include "reporters/sarif.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string>

#include "gate/results/severity.h"
#include "reporters/finding_key.h"
#include "reporters/sarif_rules.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char* kSourceRoot = "SRCROOT";

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

json result_json(TierKind kind, const Finding& f, const std::string& rule_id, size_t rule_index) {
  json r = json::object();
  r["ruleId"] = rule_id;
  r["ruleIndex"] = rule_index;
  r["level"] = sarif_level(f.severity);
  r["message"] = {{"text", !f.message.empty() ? f.message : rule_id}};
  if (!f.file.empty()) {
    json physical = {{"artifactLocation", {{"uri", sarif_uri(f.file)}, {"uriBaseId", kSourceRoot}}}};
    if (f.line > 0) {
      json region = {{"startLine", f.line}};
      if (f.column > 0) region["startColumn"] = f.column;
      physical["region"] = region;
    }
    r["locations"] = json::array({{{"physicalLocation", physical}}});
  }
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
    order.resize(kSarifMaxResultsPerRun);
    std::sort(order.begin(), order.end());
    std::vector<const Finding*> kept;
    for (size_t i : order) kept.push_back(chosen[i]);
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
  return {{"tool", std::move(tool)},
          {"automationDetails", {{"id", tier.name + "/"}}},
          {"originalUriBaseIds",
           {{kSourceRoot,
             {{"description", {{"text", "The root of the repository the gate judged: every artifact URI is relative "
                                        "to it."}}}}}}},
          {"invocations", json::array({std::move(invocation)})},
          {"results", std::move(results)}};
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

json sarif_log(const std::vector<TierResult>& tiers, SarifScope scope) {
  json runs = json::array();
  for (const TierResult& tier : tiers)
    if (!tier.findings.empty() || reported_even_when_clean(tier.kind)) runs.push_back(run_json(tier, scope));
  if (scope == SarifScope::upload) runs = capped_runs(std::move(runs));
  return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", std::move(runs)}};
}

}  // namespace autofix::reporters
