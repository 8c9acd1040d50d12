// SPDX-License-Identifier: MIT
#include "gate/policy/build_graph.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "runners/build_deps.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using runners::CMakeTarget;
using runners::DiscoveredTest;
using runners::ObjectDeps;
using Strings = std::vector<std::string>;

// ---- ninja -t deps and depfiles -------------------------------------------------------------------

const char* kNinjaDeps =
    "CMakeFiles/strings.dir/src/strings.cpp.o: #deps 3, deps mtime 1795330456847217861 (VALID)\n"
    "    /repo/src/strings.cpp\n"
    "    /repo/include/strings.h\n"
    "    /usr/include/c++/12/string\n"
    "\n"
    "CMakeFiles/math.dir/src/math.cpp.o: #deps 5, deps mtime 1795330456847217862 (STALE)\n"
    "    /repo/src/math.cpp\n"
    "    /repo/include/math.h\n"
    "    /repo/include/mathutil.h\n"
    "    /repo/include/strings.h\n"
    "    generated/config.h\n"
    "\n"
    "CMakeFiles/strings_test.dir/tests/strings_test.cpp.o: #deps 2, deps mtime 1 (VALID)\n"
    "    /repo/tests/strings_test.cpp\n"
    "    /repo/include/strings.h\n"
    "\n"
    "CMakeFiles/math_test.dir/tests/math_test.cpp.o: #deps 2, deps mtime 1 (VALID)\n"
    "    /repo/tests/math_test.cpp\n"
    "    /repo/include/math.h\n"
    "\n"
    "/repo/build/app/CMakeFiles/app.dir/main.cpp.o: #deps 3, deps mtime 1 (VALID)\n"
    "    /repo/app/main.cpp\n"
    "    /repo/include/math.h\n"
    "    /repo/include/strings.h\n"
    "\n"
    "CMakeFiles/removed.dir/gone.cpp.o: #deps 1, deps mtime 1 (STALE)\n"
    "    /repo/include/removed.h\n"
    "\n"
    "CMakeFiles/empty.dir/empty.cpp.o: #deps 0, deps mtime 1 (VALID)\n"
    "\n";

TEST(NinjaDeps, ParsesEntries) {
  ObjectDeps deps = runners::parse_ninja_deps(kNinjaDeps, "/repo/build");
  ASSERT_EQ(deps.size(), 7u);
  EXPECT_EQ(deps.at("CMakeFiles/strings.dir/src/strings.cpp.o"),
            (Strings{"/repo/src/strings.cpp", "/repo/include/strings.h", "/usr/include/c++/12/string"}));
  // A relative dependency is relative to the build directory.
  EXPECT_EQ(deps.at("CMakeFiles/math.dir/src/math.cpp.o").back(), "/repo/build/generated/config.h");
  // An absolute object path inside the build directory becomes relative to it.
  EXPECT_EQ(deps.at("app/CMakeFiles/app.dir/main.cpp.o"),
            (Strings{"/repo/app/main.cpp", "/repo/include/math.h", "/repo/include/strings.h"}));
  EXPECT_TRUE(deps.at("CMakeFiles/empty.dir/empty.cpp.o").empty());
}

TEST(NinjaDeps, ToleratesCrLfAndMissingEntries) {
  ObjectDeps deps = runners::parse_ninja_deps(
      "a.o: #deps 1, deps mtime 2 (VALID)\r\n    /x/a.c\r\nb.o: deps not found\r\n", "/b");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps.at("a.o"), Strings{"/x/a.c"});
  EXPECT_TRUE(runners::parse_ninja_deps("", "/b").empty());
}

