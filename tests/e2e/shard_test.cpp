// SPDX-License-Identifier: MIT
// `autofix-gate verify --shard K/N` and `autofix-gate merge` end to end, on a copy of
// examples/calculator with a fix committed on top: the shards of a split, merged, say what one
// unsharded run says (verdict, and each test's transition), for N = 3 (10 tests: 4, 3 and 3) for an
// accepted change and N = 2 for a rejected one; and every verify run leaves HEAD, the index and the work
// tree exactly as they were. (Each verify builds the base and the head: a few seconds each.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;
using attempt::json_strings;
using attempt::kExampleTests;
using attempt::kFixedTest;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;
using nlohmann::json;

json read_json(const fs::path& file) {
  json j = json::parse(read_file(file), nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(file.string() + " is not JSON");
  return j;
}

// report.json's cascading entries, ordered by test (a merge lists them in shard order).
json sorted_cascading(const json& report) {
  json out = report.at("cascading");
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a.at("test") < b.at("test"); });
  return out;
}

// report.json's tests as name -> transition.
std::map<std::string, std::string> transitions(const json& report) {
  std::map<std::string, std::string> out;
  for (const json& t : report.at("tests")) out[t.at("name").get<std::string>()] = t.at("transition").get<std::string>();
  return out;
}

std::string timed(const char* what, const runners::ProcessResult& r, std::chrono::steady_clock::time_point start) {
  return std::string("[ ") + what + " ] " + r.describe() + " in " +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()) +
         " ms";
}

// Runs `verify` (and `merge`) on a Calculator whose HEAD is a committed change on top of the original.
class ShardedVerify {
 public:
  explicit ShardedVerify(const Calculator& c) : c_(c), before_(source_fingerprint(c.repo())) {}

  // `autofix-gate verify -j 2 --base <original> [--shard K/N] --report-dir DIR` (outside the
  // repository); checks the exit code (-1: accepted or rejected) and the checkout; returns the report dir.
  fs::path verify(const std::string& shard, int expected_exit) {
    fs::path dir = c_.tmp() / (shard.empty() ? std::string("reports unsharded") : "reports shard " + shard_name(shard));
    std::vector<std::string> args = {"verify", "-j", "2", "--base", c_.original_head()};
    if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
    args.insert(args.end(), {"--report-dir", dir.string()});
    auto start = std::chrono::steady_clock::now();
    runners::ProcessResult r = gate(c_.repo(), args, std::chrono::minutes(5));
    std::cout << timed(shard.empty() ? "verify" : ("verify --shard " + shard).c_str(), r, start) << "\n";
    if (expected_exit >= 0) EXPECT_EQ(r.exit_code, expected_exit) << shard << "\n" << show(r);
    else EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << shard << "\n" << show(r);
    TreeFingerprint after = source_fingerprint(c_.repo());
    EXPECT_TRUE(after == before_) << "verify " << shard << " changed the checkout:\n"
                                  << describe_difference(before_, after) << show(r);
    EXPECT_FALSE(fs::exists(c_.journal())) << show(r);
    EXPECT_EQ(attempt::refs_under(c_.repo(), "refs/heads/autofix/"), Strings{}) << show(r);
    return dir;
  }

  // Every shard of an N-way split, then `merge`; returns the merged report.json.
  json split_and_merge(int n, int expected_exit) {
    std::vector<std::string> args = {"merge"};
    for (int k = 1; k <= n; ++k) {
      std::string shard = std::to_string(k) + "/" + std::to_string(n);
      // A shard's exit code is its own share's verdict: only the merge judges the whole change.
      fs::path dir = verify(shard, expected_exit == 0 ? 0 : -1);
      json partial = read_json(dir / "partial.json");
      EXPECT_EQ(partial.at("shard"), shard);
      EXPECT_EQ(partial.at("mode"), "verify");
      EXPECT_EQ(json_schema_problems("report.schema.json", dir / "partial.json"), "");
      args.push_back((dir / "partial.json").string());
    }
    fs::path out = c_.tmp() / ("merged " + std::to_string(n));
    args.insert(args.end(), {"--out", out.string()});
    auto start = std::chrono::steady_clock::now();
    runners::ProcessResult r = gate(c_.repo(), args);
    std::cout << timed("merge", r, start) << "\n";
    EXPECT_EQ(r.exit_code, expected_exit) << show(r);
    json merged = read_json(out / "report.json");
    EXPECT_TRUE(merged.at("shard").is_null()) << merged.dump(2);
    EXPECT_FALSE(fs::exists(out / "partial.json"));
    EXPECT_EQ(json_schema_problems("report.schema.json", out / "report.json"), "");
    return merged;
  }

 private:
  static std::string shard_name(const std::string& shard) {
    return shard.substr(0, shard.find('/')) + " of " + shard.substr(shard.find('/') + 1);
  }

  const Calculator& c_;
  TreeFingerprint before_;
};

