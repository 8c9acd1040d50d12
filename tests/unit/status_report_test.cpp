// SPDX-License-Identifier: MIT
#include "gate/cli/status_view.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

using nlohmann::json;

git_oid oid_of(char digit) {
  git_oid oid;
  git_oid_fromstr(&oid, std::string(40, digit).c_str());
  return oid;
}

snapshot::Manifest manifest(const std::string& id, const std::string& message) {
  snapshot::Manifest m;
  m.id = id;
  m.created = "2026-11-22T04:19:40Z";
  m.message = message;
  m.head.kind = snapshot::HeadState::Kind::branch;
  m.head.ref = "refs/heads/main";
  m.head.oid = oid_of('a');
  m.scan.stats.files = 12;
  m.scan.stats.untracked_files = 2;
  m.scan.changes = {{"x.txt", snapshot::ChangeKind::modified, {}}, {"y.txt", snapshot::ChangeKind::added, {}}};
  return m;
}

StatusModel busy_model() {
  StatusModel s;
  s.workdir = "/home/me/my project";
  s.lock = LockHolder{4242, "2026-11-22T04:20:00Z", "autofix-gate attempt --fix ./fix.sh"};
  s.unfinished = JournalEntry{"attempt", "20261122T041940Z-abc123", 4242, 4300, "2026-11-22T04:20:01Z", "tier 2"};
  s.git_operation = "merge";
  s.snapshots = {manifest("20261122T041940Z-abc123", "before fix"), manifest("20261122T041941Z-def456", "")};
  return s;
}

TEST(StatusText, IdleRepository) {
  StatusModel s;
  s.workdir = "/repo";
  EXPECT_EQ(status_text(s),
            "repository: /repo\n"
            "lock:       free\n"
            "journal:    clean\n"
            "snapshots:  0\n");
}

TEST(StatusText, ShowsLockHolderUnfinishedOperationAndSnapshots) {
  EXPECT_EQ(status_text(busy_model()),
            "repository: /home/me/my project\n"
            "lock:       held by pid 4242 since 2026-11-22T04:20:00Z (autofix-gate attempt --fix ./fix.sh)\n"
            "journal:    UNFINISHED attempt (pid 4242, phase 'tier 2', started 2026-11-22T04:20:01Z), snapshot "
            "20261122T041940Z-abc123\n"
            "            run `autofix-gate recover` to restore the tree\n"
            "git:        a merge is in progress\n"
            "snapshots:  2\n"
            "  20261122T041940Z-abc123  2026-11-22T04:19:40Z  refs/heads/main at aaaaaaaaaaaa  12 files, 2 changed  "
            "\"before fix\"\n"
            "  20261122T041941Z-def456  2026-11-22T04:19:40Z  refs/heads/main at aaaaaaaaaaaa  12 files, 2 changed\n");
}

