// SPDX-License-Identifier: MIT
#include "gate/policy/decide.h"
#include "gate/policy/classify.h"
#include "gate/run/shard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "gate/results/report_reader.h"
#include "gate/util/error.h"
#include "reporters/attempt_report.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;

const std::string kBase = "1111111111111111111111111111111111111111";
const std::string kHead = "2222222222222222222222222222222222222222";

TestOutcome outcome(const std::string& name, RunStatus before, RunStatus after) {
  std::vector<TestOutcome> t = classify({{name, before, 0.5, ""}}, {{name, after, 0.25, ""}});
  return t.front();
}

// The unsharded result of one verify run: the reference every merge must agree with.
AttemptResult full_run(bool with_regression) {
  AttemptResult r;
  r.mode = "verify";
  r.attempt_id = "20261122T000000Z-run";
  r.snapshot = r.attempt_id;
  r.started = "2026-11-22T00:00:00Z";
  r.on_accept = OnAccept::none;
  r.base = kBase;
  r.head = kHead;
  r.files_changed = {{"src/a.cpp", FileStatus::modified}};
  r.build = {true, true, 10, {}, ""};
  r.baseline = {"key", true, 2, true};
  r.require_fixed = {"Math.Mean"};
  r.tests = {outcome("Format.Two", RunStatus::passed, with_regression ? RunStatus::failed : RunStatus::passed),
             outcome("Math.Mean", RunStatus::failed, RunStatus::passed),
             outcome("Math.Sum", RunStatus::passed, RunStatus::passed),
             outcome("Parse.Empty", RunStatus::failed, RunStatus::failed),
             outcome("Parse.Long", RunStatus::passed, RunStatus::passed),
             outcome("Util.Trim", RunStatus::passed, RunStatus::passed)};
  TestOutcome fresh;
  fresh.name = "Util.New";
  fresh.transition = Transition::NEW;
  fresh.after = TestRecord{"Util.New", RunStatus::passed, 0.1, ""};
  r.tests.push_back(fresh);
  std::sort(r.tests.begin(), r.tests.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return r;
}

// The share of shard k of n: every n-th test, its own ctest tier and durations; the file tier runs in
// shard 1 only (as `verify --shard` does).
AttemptResult partial(const AttemptResult& full, int k, int n) {
  AttemptResult p = full;
  p.shard = std::to_string(k) + "/" + std::to_string(n);
  p.attempt_id = full.attempt_id + "-" + std::to_string(k);
  p.baseline.key = "key\nshard " + *p.shard;
  p.tests.clear();
  for (size_t i = 0; i < full.tests.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(n)) + 1 == k) p.tests.push_back(full.tests[i]);
  TierResult unit{"unit", TierKind::ctest, true, TierStatus::passed, "", 1.0, {}, {}};
  size_t regressions = 0;
  for (const TestOutcome& t : p.tests) {
    unit.tests.push_back(t.name);
    if (t.transition == Transition::PASS_TO_FAIL) {
      ++regressions;
      unit.findings.push_back({"regression", "", 0, 0, "error", t.name + " broke", t.name, FindingState::new_, ""});
    }
  }
  unit.status = regressions ? TierStatus::failed : TierStatus::passed;
  unit.reason = std::to_string(unit.tests.size()) + " test(s), " + std::to_string(regressions) + " regression(s)";
  TierResult tidy{"tidy", TierKind::clang_tidy, false, TierStatus::skipped, "runs in shard 1 only", 0, {}, {}};
  if (k == 1) {
    tidy.status = TierStatus::passed;
    tidy.reason = "no new findings";
    tidy.duration_s = 4;
    tidy.findings.push_back({"bugprone-x", "src/a.cpp", 3, 1, "warning", "old", "fp", FindingState::unchanged, ""});
  }
  p.tiers = {unit, tidy};
  p.durations = {{"build", 10}, {"test", 2}};
  Decision d = decide(p);
  p.verdict = d.verdict;
  p.reason = d.reason;
  return p;
}

