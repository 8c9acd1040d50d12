// SPDX-License-Identifier: MIT
#include "gate/run/verify.h"

#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>

#include "gate/state/gate_dirs.h"
#include "gate/git/handles.h"
#include "gate/git/revision.h"
#include "gate/git/signature.h"
#include "gate/judge/judge.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/cmake_toolchain.h"
#include "gate/judge/phases.h"
#include "gate/judge/test_runs.h"
#include "gate/policy/recovery_plan.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/state/layout.h"
#include "gate/run/history_entry.h"
#include "gate/run/report_files.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "gate/util/io_errors.h"
#include "gate/util/trace.h"
#include "gate/snapshot/worktree_scan.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

git::CommitInfo commit_of(const git::Repository& repo, const std::string& spec, const char* role) {
  git::RevisionLookup found = git::lookup_commit(repo, spec);
  if (found.outcome == git::RevisionLookup::Outcome::not_found)
    throw Error(ErrorKind::usage, std::string("cannot resolve the ") + role + " '" + spec + "': " + found.reason,
                std::string("pass --") + role + " with a commit, branch or tag that exists here (fetch it first in CI)");
  if (found.outcome == git::RevisionLookup::Outcome::not_a_commit)
    throw Error(ErrorKind::usage, std::string("the ") + role + " '" + spec + "' is not a commit");
  return found.commit;
}

// Every path whose content differs between the two trees: what a checkout from one to the other writes.
std::vector<std::string> differing_paths(const git::Repository& repo, const git_oid& from, const git_oid& to) {
  git::DiffPtr diff = diff_trees(repo, from, to);
  std::vector<std::string> out;
  for (const FileChange& f : changed_files(diff.get())) out.push_back(f.path);
  return out;
}

}  // namespace

std::string resolve_base_spec(const git::Repository& repo, const std::optional<std::string>& option,
                              const std::optional<std::string>& configured, std::string* how) {
  auto said = [&](const std::string& text) {
    if (how) *how = text;
  };
  if (option) {
    said("--base");
    return *option;
  }
  if (const char* env = std::getenv("AUTOFIX_GATE_BASE"); env && *env) {
    said("AUTOFIX_GATE_BASE");
    return env;
  }
  if (configured) {
    said("the configuration's base");
    return *configured;
  }
  git::CommitInfo head = commit_of(repo, "HEAD", "head");
  // The merge base with the default branch, when HEAD is not on it already.
  for (const char* candidate : {"refs/remotes/origin/HEAD", "refs/remotes/origin/main", "refs/remotes/origin/master",
                                "refs/heads/main", "refs/heads/master"}) {
    if (!git::revision_exists(repo, candidate)) continue;
    git::CommitInfo branch = commit_of(repo, candidate, "base");
    std::optional<git_oid> base = git::merge_base(repo, head.id, branch.id);
    if (!base) continue;
    if (git::equal(*base, head.id)) continue;  // HEAD is on that branch
    said(std::string("the merge base with ") + candidate);
    return git::to_hex(*base);
  }
  if (head.parents == 0)
    throw Error(ErrorKind::usage, "cannot choose a base: HEAD has no parent and no default branch differs from it",
                "pass --base REF or set AUTOFIX_GATE_BASE");
  said("HEAD~1");
  return "HEAD~1";
}

