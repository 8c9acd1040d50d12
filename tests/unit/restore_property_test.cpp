// SPDX-License-Identifier: MIT
// The restore property (tests/support/random_tree.h) against the library: a snapshot taken as
// `autofix-gate snapshot` takes it (the lock, SnapshotStore::create), random mutations, then
// restore_under_journal (what `autofix-gate restore ID` runs), and the tree must be exactly the
// snapshot's, ignored files as the mutations left them. 200 seeds in 10 shards; the end-to-end
// RandomRestore runs the first 5 through the binary.
#include <gtest/gtest.h>

#include "gate/git/repository.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/state/operation.h"
#include "tests/support/random_tree.h"

namespace autofix::testing {
namespace {

constexpr int kShards = 10;
constexpr int kIterationsPerShard = 20;  // 200 iterations in all
constexpr unsigned kFirstSeed = 20240;

void quiet(const std::string&) {}

RestoreDriver library_driver() {
  RestoreDriver d;
  d.snapshot = [](const fs::path& repo) {
    git::Repository r = git::Repository::open(repo);
    RepositoryLock lock = lock_repository(r, "autofix-gate snapshot", quiet);
    r.require_idle();
    return snapshot::SnapshotStore(r).create("").manifest.id;
  };
  d.restore = [](const fs::path& repo, const std::string& id) {
    try {
      git::Repository r = git::Repository::open(repo);  // afresh, as another process would
      restore_under_journal(r, id, "autofix-gate restore " + id, quiet);
      return std::pair{true, std::string("restored")};
    } catch (const std::exception& e) {
      return std::pair{false, std::string(e.what())};
    }
  };
  d.recover = [](const fs::path& repo) {
    try {
      git::Repository r = git::Repository::open(repo);
      return std::string(recover(r, "autofix-gate recover", quiet).restore ? "recovered" : "nothing to recover");
    } catch (const std::exception& e) {
      return std::string("failed: ") + e.what();
    }
  };
  return d;
}

class RestoreProperty : public ::testing::TestWithParam<int> {};

TEST_P(RestoreProperty, RestoresExactly) {
  std::vector<unsigned> seeds = property_seeds(kFirstSeed, GetParam(), kIterationsPerShard);
  if (seeds.empty()) GTEST_SKIP() << "AUTOFIX_PROPERTY_SEED runs in shard 0 only";
  TempDir tmp;
  expect_restore_property(tmp.path(), seeds, library_driver());
}

INSTANTIATE_TEST_SUITE_P(Shards, RestoreProperty, ::testing::Range(0, kShards));

}  // namespace
}  // namespace autofix::testing
