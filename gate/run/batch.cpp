// SPDX-License-Identifier: MIT
#include "gate/run/batch.h"

#include <chrono>
#include <iostream>
#include <sstream>

#include "gate/git/commit.h"
#include "gate/git/patch.h"
#include "gate/git/revision.h"
#include "gate/git/signature.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/cmake_toolchain.h"
#include "gate/judge/judge.h"
#include "gate/judge/phases.h"
#include "gate/policy/batch_file.h"
#include "gate/policy/batch_plan.h"
#include "gate/policy/batch_replay.h"
#include "gate/policy/cascade.h"
#include "gate/policy/recovery_plan.h"
#include "gate/run/breaker.h"
#include "gate/run/checkpoints.h"
#include "gate/run/history_entry.h"
#include "gate/run/report_files.h"
#include "gate/run/retention.h"
#include "gate/state/batch_record.h"
#include "gate/state/gate_dirs.h"
#include "gate/state/report_location.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "gate/util/shell_words.h"
#include "gate/util/signals.h"
#include "reporters/batch_report.h"
#include "runners/process.h"

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

StepOutcome::Kind step_kind(const std::string& verdict) {
  if (verdict == "passed") return StepOutcome::Kind::passed;
  if (verdict == "not_applied") return StepOutcome::Kind::not_applied;
  return StepOutcome::Kind::failed;
}

BatchFile load_batch(const BatchOptions& o) {
  if (o.batch_file.has_value() == o.patch_dir.has_value())
    throw Error(ErrorKind::usage, "give a batch file or --patch-dir DIR (exactly one)",
                "autofix-gate batch FILE, autofix-gate batch --patch-dir DIR, or autofix-gate batch --resume ID to continue an interrupted batch (docs/batch.md)");
  return o.batch_file ? load_batch_file(*o.batch_file) : batch_from_patch_dir(*o.patch_dir);
}

// Where a fix comes from, as reports and the record name it: its patch file, or "fixer: <command>".
constexpr std::string_view kFixerSource = "fixer: ";
std::string source_of(const BatchFix& fix) {
  return fix.patch ? *fix.patch : std::string(kFixerSource) + shell_words(fix.fixer);
}

// Each fixer runs once, from the tree the batch starts from, and its change is kept as the fix's patch:
// the steps then combine patches like any others, and a resumed batch never runs a fixer again
// (docs/batch.md, "Fixers"). A fixer that fails, or changes nothing, refuses its fix. The tree is put back
// after each one (the verified restore), .git's metadata too.
void run_fixers(BatchFile& batch, std::vector<std::optional<std::string>>& refused, Operation& op,
                const git::Repository& repo, const Layout& l, std::chrono::seconds default_timeout, Phases& phases) {
  for (std::size_t i = 0; i < batch.fixes.size(); ++i) {
    BatchFix& fix = batch.fixes[i];
    if (fix.patch) continue;
    throw_if_interrupted();
    phases.begin("fix", "running the fixer of " + fix.id + ": " + shell_words(fix.fixer));
    const git_oid before = worktree_tree_now(repo, l.excluded);
    op.gate_change_starting();
    runners::ProcessSpec spec;
    spec.argv = fix.fixer;
    spec.working_directory = l.root;
    spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(fix.timeout.value_or(default_timeout));
    ProcessGroupRecord group(&op);
    spec.on_started = group.on_started();
    runners::ProcessResult ran = runners::run_process(spec);
    group.clear();
    op.end_stray_processes();  // a daemon it left must not change the tree any more
    op.restore_git_metadata();
    const git_oid after = worktree_tree_now(repo, l.excluded);
    op.gate_changed(before, after);
    if (!ran.succeeded()) refused[i] = "the fixer failed (" + ran.describe() + ")";
    else if (git::equal(before, after)) refused[i] = "the fixer changed nothing";
    else fix.patch_text = patch_between(repo, before, after);
    op.undo_gate_change();
    phases.end(refused[i] ? *refused[i] : "its change kept as a patch (" + std::to_string(fix.patch_text.size()) + " bytes)");
  }
}

