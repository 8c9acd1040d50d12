#include "reporters/attempt_report.h"

#include <pugixml.hpp>

#include <cstdio>
#include <map>
#include <sstream>

#include "gate/results/report_format.h"
#include "gate/util/byte_names.h"
#include "gate/util/signals.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

// The failed runs of a flaky test: the first run on the tree that showed the change and its re-runs.
std::vector<RunStatus> flaky_failures(const TestOutcome& t) {
  std::vector<RunStatus> runs;
  if (t.after && t.after->status != RunStatus::passed) runs.push_back(t.after->status);
  for (RunStatus r : t.reruns)
    if (r != RunStatus::passed) runs.push_back(r);
  return runs;
}

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

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

// XML 1.0 cannot carry most control characters, even escaped: replace them.
std::string xml_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) out += (c < 0x20 && c != '\n' && c != '\t' && c != '\r') ? '?' : static_cast<char>(c);
  return out;
}

void property(pugi::xml_node props, const char* name, const std::string& value) {
  pugi::xml_node p = props.append_child("property");
  p.append_attribute("name") = name;
  p.append_attribute("value") = xml_safe(value).c_str();
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
  // Which shape of report this is, who wrote it, and with which tools (gate/results/report_format.h).
  j["format_version"] = kReportFormatVersion;
  j["gate_version"] = AUTOFIX_GATE_VERSION;
  j["tool_versions"] = r.tool_versions;
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

std::string attempt_junit(const AttemptResult& r) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "autofix-gate";
  size_t total_tests = 0, total_failures = 0, total_skipped = 0;

  auto suite = [&](const char* name) {
    pugi::xml_node s = suites.append_child("testsuite");
    s.append_attribute("name") = name;
    s.append_attribute("timestamp") = r.started.c_str();
    return s;
  };
  auto finish_suite = [&](pugi::xml_node s, size_t tests, size_t failures, size_t skipped, double time) {
    s.append_attribute("tests") = tests;
    s.append_attribute("failures") = failures;
    s.append_attribute("errors") = 0;
    s.append_attribute("skipped") = skipped;
    s.append_attribute("time") = seconds(time).c_str();
    total_tests += tests;
    total_failures += failures;
    total_skipped += skipped;
  };

  // The verdict itself is a test case, so a CI job that only reads JUnit sees it.
  pugi::xml_node gate = suite("gate");
  pugi::xml_node verdict = gate.append_child("testcase");
  verdict.append_attribute("classname") = "autofix.gate";
  verdict.append_attribute("name") = "verdict";
  verdict.append_attribute("time") = "0";
  pugi::xml_node vprops = verdict.append_child("properties");
  property(vprops, "verdict", to_string(r.verdict));
  property(vprops, "attempt_id", r.attempt_id);
  if (r.branch) property(vprops, "branch", *r.branch);
  // A dry run judged nothing: neither a pass nor a failure, so the verdict case is skipped.
  bool planned = r.verdict == Verdict::planned;
  if (planned) {
    verdict.append_child("skipped").append_attribute("message") = xml_safe("planned: " + r.reason).c_str();
  } else if (r.verdict != Verdict::accepted) {
    pugi::xml_node f = verdict.append_child("failure");
    f.append_attribute("message") = xml_safe(std::string(to_string(r.verdict)) + ": " + r.reason).c_str();
    f.append_attribute("type") = to_string(r.verdict);
  }
  finish_suite(gate, 1, r.verdict == Verdict::accepted || planned ? 0 : 1, planned ? 1 : 0, 0);

  pugi::xml_node build = suite("build");
  size_t build_failures = 0;
  if (r.build.ran) {
    pugi::xml_node c = build.append_child("testcase");
    c.append_attribute("classname") = "autofix.build";
    c.append_attribute("name") = "build";
    c.append_attribute("time") = seconds(r.build.duration_s).c_str();
    if (!r.build.ok) {
      ++build_failures;
      pugi::xml_node f = c.append_child("failure");
      f.append_attribute("message") = xml_safe(r.build.failure).c_str();
      f.append_attribute("type") = "build";
      std::string errors;
      for (const auto& e : r.build.errors) errors += e + "\n";
      f.text().set(xml_safe(errors).c_str());
    }
  }
  finish_suite(build, r.build.ran ? 1 : 0, build_failures, 0, r.build.duration_s);

  pugi::xml_node tests = suite("tests");
  size_t failures = 0, skipped = 0;
  double time = 0;
  for (const TestOutcome& t : r.tests) {
    pugi::xml_node c = tests.append_child("testcase");
    size_t dot = t.name.rfind('.');
    std::string classname = dot == std::string::npos ? "tests" : t.name.substr(0, dot);
    c.append_attribute("classname") = xml_safe(classname).c_str();
    c.append_attribute("name") = xml_safe(t.name).c_str();
    double d = t.after ? t.after->duration_s : 0;
    time += d;
    c.append_attribute("time") = seconds(d).c_str();
    pugi::xml_node props = c.append_child("properties");
    property(props, "baseline", t.baseline ? to_string(t.baseline->status) : "absent");
    property(props, "after", t.after ? to_string(t.after->status) : "absent");
    property(props, "transition", to_string(t.transition));
    auto fail = [&](const std::string& message, const std::string& output) {
      ++failures;
      pugi::xml_node f = c.append_child("failure");
      f.append_attribute("message") = xml_safe(message).c_str();
      f.append_attribute("type") = to_string(t.transition);
      f.text().set(xml_safe(output).c_str());
    };
    auto skip = [&](const std::string& message) {
      ++skipped;
      c.append_child("skipped").append_attribute("message") = xml_safe(message).c_str();
    };
    switch (t.transition) {
      case Transition::PASS_TO_FAIL:
        fail("regression: passed at baseline, " + std::string(to_string(t.after->status)) + " with the fix",
             t.after->output);
        // Surefire's form for a failure that repeated on every re-run.
        for (RunStatus run : t.reruns)
          c.append_child("rerunFailure").append_attribute("message") =
              (std::string("re-run: ") + to_string(run)).c_str();
        break;
      case Transition::MISSING:
        fail("missing: ran at baseline (" + std::string(to_string(t.baseline->status)) + "), absent with the fix", "");
        break;
      case Transition::FAIL_TO_FAIL:
        if (!t.new_failures.empty()) {
          std::string lines;
          for (const std::string& l : t.new_failures) lines += l + "\n";
          fail("regression: failing at baseline, and failing in new ways with the fix", lines + t.after->output);
        } else {
          skip("failing at baseline and with the fix");
        }
        break;
      case Transition::NEW:
        if (t.after->status == RunStatus::skipped || t.after->status == RunStatus::not_run)
          skip("new test, " + std::string(to_string(t.after->status)));
        else if (t.after->status != RunStatus::passed)
          fail("regression: new with the fix, and " + std::string(to_string(t.after->status)), t.after->output);
        break;
      case Transition::SKIPPED:
        skip("skipped at baseline and with the fix");
        break;
      case Transition::FLAKY:
        // Surefire's form, which Jenkins and GitLab read: a passing case with one element per failed run.
        for (RunStatus run : flaky_failures(t))
          c.append_child("flakyFailure").append_attribute("message") =
              (std::string("flaky: ") + to_string(run) + " in one of its runs").c_str();
        break;
      case Transition::FAIL_TO_PASS:
      case Transition::PASS_TO_PASS:
        break;
    }
    if (t.after && !t.after->output.empty() && t.transition != Transition::PASS_TO_FAIL)
      c.append_child("system-out").text().set(xml_safe(t.after->output).c_str());
  }
  finish_suite(tests, r.tests.size(), failures, skipped, time);

  // Each tier is a suite of its own: one case for the tier, one per finding of a non-test tier.
  for (const TierResult& tier : r.tiers) {
    pugi::xml_node s = suite(("tier." + tier.name).c_str());
    size_t cases = 0, tier_failures = 0, tier_skipped = 0;
    bool blocking = tier.required;
    auto add_case = [&](const std::string& name, const std::string& classname) {
      ++cases;
      pugi::xml_node c = s.append_child("testcase");
      c.append_attribute("classname") = xml_safe(classname).c_str();
      c.append_attribute("name") = xml_safe(name).c_str();
      return c;
    };
    auto mark = [&](pugi::xml_node c, bool failed, const std::string& message, const std::string& text) {
      if (!failed) return;
      if (blocking) {
        ++tier_failures;
        pugi::xml_node f = c.append_child("failure");
        f.append_attribute("message") = xml_safe(message).c_str();
        f.append_attribute("type") = to_string(tier.kind);
        f.text().set(xml_safe(text).c_str());
      } else {
        ++tier_skipped;  // advisory: reported, never a CI failure
        c.append_child("skipped").append_attribute("message") = xml_safe("advisory: " + message).c_str();
      }
    };
    pugi::xml_node summary = add_case(tier.name, std::string("autofix.tier.") + to_string(tier.kind));
    summary.append_attribute("time") = seconds(tier.duration_s).c_str();
    pugi::xml_node props = summary.append_child("properties");
    property(props, "status", to_string(tier.status));
    property(props, "required", tier.required ? "true" : "false");
    if (tier.status == TierStatus::skipped) {
      ++tier_skipped;
      summary.append_child("skipped").append_attribute("message") = xml_safe(tier.reason).c_str();
    } else {
      mark(summary, tier.status == TierStatus::failed || tier.status == TierStatus::error,
           std::string(to_string(tier.status)) + ": " + tier.reason, tier.reason);
    }
    if (tier.kind != TierKind::ctest) {
      for (const Finding& f : tier.findings) {
        std::string where = f.file.empty() ? std::string() : f.file + (f.line ? ":" + std::to_string(f.line) : "");
        pugi::xml_node c = add_case(f.rule + (where.empty() ? "" : " at " + where), "autofix.tier." + tier.name);
        property(c.append_child("properties"), "state", to_string(f.state));
        if (f.state == FindingState::new_ && !f.blocking) {
          ++tier_skipped;  // below the tier's threshold: reported, never a failure
          c.append_child("skipped").append_attribute("message") =
              xml_safe("not blocking (" + f.severity + ", below the tier's threshold): " + f.message).c_str();
          continue;
        }
        mark(c, f.state == FindingState::new_, f.message, f.detail);
      }
    }
    finish_suite(s, cases, tier_failures, tier_skipped, tier.duration_s);
  }

  suites.append_attribute("tests") = total_tests;
  suites.append_attribute("failures") = total_failures;
  suites.append_attribute("errors") = 0;
  suites.append_attribute("skipped") = total_skipped;
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace autofix::reporters
