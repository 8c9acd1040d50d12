#include "gate/run/attempt.h"

#include <unistd.h>

#include <iostream>
#include <iterator>
#include <sstream>

#include "gate/state/baseline.h"
#include "gate/state/gate_dirs.h"
#include "gate/judge/judge.h"
#include "gate/judge/baseline_run.h"
#include "gate/judge/phases.h"
#include "gate/judge/test_runs.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_diff.h"
#include "gate/state/layout.h"
#include "gate/judge/project_check.h"
#include "gate/git/patch.h"
#include "gate/git/repository.h"
#include "gate/git/signature.h"
#include "gate/state/operation.h"
#include "gate/run/report_files.h"
#include "gate/state/report_location.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/snapshot/worktree_scan.h"
#include "gate/util/byte_names.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
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

// The fix (the snapshot's work tree against the tree after it) as a diff that can be applied elsewhere:
// with the content of binary files, which a plain diff leaves out ("Binary files differ").
git::DiffPtr applicable_diff(const git::Repository& repo, const git_oid& before, const git_oid& after) {
  git::TreePtr a, b;
  git::check(git_tree_lookup(git::out(a), repo.get(), &before), "cannot read the tree before the fix");
  git::check(git_tree_lookup(git::out(b), repo.get(), &after), "cannot read the tree with the fix");
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.flags |= GIT_DIFF_SHOW_BINARY;
  git::DiffPtr diff;
  git::check(git_diff_tree_to_tree(git::out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  return diff;
}

// Commits the fix alone (not the user's uncommitted work) on top of the snapshot's HEAD: the fix's diff
// (the tree right before it to the tree right after it) applied to HEAD's tree, so that a fix touching
// a file the user changed too fails here, never takes the user's change along.
git_oid commit_fix(const git::Repository& repo, const snapshot::Manifest& m, const git_oid& before,
                   const git_oid& after, const std::string& message, const git::CommitIdentity& identity) {
  git_repository* r = repo.get();
  git::DiffPtr fix = applicable_diff(repo, before, after);
  git::CommitPtr parent;
  git::TreePtr base;
  if (m.head.oid) {
    git::check(git_commit_lookup(git::out(parent), r, &*m.head.oid), "cannot read HEAD's commit");
    git::check(git_commit_tree(git::out(base), parent.get()), "cannot read HEAD's tree");
  } else {
    git_oid empty;
    git::check(git_tree_create_updated(&empty, r, nullptr, 0, nullptr), "cannot write the empty tree");
    git::check(git_tree_lookup(git::out(base), r, &empty), "cannot read the empty tree");
  }
  git::IndexPtr applied;
  int rc = git_apply_to_tree(git::out(applied), r, base.get(), fix.get(), nullptr);
  if (rc < 0)
    throw Error(ErrorKind::usage,
                std::string("the fix overlaps uncommitted changes, so it cannot be committed on its own: ") +
                    (git_error_last() ? git_error_last()->message : "apply failed"),
                "commit or stash your work first, or use --on-accept keep");
  git_oid tree_oid;
  git::check(git_index_write_tree_to(&tree_oid, applied.get(), r), "cannot write the fixed tree");
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), r, &tree_oid), "cannot read the fixed tree");
  git::SignaturePtr author = git::make_signature(identity.author);
  git::SignaturePtr committer = git::make_signature(identity.committer);
  const git_commit* parents[] = {parent.get()};
  git_oid commit;
  git::check(git_commit_create(&commit, r, nullptr, author.get(), committer.get(), nullptr, message.c_str(), tree.get(),
                               parent ? 1 : 0, parents),
             "cannot write the fix commit");
  return commit;
}

void create_branch(const git::Repository& repo, const std::string& name, const git_oid& commit, const std::string& id) {
  git::ReferencePtr ref;
  git::check(git_reference_create(git::out(ref), repo.get(), ("refs/heads/" + name).c_str(), &commit, 0,
                                  ("autofix-gate: accepted attempt " + id).c_str()),
             "cannot create branch " + name);
}

// --on-accept commit: the fix becomes a commit on the current branch; the index follows it for the
// fixed paths (as after `git commit` of those paths); the work tree keeps everything.
void commit_on_current_branch(const git::Repository& repo, const snapshot::Manifest& m, const git_oid& commit,
                              const std::vector<FileChange>& files, const std::string& id) {
  git_repository* r = repo.get();
  std::string log = "autofix-gate: accepted attempt " + id;
  git::ReferencePtr ref;
  if (m.head.kind == snapshot::HeadState::Kind::detached)
    git::check(git_repository_set_head_detached(r, &commit), "cannot move HEAD to the fix commit");
  else
    git::check(git_reference_create(git::out(ref), r, m.head.ref.c_str(), &commit, 1, log.c_str()),
               "cannot move " + m.head.ref + " to the fix commit");
  git::CommitPtr c;
  git::check(git_commit_lookup(git::out(c), r, &commit), "cannot read the fix commit");
  git::TreePtr tree;
  git::check(git_commit_tree(git::out(tree), c.get()), "cannot read the fix commit's tree");
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), r), "cannot open the index");
  for (const FileChange& f : files) {
    git::TreeEntryPtr entry;
    if (git_tree_entry_bypath(git::out(entry), tree.get(), f.path.c_str()) == 0) {
      git_index_entry e{};
      e.path = f.path.c_str();
      e.mode = git_tree_entry_filemode(entry.get());
      e.id = *git_tree_entry_id(entry.get());
      git::check(git_index_add(index.get(), &e), "cannot stage " + f.path);
    } else {
      git_error_clear();
      git_index_remove_bypath(index.get(), f.path.c_str());
    }
  }
  git::check(git_index_write(index.get()), "cannot write the index");
}

