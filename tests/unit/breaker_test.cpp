// SPDX-License-Identifier: MIT
// The circuit breaker (gate/policy/breaker.h): every transition of the fold with an injected clock, exact
// states; the key, the target and the repository's identity.
#include "gate/policy/breaker.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

using namespace std::chrono_literals;

const SystemTime t0 = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7} + 10h;

BreakerEvent rejected(const std::string& id, SystemTime at, const std::string& sig = "rejected: 1 test(s) broken") {
  return {id, at, BreakerEventKind::rejected, sig};
}
BreakerEvent event(const std::string& id, SystemTime at, BreakerEventKind kind) { return {id, at, kind, ""}; }

std::vector<BreakerEvent> three_rejections() {
  return {rejected("r1", t0), rejected("r2", t0 + 1h), rejected("r3", t0 + 2h, "rejected: the build failed")};
}

BreakerState open_state(SystemTime opened, SystemTime half_opens, unsigned count, const std::string& sig,
                        const std::string& id) {
  BreakerState s;
  s.status = BreakerStatus::open;
  s.consecutive_rejections = count;
  s.opened_at = opened;
  s.half_opens_at = half_opens;
  s.last_signature = sig;
  s.last_event_id = id;
  return s;
}

TEST(Breaker, NoEventsIsClosed) { EXPECT_EQ(fold_breaker({}, BreakerConfig{}, t0), BreakerState{}); }

TEST(Breaker, TwoRejectionsStayClosed) {
  BreakerState expected;
  expected.consecutive_rejections = 2;
  expected.last_signature = "rejected: 1 test(s) broken";
  expected.last_event_id = "r2";
  EXPECT_EQ(fold_breaker({rejected("r1", t0), rejected("r2", t0 + 1h)}, BreakerConfig{}, t0 + 2h), expected);
}

TEST(Breaker, ThreeRejectionsOpenAtTheThirdAndHalfOpenAfterResetAfterFromIt) {
  EXPECT_EQ(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 3h),
            open_state(t0 + 2h, t0 + 26h, 3, "rejected: the build failed", "r3"));
}

TEST(Breaker, AThresholdOfOneOpensAtTheFirstRejection) {
  BreakerConfig config;
  config.threshold = 1;
  config.reset_after = 30min;
  EXPECT_EQ(fold_breaker({rejected("r1", t0)}, config, t0), open_state(t0, t0 + 30min, 1, "rejected: 1 test(s) broken", "r1"));
}

TEST(Breaker, AnAcceptedAttemptBeforeTheThresholdStartsTheCountAgain) {
  std::vector<BreakerEvent> events = {rejected("r1", t0), rejected("r2", t0 + 1h), event("a1", t0 + 2h, BreakerEventKind::accepted),
                                      rejected("r3", t0 + 3h), rejected("r4", t0 + 4h)};
  BreakerState expected;
  expected.consecutive_rejections = 2;
  expected.last_signature = "rejected: 1 test(s) broken";
  expected.last_event_id = "r4";
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 5h), expected);
}

TEST(Breaker, RefusedAttemptsWhileOpenChangeNothing) {
  auto events = three_rejections();
  events.push_back(event("x1", t0 + 3h, BreakerEventKind::refused));
  events.push_back(event("x2", t0 + 4h, BreakerEventKind::refused));
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 5h), open_state(t0 + 2h, t0 + 26h, 3, "rejected: the build failed", "r3"));
}

TEST(Breaker, HalfOpensAtExactlyResetAfterAfterTheLastRejectionNotASecondBefore) {
  auto open = open_state(t0 + 2h, t0 + 26h, 3, "rejected: the build failed", "r3");
  EXPECT_EQ(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 26h - 1s), open);
  BreakerState half = open;
  half.status = BreakerStatus::half_open;
  EXPECT_EQ(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 26h), half);
  EXPECT_EQ(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 100h), half);
}

TEST(Breaker, AnAcceptedAttemptInHalfOpenCloses) {
  auto events = three_rejections();
  events.push_back(event("a1", t0 + 27h, BreakerEventKind::accepted));
  BreakerState expected;
  expected.last_event_id = "a1";
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 28h), expected);
}

TEST(Breaker, ARejectionInHalfOpenReopensFromItsTime) {
  auto events = three_rejections();
  events.push_back(rejected("r4", t0 + 30h, "rejected: again"));
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 31h), open_state(t0 + 30h, t0 + 54h, 4, "rejected: again", "r4"));
  // ...and half-opens again reset_after later.
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 54h).status, BreakerStatus::half_open);
}

TEST(Breaker, ARejectionWhileOpenFromAConcurrentJobPushesHalfOpenButKeepsOpenedAt) {
  auto events = three_rejections();
  events.push_back(rejected("r4", t0 + 5h));
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 6h), open_state(t0 + 2h, t0 + 29h, 4, "rejected: 1 test(s) broken", "r4"));
}

