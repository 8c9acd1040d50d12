// SPDX-License-Identifier: MIT
// `verify` of commits that change what kind of entry a path is: a file that becomes a directory (and
// back), and a symbolic link that points elsewhere. The gate puts the base's tree in place for the
// baseline and the commit's tree back for the judgment; both must be exact, whatever the order of the
// changed paths, and the work tree must be as it was afterwards.
#include <gtest/gtest.h>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::source_fingerprint;

// One test that reads `conf/value` (a file below a directory) and one that reads through the link `current`.
constexpr const char* kProject =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(shapes LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME conf_value_is_ok COMMAND sh -c \"test -f conf/value && grep -qx ok conf/value\"\n"
    "         WORKING_DIRECTORY \"${CMAKE_CURRENT_SOURCE_DIR}\")\n"
    "add_test(NAME current_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/current\")\n";

class ShapesRepo {
 public:
  ShapesRepo() : repo_(tmp_ / "tree shapes") {
    init_repo(repo_);
    write_file(repo_ / "CMakeLists.txt", kProject);
    write_file(repo_ / ".gitignore", "build/\n");
    write_file(repo_ / "autofix-gate.json", R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})");
    write_file(repo_ / "good.txt", "ok\n");
    write_file(repo_ / "bad.txt", "broken\n");
    fs::create_symlink("good.txt", repo_ / "current");
  }
  const fs::path& repo() const { return repo_; }
  void commit(const std::string& message) const {
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", message});
  }
  runners::ProcessResult verify() const {
    return run({gate_binary().string(), "verify", "-j", "2", "--base", "HEAD~1", "--json"}, repo_, {},
               std::chrono::minutes(3));
  }

 private:
  TempDir tmp_;
  fs::path repo_;
};

std::vector<std::string> names_in(const nlohmann::json& report, const std::string& transition) {
  std::vector<std::string> out;
  for (const auto& name : report.at("tests_status").value(transition, nlohmann::json::array())) out.push_back(name);
  return out;
}

// verify's exit code, verdict and the names under `transition`; then the work tree as it was before.
void expect_judgment(const ShapesRepo& r, const TreeFingerprint& before, int exit_code, const std::string& verdict,
                     const std::string& transition, const std::vector<std::string>& names) {
  runners::ProcessResult result = r.verify();
  ASSERT_EQ(result.exit_code, exit_code) << show(result);
  nlohmann::json report = json_of(result);
  EXPECT_EQ(report.at("verdict"), verdict) << report.dump(2);
  EXPECT_EQ(names_in(report, transition), names) << report.dump(2);
  TreeFingerprint after = source_fingerprint(r.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

TEST(VerifyTreeShapes, AFileThatBecomesADirectoryIsJudgedOnBothTrees) {
  ShapesRepo r;
  write_file(r.repo() / "conf", "ok\n");  // the base: conf is a file, so conf/value does not exist
  r.commit("conf as a file");
  fs::remove(r.repo() / "conf");
  write_file(r.repo() / "conf/value", "ok\n");
  r.commit("conf as a directory");
  TreeFingerprint before = source_fingerprint(r.repo());

  expect_judgment(r, before, 0, "accepted", "FAIL_TO_PASS", {"conf_value_is_ok"});
}

TEST(VerifyTreeShapes, ADirectoryThatBecomesAFileIsJudgedOnBothTrees) {
  ShapesRepo r;
  write_file(r.repo() / "conf/value", "ok\n");
  r.commit("conf as a directory");
  fs::remove_all(r.repo() / "conf");
  write_file(r.repo() / "conf", "ok\n");
  r.commit("conf as a file");
  TreeFingerprint before = source_fingerprint(r.repo());

  expect_judgment(r, before, 1, "rejected", "PASS_TO_FAIL", {"conf_value_is_ok"});
}

TEST(VerifyTreeShapes, ALinkThatPointsElsewhereIsJudgedOnBothTrees) {
  ShapesRepo r;
  write_file(r.repo() / "conf/value", "ok\n");
  r.commit("current -> good.txt");
  fs::remove(r.repo() / "current");
  fs::create_symlink("bad.txt", r.repo() / "current");
  r.commit("current -> bad.txt");
  TreeFingerprint before = source_fingerprint(r.repo());

  expect_judgment(r, before, 1, "rejected", "PASS_TO_FAIL", {"current_is_ok"});
  EXPECT_EQ(fs::read_symlink(r.repo() / "current"), fs::path("bad.txt"));
}

}  // namespace
}  // namespace autofix::testing
