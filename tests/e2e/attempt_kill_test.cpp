// SPDX-License-Identifier: MIT
// kill -9 of `autofix-gate attempt` (the correct fix, on a copy of examples/calculator) at seeded random
// moments across the whole attempt, then `autofix-gate recover`: it exits 0, the tree is exactly what
// it was before the attempt (build/ aside), no journal remains, nothing the gate started still runs in
// the repository, and the next attempt succeeds.
//
// One uninterrupted attempt is measured first, watching the journal to learn when each phase began.
// The kill moments are one at a seeded random moment within each phase it went through, counted from
// the moment the journal shows that phase (the machine is shared: a later run may be faster or slower
// than the measured one, so absolute times alone would miss the short phases). The journal's phase is
// read just before each kill, so the test knows (and checks) which phases the kills hit. Kills that came
// too late (the attempt had ended) do not count; more moments are drawn anywhere in the run until there
// are kMinKills. A kill aimed at the baseline or anywhere runs on a new tree (a new untracked file),
// which has a baseline of its own to compute, like the measured run; a kill aimed at another phase runs
// on the measured run's tree, whose baseline is stored (the phases before it are the same, those after
// it come sooner).
//
// A timed sample on the real binary, one kill per phase: the exhaustive counterpart, a kill at every
// state-changing system call of an attempt in four modes (about 3,400 runs), is bench/kill_sweep.py (on
// demand); syscall_kill_test.cpp runs a deterministic slice of it.
//
// Formerly a product bug (KillWhileApplyingLeavesNoIndexLockAfterRecover below): a kill that lands in
// phase 'apply' while libgit2 holds .git/index.lock leaves that lock after recover; the kills above report it
// when it happens.
#include <gtest/gtest.h>

#include <signal.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::describe_processes;
using attempt::processes_in;
using attempt::source_fingerprint;
using std::chrono::microseconds;

constexpr int kMinKills = 8;      // kills that landed (the gate died of SIGKILL)
constexpr int kMaxExtraPoints = 8;  // drawn when too many kills came after the end
// Distinct journal phases hit, of the ten an accepted attempt goes through (started, snapshot, baseline,
// apply, build, test, rerun, tier, accept, rollback): a short one may be over before its kill lands.
constexpr int kMinPhases = 7;
constexpr const char* kNoJournal = "no journal";
constexpr const char* kFinished = "finished first";

std::string journal_phase(const fs::path& journal) {
  std::string text;
  try {
    text = read_file(journal);
  } catch (const std::exception&) {
    return kNoJournal;
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("phase")) return "unreadable journal";
  return j.at("phase").get<std::string>();
}

long elapsed_us(std::chrono::steady_clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<microseconds>(std::chrono::steady_clock::now() - since).count());
}

struct GateRun {
  runners::ProcessResult result;
  std::string phase = kFinished;                      // the journal's phase just before the kill
  std::vector<std::pair<std::string, long>> timeline;  // watched runs: (phase, microseconds since start)
  bool killed() const { return result.signal == SIGKILL; }
};

// When to kill: `delay` after the gate started or, with `after_phase`, after the journal first shows it.
struct KillPoint {
  long delay_us = 0;
  std::optional<std::string> after_phase;
  std::string describe() const {
    return std::to_string(delay_us / 1000) + " ms after " + (after_phase ? "phase '" + *after_phase + "' began" : "the start");
  }
};

// `autofix-gate attempt --patch correct-fix.diff`, started through runners::run_process. With `kill`,
// a thread SIGKILLs the gate (its pid is its process group) at that point, reading the journal's phase
// just before; without, the thread records when each journal phase began.
GateRun attempt_with(const Calculator& c, std::optional<KillPoint> kill) {
  std::mutex mutex;
  std::condition_variable cv;
  bool finished = false;
  GateRun run;
  std::thread helper;
  runners::ProcessSpec spec;
  spec.argv = {gate_binary().string(), "attempt", "-j", "2", "--patch", attempt::example_fix("correct-fix.diff")};
  spec.working_directory = c.repo();
  spec.environment = git_environment();
  spec.timeout = std::chrono::minutes(5);
  spec.stop_on_interrupt = false;
  spec.on_started = [&](int process_group) {
    auto start = std::chrono::steady_clock::now();
    helper = std::thread([&, process_group, start] {
      std::unique_lock lock(mutex);
      if (kill) {
        if (kill->after_phase)
          while (journal_phase(c.journal()) != *kill->after_phase)  // some phases last a few ms only
            if (cv.wait_for(lock, microseconds(200), [&] { return finished; })) return;
        if (cv.wait_for(lock, microseconds(kill->delay_us), [&] { return finished; })) return;
        run.phase = journal_phase(c.journal());
        ::kill(process_group, SIGKILL);
        return;
      }
      std::string last;
      while (!cv.wait_for(lock, std::chrono::milliseconds(2), [&] { return finished; })) {
        std::string phase = journal_phase(c.journal());
        if (phase != last) run.timeline.emplace_back(phase, elapsed_us(start));
        last = phase;
      }
      run.timeline.emplace_back("end", elapsed_us(start));
    });
  };
  auto stop_helper = [&] {
    {
      std::lock_guard lock(mutex);
      finished = true;
    }
    cv.notify_all();
    if (helper.joinable()) helper.join();
  };
  try {
    run.result = runners::run_process(spec);
  } catch (...) {
    stop_helper();
    throw;
  }
  stop_helper();
  if (!run.killed()) run.phase = kFinished;
  return run;
}

