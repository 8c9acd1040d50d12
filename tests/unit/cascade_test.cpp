// SPDX-License-Identifier: MIT
#include "gate/policy/cascade.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "gate/results/test_names.h"
#include "gate/util/error.h"
#include "runners/cmake_file_api.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using runners::CMakeTarget;
using runners::DiscoveredTest;
using Strings = std::vector<std::string>;
using namespace std::chrono_literals;

CMakeTarget target(std::string name, Strings sources, Strings dependencies) {
  CMakeTarget t;
  t.id = name + "::@1";
  t.name = name;
  t.type = "STATIC_LIBRARY";
  t.artifacts = {"/repo/build/" + name};
  t.sources = std::move(sources);
  for (auto& d : dependencies) t.dependencies.push_back(d + "::@1");
  t.object_dir = "CMakeFiles/" + name + ".dir/";
  return t;
}

// strings ← strings_test; math → strings; math_test and app list both (CMake lists link dependencies
// transitively); data_test depends on nothing.
BuildGraph sample_graph() {
  runners::ObjectDeps deps{
      {"CMakeFiles/strings.dir/src/strings.cpp.o", {"/repo/src/strings.cpp", "/repo/include/strings.h"}},
      {"CMakeFiles/math.dir/src/math.cpp.o", {"/repo/src/math.cpp", "/repo/include/math.h", "/repo/include/strings.h"}},
      {"CMakeFiles/strings_test.dir/tests/strings_test.cpp.o", {"/repo/tests/strings_test.cpp", "/repo/include/strings.h"}},
      {"CMakeFiles/math_test.dir/tests/math_test.cpp.o", {"/repo/tests/math_test.cpp", "/repo/include/math.h"}},
  };
  return BuildGraph("/repo",
                    {target("strings", {"/repo/src/strings.cpp"}, {}),
                     target("math", {"/repo/src/math.cpp"}, {"strings"}),
                     target("strings_test", {"/repo/tests/strings_test.cpp"}, {"strings"}),
                     target("math_test", {"/repo/tests/math_test.cpp"}, {"math", "strings"}),
                     target("app", {"/repo/app/main.cpp"}, {"math", "strings"}),
                     target("data_test", {"/repo/tests/data_test.cpp"}, {})},
                    deps);
}

DiscoveredTest test_running(const std::string& name, Strings command) {
  DiscoveredTest t;
  t.name = name;
  t.command = std::move(command);
  return t;
}

const std::vector<DiscoveredTest> kTests{
    test_running("data_test", {"/repo/build/data_test"}),
    test_running("script", {"/bin/sh", "-c", "exit 1"}),
    test_running("strings_test", {"/repo/build/strings_test"}),
    test_running("math_test", {"/repo/build/math_test"}),
    test_running("app_smoke", {"/repo/build/app", "--smoke"}),
    test_running("data_test_slow", {"/repo/build/data_test", "--slow"}),
};

std::string describe(const std::vector<CascadeEntry>& entries) {
  std::string text;
  for (const auto& e : entries) {
    text += e.test + " " + to_string(e.kind) + " '" + e.changed_file + "' [";
    for (const auto& c : e.chain) text += c + (&c == &e.chain.back() ? "" : " → ");
    text += "]";
    if (e.changed_file.empty() && !e.candidates.empty()) {
      text += " candidates:";
      for (const auto& k : e.candidates) text += " " + k.file + "(" + std::to_string(k.chain.size()) + ")";
    }
    text += "\n";
  }
  return text;
}

// A regression named as reports name it: a case inside a CTest test of kTests, or a CTest test (one of
// kTests, or one that is gone).
RegressedTest regressed(const std::string& name, const std::string& output = {}) {
  std::set<std::string, std::less<>> ctest_tests;
  for (const DiscoveredTest& t : kTests) ctest_tests.insert(t.name);
  std::optional<TestNameParts> parts = split_test_name(name, ctest_tests);
  return {name, parts ? parts->ctest_test : name, output};
}

