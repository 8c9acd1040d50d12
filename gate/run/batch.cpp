#include "gate/run/batch.h"

#include <chrono>
#include <iostream>
#include <sstream>

#include "gate/git/commit.h"
#include "gate/git/patch.h"
#include "gate/git/signature.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/cmake_toolchain.h"
#include "gate/judge/judge.h"
#include "gate/policy/batch_file.h"
#include "gate/policy/batch_plan.h"
#include "gate/run/checkpoints.h"
#include "gate/state/gate_dirs.h"
#include "gate/state/report_location.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "gate/util/signals.h"
#include "reporters/batch_report.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

const char* step_verdict(StepOutcome::Kind k) {
  switch (k) {
    case StepOutcome::Kind::passed: return "passed";
    case StepOutcome::Kind::failed: return "failed";
    case StepOutcome::Kind::not_applied: return "not_applied";
  }
  return "failed";
}

BatchFile load_batch(const BatchOptions& o) {
  if (o.batch_file.has_value() == o.patch_dir.has_value())
    throw Error(ErrorKind::usage, "give a batch file or --patch-dir DIR (exactly one)",
                "autofix-gate batch FILE, or autofix-gate batch --patch-dir DIR (docs/batch.md)");
  BatchFile batch = o.batch_file ? load_batch_file(*o.batch_file) : batch_from_patch_dir(*o.patch_dir);
  for (std::size_t i = 0; i < batch.fixes.size(); ++i)
    if (!batch.fixes[i].patch)
      throw Error(ErrorKind::usage,
                  batch.source + ": fixes[" + std::to_string(i) + "] ('" + batch.fixes[i].id +
                      "'): a fixer in a batch is not supported yet",
                  "run the fixer once yourself and give its change as a patch (git diff > fix.diff)");
  return batch;
}

std::string commit_message(const BatchFix& fix, const std::string& batch_id, const AttemptResult& verified) {
  std::ostringstream m;
  m << "autofix: apply " << fs::path(*fix.patch).filename().string() << "\n\n"
    << "Accepted as part of batch " << batch_id << ".\n\n";
  std::string fixed;
  for (const std::string& f : verified.names_with(Transition::FAIL_TO_PASS)) fixed += (fixed.empty() ? "" : ", ") + f;
  m << "Autofix-Attempt: " << batch_id << "\n"
    << "Autofix-Batch: " << batch_id << "\n"
    << "Autofix-Fix: " << fix.id << "\n"
    << "Tests-Run: " << verified.tests_run() << "\n"
    << "Tests-Passed: " << verified.tests_passed() << "\n"
    << "Fixed-Tests: " << (fixed.empty() ? "none" : fixed) << "\n"
    << "Verification: automated\n";
  return m.str();
}

// A fix id as the last component of a branch name, when git takes it as one; else its place in the file.
std::string branch_component(const std::string& id, std::size_t index) {
  bool plain = !id.empty() && id.front() != '.' && id.front() != '-' && !id.ends_with(".lock") &&
               id.find("..") == std::string::npos &&
               id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                   std::string::npos;
  return plain ? id : "fix-" + std::to_string(index + 1);
}

void print_plan(const BatchFile& batch, BatchStrategy strategy, std::size_t every,
                const std::vector<std::optional<std::string>>& refused) {
  std::cout << "dry run: " << batch.fixes.size() << " fix(es) from " << batch.source << ", strategy "
            << to_string(strategy);
  if (strategy == BatchStrategy::checkpoint) std::cout << " (every " << every << ")";
  std::cout << "\n";
  FixDeps deps = dependencies(batch);
  for (std::size_t i : dependency_order(deps)) {
    const BatchFix& f = batch.fixes[i];
    std::cout << "  " << f.id << " (" << *f.patch << ")";
    if (!f.depends_on.empty()) {
      std::cout << ", after";
      for (const std::string& d : f.depends_on) std::cout << " " << d;
    }
    if (refused[i]) std::cout << ": refused: " << *refused[i];
    std::cout << "\n";
  }
  std::cout << "plan: snapshot the work tree; baseline build and tests; judge the fixes as the strategy says; "
               "restore between steps\nnothing was changed, built, run or judged\n";
}

