// SPDX-License-Identifier: MIT
// The static tier pays for the analysis of the tree without the change once per translation unit
// (gate/judge/stored_analysis.h, docs/tiers.md "Stored analyses"), through a FakeToolchain: a second
// attempt against the same tree analyses only the changed units with the change; what a unit includes, a
// .clang-tidy and the analyzer's version decide whether a stored analysis still holds; a damaged one is
// analysed again; a unit whose includes are unknown is analysed every time, and a phase note says why.
// Each asserts what the toolchain was asked to analyse, and that the verdict is the same either way.
#include <gtest/gtest.h>

#include "gate/state/analysis_store.h"
#include "tests/support/judge_bench.h"

namespace autofix::testing {
namespace {

namespace fs = std::filesystem;

// Two units of one library: src/a.cpp includes include/h.h and a header outside the repository (as system
// headers are), src/b.cpp includes nothing. Test "a" runs a_test, which links the library.
class Project {
 public:
  JudgeBench b;

  Project() {
    b.fake.tests = {discovered_test("a", b.build_dir(), "a_test")};
    b.fake.graph = fake_build_graph(b.root(), b.build_dir(),
                                    {{"lib", {"src/a.cpp", "src/b.cpp"}, {}}, {"a_test", {"tests/a_test.cpp"}, {"lib"}}});
    b.set_tiers(R"([{"name": "tests", "kind": "ctest"}, {"name": "static", "kind": "clang-tidy"}])");
    b.fake.compile_database = {"src/a.cpp", "src/b.cpp", "tests/a_test.cpp"};
    b.fake.versions["clang-tidy"] = "Debian LLVM version 14.0.6";
    write_file(system_header(), "int puts(const char*);\n");
    b.write("include/h.h", "int h();\n");
    b.write("src/a.cpp", kA);
    b.write("src/b.cpp", kB);
    b.write("tests/a_test.cpp", "int main() {}\n");
    b.fake.unit_deps = runners::UnitDependencies{
        {"src/a.cpp", {absolute("include/h.h"), absolute("src/a.cpp"), system_header().string()}},
        {"src/b.cpp", {absolute("src/b.cpp")}},
        {"tests/a_test.cpp", {absolute("tests/a_test.cpp")}}};
  }

  std::string absolute(const std::string& path) const { return (b.root() / path).string(); }
  fs::path system_header() const { return outside_ / "include" / "stdio.h"; }

  // The analyses the next judge() calls get, in order.
  void script(std::vector<FakeToolchain::Analysis> analyses) { b.fake.script_analyses(std::move(analyses)); }

  // The "analyze ..." calls from `mark` on.
  Calls analyses_from(size_t mark) const {
    Calls out;
    for (const std::string& c : calls_from(b.fake, mark))
      if (c.starts_with("analyze ")) out.push_back(c);
    return out;
  }

  std::vector<fs::path> stored_files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(b.repo().state_dir() / "analysis"))
      if (e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

  static constexpr const char* kA = "#include \"h.h\"\nint a() { return 1; }\n";
  static constexpr const char* kB = "int b() { return 1; }\n";

 private:
  TempDir outside_;
};

Finding finding(const std::string& file, int line, const std::string& rule) {
  Finding f;
  f.severity = "warning";
  f.rule = rule;
  f.file = file;
  f.line = line;
  f.message = rule + " here";
  return f;
}

void change_a(Project& p) { p.b.write("src/a.cpp", "#include \"h.h\"\nint a() { return 2; }\n"); }

TEST(VerdictRulesStoredAnalysis, ASecondAttemptAnalysesOnlyTheChangedUnitsWithTheChange) {
  Project p;
  p.b.compute_baseline();
  EXPECT_EQ(calls_from(p.b.fake, 0),
            (Calls{"build", "build", "unit dependencies", "compile database", "discover", "ctest"}))
      << "what each unit was built from is recorded right after the build of the tree without the change";
  change_a(p);
  // With the change: a new finding on the changed line and the old one on line 1; without it: the old one.
  const Finding added = finding("src/a.cpp", 2, "bugprone-new"), old = finding("src/a.cpp", 1, "bugprone-old");
  p.script({{{added, old}, ""}, {{old}, ""}, {{added, old}, ""}});
  size_t mark = p.b.fake.calls.size();
  AttemptResult first = p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));
  EXPECT_EQ(p.stored_files().size(), 1u) << "src/a.cpp's analysis";
  EXPECT_EQ(std::distance(fs::directory_iterator(p.b.repo().state_dir() / "analysis" / "includes"), fs::directory_iterator()), 1)
      << "the include lists of the tree without the change";