TEST(Shard, MergedShardsOfAnAcceptedChangeEqualTheUnshardedRun) {
  Calculator c;
  git(c.repo(), {"apply", example_fix("correct-fix.diff")});
  git(c.repo(), {"commit", "-q", "-am", "mean(): divide by n"});
  const std::string head = c.git_out({"rev-parse", "HEAD"});
  ShardedVerify v(c);

  json whole = read_json(v.verify("", 0) / "report.json");
  SCOPED_TRACE(whole.dump(2));
  EXPECT_EQ(whole.at("verdict"), "accepted");
  EXPECT_EQ(whole.at("mode"), "verify");
  EXPECT_EQ(whole.at("base"), c.original_head());
  EXPECT_EQ(whole.at("head"), head);
  EXPECT_TRUE(whole.at("shard").is_null());
  std::map<std::string, std::string> expected = transitions(whole);
  ASSERT_EQ(expected.size(), static_cast<size_t>(kExampleTests));
  EXPECT_EQ(expected[kFixedTest], "FAIL_TO_PASS");

  // Three shards (4, 3 and 3 tests), merged.
  json merged = v.split_and_merge(3, 0);
  EXPECT_EQ(merged.at("verdict"), whole.at("verdict")) << merged.dump(2);
  EXPECT_EQ(transitions(merged), expected) << merged.dump(2);
  EXPECT_EQ(merged.at("tests_status"), whole.at("tests_status")) << merged.dump(2);
  // Only the first shard runs the static tier: the merge names its analyzer all the same.
  EXPECT_EQ(merged.at("tool_versions"), whole.at("tool_versions")) << merged.dump(2);
  EXPECT_TRUE(merged.at("tool_versions").contains("cppcheck")) << merged.dump(2);
  EXPECT_EQ(merged.at("base"), c.original_head());
  EXPECT_EQ(merged.at("head"), head);
}

// verify judges what is committed, whatever the work tree holds, and puts the user's uncommitted work
// back byte for byte: a modified tracked file, a staged new file and an untracked file.
TEST(Shard, VerifyJudgesTheCommitsAndKeepsUncommittedWork) {
  Calculator c;
  git(c.repo(), {"apply", example_fix("correct-fix.diff")});
  git(c.repo(), {"commit", "-q", "-am", "mean(): divide by n"});
  write_file(c.repo() / "parser" / "parser.h", read_file(c.repo() / "parser" / "parser.h") + "// a local note\n");
  write_file(c.repo() / "NOTES.md", "staged note\n");
  git(c.repo(), {"add", "NOTES.md"});
  write_file(c.repo() / "scratch.txt", "untracked\n");
  ShardedVerify v(c);  // takes the fingerprint with the uncommitted work in place; verify() compares
  json whole = read_json(v.verify("", 0) / "report.json");
  SCOPED_TRACE(whole.dump(2));
  EXPECT_EQ(whole.at("verdict"), "accepted");
  // The change judged is the commit alone: none of the uncommitted files.
  Strings changed;
  for (const json& f : whole.at("files_changed")) changed.push_back(f.at("path").get<std::string>());
  EXPECT_EQ(changed, Strings{"mathlib/mathlib.cpp"});
  EXPECT_EQ(read_file(c.repo() / "scratch.txt"), "untracked\n");
  EXPECT_EQ(c.git_out({"diff", "--cached", "--name-only"}), "NOTES.md");
}

TEST(Shard, MergedShardsOfABreakingChangeReject) {
  Calculator c;
  // The pre-built template's objects name the template's sources in their assertions, outside this
  // repository (no excerpt is read there): a newer formatter_test.cpp is compiled under its own path.
  fs::last_write_time(c.repo() / "formatter/formatter_test.cpp", fs::file_time_type::clock::now());
  git(c.repo(), {"apply", example_fix("breaks-other-module.diff")});
  git(c.repo(), {"commit", "-q", "-am", "mean(): divide by n; three decimals"});
  ShardedVerify v(c);

  json whole = read_json(v.verify("", 1) / "report.json");
  SCOPED_TRACE(whole.dump(2));
  EXPECT_EQ(whole.at("verdict"), "rejected");
  EXPECT_EQ(json_strings(whole.at("tests_status").at("PASS_TO_FAIL")),
            (Strings{"FormatterTest.ListInBrackets", "FormatterTest.TwoDecimals"}));

  json merged = v.split_and_merge(2, 1);
  EXPECT_EQ(merged.at("verdict"), "rejected") << merged.dump(2);
  EXPECT_EQ(merged.at("reason"), whole.at("reason")) << merged.dump(2);
  EXPECT_EQ(transitions(merged), transitions(whole)) << merged.dump(2);
  EXPECT_EQ(sorted_cascading(merged), whole.at("cascading")) << merged.dump(2);
  EXPECT_EQ(whole.at("cascading").size(), 2u);

  // The merged result says which shard ran each test (the one whose partial lists it), keeps each
  // regression's source excerpt as the unsharded run took it, and report.html shows both.
  std::map<std::string, int> listed_by, merged_shards;
  for (int k = 1; k <= 2; ++k) {
    const json partial = read_json(c.tmp() / ("reports shard " + std::to_string(k) + " of 2") / "partial.json");
    for (const json& t : partial.at("tests")) {
      EXPECT_TRUE(t.at("shard").is_null()) << "a partial does not say it";
      listed_by.emplace(t.at("name").get<std::string>(), k);
    }
  }
  for (const json& t : merged.at("tests")) merged_shards[t.at("name").get<std::string>()] = t.at("shard").get<int>();
  EXPECT_EQ(merged_shards, listed_by);
  std::string html = read_file(c.tmp() / "merged 2" / "report.html");
  for (const json& t : whole.at("tests")) {
    if (t.at("transition") != "PASS_TO_FAIL") continue;
    const std::string name = t.at("name");
    const json* in_merged = nullptr;
    for (const json& m : merged.at("tests"))
      if (m.at("name") == name) in_merged = &m;
    ASSERT_NE(in_merged, nullptr) << name;
    EXPECT_FALSE(t.at("excerpt").is_null()) << name;
    EXPECT_EQ(in_merged->at("excerpt"), t.at("excerpt")) << name;
    EXPECT_TRUE(html.contains("<code class=\"test-name\">" + name + "</code>")) << html;
    EXPECT_TRUE(html.contains("<p class=\"where shard\">ran in shard " + std::to_string(listed_by.at(name)) + "</p>")) << html;
  }
}

}  // namespace
}  // namespace autofix::testing