TEST(StatusText, UnfinishedOperationWithoutSnapshot) {
  StatusModel s;
  s.workdir = "/repo";
  s.unfinished = JournalEntry{"restore", std::nullopt, 7, std::nullopt, "t", "snapshot"};
  std::string text = status_text(s);
  EXPECT_NE(text.find("journal:    UNFINISHED restore (pid 7, phase 'snapshot', started t)\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find(", snapshot "), std::string::npos) << text;
}

TEST(StatusJson, ShowsLockHolderUnfinishedOperationAndSnapshots) {
  json j = status_json(busy_model());
  EXPECT_EQ(j["workdir"], "/home/me/my project");
  EXPECT_EQ(j["lock"], (json{{"pid", 4242}, {"started", "2026-11-22T04:20:00Z"},
                             {"command", "autofix-gate attempt --fix ./fix.sh"}}));
  EXPECT_EQ(j["unfinished_operation"], (json{{"operation", "attempt"},
                                             {"snapshot", "20261122T041940Z-abc123"},
                                             {"pid", 4242},
                                             {"process_group", 4300},
                                             {"started", "2026-11-22T04:20:01Z"},
                                             {"phase", "tier 2"}}));
  EXPECT_EQ(j["git_operation_in_progress"], "merge");
  ASSERT_EQ(j["snapshots"].size(), 2u);
  EXPECT_EQ(j["snapshots"][0], (json{{"id", "20261122T041940Z-abc123"},
                                     {"created", "2026-11-22T04:19:40Z"},
                                     {"message", "before fix"},
                                     {"head", {{"kind", "branch"}, {"ref", "refs/heads/main"}, {"oid", std::string(40, 'a')}}},
                                     {"files", 12},
                                     {"changed_files", 2},
                                     {"untracked_files", 2}}));
  EXPECT_EQ(j["snapshots"][1]["id"], "20261122T041941Z-def456");
}

TEST(StatusJson, IdleRepositoryHasNulls) {
  StatusModel s;
  s.workdir = "/repo";
  EXPECT_EQ(status_json(s), (json{{"workdir", "/repo"},
                                  {"lock", nullptr},
                                  {"unfinished_operation", nullptr},
                                  {"git_operation_in_progress", nullptr},
                                  {"snapshots", json::array()},
                                  {"resumable_batches", json::array()}}));
}

TEST(SnapshotListText, DescribesEachHeadKind) {
  snapshot::Manifest detached = manifest("d", "");
  detached.head = {snapshot::HeadState::Kind::detached, "", oid_of('b')};
  snapshot::Manifest unborn = manifest("u", "");
  unborn.head = {snapshot::HeadState::Kind::unborn, "refs/heads/trunk", std::nullopt};
  unborn.scan.changes.clear();
  EXPECT_EQ(snapshot_list_text({detached, unborn}),
            "d  2026-11-22T04:19:40Z  detached at bbbbbbbbbbbb  12 files, 2 changed\n"
            "u  2026-11-22T04:19:40Z  refs/heads/trunk (no commits yet)  12 files, 0 changed\n");
  EXPECT_EQ(snapshot_list_text({}), "no snapshots\n");
  EXPECT_EQ(snapshot_summary_json(unborn)["head"]["oid"], nullptr);
}

snapshot::RestoreReport busy_report() {
  snapshot::RestoreReport r;
  r.written = {"a.txt", "b.txt"};
  r.removed = {"new.txt"};
  r.directories_removed = {"new dir"};
  r.index_rewritten = true;
  r.head_moved = true;
  r.discarded_commit = oid_of('c');
  return r;
}

TEST(RestoreText, NothingChanged) {
  EXPECT_EQ(restore_text("S1", snapshot::RestoreReport{}), "work tree already matches snapshot S1 (verified)\n");
}

TEST(RestoreText, SaysWhatWasDone) {
  EXPECT_EQ(restore_text("S1", busy_report()),
            "restored snapshot S1 (verified): 2 file(s) written, 1 removed, 1 directorie(s) removed, index restored, "
            "HEAD restored\n"
            "the discarded work tree is kept as refs/autofix/discarded/S1\n");
}

TEST(RestoreText, NamesWhatWasPutBackBeyondTheWorkTree) {
  snapshot::RestoreReport r;
  r.permissions = {"data", "data/file.txt"};
  r.git_metadata = {".git/config (changed during the operation: restored)"};
  r.set_aside = {{"newrepo", "/repo/.git/autofix/set-aside/S1/newrepo"}};
  r.lost_refs = {"refs/tags/gone (was at eeeeeeeeeeee, an object that no longer exists)"};
  EXPECT_EQ(restore_text("S1", r),
            "restored snapshot S1 (verified): 0 file(s) written, 0 removed, permissions of 2 path(s) restored\n"
            "restored .git/config (changed during the operation: restored)\n"
            "moved the repository 'newrepo', created after the snapshot, aside to '/repo/.git/autofix/set-aside/S1/newrepo'\n"
            "could not restore refs/tags/gone (was at eeeeeeeeeeee, an object that no longer exists)\n");
  nlohmann::json j = restore_json("S1", r);
  EXPECT_EQ(j["set_aside"], (json::array({{{"path", "newrepo"}, {"moved_to", "/repo/.git/autofix/set-aside/S1/newrepo"}}})));
  EXPECT_EQ(j["permissions"], (json{"data", "data/file.txt"}));
}

TEST(RestoreJson, SaysWhatWasDone) {
  EXPECT_EQ(restore_json("S1", busy_report()), (json{{"snapshot", "S1"},
                                                     {"written", {"a.txt", "b.txt"}},
                                                     {"removed", {"new.txt"}},
                                                     {"directories_removed", {"new dir"}},
                                                     {"directories_created", json::array()},
                                                     {"index_rewritten", true},
                                                     {"head_moved", true},
                                                     {"discarded", "refs/autofix/discarded/S1"},
                                                     {"set_aside", json::array()},
                                                     {"permissions", json::array()},
                                                     {"git_metadata", json::array()},
                                                     {"lost_refs", json::array()},
                                                     {"verified", true}}));
  EXPECT_EQ(restore_json("S1", snapshot::RestoreReport{})["discarded"], nullptr);
}


TEST(StatusText, ListsInterruptedBatchesWithTheirResumeCommand) {
  StatusModel s;
  s.workdir = "/repo";
  s.resumable_batches = {{.id = "20261207T221522Z-0a1b2c", .started = "2026-12-07T22:15:22Z",
                          .source = "fixes/batch.json", .fixes = 6, .steps_done = 2}};
  EXPECT_EQ(status_text(s),
            "repository: /repo\n"
            "lock:       free\n"
            "journal:    clean\n"
            "batches:    1 interrupted, can be resumed\n"
            "  20261207T221522Z-0a1b2c  started 2026-12-07T22:15:22Z  2 step(s) done, 6 fix(es) from fixes/batch.json\n"
            "    continue with: autofix-gate batch --resume 20261207T221522Z-0a1b2c\n"
            "snapshots:  0\n");
}

TEST(StatusJson, ListsInterruptedBatchesAndNoneAsAnEmptyList) {
  StatusModel s;
  s.workdir = "/repo";
  EXPECT_EQ(status_json(s)["resumable_batches"], json::array());
  s.resumable_batches = {{.id = "b1", .started = "t", .source = "p/", .fixes = 3, .steps_done = 0}};
  EXPECT_EQ(status_json(s)["resumable_batches"],
            (json::array({{{"id", "b1"}, {"started", "t"}, {"source", "p/"}, {"fixes", 3}, {"steps_done", 0},
                           {"resume_command", "autofix-gate batch --resume b1"}}})));
}

}  // namespace
}  // namespace autofix::reporters
