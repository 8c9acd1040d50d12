// SPDX-License-Identifier: MIT
#include "gate/git/file_log.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

using autofix::testing::git;
using autofix::testing::TempDir;

const CommitIdentity kIdentity{{"Gate", "gate@example.com", GitTime{1700000000, 0}},
                               {"Gate", "gate@example.com", GitTime{1700000000, 0}}};
const std::string kRef = "refs/autofix/history";

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

struct LogRepo {
  TempDir tmp;
  std::filesystem::path root = tmp / "log repo";
  LogRepo() { autofix::testing::init_repo(root); }
  // "path blob-of-bytes" lines of the ref's tree, as git itself reads it.
  std::string files(const std::string& rev = kRef) const {
    return git(root, {"ls-tree", "-r", "--format=%(path) %(objectsize)", rev});
  }
  std::string show(const std::string& spec) const { return git(root, {"show", spec}); }
  std::string rev(const std::string& spec) const { return trimmed(git(root, {"rev-parse", spec})); }
};

LogAppend append(const Repository& repo, std::vector<LogFile> files, const LogOptions& options = {}) {
  return append_to_log(repo, kRef, files, "autofix-gate: test\n", kIdentity, options);
}

TEST(FileLog, AppendsFilesAsAChainOfCommitsWithoutRewritingOldOnes) {
  LogRepo r;
  Repository repo = Repository::open(r.root);
  EXPECT_EQ(log_head(repo, kRef), std::nullopt);
  LogAppend first = append(repo, {{"records/2026-12/07/a.json", "{\"a\":1}\n"}, {"breaker/k1/a.json", "{\"a\":1}\n"}});
  ASSERT_TRUE(first.commit.has_value());
  EXPECT_EQ(first.added, (std::vector<std::string>{"records/2026-12/07/a.json", "breaker/k1/a.json"}));
  EXPECT_EQ(r.rev(kRef), to_hex(*first.commit));
  EXPECT_EQ(r.files(), "breaker/k1/a.json 8\nrecords/2026-12/07/a.json 8\n");
  const std::string old_records = r.rev(kRef + ":records/2026-12");

  LogAppend second = append(repo, {{"records/2026-12/08/b.json", "{\"b\":22}\n"}});
  ASSERT_TRUE(second.commit.has_value());
  EXPECT_EQ(r.rev(kRef + "^"), to_hex(*first.commit));
  EXPECT_EQ(r.files(), "breaker/k1/a.json 8\nrecords/2026-12/07/a.json 8\nrecords/2026-12/08/b.json 9\n");
  EXPECT_EQ(r.show(kRef + ":records/2026-12/08/b.json"), "{\"b\":22}\n");
  // The old day's tree is the very same object: nothing of it was rewritten.
  EXPECT_EQ(r.rev(kRef + ":records/2026-12/07"), r.rev(to_hex(*first.commit) + ":records/2026-12/07"));
  EXPECT_NE(r.rev(kRef + ":records/2026-12"), old_records);

  const git_oid tree = log_tree(repo, *second.commit);
  std::vector<LogEntry> days = list_log_directory(repo, tree, "records/2026-12");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].name, "07");
  EXPECT_TRUE(days[0].directory);
  EXPECT_EQ(days[1].name, "08");
  std::vector<LogEntry> files = list_log_directory(repo, tree, "records/2026-12/08");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].name, "b.json");
  EXPECT_FALSE(files[0].directory);
  EXPECT_EQ(read_log_blob(repo, files[0].id), "{\"b\":22}\n");
  EXPECT_EQ(read_log_file(repo, tree, "records/2026-12/07/a.json"), "{\"a\":1}\n");
  EXPECT_EQ(read_log_file(repo, tree, "records/2026-12/07"), std::nullopt);
  EXPECT_EQ(read_log_file(repo, tree, "records/nope.json"), std::nullopt);
  EXPECT_TRUE(list_log_directory(repo, tree, "nope").empty());
  EXPECT_TRUE(list_log_directory(repo, tree, "records/2026-12/08/b.json").empty());
}