  mark = p.b.fake.calls.size();
  AttemptResult second = p.b.judge();
  EXPECT_EQ(calls_from(p.b.fake, mark),
            (Calls{"build", "graph", "discover", "ctest", "compile database", "analyze clang-tidy src/a.cpp"}))
      << "the tree without the change is not analysed again";
  EXPECT_NE(p.b.progress().find("[static] without the change: the stored analyses of 1 translation unit(s)"),
            std::string::npos)
      << p.b.progress();
  for (const AttemptResult* r : {&first, &second}) {
    EXPECT_EQ(r->verdict, Verdict::rejected);
    EXPECT_EQ(tiers_of(*r)[1], "static failed: 1 new blocking finding(s) (warning bugprone-new at src/a.cpp:2), 0 fixed, "
                               "in 1 translation unit(s)");
    ASSERT_EQ(tier_of(*r, "static").findings.size(), 1u) << "the old finding is on a line the change did not touch";
    EXPECT_EQ(tier_of(*r, "static").findings[0].state, FindingState::new_);
  }
  EXPECT_EQ(tier_of(first, "static").findings[0].fingerprint, tier_of(second, "static").findings[0].fingerprint);
  EXPECT_EQ(read_file(p.b.root() / "src/a.cpp"), "#include \"h.h\"\nint a() { return 2; }\n") << "the change is in place";
}

// A header the unit includes changed in the tree without the change (a new baseline): that unit's stored
// analysis no longer holds; the other unit's, which does not include it, still does.
TEST(VerdictRulesStoredAnalysis, AChangedHeaderInvalidatesOnlyTheUnitsThatIncludeIt) {
  Project p;
  p.b.compute_baseline();
  auto change_both = [&] {
    change_a(p);
    p.b.write("src/b.cpp", "int b() { return 2; }\n");
  };
  change_both();
  size_t mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp src/b.cpp", "analyze clang-tidy src/a.cpp src/b.cpp"}));

  // The next tree: the header changed (and nothing else the units are built from).
  p.b.write("src/a.cpp", Project::kA);
  p.b.write("src/b.cpp", Project::kB);
  p.b.write("include/h.h", "int h();\nint h2();\n");
  p.b.compute_baseline();
  change_both();
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp src/b.cpp", "analyze clang-tidy src/a.cpp"}));

  // A file outside the repository (a system header) that changed since the build is not trusted either.
  write_file(p.system_header(), "int puts(const char*);\nint getchar();\n");
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp src/b.cpp", "analyze clang-tidy src/a.cpp"}));
  EXPECT_NE(p.b.progress().find("[static] not stored, analysed without the change on every attempt: 'src/a.cpp' ('" +
                                p.system_header().string() + "' changed since the tree without the change was built)"),
            std::string::npos)
      << p.b.progress();
}

