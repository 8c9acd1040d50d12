// SPDX-License-Identifier: MIT
#include "gate/run/rollback.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "gate/git/commit.h"
#include "gate/git/commit_walk.h"
#include "gate/git/handles.h"
#include "gate/git/reference.h"
#include "gate/git/revision.h"
#include "gate/git/signature.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/git/tree_edit.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/cmake_toolchain.h"
#include "gate/judge/phases.h"
#include "gate/policy/rollback_scope.h"
#include "gate/run/history_entry.h"
#include "gate/run/verify.h"
#include "gate/run/versions.h"
#include "gate/snapshot/outside_changes.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/state/layout.h"
#include "gate/state/operation.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "reporters/rollback_report.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

git::CommitInfo commit_named(const git::Repository& repo, const std::string& spec) {
  git::RevisionLookup found = git::lookup_commit(repo, spec);
  if (found.outcome == git::RevisionLookup::Outcome::not_found)
    throw Error(ErrorKind::usage, "cannot resolve '" + spec + "': " + found.reason,
                "pass --to with a commit, branch or tag of this branch's history (`git log --first-parent`)");
  if (found.outcome == git::RevisionLookup::Outcome::not_a_commit)
    throw Error(ErrorKind::usage, "'" + spec + "' is not a commit");
  return found.commit;
}

std::vector<std::string> paths_between(const git::Repository& repo, const git_oid& from, const git_oid& to) {
  git::DiffPtr diff = diff_trees(repo, from, to);
  std::vector<std::string> out;
  for (const FileChange& f : changed_files(diff.get())) out.push_back(f.path);
  return out;
}

// The commits the rollback writes, chained on HEAD, none named by a ref yet; with the tree they end at.
struct Written {
  std::vector<git_oid> commits;
  git_oid final_commit{};
  git_oid final_tree{};
};

Written write_commits(const git::Repository& repo, const RollbackOptions& ro, const git::CommitInfo& head,
                      const git::CommitInfo& to, const RollbackScope& plan, const std::vector<git::WalkedCommit>& walked,
                      const std::string& id, const git::CommitIdentity& identity) {
  Written w;
  const std::string to_hex = git::to_hex(to.id);
  auto message = [&](const RollbackCommit* reverted) {
    return rollback_commit_message(ro.level, id, to_hex, plan, reverted, ro.reason, ro.health_id);
  };
  if (ro.strategy == RollbackStrategy::reset) {
    w.final_commit = to.id;
    w.final_tree = to.tree;
    return w;
  }
  git_oid current = head.id;
  git_oid current_tree = head.tree;
  auto add = [&](const git_oid& before, const git_oid& after, const RollbackCommit* reverted) {
    current = git::commit_fix(repo, current, before, after, message(reverted), identity);
    current_tree = git::tree_of_commit(repo, current, "the rollback's commit");
    w.commits.push_back(current);
  };
  switch (ro.level) {
    case RollbackLevel::complete:
      add(head.tree, to.tree, nullptr);
      break;
    case RollbackLevel::paths:
      add(head.tree, git::tree_with_paths_from(repo, head.tree, to.tree, plan.paths), nullptr);
      break;
    case RollbackLevel::autofix:
      for (const RollbackCommit& c : plan.undone) {
        auto it = std::find_if(walked.begin(), walked.end(), [&](const git::WalkedCommit& x) { return git::to_hex(x.id) == c.id; });
        const git_oid parent_tree = git::tree_of_commit(repo, *it->first_parent, "the parent of " + c.id);
        try {
          add(it->tree, parent_tree, &c);
        } catch (const Error& e) {
          if (e.kind() != ErrorKind::usage) throw;
          throw Error(ErrorKind::usage,
                      "the revert of " + c.id.substr(0, 12) + " (" + c.summary +
                          ") does not apply on top of the work that followed it: " + e.what(),
                      "roll back with --level complete or --level paths, or revert that commit by hand");
        }
      }
      break;
  }
  w.final_commit = current;
  w.final_tree = current_tree;
  return w;
}

// What the user changed and not committed (staged or not, untracked files included): the rollback must
// not write over it.
std::set<std::string> uncommitted_paths(const git::Repository& repo, const snapshot::Manifest& snap, const git_oid& head_tree) {
  std::set<std::string> out;
  for (const std::string& p : paths_between(repo, head_tree, snap.worktree_tree)) out.insert(p);
  if (snap.staged_tree)
    for (const std::string& p : paths_between(repo, head_tree, *snap.staged_tree)) out.insert(p);
  return out;
}

std::size_t passed_at_version(const AttemptResult& v) {
  return static_cast<std::size_t>(std::count_if(v.tests.begin(), v.tests.end(), [](const TestOutcome& t) {
    return t.baseline && t.baseline->status == RunStatus::passed;
  }));
}