TEST(FileLog, AppendingWhatIsThereIsANoOpAndOtherBytesAreRefusedNamingThePath) {
  LogRepo r;
  Repository repo = Repository::open(r.root);
  append(repo, {{"records/a.json", "A"}});
  const std::string head = r.rev(kRef);
  LogAppend again = append(repo, {{"records/a.json", "A"}});
  EXPECT_EQ(again.commit, std::nullopt);
  EXPECT_TRUE(again.added.empty());
  EXPECT_EQ(r.rev(kRef), head);

  LogAppend partly = append(repo, {{"records/a.json", "A"}, {"records/b.json", "B"}});
  ASSERT_TRUE(partly.commit.has_value());
  EXPECT_EQ(partly.added, std::vector<std::string>{"records/b.json"});
  const std::string head2 = r.rev(kRef);

  try {
    append(repo, {{"records/c.json", "C"}, {"records/a.json", "not A"}});
    ADD_FAILURE() << "rewrote a record";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_EQ(std::string(e.what()), "the log refs/autofix/history holds records/a.json already, with other content");
  }
  EXPECT_EQ(r.rev(kRef), head2);
  EXPECT_EQ(r.files(), "records/a.json 1\nrecords/b.json 1\n");
  EXPECT_THROW(append(repo, {{"../x", "x"}}), Error);
  EXPECT_THROW(append(repo, {{"a//b", "x"}}), Error);
  EXPECT_THROW(append(repo, {{"a", "x"}, {"a", "y"}}), Error);
}

TEST(FileLog, ALostRaceIsRetriedOnTopOfTheWinner) {
  LogRepo r;
  Repository repo = Repository::open(r.root);
  append(repo, {{"records/a.json", "A"}});
  int calls = 0;
  git_oid winner{};
  LogOptions racing;
  racing.before_update = [&](const std::string&) {
    if (calls++ > 0) return;
    // Another writer moves the ref between our read and our update.
    Repository other = Repository::open(r.root);
    winner = *append(other, {{"records/w.json", "W"}}).commit;
  };
  LogAppend mine = append(repo, {{"records/m.json", "M"}}, racing);
  EXPECT_EQ(calls, 2);
  ASSERT_TRUE(mine.commit.has_value());
  EXPECT_EQ(r.rev(kRef + "^"), to_hex(winner));
  EXPECT_EQ(r.files(), "records/a.json 1\nrecords/m.json 1\nrecords/w.json 1\n");

  LogOptions always;
  always.attempts = 3;
  int n = 0;
  always.before_update = [&](const std::string&) {
    Repository other = Repository::open(r.root);
    append(other, {{"records/o" + std::to_string(n++) + ".json", "O"}});
  };
  try {
    append(repo, {{"records/never.json", "N"}}, always);
    ADD_FAILURE() << "won a race it always loses";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "the ref refs/autofix/history kept moving while the gate wrote to it (3 attempts)");
  }
  EXPECT_EQ(r.files(), "records/a.json 1\nrecords/m.json 1\nrecords/o0.json 1\nrecords/o1.json 1\nrecords/o2.json 1\n"
                       "records/w.json 1\n");
}

TEST(FileLog, TwoDivergedChainsMergeByUnionKeepingOursOnAConflict) {
  LogRepo r;
  Repository repo = Repository::open(r.root);
  const git_oid base = *append(repo, {{"records/2026-11/30/a.json", "A"}}).commit;
  const git_oid theirs1 = *append(repo, {{"records/2026-12/01/t.json", "T"}, {"x/same.json", "S"}}).commit;
  const git_oid theirs = *append(repo, {{"records/2026-12/01/c.json", "theirs"}}).commit;
  git(r.root, {"update-ref", kRef, to_hex(base)});
  append(repo, {{"records/2026-12/01/o.json", "OO"}, {"x/same.json", "S"}});
  const git_oid ours = *append(repo, {{"records/2026-12/01/c.json", "ours"}}).commit;

  LogMerge merged = merge_into_log(repo, kRef, theirs, "autofix-gate: merge\n", kIdentity);
  ASSERT_TRUE(merged.commit.has_value());
  EXPECT_FALSE(merged.fast_forward);
  EXPECT_EQ(merged.conflicts, std::vector<std::string>{"records/2026-12/01/c.json"});
  EXPECT_EQ(r.rev(kRef + "^1"), to_hex(ours));
  EXPECT_EQ(r.rev(kRef + "^2"), to_hex(theirs));
  EXPECT_EQ(r.files(),
            "records/2026-11/30/a.json 1\nrecords/2026-12/01/c.json 4\nrecords/2026-12/01/o.json 2\n"
            "records/2026-12/01/t.json 1\nx/same.json 1\n");
  EXPECT_EQ(r.show(kRef + ":records/2026-12/01/c.json"), "ours");

  // Merging what the log has already (theirs, or an ancestor of it) changes nothing.
  const std::string head = r.rev(kRef);
  EXPECT_EQ(merge_into_log(repo, kRef, theirs, "m\n", kIdentity).commit, std::nullopt);
  EXPECT_EQ(merge_into_log(repo, kRef, theirs1, "m\n", kIdentity).commit, std::nullopt);
  EXPECT_EQ(r.rev(kRef), head);

  // A log with nothing of its own moves to the other one (no merge commit); a missing ref is created.
  git(r.root, {"update-ref", kRef, to_hex(base)});
  LogMerge ff = merge_into_log(repo, kRef, theirs, "m\n", kIdentity);
  EXPECT_TRUE(ff.fast_forward);
  EXPECT_EQ(r.rev(kRef), to_hex(theirs));
  LogMerge created = merge_into_log(repo, "refs/autofix/other", theirs, "m\n", kIdentity);
  EXPECT_TRUE(created.fast_forward);
  EXPECT_EQ(r.rev("refs/autofix/other"), to_hex(theirs));
}

