// SPDX-License-Identifier: MIT
#include "gate/run/attempt.h"

#include <unistd.h>

#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "gate/state/baseline.h"
#include "gate/state/gate_dirs.h"
#include "gate/judge/judge.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/cmake_toolchain.h"
#include "gate/judge/phases.h"
#include "gate/judge/test_runs.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/state/layout.h"
#include "gate/judge/project_check.h"
#include "gate/policy/recovery_plan.h"
#include "gate/git/commit.h"
#include "gate/git/patch.h"
#include "gate/git/repository.h"
#include "gate/git/revision.h"
#include "gate/git/signature.h"
#include "gate/state/operation.h"
#include "gate/run/breaker.h"
#include "gate/run/history_entry.h"
#include "gate/run/report_files.h"
#include "gate/state/report_location.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/snapshot/worktree_scan.h"
#include "gate/util/shell_words.h"
#include "gate/util/byte_names.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "gate/util/io_errors.h"
#include "gate/util/trace.h"
#include "runners/cmake_build.h"
#include "runners/ctest_runner.h"
#include "runners/process.h"

namespace autofix {

namespace fs = std::filesystem;

OnAccept on_accept_from(const std::string& text) {
  std::optional<OnAccept> mode = kOnAcceptModes.parse(text);
  if (!mode || *mode == OnAccept::none)
    throw Error(ErrorKind::usage, "--on-accept must be branch, keep or commit, not '" + text + "'");
  return *mode;
}

namespace {

std::string read_patch(const std::string& file) {
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::optional<std::string> text = read_file_if_exists(file);
  if (!text) throw Error(ErrorKind::usage, "no such patch file: '" + file + "'", "pass --patch FILE or --patch - for standard input");
  return *text;
}

std::string commit_message(const AttemptOptions& o, const AttemptResult& r) {
  std::ostringstream m;
  if (o.patch_file) m << "autofix: apply " << (*o.patch_file == "-" ? std::string("patch from standard input")
                                                                       : fs::path(*o.patch_file).filename().string());
  else {
    m << "autofix:";
    for (const auto& a : o.fixer) m << " " << a;
  }
  m << "\n\n" << r.reason << ".\n\n";
  std::vector<std::string> fixed = r.names_with(Transition::FAIL_TO_PASS);
  std::string fixed_list;
  for (const auto& f : fixed) fixed_list += (fixed_list.empty() ? "" : ", ") + f;
  m << "Autofix-Attempt: " << r.attempt_id << "\n"
    << "Tests-Run: " << r.tests_run() << "\n"
    << "Tests-Passed: " << r.tests_passed() << "\n"
    << "Fixed-Tests: " << (fixed_list.empty() ? "none" : fixed_list) << "\n"
    << "Verification: automated\n";
  return m.str();
}

// The reflog message of the refs an accepted fix moves.
std::string accepted_log_message(const std::string& id) { return "autofix-gate: accepted attempt " + id; }

std::vector<OutsideEdit> outside_edits_of(const std::vector<OutsideChange>& changes) {
  std::vector<OutsideEdit> out;
  for (const OutsideChange& c : changes) out.push_back({c.path, c.change, to_string(c.action)});
  return out;
}

// What a dry run prints after its first line: the steps a real attempt would take.
std::string plan_text(const AttemptOptions& o, const Layout& l, const std::string& fix_step) {
  std::ostringstream out;
  out << "plan: snapshot the work tree; baseline build and tests of " << l.source_dir.string() << " in "
      << l.build_dir.string() << " (reused when stored); " << fix_step
      << "; build; run the tiers; compare with the baseline; on accept: " << to_string(o.on_accept)
      << "; reports in " << (l.report_per_attempt ? (l.report_root / "<attempt id>").string() : l.report_dir.string())
      << "\n"
      << "nothing was changed, built, run or judged (verdict: planned)\n";
  return out.str();
}

}  // namespace

namespace {

// The commit HEAD names, for a record of a run that took no snapshot; none when unborn or unreadable.
std::optional<git_oid> head_commit(const git::Repository& repo) {
  try {
    git::RevisionLookup head = git::lookup_commit(repo, "HEAD");
    if (head.outcome == git::RevisionLookup::Outcome::commit) return head.commit.id;
  } catch (const Error&) {
  }
  return std::nullopt;
}

// The attempt's record in the history (gate/run/history_entry.h), once its verdict stands.
void record_attempt(const git::Repository& repo, const AttemptOptions& o, const AttemptResult& result,
                    const std::optional<std::string>& patch, const std::optional<git_oid>& base,
                    const std::string& breaker_key) {
  HistoryContext c;
  c.command = "attempt";
  c.words = o.command;
  c.who = history_who(repo, git::process_environment());
  c.ended = format_iso8601_utc(std::chrono::system_clock::now());
  c.patch = patch;
  c.patch_file = o.patch_file;
  if (base) c.base = git::to_hex(*base);
  HistoryRecord record = history_record_of(result, c);
  record.breaker_key = breaker_key;  // so that the circuit breaker of the key counts it
  record_history_or_warn(repo, record, std::cerr);
}

// The state of the attempt's circuit breaker (docs/breaker.md), folded from the history. Reading the
// history never blocks an attempt: when it cannot be read, the breaker counts as closed (with a warning).
BreakerState breaker_state_or_warn(const git::Repository& repo, const std::string& key, const BreakerConfig& config,
                                   reporters::Progress& progress) {
  try {
    std::vector<std::string> warnings;
    BreakerState state = current_breaker_state(repo, key, config, std::chrono::system_clock::now(), &warnings);
    for (const std::string& w : warnings) progress.note("warning: " + w);
    return state;
  } catch (const Error& e) {
    progress.note(std::string("warning: the circuit breaker's history could not be read, so it counts as closed: ") + e.what());
    return {};
  }
}

// Marks `result` refused by the open circuit breaker of `key` and says so on stderr.
void refuse_for_breaker(AttemptResult& result, const std::string& key, const BreakerState& state,
                        reporters::Progress& progress) {
  result.verdict = Verdict::refused_breaker_open;
  result.breaker = breaker_refusal(key, state);
  result.reason = "the circuit breaker of " + key + " is open after " + std::to_string(state.consecutive_rejections) +
                  " consecutive rejections; it half-opens at " + result.breaker->half_opens_at;
  progress.note(refusal_message(*result.breaker));
}

// The baseline's failing tests for the breaker's key (docs/breaker.md, "The key"), from the baseline stored
// for the tree as it is now: nullopt when none is stored yet (or the tree cannot be read), and the key is
// then decided after the baseline run.
std::optional<std::vector<std::string>> stored_baseline_failures(const git::Repository& repo, const Layout& l,
                                                                 const GateConfig& config) {
  try {
    const std::string tree = git::to_hex(worktree_tree_now(repo, l.excluded));
    if (std::optional<BaselineRecord> stored = stored_baseline(l, repo, tree, config))
      return baseline_failing_tests(*stored);
  } catch (const Error&) {
  } catch (const std::filesystem::filesystem_error&) {
  }
  return std::nullopt;
}

}  // namespace

AttemptOutcome run_attempt(const AttemptOptions& o, reporters::Progress& progress) {
  if (o.patch_file.has_value() == !o.fixer.empty())
    throw Error(ErrorKind::usage, "give exactly one fix: --patch FILE (or -) or -- FIXER COMMAND ...");
  std::optional<TraceScope> step(std::in_place, "lock");
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  step.emplace("config");
  GateConfig config = effective_config(o, repo);
  step.emplace("layout");
  Layout l = checked_layout(o, repo, config);
  // Who an accepted fix will be committed by, read now: a bad GIT_*_DATE refuses before anything changes.
  const git::CommitIdentity identity = git::commit_identity(repo);
  RunSettings settings = run_settings(o, config);
  step.reset();
  AttemptOutcome outcome;
  AttemptResult& result = outcome.result;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.command = o.command;
  result.dry_run = o.dry_run;
  result.on_accept = o.on_accept;
  result.require_fixed = o.require_fixed;

  // The circuit breaker (docs/breaker.md): while the key's breaker is open, refuse before anything is
  // read or touched. A dry run changes nothing and is no attempt: it is never refused, never counted.
  // Without --target and --require-fixed the key's target is the baseline's failing tests: known now when
  // the baseline of the tree as it is was stored by an earlier run, else decided after the baseline run
  // (the refusal then comes before the fix is applied, and the snapshot is restored).
  std::string breaker_key;
  bool key_after_baseline = false;
  if (!o.dry_run) {
    step.emplace("breaker");
    std::optional<std::vector<std::string>> failing;
    if (!o.target && o.require_fixed.empty()) failing = stored_baseline_failures(repo, l, config);
    key_after_baseline = !o.target && o.require_fixed.empty() && !failing;
    // Until the baseline says otherwise (a patch refused before it ran), the target is "any".
    breaker_key = breaker_key_of(repo, o.target, o.require_fixed, failing.value_or(std::vector<std::string>{}));
    BreakerState state;
    if (!key_after_baseline) state = breaker_state_or_warn(repo, breaker_key, config.breaker, progress);
    step.reset();
    if (breaker_refuses(state)) {
      refuse_for_breaker(result, breaker_key, state, progress);
      result.attempt_id = new_attempt_id();
      place_reports(l, result.attempt_id);
      outcome.report_dir = l.report_dir;
      explain_outcome(result);
      write_reports_or_warn(result, l, progress);
      record_attempt(repo, o, result, std::nullopt, head_commit(repo), breaker_key);
      outcome.exit_code = exit_code_for(result.verdict);
      return outcome;
    }
  }

  // A patch is read and checked before anything changes: a bad one costs nothing.
  std::optional<std::string> patch;
  if (o.patch_file) {
    step.emplace("patch check");
    patch = read_patch(*o.patch_file);
    try {
      git::PatchSummary summary = git::check_patch(repo, *patch);
      step.reset();
      if (o.dry_run) {
        std::cout << *patch << (patch->ends_with('\n') ? "" : "\n")
                  << "dry run: the patch applies cleanly: " << git::describe(summary) << "\n"
                  << plan_text(o, l, "apply the patch");
        result.verdict = Verdict::planned;
        result.reason = "dry run: the patch applies cleanly; nothing was built or judged";
        outcome.report_dir = l.report_dir;
        outcome.exit_code = exit_code_for(result.verdict);
        return outcome;
      }
    } catch (const git::PatchRefused& e) {
      result.verdict = Verdict::rejected;
      result.reason = std::string("the patch was refused: ") + e.what();
      result.patch_refused = true;
      result.attempt_id = new_attempt_id();
      step.reset();
      place_reports(l, result.attempt_id);
      outcome.report_dir = l.report_dir;
      progress.note("[apply] " + result.reason);
      explain_outcome(result);
      if (!o.dry_run) write_reports_or_warn(result, l, progress);  // a dry run writes nothing
      if (!o.dry_run) record_attempt(repo, o, result, patch, head_commit(repo), breaker_key);
      outcome.exit_code = exit_code::rejected;
      return outcome;
    }
  } else if (o.dry_run) {
    // A dry run never runs the fixer: it could change anything, and nothing may change.
    std::cout << "dry run: the fixer would run from " << l.root.string() << " (time limit " << o.timeout.count()
              << " s): " << shell_words(o.fixer) << "\n"
              << plan_text(o, l, "run the fixer");
    result.verdict = Verdict::planned;
    result.reason = "dry run: the fixer was not run; nothing was built or judged";
    result.fixer = FixerOutcome{o.fixer, "not run (dry run)", false, "", ""};
    outcome.report_dir = l.report_dir;
    outcome.exit_code = exit_code_for(result.verdict);
    return outcome;
  }

  // Until the fix is applied, nothing the gate runs is meant to change the sources.
  Operation op = open_operation(repo, std::move(lock), "attempt", "attempt", l, progress);
  op.save_state(config.state);  // external state (docs/state-hooks.md): a failed save ends here, nothing changed
  const snapshot::Manifest& snap = op.snapshot().manifest;
  result.snapshot = snap.id;
  result.attempt_id = snap.id;
  outcome.report_dir = l.report_dir;
  Phases phases(progress, result.durations, &op);
  CMakeToolchain toolchain(&op, repo.state_dir());
  progress.note("[snapshot] " + snap.id + ": " + std::to_string(snap.scan.stats.files) + " files saved");

  bool keep_fix = false;
  try {
    BaselineRecord baseline =
        ensure_baseline(toolchain, repo, l, git::to_hex(snap.worktree_tree), settings, config, phases, result.baseline);
    std::optional<BreakerState> refused;
    if (key_after_baseline) {
      breaker_key = breaker_key_of(repo, std::nullopt, {}, baseline_failing_tests(baseline));
      BreakerState state = breaker_state_or_warn(repo, breaker_key, config.breaker, progress);
      if (breaker_refuses(state)) refused = state;
    }
    if (refused) {
      refuse_for_breaker(result, breaker_key, *refused, progress);  // nothing was applied: the snapshot is restored
    } else if (!baseline.build_ok) {
      result.verdict = Verdict::error;
      result.reason = "the tree without the fix does not build, so the fix cannot be judged" +
                      (baseline.build_errors.empty() ? std::string() : ": " + baseline.build_errors.front());
    } else if (baseline.tests.empty()) {
      result.verdict = Verdict::error;
      result.reason = "no tests ran on the tree without the fix";
    } else {
      // The tree the fix is applied to: the snapshot, plus whatever someone changed meanwhile (kept apart
      // from the fix, in its commit and at the rollback).
      step.emplace("tree before");
      git_oid before = worktree_tree_now(repo, l.excluded);
      op.gate_change_starting();
      step.reset();
      if (patch) {
        phases.begin("apply", "applying the patch");
        git::PatchSummary applied = git::apply_patch(repo, *patch);
        result.patch_applied = true;
        phases.end(git::describe(applied));
      } else {
        phases.begin("fix", "running the fixer");
        runners::ProcessSpec spec;
        spec.argv = o.fixer;
        spec.working_directory = l.root;
        spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);
        ProcessGroupRecord group(&op);
        spec.on_started = group.on_started();
        runners::ProcessResult fixer = runners::run_process(spec);
        group.clear();
        // A daemon the fixer left outside its process group would go on changing the tree being judged.
        op.end_stray_processes();
        result.fixer = FixerOutcome{o.fixer, fixer.describe(), fixer.succeeded(), fixer.out, fixer.err};
        phases.end("fixer " + fixer.describe());
        throw_if_interrupted();
        // .git is never part of a fix: a planted hook or fsmonitor must not run during the build.
        op.restore_git_metadata();
      }
      // What the fix changed, read from the tree itself.
      step.emplace("tree after");
      git_oid after = worktree_tree_now(repo, l.excluded);
      op.gate_changed(before, after);
      git::DiffPtr fix = diff_trees(repo, before, after);
      result.files_changed = changed_files(fix.get());
      step.reset();
      if (result.fixer && !result.fixer->ok) {
        result.verdict = Verdict::rejected;
        result.reason = "the fixer failed (" + result.fixer->result + ")";
      } else if (result.files_changed.empty()) {
        result.verdict = Verdict::rejected;
        result.reason = "the fix changed nothing";
      } else {
        JudgeInput in = judge_input(toolchain, repo, l, config, settings, phases, baseline, before, after);
        in.require_fixed = o.require_fixed;
        in.fail_fast = o.fail_fast;
        judge_change(in, result);
        bool review = result.verdict == Verdict::needs_review;
        if (result.verdict == Verdict::accepted || review) {
          // A fix that needs review is kept on a branch of its own for the reviewer; the tree is restored.
          OnAccept mode = review ? OnAccept::branch : o.on_accept;
          phases.begin(review ? "review" : "accept",
                       review ? std::string("committing for review") : std::string("accepting (") + to_string(mode) + ")");
          if (mode == OnAccept::keep) {
            throw_if_interrupted();
            keep_fix = true;
          } else {
            git_oid commit = git::commit_fix(repo, snap.head.oid, before, after, commit_message(o, result), identity);
            // The last moment an interrupt still means "nothing happened": once the ref is written, the
            // outcome is committed, and whatever arrives later is reported with it.
            throw_if_interrupted();
            if (mode == OnAccept::branch) {
              std::string branch = (review ? "autofix/review/" : "autofix/") + snap.id;
              op.keep_ref("refs/heads/" + branch);  // journaled first: the rollback keeps it
              git::create_branch(repo, branch, commit, accepted_log_message(snap.id));
              result.branch = branch;
            } else {
              std::optional<std::string> moved;  // nullopt: HEAD is detached and moves itself
              if (snap.head.kind != snapshot::HeadState::Kind::detached) moved = snap.head.ref;
              git::commit_on_current_branch(repo, moved, commit, result.files_changed, accepted_log_message(snap.id));
              keep_fix = true;
            }
            result.commit = git::to_hex(commit);
          }
          outcome.committed = true;
          phases.end(result.branch ? "committed on " + *result.branch
                                   : (keep_fix && result.commit ? "committed on the current branch" : "fix kept"));
        }
      }
    }
  } catch (const Interrupted&) {
    throw;  // the Operation rolls back as it unwinds; the caller exits 130/143
  } catch (const Error& e) {
    record_gate_error(result, e);
  } catch (const std::filesystem::filesystem_error& e) {
    record_gate_error(result, io_error_from(e));  // a report is written all the same
  }
  result.tool_versions = toolchain.tool_versions();

