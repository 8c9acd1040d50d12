#include "gate/attempt.h"

#include <unistd.h>

#include <iostream>
#include <iterator>
#include <sstream>

#include "gate/baseline.h"
#include "gate/git/patch.h"
#include "gate/git/repository.h"
#include "gate/operation.h"
#include "gate/report_files.h"
#include "gate/snapshot/manifest.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/snapshot/worktree_scan.h"
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
  if (text == "branch") return OnAccept::branch;
  if (text == "keep") return OnAccept::keep;
  if (text == "commit") return OnAccept::commit;
  throw Error(ErrorKind::usage, "--on-accept must be branch, keep or commit, not '" + text + "'");
}

const char* to_string(OnAccept mode) noexcept {
  switch (mode) {
    case OnAccept::branch: return "branch";
    case OnAccept::keep: return "keep";
    case OnAccept::commit: return "commit";
  }
  return "branch";
}

namespace {

struct Layout {
  const git::Repository* repo = nullptr;
  fs::path root;
  fs::path build_dir;
  fs::path report_dir;
  std::vector<std::string> excluded;  // build and report directories inside the work tree
};

fs::path absolute_from(const fs::path& base, const fs::path& p) {
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

Layout resolve_layout(const git::Repository& repo, const AttemptOptions& o) {
  Layout l;
  l.repo = &repo;
  l.root = repo.workdir();
  fs::path cwd = fs::absolute(o.directory);
  l.build_dir = o.build_dir ? absolute_from(cwd, *o.build_dir) : l.root / "build";
  l.report_dir = o.report_dir ? absolute_from(cwd, *o.report_dir) : l.build_dir / "autofix";
  for (const fs::path& p : {l.build_dir, l.report_dir}) {
    fs::path rel = p.lexically_relative(l.root);
    if (rel.empty() || *rel.begin() == "..") continue;
    if (rel == ".") throw Error(ErrorKind::usage, "the build or report directory cannot be the repository root");
    l.excluded.push_back(rel.generic_string());
  }
  return l;
}

std::string read_patch(const std::string& file) {
  if (file == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return text;
  }
  std::optional<std::string> text = read_file_if_exists(file);
  if (!text) throw Error(ErrorKind::usage, "no such patch file: '" + file + "'", "pass --patch FILE or --patch - for standard input");
  return *text;
}

RunStatus run_status(runners::TestStatus s) {
  switch (s) {
    case runners::TestStatus::passed: return RunStatus::passed;
    case runners::TestStatus::failed: return RunStatus::failed;
    case runners::TestStatus::timeout: return RunStatus::timeout;
    case runners::TestStatus::not_run: return RunStatus::not_run;
    case runners::TestStatus::skipped: return RunStatus::skipped;
  }
  return RunStatus::not_run;
}

std::vector<TestRecord> to_records(const runners::CTestRun& run) {
  std::vector<TestRecord> out;
  auto output = [](const runners::TestResult& t) {
    if (t.message.empty()) return t.output_excerpt;
    return t.output_excerpt.empty() ? t.message : t.message + "\n" + t.output_excerpt;
  };
  for (const auto& t : run.tests) out.push_back({t.name, run_status(t.status), t.duration_s, output(t)});
  for (const auto& c : run.cases) out.push_back({c.name, run_status(c.status), c.duration_s, output(c)});
  return out;
}

std::string cmake_cache_text(const fs::path& build_dir) {
  return read_file_if_exists(build_dir / "CMakeCache.txt").value_or("");
}

// Phases after the snapshot report through this: progress lines, durations, and the journal.
class Phases {
 public:
  Phases(reporters::Progress& progress, AttemptResult& result, Operation* op)
      : progress_(progress), result_(result), op_(op) {}
  void begin(const std::string& phase, const std::string& what) {
    throw_if_interrupted();
    current_ = phase;
    if (op_) op_->set_phase(phase);
    progress_.begin(phase, what);
  }
  void end(const std::string& outcome) { result_.durations.emplace_back(current_, progress_.end(outcome)); }
  void note(const std::string& message) { progress_.note(message); }

 private:
  reporters::Progress& progress_;
  AttemptResult& result_;
  Operation* op_;
  std::string current_;
};

struct TestRun {
  std::vector<TestRecord> records;
  std::vector<std::string> warnings;  // e.g. a test binary's XML that could not be matched to its test
};

TestRun run_suite(const Layout& l, const fs::path& output_dir, const AttemptOptions& o, Operation* op) {
  runners::CTestOptions c;
  c.build_dir = l.build_dir;
  c.output_dir = output_dir;
  c.jobs = o.jobs;
  c.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);          // each test
  c.overall_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);  // the whole run
  if (op) c.on_started = [op](int pg) { op->set_process_group(pg); };
  runners::CTestRun run = runners::run_ctest(c);
  if (op) op->set_process_group(std::nullopt);
  return {to_records(run), run.warnings};
}

