// SPDX-License-Identifier: MIT
// GoogleTest's filter syntax (runners/gtest_filter.h): matching, and a filter that selects exactly the
// cases asked for although their names hold characters the syntax reserves. The filters are checked
// against GoogleTest itself: gtest_names_probe registers such names and prints the cases a filter runs.
#include "runners/gtest_filter.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "runners/process.h"
#include "tests/unit/gtest_names_probe.h"

namespace autofix::runners {
namespace {

using Names = std::vector<std::string>;

Names probe_names() {
  Names out;
  for (const auto& [suite, name] : autofix::testing::kProbeCases) out.push_back(std::string(suite) + "." + name);
  return out;
}

// The cases GoogleTest runs under `filter`, as the probe printed them.
std::set<std::string> run_by_googletest(const std::string& filter) {
  ProcessSpec spec;
  spec.argv = {GTEST_NAMES_PROBE_BINARY, "--gtest_filter=" + filter};
  spec.timeout = std::chrono::seconds(30);
  ProcessResult r = run_process(spec);
  EXPECT_TRUE(r.succeeded()) << r.describe() << "\n" << r.out << r.err;
  std::set<std::string> ran;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("ran ")) ran.insert(line.substr(4));
  return ran;
}

TEST(GtestFilter, MatchingFollowsGoogleTestSyntax) {
  EXPECT_TRUE(gtest_filter_matches("", "A.b"));
  EXPECT_TRUE(gtest_filter_matches("*", "A.b"));
  EXPECT_TRUE(gtest_filter_matches("A.b", "A.b"));
  EXPECT_FALSE(gtest_filter_matches("A.b", "A.bc"));
  EXPECT_TRUE(gtest_filter_matches("A.*:B.*", "B.x"));
  EXPECT_TRUE(gtest_filter_matches("A.?", "A.x"));
  EXPECT_FALSE(gtest_filter_matches("A.?", "A.xy"));
  EXPECT_TRUE(gtest_filter_matches("-Slow.*", "Math.Adds"));
  EXPECT_FALSE(gtest_filter_matches("-Slow.*", "Slow.Sleeps"));
  EXPECT_FALSE(gtest_filter_matches("Math.*-Math.Subtracts", "Math.Subtracts"));
  EXPECT_TRUE(gtest_filter_matches("Math.*-Math.Subtracts:Slow.*", "Math.Adds"));
  EXPECT_TRUE(gtest_filter_matches("Values/Param.*", "Values/Param.IsSmall/1"));
  // Hostile patterns stay fast.
  EXPECT_FALSE(gtest_filter_matches(std::string(200, '*') + "b", std::string(5000, 'a')));
}

TEST(GtestFilter, MatchingAgreesWithGoogleTestOnNamesWithReservedCharacters) {
  for (const char* filter : {"Glob.a?b", "Glob.a*b", "Ns??Fixture.*-Ns??Fixture.with_dash", "*-Glob.*:Plain.*",
                             "Typed/std??string.Holds", "Ns??Fixture.?leading:Glob.star?"}) {
    SCOPED_TRACE(filter);
    std::set<std::string> ours;
    for (const std::string& n : probe_names())
      if (gtest_filter_matches(filter, n)) ours.insert(n);
    EXPECT_EQ(ours, run_by_googletest(filter));
  }
}

TEST(GtestFilter, PlainNamesAreTheirOwnPatterns) {
  EXPECT_EQ(gtest_filter_for({"Suite.A", "Param/Suite.B/0"}), "Suite.A:Param/Suite.B/0");
  EXPECT_EQ(gtest_filter_for({"Plain.Case"}, probe_names()), "Plain.Case");
  EXPECT_EQ(gtest_filter_for({"Plain.Case", "Plain.Case"}), "Plain.Case");
  EXPECT_EQ(gtest_filter_for({"Ns::Fixture.with space"}, probe_names()), "Ns??Fixture.with space");
}

TEST(GtestFilter, ReservedCharactersBecomeOneCharacterWildcardsAndLookAlikesAreLeftOut) {
  Names known = probe_names();
  EXPECT_EQ(gtest_filter_for({"Typed/std::string.Holds"}, known), "Typed/std??string.Holds-Typed/stdXXstring.Holds");
  EXPECT_EQ(gtest_filter_for({"Ns::Fixture.with-dash"}, known), "Ns??Fixture.with?dash-Ns??Fixture.with_dash");
  EXPECT_EQ(gtest_filter_for({"Ns::Fixture.-leading"}, known), "Ns??Fixture.?leading");
  EXPECT_EQ(gtest_filter_for({"Glob.star*"}, known), "Glob.star?-Glob.stars");
  EXPECT_EQ(gtest_filter_for({"Glob.axb"}, known), "Glob.axb");
  EXPECT_EQ(gtest_filter_for({"Plain.Case", "Ns::Fixture.with-dash", "Typed/std::string.Holds"}, known),
            "Plain.Case:Ns??Fixture.with?dash:Typed/std??string.Holds-Typed/stdXXstring.Holds:Ns??Fixture.with_dash");
  // Without the binary's other names, a pattern selects at least the case.
  EXPECT_EQ(gtest_filter_for({"Glob.a*b"}), "Glob.a?b");
}

TEST(GtestFilter, NoFilterWhenNoneSelectsExactlyTheCases) {
  Names known = probe_names();
  // "a*b", "a?b" and "a:b" all read "a?b": no negative pattern leaves out one and keeps another.
  EXPECT_EQ(gtest_filter_for({"Glob.a*b"}, known), std::nullopt);
  EXPECT_EQ(gtest_filter_for({"Glob.a?b"}, known), std::nullopt);
  EXPECT_EQ(gtest_filter_for({"Glob.a:b", "Plain.Case"}, known), std::nullopt);
  EXPECT_EQ(gtest_filter_for({}, known), std::nullopt);
  EXPECT_EQ(gtest_filter_for({""}, known), std::nullopt);
  // Names the XML reader changed are not the binary's own.
  EXPECT_EQ(gtest_filter_for({"Suite.bad\xEF\xBF\xBDname"}), std::nullopt);
  EXPECT_EQ(gtest_filter_for({"Suite." + std::string(5000, 'x')}), std::nullopt);
}

// Every filter the function writes for the probe's cases runs exactly those cases under GoogleTest.
TEST(GtestFilter, GoogleTestRunsExactlyTheCasesAskedFor) {
  Names known = probe_names();
  std::vector<Names> asks;
  for (const std::string& n : known) asks.push_back({n});
  asks.push_back({"Plain.Case", "Ns::Fixture.with-dash", "Typed/std::string.Holds"});
  asks.push_back({"Ns::Fixture.with-dash", "Ns::Fixture.with_dash"});
  asks.push_back({"Glob.star*", "Glob.stars", "Ns::Fixture.-leading"});
  int exact = 0;
  for (const Names& ask : asks) {
    std::optional<std::string> filter = gtest_filter_for(ask, known);
    if (!filter) continue;
    ++exact;
    SCOPED_TRACE(*filter);
    EXPECT_EQ(run_by_googletest(*filter), std::set<std::string>(ask.begin(), ask.end()));
  }
  EXPECT_EQ(exact, static_cast<int>(asks.size()) - 3);  // all but "a*b", "a?b" and "a:b" alone
}

}  // namespace
}  // namespace autofix::runners
