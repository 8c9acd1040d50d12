// SPDX-License-Identifier: MIT
#include "gate/state/history_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "gate/git/hash_text.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "reporters/history_json.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using autofix::testing::git;
using autofix::testing::TempDir;

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

struct HistoryRepo {
  TempDir tmp;
  std::filesystem::path root = tmp / "history repo";
  HistoryRepo() { autofix::testing::init_repo(root); }
  std::string ls(const std::string& dir = "") const {
    return git(root, {"ls-tree", "-r", "--format=%(objectname) %(path)", std::string(kHistoryRef) + (dir.empty() ? "" : ":" + dir)});
  }
};

HistoryRecord record(const std::string& id, const std::string& verdict = "rejected", const std::string& key = "") {
  HistoryRecord r;
  r.id = id;
  r.started = "2026-12-07T22:15:22Z";
  r.ended = "2026-12-07T22:15:30Z";
  r.command = "attempt";
  r.args = {"--patch", "x.diff"};
  r.verdict = verdict;
  r.reason = "because";
  r.breaker_key = key;
  return r;
}

// The id of the n-th of many records: 7 hours apart, so 300 of them span 3 months.
std::string nth_id(int n) {
  const SystemTime t = parse_iso8601_utc("2026-10-01T00:00:00Z") + std::chrono::hours(7 * n);
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", 0xfffff000u - static_cast<unsigned>(n));  // not sorted like time
  return format_compact_utc(t) + "-" + suffix;
}

TEST(HistoryStore, AppendsARecordAndItsBreakerIndexAsOneBlob) {
  HistoryRepo h;
  git::Repository repo = git::Repository::open(h.root);
  HistoryStore store(repo);
  EXPECT_TRUE(store.newest(20).empty());
  EXPECT_EQ(store.find("20261207T221522Z-3f9a1c2b"), std::nullopt);
  const HistoryRecord r = record("20261207T221522Z-3f9a1c2b", "rejected", "repo\nmain\nany");
  EXPECT_EQ(store.append(r), r.id);
  const std::string blob = git::to_hex(git::hash_text(reporters::history_record_text(r), "r"));
  const std::string key_hash = git::to_hex(git::hash_text("repo\nmain\nany", "k"));
  EXPECT_EQ(h.ls(), blob + " breaker/" + key_hash + "/20261207T221522Z-3f9a1c2b.json\n" + blob +
                        " records/2026-12/07/20261207T221522Z-3f9a1c2b.json\n");
  EXPECT_EQ(HistoryStore::record_path(r.id), "records/2026-12/07/20261207T221522Z-3f9a1c2b.json");
  EXPECT_EQ(HistoryStore::breaker_dir("repo\nmain\nany"), "breaker/" + key_hash);
  EXPECT_EQ(store.find(r.id), r);
  EXPECT_EQ(store.find("20261207T221522Z-000000"), std::nullopt);
  EXPECT_EQ(store.find("../../etc"), std::nullopt);
  // The same record again changes nothing; a different one under the same id is refused.
  const std::string head = git(h.root, {"rev-parse", kHistoryRef});
  store.append(r);
  EXPECT_EQ(git(h.root, {"rev-parse", kHistoryRef}), head);
  EXPECT_THROW(store.append(record(r.id, "accepted")), Error);
  // A record without a key has no index entry.
  store.append(record("20261207T221600Z-00000001"));
  EXPECT_EQ(h.ls("breaker"), blob + " " + key_hash + "/20261207T221522Z-3f9a1c2b.json\n");
  EXPECT_TRUE(store.damaged().empty());
}