TEST(NinjaDeps, RefusesAnythingElse) {
  for (const std::string& text : {
           std::string("ninja: error: loading 'build.ninja': No such file or directory\n"),
           std::string("    /x/a.h\n"),
           std::string("a.o: #deps 2, deps mtime 2 (VALID)\n    /x/a.c\n"),
           std::string("a.o: #deps 1, deps mtime 2 (VALID)\n    /x/a.c\n    /x/b.h\n"),
           std::string("a.o: #deps 2, deps mtime 2 (VALID)\n    /x/a.c\nb.o: #deps 0, deps mtime 2 (VALID)\n"),
           std::string("a.o: #deps many, deps mtime 2 (VALID)\n"),
           std::string(": #deps 0, deps mtime 2 (VALID)\n"),
       }) {
    try {
      runners::parse_ninja_deps(text, "/b", "the deps text");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::internal) << text;
      EXPECT_NE(std::string(e.what()).find("cannot read the deps text (line "), std::string::npos) << e.what();
    }
  }
}

TEST(NinjaDeps, NotANinjaBuildIsEmpty) {
  TempDir dir;
  EXPECT_TRUE(runners::read_ninja_deps(dir.path()).empty());
  EXPECT_TRUE(runners::read_build_deps(dir.path(), {"CMakeFiles/x.dir/"}).empty());
}

TEST(Depfile, ParsesTheFirstRule) {
  EXPECT_EQ(runners::parse_depfile("CMakeFiles/s.dir/src/s.cpp.o: /repo/src/s.cpp \\\n"
                                   " /repo/my\\ dir/a.h \\\r\n"
                                   "  ../include/b.h /repo/c$$.h\n"
                                   "\n"
                                   "/repo/my\\ dir/a.h:\n",
                                   "/repo/build/sub"),
            (Strings{"/repo/src/s.cpp", "/repo/my dir/a.h", "/repo/build/include/b.h", "/repo/c$.h"}));
  EXPECT_EQ(runners::parse_depfile("a.o:\n", "/b"), Strings{});
  EXPECT_EQ(runners::parse_depfile("", "/b"), Strings{});
}

TEST(MakefileDeps, ReadsTheDepfilesOfEachObjectDirectory) {
  TempDir dir;
  fs::path build = dir / "build dir";
  write_file(build / "sub/CMakeFiles/strings.dir/src/strings.cpp.o.d",
             "CMakeFiles/strings.dir/src/strings.cpp.o: ../../src/strings.cpp \\\n /usr/include/stdio.h\n");
  write_file(build / "sub/CMakeFiles/strings.dir/src/strings.cpp.o", "");
  write_file(build / "sub/CMakeFiles/strings.dir/compiler_depend.make", "# Empty compiler generated dependencies file\n");
  write_file(build / "CMakeFiles/other.dir/x.cpp.o.d", "CMakeFiles/other.dir/x.cpp.o: /x.cpp\n");
  ObjectDeps deps = runners::read_build_deps(build, {"sub/CMakeFiles/strings.dir/", "CMakeFiles/missing.dir/",
                                                     "../CMakeFiles/other.dir/", "/etc/"});
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps.at("sub/CMakeFiles/strings.dir/src/strings.cpp.o"),
            (Strings{(dir / "src/strings.cpp").string(), "/usr/include/stdio.h"}));
}

// ---- the graph ------------------------------------------------------------------------------------

CMakeTarget target(std::string name, std::string type, Strings artifacts, Strings sources, Strings dependencies,
                   std::string object_dir = {}) {
  CMakeTarget t;
  t.id = name + "::@1";
  t.name = name;
  t.type = std::move(type);
  t.artifacts = std::move(artifacts);
  t.sources = std::move(sources);
  for (auto& d : dependencies) t.dependencies.push_back(d + "::@1");
  t.object_dir = object_dir.empty() ? "CMakeFiles/" + name + ".dir/" : std::move(object_dir);
  return t;
}

