// SPDX-License-Identifier: MIT
// `status` and `snapshots list|drop|prune`: what they print, in which order, what they delete, and
// that the snapshot an unfinished operation needs is never deleted.
#include <gtest/gtest.h>

#include <signal.h>

#include <regex>
#include <thread>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

bool ref_exists(const fs::path& repo, const std::string& ref) {
  return run({"git", "rev-parse", "-q", "--verify", ref}, repo).exit_code == 0;
}

// `n` snapshots, each of a different tree, `spacing` apart.
std::vector<std::string> snapshots_of(const fs::path& repo, int n, std::chrono::milliseconds spacing) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    if (i > 0) std::this_thread::sleep_for(spacing);
    write_file(repo / "counter.txt", std::to_string(i) + "\n");
    ids.push_back(make_snapshot(repo, "snapshot " + std::to_string(i)));
  }
  return ids;
}
// Snapshots a second apart: `created` (in the list) has a resolution of one second.
std::vector<std::string> spaced_snapshots(const fs::path& repo, int n) {
  return snapshots_of(repo, n, std::chrono::milliseconds(1050));
}
// Snapshots taken one after the other: their order is kept to the nanosecond (`created_ns`, see
// ListIsOldestFirstWithinTheSameSecond), so the tests of drop and prune need not wait seconds.
std::vector<std::string> rapid_snapshots(const fs::path& repo, int n) {
  return snapshots_of(repo, n, std::chrono::milliseconds(0));
}

class Snapshots : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = tmp_ / "repo with snapshots";
    init_repo(repo_);
  }
  TempDir tmp_;
  fs::path repo_;
};

