// SPDX-License-Identifier: MIT
// The circuit breaker at work (gate/run/breaker.h): history records as events, the state folded from a
// real history store, the reset record, the key of a repository, and the refusal's message.
#include "gate/run/breaker.h"

#include <gtest/gtest.h>

#include "gate/state/history_store.h"
#include "gate/util/clock.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using autofix::testing::git;
using autofix::testing::TempDir;
using namespace std::chrono_literals;

HistoryRecord record(const std::string& id, const std::string& ended, const std::string& verdict,
                     const std::string& key, const std::string& command = "attempt") {
  HistoryRecord r;
  r.id = id;
  r.started = ended;
  r.ended = ended;
  r.command = command;
  r.verdict = verdict;
  r.reason = "because";
  r.failure.signature = verdict == "rejected" ? "rejected: sig of " + id : "";
  r.breaker_key = key;
  return r;
}

TEST(BreakerEvents, RecordsBecomeEventsByWhenTheyEndedAndTheRestIsLeftOut) {
  std::vector<HistoryRecord> records = {
      record("20261207T100000Z-000001", "2026-12-07T10:05:00Z", "rejected", "k"),
      record("20261207T100100Z-000002", "2026-12-07T10:02:00Z", "accepted", "k"),  // ended first
      record("20261207T100200Z-000003", "2026-12-07T10:06:00Z", "needs_review", "k"),
      record("20261207T100300Z-000004", "2026-12-07T10:07:00Z", "refused_breaker_open", "k"),
      record("20261207T100400Z-000005", "2026-12-07T10:08:00Z", "reset", "k", "breaker-reset"),
      record("20261207T100500Z-000006", "not a time", "rejected", "k")};
  std::vector<BreakerEvent> events = breaker_events(records);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].id, "20261207T100100Z-000002");
  EXPECT_EQ(events[0].kind, BreakerEventKind::accepted);
  EXPECT_EQ(events[1].id, "20261207T100000Z-000001");
  EXPECT_EQ(events[1].kind, BreakerEventKind::rejected);
  EXPECT_EQ(events[1].signature, "rejected: sig of 20261207T100000Z-000001");
  EXPECT_EQ(events[1].at, parse_iso8601_utc("2026-12-07T10:05:00Z"));
  EXPECT_EQ(events[2].kind, BreakerEventKind::refused);
  EXPECT_EQ(events[3].kind, BreakerEventKind::reset);
}

TEST(BreakerEvents, WithinOneSecondAResetOrAnAcceptedAttemptComesAfterTheRejections) {
  // Ids of one second sort by their random digits: the reset's may come first.
  std::vector<HistoryRecord> records = {
      record("20261207T100000Z-000001", "2026-12-07T10:00:00Z", "reset", "k", "breaker-reset"),
      record("20261207T100000Z-000002", "2026-12-07T10:00:00Z", "accepted", "k"),
      record("20261207T100000Z-000003", "2026-12-07T10:00:00Z", "rejected", "k")};
  std::vector<BreakerEvent> events = breaker_events(records);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, BreakerEventKind::rejected);
  EXPECT_EQ(events[1].kind, BreakerEventKind::accepted);
  EXPECT_EQ(events[2].kind, BreakerEventKind::reset);
  BreakerConfig one;
  one.threshold = 1;
  EXPECT_EQ(fold_breaker(events, one, parse_iso8601_utc("2026-12-07T10:00:01Z")).status, BreakerStatus::closed);
}

TEST(BreakerState, IsFoldedFromTheHistoryAndAResetRecordClosesIt) {
  TempDir tmp;
  const std::filesystem::path root = tmp / "breaker repo";
  autofix::testing::init_repo(root);
  git::Repository repo = git::Repository::open(root);
  HistoryStore store(repo);
  const std::string key = "/r|main|any";
  store.append(record("20261207T100000Z-000001", "2026-12-07T10:00:10Z", "rejected", key));
  store.append(record("20261207T110000Z-000002", "2026-12-07T11:00:10Z", "rejected", key));
  store.append(record("20261207T113000Z-000009", "2026-12-07T11:30:10Z", "rejected", "/r|main|other"));
  store.append(record("20261207T120000Z-000003", "2026-12-07T12:00:10Z", "rejected", key));
  const SystemTime now = parse_iso8601_utc("2026-12-07T13:00:00Z");

  BreakerState state = current_breaker_state(repo, key, BreakerConfig{}, now);
  EXPECT_EQ(state.status, BreakerStatus::open);
  EXPECT_EQ(state.consecutive_rejections, 3u);
  EXPECT_EQ(state.opened_at, parse_iso8601_utc("2026-12-07T12:00:10Z"));
  EXPECT_EQ(state.half_opens_at, parse_iso8601_utc("2026-12-08T12:00:10Z"));
  EXPECT_EQ(state.last_signature, "rejected: sig of 20261207T120000Z-000003");

  std::vector<BreakerListing> all = list_breakers(repo, BreakerConfig{}, now);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].key, "/r|main|any");
  EXPECT_EQ(all[0].state, state);
  EXPECT_EQ(all[1].key, "/r|main|other");
  EXPECT_EQ(all[1].state.status, BreakerStatus::closed);

  const std::string id = reset_breaker(repo, key, "looked at it", {"autofix-gate", "breaker", "reset", key}, now);
  std::optional<HistoryRecord> reset = HistoryStore(repo).find(id);
  ASSERT_TRUE(reset);
  EXPECT_EQ(reset->command, "breaker-reset");
  EXPECT_EQ(reset->verdict, "reset");
  EXPECT_EQ(reset->reason, "looked at it");
  EXPECT_EQ(reset->breaker_key, key);
  EXPECT_EQ(reset->args, (std::vector<std::string>{"breaker", "reset", key}));
  BreakerState after = current_breaker_state(repo, key, BreakerConfig{}, now + 1s);
  BreakerState closed;
  closed.last_event_id = id;
  EXPECT_EQ(after, closed);
}

