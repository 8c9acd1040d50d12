// SPDX-License-Identifier: MIT
// kill -9 at any moment of a protected operation, then `autofix-gate recover`: the tree must be exactly
// what it was before the operation, whatever phase the kill hit (start, snapshot, mutations, rollback,
// after the end). gate_mutator runs the operation; one uninterrupted run measures its timeline.
// Timed samples: points spread over the whole run, and points aimed at the rollback (the longest phase,
// and the one recover must finish). A kill at every state-changing system call of an attempt is
// bench/kill_sweep.py's job (on demand, about 3,400 runs; syscall_kill_test.cpp runs a slice).
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <random>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

constexpr int kMutations = 300;
constexpr int kUniformPoints = 10;  // spread over the whole run
constexpr int kRollbackPoints = 8;  // aimed at the rollback window
constexpr int kMinRollbackHits = 4;

// A few thousand files, so that the snapshot and the rollback take measurable time: committed,
// executable, linked, staged, modified, untracked and ignored.
void build_repo(const fs::path& repo) {
  init_repo(repo);
  std::mt19937 rng(7);
  write_file(repo / ".gitignore", "*.log\n/build/\n");
  for (int d = 0; d < 30; ++d) {
    for (int f = 0; f < 100; ++f) {
      fs::path p = repo / ("dir " + std::to_string(d)) / ("file " + std::to_string(f) + ".txt");
      write_file(p, std::string(100 + rng() % 1500, static_cast<char>('a' + (d + f) % 26)) + "\n");
      if ((d * 100 + f) % 17 == 0) set_executable(p, true);
    }
  }
  for (int l = 0; l < 20; ++l)
    make_symlink("../dir " + std::to_string(l) + "/file 1.txt", repo / "links" / ("link " + std::to_string(l)));
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "many files"});
  for (int i = 0; i < 20; ++i) write_file(repo / ("dir " + std::to_string(i)) / "file 3.txt", "staged change\n");
  git(repo, {"add", "-A"});
  for (int i = 0; i < 20; ++i) write_file(repo / ("dir " + std::to_string(i)) / "file 4.txt", "unstaged change\n");
  for (int i = 0; i < 100; ++i) write_file(repo / "untracked" / ("u " + std::to_string(i) + ".txt"), "untracked\n");
  for (int i = 0; i < 50; ++i) write_file(repo / "build" / ("obj " + std::to_string(i) + ".o"), "ignored object\n");
  write_file(repo / "build.log", "ignored log\n");
}

struct Timeline {
  long total_ms = 0;
  long rollback_ms = 0;  // when "rollback" was printed
  long done_ms = 0;
};

class KillRig {
 public:
  KillRig() { reset(); }

  // A fresh copy of the repository (after a failure, so that one bug does not fail every later point).
  void reset() {
    auto start = std::chrono::steady_clock::now();
    repo_ = tmp_ / ("repo " + std::to_string(generation_++));
    build_repo(repo_);
    original_ = exact_fingerprint(repo_);
    if (std::getenv("AUTOFIX_E2E_VERBOSE"))
      std::cout << "  repository built in " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - start).count() << " ms\n";
  }

  // One uninterrupted run: it must succeed and roll back exactly; returns its timeline.
  Timeline measure() {
    runners::ProcessResult r =
        run_and_signal(mutator_argv(repo_, 1, kMutations, 0, false, true), repo_, std::chrono::minutes(2), 0);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    TreeFingerprint after = exact_fingerprint(repo_);
    EXPECT_TRUE(after == original_) << "an uninterrupted rollback must restore the tree\n"
                                    << describe_difference(original_, after);
    Timeline t{static_cast<long>(r.duration.count()), step_time_ms(r.out, "rollback"), step_time_ms(r.out, "done")};
    std::cout << "[ measured ] gate_mutator with " << kMutations << " mutations: " << t.total_ms
              << " ms in all, rollback from " << t.rollback_ms << " to " << t.done_ms << " ms\n";
    return t;
  }

  // Kills gate_mutator `delay_us` after its start (or, with `in_rollback`, after its journal entered the
  // rollback phase), recovers, and checks the tree. Returns the phase the kill hit.
  std::string kill_and_recover(unsigned seed, long delay_us, bool in_rollback = false) {
    auto start = std::chrono::steady_clock::now();
    const fs::path repo = repo_;
    std::function<bool()> trigger = [] { return true; };
    if (in_rollback) trigger = [repo] { return journal_in_phase(repo, "rollback"); };
    runners::ProcessResult r = run_and_signal(mutator_argv(repo_, seed, kMutations, 0, false, true), repo_, trigger,
                                              std::chrono::microseconds(delay_us), SIGKILL);
    std::string phase;
    if (r.signal != SIGKILL) phase = "finished";
    else if (has_step(r.out, "rollback")) phase = "rollback";
    else if (has_step(r.out, "mutation 0")) phase = "mutate";
    else if (has_step(r.out, "snapshot")) phase = "snapshot taken";
    else phase = "start or snapshot";
    std::string where = "seed " + std::to_string(seed) + ", kill " + std::to_string(delay_us) + " us after " +
                        (in_rollback ? "the rollback began" : "the start") + " (" + phase + ")";
    if (phase == "finished") {
      EXPECT_EQ(r.exit_code, 0) << where << "\n" << show(r);
    }

    runners::ProcessResult rec = gate(repo_, {"recover", "--json"});
    bool ok = rec.exit_code == 0;
    EXPECT_EQ(rec.exit_code, 0) << where << ": recover failed\n" << show(rec) << "mutator:\n" << show(r);
    TreeFingerprint after = exact_fingerprint(repo_);
    if (!(after == original_)) {
      ok = false;
      ADD_FAILURE() << where << ": the recovered tree differs\n"
                    << describe_difference(original_, after).substr(0, 4000) << "recover:\n" << show(rec);
    }
    if (ok) {
      nlohmann::json status = status_json(repo_);
      EXPECT_TRUE(status.at("unfinished_operation").is_null()) << where << status.dump(2);
      EXPECT_TRUE(status.at("lock").is_null()) << where << status.dump(2);
      // During "mutate" the journal is always there. During "rollback" the mutator may already have
      // cleared it (it clears the journal, then prints "done"): then there is nothing to recover,
      // and the fingerprint check above is what matters.
      if (phase == "mutate") {
        nlohmann::json j = json_of(rec);
        EXPECT_TRUE(j.at("recovered").get<bool>()) << where << j.dump(2);
        EXPECT_EQ(j.value("operation", ""), "mutate") << where << j.dump(2);
      }
    } else {
      reset();
    }
    if (std::getenv("AUTOFIX_E2E_VERBOSE"))
      std::cout << where << ": mutator ran " << r.duration.count() << " ms, recover " << rec.duration.count()
                << " ms, point " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - start).count() << " ms\n";
    return phase;
  }

 private:
  TempDir tmp_;
  int generation_ = 0;
  fs::path repo_;
  TreeFingerprint original_;
};

