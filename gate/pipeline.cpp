#include "gate/pipeline.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "gate/project_check.h"
#include "gate/report_location.h"
#include "gate/snapshot/manifest.h"
#include "gate/tiers.h"
#include "runners/case_results.h"
#include "runners/cmake_file_api.h"
#include "runners/test_framework.h"
#include "gate/snapshot/worktree_scan.h"
#include "gate/util/atomic_file.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

fs::path absolute_from(const fs::path& base, const fs::path& p) {
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

std::string cmake_cache_text(const fs::path& build_dir) {
  return read_file_if_exists(build_dir / "CMakeCache.txt").value_or("");
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

TestRecord to_record(const runners::TestResult& t) {
  std::string output = t.message.empty() ? t.output_excerpt
                       : t.output_excerpt.empty() ? t.message
                                                  : t.message + "\n" + t.output_excerpt;
  TestRecord r;
  r.name = t.name;
  r.ctest_test = t.ctest_test.empty() ? t.name : t.ctest_test;
  r.case_name = t.case_name;
  r.status = run_status(t.status);
  r.duration_s = t.duration_s;
  r.output = std::move(output);
  r.failures = t.failures;
  return r;
}

std::vector<TestRecord> to_records(const runners::CTestRun& run) {
  std::vector<TestRecord> out;
  for (const auto& t : run.tests) out.push_back(to_record(t));
  for (const auto& c : run.cases) out.push_back(to_record(c));
  return out;
}

// A build configured before the gate asked for them lacks the File API's codemodel reply (cascading
// failures) or, with a generator that writes one, compile_commands.json (the static tiers): configure
// it once more with both asked for.
bool lacks_what_the_gate_reads(const fs::path& build_dir) {
  if (!fs::exists(build_dir / ".cmake/api/v1/reply")) return true;
  std::string cache = cmake_cache_text(build_dir);
  size_t at = cache.find("CMAKE_GENERATOR:INTERNAL=");
  std::string generator = at == std::string::npos ? "" : cache.substr(at, cache.find('\n', at) - at);
  bool writes_database = generator.find("Makefiles") != std::string::npos || generator.find("Ninja") != std::string::npos;
  return writes_database && !fs::exists(build_dir / "compile_commands.json");
}

size_t passed_count(const std::vector<TestRecord>& tests) {
  return static_cast<size_t>(
      std::count_if(tests.begin(), tests.end(), [](const TestRecord& t) { return t.status == RunStatus::passed; }));
}

}  // namespace

Layout resolve_layout(const git::Repository& repo, const fs::path& cwd, const std::optional<fs::path>& build_dir,
                      const std::optional<fs::path>& report_dir, const GateConfig& config,
                      const std::optional<fs::path>& source_dir) {
  Layout l;
  l.repo = &repo;
  l.root = repo.workdir();
  fs::path from = fs::absolute(cwd);
  if (source_dir) l.source_dir = absolute_from(from, *source_dir);
  else if (config.source_dir) l.source_dir = absolute_from(l.root, *config.source_dir);
  else l.source_dir = l.root;
  if (fs::path rel = l.source_dir.lexically_relative(l.root); rel.empty() || *rel.begin() == "..")
    throw Error(ErrorKind::usage,
                "the source directory '" + l.source_dir.string() + "' is outside the repository '" + l.root.string() + "'",
                "the gate snapshots and restores the repository: the CMake project it builds must be inside it");
  if (!l.source_dir.has_filename() && l.source_dir != l.source_dir.root_path())
    l.source_dir = l.source_dir.parent_path();  // "cpp/": no trailing '/', it is compared with CMake's paths
  if (build_dir) l.build_dir = absolute_from(from, *build_dir);
  else if (config.build_dir) l.build_dir = absolute_from(l.root, *config.build_dir);
  else l.build_dir = l.root / "build";
  if (report_dir) l.report_dir = absolute_from(from, *report_dir);
  else if (config.report_dir) l.report_dir = absolute_from(l.root, *config.report_dir);
  else l.report_dir = l.build_dir / "autofix";
  l.report_root = l.report_dir;
  l.report_per_attempt = !report_dir && !config.report_dir;
  for (const fs::path& p : {l.build_dir, l.report_dir}) {
    fs::path rel = p.lexically_relative(l.root);
    if (rel.empty() || *rel.begin() == "..") continue;
    if (rel == ".") throw Error(ErrorKind::usage, "the build or report directory cannot be the repository root");
    l.excluded.push_back(rel.generic_string());
  }
  return l;
}

void place_reports(Layout& l, const std::string& attempt_id) {
  l.report_dir = l.report_per_attempt ? attempt_report_dir(l.report_root, attempt_id) : l.report_root;
}

void publish_reports(const Layout& l, const std::string& attempt_id) {
  if (l.report_per_attempt) publish_latest(l.report_root, attempt_id);
}

void Phases::begin(const std::string& phase, const std::string& what) {
  throw_if_interrupted();
  begin_after_decision(phase, what);
}

void Phases::begin_after_decision(const std::string& phase, const std::string& what) {
  current_ = phase;
  if (op_) op_->set_phase(phase);
  progress_.begin(phase, what);
}

void Phases::end(const std::string& outcome) { durations_.emplace_back(current_, progress_.end(outcome)); }

runners::BuildResult build_tree(const Layout& l, const RunSettings& s, Operation* op, bool reconfigure) {
  runners::BuildOptions b;
  b.source_dir = l.source_dir;
  b.build_dir = l.build_dir;
  b.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout);
  b.jobs = s.jobs;
  // The static tier reads compile_commands.json; cascading failures read the File API's codemodel.
  b.configure_arguments = {"-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"};
  // Cascading failures read the File API's codemodel: ask for it, and configure again once when an
  // existing build has no reply yet (it was configured before the query existed).
  runners::write_codemodel_query(l.build_dir);
  b.reconfigure = reconfigure || (fs::exists(l.build_dir / "CMakeCache.txt") && lacks_what_the_gate_reads(l.build_dir));
  if (op) b.on_started = [op](int pg) { op->set_process_group(pg); };
  // After `recover` ended a build half way, its outputs cannot be trusted: rebuild everything once.
  fs::path marker = interrupted_build_marker(*l.repo);
  b.clean_first = fs::exists(marker);
  runners::BuildResult r = runners::configure_and_build(b);
  if (b.clean_first) fs::remove(marker);
  if (op) op->set_process_group(std::nullopt);
  return r;
}