std::string commit_message(const BatchFix& fix, const std::string& batch_id, const BatchRecordStep& verified) {
  std::ostringstream m;
  const std::string source = source_of(fix);
  m << "autofix: apply "
    << (source.starts_with(kFixerSource) ? "the change of fixer " + fix.id : fs::path(source).filename().string()) << "\n\n"
    << "Accepted as part of batch " << batch_id << ".\n\n";
  std::string fixed;
  for (const std::string& f : verified.tests_fixed) fixed += (fixed.empty() ? "" : ", ") + f;
  m << "Autofix-Attempt: " << batch_id << "\n"
    << "Autofix-Batch: " << batch_id << "\n"
    << "Autofix-Fix: " << fix.id << "\n"
    << "Tests-Run: " << verified.tests_run << "\n"
    << "Tests-Passed: " << verified.tests_passed << "\n"
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
    std::cout << "  " << f.id << " (" << source_of(f) << (f.patch ? "" : "; not run in a dry run") << ")";
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

// The record of a batch to resume, refused (usage, nothing changed) when unknown, finished or damaged.
BatchRecord resumable_record(const BatchRecordStore& store, const std::string& id) {
  auto known = [&store] {
    std::vector<std::string> ids = store.unfinished();
    std::string list;
    for (const std::string& i : ids) list += (list.empty() ? "" : ", ") + i;
    return ids.empty() ? std::string("no batch can be resumed here") : "batches that can be resumed: " + list;
  };
  if (!store.exists(id)) throw Error(ErrorKind::usage, "no batch '" + id + "' to resume in " + store.root().string(), known());
  if (store.finished(id))
    throw Error(ErrorKind::usage, "batch " + id + " has finished: there is nothing to resume",
                "its reports say what it decided; " + known());
  return store.read(id);
}

BatchFile batch_of(const BatchRecord& r) {
  BatchFile b;
  b.source = r.source;
  b.strategy = r.strategy;
  for (const BatchRecordFix& f : r.fixes) {
    BatchFix fix;
    fix.id = f.id;
    fix.patch = f.source;
    fix.patch_text = f.patch_text;
    fix.depends_on = f.depends_on;
    b.fixes.push_back(std::move(fix));
  }
  return b;
}

// A resumed batch starts from the tree and HEAD the interrupted one started from (as `recover` left
// them): the recorded verdicts are about that tree.
void require_the_recorded_start(const git::Repository& repo, const Layout& l, const BatchRecord& r) {
  const std::string tree = git::to_hex(worktree_tree_now(repo, l.excluded));
  git::RevisionLookup head = git::lookup_commit(repo, "HEAD");
  const std::optional<std::string> head_now =
      head.outcome == git::RevisionLookup::Outcome::commit ? std::optional(git::to_hex(head.commit.id)) : std::nullopt;
  const char* hint = "resume from the tree the batch started from: run `autofix-gate recover` after an interrupted "
                     "batch, and change nothing before `batch --resume`; or start the batch again from its file";
  if (head_now != r.head)
    throw Error(ErrorKind::usage,
                "batch " + r.batch_id + " started at HEAD " + r.head.value_or("(unborn)") + ", HEAD is now " +
                    head_now.value_or("(unborn)"),
                hint);
  if (tree != r.base_tree)
    throw Error(ErrorKind::usage,
                "the work tree is not the one batch " + r.batch_id + " started from (tree " + r.base_tree +
                    ", now " + tree + ")",
                hint);
}

// --on-accept branch, resumed after a kill that came after the branch was written: the branch holds
// `count` commits on `head` whose last one has `tree`. Returns its commits, oldest first; nullopt when
// the branch does not exist. Throws Error(repository_state) when it exists and holds something else.
std::optional<std::vector<git_oid>> landed_before(const git::Repository& repo, const std::string& branch,
                                                  const std::optional<git_oid>& head, const git_oid& tree,
                                                  std::size_t count) {
  const std::string ref = "refs/heads/" + branch;
  git::RevisionLookup tip = git::lookup_commit(repo, ref);
  if (tip.outcome != git::RevisionLookup::Outcome::commit) return std::nullopt;
  std::vector<git_oid> commits(count);
  bool same = git::equal(tip.commit.tree, tree);
  for (std::size_t back = 0; same && back <= count; ++back) {
    git::RevisionLookup c = git::lookup_commit(repo, ref + "~" + std::to_string(back));
    if (back == count) same = head ? c.outcome == git::RevisionLookup::Outcome::commit && git::equal(c.commit.id, *head)
                                   : c.outcome != git::RevisionLookup::Outcome::commit;
    else if (c.outcome != git::RevisionLookup::Outcome::commit) same = false;
    else commits[count - 1 - back] = c.commit.id;
  }
  if (!same)
    throw Error(ErrorKind::repository_state,
                "the branch " + branch + " exists and does not hold this batch's " + std::to_string(count) +
                    " accepted fix(es) on " + (head ? git::to_hex(*head) : std::string("an unborn HEAD")),
                "rename or delete it (git branch -m " + branch + " NEW), then resume again");
  return commits;
}

// Each judged step's own report set (report.json, junit.xml, summary.md, ...), as `attempt` writes one, in
// <report dir>/steps/<n>/: what a step's verdict rests on, test by test.
fs::path step_report_dir(const Layout& l, std::size_t number) { return l.report_dir / "steps" / std::to_string(number); }

void write_step_reports(AttemptResult r, const std::string& id, const std::string& snapshot,
                        const std::vector<std::string>& command, const fs::path& dir, reporters::Progress& progress) {
  r.attempt_id = id;
  r.snapshot = snapshot;
  r.command = command;
  explain_outcome(r);
  try {
    write_report_files(r, dir);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot write the step's reports: ") + e.what());
  }
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
  if (o.resume && (o.batch_file || o.patch_dir || o.dry_run))
    throw Error(ErrorKind::usage, "--resume takes no batch file, --patch-dir or --dry-run",
                "autofix-gate batch --resume ID continues the batch as it was started (docs/batch.md)");
  std::optional<BatchFile> loaded;
  if (!o.resume) loaded = load_batch(o);
  if (o.checkpoint_every == 0) throw Error(ErrorKind::usage, "--checkpoint-every must be at least 1");
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  GateConfig config = effective_config(o, repo);
  Layout l = checked_layout(o, repo, config);
  const git::CommitIdentity identity = git::commit_identity(repo);
  RunSettings settings = run_settings(o, config);

  // A resumed batch is the record's: its fixes, options and finished steps (docs/batch.md, "Resuming").
  const BatchRecordStore store(repo.state_dir());
  std::optional<BatchRecord> record;
  std::vector<BatchRecordStep> step_records;  // one per step taken: read back, then judged now
  bool cut_short = false;                     // the record's last line was damaged, and is dropped
  if (o.resume) {
    record = resumable_record(store, *o.resume);
    BatchRecordSteps read = store.read_steps(record->batch_id);
    cut_short = read.damaged.has_value();
    if (read.damaged) progress.note("[resume] the record's last step was cut short by the interruption: " + *read.damaged);
    step_records = std::move(read.steps);
    loaded = batch_of(*record);
  }
  const BatchFile& batch = *loaded;
  const BatchStrategy strategy =
      record ? record->strategy : o.strategy.value_or(batch.strategy.value_or(BatchStrategy::best_effort));
  const std::size_t every = record ? record->checkpoint_every : o.checkpoint_every;
  const OnAccept on_accept = record ? record->on_accept : o.on_accept;

  BatchOutcome outcome;
  BatchResult& result = outcome.result;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.source = batch.source;
  result.strategy = strategy;
  result.checkpoint_every = every;
  result.on_accept = on_accept;
  result.dry_run = o.dry_run;
  const std::size_t n = batch.fixes.size();
  for (const BatchFix& f : batch.fixes) {
    BatchFixResult fr;
    fr.id = f.id;
    fr.source = source_of(f);
    fr.depends_on = f.depends_on;
    result.fixes.push_back(std::move(fr));
  }

  // The circuit breaker (docs/breaker.md): a new batch whose key's breaker is open is refused before
  // anything is touched. A resumed batch goes on (it was let through when it started); a dry run is no run.
  std::string breaker_key;
  if (!o.resume && !o.dry_run) {
    breaker_key = breaker_key_of(repo, o.target, o.require_fixed);
    BreakerState state;
    try {
      std::vector<std::string> warnings;
      state = current_breaker_state(repo, breaker_key, config.breaker, std::chrono::system_clock::now(), &warnings);
      for (const std::string& w : warnings) progress.note("warning: " + w);
    } catch (const Error& e) {
      progress.note(std::string("warning: the circuit breaker's history could not be read, so it counts as closed: ") + e.what());
    }
    if (breaker_refuses(state)) {
      const BreakerRefusal refusal = breaker_refusal(breaker_key, state);
      result.batch_id = new_attempt_id();
      place_reports(l, result.batch_id);
      outcome.report_dir = l.report_dir;
      result.outcome = kRefusedBreakerOpen;
      result.reason = "the circuit breaker of " + breaker_key + " is open after " +
                      std::to_string(state.consecutive_rejections) + " consecutive rejections; it half-opens at " +
                      refusal.half_opens_at;
      progress.note(refusal_message(refusal));
      write_batch_reports(result, l, progress);
      HistoryContext c;
      c.command = "batch";
      c.words = o.command;
      c.who = history_who(repo, git::process_environment());
      c.ended = format_iso8601_utc(std::chrono::system_clock::now());
      HistoryRecord h = history_record_of(result, c);
      h.breaker_key = breaker_key;
      record_history_or_warn(repo, h, std::cerr);
      outcome.exit_code = exit_code::refused_breaker_open;
      return outcome;
    }
  }

  // A patch that does not apply to the tree as it is, or is unsafe, is refused before anything changes
  // (a resumed batch: as the record says).
  std::vector<std::optional<std::string>> refused(n);
  for (std::size_t i = 0; i < n; ++i) try {
      if (record) refused[i] = record->fixes[i].refused;
      else if (batch.fixes[i].patch) git::check_patch(repo, batch.fixes[i].patch_text);  // a fixer: once it ran
    } catch (const git::PatchRefused& e) {
      refused[i] = std::string("the patch was refused: ") + e.what();
    }
  if (o.dry_run) {
    print_plan(batch, strategy, every, refused);
    result.outcome = "planned";
    result.reason = "dry run: nothing was built or judged";
    outcome.exit_code = exit_code::planned;
    return outcome;
  }

  BatchPlanInput input{{}, dependencies(batch), strategy, every, refused};
  for (const BatchFix& f : batch.fixes) input.ids.push_back(f.id);
  std::vector<RecordedStep> replay;
  for (const BatchRecordStep& s : step_records)
    replay.push_back({s.set, StepOutcome{step_kind(s.verdict), s.fix, s.reason, s.suspects}});
  if (record) {
    check_replay(input, replay);  // a record that does not match the plan is refused before anything changes
    require_the_recorded_start(repo, l, *record);
    if (cut_short) store.rewrite_steps(record->batch_id, step_records);  // before anything is appended
  }

  const auto batch_start = Clock::now();
  Operation op = open_operation(repo, std::move(lock), "batch", "batch", l, progress);
  op.save_state(config.state);  // once per batch; restored between steps and by the final rollback
  const snapshot::Manifest& snap = op.snapshot().manifest;
  const std::string batch_id = record ? record->batch_id : snap.id;
  if (record) place_reports(l, batch_id);  // the reports of a resumed batch go where its own would have
  result.batch_id = batch_id;
  outcome.report_dir = l.report_dir;
  std::vector<std::pair<std::string, double>> durations;
  Phases phases(progress, durations, &op);
  CMakeToolchain toolchain(&op, repo.state_dir());  // stored test listings and tool versions, as attempt has
  progress.note("[snapshot] " + snap.id + ": " + std::to_string(snap.scan.stats.files) + " files saved");

  bool keep_tree = false;
  bool decided = false;  // the batch ran to its end: its record is finished
  try {
    if (!record) {
      run_fixers(*loaded, refused, op, repo, l, o.timeout, phases);
      input.refused = refused;
      BatchRecord created;
      created.batch_id = batch_id;
      created.started = result.started;
      created.source = batch.source;
      created.strategy = strategy;
      created.checkpoint_every = every;
      created.on_accept = on_accept;
      created.base_tree = git::to_hex(snap.worktree_tree);
      if (snap.head.oid) created.head = git::to_hex(*snap.head.oid);
      for (std::size_t i = 0; i < n; ++i)
        created.fixes.push_back({batch.fixes[i].id, source_of(batch.fixes[i]), batch.fixes[i].patch_text,
                                 batch.fixes[i].depends_on, refused[i]});
      store.create(created);
      progress.note("[batch] " + batch_id + ": recorded; if it is interrupted, `autofix-gate batch --resume " + batch_id +
                    "` continues it (after `autofix-gate recover` when it was killed)");
    } else {
      progress.note("[resume] batch " + batch_id + ": " + std::to_string(step_records.size()) +
                    " step(s) read back from its record; judging from step " + std::to_string(step_records.size() + 1));
    }

    BaselineInfo baseline_info;
    BaselineRecord baseline = ensure_baseline(toolchain, repo, l, git::to_hex(snap.worktree_tree), settings, config,
                                              phases, baseline_info);
    if (!baseline.build_ok || baseline.tests.empty())
      throw Error(ErrorKind::unjudgeable, baseline.build_ok ? "no tests ran on the tree without the fixes"
                                                            : "the tree without the fixes does not build");

    // A step's content is computed in memory (the base + the set's patches) and the work tree is moved
    // from the last step's state to it by writing only the files that differ: an incremental build then
    // rebuilds only what differs between the two steps (docs/batch.md). `base` is the tree the steps start
    // from (the snapshot's, as the last verified restore left it); `stepped` the tree the last step wrote,
    // while that change is the gate's to undo.
    git_oid base{};
    std::optional<git_oid> stepped;
    JudgeSet live = [&](const std::vector<std::size_t>& set) {
      throw_if_interrupted();
      const auto start = Clock::now();
      const std::string started = format_iso8601_utc(std::chrono::system_clock::now());
      std::vector<std::string> ids;
      for (std::size_t i : set) ids.push_back(batch.fixes[i].id);
      std::string names;
      for (const std::string& id : ids) names += (names.empty() ? "" : ", ") + id;
      const std::size_t number = step_records.size() + 1;
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
      // The files each fix changes in this step: a failed step's suspects are traced to them.
      std::vector<std::pair<std::size_t, std::vector<std::string>>> fix_files;
      for (std::size_t i : set) try {
          const git_oid before_fix = target;
          target = git::apply_patch_to_tree(repo, target, batch.fixes[i].patch_text);
          std::vector<std::string> paths;
          for (const FileChange& c : changed_files(diff_trees(repo, before_fix, target).get())) paths.push_back(c.path);
          fix_files.emplace_back(i, std::move(paths));
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
        if (out.kind == StepOutcome::Kind::failed) {
          out.reason = r.reason;
          out.suspects = suspects_of_failure(r, fix_files);
        }
        write_step_reports(r, batch_id + "-step-" + std::to_string(number), snap.id, o.command,
                           step_report_dir(l, number), progress);
      }
      {
        // The step's record in the history (gate/run/history_entry.h): its judged result, or a refused patch.
        AttemptResult judged = r;
        judged.started = started;
        judged.snapshot = snap.id;
        if (!applied) {
          judged.verdict = Verdict::rejected;
          judged.reason = "the patch of " + batch.fixes[out.fix].id + " was refused: " + out.reason;
          judged.patch_refused = true;
        }
        explain_outcome(judged);
        HistoryContext c;
        c.command = "batch-step";
        c.words = o.command;
        c.who = history_who(repo, git::process_environment());
        c.ended = format_iso8601_utc(std::chrono::system_clock::now());
        std::string sources;
        for (std::size_t i : set)
          sources += (sources.empty() ? "" : ";") + (batch.fixes[i].patch ? *batch.fixes[i].patch : batch.fixes[i].id);
        c.patch_file = sources;
        if (set.size() == 1) c.patch = batch.fixes[set.front()].patch_text;
        if (snap.head.oid) c.base = git::to_hex(*snap.head.oid);
        record_history_or_warn(repo, history_record_of(judged, c), std::cerr);
      }
      BatchRecordStep rec{set, step_verdict(out.kind), out.fix, out.reason, seconds_since(start),
                          r.names_with(Transition::FAIL_TO_PASS), r.regressions(), r.tests_run(), r.tests_passed(),
                          out.suspects};
      // Durable before the plan goes on: a kill from here on resumes after this step.
      store.append_step(batch_id, rec);
      step_records.push_back(std::move(rec));
      progress.note("[step " + std::to_string(number) + "] " + step_verdict(out.kind) +
                    (out.reason.empty() ? std::string() : ": " + out.reason));
      return out;
    };

    ReplayingJudge judge(replay, input.ids, live);
    BatchPlan plan = plan_batch(input, [&judge](const std::vector<std::size_t>& set) { return judge(set); });
    if (record) result.resumed = BatchResume{judge.replayed(), judge.judged_now()};
    if (stepped) op.undo_gate_change();  // the verified restore, before anything lands
    result.runs = plan.runs;
    result.one_by_one_runs = plan.one_by_one_runs;
    for (std::size_t s = 0; s < plan.steps.size(); ++s) {
      BatchStepResult step;
      for (std::size_t i : plan.steps[s].set) step.set.push_back(batch.fixes[i].id);
      step.purpose = plan.steps[s].purpose;
      step.verdict = step_verdict(plan.steps[s].outcome.kind);
      step.reason = plan.steps[s].outcome.reason;
      step.seconds = step_records[s].seconds;
      // Written by the run that judged the step (an earlier one, for a step a resumed batch read back).
      std::error_code ec;
      if (fs::exists(step_report_dir(l, s + 1) / "report.json", ec))
        step.report = (fs::path("steps") / std::to_string(s + 1) / "report.json").generic_string();
      result.steps.push_back(std::move(step));
    }
    // Each verified checkpoint as a commit under refs/autofix/checkpoints/<batch id>/<n> (gate/run/checkpoints.h).
    result.checkpoints = record_checkpoints(repo, op, batch_id, batch, plan, step_records, identity);
    for (std::size_t i = 0; i < n; ++i) {
      const FixDecision& d = plan.decisions[i];
      BatchFixResult& fr = result.fixes[i];
      fr.verdict = d.verdict;
      fr.reason = d.reason;
      if (d.partner) fr.partner = batch.fixes[*d.partner].id;
      if (d.step) {
        fr.step = *d.step + 1;
        const BatchRecordStep& r = step_records[*d.step];
        fr.tests_fixed = r.tests_fixed;
        if (d.verdict != FixVerdict::accepted) fr.tests_broken = r.tests_broken;
      }
    }

    // The accepted fixes land in order, each its own commit (or stay in the tree with keep).
    if (!plan.accepted.empty()) {
      std::vector<std::vector<std::size_t>> chains;
      if (strategy == BatchStrategy::continue_on_error && on_accept == OnAccept::branch)
        for (std::size_t i : plan.accepted) {
          std::vector<std::size_t> chain = dependencies_of(input.deps, i);
          chain.push_back(i);
          chains.push_back(std::move(chain));
        }
      else
        chains.push_back(plan.accepted);
      phases.begin("accept", "landing " + std::to_string(plan.accepted.size()) + " fix(es) (" + to_string(on_accept) + ")");
      for (std::size_t c = 0; c < chains.size(); ++c) {
        git_oid start = worktree_tree_now(repo, l.excluded);
        op.gate_change_starting();
        std::optional<git_oid> parent = snap.head.oid;
        git_oid before = start;
        std::vector<FileChange> files;
        std::vector<git_oid> commits;
        for (std::size_t i : chains[c]) {
          git::apply_patch(repo, batch.fixes[i].patch_text);
          git_oid after = worktree_tree_now(repo, l.excluded);
          if (on_accept != OnAccept::keep) {
            const std::optional<std::size_t> step = plan.decisions[i].step;
            const BatchRecordStep& verified = step ? step_records[*step] : BatchRecordStep{};
            git_oid commit =
                git::commit_fix(repo, parent, before, after, commit_message(batch.fixes[i], batch_id, verified), identity);
            parent = commit;
            commits.push_back(commit);
          }
          before = after;
        }
        op.gate_changed(start, before);
        if (on_accept == OnAccept::keep) {
          keep_tree = true;
          continue;
        }
        files = changed_files(diff_trees(repo, start, before).get());
        throw_if_interrupted();  // the last moment at which an interrupt means "nothing landed"
        if (on_accept == OnAccept::branch) {
          std::string branch = "autofix/batch/" + batch_id;
          if (chains.size() > 1) branch += "/" + branch_component(batch.fixes[chains[c].back()].id, chains[c].back());
          // Resumed after a kill that came after this branch was written: it is kept, never written twice.
          std::optional<std::vector<git_oid>> landed;
          if (record)
            landed = landed_before(repo, branch, snap.head.oid,
                                   git::tree_of_commit(repo, *parent, "the batch's last commit"), commits.size());
          if (landed) {
            progress.note("[accept] " + branch + " was written before the interruption; kept as it is");
            commits = *landed;
            parent = commits.back();
          } else {
            op.keep_ref("refs/heads/" + branch);
            git::create_branch(repo, branch, *parent, "autofix-gate: accepted batch " + batch_id);
          }
          result.branches.push_back(branch);
          op.undo_gate_change();
        } else {
          std::optional<std::string> moved;
          if (snap.head.kind != snapshot::HeadState::Kind::detached) moved = snap.head.ref;
          git::commit_on_current_branch(repo, moved, *parent, files, "autofix-gate: accepted batch " + batch_id);
          keep_tree = true;
        }
        for (std::size_t k = 0; k < chains[c].size(); ++k) {
          const std::size_t i = chains[c][k];
          if (chains.size() == 1 || chains[c].back() == i) result.fixes[i].commits.push_back(git::to_hex(commits[k]));
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
    decided = true;
  } catch (const Interrupted&) {
    progress.note("[batch] " + batch_id + " interrupted: the tree is put back; `autofix-gate batch --resume " + batch_id +
                  "` continues it");
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
  if (decided || result.outcome == "error") {
    HistoryContext c;
    c.command = "batch";
    c.words = o.command;
    c.who = history_who(repo, git::process_environment());
    c.ended = format_iso8601_utc(std::chrono::system_clock::now());
    if (snap.head.oid) c.base = git::to_hex(*snap.head.oid);
    HistoryRecord h = history_record_of(result, c);
    h.breaker_key = breaker_key;  // the batch as a whole counts for its key's circuit breaker
    record_history_or_warn(repo, h, std::cerr);
  }
  if (decided) try {
      store.mark_finished(batch_id, result.outcome, format_iso8601_utc(std::chrono::system_clock::now()));
    } catch (const std::exception& e) {
      progress.note(std::string("warning: cannot mark the batch's record finished: ") + e.what());
    }
  else if (store.exists(batch_id))
    progress.note("[batch] " + batch_id + " did not finish; after the cause is fixed, `autofix-gate batch --resume " +
                  batch_id + "` continues it");
  // Old snapshots, baselines, batch records and checkpoints, as attempt removes them (this batch's never).
  try {
    apply_retention(repo, config.retention, snap.id, std::nullopt, batch_id);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot remove old snapshots, batch records or checkpoints (retention): ") + e.what());
  }
  outcome.exit_code = result.outcome == "ok" ? exit_code::ok : result.outcome == "partial" ? exit_code::rejected
                                                                                          : exit_code::gate_error;
  return outcome;
}

}  // namespace autofix