// The unsharded result, tiers included, decided as verify would.
AttemptResult decided(AttemptResult full) {
  AttemptResult p = partial(full, 1, 1);
  p.shard = std::nullopt;
  return p;
}

fs::path write_report(const testing::TempDir& dir, const std::string& name, const AttemptResult& r) {
  fs::path p = dir / name;
  testing::write_file(p, reporters::dump_json(reporters::attempt_json(r)));
  return p;
}

std::vector<fs::path> write_partials(const testing::TempDir& dir, const AttemptResult& full, int n,
                                     const std::function<void(AttemptResult&)>& edit = {}) {
  std::vector<fs::path> out;
  for (int k = 1; k <= n; ++k) {
    AttemptResult p = partial(full, k, n);
    if (edit) edit(p);
    out.push_back(write_report(dir, "shard " + std::to_string(k) + " of " + std::to_string(n) + ".json", p));
  }
  return out;
}

std::map<std::string, Transition> transitions(const AttemptResult& r) {
  std::map<std::string, Transition> out;
  for (const TestOutcome& t : r.tests) out[t.name] = t.transition;
  return out;
}

std::string merge_error(const std::vector<fs::path>& files) {
  try {
    merge_partials(files);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    EXPECT_FALSE(e.hint().empty());
    return e.what();
  }
  return "merged";
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class MergeMatchesUnsharded : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(MergeMatchesUnsharded, VerdictAndTransitions) {
  auto [n, with_regression] = GetParam();
  AttemptResult full = full_run(with_regression);
  AttemptResult reference = decided(full);
  ASSERT_EQ(reference.verdict, with_regression ? Verdict::rejected : Verdict::accepted) << reference.reason;
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full, n);
  std::reverse(files.begin(), files.end());  // the order of the arguments does not matter
  AttemptResult merged = merge_partials(files);
  EXPECT_EQ(merged.verdict, reference.verdict) << merged.reason;
  EXPECT_EQ(merged.reason, reference.reason);
  EXPECT_EQ(transitions(merged), transitions(reference));
  // The merge also says which shard ran each test (SaysWhichShardRanWhat); the rest is the unsharded run's.
  nlohmann::json merged_tests = reporters::attempt_json(merged)["tests"];
  for (nlohmann::json& t : merged_tests) {
    EXPECT_TRUE(t["shard"] >= 1 && t["shard"] <= n) << t.dump();
    t["shard"] = nullptr;
  }
  EXPECT_EQ(merged_tests, reporters::attempt_json(reference)["tests"]);
  EXPECT_EQ(merged.shard, std::nullopt);
  EXPECT_EQ(merged.attempt_id, "merged-20261122T000000Z-run-1");
  EXPECT_EQ(merged.base, kBase);
  EXPECT_EQ(merged.head, kHead);
  EXPECT_EQ(merged.mode, "verify");
  EXPECT_EQ(merged.baseline.key, "key\nshard 1/" + std::to_string(n));
  ASSERT_EQ(merged.tiers.size(), 2u);
  EXPECT_EQ(merged.tiers[0].tests.size(), full.tests.size());
  EXPECT_EQ(merged.tiers[0].status, with_regression ? TierStatus::failed : TierStatus::passed);
  EXPECT_DOUBLE_EQ(merged.tiers[0].duration_s, n * 1.0);
  EXPECT_EQ(merged.tiers[1].status, TierStatus::passed);
  EXPECT_EQ(merged.tiers[1].findings.size(), 1u);
  std::vector<std::pair<std::string, double>> durations = {{"build", 10.0 * n}, {"test", 2.0 * n}};
  EXPECT_EQ(merged.durations, durations);
  EXPECT_DOUBLE_EQ(merged.build.duration_s, 10.0 * n);
}

INSTANTIATE_TEST_SUITE_P(Shards, MergeMatchesUnsharded,
                         ::testing::Combine(::testing::Values(1, 2, 3), ::testing::Bool()));