std::chrono::milliseconds per_test_limit(const RunSettings& s) {
  auto limit = std::min(s.test_timeout, std::max(std::chrono::seconds(1), s.timeout / 2));
  return std::chrono::duration_cast<std::chrono::milliseconds>(limit);
}

TestRun run_tests(const Layout& l, const fs::path& output_dir, const RunSettings& s, Operation* op,
                  const TestRunOptions& options) {
  runners::CTestOptions c;
  c.build_dir = l.build_dir;
  c.output_dir = output_dir;
  c.jobs = s.jobs;
  c.timeout = per_test_limit(s);
  c.overall_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout);  // the whole run
  c.environment = options.environment;
  c.read_failing_cases = options.read_failing_cases;
  std::vector<std::string> selection = options.names;
  if (selection.empty() && s.in_shard) {
    for (const auto& d : runners::discover_tests(l.build_dir))
      if (s.in_shard(d.name)) selection.push_back(d.name);
    if (selection.empty()) return {};  // this shard has no test
  }
  c.names = std::move(selection);
  if (op) c.on_started = [op](int pg) { op->set_process_group(pg); };
  runners::CTestRun run = runners::run_ctest(c);
  if (op) op->set_process_group(std::nullopt);
  return {to_records(run), run.warnings};
}

bool disagrees(RunStatus first, const std::vector<RunStatus>& reruns) {
  bool passed = first == RunStatus::passed;
  return std::any_of(reruns.begin(), reruns.end(), [&](RunStatus r) { return (r == RunStatus::passed) != passed; });
}

std::vector<RunStatus> statuses_of(const std::vector<TestRecord>& runs) {
  std::vector<RunStatus> out;
  for (const TestRecord& r : runs) out.push_back(r.status);
  return out;
}

int rerun_rounds(const TestRecord& first_run, int reruns) {
  if (reruns <= 0) return 0;
  if (first_run.status == RunStatus::timeout) return 1;
  if (first_run.duration_s <= 0) return reruns;
  double fit = std::floor(kRerunBudgetSeconds / first_run.duration_s);
  return std::clamp(static_cast<int>(std::min(fit, 1e6)), 1, reruns);
}