std::vector<RegressedTest> regressed(std::initializer_list<const char*> names) {
  std::vector<RegressedTest> out;
  for (const char* n : names) out.push_back(regressed(n));
  return out;
}

TEST(Cascade, ClassifiesEveryRegressionAndNamesEveryCandidate) {
  BuildGraph graph = sample_graph();
  auto entries = trace_regressions(&graph, kTests,
                                   regressed({"strings_test::Strings.Lower", "math_test::Math.Adds", "app_smoke",
                                              "data_test", "script", "vanished"}),
                                   {"strings_test"}, {"src/strings.cpp", "include/strings.h"});
  EXPECT_EQ(describe(entries),
            // Same target as the aimed test; both changed files reach it: neither is picked by name.
            "strings_test::Strings.Lower direct '' [] candidates: include/strings.h(2) src/strings.cpp(3)\n"
            // Two chains of three: both named, in file order only for reading.
            "math_test::Math.Adds cascading '' [] candidates: include/strings.h(3) src/strings.cpp(3)\n"
            "app_smoke cascading '' [] candidates: include/strings.h(3) src/strings.cpp(3)\n"
            "data_test unrelated '' []\n"
            "script unknown '' []\n"
            "vanished unknown '' []\n");
}

TEST(Cascade, TheTestsOwnOutputSinglesOutACandidate) {
  BuildGraph graph = sample_graph();
  auto entries = trace_regressions(
      &graph, kTests,
      {regressed("math_test::Math.Adds", "/repo/src/strings.cpp:41: Failure\nExpected equality"),
       regressed("app_smoke", "in strings.h: assertion failed"),
       // "mystrings.h" is not "strings.h"; both files named is no evidence either.
       regressed("math_test::Math.Other", "mystrings.h:3 failed"),
       regressed("math_test::Math.Both", "strings.cpp and include/strings.h")},
      {}, {"src/strings.cpp", "include/strings.h"});
  EXPECT_EQ(describe(entries),
            "math_test::Math.Adds cascading 'src/strings.cpp' [math_test → strings → src/strings.cpp]\n"
            "app_smoke cascading 'include/strings.h' [app → math → include/strings.h]\n"
            "math_test::Math.Other cascading '' [] candidates: include/strings.h(3) src/strings.cpp(3)\n"
            "math_test::Math.Both cascading '' [] candidates: include/strings.h(3) src/strings.cpp(3)\n");
}

TEST(Cascade, OneCandidateIsNamedWithItsShortestChain) {
  BuildGraph graph = sample_graph();
  auto entries = trace_regressions(&graph, kTests, regressed({"math_test", "app_smoke"}), {}, {"include/math.h"});
  EXPECT_EQ(describe(entries),
            "math_test cascading 'include/math.h' [math_test → include/math.h]\n"
            "app_smoke cascading 'include/math.h' [app → math → include/math.h]\n");
  entries = trace_regressions(&graph, kTests, regressed({"math_test"}), {}, {"src/strings.cpp", "src/strings.cpp"});
  EXPECT_EQ(describe(entries), "math_test cascading 'src/strings.cpp' [math_test → strings → src/strings.cpp]\n");
}

TEST(Cascade, CTestNamesWithColonsAreTakenAsGiven) {
  // "a::b" is a CTest test of its own; its case must not be traced through CTest test "a".
  std::vector<DiscoveredTest> tests{test_running("a", {"/repo/build/data_test"}), test_running("a::b", {"/repo/build/math_test"})};
  BuildGraph graph = sample_graph();
  auto entries = trace_regressions(&graph, tests, {RegressedTest{"a::b::Suite.Case", "a::b", ""}}, {}, {"include/math.h"});
  EXPECT_EQ(describe(entries), "a::b::Suite.Case cascading 'include/math.h' [math_test → include/math.h]\n");
}

