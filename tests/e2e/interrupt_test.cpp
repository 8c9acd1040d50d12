// SPDX-License-Identifier: MIT
// SIGTERM and SIGINT in the middle of a protected operation: the gate rolls back on its own, exits
// 143 / 130, and leaves no journal behind.
#include <gtest/gtest.h>

#include <signal.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

struct Case {
  int signal_number;
  int exit_code;
  const char* name;
};

class Interrupt : public ::testing::TestWithParam<Case> {};

TEST_P(Interrupt, RollsBackAndExitsWith128PlusSignal) {
  TempDir tmp;
  fs::path repo = tmp / "repo";
  init_repo(repo);
  for (int i = 0; i < 50; ++i) write_file(repo / "src" / ("f " + std::to_string(i) + ".txt"), "content\n");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "files"});
  write_file(repo / "untracked.txt", "untracked\n");
  write_file(repo / "src/f 1.txt", "unstaged\n");
  TreeFingerprint original = exact_fingerprint(repo);

  // 50 ms between mutations: 600 ms in, it is in the middle of them.
  runners::ProcessResult r = run_and_signal(mutator_argv(repo, 5, 200, 50), repo, std::chrono::milliseconds(600),
                                            GetParam().signal_number);
  EXPECT_EQ(r.signal, 0) << show(r);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << show(r);
  EXPECT_TRUE(has_step(r.out, "mutation 3")) << "the signal should land mid-mutation\n" << show(r);
  EXPECT_FALSE(has_step(r.out, "rollback")) << show(r);
  EXPECT_TRUE(has_step(r.out, "interrupted")) << show(r);
  EXPECT_NE(r.err.find("rolled back to snapshot"), std::string::npos) << show(r);

  TreeFingerprint after = exact_fingerprint(repo);
  EXPECT_TRUE(after == original) << describe_difference(original, after);
  nlohmann::json status = status_json(repo);
  EXPECT_TRUE(status.at("unfinished_operation").is_null()) << status.dump(2);
  EXPECT_TRUE(status.at("lock").is_null()) << status.dump(2);
  EXPECT_FALSE(fs::exists(repo / ".git" / "autofix" / "journal.json"));
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt,
                         ::testing::Values(Case{SIGTERM, 143, "SIGTERM"}, Case{SIGINT, 130, "SIGINT"}),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace autofix::testing