std::vector<RerunTarget> rerun_targets(const std::vector<TestRecord>& records, int reruns,
                                       const std::function<bool(const TestRecord&)>& wanted) {
  std::set<std::string> failing_cases;  // CTest tests whose cases show a failure
  for (const TestRecord& r : records)
    if (!r.case_name.empty() && r.status != RunStatus::passed && r.status != RunStatus::skipped)
      failing_cases.insert(key_of(r).ctest_test);
  std::vector<RerunTarget> out;
  for (const TestRecord& r : records) {
    if (!wanted(r)) continue;
    if (r.case_name.empty() && r.status != RunStatus::passed && failing_cases.count(key_of(r).ctest_test)) continue;
    if (int rounds = rerun_rounds(r, reruns); rounds > 0) out.push_back({key_of(r), r.status, rounds});
  }
  return out;
}

std::map<TestKey, std::vector<TestRecord>> rerun_until_disagreement(const Layout& l, const RunSettings& settings,
                                                                   Operation* op, const std::vector<RerunTarget>& targets) {
  // One test at a time: a test that fails only beside another (a fixed port, a shared file; seen with
  // cpp-httplib's servers on port 1234 under ctest -j2) must show what it does alone.
  RunSettings s = settings;
  s.jobs = 1;
  std::map<TestKey, std::vector<TestRecord>> runs;
  std::map<TestKey, RerunTarget> pending;
  int max_rounds = 0;
  for (const RerunTarget& t : targets) {
    pending.emplace(t.key, t);
    max_rounds = std::max(max_rounds, t.rounds);
  }
  if (pending.empty()) return runs;
  std::map<std::string, runners::DiscoveredTest> by_name;
  for (auto& d : runners::discover_tests(l.build_dir)) by_name.emplace(d.name, std::move(d));
  const fs::path dir = l.report_dir / "reruns";

  for (int round = 1; round <= max_rounds && !pending.empty(); ++round) {
    // CTest tests run together; cases by binary, through ctest with GTEST_FILTER or by the gate itself.
    std::set<std::string> whole;
    std::map<std::string, std::vector<std::string>> through_ctest, direct;
    for (const auto& [key, target] : pending) {
      if (target.rounds < round) continue;
      if (key.case_name.empty()) {
        whole.insert(key.ctest_test);
        continue;
      }
      auto d = by_name.find(key.ctest_test);
      if (d == by_name.end()) continue;
      runners::TestFramework f = runners::framework_of(d->second);
      bool own_run = (f == runners::TestFramework::catch2 || f == runners::TestFramework::doctest) && !d->second.needs_ctest;
      (own_run ? direct : through_ctest)[key.ctest_test].push_back(key.case_name);
    }
    std::map<TestKey, TestRecord> seen;
    auto keep = [&](const std::vector<TestRecord>& records, bool cases) {
      for (const TestRecord& r : records)
        if (cases != r.case_name.empty()) seen.emplace(key_of(r), r);
    };
    if (!whole.empty()) {
      TestRunOptions o;
      o.names.assign(whole.begin(), whole.end());
      o.read_failing_cases = false;
      keep(run_tests(l, dir, s, op, o).records, false);
    }
    for (const auto& [test, cases] : through_ctest) {
      TestRunOptions o;
      o.names = {test};
      o.environment = {{"GTEST_FILTER", runners::gtest_filter_for(cases)}};
      o.read_failing_cases = false;
      keep(run_tests(l, dir, s, op, o).records, true);
    }
    for (const auto& [test, cases] : direct) {
      runners::DirectCaseOptions o;
      o.build_dir = l.build_dir;
      o.report_file = dir / "cases.xml";
      o.timeout = per_test_limit(s);
      if (op) o.on_started = [op](int pg) { op->set_process_group(pg); };
      runners::DirectCaseRun run = runners::run_cases_directly(by_name.at(test), runners::framework_of(by_name.at(test)), cases, o);
      if (op) op->set_process_group(std::nullopt);
      std::vector<TestRecord> records;
      for (const auto& c : run.cases) records.push_back(to_record(c));
      keep(records, true);
    }
    for (auto it = pending.begin(); it != pending.end();) {
      auto found = seen.find(it->first);
      if (it->second.rounds < round) {
        it = pending.erase(it);
      } else if (found == seen.end()) {
        it = pending.erase(it);  // nothing to observe: no guess
      } else {
        runs[it->first].push_back(found->second);
        bool done = disagrees(it->second.first, {found->second.status}) || it->second.rounds == round;
        it = done ? pending.erase(it) : std::next(it);
      }
    }
  }
  return runs;
}

