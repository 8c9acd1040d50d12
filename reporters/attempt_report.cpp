// SPDX-License-Identifier: MIT
#include "reporters/attempt_report.h"

#include "gate/util/build_info.h"

#include "gate/results/report_format.h"
#include "gate/util/byte_names.h"
#include "gate/util/signals.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

json record_json(const std::optional<TestRecord>& r) {
  if (!r) return nullptr;
  return {{"status", to_string(r->status)}, {"duration_s", r->duration_s}};
}

json location_json(const SourceLocation& l) {
  if (!l.known()) return nullptr;
  return {{"file", l.file}, {"line", l.line}};
}

json assertion_json(const std::optional<FailedAssertion>& a) {
  if (!a) return nullptr;
  return {{"file", a->location.file}, {"line", a->location.line}, {"message", a->message}};
}

json excerpt_json(const std::optional<SourceExcerpt>& e) {
  if (!e) return nullptr;
  return {{"file", e->file}, {"line", e->line}, {"first_line", e->first_line}, {"lines", e->lines}, {"cut_lines", e->cut_lines}};
}

}  // namespace

std::string dump_json(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

json attempt_json(const AttemptResult& r) {
  json status = json::object();
  for (Transition t : kTransitions.values()) status[to_string(t)] = r.names_with(t);
  json files = json::array();
  // Names are bytes; JSON text is UTF-8: a name that is not is shown quoted, as git shows it.
  for (const FileChange& f : r.files_changed) files.push_back({{"path", utf8_name(f.path)}, {"status", to_string(f.status)}});
  json durations = json::object();
  for (const auto& [phase, s] : r.durations) durations[phase] = durations.value(phase, 0.0) + s;
  json tests = json::array();
  for (const TestOutcome& t : r.tests) {
    json reruns = json::array();
    for (RunStatus s : t.reruns) reruns.push_back(to_string(s));
    tests.push_back({{"name", t.name},
                     {"ctest_test", t.ctest_test},
                     {"case", t.case_name},
                     {"transition", to_string(t.transition)},
                     {"baseline", record_json(t.baseline)},
                     {"after", record_json(t.after)},
                     {"reruns", reruns},
                     {"baseline_flaky", t.baseline_flaky},
                     {"known_flakes", t.known_flakes},
                     {"new_failures", t.new_failures},
                     {"observed", t.observed},
                     {"defined_at", location_json(t.defined_at)},
                     {"first_failure", assertion_json(t.first_failure)},
                     {"excerpt", excerpt_json(t.excerpt)},
                     {"shard", t.shard ? json(t.shard) : json(nullptr)}});
  }
  json j = {{"verdict", to_string(r.verdict)},
            {"reason", r.reason},
            {"attempt_id", r.attempt_id},
            {"snapshot", r.snapshot},
            {"started", r.started},
            {"dry_run", r.dry_run},
            {"on_accept", to_string(r.on_accept)},
            {"patch_applied", r.patch_applied},
            {"files_changed", files},
            {"build", {{"ok", r.build.ok}, {"ran", r.build.ran}, {"duration_s", r.build.duration_s},
                       {"errors", r.build.errors}, {"failure", r.build.failure}, {"timed_out", r.build.timed_out},
                       {"environment", r.build.environment}}},
            {"baseline", {{"key", r.baseline.key}, {"cached", r.baseline.cached}, {"runs", r.baseline.runs},
                          {"build_ok", r.baseline.build_ok}}},
            {"tests_status", status},
            {"tests_run", r.tests_run()},
            {"tests_passed", r.tests_passed()},
            {"require_fixed", r.require_fixed},
            {"tests", tests},
            {"durations", durations},
            {"branch", r.branch ? json(*r.branch) : json(nullptr)},
            {"commit", r.commit ? json(*r.commit) : json(nullptr)}};
  if (r.fixer)
    j["fixer"] = {{"command", r.fixer->command}, {"result", r.fixer->result}, {"ok", r.fixer->ok},
                  {"stdout", r.fixer->out}, {"stderr", r.fixer->err}};
  j["mode"] = r.mode;
  j["base"] = r.base ? json(*r.base) : json(nullptr);
  j["head"] = r.head ? json(*r.head) : json(nullptr);
  j["shard"] = r.shard ? json(*r.shard) : json(nullptr);
  j["stopped_early"] = r.stopped_early;
  j["lane"] = {{"lane", to_string(r.lane.lane)}, {"reason", r.lane.reason}};
  j["risk"] = {{"level", to_string(r.risk.level)}, {"pattern", r.risk.pattern}, {"path", utf8_name(r.risk.path)}};
  json tiers = json::array();
  for (const TierResult& t : r.tiers) tiers.push_back(tier_json(t));
  j["tiers"] = tiers;
  json cascading = json::array();
  for (const CascadeEntry& c : r.cascading)
  {
    json candidates = json::array();
    for (const CascadeCandidate& k : c.candidates) candidates.push_back({{"file", k.file}, {"chain", k.chain}});
    cascading.push_back({{"test", c.test}, {"kind", to_string(c.kind)}, {"changed_file", c.changed_file}, {"chain", c.chain},
                         {"candidates", candidates}});
  }
  j["cascading"] = cascading;
  json outside = json::array();
  for (const OutsideEdit& e : r.outside_edits)
    outside.push_back({{"path", utf8_name(e.path)}, {"change", to_string(e.change)}, {"action", e.action}});
  j["outside_changes"] = outside;
  j["kept_ref"] = r.kept_ref ? json(*r.kept_ref) : json(nullptr);
  j["interrupted_after_decision"] =
      r.interrupted_after_decision ? json({{"signal", r.interrupted_after_decision}, {"name", signal_name(r.interrupted_after_decision)}})
                                   : json(nullptr);
  json tampering = json::array();
  for (const TamperFinding& f : r.tampering)
    tampering.push_back({{"kind", to_string(f.kind)}, {"file", f.file}, {"line", f.line}, {"test", f.test},
                         {"detail", f.detail}, {"downgraded", f.downgraded}});
  j["tampering"] = tampering;
  j["command"] = r.command;
  j["patch_refused"] = r.patch_refused;
  j["error_kind"] = r.error_kind.empty() ? json(nullptr) : json(r.error_kind);
  json plan = plan_json(r);
  j["failure"] = plan["failure"];
  j["recovery"] = plan["recovery"];
  j["breaker"] = r.breaker ? json({{"key", r.breaker->key},
                                   {"signature", r.breaker->signature},
                                   {"failures", r.breaker->failures},
                                   {"opened_at", r.breaker->opened_at},
                                   {"half_opens_at", r.breaker->half_opens_at},
                                   {"reset_command", r.breaker->reset_command}})
                           : json(nullptr);
  // Which shape of report this is, who wrote it, and with which tools (gate/results/report_format.h).
  j["format_version"] = kReportFormatVersion;
  j["gate_version"] = AUTOFIX_GATE_VERSION;
  j["gate_commit"] = build_commit();  // the commit the gate was built from, "unknown" outside a git checkout
  j["tool_versions"] = r.tool_versions;
  return j;
}

json plan_json(const AttemptResult& r) {
  json recovery = json::array();
  for (const RecoveryStep& step : r.recovery)
    recovery.push_back({{"action", to_string(step.action)}, {"command", step.command}, {"why", step.why}});
  return {{"verdict", to_string(r.verdict)},
          {"reason", r.reason},
          {"failure", r.failure ? json({{"type", to_string(r.failure->type)},
                                        {"signature", r.failure->signature},
                                        {"evidence", r.failure->evidence}})
                                : json(nullptr)},
          {"recovery", recovery}};
}

json finding_json(const Finding& f) {
  return {{"rule", f.rule},         {"file", f.file},       {"line", f.line},   {"column", f.column},
          {"severity", f.severity}, {"message", f.message}, {"fingerprint", f.fingerprint},
          {"state", to_string(f.state)},       {"detail", f.detail},   {"blocking", f.blocking},
          {"excerpt", excerpt_json(f.excerpt)}};
}

json tier_json(const TierResult& t) {
  json findings = json::array();
  for (const Finding& f : t.findings) findings.push_back(finding_json(f));
  return {{"name", t.name},         {"kind", to_string(t.kind)},     {"required", t.required},
          {"status", to_string(t.status)}, {"reason", t.reason}, {"duration_s", t.duration_s},
          {"findings", findings},   {"tests", t.tests},            {"shards", t.shards}};
}

}  // namespace autofix::reporters