// What the analyzer is and how it is configured are part of every key; a tree that differs only in files
// no unit is built from keeps them.
TEST(VerdictRulesStoredAnalysis, AClangTidyFileOrAnotherAnalyzerVersionInvalidatesEveryUnit) {
  Project p;
  p.b.compute_baseline();
  change_a(p);
  p.b.judge();
  size_t mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), Calls{"analyze clang-tidy src/a.cpp"}) << "stored";

  p.b.fake.versions["clang-tidy"] = "Debian LLVM version 15.0.7";
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}))
      << "another version";
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), Calls{"analyze clang-tidy src/a.cpp"}) << "stored for that version too";

  // A tree without the change that differs in a README only: another baseline, the same analysis keys.
  p.b.write("src/a.cpp", Project::kA);
  p.b.write("README.md", "# project\n");
  p.b.compute_baseline();
  change_a(p);
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), Calls{"analyze clang-tidy src/a.cpp"});

  // The same tree with a .clang-tidy (in the tree without the change): analysed again.
  p.b.write("src/a.cpp", Project::kA);
  p.b.write(".clang-tidy", "Checks: '-*,bugprone-*'\n");
  p.b.compute_baseline();
  change_a(p);
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));

  // One in a subdirectory above the unit counts as well.
  p.b.write("src/a.cpp", Project::kA);
  p.b.write("src/.clang-tidy", "InheritParentConfig: true\nChecks: '-bugprone-narrowing'\n");
  p.b.compute_baseline();
  change_a(p);
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));

  // An analyzer that does not say its version: nothing is stored or used.
  p.b.fake.versions.clear();
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));
  EXPECT_NE(p.b.progress().find("[static] the analysis without the change is not stored: clang-tidy does not say its "
                                "version (`clang-tidy --version`)"),
            std::string::npos)
      << p.b.progress();
}

// `--version` runs once per installed analyzer: what it said is stored under the binary's identity. Another
// binary (an upgrade) is asked again, and its version gives other keys.
TEST(VerdictRulesStoredAnalysis, TheAnalyzerIsAskedItsVersionOncePerInstalledBinary) {
  Project p;
  p.b.fake.identities["clang-tidy"] = "/usr/lib/llvm-14/bin/clang-tidy 1000 1";
  p.b.compute_baseline();
  change_a(p);
  for (int attempt = 0; attempt < 3; ++attempt) p.b.judge();
  EXPECT_EQ(p.b.fake.version_queries, 1);

  p.b.fake.identities["clang-tidy"] = "/usr/lib/llvm-15/bin/clang-tidy 1200 2";
  p.b.fake.versions["clang-tidy"] = "Debian LLVM version 15.0.7";
  size_t mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.b.fake.version_queries, 2);
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));
  mark = p.b.fake.calls.size();
  p.b.judge();
  EXPECT_EQ(p.b.fake.version_queries, 2);
  EXPECT_EQ(p.analyses_from(mark), Calls{"analyze clang-tidy src/a.cpp"});
}

TEST(VerdictRulesStoredAnalysis, ADamagedStoredAnalysisIsIgnoredAndStoredAnew) {
  Project p;
  p.b.compute_baseline();
  change_a(p);
  const Finding old = finding("src/a.cpp", 1, "bugprone-old");
  p.script({{{old}, ""}});
  p.b.judge();
  ASSERT_EQ(p.stored_files().size(), 1u);
  const fs::path entry = p.stored_files().front();
  write_file(entry, "{\"format\": 1, \"key\": \"");  // cut short, as by a full disk

  size_t mark = p.b.fake.calls.size();
  AttemptResult r = p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));
  EXPECT_NE(p.b.progress().find("[static] warning: ignored a stored analysis that cannot be used (stored analysis " +
                                entry.string() + ": not valid JSON"),
            std::string::npos)
      << p.b.progress();
  EXPECT_EQ(tiers_of(r)[1], "static passed: 0 new blocking finding(s), 0 fixed, in 1 translation unit(s)")
      << "the old finding is known from the new analysis";

  mark = p.b.fake.calls.size();
  r = p.b.judge();
  EXPECT_EQ(p.analyses_from(mark), Calls{"analyze clang-tidy src/a.cpp"}) << "stored again";
  EXPECT_EQ(tiers_of(r)[1], "static passed: 0 new blocking finding(s), 0 fixed, in 1 translation unit(s)");
}