BaselineRecord ensure_baseline(const git::Repository& repo, const Layout& l, const std::string& tree,
                               const RunSettings& s, const GateConfig& config, Phases& phases, BaselineInfo& info,
                               const std::string& key_extra) {
  BaselineCache cache(repo.state_dir());
  Operation* op = phases.operation();
  // The build must be configured before the key is known: the key includes the CMake cache.
  // (A build configured before the gate asked for the File API's codemodel is configured once more.)
  if (!fs::exists(l.build_dir / "CMakeCache.txt") || lacks_what_the_gate_reads(l.build_dir)) {
    phases.begin("configure", "configuring " + l.build_dir.string());
    runners::BuildResult configured = build_tree(l, s, op);
    phases.end(configured.ok ? "configured and built" : configured.failure);
  }
  // Sanitizer tiers add to what the baseline holds: a configuration with other ones needs another.
  std::string extra = key_extra;
  for (const TierConfig& t : config.tiers)
    if (t.kind == "sanitizers") {
      extra += "\nsanitizers " + t.name;
      for (const std::string& label : t.labels) extra += " " + label;
    }
  std::string key = baseline_key(tree, l.build_dir, cmake_cache_text(l.build_dir) + extra);
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
  runners::BuildResult b = build_tree(l, s, op);
  record.build_ok = b.ok;
  record.build_errors = b.errors;
  if (!b.ok) {
    phases.end(b.failure);
    info.build_ok = false;
    return record;  // not stored: a broken baseline is worth recomputing next time
  }
  phases.end("built");
  phases.begin("baseline", "running the tests without the fix");
  record.discovered = runners::discover_tests(l.build_dir);
  require_own_tests(l, record.discovered);  // a tree with tests from elsewhere is never a baseline
  TestRun run = run_tests(l, l.report_dir / "baseline-tests", s, op);
  for (const std::string& w : run.warnings) phases.note("[baseline] warning: " + w);
  record.tests = std::move(run.records);
  phases.end(std::to_string(passed_count(record.tests)) + "/" + std::to_string(record.tests.size()) + " passed");
  // A test failing at baseline is run again, so that a baseline flake cannot pose as a fix later, and so
  // that the failure lines it prints now and then are all known (only lines it never printed are new).
  std::vector<RerunTarget> failing = rerun_targets(record.tests, s.flaky_reruns, [](const TestRecord& t) {
    return t.status == RunStatus::failed || t.status == RunStatus::timeout;
  });
  if (!failing.empty()) {
    phases.begin("baseline", "re-running " + std::to_string(failing.size()) + " failing test(s) to tell flakes");
    auto reruns = rerun_until_disagreement(l, s, op, failing);
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
    if (t.kind != "sanitizers") continue;
    phases.begin("baseline", "building and testing with sanitizers (tier " + t.name + ")");
    SanitizerRun sanitized = run_sanitizer_suite(t, l, s, op, "baseline-sanitizers-" + t.name);
    if (!sanitized.built) record.sanitizers_built = false;
    record.sanitizer_reports[t.name] = sanitized.signatures;
    phases.end(sanitized.built ? std::to_string(sanitized.signatures.size()) + " report(s) without the fix" : sanitized.failure);
  }
  cache.store(record);
  info.runs = record.runs;
  info.build_ok = true;
  return record;
}

git_oid current_worktree_tree(const git::Repository& repo, const std::vector<std::string>& excluded) {
  return worktree_tree_now(repo, excluded);
}