TEST_F(Snapshots, ListJsonDescribesEachSnapshot) {
  write_file(repo_ / "untracked.txt", "u\n");
  write_file(repo_ / "README.md", "changed\n");
  std::string id = make_snapshot(repo_, "first one");
  runners::ProcessResult r = gate(repo_, {"snapshots", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json list = json_of(r);
  ASSERT_EQ(list.size(), 1u) << list.dump(2);
  const nlohmann::json& s = list[0];
  EXPECT_EQ(s.at("id"), id);
  EXPECT_EQ(s.at("message"), "first one");
  EXPECT_TRUE(std::regex_match(s.at("created").get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << s.dump(2);
  EXPECT_TRUE(std::regex_match(id, std::regex(R"(\d{8}T\d{6}Z-[0-9a-f]{6})"))) << id;
  EXPECT_EQ(s.at("head").at("kind"), "branch");
  EXPECT_EQ(s.at("head").at("ref"), "refs/heads/main");
  EXPECT_EQ(s.at("head").at("oid"), git(repo_, {"rev-parse", "HEAD"}).substr(0, 40));
  EXPECT_EQ(s.at("files"), 2);
  EXPECT_EQ(s.at("changed_files"), 2);
  EXPECT_EQ(s.at("untracked_files"), 1);

  runners::ProcessResult text = gate(repo_, {"snapshots", "list"});
  ASSERT_EQ(text.exit_code, 0) << show(text);
  EXPECT_TRUE(contains(text.out, id)) << show(text);
  EXPECT_TRUE(contains(text.out, "\"first one\"")) << show(text);
}

TEST_F(Snapshots, EmptyList) {
  runners::ProcessResult r = gate(repo_, {"snapshots", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(json_of(r), nlohmann::json::array());
  runners::ProcessResult text = gate(repo_, {"snapshots", "list"});
  EXPECT_EQ(text.out, "no snapshots\n");
}

TEST_F(Snapshots, ListIsOldestFirstWhenSecondsApart) {
  std::vector<std::string> ids = spaced_snapshots(repo_, 3);
  EXPECT_EQ(listed_snapshot_ids(repo_), ids);
}

// Regression: `snapshots list` sorted by (created, id), both with a resolution of one second and the id
// ending in a random suffix, so snapshots taken within the same second were listed in random order (and
// `prune --keep N`, which keeps the last N of that order, could keep the wrong ones).
TEST_F(Snapshots, ListIsOldestFirstWithinTheSameSecond) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    write_file(repo_ / "counter.txt", std::to_string(i) + "\n");
    ids.push_back(make_snapshot(repo_, "rapid " + std::to_string(i)));
  }
  EXPECT_EQ(listed_snapshot_ids(repo_), ids) << "snapshots taken in this order must be listed in this order";
}

TEST_F(Snapshots, DropRemovesOneSnapshotAndItsDiscardedTree) {
  std::vector<std::string> ids = rapid_snapshots(repo_, 3);
  ASSERT_EQ(gate(repo_, {"restore", ids[1]}).exit_code, 0);  // leaves refs/autofix/discarded/<ids[1]>
  ASSERT_TRUE(ref_exists(repo_, "refs/autofix/discarded/" + ids[1]));
  runners::ProcessResult r = gate(repo_, {"snapshots", "drop", ids[1]});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(r.out, "dropped snapshot " + ids[1] + "\n");
  EXPECT_EQ(listed_snapshot_ids(repo_), (std::vector<std::string>{ids[0], ids[2]}));
  EXPECT_FALSE(ref_exists(repo_, "refs/autofix/snapshots/" + ids[1]));
  EXPECT_FALSE(ref_exists(repo_, "refs/autofix/discarded/" + ids[1]));
  runners::ProcessResult again = gate(repo_, {"restore", ids[1]});
  EXPECT_EQ(again.exit_code, 2) << show(again);
  EXPECT_TRUE(contains(again.err, "no snapshot")) << show(again);
}

TEST_F(Snapshots, PruneKeepsTheNewest) {
  std::vector<std::string> ids = rapid_snapshots(repo_, 3);
  runners::ProcessResult r = gate(repo_, {"snapshots", "prune", "--keep", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(json_of(r), (nlohmann::json{{"dropped", 2}, {"kept", 1}}));
  EXPECT_EQ(listed_snapshot_ids(repo_), std::vector<std::string>{ids[2]});
  runners::ProcessResult none = gate(repo_, {"snapshots", "prune", "--keep", "1"});
  ASSERT_EQ(none.exit_code, 0) << show(none);
  EXPECT_EQ(none.out, "pruned 0 snapshot(s), 1 kept\n");
}

TEST_F(Snapshots, PruneOlderThan) {
  std::vector<std::string> ids = rapid_snapshots(repo_, 2);
  runners::ProcessResult keep_all = gate(repo_, {"snapshots", "prune", "--older-than", "1"});
  ASSERT_EQ(keep_all.exit_code, 0) << show(keep_all);
  EXPECT_EQ(listed_snapshot_ids(repo_), ids) << "nothing is a day old";
  // Both given: both must hold, so --keep 1 protects the newest even though it is older than 0 days.
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  runners::ProcessResult both = gate(repo_, {"snapshots", "prune", "--older-than", "0", "--keep", "1"});
  ASSERT_EQ(both.exit_code, 0) << show(both);
  EXPECT_EQ(listed_snapshot_ids(repo_), std::vector<std::string>{ids[1]});
  runners::ProcessResult all = gate(repo_, {"snapshots", "prune", "--older-than", "0"});
  ASSERT_EQ(all.exit_code, 0) << show(all);
  EXPECT_TRUE(contains(all.out, "dropped snapshot " + ids[1])) << show(all);
  EXPECT_TRUE(listed_snapshot_ids(repo_).empty());
}

TEST_F(Snapshots, PruneNeverDropsWhatAnUnfinishedOperationNeeds) {
  make_snapshot(repo_, "older");
  for (int i = 0; i < 10; ++i) write_file(repo_ / ("f" + std::to_string(i)), "x\n");
  TreeFingerprint original = exact_fingerprint(repo_);
  runners::ProcessResult killed =
      run_and_signal(mutator_argv(repo_, 2, 1000, 20), repo_, std::chrono::milliseconds(400), SIGKILL);
  ASSERT_EQ(killed.signal, SIGKILL) << show(killed);
  nlohmann::json unfinished = status_json(repo_).at("unfinished_operation");
  ASSERT_FALSE(unfinished.is_null());
  std::string needed = unfinished.at("snapshot").get<std::string>();

  for (const auto& args : std::vector<std::vector<std::string>>{{"snapshots", "prune", "--keep", "0"},
                                                                {"snapshots", "prune", "--older-than", "0"},
                                                                {"snapshots", "drop", needed}}) {
    runners::ProcessResult r = gate(repo_, args);
    // Refusing (exit 2, naming `recover`) or skipping the needed snapshot are both acceptable.
    if (r.exit_code == 2) {
      EXPECT_TRUE(contains(r.err, "autofix-gate recover")) << args[1] << "\n" << show(r);
    } else {
      EXPECT_EQ(r.exit_code, 0) << show(r);
      EXPECT_TRUE(contains(r.err, "an unfinished operation needs it")) << show(r);
    }
    EXPECT_TRUE(ref_exists(repo_, "refs/autofix/snapshots/" + needed)) << args[1] << " dropped " << needed;
  }
  EXPECT_EQ(gate(repo_, {"snapshots", "drop", needed}).exit_code, 2) << "dropping the needed snapshot must fail";

  runners::ProcessResult rec = gate(repo_, {"recover"});
  ASSERT_EQ(rec.exit_code, 0) << show(rec);
  TreeFingerprint after = exact_fingerprint(repo_);
  EXPECT_TRUE(after == original) << describe_difference(original, after);
  runners::ProcessResult prune = gate(repo_, {"snapshots", "prune", "--keep", "0"});
  EXPECT_EQ(prune.exit_code, 0) << show(prune);
  EXPECT_TRUE(listed_snapshot_ids(repo_).empty()) << "after recover, nothing protects them";
}

TEST_F(Snapshots, StatusJsonFields) {
  nlohmann::json clean = status_json(repo_);
  EXPECT_EQ(clean.at("workdir"), repo_.string());
  EXPECT_TRUE(clean.at("lock").is_null());
  EXPECT_TRUE(clean.at("unfinished_operation").is_null());
  EXPECT_TRUE(clean.at("git_operation_in_progress").is_null());
  EXPECT_EQ(clean.at("snapshots"), nlohmann::json::array());

  std::string id = make_snapshot(repo_, "for status");
  nlohmann::json one = status_json(repo_);
  ASSERT_EQ(one.at("snapshots").size(), 1u);
  EXPECT_EQ(one.at("snapshots")[0].at("id"), id);
  EXPECT_EQ(one.at("snapshots")[0].at("message"), "for status");
  for (const char* field : {"created", "head", "files", "changed_files", "untracked_files"})
    EXPECT_TRUE(one.at("snapshots")[0].contains(field)) << field;

  // From a subdirectory, the work tree root is reported.
  write_file(repo_ / "sub dir/x.txt", "x\n");
  runners::ProcessResult from_sub = gate(repo_ / "sub dir", {"status", "--json"});
  ASSERT_EQ(from_sub.exit_code, 0) << show(from_sub);
  EXPECT_EQ(json_of(from_sub).at("workdir"), repo_.string());

  runners::ProcessResult text = gate(repo_, {"status"});
  ASSERT_EQ(text.exit_code, 0) << show(text);
  EXPECT_TRUE(contains(text.out, "repository: " + repo_.string())) << show(text);
  EXPECT_TRUE(contains(text.out, "lock:       free")) << show(text);
  EXPECT_TRUE(contains(text.out, "journal:    clean")) << show(text);
  EXPECT_TRUE(contains(text.out, "snapshots:  1")) << show(text);
}

}  // namespace
}  // namespace autofix::testing