TEST(Cascade, DirectWithoutAChain) {
  BuildGraph graph = sample_graph();
  // Another CTest test of the aimed test's binary: direct, though the change is not in its closure.
  auto entries = trace_regressions(&graph, kTests, regressed({"data_test_slow"}), {"data_test"}, {"src/strings.cpp"});
  EXPECT_EQ(describe(entries), "data_test_slow direct '' []\n");
  // An aimed test that maps to no target makes nothing direct.
  entries = trace_regressions(&graph, kTests, regressed({"data_test_slow"}), {"script"}, {"src/strings.cpp"});
  EXPECT_EQ(describe(entries), "data_test_slow unrelated '' []\n");
}

TEST(Cascade, WithoutAGraphEverythingIsUnknown) {
  auto entries = trace_regressions(nullptr, kTests, regressed({"strings_test", "math_test"}), {"strings_test"}, {"src/strings.cpp"});
  EXPECT_EQ(describe(entries), "strings_test unknown '' []\nmath_test unknown '' []\n");
  EXPECT_TRUE(trace_regressions(nullptr, kTests, {}, {}, {}).empty());
}

TEST(Cascade, OrdersAffectedTestsFirst) {
  BuildGraph graph = sample_graph();
  EXPECT_EQ(order_tests_by_impact(&graph, kTests, {"src/strings.cpp"}),
            (Strings{"strings_test", "math_test", "app_smoke", "script", "data_test", "data_test_slow"}));
  EXPECT_EQ(order_tests_by_impact(&graph, kTests, {"tests/data_test.cpp"}),
            (Strings{"data_test", "data_test_slow", "script", "strings_test", "math_test", "app_smoke"}));
  EXPECT_EQ(order_tests_by_impact(&graph, kTests, {}),
            (Strings{"script", "data_test", "strings_test", "math_test", "app_smoke", "data_test_slow"}));
  EXPECT_EQ(order_tests_by_impact(nullptr, kTests, {"src/strings.cpp"}),
            (Strings{"data_test", "script", "strings_test", "math_test", "app_smoke", "data_test_slow"}));
}

// ---- a real CMake + Ninja project -----------------------------------------------------------------

void write_project(const fs::path& src) {
  write_file(src / "CMakeLists.txt", R"(cmake_minimum_required(VERSION 3.20)
project(sample CXX)
enable_testing()
add_library(mathutil INTERFACE)  # header-only
target_include_directories(mathutil INTERFACE include/mathutil)
add_library(strings STATIC src/strings.cpp)
target_include_directories(strings PUBLIC include)
add_library(math STATIC src/math.cpp)
target_link_libraries(math PUBLIC strings PRIVATE mathutil)
add_executable(strings_test tests/strings_test.cpp)
target_link_libraries(strings_test PRIVATE strings)
add_executable(math_test tests/math_test.cpp)
target_link_libraries(math_test PRIVATE math)
add_executable(app src/app.cpp)
target_link_libraries(app PRIVATE math strings)
add_test(NAME strings_test COMMAND strings_test)
add_test(NAME math_test COMMAND math_test)
add_test(NAME app_smoke COMMAND app)
add_test(NAME script COMMAND sh -c "test -d .")
)");
  write_file(src / "include/strings.h", "#pragma once\nint length(const char* s);\n");
  write_file(src / "include/math.h", "#pragma once\nint add(int a, int b);\n");
  write_file(src / "include/mathutil/twice.h", "#pragma once\ninline int twice(int x) { return 2 * x; }\n");
  write_file(src / "src/strings.cpp", "#include \"strings.h\"\nint length(const char* s) { int n = 0; while (*s++) ++n; return n; }\n");
  write_file(src / "src/math.cpp", "#include \"math.h\"\n#include \"twice.h\"\n#include \"strings.h\"\n"
                                   "int add(int a, int b) { return twice(a + b) / 2 + length(\"\"); }\n");
  write_file(src / "src/app.cpp", "#include \"math.h\"\n#include \"strings.h\"\nint main() { return add(1, 1) == length(\"ab\") ? 0 : 1; }\n");
  write_file(src / "tests/strings_test.cpp", "#include \"strings.h\"\nint main() { return length(\"abc\") == 3 ? 0 : 1; }\n");
  write_file(src / "tests/math_test.cpp", "#include \"math.h\"\nint main() { return add(1, 2) == 3 ? 0 : 1; }\n");
}

