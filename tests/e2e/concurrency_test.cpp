// SPDX-License-Identifier: MIT
// An attempt is not alone: the user goes on editing while it builds, a fixer leaves a daemon that escapes
// its process group, a second attempt starts while the first runs, a signal arrives just as the fix is
// being accepted. Each test drives the real binary on a copy of examples/calculator (issue 17, items 1,
// 6, 9 and 14).
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <iterator>
#include <set>

#include "gate/util/signals.h"
#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::data_dir;
using attempt::example_fix;
using attempt::lines_of;
using attempt::pid_gone;
using attempt::process_state;
using attempt::read_pids;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Strings attempt_args(Strings args) {
  args.insert(args.begin(), {gate_binary().string(), "attempt", "-j", "2"});
  return args;
}

nlohmann::json json_file(const fs::path& path) {
  nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(path.string() + " is not JSON");
  return j;
}

// The journal's phase, or "" when there is no journal (or it is being replaced).
std::string journal_phase(const Calculator& c) {
  std::error_code ec;
  if (!fs::exists(c.journal(), ec)) return "";
  nlohmann::json j = nlohmann::json::parse(read_file(c.journal()), nullptr, false);
  return j.is_object() ? j.value("phase", "") : "";
}

// Freezes the gate (SIGSTOP to the gate alone: the build and tests it runs are in groups of their own and
// go on) once its journal reaches `phase`, runs `edit`, and lets it go on. Not to its group: a child the
// gate is spawning right then is still in the gate's group when the SIGSTOP comes and may have moved to a
// group of its own before the SIGCONT does, and would stay stopped (seen once: a baseline build that hung).
runners::ProcessResult run_editing_at(const Calculator& c, const Strings& argv, const std::string& phase,
                                      const std::function<void()>& edit) {
  BackgroundProcess gate_run(argv, c.repo());
  bool reached = eventually([&] { return journal_phase(c) == phase; }, std::chrono::minutes(4));
  if (reached) {
    gate_run.signal_leader(SIGSTOP);
    edit();
    gate_run.signal_leader(SIGCONT);
  }
  runners::ProcessResult r = gate_run.wait();
  if (!reached) ADD_FAILURE() << "the attempt never reached the phase '" << phase << "'\n" << show(r);
  return r;
}

// Every entry of `before` but `changed` is in `after` as it was, and `after` has nothing else but `changed`.
void expect_same_except(const TreeFingerprint& before, const TreeFingerprint& after, const std::set<std::string>& changed) {
  for (const auto& [path, what] : before.entries) {
    if (changed.count(path)) continue;
    auto it = after.entries.find(path);
    EXPECT_TRUE(it != after.entries.end() && it->second == what) << "'" << path << "' differs or is gone";
  }
  for (const auto& [path, what] : after.entries)
    if (!before.entries.count(path) && !changed.count(path) && what != "dir")
      ADD_FAILURE() << "'" << path << "' appeared (" << what << ")";
}

// ---- item 1: the user's edits made while an attempt runs ------------------------------------------------