TEST(Breaker, ResetClosesAndClearsTheCountInAnyState) {
  auto events = three_rejections();
  events.push_back(event("reset1", t0 + 3h, BreakerEventKind::reset));
  BreakerState expected;
  expected.last_event_id = "reset1";
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 4h), expected);
  // After a reset it takes `threshold` new rejections to open again.
  events.push_back(rejected("r5", t0 + 5h));
  events.push_back(rejected("r6", t0 + 6h));
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 7h).status, BreakerStatus::closed);
  events.push_back(rejected("r7", t0 + 7h));
  EXPECT_EQ(fold_breaker(events, BreakerConfig{}, t0 + 8h), open_state(t0 + 7h, t0 + 31h, 3, "rejected: 1 test(s) broken", "r7"));
}

TEST(Breaker, DisabledNeverOpensButCounts) {
  BreakerConfig config;
  config.enabled = false;
  auto events = three_rejections();
  events.push_back(rejected("r4", t0 + 3h));
  BreakerState expected;
  expected.consecutive_rejections = 4;
  expected.last_signature = "rejected: 1 test(s) broken";
  expected.last_event_id = "r4";
  EXPECT_EQ(fold_breaker(events, config, t0 + 4h), expected);
  EXPECT_FALSE(breaker_refuses(fold_breaker(events, config, t0 + 4h)));
}

TEST(Breaker, OnlyOpenRefuses) {
  EXPECT_TRUE(breaker_refuses(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 3h)));
  EXPECT_FALSE(breaker_refuses(fold_breaker(three_rejections(), BreakerConfig{}, t0 + 26h)));
  EXPECT_FALSE(breaker_refuses(fold_breaker({rejected("r1", t0)}, BreakerConfig{}, t0)));
}

TEST(Breaker, EventKindsOfHistoryRecords) {
  EXPECT_EQ(breaker_event_kind("breaker-reset", "reset"), BreakerEventKind::reset);
  EXPECT_EQ(breaker_event_kind("attempt", "accepted"), BreakerEventKind::accepted);
  EXPECT_EQ(breaker_event_kind("batch", "rejected"), BreakerEventKind::rejected);
  EXPECT_EQ(breaker_event_kind("attempt", "refused_breaker_open"), BreakerEventKind::refused);
  EXPECT_EQ(breaker_event_kind("attempt", "needs_review"), std::nullopt);
  EXPECT_EQ(breaker_event_kind("attempt", "error"), std::nullopt);
  EXPECT_EQ(breaker_event_kind("attempt", "planned"), std::nullopt);
}

TEST(BreakerKey, RepositoryIdentityFromOriginUrls) {
  const std::filesystem::path repo = "/work/repo";
  EXPECT_EQ(repository_identity("https://github.com/Owner/Repo.git", repo), "github.com/Owner/Repo");
  EXPECT_EQ(repository_identity("https://user:token@GitHub.com:443/Owner/Repo/", repo), "github.com/Owner/Repo");
  EXPECT_EQ(repository_identity("git@github.com:Owner/Repo.git", repo), "github.com/Owner/Repo");
  EXPECT_EQ(repository_identity("ssh://git@gitlab.example.com:2222/group/sub/repo.git", repo), "gitlab.example.com/group/sub/repo");
  EXPECT_EQ(repository_identity("file:///srv/git/repo.git", repo), "/srv/git/repo");
  EXPECT_EQ(repository_identity("/srv/git/repo.git", repo), "/srv/git/repo");
  EXPECT_EQ(repository_identity(std::nullopt, repo), "/work/repo");
  EXPECT_EQ(repository_identity("  ", repo), "/work/repo");
}

TEST(BreakerKey, TargetIsTheCallersElseTheTestsToFixElseTheBaselinesFailingOnesElseAny) {
  EXPECT_EQ(breaker_target("  ISSUE-14 ", {"a"}, {"b"}), "ISSUE-14");
  EXPECT_EQ(breaker_target("   ", {"b::x", "a::y", "b::x"}, {"c"}), "tests:a::y,b::x");
  EXPECT_EQ(breaker_target(std::nullopt, {}, {"Suite.Case (took 12 ms)", "z"}), "tests:Suite.Case (took <duration>),z");
  EXPECT_EQ(breaker_target(std::nullopt, {}, {}), "any");
}

TEST(BreakerKey, ALongListOfTestsKeepsItsStartAndAHashOfTheWhole) {
  std::vector<std::string> many, other;
  for (int i = 0; i < 40; ++i) many.push_back("Suite.case_number_" + std::to_string(100 + i));
  other = many;
  other.back() = "Suite.case_number_999";
  std::string a = breaker_target(std::nullopt, many, {});
  std::string b = breaker_target(std::nullopt, other, {});
  EXPECT_LE(a.size(), kMaxTargetLength);
  EXPECT_TRUE(a.starts_with("tests:Suite.case_number_100,Suite.case_number_101,")) << a;
  EXPECT_NE(a.find(",...+"), std::string::npos) << a;
  EXPECT_NE(a, b);
  EXPECT_EQ(a.substr(0, a.find('#')), b.substr(0, b.find('#')));
}

TEST(BreakerKey, IsReadableRepoBranchTarget) {
  EXPECT_EQ(breaker_key("github.com/o/r", "main", "any"), "github.com/o/r|main|any");
  EXPECT_EQ(breaker_key("/work/repo", "", "ISSUE-14"), "/work/repo|(detached)|ISSUE-14");
}

}  // namespace
}  // namespace autofix
