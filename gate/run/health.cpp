// SPDX-License-Identifier: MIT
#include "gate/run/health.h"

#include <iostream>
#include <regex>
#include <set>

#include "gate/git/commit.h"
#include "gate/git/commit_walk.h"
#include "gate/git/handles.h"
#include "gate/git/revision.h"
#include "gate/git/signature.h"
#include "gate/policy/failure_signature.h"
#include "gate/policy/rollback_scope.h"
#include "gate/run/history.h"
#include "gate/run/history_entry.h"
#include "gate/run/rollback.h"
#include "gate/run/verify.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/state/history_store.h"
#include "gate/state/layout.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "reporters/health_report.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

// The autofix commits of the window, newest first: after a commit of the branch, or since a time.
std::vector<git::WalkedCommit> autofix_commits_in(const git::Repository& repo, const git_oid& head, const std::string& since) {
  std::vector<git::WalkedCommit> line;
  git::RevisionLookup as_commit = git::lookup_commit(repo, since);
  if (as_commit.outcome == git::RevisionLookup::Outcome::commit) {
    line = git::first_parent_commits_since(repo, as_commit.commit.id, head);
  } else {
    const auto start = std::chrono::system_clock::to_time_t(parse_history_time(since, std::chrono::system_clock::now(), "--since"));
    for (std::optional<git_oid> at = head; at;) {
      git::WalkedCommit w = git::read_walked_commit(repo, *at);
      if (w.time < start) break;
      at = w.first_parent;
      line.push_back(std::move(w));
    }
  }
  // A fix that a later commit of the line reverted already ("This reverts commit <id>", as git revert,
  // rollback and health write it) has nothing left to judge.
  std::set<std::string> reverted;
  static const std::regex kReverts("This reverts commit ([0-9a-f]{40})");
  for (const git::WalkedCommit& w : line)
    for (auto it = std::sregex_iterator(w.message.begin(), w.message.end(), kReverts); it != std::sregex_iterator(); ++it)
      reverted.insert((*it)[1].str());
  std::vector<git::WalkedCommit> out;
  for (git::WalkedCommit& w : line)
    if (is_autofix_commit(w.trailers) && w.first_parent && !reverted.count(git::to_hex(w.id))) out.push_back(std::move(w));
  return out;
}

CheckedFix check_fix(const git::Repository& repo, const HealthOptions& ho, const git::CommitInfo& head,
                     const git::WalkedCommit& fix, const git::CommitIdentity& identity, reporters::Progress& progress) {
  CheckedFix c;
  c.commit = git::to_hex(fix.id);
  c.summary = fix.summary;
  // The branch as it is now without the fix: a commit no ref names, the base of the check.
  git_oid without;
  try {
    const git_oid parent_tree = git::tree_of_commit(repo, *fix.first_parent, "the parent of " + c.commit);
    without = git::commit_fix(repo, head.id, fix.tree, parent_tree,
                              "autofix-gate health: the branch without " + c.commit + "\n", identity);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) throw;
    c.health = FixHealth::entangled;
    c.reason = std::string("later work builds on it: its revert does not apply to HEAD (") + e.what() + ")";
    return c;
  }
  progress.note("[health] " + c.commit.substr(0, 12) + " " + c.summary + ": the branch with it against the branch without it");
  VerifyOptions vo;
  vo.common = ho.common;
  vo.base = git::to_hex(without);
  vo.head = git::to_hex(head.id);
  AttemptOutcome v = run_verify(vo, progress);
  c.report_dir = v.report_dir.string();
  c.reason = v.result.reason;
  c.broken = v.result.regressions();
  switch (v.result.verdict) {
    case Verdict::accepted: c.health = FixHealth::healthy; break;
    case Verdict::rejected:
    case Verdict::needs_review: c.health = FixHealth::unhealthy; break;
    default: c.health = FixHealth::error; break;
  }
  return c;
}

HistoryContext health_context(const std::vector<std::string>& words, const HistoryWho& who) {
  HistoryContext c;
  c.command = "health";
  c.words = words;
  c.who = who;
  c.ended = format_iso8601_utc(std::chrono::system_clock::now());
  return c;
}

HistoryRecord health_record(const HealthResult& r, const std::vector<std::string>& words, const HistoryWho& who) {
  HistoryRecord h = history_record_header(health_context(words, who), r.id, r.started);
  h.head = r.head;
  std::size_t unhealthy = 0, errors = 0;
  for (const CheckedFix& f : r.fixes) {
    if (f.health == FixHealth::unhealthy) {
      ++unhealthy;
      h.tests.broken.insert(h.tests.broken.end(), f.broken.begin(), f.broken.end());
    }
    if (f.health == FixHealth::error) ++errors;
  }
  h.verdict = errors ? "error" : unhealthy ? "rejected" : "accepted";
  h.reason = std::to_string(r.fixes.size()) + " autofix commit(s) checked, " + std::to_string(unhealthy) + " unhealthy" +
             (r.rollback_id.empty() ? "" : ", reverted by rollback " + r.rollback_id);
  h.commit = r.head_after;
  return h;
}