TEST(HistoryStore, NewestReadsOnlyTheNewestRecordsOfManyMonths) {
  HistoryRepo h;
  git::Repository repo = git::Repository::open(h.root);
  HistoryStore store(repo);
  for (int n = 0; n < 300; ++n) store.append(record(nth_id(n), n % 3 == 0 ? "accepted" : "rejected"));
  EXPECT_EQ(git(h.root, {"ls-tree", "--name-only", std::string(kHistoryRef) + ":records"}), "2026-10\n2026-11\n2026-12\n");

  HistoryStore reader(repo);
  std::vector<HistoryRecord> newest = reader.newest(20);
  ASSERT_EQ(newest.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(newest[i].id, nth_id(299 - i)) << i;
  EXPECT_EQ(reader.records_read(), 20u);

  HistoryStore filtered(repo);
  std::vector<HistoryRecord> accepted = filtered.newest(5, [](const HistoryRecord& r) { return r.verdict == "accepted"; });
  ASSERT_EQ(accepted.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(accepted[i].id, nth_id(297 - 3 * i)) << i;
  EXPECT_EQ(filtered.records_read(), 15u);  // 299 .. 285

  // A window of time: only the records inside it are read, and the walk ends at the first older one.
  auto time_of = [](int n) { return nth_id(n).substr(0, 16); };
  HistoryStore windowed(repo);
  std::vector<HistoryRecord> inside = windowed.newest(20, {}, HistoryWindow{time_of(290), time_of(295)});
  ASSERT_EQ(inside.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(inside[i].id, nth_id(294 - i)) << i;
  EXPECT_EQ(windowed.records_read(), 5u);
  HistoryStore since_only(repo);
  EXPECT_EQ(since_only.newest(1000, {}, HistoryWindow{time_of(200), ""}).size(), 100u);
  EXPECT_EQ(since_only.records_read(), 100u);
  EXPECT_TRUE(since_only.newest(1000, {}, HistoryWindow{"20300101T000000Z", ""}).empty());

  HistoryStore all(repo);
  EXPECT_EQ(all.newest(1000).size(), 300u);
  EXPECT_EQ(all.newest(1000).back().id, nth_id(0));
}

TEST(HistoryStore, ADamagedRecordIsSkippedAndReportedWithItsId) {
  HistoryRepo h;
  git::Repository repo = git::Repository::open(h.root);
  HistoryStore store(repo);
  store.append(record("20261207T100000Z-00000001", "rejected", "k"));
  // Written by something else: not JSON, a record under another id's name, and a stray file.
  const git::CommitIdentity who = git::commit_identity_or_fallback(repo);
  git::append_to_log(repo, kHistoryRef,
                     {{"records/2026-12/07/20261207T110000Z-00000002.json", "{\"id\": tru"},
                      {HistoryStore::breaker_dir("k") + "/20261207T110000Z-00000002.json", "{"},
                      {"records/2026-12/07/20261207T120000Z-00000003.json",
                       reporters::history_record_text(record("20261207T100000Z-00000001"))},
                      {"records/2026-12/07/notes.txt", "x"}},
                     "damage\n", who);
  store.append(record("20261207T130000Z-00000004"));
  std::vector<HistoryRecord> newest = store.newest(20);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, "20261207T130000Z-00000004");
  EXPECT_EQ(newest[1].id, "20261207T100000Z-00000001");
  const std::vector<std::string> damaged = store.damaged();
  ASSERT_EQ(damaged.size(), 2u);
  EXPECT_EQ(damaged[0], "20261207T120000Z-00000003: it holds the record 20261207T100000Z-00000001");
  EXPECT_TRUE(damaged[1].starts_with("20261207T110000Z-00000002: records/2026-12/07/20261207T110000Z-00000002.json: "
                                     "not valid JSON: "))
      << damaged[1];
  HistoryStore finder(repo);
  EXPECT_EQ(finder.find("20261207T110000Z-00000002"), std::nullopt);
  EXPECT_EQ(finder.damaged().size(), 1u);
  std::vector<HistoryRecord> events = finder.for_breaker_key("k");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "20261207T100000Z-00000001");
  EXPECT_EQ(finder.damaged().size(), 2u);
}

TEST(HistoryStore, ADamagedRefIsReportedAndReadsAsNoHistory) {
  HistoryRepo h;
  git::Repository repo = git::Repository::open(h.root);
  HistoryStore store(repo);
  store.append(record("20261207T100000Z-00000001", "rejected", "k"));
  // The ref names a blob, not a commit.
  const std::string blob = trimmed(git(h.root, {"rev-parse", "HEAD:README.md"}));
  git(h.root, {"update-ref", kHistoryRef, blob});
  HistoryStore reader(repo);
  EXPECT_TRUE(reader.newest(20).empty());
  EXPECT_EQ(reader.find("20261207T100000Z-00000001"), std::nullopt);
  EXPECT_TRUE(reader.for_breaker_key("k").empty());
  EXPECT_TRUE(reader.breaker_keys().empty());
  const std::vector<std::string> damaged = reader.damaged();
  ASSERT_EQ(damaged.size(), 4u);
  EXPECT_TRUE(damaged[0].starts_with("refs/autofix/history: cannot read the commit " + blob + ": ")) << damaged[0];
  // Appending refuses (an attempt turns that into a warning, gate/run/history_entry.h).
  EXPECT_THROW(reader.append(record("20261207T110000Z-00000002")), Error);
}

TEST(HistoryStore, BreakerIndexListsEachKeysRecordsOldestFirst) {
  HistoryRepo h;
  git::Repository repo = git::Repository::open(h.root);
  HistoryStore store(repo);
  const std::string a = "github.com/o/r\nmain\ntarget: issue 7";
  const std::string b = "../weird key/with slashes";
  store.append(record("20261207T120000Z-0000000c", "rejected", a));
  store.append(record("20261207T100000Z-0000000a", "rejected", a));
  store.append(record("20261207T110000Z-0000000b", "rejected", b));
  store.append(record("20261208T090000Z-0000000d", "accepted", a));
  store.append(record("20261208T100000Z-0000000e", "accepted"));
  std::vector<std::string> ids;
  for (const HistoryRecord& r : store.for_breaker_key(a)) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"20261207T100000Z-0000000a", "20261207T120000Z-0000000c",
                                           "20261208T090000Z-0000000d"}));
  EXPECT_EQ(store.for_breaker_key(b).size(), 1u);
  EXPECT_TRUE(store.for_breaker_key("nothing").empty());
  std::vector<std::string> keys = store.breaker_keys();
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{b, a}));
  EXPECT_TRUE(store.damaged().empty());
}

}  // namespace
}  // namespace autofix