TEST(MergePartials, ARegressionInShardTwoRejects) {
  AttemptResult full = full_run(true);
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full, 3);
  // Format.Two (the regression) is the first test: with three shards it is in shard 1. Move it to shard 2.
  AttemptResult one = partial(full, 1, 3), two = partial(full, 2, 3);
  auto regression = std::find_if(one.tests.begin(), one.tests.end(), [](const TestOutcome& t) { return t.name == "Format.Two"; });
  ASSERT_NE(regression, one.tests.end());
  two.tests.insert(two.tests.begin(), *regression);
  one.tests.erase(regression);
  for (AttemptResult* p : {&one, &two}) {
    AttemptResult redone = partial(*p, 1, 1);  // recompute the tier from the tests now in the shard
    p->tiers[0] = redone.tiers[0];
    Decision d = decide(*p);
    p->verdict = d.verdict;
    p->reason = d.reason;
  }
  ASSERT_EQ(two.verdict, Verdict::rejected) << two.reason;
  files[0] = write_report(dir, "one.json", one);
  files[1] = write_report(dir, "two.json", two);
  AttemptResult merged = merge_partials(files);
  EXPECT_EQ(merged.verdict, Verdict::rejected);
  EXPECT_EQ(merged.reason, "1 test(s) broken by the fix: Format.Two passed without the fix and fails with it");
  EXPECT_EQ(merged.tiers[0].status, TierStatus::failed);
  EXPECT_EQ(merged.tiers[0].reason, "merged from 3 shards: failed in shard 2: 3 test(s), 1 regression(s)");
  EXPECT_EQ(merged.tiers[1].reason, "merged from 3 shards: passed in shard 1: no new findings");
  EXPECT_EQ(transitions(merged), transitions(decided(full)));
}

// The merged result says which shard ran each test and which shards ran each tier (report.html shows it),
// and keeps what the partials' report.json files hold of the sources (a finding's excerpt).
TEST(MergePartials, SaysWhichShardRanWhat) {
  AttemptResult full = full_run(true);
  testing::TempDir dir;
  const SourceExcerpt lines{"src/a.cpp", 3, 2, {"int a;", "int b = a / 2;"}, {}};
  std::vector<fs::path> files = write_partials(dir, full, 3, [&](AttemptResult& p) {
    if (*p.shard == "1/3") p.tiers[1].findings[0].excerpt = lines;
    if (*p.shard == "3/3") p.tiers.pop_back();  // as verify leaves the file tiers to shard 1
  });
  AttemptResult merged = merge_partials(files);
  std::map<std::string, int> shard_of;
  for (const TestOutcome& t : merged.tests) shard_of[t.name] = t.shard;
  // Shard k of 3 runs the tests at positions k - 1, k + 2, ... of the sorted list.
  EXPECT_EQ(shard_of, (std::map<std::string, int>{{"Format.Two", 1}, {"Math.Mean", 2}, {"Math.Sum", 3}, {"Parse.Empty", 1},
                                                  {"Parse.Long", 2}, {"Util.New", 3}, {"Util.Trim", 1}}));
  ASSERT_EQ(merged.tiers.size(), 2u);
  EXPECT_EQ(merged.tiers[0].shards, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(merged.tiers[1].shards, (std::vector<int>{1, 2}));
  EXPECT_EQ(merged.tiers[1].findings.at(0).excerpt, lines);
  // A partial says nothing of shards per test: only the merge knows.
  EXPECT_EQ(partial(full, 1, 3).tests[0].shard, 0);
}

TEST(MergePartials, AnErrorInOneShardFailsClosed) {
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full_run(false), 3, [](AttemptResult& p) {
    if (*p.shard != "3/3") return;
    p.verdict = Verdict::error;
    p.reason = "the base does not build, so the change cannot be judged";
    p.files_changed.clear();  // it never got as far as the change
  });
  AttemptResult merged = merge_partials(files);
  EXPECT_EQ(merged.verdict, Verdict::error);
  EXPECT_EQ(merged.reason, "shard 3/3: the base does not build, so the change cannot be judged");
  EXPECT_EQ(merged.files_changed.size(), 1u);
}