std::string summary(const std::map<std::string, int>& phases) {
  std::string s;
  for (const auto& [phase, n] : phases) s += " [" + phase + "]=" + std::to_string(n);
  return s;
}

class AttemptKillAnywhere : public ::testing::Test {
 protected:
  // A new tree: an untracked file the fix does not touch, with new content. Tree 0 is the measured run's.
  void new_tree() { use_tree(runs_++); }
  void use_tree(int n) { write_file(c_.repo() / "scratch.txt", "run " + std::to_string(n) + "\n"); }

  // Kills an attempt at `point`, recovers, checks. Returns the journal phase the kill hit.
  std::string kill_and_recover(const KillPoint& point) {
    if (!point.after_phase || *point.after_phase == "baseline") new_tree();
    else use_tree(0);
    TreeFingerprint before = source_fingerprint(c_.repo());
    GateRun k = attempt_with(c_, point);
    std::string where = "kill " + point.describe() + ", journal phase '" + k.phase + "'";
    if (!k.killed()) {
      EXPECT_EQ(k.result.exit_code, 0) << where << ": the attempt ended first but failed\n" << show(k.result);
    }

    runners::ProcessResult rec = gate(c_.repo(), {"recover", "--json"});
    EXPECT_EQ(rec.exit_code, 0) << where << ": recover failed\n" << show(rec) << "attempt:\n" << show(k.result);
    TreeFingerprint after = source_fingerprint(c_.repo());
    EXPECT_TRUE(after == before) << where << ": the recovered tree differs\n"
                                 << describe_difference(before, after) << "recover:\n" << show(rec);
    EXPECT_FALSE(fs::exists(c_.journal())) << where << ": the journal remains after recover\n" << show(rec);
    // A lock left by the killed gate would make every later command (and git itself) refuse to work.
    const fs::path index_lock = c_.repo() / ".git" / "index.lock";
    if (fs::exists(index_lock)) {
      ADD_FAILURE() << where << ": .git/index.lock remains after recover, so the repository refuses every "
                    << "further attempt (exit 2)\nrecover:\n" << show(rec);
      fs::remove(index_lock);  // so that one failure does not fail every later point
    }
    // Whatever the killed gate had started (build, ctest) was ended by recover.
    bool quiet = eventually([&] { return processes_in(c_.repo()).empty(); }, std::chrono::seconds(10));
    EXPECT_TRUE(quiet) << where << ": processes still running in the repository after recover:"
                       << describe_processes(processes_in(c_.repo())) << "\nrecover:\n" << show(rec);
    if (!quiet)
      for (int pid : processes_in(c_.repo())) ::kill(pid, SIGKILL);
    // After a kill while building, recover asks for a clean rebuild next time (build_freshness_test.cpp
    // checks that). Here it would only make the next run slower and different: every run starts alike.
    fs::remove(c_.repo() / ".git" / "autofix" / "build-interrupted");
    if (std::getenv("AUTOFIX_E2E_VERBOSE"))
      std::cout << where << ": attempt " << k.result.describe() << " after " << k.result.duration.count()
                << " ms; recover " << rec.duration.count() << " ms: " << rec.out;
    return k.phase;
  }

  Calculator c_;
  int runs_ = 0;
};