// strings ← strings_test; math → strings (math.cpp includes mathutil.h, a header-only library);
// math_test and app (in app/) list both, as CMake lists link dependencies transitively.
BuildGraph sample_graph() {
  std::vector<CMakeTarget> targets{
      target("strings", "STATIC_LIBRARY", {"/repo/build/libstrings.a"}, {"/repo/src/strings.cpp"}, {}),
      target("math", "STATIC_LIBRARY", {"/repo/build/libmath.a"}, {"/repo/src/math.cpp"}, {"strings"}),
      target("strings_test", "EXECUTABLE", {"/repo/build/strings_test"}, {"/repo/tests/strings_test.cpp"}, {"strings"}),
      target("math_test", "EXECUTABLE", {"/repo/build/math_test"}, {"/repo/tests/math_test.cpp"}, {"math", "strings"}),
      target("app", "EXECUTABLE", {"/repo/build/app/app"}, {"/repo/app/main.cpp"}, {"strings", "math", "unknown"},
             "app/CMakeFiles/app.dir/"),
      target("docs", "UTILITY", {}, {}, {}),
  };
  return BuildGraph("/repo", targets, runners::parse_ninja_deps(kNinjaDeps, "/repo/build"));
}

DiscoveredTest test_running(const std::string& name, Strings command, const std::string& working_directory = {}) {
  DiscoveredTest t;
  t.name = name;
  t.command = std::move(command);
  t.working_directory = working_directory;
  return t;
}

TEST(BuildGraph, MapsATestToTheTargetItRuns) {
  BuildGraph graph = sample_graph();
  EXPECT_EQ(graph.target_for_test(test_running("s", {"/repo/build/strings_test", "--gtest_filter=A.*"})), "strings_test");
  EXPECT_EQ(graph.target_for_test(test_running("s", {"/repo/build/sub/../strings_test"})), "strings_test");
  EXPECT_EQ(graph.target_for_test(test_running("s", {"./strings_test"}, "/repo/build")), "strings_test");
  // Through an emulator or launcher.
  EXPECT_EQ(graph.target_for_test(test_running("m", {"/usr/bin/qemu-x86_64", "-L", "/sysroot", "/repo/build/math_test"})),
            "math_test");
  EXPECT_EQ(graph.target_for_test(test_running("a", {"/repo/build/app/app", "--smoke"})), "app");
  // A script, a system program, nothing at all: no target, never a guess.
  EXPECT_EQ(graph.target_for_test(test_running("sh", {"/bin/sh", "-c", "/repo/build/strings_test | grep ok"})),
            std::nullopt);
  EXPECT_EQ(graph.target_for_test(test_running("py", {"/usr/bin/python3", "check.py"}, "/repo")), std::nullopt);
  EXPECT_EQ(graph.target_for_test(test_running("rel", {"strings_test"})), std::nullopt);  // no working directory
  EXPECT_EQ(graph.target_for_test(test_running("none", {})), std::nullopt);
}

TEST(BuildGraph, FilesOfATarget) {
  BuildGraph graph = sample_graph();
  EXPECT_EQ(graph.target_names(), (Strings{"app", "docs", "math", "math_test", "strings", "strings_test"}));
  EXPECT_EQ(graph.own_sources("strings_test"), Strings{"tests/strings_test.cpp"});
  EXPECT_EQ(graph.own_sources("nope"), Strings{});
  // Outside the source directory: absolute. Its build directory is inside it here.
  EXPECT_EQ(graph.files_of("strings"), (Strings{"/usr/include/c++/12/string", "include/strings.h", "src/strings.cpp"}));
  EXPECT_EQ(graph.files_of("math"), (Strings{"build/generated/config.h", "include/math.h", "include/mathutil.h",
                                             "include/strings.h", "src/math.cpp"}));
  EXPECT_EQ(graph.files_of("app"), (Strings{"app/main.cpp", "include/math.h", "include/strings.h"}));
  EXPECT_EQ(graph.files_of("docs"), Strings{});
  EXPECT_EQ(graph.closure_files("strings_test"), (Strings{"/usr/include/c++/12/string", "include/strings.h",
                                                          "src/strings.cpp", "tests/strings_test.cpp"}));
  EXPECT_EQ(graph.dependencies_of("app"), (Strings{"math", "strings"}));  // the unknown id is left out
  EXPECT_EQ(graph.dependencies_of("strings"), Strings{});
}