git::DiffPtr diff_trees(const git::Repository& repo, const git_oid& before, const git_oid& after) {
  git::TreePtr a, b;
  git::check(git_tree_lookup(git::out(a), repo.get(), &before), "cannot read the tree before the change");
  git::check(git_tree_lookup(git::out(b), repo.get(), &after), "cannot read the tree with the change");
  git::DiffPtr diff;
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

namespace {

[[noreturn]] void cannot(const std::string& what, const fs::path& path, const std::error_code& ec) {
  throw Error(ErrorKind::io, "cannot " + what + " '" + path.string() + "': " + ec.message(),
              "the work tree is put back from the snapshot when the gate ends; free the path and run again");
}

bool is_directory_itself(const fs::path& p) {  // a directory, not a link to one
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

bool exists_itself(const fs::path& p) {  // anything, a dangling link included
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

void remove_entry(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  if (ec) cannot("remove", p, ec);
}

// Every ancestor of `rel` below `root` becomes a directory: a file or link in the way goes (the tree
// holds a directory there; a commit that turned a file into a directory is the common case).
void make_parent_directories(const fs::path& root, const fs::path& rel) {
  fs::path at = root;
  for (const fs::path& part : rel.parent_path()) {
    at /= part;
    if (exists_itself(at) && !is_directory_itself(at)) remove_entry(at);
    if (!exists_itself(at)) {
      std::error_code ec;
      fs::create_directory(at, ec);
      if (ec) cannot("create the directory", at, ec);
    }
  }
}

}  // namespace

void materialize_paths(const git::Repository& repo, const git_oid& tree_oid, const std::vector<std::string>& paths) {
  git::TreePtr tree;
  git::check(git_tree_lookup(git::out(tree), repo.get(), &tree_oid), "cannot read tree " + git::to_hex(tree_oid));
  struct Wanted {
    std::string path;
    git_filemode_t mode;
    git_oid blob;
  };
  std::vector<Wanted> wanted;
  // First what the tree does not hold as a file or link: so a directory can take a file's place and a
  // file a directory's, in either order of `paths`.
  for (const std::string& path : paths) {
    const fs::path target = repo.workdir() / path;
    git::TreeEntryPtr entry;
    if (git_tree_entry_bypath(git::out(entry), tree.get(), path.c_str()) < 0) {
      git_error_clear();
      // A directory stays: the paths below it are in the list themselves.
      if (exists_itself(target) && !is_directory_itself(target)) remove_entry(target);
      continue;
    }
    git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (mode == GIT_FILEMODE_TREE) {
      if (exists_itself(target) && !is_directory_itself(target)) remove_entry(target);
    } else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE || mode == GIT_FILEMODE_LINK) {
      wanted.push_back({path, mode, *git_tree_entry_id(entry.get())});
    }  // a submodule (GIT_FILEMODE_COMMIT) is left alone: the gate never checks one out
  }
  for (const Wanted& w : wanted) {
    const fs::path target = repo.workdir() / w.path;
    git::BlobPtr blob;
    git::check(git_blob_lookup(git::out(blob), repo.get(), &w.blob), "cannot read " + w.path);
    std::string content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                        static_cast<size_t>(git_blob_rawsize(blob.get())));
    make_parent_directories(repo.workdir(), fs::path(w.path));
    if (is_directory_itself(target) || (w.mode == GIT_FILEMODE_LINK && exists_itself(target))) remove_entry(target);
    if (w.mode == GIT_FILEMODE_LINK) {
      std::error_code ec;
      fs::create_symlink(content, target, ec);  // a link's blob is its target, as git stores it
      if (ec) cannot("create the link", target, ec);
    } else {
      write_file_atomically(target, content, w.mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644, Durability::cache);
    }
  }
}

std::vector<std::string> materialize_unchanged_paths(const git::Repository& repo, const git_oid& tree,
                                                     const std::vector<std::string>& paths, const git_oid& expected) {
  git::TreePtr want;
  git::check(git_tree_lookup(git::out(want), repo.get(), &expected), "cannot read tree " + git::to_hex(expected));
  std::vector<std::string> unchanged;
  for (const std::string& path : paths) {
    git::TreeEntryPtr entry;
    bool in_tree = git_tree_entry_bypath(git::out(entry), want.get(), path.c_str()) == 0;
    if (!in_tree) git_error_clear();
    fs::path target = repo.workdir() / path;
    std::error_code ec;
    fs::file_status st = fs::symlink_status(target, ec);
    bool on_disk = fs::exists(st);
    if (!in_tree || !on_disk) {
      if (!in_tree && !on_disk) unchanged.push_back(path);
      continue;
    }
    git_filemode_t mode = git_tree_entry_filemode(entry.get());
    if (!fs::is_regular_file(st) || (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)) continue;
    bool executable = (st.permissions() & fs::perms::owner_exec) != fs::perms::none;
    if (executable != (mode == GIT_FILEMODE_BLOB_EXECUTABLE)) continue;
    std::string content = read_file(target);
    git_oid oid;
    git::check(git_odb_hash(&oid, content.data(), content.size(), GIT_OBJECT_BLOB), "cannot hash '" + target.string() + "'");
    if (git_oid_equal(&oid, git_tree_entry_id(entry.get()))) unchanged.push_back(path);
  }
  materialize_paths(repo, tree, unchanged);
  return unchanged;
}

}  // namespace autofix