struct TwoClones {
  TempDir tmp;
  std::filesystem::path remote = tmp / "remote repo.git";
  std::filesystem::path one = tmp / "clone one";
  std::filesystem::path two = tmp / "clone two";
  TwoClones() {
    std::filesystem::create_directories(remote);
    git(remote, {"init", "-q", "--bare"});
    autofix::testing::init_repo(one);
    autofix::testing::init_repo(two);
    git(one, {"remote", "add", "origin", remote.string()});
  }
  std::string remote_files() const {
    return git(remote, {"ls-tree", "-r", "--format=%(path) %(objectsize)", kRef});
  }
};

TEST(FileLog, SyncThroughABareRepositoryMergesBothWaysAndRetriesARejectedPush) {
  TwoClones c;
  Repository one = Repository::open(c.one);
  Repository two = Repository::open(c.two);
  append(one, {{"records/1.json", "1"}});
  // A configured remote's name; the remote has no log yet.
  LogSync s1 = sync_log(one, kRef, "origin", kIdentity);
  EXPECT_FALSE(s1.fetched);
  EXPECT_TRUE(s1.pushed);
  EXPECT_EQ(c.remote_files(), "records/1.json 1\n");

  // A path; both have their own records.
  append(two, {{"records/2.json", "2"}});
  LogSync s2 = sync_log(two, kRef, c.remote.string(), kIdentity);
  EXPECT_TRUE(s2.fetched);
  EXPECT_TRUE(s2.merge.commit.has_value());
  EXPECT_FALSE(s2.merge.fast_forward);
  EXPECT_TRUE(s2.pushed);
  EXPECT_EQ(c.remote_files(), "records/1.json 1\nrecords/2.json 1\n");

  LogSync back = sync_log(one, kRef, "origin", kIdentity);
  EXPECT_TRUE(back.merge.fast_forward);
  EXPECT_FALSE(back.pushed);
  EXPECT_EQ(git(c.one, {"rev-parse", kRef}), git(c.remote, {"rev-parse", kRef}));

  // Someone pushes between our fetch and our push: the push is refused, fetched again, merged, pushed.
  append(one, {{"records/3.json", "3"}});
  SyncOptions racing;
  racing.before_push = [&](int round) {
    if (round > 0) return;
    append(two, {{"records/4.json", "4"}});
    sync_log(two, kRef, c.remote.string(), kIdentity);
  };
  LogSync raced = sync_log(one, kRef, "origin", kIdentity, racing);
  EXPECT_EQ(raced.rejected_pushes, 1);
  EXPECT_TRUE(raced.pushed);
  EXPECT_EQ(c.remote_files(), "records/1.json 1\nrecords/2.json 1\nrecords/3.json 1\nrecords/4.json 1\n");
  EXPECT_EQ(git(c.one, {"rev-parse", kRef}), git(c.remote, {"rev-parse", kRef}));
  EXPECT_EQ(git(c.one, {"for-each-ref", "refs/autofix/sync"}), "");

  try {
    sync_log(one, kRef, (c.tmp / "no such remote").string(), kIdentity);
    ADD_FAILURE() << "synced with nothing";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    EXPECT_TRUE(std::string(e.what()).starts_with("cannot fetch refs/autofix/history from ")) << e.what();
  }
}

}  // namespace
}  // namespace autofix::git