runners::BuildResult build(const Layout& l, const AttemptOptions& o, Operation* op) {
  runners::BuildOptions b;
  b.source_dir = l.root;
  b.build_dir = l.build_dir;
  b.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);
  b.jobs = o.jobs;
  if (op) b.on_started = [op](int pg) { op->set_process_group(pg); };
  // After `recover` ended a build half way, its outputs cannot be trusted: rebuild everything once.
  std::filesystem::path marker = interrupted_build_marker(*l.repo);
  b.clean_first = fs::exists(marker);
  runners::BuildResult r = runners::configure_and_build(b);
  if (b.clean_first) fs::remove(marker);
  if (op) op->set_process_group(std::nullopt);
  return r;
}

// Builds and tests the tree as it is now, unless a stored baseline has the same key.
BaselineRecord ensure_baseline(const git::Repository& repo, const Layout& l, const std::string& tree,
                               const AttemptOptions& o, Operation* op, Phases& phases, BaselineInfo& info) {
  BaselineCache cache(repo.state_dir());
  // The build must be configured before the key is known: the key includes the CMake cache.
  if (!fs::exists(l.build_dir / "CMakeCache.txt")) {
    phases.begin("configure", "configuring " + l.build_dir.string());
    runners::BuildResult configured = build(l, o, op);
    phases.end(configured.ok ? "configured and built" : configured.failure);
  }
  std::string key = baseline_key(tree, l.build_dir, cmake_cache_text(l.build_dir));
  info.key = key;
  if (std::optional<BaselineRecord> stored = cache.load(key)) {
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
  phases.begin("baseline", "building the tree without the fix");
  runners::BuildResult b = build(l, o, op);
  record.build_ok = b.ok;
  record.build_errors = b.errors;
  if (!b.ok) {
    phases.end(b.failure);
    info.build_ok = false;
    return record;  // not stored: a broken baseline is worth recomputing next time
  }
  phases.end("built");
  phases.begin("baseline", "running the tests without the fix");
  TestRun run = run_suite(l, l.report_dir / "baseline-tests", o, op);
  for (const std::string& w : run.warnings) phases.note("[baseline] warning: " + w);
  record.tests = std::move(run.records);
  size_t passed = static_cast<size_t>(std::count_if(record.tests.begin(), record.tests.end(),
                                                    [](const TestRecord& t) { return t.status == RunStatus::passed; }));
  phases.end(std::to_string(passed) + "/" + std::to_string(record.tests.size()) + " passed");
  cache.store(record);
  info.runs = record.runs;
  info.build_ok = true;
  return record;
}

// The work tree as a tree object, scanned against the current index.
git_oid current_worktree_tree(const git::Repository& repo, const std::vector<std::string>& excluded) {
  git::IndexPtr index;
  git::check(git_repository_index(git::out(index), repo.get()), "cannot open the index");
  git::check(git_index_read(index.get(), 0), "cannot read the index");
  std::optional<snapshot::FileStamp> stamp = snapshot::file_stamp((repo.git_dir() / "index").string());
  snapshot::ScanOptions options{stamp ? stamp->mtime : snapshot::Timestamp{}, true, excluded};
  snapshot::ScanResult scan = snapshot::scan_worktree(repo, index.get(), options);
  return snapshot::write_worktree_tree(repo, index.get(), scan);
}

using DiffPtr = git::DiffPtr;

DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after) {
  git::TreePtr a, b;
  git::check(git_tree_lookup(git::out(a), repo.get(), &before), "cannot read the snapshot's tree");
  git::check(git_tree_lookup(git::out(b), repo.get(), &after), "cannot read the fixed tree");
  DiffPtr diff;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git::check(git_diff_tree_to_tree(git::out(diff), repo.get(), a.get(), b.get(), &opts), "cannot compare the trees");
  return diff;
}