TEST(CascadeRealProject, TracesChangesThroughABuiltProject) {
  TempDir dir;
  fs::path src = dir / "source dir";
  fs::path build = dir / "build dir";
  write_project(src);
  runners::write_codemodel_query(build);
  EXPECT_FALSE(BuildGraph::load(src, build).has_value());  // not configured yet
  auto configure = autofix::testing::run({"cmake", "-S", src.string(), "-B", build.string(), "-G", "Ninja"}, dir.path(),
                                         {}, 120s);
  ASSERT_TRUE(configure.succeeded()) << configure.out << configure.err;
  auto make = autofix::testing::run({"cmake", "--build", build.string(), "-j", "2"}, dir.path(), {}, 120s);
  ASSERT_TRUE(make.succeeded()) << make.out << make.err;

  std::vector<DiscoveredTest> tests = runners::discover_tests(build);
  ASSERT_EQ(tests.size(), 4u);
  auto graph = BuildGraph::load(src, build);
  ASSERT_TRUE(graph.has_value());
  EXPECT_EQ(graph->target_names(), (Strings{"app", "math", "math_test", "strings", "strings_test"}));
  EXPECT_EQ(graph->target_for_test(tests[0]), "strings_test");
  EXPECT_EQ(graph->target_for_test(tests[2]), "app");
  EXPECT_EQ(graph->target_for_test(tests[3]), std::nullopt);
  EXPECT_EQ(graph->own_sources("strings_test"), Strings{"tests/strings_test.cpp"});
  Strings strings_files = graph->files_of("strings");
  EXPECT_NE(std::find(strings_files.begin(), strings_files.end(), "src/strings.cpp"), strings_files.end());
  EXPECT_NE(std::find(strings_files.begin(), strings_files.end(), "include/strings.h"), strings_files.end());

  EXPECT_EQ(graph->chain("strings_test", "src/strings.cpp"), (Strings{"strings_test", "strings", "src/strings.cpp"}));
  // The header-only library is no target of the build: its header reaches math_test through math's object.
  EXPECT_EQ(graph->chain("math_test", "include/mathutil/twice.h"),
            (Strings{"math_test", "math", "include/mathutil/twice.h"}));
  EXPECT_EQ(graph->chain("strings_test", "include/mathutil/twice.h"), std::nullopt);

  auto entries = trace_regressions(&*graph, tests, regressed({"math_test", "app_smoke", "script"}), {"strings_test"},
                                   {"src/strings.cpp"});
  EXPECT_EQ(describe(entries),
            "math_test cascading 'src/strings.cpp' [math_test → strings → src/strings.cpp]\n"
            "app_smoke cascading 'src/strings.cpp' [app → strings → src/strings.cpp]\n"
            "script unknown '' []\n");
  entries = trace_regressions(&*graph, tests, regressed({"app_smoke", "strings_test"}), {"math_test"}, {"include/mathutil/twice.h"});
  EXPECT_EQ(describe(entries),
            "app_smoke cascading 'include/mathutil/twice.h' [app → math → include/mathutil/twice.h]\n"
            "strings_test unrelated '' []\n");
  EXPECT_EQ(order_tests_by_impact(&*graph, tests, {"include/mathutil/twice.h"}),
            (Strings{"math_test", "app_smoke", "script", "strings_test"}));
}

// A failed batch step's suspects: per regression, the fixes whose files hold one of its candidates.
AttemptResult failed_step(std::vector<std::pair<std::string, std::vector<std::string>>> regressions) {
  AttemptResult r;
  r.verdict = Verdict::rejected;
  r.build.ok = true;
  for (auto& [test, files] : regressions) {
    TestOutcome t;
    t.name = test;
    t.ctest_test = test;
    t.transition = Transition::PASS_TO_FAIL;
    r.tests.push_back(t);
    CascadeEntry e{test, CascadeKind::cascading, "", {}, {}};
    for (const std::string& f : files) e.candidates.push_back({f, {test, f}});
    r.cascading.push_back(std::move(e));
  }
  return r;
}