TEST(BreakerKeyOf, IsTheOriginTheBranchAndTheTarget) {
  TempDir tmp;
  const std::filesystem::path root = tmp / "key repo";
  autofix::testing::init_repo(root);
  git::Repository repo = git::Repository::open(root);
  const std::string path = repo.workdir().generic_string();
  const std::string without_slash = path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
  EXPECT_EQ(breaker_key_of(repo, std::nullopt, {}), without_slash + "|main|any");
  git(root, {"remote", "add", "origin", "git@GitHub.com:acme/parser.git"});
  EXPECT_EQ(breaker_key_of(repo, "ISSUE-14", {"ignored"}), "github.com/acme/parser|main|ISSUE-14");
  EXPECT_EQ(breaker_key_of(repo, std::nullopt, {"b", "a"}), "github.com/acme/parser|main|tests:a,b");
  // Without --target and --require-fixed: the baseline's failing tests, normalized and sorted.
  EXPECT_EQ(breaker_key_of(repo, std::nullopt, {}, {"math.div (took 12 ms)", "io.read"}),
            "github.com/acme/parser|main|tests:io.read,math.div (took <duration>)");
  EXPECT_EQ(breaker_key_of(repo, std::nullopt, {"a"}, {"ignored"}), "github.com/acme/parser|main|tests:a");
  EXPECT_EQ(breaker_key_of(repo, "ISSUE-14", {}, {"ignored"}), "github.com/acme/parser|main|ISSUE-14");
  git(root, {"checkout", "-q", "--detach"});
  EXPECT_EQ(breaker_key_of(repo, std::nullopt, {}), "github.com/acme/parser|(detached)|any");
}

// The tests a fix would have to turn green: failed or timed out on the baseline, not flaky there.
TEST(BaselineFailingTests, AreTheFailuresAndTimeoutsThatRepeated) {
  BaselineRecord b;
  for (auto [name, status] : {std::pair{"passes", RunStatus::passed}, {"fails", RunStatus::failed},
                              {"hangs", RunStatus::timeout}, {"skipped", RunStatus::skipped},
                              {"not run", RunStatus::not_run}, {"flakes", RunStatus::failed}}) {
    TestRecord t;
    t.name = name;
    t.status = status;
    b.tests.push_back(t);
  }
  b.flaky = {"flakes"};
  EXPECT_EQ(baseline_failing_tests(b), (std::vector<std::string>{"fails", "hangs"}));
  EXPECT_TRUE(baseline_failing_tests(BaselineRecord{}).empty());
}

TEST(BreakerRefusal, SaysTheKeyTheFailureTheTimesAndTheExactResetCommand) {
  BreakerState state;
  state.status = BreakerStatus::open;
  state.consecutive_rejections = 3;
  state.opened_at = parse_iso8601_utc("2026-12-07T12:00:10Z");
  state.half_opens_at = parse_iso8601_utc("2026-12-08T12:00:10Z");
  state.last_signature = "rejected: the build failed\ntest A";
  BreakerRefusal r = breaker_refusal("/r|main|any", state);
  EXPECT_EQ(r, (BreakerRefusal{"/r|main|any", "rejected: the build failed\ntest A", 3, "2026-12-07T12:00:10Z",
                               "2026-12-08T12:00:10Z", "autofix-gate breaker reset '/r|main|any' --reason WHY"}));
  EXPECT_EQ(refusal_message(r),
            "refused: the circuit breaker is open for /r|main|any\n"
            "  3 consecutive rejections, the last: rejected: the build failed\n"
            "  opened at 2026-12-07T12:00:10Z; it half-opens at 2026-12-08T12:00:10Z (then one attempt may run)\n"
            "  to reset it now: autofix-gate breaker reset '/r|main|any' --reason WHY");
}

}  // namespace
}  // namespace autofix