// The build recorded nothing for src/b.cpp (a generator or compiler without dependency information): its
// analysis without the change is never stored, and a note says so; src/a.cpp's still is.
TEST(VerdictRulesStoredAnalysis, AUnitWhoseIncludesAreUnknownIsAnalysedEveryTime) {
  Project p;
  p.b.fake.unit_deps->erase("src/b.cpp");
  p.b.compute_baseline();
  change_a(p);
  p.b.write("src/b.cpp", "int b() { return 2; }\n");
  for (int attempt = 0; attempt < 2; ++attempt) {
    size_t mark = p.b.fake.calls.size();
    p.b.judge();
    EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp src/b.cpp",
                                            attempt == 0 ? "analyze clang-tidy src/a.cpp src/b.cpp" : "analyze clang-tidy src/b.cpp"}))
        << "attempt " << attempt;
  }
  EXPECT_NE(p.b.progress().find("[static] not stored, analysed without the change on every attempt: 'src/b.cpp' (the build "
                                "of the tree without the change recorded no dependency information for it)"),
            std::string::npos)
      << p.b.progress();
}

// Without any dependency information the baseline says so once, and every attempt analyses both trees.
TEST(VerdictRulesStoredAnalysis, ABuildWithoutDependencyInformationStoresNothing) {
  Project p;
  p.b.fake.unit_deps.reset();
  p.b.compute_baseline();
  EXPECT_NE(p.b.progress().find("[baseline] the build recorded no dependency information (its generator or compiler "
                                "writes none): the static tier analyses the tree without the change on every attempt"),
            std::string::npos)
      << p.b.progress();
  change_a(p);
  for (int attempt = 0; attempt < 2; ++attempt) {
    size_t mark = p.b.fake.calls.size();
    p.b.judge();
    EXPECT_EQ(p.analyses_from(mark), (Calls{"analyze clang-tidy src/a.cpp", "analyze clang-tidy src/a.cpp"}));
  }
  EXPECT_FALSE(fs::exists(p.b.repo().state_dir() / "analysis"));
}

TEST(VerdictRulesStoredAnalysis, AChangeToNoTranslationUnitRunsNoAnalyzer) {
  Project p;
  p.b.compute_baseline();
  p.b.write("data/input.json", "{}\n");
  size_t mark = p.b.fake.calls.size();
  AttemptResult r = p.b.judge();
  EXPECT_EQ(r.lane.lane, Lane::standard);
  EXPECT_EQ(p.analyses_from(mark), Calls{});
  EXPECT_EQ(tiers_of(r)[1], "static skipped: the change touches no translation unit of compile_commands.json");
}

// Findings that were there before are reported where the change touched a line (here it re-indented
// line 2), not elsewhere (line 1); which are new is decided by fingerprints alone, as before.
TEST(VerdictRulesStoredAnalysis, UnchangedFindingsAreReportedOnlyOnTheLinesTheChangeTouched) {
  Project p;
  p.b.compute_baseline();
  p.b.write("src/a.cpp", "#include \"h.h\"\n    int a() { return 1; }\n");
  const Finding first = finding("src/a.cpp", 1, "bugprone-one"), second = finding("src/a.cpp", 2, "bugprone-two");
  p.script({{{first, second}, ""}});
  AttemptResult r = p.b.judge();
  EXPECT_EQ(r.verdict, Verdict::accepted);
  EXPECT_EQ(tiers_of(r)[1], "static passed: 0 new blocking finding(s), 0 fixed, in 1 translation unit(s)");
  const TierResult& tier = tier_of(r, "static");
  ASSERT_EQ(tier.findings.size(), 1u);
  EXPECT_EQ(tier.findings[0].rule, "bugprone-two");
  EXPECT_EQ(tier.findings[0].state, FindingState::unchanged);
}

}  // namespace
}  // namespace autofix::testing
