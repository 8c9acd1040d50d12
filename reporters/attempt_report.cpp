#include "reporters/attempt_report.h"

#include <map>
#include <sstream>

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
                     {"first_failure", assertion_json(t.first_failure)}});
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
                       {"errors", r.build.errors}, {"failure", r.build.failure}, {"timed_out", r.build.timed_out}}},
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
  return j;
}

json finding_json(const Finding& f) {
  return {{"rule", f.rule},         {"file", f.file},       {"line", f.line},   {"column", f.column},
          {"severity", f.severity}, {"message", f.message}, {"fingerprint", f.fingerprint},
          {"state", to_string(f.state)},       {"detail", f.detail},   {"blocking", f.blocking}};
}

json tier_json(const TierResult& t) {
  json findings = json::array();
  for (const Finding& f : t.findings) findings.push_back(finding_json(f));
  return {{"name", t.name},         {"kind", to_string(t.kind)},     {"required", t.required},
          {"status", to_string(t.status)}, {"reason", t.reason}, {"duration_s", t.duration_s},
          {"findings", findings},   {"tests", t.tests}};
}

std::string attempt_summary(const AttemptResult& r) {
  std::ostringstream m;
  const char* headline = r.verdict == Verdict::accepted       ? "Accepted"
                         : r.verdict == Verdict::rejected     ? "Rejected"
                         : r.verdict == Verdict::needs_review ? "Needs review"
                         : r.verdict == Verdict::planned      ? "Planned (dry run)"
                                                              : "Error";
  m << "## AutofixGate: " << headline << "\n\n" << r.reason << (r.reason.ends_with('.') ? "" : ".") << "\n\n";
  if (r.interrupted_after_decision)
    m << "**Interrupted** by " << signal_name(r.interrupted_after_decision)
      << " after the outcome was committed: it stands.\n\n";
  if (!r.outside_edits.empty()) {
    // Someone's work must never vanish quietly: this comes before everything else about the fix.
    m << "**Changed during the attempt by someone other than the fix** (you, or a build or test writing into the "
         "sources):\n\n";
    for (const OutsideEdit& e : r.outside_edits) {
      m << "- `" << quoted_name(e.path) << "` (" << to_string(e.change) << "): ";
      if (e.action == "set_aside")
        m << "the fix had changed it too; the fix was undone there and this version kept under `"
          << r.kept_ref.value_or("refs/autofix/kept/") << "` (`git show " << r.kept_ref.value_or("refs/autofix/kept/<id>")
          << ":" << quoted_name(e.path) << "`)";
      else if (e.action == "restored")
        m << "the fix had changed it and it was deleted afterwards; put back as it was before the fix";
      else
        m << "kept as it is";
      m << "\n";
    }
    m << "\n";
  }
  // What decided comes first: cascading failures, weakened tests, the risk, the failing tiers.
  if (!r.cascading.empty()) {
    m << "**Regressions and how they connect to the change:**\n\n";
    for (const CascadeEntry& c : r.cascading) {
      auto chain_text = [](const std::vector<std::string>& chain) {
        std::string text;
        for (size_t i = 0; i < chain.size(); ++i) text += (i ? " → " : "") + chain[i];
        return text;
      };
      m << "- `" << c.test << "`: " << to_string(c.kind);
      if (!c.chain.empty()) {
        m << " (" << chain_text(c.chain) << ")";
      } else if (c.candidates.size() > 1) {
        m << "; its build reaches " << c.candidates.size() << " changed files, any of which may be the cause:";
        for (const CascadeCandidate& k : c.candidates) m << " `" << k.file << "` (" << chain_text(k.chain) << ");";
      }
      m << "\n";
    }
    m << "\n";
  }
  if (!r.tampering.empty()) {
    m << "**Weakened tests** (the fix must not make a test pass by disabling it):\n\n";
    for (const TamperFinding& f : r.tampering) {
      m << "- " << (f.downgraded ? "warning: " : "") << to_string(f.kind);
      if (!f.file.empty()) m << " at `" << f.file << (f.line ? ":" + std::to_string(f.line) : "") << "`";
      if (!f.test.empty()) m << " (test `" << f.test << "`)";
      if (!f.detail.empty()) m << ": " << f.detail;
      m << "\n";
    }
    m << "\n";
  }
  if (r.risk.level != RiskLevel::normal)
    m << "**Risk: " << to_string(r.risk.level) << "**: `" << r.risk.path << "` matches `" << r.risk.pattern << "`.\n\n";
  if (!r.tiers.empty()) {
    m << "| tier | kind | | status | |\n|---|---|---|---|---|\n";
    for (const TierResult& t : r.tiers)
      m << "| " << t.name << " | " << to_string(t.kind) << " | " << (t.required ? "required" : "advisory") << " | "
        << to_string(t.status) << " | " << t.reason << " |\n";
    m << "\n";
    for (const TierResult& t : r.tiers) {
      if (t.kind == TierKind::ctest || t.findings.empty()) continue;
      m << "Findings of **" << t.name << "**:\n\n";
      for (const Finding& f : t.findings) {
        m << "- " << to_string(f.state) << (f.blocking ? "" : " (" + f.severity + ", not blocking)") << ": `" << f.rule << "`";
        if (!f.file.empty()) m << " at `" << f.file << (f.line ? ":" + std::to_string(f.line) : "") << "`";
        m << ": " << f.message << "\n";
      }
      m << "\n";
    }
  }
  if (!r.lane.reason.empty()) m << "Lane: **" << to_string(r.lane.lane) << "** (" << r.lane.reason << ").\n\n";
  std::vector<std::string> flaky = r.names_with(Transition::FLAKY);
  if (!flaky.empty()) {
    m << "**Flaky** (results differ between runs; neither fixed nor broken):\n\n";
    for (const TestOutcome& t : r.tests)
      if (t.transition == Transition::FLAKY)
        m << "- `" << t.name << "`" << (t.known_flakes > 1 ? " (known flaky: " + std::to_string(t.known_flakes) + " times)" : "")
          << "\n";
    m << "\n";
  }
  std::vector<std::string> broken = r.regression_reasons();
  std::vector<std::string> missing = r.names_with(Transition::MISSING);
  if (!broken.empty()) {
    m << "**Regressions**:\n\n";
    for (const auto& b : broken) m << "- " << b << "\n";
    m << "\n";
  }
  if (!missing.empty()) {
    m << "**Missing tests** (ran before the fix, gone with it):\n\n";
    for (const auto& b : missing) m << "- `" << b << "`\n";
    m << "\n";
  }
  if (r.build.ran && !r.build.ok) {
    m << "**Build failed**: " << r.build.failure << "\n\n```\n";
    for (const auto& e : r.build.errors) m << e << "\n";
    m << "```\n\n";
  }
  m << "| | |\n|---|---|\n";
  m << "| attempt | `" << r.attempt_id << "` |\n";
  if (r.branch) m << "| branch | `" << *r.branch << "` |\n";
  m << "| tests run / passed | " << r.tests_run() << " / " << r.tests_passed() << " |\n";
  for (Transition t : kTransitions.values()) m << "| " << to_string(t) << " | " << r.names_with(t).size() << " |\n";
  m << "| baseline | " << (r.baseline.cached ? "reused" : "computed") << " |\n";
  m << "\n";
  std::vector<std::string> fixed = r.names_with(Transition::FAIL_TO_PASS);
  if (!fixed.empty()) {
    m << "Fixed:\n\n";
    for (const auto& f : fixed) m << "- `" << f << "`\n";
    m << "\n";
  }
  if (!r.files_changed.empty()) {
    m << "Files changed by the fix:\n\n";
    for (const auto& f : r.files_changed) m << "- `" << quoted_name(f.path) << "` (" << to_string(f.status) << ")\n";
    m << "\n";
  }
  if (r.fixer) m << "Fixer `" << (r.fixer->command.empty() ? "" : r.fixer->command.front()) << "`: " << r.fixer->result << "\n\n";
  if (r.mode == "verify")
    m << "Verified " << r.base.value_or("?").substr(0, 12) << ".." << r.head.value_or("?").substr(0, 12)
      << (r.shard ? " (shard " + *r.shard + ")" : "") << "; the checkout was restored.\n";
  else if (r.verdict == Verdict::planned)
    m << "Nothing was changed: a dry run builds, tests and judges nothing.\n";
  else if (r.verdict != Verdict::accepted || r.on_accept == OnAccept::branch)
    m << "The work tree was restored to snapshot `" << r.snapshot << "` and verified.\n";
  return m.str();
}

}  // namespace autofix::reporters
