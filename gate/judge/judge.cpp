// SPDX-License-Identifier: MIT
#include "gate/judge/judge.h"

#include <algorithm>
#include <optional>
#include <set>

#include "gate/policy/build_graph.h"
#include "gate/policy/classify.h"
#include "gate/policy/decide.h"
#include "gate/policy/failure_type.h"
#include "gate/policy/cascade.h"
#include "gate/state/flake_store.h"
#include "gate/git/diff_lines.h"
#include "gate/policy/glob.h"
#include "gate/policy/lanes.h"
#include "gate/policy/observations.h"
#include "gate/judge/project_check.h"
#include "gate/policy/risk.h"
#include "gate/policy/tampering.h"
#include "gate/judge/source_excerpts.h"
#include "gate/judge/tiers.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "gate/util/trace.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> paths_of(const std::vector<FileChange>& files) {
  std::vector<std::string> out;
  for (const FileChange& f : files) out.push_back(f.path);
  return out;
}

bool any_ctest_tier(const std::vector<const TierConfig*>& tiers) {
  return std::any_of(tiers.begin(), tiers.end(), [](const TierConfig* t) { return t->kind == TierKind::ctest; });
}

// Re-runs the tests whose result the change may have moved and judges them by what the runs showed
// (gate/policy/observations.h). Re-run: tests whose status changed, tests failing before and after (a fixed test
// may fail only now and then; a breaking change may add failures), and new tests that fail; never a test
// that passed on both trees. A fixed test (FAIL_TO_PASS) gets one re-run: it failed every baseline run
// already. A test with a flake history (flaky at baseline, or it or its CTest test seen flaking by earlier
// attempts) gets twice the re-runs, whatever moved; that history never changes what was observed here.
// Outcomes in `settled` were judged already (the first batch of --fail-fast) and are kept.
void settle_flakes(const JudgeInput& in, std::vector<TestOutcome>& tests, const std::set<std::string>& known_flaky,
                   const std::map<TestKey, TestOutcome>& settled = {}) {
  const int reruns = in.settings.flaky_reruns;
  std::vector<TestRecord> after;
  std::map<TestKey, int> budget;  // the extra runs each moved test may get
  for (TestOutcome& t : tests) {
    if (auto done = settled.find(t.key()); done != settled.end()) {
      t = done->second;
      continue;
    }
    t.baseline_flaky = t.baseline && disagrees(t.baseline->status, t.baseline->reruns);
    if (!t.after) continue;
    after.push_back(*t.after);
    if (t.after->status == RunStatus::skipped || t.after->status == RunStatus::not_run) continue;
    bool moved = t.transition == Transition::FAIL_TO_PASS || t.transition == Transition::PASS_TO_FAIL ||
                 t.transition == Transition::FAIL_TO_FAIL ||
                 (t.transition == Transition::NEW && t.after->status != RunStatus::passed);
    if (!moved) continue;
    // A case inherits the history of its CTest test: a binary seen flaking as a whole.
    bool known = t.baseline_flaky || known_flaky.count(t.name) > 0 || known_flaky.count(t.ctest_test) > 0;
    budget[t.key()] = known ? 2 * reruns : t.transition == Transition::FAIL_TO_PASS ? std::min(1, reruns) : reruns;
  }
  RerunPlan plan = rerun_plan(after, [&](const TestRecord& r) {
    auto it = budget.find(key_of(r));
    return it == budget.end() ? 0 : it->second;
  });
  std::map<TestKey, std::vector<TestRecord>> runs;
  if (!plan.targets.empty()) {
    in.phases->begin("rerun", "re-running " + std::to_string(plan.targets.size()) +
                                  " test(s) whose result the fix may have moved");
    runs = rerun_until_disagreement(*in.toolchain, *in.layout, in.settings, plan);
  }
  std::set<std::string> with_cases;
  for (const TestOutcome& t : tests)
    if (!t.case_name.empty()) with_cases.insert(t.ctest_test);
  for (TestOutcome& t : tests) {
    if (settled.count(t.key()) || !t.after) continue;
    if (auto it = runs.find(t.key()); it != runs.end()) {
      t.reruns = statuses_of(it->second);
      t.after->failures = lines_in_every_failing_run(*t.after, it->second);
    }
    judge_by_runs(t, t.case_name.empty() && !with_cases.count(t.ctest_test));
  }
  settle_ctest_tests_by_their_cases(tests);
  size_t flaky = static_cast<size_t>(
      std::count_if(tests.begin(), tests.end(), [](const TestOutcome& t) { return t.transition == Transition::FLAKY; }));
  if (!plan.targets.empty()) in.phases->end(flaky ? std::to_string(flaky) + " flaky" : "every change repeated");
}