// A rejected fix (it breaks formatter/formatter.cpp) is being tested when the user edits a tracked file,
// an untracked file, a new file, and formatter/formatter.cpp, the file the fix changed. The rollback undoes
// the fix and nothing else: the first three stay as the user left them, the fourth is put back as it was
// and the user's version is kept under refs/autofix/kept/<id>; stderr, report.json and summary.md say so.
TEST(Concurrency, EditsMadeWhileAnAttemptRunsSurviveItsRollback) {
  Calculator c;
  write_file(c.repo() / "notes.txt", "draft 1\n");  // untracked, in the snapshot
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  TreeFingerprint before = source_fingerprint(c.repo());
  const std::string main_cpp = read_file(c.repo() / "app" / "main.cpp");
  const std::string formatter = read_file(c.repo() / "formatter" / "formatter.cpp");
  const std::string users_formatter = formatter + "// the user's own note, written during the attempt\n";

  runners::ProcessResult r =
      run_editing_at(c, attempt_args({"--patch", example_fix("breaks-other-module.diff")}), "test", [&] {
        write_file(c.repo() / "app" / "main.cpp", main_cpp + "// added by the user during the attempt\n");
        write_file(c.repo() / "notes.txt", "draft 2\n");
        write_file(c.repo() / "ideas" / "new idea.txt", "written during the attempt\n");
        write_file(c.repo() / "formatter" / "formatter.cpp", users_formatter);
      });
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);

  // The user's work is there.
  EXPECT_EQ(read_file(c.repo() / "app" / "main.cpp"), main_cpp + "// added by the user during the attempt\n");
  EXPECT_EQ(read_file(c.repo() / "notes.txt"), "draft 2\n");
  ASSERT_TRUE(fs::exists(c.repo() / "ideas" / "new idea.txt")) << show(r);
  EXPECT_EQ(read_file(c.repo() / "ideas" / "new idea.txt"), "written during the attempt\n");
  // The fix is undone; the user's version of the file it changed is set aside.
  EXPECT_EQ(read_file(c.repo() / "formatter" / "formatter.cpp"), formatter);
  nlohmann::json report = c.report();
  const std::string kept_ref = "refs/autofix/kept/" + report.at("attempt_id").get<std::string>();
  EXPECT_EQ(report.at("kept_ref"), kept_ref) << report.dump(2);
  EXPECT_EQ(git(c.repo(), {"show", kept_ref + ":formatter/formatter.cpp"}), users_formatter);
  // Nothing else changed.
  expect_same_except(before, source_fingerprint(c.repo()),
                     {"app/main.cpp", "notes.txt", "ideas", "ideas/new idea.txt", "formatter/formatter.cpp"});
  EXPECT_EQ(Calculator::trimmed(git(c.repo(), {"status", "--porcelain", "--untracked-files=all"})),
            " M app/main.cpp\n?? \"ideas/new idea.txt\"\n?? notes.txt");

  // Said loudly, in every place.
  nlohmann::json expected = nlohmann::json::array({
      {{"path", "app/main.cpp"}, {"change", "modified"}, {"action", "kept"}},
      {{"path", "formatter/formatter.cpp"}, {"change", "modified"}, {"action", "set_aside"}},
      {{"path", "ideas/new idea.txt"}, {"change", "added"}, {"action", "kept"}},
      {{"path", "notes.txt"}, {"change", "modified"}, {"action", "kept"}},
  });
  EXPECT_EQ(report.at("outside_changes"), expected) << report.dump(2);
  EXPECT_TRUE(contains(r.err, "warning: 3 path(s) changed during the operation by someone other than the fix were "
                              "kept as they are: 'app/main.cpp' (modified), 'ideas/new idea.txt' (added), 'notes.txt' "
                              "(modified)"))
      << show(r);
  EXPECT_TRUE(contains(r.err, "the fix was undone there and the edited version kept under " + kept_ref)) << show(r);
  std::string summary = read_file(c.reports() / "summary.md");
  EXPECT_TRUE(contains(summary, "**Changed during the attempt by someone other than the fix**")) << summary;
  EXPECT_TRUE(contains(summary, "- `ideas/new idea.txt` (added): kept as it is")) << summary;
  EXPECT_TRUE(contains(summary, "- `formatter/formatter.cpp` (modified): the fix had changed it too")) << summary;
  EXPECT_FALSE(fs::exists(c.journal()));
}

// Edits made before the fix is applied (while the baseline builds and runs) are not the fix's: an accepted
// fix is committed without them, and the checkout keeps them.
TEST(Concurrency, EditsMadeBeforeTheFixStayOutOfItsCommitAndInTheCheckout) {
  Calculator c(attempt::StoredBaseline::none);  // the edits are made while the baseline is computed
  const std::string main_cpp = read_file(c.repo() / "app" / "main.cpp");
  runners::ProcessResult r =
      run_editing_at(c, attempt_args({"--patch", example_fix("correct-fix.diff")}), "baseline", [&] {
        write_file(c.repo() / "app" / "main.cpp", main_cpp + "// edited while the baseline ran\n");
        write_file(c.repo() / "todo.txt", "new file, written while the baseline ran\n");
      });
  ASSERT_EQ(r.exit_code, 0) << show(r);
  Strings branches = refs_under(c.repo(), "refs/heads/autofix/");
  ASSERT_EQ(branches.size(), 1u) << show(r);
  EXPECT_EQ(lines_of(git(c.repo(), {"diff", "--name-only", "HEAD", branches.front()})), Strings{"mathlib/mathlib.cpp"});
  EXPECT_EQ(read_file(c.repo() / "app" / "main.cpp"), main_cpp + "// edited while the baseline ran\n");
  EXPECT_EQ(read_file(c.repo() / "todo.txt"), "new file, written while the baseline ran\n");
  nlohmann::json report = c.report();
  EXPECT_EQ(report.at("files_changed"), nlohmann::json::array({{{"path", "mathlib/mathlib.cpp"}, {"status", "modified"}}}))
      << report.dump(2);
  EXPECT_EQ(report.at("outside_changes"),
            nlohmann::json::array({{{"path", "app/main.cpp"}, {"change", "modified"}, {"action", "kept"}},
                                   {{"path", "todo.txt"}, {"change", "added"}, {"action", "kept"}}}))
      << report.dump(2);
}