std::vector<FileChange> changed_files(git_diff* diff) {
  std::vector<FileChange> out;
  size_t n = git_diff_num_deltas(diff);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff, i);
    std::string status = d->status == GIT_DELTA_ADDED     ? "added"
                         : d->status == GIT_DELTA_DELETED ? "deleted"
                                                          : "modified";
    out.push_back({d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path, status});
  }
  return out;
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

// Commits the fix alone (not the user's uncommitted work) on top of the snapshot's HEAD.
git_oid commit_fix(const git::Repository& repo, const snapshot::Manifest& m, git_diff* fix, const std::string& message) {
  git_repository* r = repo.get();
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
  int rc = git_apply_to_tree(git::out(applied), r, base.get(), fix, nullptr);
  if (rc < 0)
    throw Error(ErrorKind::usage,
                std::string("the fix overlaps uncommitted changes, so it cannot be committed on its own: ") +
                    (git_error_last() ? git_error_last()->message : "apply failed"),
                "commit or stash your work first, or use --on-accept keep");
  git_oid tree_oid;
  git::check(git_index_write_tree_to(&tree_oid, applied.get(), r), "cannot write the fixed tree");
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), r, &tree_oid), "cannot read the fixed tree");
  git::SignaturePtr sig;
  if (git_signature_default(git::out(sig), r) < 0) {
    git_error_clear();
    git::check(git_signature_now(git::out(sig), "AutofixGate", "autofix-gate@localhost"), "cannot create a signature");
  }
  const git_commit* parents[] = {parent.get()};
  git_oid commit;
  git::check(git_commit_create(&commit, r, nullptr, sig.get(), sig.get(), nullptr, message.c_str(), tree.get(),
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

void write_reports_or_warn(const AttemptResult& result, const fs::path& dir, Phases& phases) {
  try {
    write_report_files(result, dir);
  } catch (const std::exception& e) {
    phases.note(std::string("warning: cannot write the reports: ") + e.what());
  }
}

std::string plan_text(const AttemptOptions& o, const Layout& l, const git::PatchSummary& patch) {
  std::ostringstream out;
  out << "dry run: the patch applies cleanly: " << git::describe(patch) << "\n"
      << "plan: snapshot the work tree; baseline build and tests in " << l.build_dir.string()
      << " (reused when stored); apply the patch; build; run the tests; compare with the baseline; on accept: "
      << to_string(o.on_accept) << "; reports in " << l.report_dir.string() << "\n";
  return out.str();
}

}  // namespace

AttemptOutcome run_attempt(const AttemptOptions& o, reporters::Progress& progress) {
  if (o.patch_file.has_value() == !o.fixer.empty())
    throw Error(ErrorKind::usage, "give exactly one fix: --patch FILE (or -) or -- FIXER COMMAND ...");
  git::Repository repo = git::Repository::open(o.directory);
  repo.require_idle();
  Layout l = resolve_layout(repo, o);
  AttemptOutcome outcome;
  outcome.report_dir = l.report_dir;
  AttemptResult& result = outcome.result;
  result.started = format_iso8601_utc(std::chrono::system_clock::now());
  result.dry_run = o.dry_run;
  result.on_accept = to_string(o.on_accept);
  result.require_fixed = o.require_fixed;
  Phases unjournaled(progress, result, nullptr);

  // A patch is read and checked before anything changes: a bad one costs nothing.
  std::optional<std::string> patch;
  if (o.patch_file) {
    patch = read_patch(*o.patch_file);
    try {
      git::PatchSummary summary = git::check_patch(repo, *patch);
      if (o.dry_run) {
        std::cout << *patch << (patch->ends_with('\n') ? "" : "\n") << plan_text(o, l, summary);
        result.verdict = Verdict::accepted;
        result.reason = "dry run: the patch applies cleanly";
        outcome.exit_code = exit_code::ok;
        return outcome;
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::usage) throw;
      result.verdict = Verdict::rejected;
      result.reason = std::string("the patch was refused: ") + e.what();
      unjournaled.note("[apply] " + result.reason);
      if (!o.dry_run) write_reports_or_warn(result, l.report_dir, unjournaled);
      outcome.exit_code = exit_code::rejected;
      return outcome;
    }
  }

  Operation op = Operation::begin(repo, "attempt", "attempt", o.command_line,
                                  [&](const std::string& m) { progress.note(m); }, l.excluded);
  const snapshot::Manifest& snap = op.snapshot().manifest;
  result.snapshot = snap.id;
  result.attempt_id = snap.id;
  Phases phases(progress, result, &op);
  progress.note("[snapshot] " + snap.id + ": " + std::to_string(snap.scan.stats.files) + " files saved");

  bool keep_fix = false;
  try {
    BaselineRecord baseline = ensure_baseline(repo, l, git::to_hex(snap.worktree_tree), o, &op, phases, result.baseline);
    if (!baseline.build_ok) {
      result.verdict = Verdict::error;
      result.reason = "the tree without the fix does not build, so the fix cannot be judged" +
                      (baseline.build_errors.empty() ? std::string() : ": " + baseline.build_errors.front());
    } else if (baseline.tests.empty()) {
      result.verdict = Verdict::error;
      result.reason = "no tests ran on the tree without the fix";
    } else {
      // Apply.
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
        result.fixer = FixerOutcome{o.fixer, fixer.describe(), fixer.succeeded(), fixer.out, fixer.err};
        phases.end("fixer " + fixer.describe());
        throw_if_interrupted();
      }
      // What the fix changed, read from the tree itself.
      git_oid after = current_worktree_tree(repo, l.excluded);
      DiffPtr fix = diff_trees(repo, snap.worktree_tree, after);
      result.files_changed = changed_files(fix.get());
      if (result.fixer && !result.fixer->ok) {
        result.verdict = Verdict::rejected;
        result.reason = "the fixer failed (" + result.fixer->result + ")";
      } else if (result.files_changed.empty()) {
        result.verdict = Verdict::rejected;
        result.reason = "the fix changed nothing";
      } else {
        phases.begin("build", "building with the fix");
        runners::BuildResult b = build(l, o, &op);
        result.build = {true, b.ok, b.duration_s, b.errors, b.failure};
        phases.end(b.ok ? "built" : b.failure);
        if (b.ok) {
          phases.begin("test", "running the tests with the fix");
          TestRun after_run = run_suite(l, l.report_dir / "tests", o, &op);
          for (const std::string& w : after_run.warnings) phases.note("[test] warning: " + w);
          result.tests = classify(baseline.tests, after_run.records);
          phases.end(std::to_string(result.tests_passed()) + "/" + std::to_string(result.tests_run()) + " passed");
        }
        Decision d = decide(result);
        result.verdict = d.verdict;
        result.reason = d.reason;
        if (result.verdict == Verdict::accepted && !o.dry_run) {
          phases.begin("accept", std::string("accepting (") + to_string(o.on_accept) + ")");
          if (o.on_accept == OnAccept::keep) {
            keep_fix = true;
          } else {
            git_oid commit = commit_fix(repo, snap, fix.get(), commit_message(o, result));
            result.commit = git::to_hex(commit);
            if (o.on_accept == OnAccept::branch) {
              result.branch = "autofix/" + snap.id;
              create_branch(repo, *result.branch, commit, snap.id);
            } else {
              commit_on_current_branch(repo, snap, commit, result.files_changed, snap.id);
              keep_fix = true;
            }
          }
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
    phases.begin("rollback", "restoring snapshot " + snap.id);
    snapshot::RestoreReport restored = op.roll_back();
    phases.end("restored and verified (" + std::to_string(restored.written.size()) + " written, " +
               std::to_string(restored.removed.size()) + " removed)");
  }
  if (o.dry_run && result.verdict == Verdict::accepted) result.reason = "dry run: " + result.reason + "; rolled back";
  write_reports_or_warn(result, l.report_dir, phases);
  outcome.exit_code = exit_code_for(result.verdict);
  return outcome;
}

BaselineOutcome compute_baseline(const AttemptOptions& o, reporters::Progress& progress) {
  git::Repository repo = git::Repository::open(o.directory);
  repo.require_idle();
  Layout l = resolve_layout(repo, o);
  // The baseline is keyed by the work tree's tree: a snapshot computes it (and protects the tree
  // from anything the build does to it, e.g. generated files in the source tree).
  Operation op = Operation::begin(repo, "baseline", "baseline", o.command_line,
                                  [&](const std::string& m) { progress.note(m); }, l.excluded);
  AttemptResult scratch;
  Phases phases(progress, scratch, &op);
  BaselineOutcome out;
  BaselineRecord record =
      ensure_baseline(repo, l, git::to_hex(op.snapshot().manifest.worktree_tree), o, &op, phases, out.info);
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