// The CTest tests of the tests the fix aimed at: --require-fixed, else those failing at baseline.
std::vector<std::string> aimed_tests(const JudgeInput& in) {
  std::vector<std::string> out;
  for (const TestRecord& t : in.baseline->tests) {
    bool required = std::find(in.require_fixed.begin(), in.require_fixed.end(), t.name) != in.require_fixed.end();
    bool failing = t.status != RunStatus::passed && t.status != RunStatus::skipped;
    if (in.require_fixed.empty() ? failing : required) out.push_back(key_of(t).ctest_test);
  }
  return out;
}

// The tests whose build closure (their target, its dependencies, their sources and included headers)
// holds a changed file.
std::vector<std::string> tests_affected_by(const BuildGraph& graph, const std::vector<runners::DiscoveredTest>& tests,
                                           const std::vector<std::string>& changed) {
  std::set<std::string> changed_set(changed.begin(), changed.end());
  std::map<std::string, bool> by_target;
  std::vector<std::string> out;
  for (const auto& t : tests) {
    std::optional<std::string> target = graph.target_for_test(t);
    if (!target) continue;
    auto it = by_target.find(*target);
    if (it == by_target.end()) {
      std::vector<std::string> files = graph.closure_files(*target);
      bool hit = std::any_of(files.begin(), files.end(), [&](const std::string& f) { return changed_set.count(f) > 0; });
      it = by_target.emplace(*target, hit).first;
    }
    if (it->second) out.push_back(t.name);
  }
  return out;
}

std::vector<TestRecord> only_named(const std::vector<TestRecord>& records, const std::set<std::string>& ctest_names) {
  std::vector<TestRecord> out;
  for (const TestRecord& r : records)
    if (ctest_names.count(key_of(r).ctest_test)) out.push_back(r);
  return out;
}

}  // namespace

JudgeInput judge_input(Toolchain& toolchain, const git::Repository& repo, const Layout& layout, const GateConfig& config,
                       const RunSettings& settings, Phases& phases, const BaselineRecord& baseline,
                       const git_oid& before_tree, const git_oid& after_tree) {
  JudgeInput in;
  in.toolchain = &toolchain;
  in.repo = &repo;
  in.layout = &layout;
  in.config = &config;
  in.settings = settings;
  in.phases = &phases;
  in.baseline = &baseline;
  in.before_tree = before_tree;
  in.after_tree = after_tree;
  in.allow_test_edits = config.allow_test_edits;
  return in;
}