TEST_F(AttemptKillAnywhere, RecoverAfterSigkillInEveryPhaseRestoresTheTree) {
  // Measure one uninterrupted attempt. mathlib.cpp is touched first: after every later run's
  // rollback or recover it is rewritten, so every later baseline recompiles it too.
  fs::last_write_time(c_.repo() / "mathlib/mathlib.cpp", fs::file_time_type::clock::now());
  new_tree();
  TreeFingerprint before = source_fingerprint(c_.repo());
  GateRun measured = attempt_with(c_, std::nullopt);
  ASSERT_EQ(measured.result.exit_code, 0) << show(measured.result);
  TreeFingerprint after = source_fingerprint(c_.repo());
  ASSERT_TRUE(after == before) << describe_difference(before, after);
  const long total_us = measured.timeline.back().second;
  std::string timeline;
  for (const auto& [phase, at] : measured.timeline) timeline += " " + phase + "@" + std::to_string(at / 1000);
  std::cout << "[ measured ] uninterrupted attempt: " << total_us / 1000 << " ms; phases (ms):" << timeline << "\n";

  // The kill moments: one inside each phase the journal showed.
  std::mt19937 rng(20261122u);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<KillPoint> points;
  for (size_t i = 0; i + 1 < measured.timeline.size(); ++i) {
    const auto& [phase, from] = measured.timeline[i];
    long to = measured.timeline[i + 1].second;
    if (phase == kNoJournal || to <= from) continue;
    // Within its first half: a short phase (a few ms) may be over sooner in this run than in the measured one.
    points.push_back({static_cast<long>(unit(rng) * 0.5 * static_cast<double>(to - from)), phase});
  }

  std::map<std::string, int> hits;
  int kills = 0;
  auto kill_at = [&](const KillPoint& point) {
    std::string phase = kill_and_recover(point);
    ++hits[phase];
    if (phase != kFinished) ++kills;
  };
  for (const KillPoint& point : points) kill_at(point);
  // A phase of a few ms can be over before the kill lands on a loaded machine (the kill then hits the next
  // phase): aim once more at each phase missed, right where it begins.
  std::vector<KillPoint> missed;
  for (const KillPoint& point : points)
    if (point.after_phase && !hits.count(*point.after_phase)) missed.push_back({0, point.after_phase});
  for (const KillPoint& point : missed) {
    points.push_back(point);
    kill_at(point);
  }
  for (int extra = 0; kills < kMinKills && extra < kMaxExtraPoints; ++extra) {
    KillPoint point{static_cast<long>(unit(rng) * 0.8 * static_cast<double>(total_us)), {}};
    points.push_back(point);
    kill_at(point);
  }
  std::cout << "[ phases   ] " << kills << " kills in " << points.size() << " runs:" << summary(hits) << "\n";

  int phases = 0;
  for (const auto& [phase, n] : hits)
    if (phase != kFinished && phase != kNoJournal) ++phases;
  EXPECT_GE(kills, kMinKills) << summary(hits);
  EXPECT_GE(phases, kMinPhases) << "the kills hit too few phases:" << summary(hits);

  // And the repository is fully usable again: the next attempt is accepted and leaves the checkout as is.
  new_tree();
  before = source_fingerprint(c_.repo());
  runners::ProcessResult next = c_.attempt({"--patch", attempt::example_fix("correct-fix.diff")});
  EXPECT_EQ(next.exit_code, 0) << show(next);
  after = source_fingerprint(c_.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(c_.report().at("verdict"), std::string("accepted"));
}

// Regression (fixed): a SIGKILL while the gate applies a patch leaves .git/index.lock behind (libgit2's git_apply
// takes it to rewrite the index, see gate/git/patch.h), and `autofix-gate recover` exits 0 without
// removing it: every later `autofix-gate attempt` then refuses with exit 2 ("another git process is
// writing the index"), and so does git itself (`git add`: "Unable to create '.git/index.lock'").
// The kills above hit it when one lands in phase 'apply' while libgit2 holds the lock (their check
// reports it, then removes the lock to go on); here a patch that adds many files makes the apply long
// enough to kill the gate while it holds the lock, every time.
// Expected: after recover no index.lock, the next attempt exits 0. Actual: the lock stays, exit 2.
TEST(AttemptKill, KillWhileApplyingLeavesNoIndexLockAfterRecover) {
  Calculator c;
  const fs::path repo = c.repo();
  const fs::path index_lock = repo / ".git" / "index.lock";
  // The patch: 3000 new files and the fix, as `git diff` writes it.
  for (int i = 0; i < 3000; ++i) write_file(repo / "notes" / ("note " + std::to_string(i) + ".txt"), "note " + std::to_string(i) + "\n");
  git(repo, {"add", "-A"});
  git(repo, {"apply", "--cached", attempt::example_fix("correct-fix.diff")});
  write_file(c.tmp() / "many files.diff", git(repo, {"diff", "--cached", "--binary"}));
  git(repo, {"reset", "-q"});
  fs::remove_all(repo / "notes");
  runners::ProcessResult b = gate(repo, {"baseline", "-j", "2"});
  ASSERT_EQ(b.exit_code, 0) << show(b);
  TreeFingerprint before = source_fingerprint(repo);

  bool hit = false;
  {
    BackgroundProcess run({gate_binary().string(), "attempt", "-j", "2", "--patch", (c.tmp() / "many files.diff").string()},
                          repo);
    int group = run.process_group();
    ASSERT_GT(group, 0);
    hit = eventually(
        [&] {
          if (!fs::exists(index_lock) || journal_phase(c.journal()) != "apply") return false;
          ::kill(group, SIGKILL);
          return true;
        },
        std::chrono::seconds(120));
    runners::ProcessResult killed = run.wait();
    ASSERT_TRUE(hit) << "never saw the gate holding .git/index.lock while applying\n" << show(killed);
    ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  }
  runners::ProcessResult rec = gate(repo, {"recover", "--json"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  TreeFingerprint after = source_fingerprint(repo);
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(index_lock)) << "recover left .git/index.lock behind\n" << show(rec);
  runners::ProcessResult next = c.attempt({"--patch", attempt::example_fix("correct-fix.diff")});
  EXPECT_EQ(next.exit_code, 0) << show(next);
}

}  // namespace
}  // namespace autofix::testing