TEST(Suspects, EachRegressionNamesTheFixesWhoseFilesItReaches) {
  AttemptResult r = failed_step({{"t1", {"src/a.cpp"}}, {"t2", {"src/b.cpp", "include/c.h"}}});
  std::vector<std::pair<std::size_t, std::vector<std::string>>> files = {
      {0, {"src/a.cpp"}}, {3, {"include/c.h", "README"}}, {5, {"src/b.cpp"}}, {7, {"docs/x.md"}}};
  std::optional<std::vector<SuspectGroup>> s = suspects_of_failure(r, files);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, (std::vector<SuspectGroup>{{"t1", {0}}, {"t2", {3, 5}}}));
}

TEST(Suspects, NoneWhenAnyFailureIsNotTraced) {
  std::vector<std::pair<std::size_t, std::vector<std::string>>> files = {{0, {"src/a.cpp"}}};
  // A regression whose candidates no fix changed (or that has none): nothing is narrowed.
  EXPECT_FALSE(suspects_of_failure(failed_step({{"t1", {"src/a.cpp"}}, {"t2", {}}}), files));
  EXPECT_FALSE(suspects_of_failure(failed_step({{"t1", {"src/other.cpp"}}}), files));
  // A regression without a cascade entry.
  AttemptResult untraced = failed_step({{"t1", {"src/a.cpp"}}});
  untraced.cascading.clear();
  EXPECT_FALSE(suspects_of_failure(untraced, files));
  // A failed build, or a rejection that is no regression (a tier): nothing is narrowed.
  AttemptResult build = failed_step({{"t1", {"src/a.cpp"}}});
  build.build.ok = false;
  EXPECT_FALSE(suspects_of_failure(build, files));
  EXPECT_FALSE(suspects_of_failure(failed_step({}), files));
  AttemptResult passed = failed_step({{"t1", {"src/a.cpp"}}});
  passed.verdict = Verdict::accepted;
  EXPECT_FALSE(suspects_of_failure(passed, files));
  EXPECT_TRUE(suspects_of_failure(failed_step({{"t1", {"src/a.cpp"}}}), files));
}

// Makefile generators: the headers come from the compilers' depfiles next to the objects.
TEST(CascadeRealProject, ReadsAMakefileBuild) {
  TempDir dir;
  fs::path src = dir / "source dir";
  fs::path build = dir / "build dir";
  write_project(src);
  runners::write_codemodel_query(build);
  auto configure = autofix::testing::run({"cmake", "-S", src.string(), "-B", build.string(), "-G", "Unix Makefiles"},
                                         dir.path(), {}, 120s);
  if (!configure.succeeded() && configure.err.find("CMAKE_MAKE_PROGRAM is not set") != std::string::npos)
    GTEST_SKIP() << "no make";
  ASSERT_TRUE(configure.succeeded()) << configure.out << configure.err;
  auto make = autofix::testing::run({"cmake", "--build", build.string(), "-j", "2"}, dir.path(), {}, 120s);
  ASSERT_TRUE(make.succeeded()) << make.out << make.err;
  auto graph = BuildGraph::load(src, build);
  ASSERT_TRUE(graph.has_value());
  EXPECT_EQ(graph->chain("strings_test", "src/strings.cpp"), (Strings{"strings_test", "strings", "src/strings.cpp"}));
  EXPECT_EQ(graph->chain("math_test", "include/mathutil/twice.h"),
            (Strings{"math_test", "math", "include/mathutil/twice.h"}));
  EXPECT_EQ(graph->chain("strings_test", "include/strings.h"), (Strings{"strings_test", "include/strings.h"}));
}

}  // namespace
}  // namespace autofix