RollbackResult::Check check_of(const AttemptOutcome& v) {
  RollbackResult::Check c;
  c.verdict = to_string(v.result.verdict);
  c.reason = v.result.reason;
  c.tests_at_version = static_cast<std::size_t>(
      std::count_if(v.result.tests.begin(), v.result.tests.end(), [](const TestOutcome& t) { return t.baseline.has_value(); }));
  c.passed_at_version = passed_at_version(v.result);
  c.tests_after = v.result.tests_run();
  c.passed_after = v.result.tests_passed();
  c.broken = v.result.regressions();
  c.report_dir = v.report_dir.string();
  return c;
}

// The rollback's record in the history (docs/history.md): command "rollback", the version as its base,
// the new HEAD as its head and commit; its verdict is the check's, "rolled_back" with --no-verify.
HistoryRecord history_record_of(const RollbackResult& r, const std::vector<std::string>& words, const HistoryWho& who) {
  HistoryContext c;
  c.command = "rollback";
  c.words = words;
  c.who = who;
  c.ended = format_iso8601_utc(std::chrono::system_clock::now());
  HistoryRecord h = history_record_header(c, r.id, r.started);
  h.base = r.to_commit;
  h.head = r.head_after;
  h.verdict = r.check ? r.check->verdict : "rolled_back";
  h.reason = std::string(to_string(r.level)) + " rollback to " + r.to_commit.substr(0, 12) + ": " +
             std::to_string(r.undone.size()) + " commit(s) undone" + (r.reason.empty() ? "" : "; why: " + r.reason);
  if (r.check) {
    h.tests.run = r.check->tests_after;
    h.tests.passed = r.check->passed_after;
    h.tests.broken = r.check->broken;
  }
  h.snapshot = r.id;
  h.commit = r.head_after;
  return h;
}

// The tests of the tree as it is, before the rollback changes anything: the work tree's stored baseline
// (what `autofix-gate baseline` and attempts store), else its build and test run, stored in turn. A tree
// that does not build, or cannot be judged, does not stop an emergency rollback: the report says why.
RollbackResult::TestsBefore judge_tests_before(const git::Repository& repo, Operation& op, const Layout& l,
                                               const SessionOptions& o, const GateConfig& config,
                                               reporters::Progress& progress) {
  std::vector<std::pair<std::string, double>> durations;
  Phases phases(progress, durations, &op);
  CMakeToolchain toolchain(&op, repo.state_dir());
  BaselineInfo info;
  try {
    BaselineRecord record = ensure_baseline(toolchain, repo, l, git::to_hex(op.snapshot().manifest.worktree_tree),
                                            run_settings(o, config), config, phases, info);
    RollbackResult::TestsBefore before = tests_before_of(record.tests, record.build_ok, info.cached);
    if (!record.build_ok)
      before.reason = "the tree does not build" +
                      (record.build_errors.empty() ? std::string() : ": " + record.build_errors.front());
    return before;
  } catch (const Error& e) {
    progress.note(std::string("[rollback] warning: cannot judge the tests before the rollback: ") + e.what());
    RollbackResult::TestsBefore before;
    before.reason = e.what();
    return before;
  }
}

void write_reports(const RollbackResult& r, const fs::path& dir) {
  fs::create_directories(dir);
  write_file_atomically(dir / "rollback-report.md", reporters::rollback_markdown(r));
  write_file_atomically(dir / "report.json", reporters::rollback_json(r).dump(2) + "\n");
}

}  // namespace