void write_reports_or_warn(const AttemptResult& result, const Layout& l, reporters::Progress& progress) {
  try {
    claim_report_directory(l);
    write_report_files(result, l.report_dir);
    publish_reports(l, result.attempt_id);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot write the reports: ") + e.what());
  }
}

std::vector<OutsideEdit> outside_edits_of(const std::vector<OutsideChange>& changes) {
  std::vector<OutsideEdit> out;
  for (const OutsideChange& c : changes) out.push_back({c.path, c.change, to_string(c.action)});
  return out;
}

// The fixer's command line as a shell would take it back: words with anything unusual single-quoted.
std::string shell_words(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "_-+=/.,:@%") == std::string::npos;
    std::string word = "'";
    for (char c : a) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += (out.empty() ? "" : " ") + (plain ? a : word + "'");
  }
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

RepositoryLock lock_before_reading(const git::Repository& repo, const std::string& command_line,
                                   reporters::Progress& progress) {
  std::error_code ec;
  bool fresh = !fs::exists(repo.git_dir() / "autofix", ec);
  RepositoryLock lock = lock_repository(repo, command_line, [&](const std::string& m) { progress.note(m); });
  lock.remove_on_release(fresh);
  return lock;
}

RunSettings run_settings(const AttemptOptions& o, const GateConfig& config) {
  RunSettings s;
  s.timeout = o.timeout;
  s.jobs = o.jobs;
  s.flaky_reruns = o.flaky_reruns.value_or(config.flaky_reruns);
  s.test_timeout = o.test_timeout.value_or(config.test_timeout);
  return s;
}

GateConfig effective_config(const AttemptOptions& o, const git::Repository& repo) {
  fs::path cwd = fs::absolute(o.directory);
  std::optional<fs::path> explicit_file;
  if (o.config_file) explicit_file = o.config_file->is_absolute() ? *o.config_file : cwd / *o.config_file;
  fs::path build_dir = o.build_dir ? (o.build_dir->is_absolute() ? *o.build_dir : cwd / *o.build_dir)
                                   : repo.workdir() / "build";
  GateConfig config = load_config(explicit_file, repo.workdir(), build_dir);
  if (o.flaky_reruns) config.flaky_reruns = *o.flaky_reruns;
  if (o.allow_test_edits) config.allow_test_edits = true;
  return config;
}

Layout checked_layout(const AttemptOptions& o, const git::Repository& repo, const GateConfig& config) {
  Layout l = resolve_layout(repo, o.directory, o.build_dir, o.report_dir, ConfiguredDirs{config.source_dir, config.build_dir, config.report_dir}, o.source_dir);
  require_gate_directories_usable(l);
  check_project_layout(l);
  require_no_user_files_in_gate_directories(l);
  return l;
}