// An unhealthy fix counts as a failure for the breaker key its attempt had (docs/breaker.md): one
// "rejected" health record with that key per unhealthy fix whose Autofix-Attempt record names one.
void feed_breaker(const git::Repository& repo, const HealthResult& r, const std::vector<git::WalkedCommit>& walked,
                  const std::vector<std::string>& words, const HistoryWho& who) {
  std::optional<HistoryStore> store;
  try {
    store.emplace(repo);
  } catch (const Error& e) {
    std::cerr << "autofix-gate: warning: the breaker was not told of the unhealthy fixes: " << e.what() << "\n";
    return;
  }
  for (const CheckedFix& f : r.fixes) {
    if (f.health != FixHealth::unhealthy) continue;
    auto w = std::find_if(walked.begin(), walked.end(), [&](const git::WalkedCommit& c) { return git::to_hex(c.id) == f.commit; });
    auto trailer = std::find_if(w->trailers.begin(), w->trailers.end(), [](const auto& t) { return t.first == "Autofix-Attempt"; });
    if (trailer == w->trailers.end()) continue;
    std::optional<HistoryRecord> attempt = store->find(trailer->second);
    if (!attempt || attempt->breaker_key.empty()) continue;
    const HistoryContext context = health_context(words, who);
    HistoryRecord h = history_record_header(context, "", context.ended);  // a new id: one record per fix
    h.head = r.head;
    h.commit = f.commit;
    h.verdict = "rejected";
    std::string broken;
    for (const std::string& t : f.broken) broken += (broken.empty() ? "" : ", ") + t;
    h.reason = "health check " + r.id + ": " + f.commit.substr(0, 12) + " (" + f.summary + ") breaks " + broken +
               " on " + r.branch;
    h.failure = {.type = "test_regression", .signature = normalized_failure_text("unhealthy after landing: " + broken)};
    h.tests.broken = f.broken;
    h.breaker_key = attempt->breaker_key;
    record_history_or_warn(repo, h, std::cerr);
  }
}

}  // namespace

HealthOutcome run_health(const HealthOptions& ho, reporters::Progress& progress) {
  const SessionOptions& o = ho.common;
  HealthOutcome outcome;
  HealthResult& r = outcome.result;
  const auto now = std::chrono::system_clock::now();
  r.id = new_history_id(now);
  r.started = format_iso8601_utc(now);
  r.since = ho.since;
  r.revert = ho.revert;

  git::Repository repo = git::Repository::open(o.directory);
  repo.require_idle();
  git::RevisionLookup head = git::lookup_commit(repo, "HEAD");
  if (head.outcome != git::RevisionLookup::Outcome::commit)
    throw Error(ErrorKind::usage, "HEAD names no commit yet: there is nothing to check");
  const snapshot::HeadState head_state = snapshot::read_head(repo);
  r.branch = head_state.kind == snapshot::HeadState::Kind::branch ? head_state.ref : "HEAD";
  r.head = git::to_hex(head.commit.id);
  const GateConfig config = effective_config(o, repo);
  const Layout l = checked_layout(o, repo, config);
  const git::CommitIdentity identity = git::commit_identity(repo);

  std::vector<git::WalkedCommit> fixes = autofix_commits_in(repo, head.commit.id, ho.since);
  progress.note("[health] " + std::to_string(fixes.size()) + " autofix commit(s) since " + ho.since + " on " + r.branch);
  std::vector<std::string> unhealthy;
  for (const git::WalkedCommit& fix : fixes) {
    r.fixes.push_back(check_fix(repo, ho, head.commit, fix, identity, progress));
    if (r.fixes.back().health == FixHealth::unhealthy) unhealthy.push_back(r.fixes.back().commit);
  }

  bool errors = std::any_of(r.fixes.begin(), r.fixes.end(), [](const CheckedFix& f) { return f.health == FixHealth::error; });
  outcome.exit_code = errors ? exit_code::gate_error : unhealthy.empty() ? exit_code::ok : exit_code::rejected;
  if (ho.revert && !unhealthy.empty()) {
    // Back to the oldest unhealthy fix's parent; only the unhealthy fixes are reverted, newest first.
    const git::WalkedCommit& oldest = *std::find_if(fixes.rbegin(), fixes.rend(), [&](const git::WalkedCommit& w) {
      return git::to_hex(w.id) == unhealthy.back();
    });
    RollbackOptions ro;
    ro.common = o;
    ro.to = git::to_hex(*oldest.first_parent);
    ro.level = RollbackLevel::autofix;
    ro.only = unhealthy;
    ro.health_id = r.id;
    ro.reason = "health check " + r.id + ": " + std::to_string(unhealthy.size()) + " autofix commit(s) break tests on " + r.branch;
    RollbackOutcome rb = run_rollback(ro, progress);
    r.rollback_id = rb.result.id;
    r.head_after = rb.result.head_after;
    r.rollback_check = rb.result.check ? rb.result.check->verdict : "";
    for (CheckedFix& f : r.fixes)
      if (f.health == FixHealth::unhealthy) f.reverted = true;
    if (!errors) outcome.exit_code = rb.exit_code;
  }
  outcome.report_dir = l.report_root / "health" / r.id;
  fs::create_directories(outcome.report_dir);
  write_file_atomically(outcome.report_dir / "report.json", reporters::health_json(r).dump(2) + "\n");
  const HistoryWho who = history_who(repo, git::process_environment());
  record_history_or_warn(repo, health_record(r, o.command, who), std::cerr);
  feed_breaker(repo, r, fixes, o.command, who);
  return outcome;
}

}  // namespace autofix