TEST(BuildGraph, ChainsToAChangedFile) {
  BuildGraph graph = sample_graph();
  EXPECT_EQ(graph.chain("strings_test", "src/strings.cpp"), (Strings{"strings_test", "strings", "src/strings.cpp"}));
  EXPECT_EQ(graph.chain("strings_test", "tests/strings_test.cpp"), (Strings{"strings_test", "tests/strings_test.cpp"}));
  // Its own object includes the header: the shortest chain.
  EXPECT_EQ(graph.chain("strings_test", "include/strings.h"), (Strings{"strings_test", "include/strings.h"}));
  // Through a header only math's objects include.
  EXPECT_EQ(graph.chain("math_test", "include/mathutil.h"), (Strings{"math_test", "math", "include/mathutil.h"}));
  EXPECT_EQ(graph.chain("app", "include/mathutil.h"), (Strings{"app", "math", "include/mathutil.h"}));
  EXPECT_EQ(graph.chain("math_test", "/repo/src/strings.cpp"), (Strings{"math_test", "strings", "src/strings.cpp"}));
  EXPECT_EQ(graph.chain("math_test", "./src/../src/strings.cpp"), (Strings{"math_test", "strings", "src/strings.cpp"}));
  EXPECT_EQ(graph.chain("strings_test", "src/math.cpp"), std::nullopt);
  EXPECT_EQ(graph.chain("strings_test", "include/removed.h"), std::nullopt);  // an object of no target
  EXPECT_EQ(graph.chain("strings_test", "data/input.txt"), std::nullopt);
  EXPECT_EQ(graph.chain("nope", "src/strings.cpp"), std::nullopt);
}

TEST(BuildGraph, ChainIsShortestThenByName) {
  // top → {y, x} → mid → leaf (owns f.cpp); top → long1 → long2 → long3 → leaf; leaf → top (a cycle).
  std::vector<CMakeTarget> targets{
      target("top", "EXECUTABLE", {"/r/b/top"}, {"/r/top.cpp"}, {"y", "long1", "x"}),
      target("y", "STATIC_LIBRARY", {}, {}, {"mid"}),
      target("x", "STATIC_LIBRARY", {}, {}, {"mid"}),
      target("mid", "STATIC_LIBRARY", {}, {}, {"leaf"}),
      target("long1", "STATIC_LIBRARY", {}, {}, {"long2"}),
      target("long2", "STATIC_LIBRARY", {}, {}, {"long3"}),
      target("long3", "STATIC_LIBRARY", {}, {}, {"leaf"}),
      target("leaf", "STATIC_LIBRARY", {}, {"/r/f.cpp"}, {"top"}),
  };
  BuildGraph graph("/r", targets, {});
  EXPECT_EQ(graph.chain("top", "f.cpp"), (Strings{"top", "x", "mid", "leaf", "f.cpp"}));
  EXPECT_EQ(graph.chain("long2", "f.cpp"), (Strings{"long2", "long3", "leaf", "f.cpp"}));
  EXPECT_EQ(graph.chain("leaf", "top.cpp"), (Strings{"leaf", "top", "top.cpp"}));
  EXPECT_EQ(graph.chain("mid", "top.cpp"), (Strings{"mid", "leaf", "top", "top.cpp"}));
  targets[0].dependencies = {"y::@1", "long1::@1"};
  BuildGraph without_x("/r", targets, {});
  EXPECT_EQ(without_x.chain("top", "f.cpp"), (Strings{"top", "y", "mid", "leaf", "f.cpp"}));
}

}  // namespace
}  // namespace autofix
