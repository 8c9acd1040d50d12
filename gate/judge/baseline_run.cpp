// SPDX-License-Identifier: MIT
#include "gate/judge/baseline_run.h"

#include <algorithm>
#include <optional>

#include "gate/judge/project_check.h"
#include "gate/judge/stored_analysis.h"
#include "gate/judge/test_runs.h"
#include "gate/judge/tiers.h"
#include "gate/util/clock.h"
#include "gate/util/trace.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

size_t passed_count(const std::vector<TestRecord>& tests) {
  return static_cast<size_t>(
      std::count_if(tests.begin(), tests.end(), [](const TestRecord& t) { return t.status == RunStatus::passed; }));
}

// The key the baseline of `tree` is stored under, once the build directory is configured. Sanitizer tiers
// add to what the baseline holds: a configuration with other ones needs another.
std::string key_of_baseline(const Layout& l, const std::string& tree, const GateConfig& config, const std::string& key_extra) {
  std::string extra = key_extra;
  for (const TierConfig& t : config.tiers)
    if (t.kind == TierKind::sanitizers) {
      extra += "\nsanitizers " + t.name;
      for (const std::string& label : t.labels) extra += " " + label;
    }
  return baseline_key(tree, l.build_dir, cmake_cache_text(l.build_dir) + extra);
}

}  // namespace

std::optional<BaselineRecord> stored_baseline(const Layout& l, const git::Repository& repo, const std::string& tree,
                                              const GateConfig& config, const std::string& key_extra) {
  // The key holds the CMake cache: without one there is no key yet. (A build the gate configures once more
  // before its baseline, ensure_baseline above, keeps its cache: a changed one is only a miss.)
  if (!fs::exists(l.build_dir / "CMakeCache.txt")) return std::nullopt;
  return BaselineCache(repo.state_dir()).load(key_of_baseline(l, tree, config, key_extra));
}

BaselineRecord ensure_baseline(Toolchain& toolchain, const git::Repository& repo, const Layout& l, const std::string& tree,
                               const RunSettings& s, const GateConfig& config, Phases& phases, BaselineInfo& info,
                               const std::string& key_extra) {
  TraceScope trace("baseline");
  BaselineCache cache(repo.state_dir());
  // The build must be configured before the key is known: the key includes the CMake cache.
  // (A build configured before the gate asked for the File API's codemodel is configured once more.)
  if (!fs::exists(l.build_dir / "CMakeCache.txt") || lacks_what_the_gate_reads(l.build_dir)) {
    phases.begin("configure", "configuring " + l.build_dir.string(), "configure");
    runners::BuildResult configured = build_tree(toolchain, l, s);
    phases.end(configured.ok ? "configured and built" : configured.failure);
  }
  std::optional<TraceScope> step(std::in_place, "key");
  std::string key = key_of_baseline(l, tree, config, key_extra);
  info.key = key;
  step.emplace("lookup");
  std::optional<BaselineRecord> stored = cache.load(key);
  step.reset();
  if (stored) {
    info.cached = true;
    info.runs = stored->runs;
    info.build_ok = stored->build_ok;
    phases.note("[baseline] reusing the stored baseline " + key.substr(0, 12) + " (" +
                std::to_string(stored->tests.size()) + " tests)");
    return *stored;
  }
  BaselineRecord record;
  record.key = key;
  record.tree = tree;
  record.created = format_iso8601_utc(std::chrono::system_clock::now());
  record.runs = 1;
  phases.begin("baseline", "building the tree without the fix", "build");
  runners::BuildResult b = build_tree(toolchain, l, s);
  record.build_ok = b.ok;
  record.build_errors = b.errors;
  if (!b.ok) {
    phases.end(b.failure);
    info.build_ok = false;
    return record;  // not stored: a broken baseline is worth recomputing next time
  }
  phases.end("built");
  // What each translation unit was built from, while the build directory holds this tree's build: the
  // static tier's stored analyses of this tree are keyed by it.
  if (has_static_tier(config)) record_include_lists(toolchain, repo, l, key, phases);
  phases.begin("baseline", "running the tests without the fix", "tests");
  record.discovered = toolchain.discover_tests(l.build_dir);
  require_own_tests(l, record.discovered);  // a tree with tests from elsewhere is never a baseline
  TestRun run = run_tests(toolchain, l, l.report_dir / "baseline-tests", s);
  for (const std::string& w : run.warnings) phases.note("[baseline] warning: " + w);
  record.tests = std::move(run.records);
  phases.end(std::to_string(passed_count(record.tests)) + "/" + std::to_string(record.tests.size()) + " passed");
  // A test failing at baseline is run again, so that a baseline flake cannot pose as a fix later, and so
  // that the failure lines it prints now and then are all known (only lines it never printed are new).
  RerunPlan failing = rerun_plan(record.tests, [&](const TestRecord& t) {
    return t.status == RunStatus::failed || t.status == RunStatus::timeout ? s.flaky_reruns : 0;
  });
  if (!failing.targets.empty()) {
    phases.begin("baseline", "re-running " + std::to_string(failing.targets.size()) + " failing test(s) to tell flakes",
                 "reruns");
    auto reruns = rerun_until_disagreement(toolchain, l, s, failing);
    for (TestRecord& t : record.tests) {
      auto it = reruns.find(key_of(t));
      if (it == reruns.end()) continue;
      t.reruns = statuses_of(it->second);
      for (const TestRecord& again : it->second)
        for (const std::string& line : again.failures)
          if (std::find(t.failures.begin(), t.failures.end(), line) == t.failures.end()) t.failures.push_back(line);
      if (disagrees(t.status, t.reruns)) record.flaky.push_back(t.name);
    }
    phases.end(record.flaky.empty() ? "every failure repeated" : std::to_string(record.flaky.size()) + " flaky");
  }
  for (const TierConfig& t : config.tiers) {
    if (t.kind != TierKind::sanitizers) continue;
    phases.begin("baseline", "building and testing with sanitizers (tier " + t.name + ")", "sanitizers " + t.name);
    SanitizerRun sanitized = run_sanitizer_suite(toolchain, t, l, s, "baseline-sanitizers-" + t.name);
    if (!sanitized.built) record.sanitizers_built = false;
    record.sanitizer_reports[t.name] = sanitized.signatures;
    phases.end(sanitized.built ? std::to_string(sanitized.signatures.size()) + " report(s) without the fix" : sanitized.failure);
  }
  step.emplace("store");
  cache.store(record);
  info.runs = record.runs;
  info.build_ok = true;
  return record;
}
}  // namespace autofix