RollbackOutcome run_rollback(const RollbackOptions& ro, reporters::Progress& progress) {
  const SessionOptions& o = ro.common;
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  GateConfig config = effective_config(o, repo);
  Layout l = checked_layout(o, repo, config);

  RollbackOutcome outcome;
  RollbackResult& r = outcome.result;
  r.started = format_iso8601_utc(std::chrono::system_clock::now());
  r.to_spec = ro.to;
  r.level = ro.level;
  r.strategy = ro.strategy;
  r.globs = ro.globs;
  r.reason = ro.reason;
  r.dry_run = ro.dry_run;

  git::RevisionLookup head_lookup = git::lookup_commit(repo, "HEAD");
  if (head_lookup.outcome != git::RevisionLookup::Outcome::commit)
    throw Error(ErrorKind::usage, "HEAD names no commit yet: there is nothing to roll back");
  const git::CommitInfo head = head_lookup.commit;
  const git::CommitInfo to = commit_named(repo, ro.to == "last-green" ? last_green_commit(repo) : ro.to);
  const snapshot::HeadState head_state = snapshot::read_head(repo);
  std::optional<std::string> branch;  // nullopt: HEAD is detached and moves itself
  if (head_state.kind == snapshot::HeadState::Kind::branch) branch = head_state.ref;
  r.branch = branch.value_or("HEAD");
  r.head_before = git::to_hex(head.id);
  r.to_commit = git::to_hex(to.id);

  std::vector<git::WalkedCommit> walked = git::first_parent_commits_since(repo, to.id, head.id);
  RollbackRequest request;
  request.level = ro.level;
  request.strategy = ro.strategy;
  request.globs = ro.globs;
  for (const git::WalkedCommit& w : walked)
    request.since.push_back({git::to_hex(w.id), w.summary, is_autofix_commit(w.trailers)});
  request.differing_paths = paths_between(repo, to.tree, head.tree);
  request.has_upstream = branch && git::branch_has_upstream(repo, *branch);
  request.force = ro.force;
  request.only = ro.only;
  const RollbackScope plan = scope_rollback(request);
  r.since = request.since;
  r.undone = plan.undone;
  const git::CommitIdentity identity = git::commit_identity(repo);
  r.who = identity.committer.name + " <" + identity.committer.email + ">";

  if (ro.dry_run) {
    // The commits are computed (objects no ref names, which git's gc drops) to show exactly what changes.
    Written w = write_commits(repo, ro, head, to, plan, walked, "dry-run", identity);
    r.paths_changed = paths_between(repo, head.tree, w.final_tree);
    std::cout << reporters::rollback_plan_text(r);
    outcome.exit_code = exit_code::planned;
    return outcome;
  }

  Written w;
  {
    Operation op = open_operation(repo, std::move(lock), "rollback", "rollback to " + r.to_commit.substr(0, 12), l, progress);
    // External state (docs/state-hooks.md) is saved before the tests before and the rollback run: they
    // may change it, and an interrupted or refused rollback puts it back with the tree.
    op.save_state(config.state);
    const snapshot::Manifest& snap = op.snapshot().manifest;
    r.id = snap.id;
    w = write_commits(repo, ro, head, to, plan, walked, r.id, identity);
    r.paths_changed = paths_between(repo, head.tree, w.final_tree);
    std::set<std::string> mine = uncommitted_paths(repo, snap, head.tree);
    std::vector<std::string> clash;
    for (const std::string& p : r.paths_changed)
      if (mine.count(p)) clash.push_back(p);
    if (!clash.empty()) {
      op.roll_back();
      std::string list;
      for (const std::string& p : clash) list += (list.empty() ? "" : ", ") + p;
      throw Error(ErrorKind::usage, "the rollback would write over uncommitted work in " + list,
                  "commit or stash those changes first, then run the rollback again");
    }
    if (ro.verify) {
      progress.note("[rollback] the tests before the rollback: the work tree as it is (a baseline of it)");
      r.tests_before = judge_tests_before(repo, op, l, o, config, progress);
    }
    progress.begin("rollback", std::string("rolling back (") + to_string(ro.level) + ") to " + r.to_commit.substr(0, 12));
    throw_if_interrupted();  // the last moment an interrupt means "nothing happened"
    op.gate_change_starting();
    git::DiffPtr diff = diff_trees(repo, head.tree, w.final_tree);
    git::commit_on_current_branch(repo, branch, w.final_commit, changed_files(diff.get()),
                                  "autofix-gate rollback " + r.id + " to " + r.to_commit.substr(0, 12));
    materialize_paths(repo, w.final_tree, r.paths_changed);
    op.finish();
    for (const git_oid& c : w.commits) r.commits_written.push_back(git::to_hex(c));
    r.head_after = git::to_hex(w.final_commit);
    progress.end(std::to_string(r.commits_written.size()) + " commit(s), " + std::to_string(r.paths_changed.size()) +
                 " file(s) changed");
  }

  if (ro.verify) {
    if (git::equal(w.final_tree, to.tree)) {
      // The branch holds the version's content exactly: it is as green as the version by construction.
      r.check = RollbackResult::Check{.verdict = "identical", .reason = "the tree is the version's tree",
                                      .tests_at_version = 0, .passed_at_version = 0, .tests_after = 0,
                                      .passed_after = 0, .broken = {}, .report_dir = ""};
    } else {
      VerifyOptions vo;
      vo.common = o;
      vo.base = r.to_commit;
      vo.head = r.head_after;
      AttemptOutcome v = run_verify(vo, progress);
      r.check = check_of(v);
      if (v.result.verdict == Verdict::rejected || v.result.verdict == Verdict::needs_review)
        outcome.exit_code = exit_code::rejected;
      else if (v.result.verdict == Verdict::error)
        outcome.exit_code = exit_code::gate_error;
    }
  }
  outcome.report_dir = l.report_root / "rollbacks" / r.id;
  write_reports(r, outcome.report_dir);
  record_history_or_warn(repo, history_record_of(r, o.command, history_who(repo, git::process_environment())), std::cerr);
  return outcome;
}

}  // namespace autofix
