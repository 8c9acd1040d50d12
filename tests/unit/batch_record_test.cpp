// SPDX-License-Identifier: MIT
// The durable record of a batch (gate/state/batch_record.h): a round trip, a step line cut short by a
// kill (ignored, with a message), a damaged line before the last (refused), another version (refused),
// which records can be resumed.
#include "gate/state/batch_record.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::read_file;
using autofix::testing::write_file;

BatchRecord sample() {
  BatchRecord r;
  r.batch_id = "20261207T192829Z-4c8cda";
  r.started = "2026-12-07T19:28:29Z";
  r.source = "/work/b dir/batch.json";
  r.strategy = BatchStrategy::checkpoint;
  r.checkpoint_every = 2;
  r.on_accept = OnAccept::commit;
  r.base_tree = std::string(40, 'a');
  r.head = std::string(40, 'b');
  r.fixes = {{"tidy-1", "fixes/0001.diff", "diff --git a/x b/x\n\xff\xfe binary-ish\n", {}, std::nullopt},
             {"tidy-2", "fixes/0002.diff", "diff --git a/y b/y\n", {"tidy-1"}, "the patch was refused: no such file"}};
  return r;
}

BatchRecordStep step(std::vector<std::size_t> set, std::string verdict) {
  BatchRecordStep s;
  s.set = std::move(set);
  s.verdict = std::move(verdict);
  s.reason = s.verdict == "failed" ? "1 regression: Math.Mean" : "";
  s.seconds = 2.5;
  s.tests_fixed = {"Math.Mean"};
  s.tests_broken = {};
  s.tests_run = 12;
  s.tests_passed = 11;
  return s;
}

TEST(BatchRecord, RoundTripsTheBatchAndItsStepsByteForByte) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  const BatchRecord r = sample();
  store.create(r);
  EXPECT_EQ(store.read(r.batch_id), r);
  EXPECT_TRUE(store.read_steps(r.batch_id).steps.empty());
  std::vector<BatchRecordStep> steps = {step({0, 1}, "failed"), step({0}, "passed")};
  steps.front().suspects = std::vector<SuspectGroup>{{"Math.Mean", {1}}, {"Math.Sum", {0, 1}}};
  steps.push_back(step({1}, "not_applied"));
  steps.back().fix = 1;
  for (const BatchRecordStep& s : steps) store.append_step(r.batch_id, s);
  BatchRecordSteps back = store.read_steps(r.batch_id);
  EXPECT_EQ(back.steps, steps);
  EXPECT_FALSE(back.damaged);
  EXPECT_EQ(store.unfinished(), std::vector<std::string>{r.batch_id});
  EXPECT_FALSE(store.finished(r.batch_id));
  store.mark_finished(r.batch_id, "partial", "2026-12-07T19:30:00Z");
  EXPECT_TRUE(store.finished(r.batch_id));
  EXPECT_TRUE(store.unfinished().empty());
  EXPECT_EQ(read_file(store.dir(r.batch_id) / "patches" / "0001.diff"), r.fixes[0].patch_text);
}

TEST(BatchRecord, AllListsFinishedAndUnfinishedRecordsAndRemoveTakesOneAway) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  BatchRecord a = sample();
  BatchRecord b = sample();
  b.batch_id = "20261207T193000Z-000000";
  store.create(a);
  store.create(b);
  store.mark_finished(b.batch_id, "ok", "2026-12-07T19:31:00Z");
  std::filesystem::create_directories(tmp.path() / "batches" / "not a record");  // no batch.json: not listed
  EXPECT_EQ(store.all(), (std::vector<std::string>{a.batch_id, b.batch_id}));
  EXPECT_EQ(store.unfinished(), std::vector<std::string>{a.batch_id});
  store.remove(b.batch_id);
  EXPECT_FALSE(std::filesystem::exists(store.dir(b.batch_id)));
  EXPECT_EQ(store.all(), std::vector<std::string>{a.batch_id});
  EXPECT_THROW(store.remove("../escape"), Error);
}

TEST(BatchRecord, ALastLineCutShortIsIgnoredWithAMessageAndCanBeRepaired) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  const BatchRecord r = sample();
  store.create(r);
  store.append_step(r.batch_id, step({0, 1}, "failed"));
  const fs::path file = store.dir(r.batch_id) / "steps.jsonl";
  write_file(file, read_file(file) + R"({"set": [0], "verdict": "pas)");
  BatchRecordSteps back = store.read_steps(r.batch_id);
  EXPECT_EQ(back.steps, std::vector<BatchRecordStep>{step({0, 1}, "failed")});
  ASSERT_TRUE(back.damaged);
  EXPECT_EQ(*back.damaged, file.string() + ":2: cut short (no end of line); that step is judged again");
  store.rewrite_steps(r.batch_id, back.steps);
  store.append_step(r.batch_id, step({0}, "passed"));
  back = store.read_steps(r.batch_id);
  EXPECT_EQ(back.steps, (std::vector<BatchRecordStep>{step({0, 1}, "failed"), step({0}, "passed")}));
  EXPECT_FALSE(back.damaged);
}

TEST(BatchRecord, ADamagedLineBeforeTheLastIsRefused) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  const BatchRecord r = sample();
  store.create(r);
  const fs::path file = store.dir(r.batch_id) / "steps.jsonl";
  store.append_step(r.batch_id, step({0, 1}, "failed"));
  write_file(file, read_file(file) + "{\"set\": [0], \"verdict\": \"won\"}\n");
  store.append_step(r.batch_id, step({0}, "passed"));
  try {
    store.read_steps(r.batch_id);
    FAIL() << "a damaged line in the middle must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_NE(std::string(e.what()).find(file.string() + ":2: "), std::string::npos) << e.what();
    EXPECT_EQ(e.hint(), "start the batch again from its file: autofix-gate batch FILE");
  }
}

TEST(BatchRecord, AnotherVersionIsAClearError) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  const BatchRecord r = sample();
  store.create(r);
  const fs::path file = store.dir(r.batch_id) / "batch.json";
  std::string text = read_file(file);
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 2");
  write_file(file, text);
  try {
    store.read(r.batch_id);
    FAIL() << "version 2 must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "batch record " + file.string() + ": version: version 2 (this autofix-gate reads version 1)");
    EXPECT_EQ(e.hint(), "resume it with the autofix-gate that started it, or start the batch again from its file: "
                        "autofix-gate batch FILE");
  }
}

TEST(BatchRecord, AnIdThatIsAPathIsRefused) {
  TempDir tmp;
  BatchRecordStore store(tmp.path());
  for (const std::string id : {"../x", "a/b", ".hidden", ""})
    EXPECT_THROW(store.exists(id), Error) << id;
  EXPECT_FALSE(store.exists("20261207T192829Z-000000"));
  EXPECT_TRUE(store.unfinished().empty());
}

}  // namespace
}  // namespace autofix