void write_batch_reports(const BatchResult& r, const Layout& l, reporters::Progress& progress) {
  try {
    claim_report_directory(l);
    fs::create_directories(l.report_dir);
    // report.json last: when it is there, the set is whole.
    write_file_atomically(l.report_dir / "junit.xml", reporters::batch_junit(r));
    write_file_atomically(l.report_dir / "summary.md", reporters::batch_summary(r));
    write_file_atomically(l.report_dir / "report.json", reporters::batch_report_json(r).dump(2) + "\n");
    publish_reports(l, r.batch_id);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot write the batch reports: ") + e.what());
  }
}

}  // namespace

BatchOutcome run_batch(const BatchOptions& o, reporters::Progress& progress) {
  BatchFile batch = load_batch(o);
  const BatchStrategy strategy = o.strategy.value_or(batch.strategy.value_or(BatchStrategy::best_effort));
  if (o.checkpoint_every == 0) throw Error(ErrorKind::usage, "--checkpoint-every must be at least 1");
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  GateConfig config = effective_config(o, repo);
  Layout l = checked_layout(o, repo, config);
  const git::CommitIdentity identity = git::commit_identity(repo);
  RunSettings settings = run_settings(o, config);

  BatchOutcome outcome;
  BatchResult& result = outcome.result;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.source = batch.source;
  result.strategy = strategy;
  result.checkpoint_every = o.checkpoint_every;
  result.on_accept = o.on_accept;
  result.dry_run = o.dry_run;
  const std::size_t n = batch.fixes.size();
  for (const BatchFix& f : batch.fixes) {
    BatchFixResult fr;
    fr.id = f.id;
    fr.source = *f.patch;
    fr.depends_on = f.depends_on;
    result.fixes.push_back(std::move(fr));
  }

  // A patch that does not apply to the tree as it is, or is unsafe, is refused before anything changes.
  std::vector<std::optional<std::string>> refused(n);
  for (std::size_t i = 0; i < n; ++i) try {
      git::check_patch(repo, batch.fixes[i].patch_text);
    } catch (const git::PatchRefused& e) {
      refused[i] = std::string("the patch was refused: ") + e.what();
    }
  if (o.dry_run) {
    print_plan(batch, strategy, o.checkpoint_every, refused);
    result.outcome = "planned";
    result.reason = "dry run: nothing was built or judged";
    outcome.exit_code = exit_code::planned;
    return outcome;
  }

  const auto batch_start = Clock::now();
  Operation op = open_operation(repo, std::move(lock), "batch", "batch", l, progress);
  const snapshot::Manifest& snap = op.snapshot().manifest;
  result.batch_id = snap.id;
  outcome.report_dir = l.report_dir;
  std::vector<std::pair<std::string, double>> durations;
  Phases phases(progress, durations, &op);
  CMakeToolchain toolchain(&op);
  progress.note("[snapshot] " + snap.id + ": " + std::to_string(snap.scan.stats.files) + " files saved");

  bool keep_tree = false;
  try {
    BaselineInfo baseline_info;
    BaselineRecord baseline = ensure_baseline(toolchain, repo, l, git::to_hex(snap.worktree_tree), settings, config,
                                              phases, baseline_info);
    if (!baseline.build_ok || baseline.tests.empty())
      throw Error(ErrorKind::unjudgeable, baseline.build_ok ? "no tests ran on the tree without the fixes"
                                                            : "the tree without the fixes does not build");

    std::vector<AttemptResult> step_results;
    std::vector<double> step_seconds;
    // A step's content is computed in memory (the base + the set's patches) and the work tree is moved
    // from the last step's state to it by writing only the files that differ: an incremental build then
    // rebuilds only what differs between the two steps (docs/batch.md). `base` is the tree the steps start
    // from (the snapshot's, as the last verified restore left it); `stepped` the tree the last step wrote,
    // while that change is the gate's to undo.
    git_oid base{};
    std::optional<git_oid> stepped;
    JudgeSet judge = [&](const std::vector<std::size_t>& set) {
      throw_if_interrupted();
      const auto start = Clock::now();
      std::vector<std::string> ids;
      for (std::size_t i : set) ids.push_back(batch.fixes[i].id);
      std::string names;
      for (const std::string& id : ids) names += (names.empty() ? "" : ", ") + id;
      const std::size_t number = step_results.size() + 1;
      progress.note("[step " + std::to_string(number) + "] " + names);
      StepOutcome out;
      AttemptResult r;
      // As the restore between steps did: a daemon the last step's tests left must not go on into this one.
      if (stepped) op.end_stray_processes();
      git_oid now = worktree_tree_now(repo, l.excluded);
      if (stepped && !git::equal(now, *stepped)) {
        // Something besides the gate (a build writing into the source tree, the user) changed the tree
        // since the last step: back to the verified restore, and from there.
        op.undo_gate_change();
        stepped.reset();
        now = worktree_tree_now(repo, l.excluded);
      }
      if (!stepped) base = now;
      git_oid target = base;
      bool applied = true;
      for (std::size_t i : set) try {
          target = git::apply_patch_to_tree(repo, target, batch.fixes[i].patch_text);
        } catch (const git::PatchRefused& e) {
          out = StepOutcome{StepOutcome::Kind::not_applied, i, e.what()};
          applied = false;
          break;
        }
      if (applied) {
        op.gate_change_starting();
        move_worktree(repo, now, target);
        const git_oid after = worktree_tree_now(repo, l.excluded);
        // The gate's change is from the base, whatever the previous step wrote: the rollback puts that back.
        op.gate_changed(base, after);
        stepped = after;
        r.files_changed = changed_files(diff_trees(repo, base, after).get());
        JudgeInput in = judge_input(toolchain, repo, l, config, settings, phases, baseline, base, after);
        judge_change(in, r);
        out.kind = r.verdict == Verdict::accepted ? StepOutcome::Kind::passed : StepOutcome::Kind::failed;
        if (out.kind == StepOutcome::Kind::failed) out.reason = r.reason;
      }
      step_results.push_back(std::move(r));
      step_seconds.push_back(seconds_since(start));
      progress.note("[step " + std::to_string(number) + "] " + step_verdict(out.kind) +
                    (out.reason.empty() ? std::string() : ": " + out.reason));
      return out;
    };

    BatchPlanInput input{{}, dependencies(batch), strategy, o.checkpoint_every, refused};
    for (const BatchFix& f : batch.fixes) input.ids.push_back(f.id);
    BatchPlan plan = plan_batch(input, judge);
    if (stepped) op.undo_gate_change();  // the verified restore, before anything lands
    result.runs = plan.runs;
    result.one_by_one_runs = plan.one_by_one_runs;
    for (std::size_t s = 0; s < plan.steps.size(); ++s) {
      BatchStepResult step;
      for (std::size_t i : plan.steps[s].set) step.set.push_back(batch.fixes[i].id);
      step.purpose = plan.steps[s].purpose;
      step.verdict = step_verdict(plan.steps[s].outcome.kind);
      step.reason = plan.steps[s].outcome.reason;
      step.seconds = step_seconds[s];
      result.steps.push_back(std::move(step));
    }
    // Each verified checkpoint as a commit under refs/autofix/checkpoints/<batch id>/<n> (gate/run/checkpoints.h).
    result.checkpoints = record_checkpoints(repo, op, batch, plan, step_results, identity);
    for (std::size_t i = 0; i < n; ++i) {
      const FixDecision& d = plan.decisions[i];
      BatchFixResult& fr = result.fixes[i];
      fr.verdict = d.verdict;
      fr.reason = d.reason;
      if (d.partner) fr.partner = batch.fixes[*d.partner].id;
      if (d.step) {
        fr.step = *d.step + 1;
        const AttemptResult& r = step_results[*d.step];
        fr.tests_fixed = r.names_with(Transition::FAIL_TO_PASS);
        if (d.verdict != FixVerdict::accepted) fr.tests_broken = r.regressions();
      }
    }

    // The accepted fixes land in order, each its own commit (or stay in the tree with keep).
    if (!plan.accepted.empty()) {
      std::vector<std::vector<std::size_t>> chains;
      if (strategy == BatchStrategy::continue_on_error && o.on_accept == OnAccept::branch)
        for (std::size_t i : plan.accepted) {
          std::vector<std::size_t> chain = dependencies_of(input.deps, i);
          chain.push_back(i);
          chains.push_back(std::move(chain));
        }
      else
        chains.push_back(plan.accepted);
      phases.begin("accept", "landing " + std::to_string(plan.accepted.size()) + " fix(es) (" + to_string(o.on_accept) + ")");
      for (std::size_t c = 0; c < chains.size(); ++c) {
        git_oid start = worktree_tree_now(repo, l.excluded);
        op.gate_change_starting();
        std::optional<git_oid> parent = snap.head.oid;
        git_oid before = start;
        std::vector<FileChange> files;
        for (std::size_t i : chains[c]) {
          git::apply_patch(repo, batch.fixes[i].patch_text);
          git_oid after = worktree_tree_now(repo, l.excluded);
          if (o.on_accept != OnAccept::keep) {
            const std::optional<std::size_t> step = plan.decisions[i].step;
            const AttemptResult& verified = step ? step_results[*step] : AttemptResult{};
            git_oid commit =
                git::commit_fix(repo, parent, before, after, commit_message(batch.fixes[i], snap.id, verified), identity);
            parent = commit;
            if (chains.size() == 1 || chains[c].back() == i) result.fixes[i].commits.push_back(git::to_hex(commit));
          }
          before = after;
        }
        op.gate_changed(start, before);
        if (o.on_accept == OnAccept::keep) {
          keep_tree = true;
          continue;
        }
        files = changed_files(diff_trees(repo, start, before).get());
        throw_if_interrupted();  // the last moment at which an interrupt means "nothing landed"
        if (o.on_accept == OnAccept::branch) {
          std::string branch = "autofix/batch/" + snap.id;
          if (chains.size() > 1) branch += "/" + branch_component(batch.fixes[chains[c].back()].id, chains[c].back());
          op.keep_ref("refs/heads/" + branch);
          git::create_branch(repo, branch, *parent, "autofix-gate: accepted batch " + snap.id);
          result.branches.push_back(branch);
          op.undo_gate_change();
        } else {
          std::optional<std::string> moved;
          if (snap.head.kind != snapshot::HeadState::Kind::detached) moved = snap.head.ref;
          git::commit_on_current_branch(repo, moved, *parent, files, "autofix-gate: accepted batch " + snap.id);
          keep_tree = true;
        }
        result.commit = git::to_hex(*parent);
      }
      phases.end(result.branches.empty() ? (keep_tree && result.commit ? "committed on the current branch" : "fixes kept")
                                         : "committed on " + result.branches.front() +
                                               (result.branches.size() > 1 ? " and " + std::to_string(result.branches.size() - 1) + " more" : ""));
    }
    std::size_t accepted = result.count(FixVerdict::accepted);
    result.outcome = accepted == n ? "ok" : "partial";
    result.reason = std::to_string(accepted) + " of " + std::to_string(n) + " fixes accepted";
  } catch (const Interrupted&) {
    throw;  // the Operation rolls back as it unwinds; the caller exits 130/143
  } catch (const Error& e) {
    result.outcome = "error";
    result.reason = std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")");
    keep_tree = false;
  } catch (const fs::filesystem_error& e) {
    result.outcome = "error";
    result.reason = io_error_from(e).what();
    keep_tree = false;
  }
  if (keep_tree) op.finish();
  else op.roll_back();
  result.seconds = seconds_since(batch_start);
  write_batch_reports(result, l, progress);
  outcome.exit_code = result.outcome == "ok" ? exit_code::ok : result.outcome == "partial" ? exit_code::rejected
                                                                                          : exit_code::gate_error;
  return outcome;
}

}  // namespace autofix
