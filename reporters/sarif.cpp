#include "reporters/sarif.h"

#include <map>
#include <string>

#include "gate/results/severity.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";

bool reported_even_when_clean(TierKind kind) { return row_of(kind).is_analysis; }

json driver_for(TierKind kind) {
  if (kind == TierKind::clang_tidy)
    return {{"name", "clang-tidy"}, {"informationUri", "https://clang.llvm.org/extra/clang-tidy/"}};
  if (kind == TierKind::cppcheck) return {{"name", "cppcheck"}, {"informationUri", "https://cppcheck.sourceforge.io/"}};
  return {{"name", std::string("autofix-gate ") + to_string(kind)}};
}

json result_json(const Finding& f, const std::map<std::string, size_t>& rule_index) {
  json r = json::object();
  if (!f.rule.empty()) {
    r["ruleId"] = f.rule;
    r["ruleIndex"] = rule_index.at(f.rule);
  }
  r["level"] = sarif_level(f.severity);
  r["message"] = {{"text", !f.message.empty() ? f.message : !f.rule.empty() ? f.rule : std::string("finding")}};
  if (!f.file.empty()) {
    json physical = {{"artifactLocation", {{"uri", sarif_uri(f.file)}, {"uriBaseId", "SRCROOT"}}}};
    if (f.line > 0) {
      json region = {{"startLine", f.line}};
      if (f.column > 0) region["startColumn"] = f.column;
      physical["region"] = region;
    }
    r["locations"] = json::array({{{"physicalLocation", physical}}});
  }
  if (!f.fingerprint.empty()) r["partialFingerprints"] = {{"autofixGate/v1", f.fingerprint}};
  r["baselineState"] = to_string(f.state);
  // The analyzer's own severity, and whether the finding can fail its tier (false: below fail_on).
  r["properties"] = {{"severity", f.severity}, {"blocking", f.blocking}};
  if (!f.detail.empty()) r["properties"]["detail"] = f.detail;
  return r;
}

json run_json(const TierResult& tier) {
  json driver = driver_for(tier.kind);
  std::map<std::string, size_t> rule_index;
  json rules = json::array();
  for (const Finding& f : tier.findings) {
    if (f.rule.empty() || rule_index.contains(f.rule)) continue;
    rule_index.emplace(f.rule, rules.size());
    rules.push_back({{"id", f.rule}, {"shortDescription", {{"text", f.rule}}}});
  }
  driver["rules"] = std::move(rules);
  json invocation = {{"executionSuccessful", tier.status != TierStatus::error}};
  if (tier.status == TierStatus::error && !tier.reason.empty())
    invocation["toolExecutionNotifications"] = json::array({{{"level", "error"}, {"message", {{"text", tier.reason}}}}});
  json results = json::array();
  for (const Finding& f : tier.findings) results.push_back(result_json(f, rule_index));
  return {{"tool", {{"driver", std::move(driver)}}},
          {"automationDetails", {{"id", tier.name + "/"}}},
          {"invocations", json::array({std::move(invocation)})},
          {"results", std::move(results)}};
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

json sarif_log(const std::vector<TierResult>& tiers) {
  json runs = json::array();
  for (const TierResult& tier : tiers)
    if (!tier.findings.empty() || reported_even_when_clean(tier.kind)) runs.push_back(run_json(tier));
  return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", std::move(runs)}};
}

}  // namespace autofix::reporters