void judge_change(const JudgeInput& in, AttemptResult& result) {
  TraceScope judge_trace("judge");
  std::optional<TraceScope> step(std::in_place, "lane and risk");
  const Layout& l = *in.layout;
  Phases& phases = *in.phases;
  Toolchain& toolchain = *in.toolchain;
  std::vector<std::string> changed = paths_of(result.files_changed);
  result.lane = choose_lane(changed);
  result.risk = assess_risk(*in.config, changed);
  std::vector<const TierConfig*> tiers;
  for (const TierConfig& t : in.config->tiers)
    if (tier_runs_in_lane(t, result.lane.lane)) tiers.push_back(&t);
  phases.note(std::string("[lane] ") + to_string(result.lane.lane) + ": " + result.lane.reason);
  if (result.risk.level != RiskLevel::normal)
    phases.note(std::string("[risk] ") + to_string(result.risk.level) + ": " + result.risk.path + " matches " + result.risk.pattern);

  step.emplace("line diff");
  std::vector<git::FileDiff> diff = git::diff_lines(*in.repo, in.before_tree, in.after_tree);
  step.reset();
  TierContext ctx{&toolchain, in.repo, &l, in.config, &in.settings, &phases, in.baseline, in.before_tree, in.after_tree, &diff,
                  &result.files_changed, nullptr};
  std::optional<BuildGraph> graph;
  bool docs = result.lane.lane == Lane::docs;
  std::vector<runners::DiscoveredTest> discovered_after;

  if (!docs) {
    bool heavy = result.lane.lane == Lane::heavy;
    phases.begin("build", heavy ? "reconfiguring and building with the fix" : "building with the fix");
    runners::BuildResult b = build_tree(toolchain, l, in.settings, heavy);
    result.build = {true, b.ok, b.duration_s, b.errors, b.failure, b.timed_out,
                    b.ok ? std::vector<std::string>{} : environment_lines(b.output)};
    phases.end(b.ok ? "built" : b.failure);
    if (b.ok) {
      try {
        graph = toolchain.build_graph(l.root, l.build_dir);
      } catch (const Error& e) {
        // Without a graph every regression is `unknown`: less to tell, nothing wrong with the verdict.
        phases.note(std::string("[graph] warning: cannot read the build graph: ") + e.what());
      }
      ctx.graph = graph ? &*graph : nullptr;
      discovered_after = toolchain.discover_tests(l.build_dir);
      require_own_tests(l, discovered_after);  // the fix cannot bring in tests from outside either
      if (any_ctest_tier(tiers)) {
        // Tests whose build closure holds a changed file run first: with --fail-fast a confirmed
        // regression among them ends the run early.
        std::vector<std::string> all_names;
        const auto& in_shard = in.settings.in_shard;
        for (const auto& d : discovered_after)
          if (!in_shard || in_shard(d.name)) all_names.push_back(d.name);
        std::vector<std::string> affected =
            graph ? tests_affected_by(*graph, discovered_after, changed) : std::vector<std::string>{};
        std::set<std::string> first_batch;
        for (const std::string& a : affected)
          if (std::find(all_names.begin(), all_names.end(), a) != all_names.end()) first_batch.insert(a);
        bool split = !first_batch.empty() && first_batch.size() < all_names.size();
        phases.begin("test", split ? "running the " + std::to_string(first_batch.size()) +
                                         " test(s) the fix can affect, then the rest"
                                   : "running the tests with the fix");
        TestRunOptions first_run;
        if (split) first_run.names.assign(first_batch.begin(), first_batch.end());  // else everything (or the shard's share)
        TestRun after = run_tests(toolchain, l, l.report_dir / "tests", in.settings, first_run);
        bool stopped_early = false;
        // Tests seen flaking by earlier attempts (.git/autofix/flaky.json) are judged as flaky ones.
        FlakeStore flakes(in.repo->state_dir());
        std::set<std::string> known_flaky;
        step.emplace("flake history");
        for (const auto& [name, entry] : flakes.load())
          if (entry.flakes > 0) known_flaky.insert(name);
        step.reset();
        std::map<TestKey, TestOutcome> settled;
        if (split) {
          if (in.fail_fast) {
            std::vector<TestOutcome> early = classify(only_named(in.baseline->tests, first_batch), after.records);
            settle_flakes(in, early, known_flaky);
            for (const TestOutcome& t : early) settled.emplace(t.key(), t);
            AttemptResult probe;
            probe.tests = early;
            stopped_early = !probe.regressions().empty();
            if (stopped_early) {
              result.tests = std::move(early);
              result.stopped_early = true;
            }
          }
          if (!stopped_early) {
            std::vector<std::string> rest;
            for (const std::string& n : all_names)
              if (!first_batch.count(n)) rest.push_back(n);
            TestRunOptions rest_run;
            rest_run.names = std::move(rest);
            TestRun more = run_tests(toolchain, l, l.report_dir / "tests-rest", in.settings, rest_run);
            after.records.insert(after.records.end(), more.records.begin(), more.records.end());
            after.warnings.insert(after.warnings.end(), more.warnings.begin(), more.warnings.end());
          }
        }
        for (const std::string& w : after.warnings) phases.note("[test] warning: " + w);
        if (!stopped_early) {
          std::vector<TestRecord> baseline_tests;
          for (const TestRecord& t : in.baseline->tests)
            if (!in_shard || in_shard(key_of(t).ctest_test)) baseline_tests.push_back(t);
          TraceScope classifying("classify");
          result.tests = classify(baseline_tests, after.records);
        }
        phases.end(std::to_string(result.tests_passed()) + "/" + std::to_string(result.tests_run()) + " passed" +
                   (stopped_early ? " (stopped at the first regression: --fail-fast)" : ""));
        if (!stopped_early) settle_flakes(in, result.tests, known_flaky, settled);
        step.emplace("flake history");
        flakes.record(result.tests, result.baseline.cached ? std::vector<std::string>{} : in.baseline->flaky);
        flakes.annotate(result.tests);
        step.reset();
      }
    }
  }

  // Weakened tests and how each regression connects to the change (before the tiers: a test the fix
  // disabled is no regression of the ctest tier, but a finding that needs review).
  if (!docs) {
    step.emplace("tampering");
    TamperInput tin;
    tin.diff = diff;
    tin.before = in.baseline->discovered;
    tin.after = discovered_after;
    tin.outcomes = result.tests;
    std::set<std::string> test_sources;
    if (graph)
      for (const auto& d : in.baseline->discovered)
        if (std::optional<std::string> target = graph->target_for_test(d))
          for (const std::string& f : graph->own_sources(*target)) test_sources.insert(f);
    std::vector<std::string> globs = in.config->test_paths;
    tin.is_test_source = [test_sources, globs](const std::string& path) {
      if (test_sources.count(path)) return true;
      return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, path); });
    };
    for (const TierConfig* t : tiers)
      if (t->kind == TierKind::ctest) tin.tier_label_sets.push_back(t->labels);
    tin.source_dir = l.root;
    const git::Repository* repo = in.repo;
    git_oid after_tree = in.after_tree;
    tin.read_fixed_file = [repo, after_tree](const std::string& path) { return git::read_blob_at(*repo, after_tree, path); };
    tin.allow_test_edits = in.allow_test_edits;
    result.tampering = detect_tampering(tin);
    step.emplace("cascade");
    std::vector<std::string> regressions = result.regressions();
    std::vector<RegressedTest> traced;
    for (const TestOutcome& t : result.tests)
      if (std::find(regressions.begin(), regressions.end(), t.name) != regressions.end())
        traced.push_back({t.name, t.ctest_test, t.after ? t.after->output : std::string()});
    if (!traced.empty())
      result.cascading = trace_regressions(graph ? &*graph : nullptr, in.baseline->discovered, traced, aimed_tests(in), changed);
    step.reset();
  }

  // Tiers, in their configured order.
  for (const TierConfig* t : tiers) {
    throw_if_interrupted();
    if (row_of(t->kind).needs_build && (docs || !result.build.ok)) {
      TierResult skipped{t->name, t->kind, t->required, TierStatus::skipped,
                         docs ? "docs lane: nothing is built" : "the build failed", 0, {}, {}};
      result.tiers.push_back(std::move(skipped));
      continue;
    }
    if (!in.run_file_tiers && row_of(t->kind).whole_change) continue;
    phases.begin("tier", t->name + " (" + to_string(t->kind) + ")", "tier " + t->name);
    TierResult r = run_tier(*t, ctx, result, discovered_after);
    phases.end(std::string(to_string(r.status)) + (r.reason.empty() ? "" : ": " + r.reason));
    result.tiers.push_back(std::move(r));
  }

  step.emplace("decide");
  Decision d = decide(result);
  result.verdict = d.verdict;
  result.reason = d.reason;
  // While the work tree still holds the change: the lines the reports show beside what decided.
  step.emplace("excerpts");
  add_source_excerpts(result, l.root);
}

}  // namespace autofix