  if (result.verdict == Verdict::accepted) op.keep_state();  // also when the checkout is restored (docs/state-hooks.md)
  if (keep_fix) {
    TraceScope finishing("finish");
    op.finish();
  } else {
    std::string what = "restoring snapshot " + snap.id;
    if (outcome.committed) phases.begin_after_decision("rollback", what);
    else phases.begin("rollback", what);
    snapshot::RestoreReport restored = op.roll_back();
    result.outside_edits = outside_edits_of(op.outside_changes());
    result.kept_ref = op.kept_ref();
    phases.end("restored and verified (" + std::to_string(restored.written.size()) + " written, " +
               std::to_string(restored.removed.size()) + " removed" +
               (result.outside_edits.empty() ? std::string()
                                             : ", " + std::to_string(result.outside_edits.size()) +
                                                   " path(s) changed by someone else left alone or set aside") +
               ")");
    // A fixer's changes and others' made while it ran cannot be told apart: all of them count as the fix
    // and were undone. Said, with where such an edit is kept.
    if (result.fixer && !result.files_changed.empty() && restored.discarded_commit) {
      const std::string ref = std::string(snapshot::kDiscardedRefPrefix) + snap.id;
      std::string paths;
      for (size_t i = 0; i < result.files_changed.size() && i < 10; ++i)
        paths += (i ? ", '" : "'") + quoted_name(result.files_changed[i].path) + "'";
      if (result.files_changed.size() > 10) paths += ", ...";
      progress.note("warning: what changed while the fixer ran counts as its fix and was undone (" +
                    std::to_string(result.files_changed.size()) + " path(s): " + paths +
                    "); an edit of yours made meanwhile is kept under " + ref + " (`git show " + ref + ":PATH`)");
    }
  }
  // Reported with the outcome; the command line says so on stderr as it exits with the verdict's code.
  if (outcome.committed) result.interrupted_after_decision = pending_interrupt();
  explain_outcome(result);
  write_reports_or_warn(result, l, progress);
  record_attempt(repo, o, result, patch, snap.head.oid, breaker_key);
  apply_retention_or_warn(repo, config, result, progress);
  outcome.exit_code = exit_code_for(result.verdict);
  return outcome;
}