TEST(MergePartials, KeepsTheWorstOfBuildRiskAndBaseline) {
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full_run(false), 3, [](AttemptResult& p) {
    if (*p.shard == "2/3") {
      p.build = {true, false, 3, {"x.cpp:1: error: boom"}, "the build failed"};
      p.risk = {RiskLevel::critical, "src/**", "src/a.cpp"};
      p.baseline.cached = false;
      p.baseline.runs = 9;
      p.lane = {Lane::heavy, "shard 2 thinks so"};
    }
    if (*p.shard == "3/3") {
      p.risk = {RiskLevel::high, "src/a.cpp", "src/a.cpp"};
      p.cascading = {{"Format.Two", CascadeKind::direct, "src/a.cpp", {"a"}}};
      p.tampering = {{TamperKind::disabled, "t.cpp", 1, "T", "", false}};
      p.require_fixed.push_back("Parse.Long");
    }
    if (*p.shard == "1/3") {
      p.cascading = {{"Format.Two", CascadeKind::direct, "src/a.cpp", {"a"}}};
      p.tampering = {{TamperKind::disabled, "t.cpp", 1, "T", "", false}, {TamperKind::skipped, "u.cpp", 2, "U", "", true}};
    }
  });
  AttemptResult merged = merge_partials(files);
  EXPECT_FALSE(merged.build.ok);
  EXPECT_TRUE(merged.build.ran);
  EXPECT_EQ(merged.build.errors, std::vector<std::string>{"x.cpp:1: error: boom"});
  EXPECT_EQ(merged.build.failure, "the build failed");
  EXPECT_DOUBLE_EQ(merged.build.duration_s, 23);
  EXPECT_EQ(merged.verdict, Verdict::rejected);
  EXPECT_EQ(merged.reason, "the build failed with the fix: x.cpp:1: error: boom");
  EXPECT_EQ(merged.risk.level, RiskLevel::critical);
  EXPECT_EQ(merged.risk.pattern, "src/**");
  EXPECT_EQ(merged.lane.lane, Lane::standard);
  EXPECT_FALSE(merged.baseline.cached);
  EXPECT_EQ(merged.baseline.runs, 9);
  EXPECT_EQ(merged.cascading.size(), 1u);
  EXPECT_EQ(merged.tampering.size(), 2u);
  EXPECT_EQ(merged.require_fixed, (std::vector<std::string>{"Math.Mean", "Parse.Long"}));
}

TEST(MergePartials, ATestInTwoShardsMustAgree) {
  AttemptResult full = full_run(false);
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full, 2, [&](AttemptResult& p) {
    if (*p.shard == "2/2") p.tests.insert(p.tests.begin(), full.tests.front());  // the same result twice
  });
  AttemptResult merged = merge_partials(files);
  EXPECT_EQ(merged.tests.size(), full.tests.size());

  files = write_partials(dir, full, 2, [&](AttemptResult& p) {
    if (*p.shard != "2/2") return;
    TestOutcome other = full.tests.front();
    other.after->status = RunStatus::failed;
    other.transition = Transition::PASS_TO_FAIL;
    p.tests.insert(p.tests.begin(), other);
  });
  EXPECT_EQ(merge_error(files), "test 'Format.Two' is in " + q(files[0]) + " (PASS_TO_PASS) and in " + q(files[1]) +
                                    " (PASS_TO_FAIL) with different results");
}

TEST(MergePartials, RefusesATierOfAnotherKind) {
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full_run(false), 2, [](AttemptResult& p) {
    if (*p.shard == "2/2") p.tiers[1].kind = TierKind::cppcheck;
  });
  EXPECT_EQ(merge_error(files), "tier 'tidy' is of kind 'clang-tidy' in " + q(files[0]) + " but 'cppcheck' in " +
                                    q(files[1]));
}