std::string summary(const std::map<std::string, int>& phases) {
  std::string s;
  for (const auto& [phase, n] : phases) s += " " + phase + "=" + std::to_string(n);
  return s;
}

// One repository and one measured run for both samples: kills anywhere in the run, then kills aimed at
// the rollback (from the moment the journal says "rollback", over 75 % of the measured rollback's length:
// rollbacks of other seeds are a little shorter or longer), where recover must finish a half-done one.
TEST(KillAnywhere, RecoverRestoresTheTreeAndFinishesAHalfDoneRollback) {
  KillRig rig;
  Timeline t = rig.measure();
  ASSERT_GT(t.rollback_ms, 0);
  ASSERT_GE(t.done_ms, t.rollback_ms);

  std::mt19937 rng(4711);
  std::map<std::string, int> anywhere;
  long span_us = t.total_ms * 900;  // later runs tend to be a little faster than the measured one
  for (int i = 0; i < kUniformPoints; ++i) {
    long delay_us = static_cast<long>(rng() % static_cast<unsigned long>(span_us + 1));
    ++anywhere[rig.kill_and_recover(static_cast<unsigned>(i), delay_us)];
  }
  std::cout << "[ phases   ] anywhere:" << summary(anywhere) << "\n";

  std::mt19937 aimed_rng(815);
  std::map<std::string, int> aimed;
  long width_us = std::max(1L, (t.done_ms - t.rollback_ms) * 750);
  for (int i = 0; i < kRollbackPoints; ++i) {
    long delay_us = static_cast<long>(aimed_rng() % static_cast<unsigned long>(width_us));
    ++aimed[rig.kill_and_recover(9000 + static_cast<unsigned>(i), delay_us, true)];
  }
  std::cout << "[ phases   ] aimed at the rollback:" << summary(aimed) << "\n";
  EXPECT_GE(aimed["rollback"], kMinRollbackHits) << "too few kills landed inside the rollback:" << summary(aimed);
}

// A fixer's process group outlives the killed gate: recover must end it before restoring.
TEST(KillWithChild, RecoverEndsTheLeftoverProcessGroup) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  write_file(repo / "a.txt", "a\n");
  TreeFingerprint original = exact_fingerprint(repo);
  runners::ProcessResult r = run_and_signal(mutator_argv(repo, 3, 500, 20, true), repo,
                                            std::chrono::milliseconds(400), SIGKILL);
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  ASSERT_TRUE(has_step(r.out, "child")) << show(r);
  int child = std::stoi(r.out.substr(r.out.find("child ") + 6));
  ASSERT_EQ(::kill(-child, 0), 0) << "the child's group should outlive the killed gate";

  runners::ProcessResult rec = gate(repo, {"recover", "--json"});
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  nlohmann::json j = json_of(rec);
  EXPECT_TRUE(j.at("recovered").get<bool>()) << j.dump(2);
  EXPECT_TRUE(j.at("ended_processes").get<bool>()) << j.dump(2);
  EXPECT_NE(rec.err.find("ending process group " + std::to_string(child)), std::string::npos) << show(rec);
  bool ended = eventually([&] { return ::kill(-child, 0) != 0; }, std::chrono::seconds(2));
  EXPECT_TRUE(ended) << "process group " << child << " is still alive";
  if (!ended) ::kill(-child, SIGKILL);  // our own `sleep 600`, which recover failed to end
  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == original) << describe_difference(original, after);
}

TEST(Recover, NothingToRecover) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  TreeFingerprint original = exact_fingerprint(repo);
  runners::ProcessResult r = gate(repo, {"recover"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_NE(r.out.find("nothing to recover"), std::string::npos) << show(r);
  runners::ProcessResult j = gate(repo, {"recover", "--json"});
  ASSERT_EQ(j.exit_code, 0) << show(j);
  EXPECT_FALSE(json_of(j).at("recovered").get<bool>());
  EXPECT_TRUE(exact_fingerprint(repo) == original);
}

}  // namespace
}  // namespace autofix::testing