BaselineOutcome compute_baseline(const AttemptOptions& o, reporters::Progress& progress) {
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  GateConfig config = effective_config(o, repo);
  Layout l = checked_layout(o, repo, config);
  // The baseline is keyed by the work tree's tree: a snapshot computes it. The gate changes nothing in
  // the tree here; what changes meanwhile (someone's edits, files a build writes into the sources) is
  // kept by the rollback and reported (gate/snapshot/outside_changes.h).
  // The test runs' outputs go beside an attempt's, under the snapshot's id.
  Operation op = open_operation(repo, std::move(lock), "baseline", "baseline", l, progress);
  std::vector<std::pair<std::string, double>> durations;
  Phases phases(progress, durations, &op);
  CMakeToolchain toolchain(&op, repo.state_dir());
  BaselineOutcome out;
  BaselineRecord record = ensure_baseline(toolchain, repo, l, git::to_hex(op.snapshot().manifest.worktree_tree),
                                          run_settings(o, config), config, phases, out.info);
  out.tests = record.tests.size();
  out.passed = static_cast<size_t>(std::count_if(record.tests.begin(), record.tests.end(),
                                                 [](const TestRecord& t) { return t.status == RunStatus::passed; }));
  op.roll_back();
  if (!record.build_ok)
    throw Error(ErrorKind::unjudgeable,
                "the tree does not build" +
                    (record.build_errors.empty() ? std::string() : ": " + record.build_errors.front()),
                "fix the build first: a baseline is the build and test result of a tree that builds");
  return out;
}

}  // namespace autofix