// While a fixer runs, its changes and the user's cannot be told apart: a file the user writes meanwhile
// counts as part of the fix. The checkout is restored (the fix goes to its branch), and stderr says which
// paths were undone and where the user's version is kept.
TEST(Concurrency, EditsMadeWhileTheFixerRunsAreUndoneWithTheFixAndSaidWhereTheyAreKept) {
  Calculator c;
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  fs::path go = c.tmp() / "go";
  BackgroundProcess run_gate(attempt_args({"--", (data_dir() / "waiting-fixer.sh").string(), go.string()}), c.repo());
  ASSERT_TRUE(eventually([&] { return journal_phase(c) == "fix"; }, std::chrono::minutes(3)));
  write_file(c.repo() / "my notes.txt", "written while the fixer ran\n");
  write_file(go, "");
  runners::ProcessResult r = run_gate.wait();
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const std::string id = c.report().at("attempt_id");
  const std::string ref = "refs/autofix/discarded/" + id;
  EXPECT_TRUE(contains(r.err, "warning: what changed while the fixer ran counts as its fix and was undone (2 path(s): "
                              "'mathlib/mathlib.cpp', 'my notes.txt'); an edit of yours made meanwhile is kept under " +
                              ref))
      << show(r);
  EXPECT_EQ(git(c.repo(), {"show", ref + ":my notes.txt"}), "written while the fixer ran\n");
  EXPECT_FALSE(fs::exists(c.repo() / "my notes.txt"));
}

// ---- item 6: a daemon that leaves the process group ----------------------------------------------------

void end_if_alive(const std::vector<int>& pids) {
  for (int pid : pids)
    if (!pid_gone(pid)) ::kill(pid, SIGKILL);
}

// The fixer double-forks a daemon into a session of its own that writes into the tree every 0.1 s for
// 30 s, and breaks the build. Once the attempt has returned, the daemon is gone and the tree is exactly
// as before, and still is 0.5 s later (five of the daemon's writes).
TEST(Concurrency, DaemonThatLeftTheFixersProcessGroupIsEndedBeforeTheRestore) {
  Calculator c;
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  fs::path pid_file = c.tmp() / "daemon pids";
  TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult r =
      c.attempt({"--", (data_dir() / "escaping-daemon-fixer.sh").string(), pid_file.string(), "break"});
  std::vector<int> pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 1u) << show(r);
  bool gone = pid_gone(pids.front());
  EXPECT_TRUE(gone) << "the daemon outlived the attempt: " << process_state(pids.front()) << "\n" << show(r);
  EXPECT_EQ(r.exit_code, 1) << show(r);
  // The daemon among the processes named (in pid order: a child it started may have a lower pid after
  // the pids wrapped around).
  const std::string prefix = "process(es) still running outside the process groups the gate waits for (a daemon "
                             "that left its group): ";
  const std::size_t at = r.err.find(prefix);
  ASSERT_NE(at, std::string::npos) << show(r);
  const std::string named = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_TRUE(contains(named, "pid " + std::to_string(pids.front()) + " (sh -c ")) << show(r);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(r);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  TreeFingerprint later = source_fingerprint(c.repo());
  EXPECT_TRUE(later == before) << "0.5 s after the attempt:\n" << describe_difference(before, later);
  end_if_alive(pids);
}