AttemptOutcome run_attempt(const AttemptOptions& o, reporters::Progress& progress) {
  if (o.patch_file.has_value() == !o.fixer.empty())
    throw Error(ErrorKind::usage, "give exactly one fix: --patch FILE (or -) or -- FIXER COMMAND ...");
  git::Repository repo = git::Repository::open(o.directory);
  RepositoryLock lock = lock_before_reading(repo, o.command_line, progress);
  repo.require_idle();
  GateConfig config = effective_config(o, repo);
  Layout l = checked_layout(o, repo, config);
  // Who an accepted fix will be committed by, read now: a bad GIT_*_DATE refuses before anything changes.
  const git::CommitIdentity identity = git::commit_identity(repo);
  RunSettings settings = run_settings(o, config);
  AttemptOutcome outcome;
  AttemptResult& result = outcome.result;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.dry_run = o.dry_run;
  result.on_accept = o.on_accept;
  result.require_fixed = o.require_fixed;

  // A patch is read and checked before anything changes: a bad one costs nothing.
  std::optional<std::string> patch;
  if (o.patch_file) {
    patch = read_patch(*o.patch_file);
    try {
      git::PatchSummary summary = git::check_patch(repo, *patch);
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
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::usage) throw;
      result.verdict = Verdict::rejected;
      result.reason = std::string("the patch was refused: ") + e.what();
      result.attempt_id = new_attempt_id();
      place_reports(l, result.attempt_id);
      outcome.report_dir = l.report_dir;
      progress.note("[apply] " + result.reason);
      if (!o.dry_run) write_reports_or_warn(result, l, progress);  // a dry run writes nothing
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

  Operation op = Operation::begin(repo, std::move(lock), "attempt", "attempt",
                                  [&](const std::string& m) { progress.note(m); }, l.excluded);
  // Until the fix is applied, nothing the gate runs is meant to change the sources: a change found at
  // the rollback is someone else's, and stays.
  op.gate_changed_nothing_yet();
  const snapshot::Manifest& snap = op.snapshot().manifest;
  claim_report_directory(l);
  result.snapshot = snap.id;
  result.attempt_id = snap.id;
  place_reports(l, snap.id);
  outcome.report_dir = l.report_dir;
  Phases phases(progress, result.durations, &op);
  progress.note("[snapshot] " + snap.id + ": " + std::to_string(snap.scan.stats.files) + " files saved");

  bool keep_fix = false;
  try {
    BaselineRecord baseline =
        ensure_baseline(repo, l, git::to_hex(snap.worktree_tree), settings, config, phases, result.baseline);
    if (!baseline.build_ok) {
      result.verdict = Verdict::error;
      result.reason = "the tree without the fix does not build, so the fix cannot be judged" +
                      (baseline.build_errors.empty() ? std::string() : ": " + baseline.build_errors.front());
    } else if (baseline.tests.empty()) {
      result.verdict = Verdict::error;
      result.reason = "no tests ran on the tree without the fix";
    } else {
      // The tree the fix is applied to: the snapshot, plus whatever someone changed meanwhile (kept apart
      // from the fix, in its commit and at the rollback).
      git_oid before = worktree_tree_now(repo, l.excluded);
      op.gate_change_starting();
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
        spec.on_started = [&op](int pg) { op.set_process_group(pg); };
        runners::ProcessResult fixer = runners::run_process(spec);
        op.set_process_group(std::nullopt);
        // A daemon the fixer left outside its process group would go on changing the tree being judged.
        op.end_stray_processes();
        result.fixer = FixerOutcome{o.fixer, fixer.describe(), fixer.succeeded(), fixer.out, fixer.err};
        phases.end("fixer " + fixer.describe());
        throw_if_interrupted();
        // .git is never part of a fix: a planted hook or fsmonitor must not run during the build.
        op.restore_git_metadata();
      }
      // What the fix changed, read from the tree itself.
      git_oid after = worktree_tree_now(repo, l.excluded);
      op.gate_changed(before, after);
      git::DiffPtr fix = diff_trees(repo, before, after);
      result.files_changed = changed_files(fix.get());
      if (result.fixer && !result.fixer->ok) {
        result.verdict = Verdict::rejected;
        result.reason = "the fixer failed (" + result.fixer->result + ")";
      } else if (result.files_changed.empty()) {
        result.verdict = Verdict::rejected;
        result.reason = "the fix changed nothing";
      } else {
        JudgeInput in = judge_input(repo, l, config, settings, phases, baseline, before, after);
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
            git_oid commit = commit_fix(repo, snap, before, after, commit_message(o, result), identity);
            // The last moment an interrupt still means "nothing happened": once the ref is written, the
            // outcome is committed, and whatever arrives later is reported with it.
            throw_if_interrupted();
            if (mode == OnAccept::branch) {
              std::string branch = (review ? "autofix/review/" : "autofix/") + snap.id;
              op.keep_ref("refs/heads/" + branch);  // journaled first: the rollback keeps it
              create_branch(repo, branch, commit, snap.id);
              result.branch = branch;
            } else {
              commit_on_current_branch(repo, snap, commit, result.files_changed, snap.id);
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
    result.verdict = Verdict::error;
    result.reason = e.what();
    if (!e.hint().empty()) result.reason += " (" + e.hint() + ")";
  }

  if (keep_fix) {
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
  write_reports_or_warn(result, l, progress);
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
  Operation op = Operation::begin(repo, std::move(lock), "baseline", "baseline",
                                  [&](const std::string& m) { progress.note(m); }, l.excluded);
  op.gate_changed_nothing_yet();
  claim_report_directory(l);
  place_reports(l, op.snapshot().manifest.id);  // the test runs' outputs, beside an attempt's
  std::vector<std::pair<std::string, double>> durations;
  Phases phases(progress, durations, &op);
  BaselineOutcome out;
  BaselineRecord record = ensure_baseline(repo, l, git::to_hex(op.snapshot().manifest.worktree_tree),
                                          run_settings(o, config), config, phases, out.info);
  out.tests = record.tests.size();
  out.passed = static_cast<size_t>(std::count_if(record.tests.begin(), record.tests.end(),
                                                 [](const TestRecord& t) { return t.status == RunStatus::passed; }));
  op.roll_back();
  if (!record.build_ok)
    throw Error(ErrorKind::usage, "the tree does not build" +
                                      (record.build_errors.empty() ? std::string() : ": " + record.build_errors.front()));
  return out;
}

}  // namespace autofix