AttemptOutcome run_verify(const VerifyOptions& vo, reporters::Progress& progress) {
  const SessionOptions& o = vo.common;
  std::optional<TraceScope> step(std::in_place, "lock");
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  step.emplace("config");
  GateConfig config = effective_config(o, repo);
  step.emplace("layout");
  Layout l = checked_layout(o, repo, config);
  RunSettings settings = run_settings(o, config);
  step.emplace("base and head");

  std::string how;
  std::string base_spec = resolve_base_spec(repo, vo.base, config.base, &how);
  git::CommitInfo base = commit_of(repo, base_spec, "base");
  git::CommitInfo head = commit_of(repo, vo.head.value_or("HEAD"), "head");
  if (git::equal(base.id, head.id))
    throw Error(ErrorKind::usage, "the base and the head are the same commit (" + git::to_hex(head.id) +
                                      "): there is no change to verify",
                "pass --base with the commit before the change");
  const git_oid base_tree = base.tree;
  const git_oid head_tree = head.tree;

  AttemptOutcome outcome;
  AttemptResult& result = outcome.result;
  result.mode = "verify";
  result.command = o.command;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.base = git::to_hex(base.id);
  result.head = git::to_hex(head.id);
  result.require_fixed = o.require_fixed;
  result.on_accept = OnAccept::none;
  if (vo.shard) result.shard = vo.shard->text();
  progress.note("[verify] base " + result.base->substr(0, 12) + " (" + how + "), head " + result.head->substr(0, 12));
  step.reset();

  Operation op = open_operation(repo, std::move(lock), "verify", "verify " + base_spec + ".." + vo.head.value_or("HEAD"),
                                l, progress);
  const snapshot::Manifest& snap = op.snapshot().manifest;
  result.snapshot = snap.id;
  result.attempt_id = snap.id;
  outcome.report_dir = l.report_dir;
  Phases phases(progress, result.durations, &op);
  CMakeToolchain toolchain(&op, repo.state_dir());

  try {
    // The base, exactly as committed, for the baseline. The checkouts are the gate's change: the
    // rollback undoes them and keeps what someone else changed meanwhile (gate/snapshot/outside_changes.h).
    phases.begin("checkout", "checking out the base " + result.base->substr(0, 12), "checkout base");
    const git_oid before = worktree_tree_now(repo, l.excluded);
    op.gate_change_starting();
    std::vector<std::string> to_base = differing_paths(repo, snap.worktree_tree, base_tree);
    materialize_paths(repo, base_tree, to_base);
    op.gate_changed(before, worktree_tree_now(repo, l.excluded));
    phases.end(std::to_string(to_base.size()) + " path(s) written");

    if (vo.shard) {
      // The share of this job: decided per test name, so every job agrees without talking to the others.
      phases.begin("shard", "choosing the tests of shard " + vo.shard->text());
      runners::BuildResult built = build_tree(toolchain, l, settings);
      if (!built.ok) throw Error(ErrorKind::usage, "the base does not build: " + built.failure);
      std::map<std::string, double> durations;
      if (vo.durations) durations = durations_from_report(*vo.durations);
      auto plan = std::make_shared<ShardPlan>(vo.shard->count, durations);
      int index = vo.shard->index;
      settings.in_shard = [plan, index](const std::string& test) { return plan->shard_of(test) == index; };
      size_t mine = 0, all = 0;
      for (const auto& d : toolchain.discover_tests(l.build_dir)) {
        ++all;
        if (settings.in_shard(d.name)) ++mine;
      }
      phases.end(std::to_string(mine) + " of " + std::to_string(all) + " test(s)");
    }
    BaselineRecord baseline = ensure_baseline(toolchain, repo, l, git::to_hex(base_tree), settings, config, phases,
                                              result.baseline, vo.shard ? "\nshard " + vo.shard->text() : "");
    if (!baseline.build_ok) {
      result.verdict = Verdict::error;
      result.reason = "the base does not build, so the change cannot be judged" +
                      (baseline.build_errors.empty() ? std::string() : ": " + baseline.build_errors.front());
    } else {
      phases.begin("checkout", "checking out the head " + result.head->substr(0, 12), "checkout head");
      std::vector<std::string> to_head = differing_paths(repo, base_tree, head_tree);
      op.gate_change_starting();
      materialize_paths(repo, head_tree, to_head);
      op.gate_changed(before, worktree_tree_now(repo, l.excluded));
      git::DiffPtr change = diff_trees(repo, base_tree, head_tree);
      result.files_changed = changed_files(change.get());
      phases.end(std::to_string(result.files_changed.size()) + " file(s) changed");
      JudgeInput in = judge_input(toolchain, repo, l, config, settings, phases, baseline, base_tree, head_tree);
      in.require_fixed = o.require_fixed;
      in.fail_fast = o.fail_fast;
      in.run_file_tiers = !vo.shard || vo.shard->index == 1;
      judge_change(in, result);
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {
    record_gate_error(result, e);
  } catch (const std::filesystem::filesystem_error& e) {
    record_gate_error(result, io_error_from(e));  // a report is written all the same
  }
  result.tool_versions = toolchain.tool_versions();

  phases.begin("restore", "restoring the checkout (snapshot " + snap.id + ")", "rollback");
  snapshot::RestoreReport restored = op.roll_back();
  for (const OutsideChange& c : op.outside_changes()) result.outside_edits.push_back({c.path, c.change, to_string(c.action)});
  result.kept_ref = op.kept_ref();
  phases.end("restored and verified (" + std::to_string(restored.written.size()) + " written, " +
             std::to_string(restored.removed.size()) + " removed)");
  explain_outcome(result);
  step.emplace("reports");
  try {
    write_report_files(result, l.report_dir);
    publish_reports(l, result.attempt_id);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot write the reports: ") + e.what());
  }
  step.reset();
  {
    // The change's record in the history (gate/run/history_entry.h), once its verdict stands.
    HistoryContext c;
    c.command = "verify";
    c.words = o.command;
    c.who = history_who(repo, git::process_environment());
    c.ended = format_iso8601_utc(std::chrono::system_clock::now());
    if (result.base) c.base = *result.base;
    record_history_or_warn(repo, history_record_of(result, c), std::cerr);
  }
  apply_retention_or_warn(repo, config, result, progress);
  outcome.exit_code = exit_code_for(result.verdict);
  return outcome;
}

}  // namespace autofix