// The gate is killed (SIGKILL) while the fixer waits and its daemon writes: the daemon, reparented away
// from the dead gate, is found by `recover` through the operation's marker and ended before the restore.
TEST(Concurrency, RecoverEndsADaemonThatLeftTheKilledGatesProcessGroups) {
  Calculator c;
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  fs::path pid_file = c.tmp() / "daemon pids";
  TreeFingerprint before = source_fingerprint(c.repo());
  {
    BackgroundProcess gate_run(
        attempt_args({"--", (data_dir() / "escaping-daemon-fixer.sh").string(), pid_file.string(), "hang"}), c.repo());
    ASSERT_TRUE(eventually([&] { return read_pids(pid_file).size() == 1 && journal_phase(c) == "fix"; },
                           std::chrono::minutes(3)));
    gate_run.signal(SIGKILL);
    runners::ProcessResult killed = gate_run.wait();
    ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  }
  std::vector<int> pids = read_pids(pid_file);
  ASSERT_FALSE(pid_gone(pids.front())) << "the daemon should outlive the killed gate";
  runners::ProcessResult rec = gate(c.repo(), {"recover", "--json"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_TRUE(eventually([&] { return pid_gone(pids.front()); }, std::chrono::seconds(10)))
      << "recover left the daemon running: " << process_state(pids.front()) << "\n" << show(rec);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(rec);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // five of the daemon's writes
  TreeFingerprint later = source_fingerprint(c.repo());
  EXPECT_TRUE(later == before) << "0.5 s after recover:\n" << describe_difference(before, later);
  end_if_alive(pids);
  // recover also ended the hanging fixer (its process group, as before).
  EXPECT_TRUE(attempt::processes_in(c.repo()).empty()) << attempt::describe_processes(attempt::processes_in(c.repo()));
}

// The static tier runs clang-tidy on the two files the fix changed, two jobs at once (-j 2), each in a
// process group of its own; the journal can name only one group. The gate is killed (SIGKILL) while both
// run: `recover` ends both (found by the operation's marker in their environment), not only the group the
// journal names, and the tree is exact (sweep finding 4; the same marker finds a child killed between its
// spawn and the journal write, and ctest's test discovery and `ninja -t deps`, which are never journaled:
// findings 3 and 5).
TEST(Concurrency, RecoverEndsEveryParallelAnalyzerJobOfTheKilledGate) {
  Calculator c;
  write_file(c.repo() / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"},
    {"name": "static", "kind": "clang-tidy", "timeout": 600}]})"
                                             "\n");
  git(c.repo(), {"add", "autofix-gate.json"});
  git(c.repo(), {"commit", "-q", "-m", "gate configuration"});
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  const fs::path pid_file = c.tmp() / "analyzer pids";
  const fs::path bin = c.tmp() / "slow analyzers";
  write_file(bin / "clang-tidy", "#!/bin/sh\necho $$ >> '" + pid_file.string() + "'\nexec sleep 120\n");
  fs::permissions(bin / "clang-tidy", fs::perms::owner_all);
  std::string patch = attempt::make_patch(
      c,
      {{"mathlib/mathlib.cpp", read_file(c.repo() / "mathlib" / "mathlib.cpp") + "// touched\n"},
       {"formatter/formatter.cpp", read_file(c.repo() / "formatter" / "formatter.cpp") + "// touched\n"}},
      "two files");
  TreeFingerprint before = source_fingerprint(c.repo());
  const char* path = std::getenv("PATH");
  std::vector<int> pids;
  {
    BackgroundProcess gate_run({"env", "PATH=" + bin.string() + ":" + (path ? path : "/usr/bin:/bin"),
                                gate_binary().string(), "attempt", "-j", "2", "--patch", patch},
                               c.repo());
    bool both = eventually([&] { return read_pids(pid_file).size() == 2; }, std::chrono::minutes(4));
    gate_run.signal(SIGKILL);
    runners::ProcessResult killed = gate_run.wait();
    pids = read_pids(pid_file);
    ASSERT_TRUE(both) << "two analyzer jobs never ran at once: " << pids.size() << "\n" << show(killed);
    ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  }
  EXPECT_EQ(journal_phase(c), "tier");
  for (int pid : pids) ASSERT_FALSE(pid_gone(pid)) << "the analyzer job " << pid << " should outlive the killed gate";
  runners::ProcessResult rec = gate(c.repo(), {"recover"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  for (int pid : pids)
    EXPECT_TRUE(pid_gone(pid) || process_state(pid).starts_with("state Z"))
        << "recover left analyzer job " << pid << " running: " << process_state(pid) << "\n" << show(rec);
  end_if_alive(pids);
  EXPECT_TRUE(contains(rec.err, "process(es) the interrupted gate started: pid ")) << show(rec);
  TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(rec);
  EXPECT_FALSE(fs::exists(c.journal()));
}

// ---- item 9: two attempts at once ---------------------------------------------------------------------

// The first attempt's fixer has applied its change and waits. A second attempt with a correct patch for
// the same lines must be refused by the lock (exit 2) before it reads the half-fixed tree (which would
// refuse its patch: exit 1), and must write no report. The first then finishes, accepted, and its reports
// are in a directory of its own that `latest` names.
TEST(Concurrency, SecondAttemptIsRefusedByTheLockBeforeReadingTheTree) {
  Calculator c;
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  auto report_dirs = [&] {
    std::set<std::string> dirs;
    for (const auto& e : fs::directory_iterator(c.build() / "autofix"))
      if (e.is_directory() && !e.is_symlink()) dirs.insert(e.path().filename().string());
    return dirs;
  };
  std::set<std::string> dirs = report_dirs();
  fs::path go = c.tmp() / "go";
  BackgroundProcess first(attempt_args({"--", (data_dir() / "waiting-fixer.sh").string(), go.string()}), c.repo());
  ASSERT_TRUE(eventually(
      [&] {
        return journal_phase(c) == "fix" && contains(read_file(c.repo() / "mathlib" / "mathlib.cpp"), "values.size())");
      },
      std::chrono::minutes(3)));
  runners::ProcessResult second = c.attempt({"--patch", example_fix("correct-fix.diff")});
  write_file(go, "");
  runners::ProcessResult r = first.wait();

  EXPECT_EQ(second.exit_code, 2) << show(second);
  EXPECT_TRUE(contains(second.err, "autofix-gate: error: another autofix-gate is working on this repository (pid "))
      << show(second);
  EXPECT_FALSE(contains(second.out, "verdict:")) << show(second);
  EXPECT_EQ(r.exit_code, 0) << show(r);
  // One new report directory, the first attempt's, named by `latest`.
  nlohmann::json report = c.report();
  dirs.insert(report.at("attempt_id").get<std::string>());
  EXPECT_EQ(report_dirs(), dirs);
  EXPECT_EQ(report.at("verdict"), "accepted") << report.dump(2);
  EXPECT_TRUE(contains(r.out, "reports: " + (c.build() / "autofix" / report.at("attempt_id").get<std::string>()).string()))
      << show(r);
}

// Each attempt writes its reports into <build>/autofix/<attempt id>/; `latest` points at the newest, and
// an earlier attempt's reports are left as they were.
TEST(Concurrency, EachAttemptWritesItsOwnReportDirectory) {
  Calculator c;
  runners::ProcessResult one = c.attempt({"--patch", example_fix("does-not-apply.diff")});
  ASSERT_EQ(one.exit_code, 1) << show(one);
  nlohmann::json first = c.report();
  runners::ProcessResult two = c.attempt({"--patch", example_fix("does-not-apply.diff")});
  ASSERT_EQ(two.exit_code, 1) << show(two);
  nlohmann::json second = c.report();

  const std::string id1 = first.at("attempt_id"), id2 = second.at("attempt_id");
  EXPECT_NE(id1, id2);
  const fs::path root = c.build() / "autofix";
  EXPECT_EQ(fs::read_symlink(root / "latest"), fs::path(id2));
  EXPECT_EQ(json_file(root / id1 / "report.json"), first);
  EXPECT_TRUE(fs::exists(root / id1 / "summary.md"));
  EXPECT_TRUE(fs::exists(root / id2 / "junit.xml"));
  EXPECT_FALSE(fs::exists(root / "report.json"));
  EXPECT_TRUE(contains(one.out, "reports: " + (root / id1).string() + "\n")) << show(one);
  EXPECT_TRUE(contains(two.out, "reports: " + (root / id2).string() + "\n")) << show(two);
}

// ---- item 14: a signal around the accept ---------------------------------------------------------------

struct SweepPoint {
  std::string trigger;  // "accept": the journal enters the accept phase; "branch": the new branch's ref exists
  int delay_us;
  int signal_number;
};

// Signals sent at many points around the accept: before the branch exists the attempt is interrupted and
// restored (128+N, no branch, no report); once it exists the fix is accepted (exit 0, the branch, a report
// that says accepted). The exit code and the report always agree with the branch.
TEST(Concurrency, SignalAroundTheAcceptNeverContradictsTheBranch) {
  Calculator c;
  ASSERT_EQ(gate(c.repo(), {"baseline", "-j", "2"}).exit_code, 0);
  TreeFingerprint before = source_fingerprint(c.repo());
  const fs::path refs = c.repo() / ".git" / "refs" / "heads" / "autofix";
  auto branch_files = [&] {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(refs, ec))
      if (e.path().extension() != ".lock") ++n;
    return n;
  };
  const std::vector<SweepPoint> sweep = {
      {"accept", 0, SIGINT},     {"accept", 1500, SIGTERM}, {"accept", 5000, SIGHUP},
      {"branch", 0, SIGINT},     {"branch", 2000, SIGTERM}, {"branch", 30000, SIGINT},
  };
  int accepted_after_signal = 0;
  for (size_t i = 0; i < sweep.size(); ++i) {
    const SweepPoint& p = sweep[i];
    const std::string when = "run " + std::to_string(i) + ": " + p.trigger + " + " + std::to_string(p.delay_us) +
                             " us, " + signal_name(p.signal_number);
    Strings branches_before = refs_under(c.repo(), "refs/heads/autofix/");
    size_t files_before = branch_files();
    fs::path reports = c.tmp() / ("reports " + std::to_string(i));
    std::function<bool()> trigger = p.trigger == "accept" ? std::function<bool()>([&] { return journal_phase(c) == "accept"; })
                                                          : std::function<bool()>([&] { return branch_files() > files_before; });
    runners::ProcessResult r = run_and_signal(
        attempt_args({"--report-dir", reports.string(), "--patch", example_fix("correct-fix.diff")}), c.repo(), trigger,
        std::chrono::microseconds(p.delay_us), p.signal_number);
    Strings branches_after = refs_under(c.repo(), "refs/heads/autofix/");
    bool branch = branches_after.size() == branches_before.size() + 1;
    std::cout << "[ sweep    ] " << when << " -> " << r.describe() << (branch ? ", branch written" : ", no branch") << "\n";
    EXPECT_EQ(r.signal, 0) << when << "\n" << show(r);
    if (branch) {
      EXPECT_EQ(r.exit_code, 0) << when << ": the branch exists\n" << show(r);
      EXPECT_TRUE(contains(r.out, "verdict: accepted")) << when << "\n" << show(r);
      ASSERT_TRUE(fs::exists(reports / "report.json")) << when << "\n" << show(r);
      nlohmann::json report = json_file(reports / "report.json");
      EXPECT_EQ(report.at("verdict"), "accepted") << when;
      Strings added;
      std::set_difference(branches_after.begin(), branches_after.end(), branches_before.begin(), branches_before.end(),
                          std::back_inserter(added));
      EXPECT_EQ(Strings{"refs/heads/" + report.at("branch").get<std::string>()}, added) << when;
      if (contains(r.err, "arrived after the outcome was committed: it stands (exit 0)")) ++accepted_after_signal;
      if (!report.at("interrupted_after_decision").is_null()) {
        EXPECT_EQ(report.at("interrupted_after_decision").at("signal"), p.signal_number) << when;
      }
    } else {
      EXPECT_EQ(branches_after.size(), branches_before.size()) << when;
      EXPECT_EQ(r.exit_code, 128 + p.signal_number) << when << ": no branch\n" << show(r);
      EXPECT_FALSE(fs::exists(reports / "report.json")) << when << ": an interrupted attempt reports nothing";
    }
    TreeFingerprint after = source_fingerprint(c.repo());
    EXPECT_TRUE(after == before) << when << "\n" << describe_difference(before, after);
    EXPECT_FALSE(fs::exists(c.journal())) << when;
  }
  // The "branch" trigger with no delay signals once the ref exists: at least that run is such a case.
  EXPECT_GE(accepted_after_signal, 1);
}

}  // namespace
}  // namespace autofix::testing
