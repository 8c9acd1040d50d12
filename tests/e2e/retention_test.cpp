// SPDX-License-Identifier: MIT
// Automatic retention end to end (docs/configuration.md#retention): after attempts with small limits the
// snapshots, discarded work trees and stored baselines are bounded and the newest remain; "retention":
// false keeps everything.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::make_patch;
using attempt::refs_under;
using Strings = std::vector<std::string>;

Strings sorted(Strings v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The stored baselines' keys.
Strings baseline_keys(const Calculator& c) {
  Strings out;
  for (const auto& e : fs::directory_iterator(c.repo() / ".git" / "autofix" / "baselines"))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  return sorted(out);
}

// Snapshot ids start with their second: a second apart, the newest is the newest by name too.
void next_second() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

TEST(Retention, AttemptsKeepTheNewestSnapshotsAndBaselinesWithinTheLimits) {
  Calculator c;
  const fs::path config = c.tmp() / "gate.json";
  write_file(config, R"({"version": 1, "retention": {"snapshots": 2, "snapshot_days": 0, "snapshots_at_most": 2, "baselines": 1}})");
  const std::string docs = make_patch(c, {{"docs/notes.md", "# Notes\n"}}, "notes");
  // History from before: two snapshots, a discarded work tree of 2020, two stored baselines of other trees.
  const std::string one = make_snapshot(c.repo(), "one");
  make_snapshot(c.repo(), "two");
  // The saved state (docs/state-hooks.md) of snapshot one, and of a snapshot that is gone: both go.
  const fs::path state = c.repo() / ".git" / "autofix" / "state";
  write_file(state / one / ".saved.json", "[]\n");
  write_file(state / "20200101T000000Z-abcdef" / ".saved.json", "[]\n");
  git(c.repo(), {"update-ref", "refs/autofix/discarded/20200101T000000Z-abcdef", "HEAD"});
  const fs::path baselines = c.repo() / ".git" / "autofix" / "baselines";
  for (const char* old : {"0ld1", "0ld2"}) {
    write_file(baselines / (std::string(old) + ".json"), "{}");
    fs::last_write_time(baselines / (std::string(old) + ".json"), fs::file_time_type::clock::now() - std::chrono::hours(48));
  }
  // Three batch records and the checkpoints of three batches, from 2020: the newest two of each stay.
  const fs::path batches = c.repo() / ".git" / "autofix" / "batches";
  const Strings old_batches = {"20200101T000000Z-aaaaaa", "20200102T000000Z-bbbbbb", "20200103T000000Z-cccccc"};
  for (const std::string& id : old_batches) {
    write_file(batches / id / "batch.json", "{}");
    for (const char* n : {"1", "2"}) git(c.repo(), {"update-ref", "refs/autofix/checkpoints/" + id + "/" + n, "HEAD"});
  }
  Strings attempts;
  std::string key;
  for (int i = 0; i < 2; ++i) {
    next_second();
    runners::ProcessResult r = c.attempt({"--config", config.string(), "--patch", docs});
    ASSERT_EQ(r.exit_code, 0) << show(r);
    attempts.push_back(c.report().at("snapshot").get<std::string>());
    key = c.report().at("baseline").at("key").get<std::string>();
  }
  EXPECT_EQ(sorted(refs_under(c.repo(), "refs/autofix/snapshots/")),
            sorted({"refs/autofix/snapshots/" + attempts[0], "refs/autofix/snapshots/" + attempts[1]}));
  // Each rollback after an accepted branch keeps the fix's work tree as a discarded one: the 2020 one went.
  EXPECT_EQ(sorted(refs_under(c.repo(), "refs/autofix/discarded/")),
            sorted({"refs/autofix/discarded/" + attempts[0], "refs/autofix/discarded/" + attempts[1]}));
  EXPECT_EQ(baseline_keys(c), Strings{key}) << "the baseline in use stays, the older ones go";
  EXPECT_TRUE(fs::is_empty(state)) << "the saved state goes with its snapshot";
  Strings records;
  for (const auto& entry : fs::directory_iterator(batches)) records.push_back(entry.path().filename().string());
  EXPECT_EQ(sorted(records), (Strings{old_batches[1], old_batches[2]}));
  EXPECT_EQ(sorted(refs_under(c.repo(), "refs/autofix/checkpoints/")),
            sorted({"refs/autofix/checkpoints/" + old_batches[1] + "/1", "refs/autofix/checkpoints/" + old_batches[1] + "/2",
                    "refs/autofix/checkpoints/" + old_batches[2] + "/1", "refs/autofix/checkpoints/" + old_batches[2] + "/2"}));

  // Turned off: nothing goes.
  write_file(config, R"({"version": 1, "retention": false})");
  next_second();
  runners::ProcessResult r = c.attempt({"--config", config.string(), "--patch", docs});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/snapshots/").size(), 3u);
}

}  // namespace
}  // namespace autofix::testing