TEST(MergePartials, RefusesAMissingShard) {
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full_run(false), 3);
  EXPECT_EQ(merge_error({files[0], files[2]}),
            "shard 2/3 is missing: got 1/3 from " + q(files[0]) + ", 3/3 from " + q(files[2]));
  EXPECT_EQ(merge_error({files[2]}),
            "shards 1/3 and 2/3 are missing: got 3/3 from " + q(files[2]));
  EXPECT_EQ(merge_error({}), "merge needs the report.json of every shard, got none");
}

TEST(MergePartials, RefusesADuplicateShard) {
  testing::TempDir dir;
  std::vector<fs::path> files = write_partials(dir, full_run(false), 2);
  fs::path again = dir / "again.json";
  fs::copy_file(files[1], again);
  EXPECT_EQ(merge_error({files[0], files[1], again}), "shard 2/2 appears twice: " + q(files[1]) + " and " + q(again));
}

TEST(MergePartials, RefusesPartialsOfDifferentRuns) {
  testing::TempDir dir;
  AttemptResult full = full_run(false);
  std::vector<fs::path> files = write_partials(dir, full, 2);
  AttemptResult other = partial(full, 2, 2);
  other.base = "3333333333333333333333333333333333333333";
  fs::path other_base = write_report(dir, "other base.json", other);
  EXPECT_EQ(merge_error({files[0], other_base}),
            q(other_base) + " verifies base 3333333333333333333333333333333333333333 but " + q(files[0]) +
                " verifies base " + kBase + ": the partials are not of one run");
  other = partial(full, 2, 2);
  other.head = std::nullopt;
  fs::path no_head = write_report(dir, "no head.json", other);
  EXPECT_EQ(merge_error({files[0], no_head}), q(no_head) + " verifies head (none) but " + q(files[0]) +
                                                  " verifies head " + kHead + ": the partials are not of one run");

  fs::path three = write_report(dir, "three.json", partial(full, 2, 3));
  EXPECT_EQ(merge_error({files[0], three}),
            q(three) + " is shard 2/3 but " + q(files[0]) + " is shard 1/2: the partials come from different splits");

  other = partial(full, 2, 2);
  other.files_changed.push_back({"src/b.cpp", FileStatus::added});
  fs::path more_files = write_report(dir, "more files.json", other);
  EXPECT_EQ(merge_error({files[0], more_files}), q(more_files) + " (shard 2/2) lists other changed files than " +
                                                     q(files[0]) + " (shard 1/2): the partials are not of one change");
}

TEST(MergePartials, RefusesWhatIsNotAPartial) {
  testing::TempDir dir;
  AttemptResult full = full_run(false);
  fs::path whole = write_report(dir, "whole.json", decided(full));
  EXPECT_EQ(merge_error({whole}), q(whole) + " is not a partial result: its shard is null (partials are written by "
                                             "`verify --shard K/N`)");
  AttemptResult attempt = partial(full, 1, 1);
  attempt.mode = "attempt";
  fs::path a = write_report(dir, "attempt.json", attempt);
  EXPECT_EQ(merge_error({a}), q(a) + " is a result of mode 'attempt', not a partial result of verify");
  AttemptResult bad = partial(full, 1, 1);
  bad.shard = "0/1";
  fs::path b = write_report(dir, "bad.json", bad);
  EXPECT_EQ(merge_error({b}), q(b) + ": shard: '0/1' is not K/N with 1 <= K <= N <= 1000");
  // A level no gate writes: the report reader refuses it.
  nlohmann::json risky = reporters::attempt_json(partial(full, 1, 1));
  risky["risk"]["level"] = "extreme";
  fs::path r = dir / "risky.json";
  testing::write_file(r, risky.dump());
  EXPECT_EQ(merge_error({r}), r.string() + ": risk.level: unknown risk level 'extreme' (expected normal, high or critical)");
  testing::write_file(dir / "broken.json", "{");
  EXPECT_EQ(merge_error({dir / "broken.json"}),
            (dir / "broken.json").string() + ": not valid JSON: parse error at line 1, column 2: syntax error while "
                                             "parsing object key - unexpected end of input; expected string literal");
}

}  // namespace
}  // namespace autofix
