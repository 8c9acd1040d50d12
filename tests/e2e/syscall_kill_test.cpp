// SPDX-License-Identifier: MIT
// SIGKILL of `autofix-gate attempt` on entering its n-th state-changing system call, then `autofix-gate
// recover`: the work tree (build/ aside) and .git (config, hooks, info, HEAD, the index's bytes, every ref
// outside the gate's own) are exactly what they were and no journal is left. A small slice of
// bench/kill_sweep.py (bench/README.md, "Kill sweep"), in two of its four modes, on the diagonal: a patch
// accepted and a fixer rejected, so that each way a fix arrives (a patch applied, a fixer run) and each way
// an attempt ends (accepted and committed, rejected and rolled back) is killed; the sweep runs all four.
//
// syscall_killer (ptrace) counts the calls of the gate's threads that can change a file or start a process
// (`--mutating`: writes, renames, unlinks, opens for writing, fsyncs, clones, ...; a kill between two of
// them leaves the files as a kill at the second one does) and kills the gate alone, as the OOM killer or a
// `kill -9 PID` would. That sequence is the same from run to run, give or take one mkdir of an object
// directory (the calls the gate makes while it waits for its children's output vary, a few percent of all
// calls, which is why they are not counted): each point kills at the same step of the gate every time, so
// the test is deterministic. The points: one at a seeded offset in each of kPoints equal slices of the
// count N of an uninterrupted run: 12 kill points in all, from the snapshot to the end of the rollback;
// bench/kill_sweep.py kills at every one of the N calls of each mode (about 3,400 runs, on demand).
//
// The build, tests or fixer the killed gate started go on untraced. `recover` runs at once: it must end
// every one of them before it restores, including a child started but not yet journaled, and processes
// no journal names (ctest's test discovery, parallel analyzer jobs): they all carry the operation's
// marker (docs/snapshots.md, "Processes an operation started"). Nothing may run in the repository when
// `recover` returns.
#include <gtest/gtest.h>

#include <signal.h>

#include <map>
#include <random>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::describe_processes;
using attempt::processes_in;
using attempt::source_fingerprint;

constexpr int kPoints = 6;    // per mode, of about 800 state-changing calls
constexpr int kMinKills = 6;  // kills that landed before the attempt ended: all of them

fs::path killer_binary() { return SYSCALL_KILLER_BINARY; }

// .git as a user sees it: every file but the gate's own state (autofix/, refs/autofix/, the accepted fix's
// refs/heads/autofix/) and git's object and reflog stores, by content; packed-refs without the gate's refs.
std::map<std::string, std::string> git_state(const fs::path& repo) {
  const fs::path dir = repo / ".git";
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    if (rel == "autofix" || rel == "objects" || rel == "logs" || rel == "refs/autofix" || rel == "refs/heads/autofix") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory()) out[rel] = "dir";
    else out[rel] = read_file(it->path());
  }
  if (out.contains("packed-refs")) {
    std::string kept;
    for (const std::string& line : attempt::lines_of(out["packed-refs"]))
      if (line.find(" refs/autofix/") == std::string::npos && line.find(" refs/heads/autofix/") == std::string::npos)
        kept += line + "\n";
    out["packed-refs"] = kept;
  }
  return out;
}

std::string git_difference(const std::map<std::string, std::string>& before,
                           const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [path, content] : before)
    if (!after.contains(path)) out += "  missing: .git/" + path + "\n";
    else if (after.at(path) != content) out += "  differs: .git/" + path + "\n";
  for (const auto& [path, content] : after)
    if (!before.contains(path)) out += "  extra:   .git/" + path + "\n";
  return out;
}

struct Mode {
  std::string name;
  std::vector<std::string> args;  // after `attempt -j 2`
  int exit_code;                  // of an uninterrupted attempt
};

// The fixer of "fixer rejected": repairs mean() and breaks format_number() (like breaks-other-module.diff).
constexpr const char* kBreakingFixer =
    "#!/bin/sh\nset -e\n"
    "sed -i 's/values.size() - 1)/values.size())/' mathlib/mathlib.cpp\n"
    "sed -i 's/%.2f/%.3f/' formatter/formatter.cpp\n";

std::vector<Mode> modes(const fs::path& scripts) {
  return {
      {"patch accepted", {"--patch", attempt::example_fix("correct-fix.diff")}, 0},
      {"fixer rejected", {"--", "sh", (scripts / "breaking-fix.sh").string()}, 1},
  };
}

// What syscall_killer reported: the count, and where it killed.
struct Kill {
  long counted = 0;
  bool killed = false;
  std::string syscall;  // "openat(<path>)"
  runners::ProcessResult result;
};

class SyscallKill : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    write_file(c_.tmp() / "breaking-fix.sh", kBreakingFixer);
    mode_ = modes(c_.tmp()).at(static_cast<size_t>(GetParam()));
    // The user's state around the attempt: refs loose and packed, a tag, a hook, an untracked file.
    git(c_.repo(), {"tag", "v1"});
    git(c_.repo(), {"branch", "feature"});
    git(c_.repo(), {"pack-refs", "--all"});
    git(c_.repo(), {"branch", "topic"});
    write_file(c_.repo() / ".git" / "hooks" / "pre-commit", "#!/bin/sh\nexit 0\n");
    write_file(c_.repo() / "scratch.txt", "the user's untracked file\n");
  }

  Kill attempt(long kill_at) {
    const fs::path report = c_.tmp() / "killer report.json";
    fs::remove(report);
    std::vector<std::string> argv{killer_binary().string(), "--mutating", "--report", report.string()};
    if (kill_at > 0) argv.insert(argv.end(), {"--kill-at", std::to_string(kill_at)});
    argv.insert(argv.end(), {"--", gate_binary().string(), "attempt", "-j", "2"});
    argv.insert(argv.end(), mode_.args.begin(), mode_.args.end());
    Kill k;
    k.result = run(argv, c_.repo(), {}, std::chrono::minutes(5));
    nlohmann::json j = nlohmann::json::parse(read_file(report), nullptr, false);
    if (j.is_discarded()) throw std::runtime_error("syscall_killer wrote no report\n" + show(k.result));
    k.counted = j.at("counted").get<long>();
    k.killed = j.at("killed").get<bool>();
    if (k.killed) {
      std::string path = j.at("kill").at("path").get<std::string>();
      attempt::detail::replace_all(path, c_.repo().string(), "<repo>");
      k.syscall = j.at("kill").at("name").get<std::string>() + "(" + path + ")";
    }
    return k;
  }

  // Kills the attempt at `n` (0: not at all), recovers, checks. Returns the syscall it hit, or "".
  std::string kill_and_recover(long n) {
    TreeFingerprint before = source_fingerprint(c_.repo());
    std::map<std::string, std::string> git_before = git_state(c_.repo());
    Kill k = attempt(n);
    std::string where = mode_.name + ", kill at system call " + std::to_string(n) + " " +
                        (k.killed ? k.syscall : "(the attempt ended first)");
    if (!k.killed) {
      EXPECT_EQ(k.result.exit_code, mode_.exit_code) << where << "\n" << show(k.result);
    }
    runners::ProcessResult rec = gate(c_.repo(), {"recover", "--json"});
    EXPECT_EQ(rec.exit_code, 0) << where << ": recover failed\n" << show(rec);
    EXPECT_TRUE(processes_in(c_.repo()).empty()) << where << ": running in the repository after recover:"
                                                 << describe_processes(processes_in(c_.repo()));
    for (int pid : processes_in(c_.repo())) ::kill(pid, SIGKILL);
    // After a kill while building, recover asks for a clean rebuild next time (build_freshness_test.cpp
    // checks that). Here it would only make the next run slower and different: every run starts alike.
    fs::remove(c_.repo() / ".git" / "autofix" / "build-interrupted");
    TreeFingerprint after = source_fingerprint(c_.repo());
    EXPECT_TRUE(after == before) << where << ": the recovered tree differs\n"
                                 << describe_difference(before, after) << "recover:\n" << show(rec);
    std::string git_diff = git_difference(git_before, git_state(c_.repo()));
    EXPECT_EQ(git_diff, "") << where << ": .git differs after recover\nrecover:\n" << show(rec);
    EXPECT_FALSE(fs::exists(c_.journal())) << where << ": the journal remains after recover\n" << show(rec);
    if (std::getenv("AUTOFIX_E2E_VERBOSE"))
      std::cout << where << ": " << k.result.duration.count() << " ms, recover " << rec.duration.count() << " ms\n";
    if (!git_diff.empty() || !(after == before)) throw std::runtime_error(where + ": the repository is damaged");
    return k.killed ? k.syscall : "";
  }

  Calculator c_;
  Mode mode_;
};

TEST_P(SyscallKill, RecoverAfterSigkillAtSampledSystemCallsRestoresTreeAndGitDir) {
  // The baseline, stored once: every run of this tree reuses it. Then two uninterrupted attempts: each ends
  // as expected and leaves everything exact. The first writes state the later ones find (its count would
  // be higher: it runs untraced); the second's count, the one every later run repeats, spreads the kill
  // points.
  runners::ProcessResult baseline = gate(c_.repo(), {"baseline", "-j", "2"});
  ASSERT_EQ(baseline.exit_code, 0) << show(baseline);
  TreeFingerprint before = source_fingerprint(c_.repo());
  runners::ProcessResult first = c_.attempt(mode_.args);
  ASSERT_EQ(first.exit_code, mode_.exit_code) << show(first);
  TreeFingerprint after = source_fingerprint(c_.repo());
  ASSERT_TRUE(after == before) << describe_difference(before, after);
  Kill whole = attempt(0);
  ASSERT_EQ(whole.result.exit_code, mode_.exit_code) << show(whole.result);
  after = source_fingerprint(c_.repo());
  ASSERT_TRUE(after == before) << describe_difference(before, after);
  std::cout << "[ counted  ] " << mode_.name << ": " << whole.counted << " state-changing system calls of the gate\n";
  const long n = whole.counted - 1;  // one fewer in a run that finds an object directory already there
  ASSERT_GT(n, kPoints) << show(whole.result);

  std::mt19937 rng(20261207u + static_cast<unsigned>(GetParam()));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int kills = 0;
  std::string hit;
  for (int i = 0; i < kPoints; ++i) {
    long point = 1 + static_cast<long>((i + unit(rng)) * static_cast<double>(n - 1) / kPoints);
    std::string syscall;
    try {
      syscall = kill_and_recover(point);
    } catch (const std::runtime_error& e) {
      FAIL() << e.what();  // one damaged repository would fail every later point: stop here
    }
    if (!syscall.empty()) {
      ++kills;
      hit += " " + std::to_string(point) + ":" + syscall.substr(0, syscall.find('('));
    }
  }
  std::cout << "[ killed   ] " << kills << " of " << kPoints << " points:" << hit << "\n";
  EXPECT_GE(kills, kMinKills) << hit;
}

std::string mode_name(const ::testing::TestParamInfo<int>& param) {
  static const char* const kNames[] = {"PatchAccepted", "FixerRejected"};
  return kNames[param.param];
}

INSTANTIATE_TEST_SUITE_P(Modes, SyscallKill, ::testing::Range(0, 2), mode_name);

}  // namespace
}  // namespace autofix::testing
