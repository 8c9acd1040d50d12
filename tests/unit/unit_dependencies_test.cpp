// SPDX-License-Identifier: MIT
// What each translation unit was compiled from (runners/unit_dependencies.h) and the compile database's
// units with their commands (runners/compile_database.h): matched from the build's own dependency
// information, for Ninja and for Makefiles, by a real build.
#include "runners/unit_dependencies.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;
using Strings = std::vector<std::string>;

std::string joined(const Strings& files) {
  std::string out;
  for (const std::string& f : files) out += f + "\n";
  return out;
}

runners::CompileEntry entry(const fs::path& root, const std::string& rel) {
  return {rel, root / rel, {{"directory", (root / "build").string()}, {"file", (root / rel).string()}, {"command", "c++"}}};
}

// GCC and Clang name the source first: that decides the unit; a unit two objects compile gets the files
// of both; an object of a file the database does not list (generated) and a unit no object records are
// left out.
TEST(UnitDependencies, MatchesObjectsToUnitsByTheFileTheyNameFirst) {
  const fs::path root = "/repo";
  std::vector<runners::CompileEntry> database = {entry(root, "src/a.cpp"), entry(root, "src/b.cpp"),
                                                 entry(root, "src/never_built.cpp")};
  runners::ObjectDeps deps = runners::parse_ninja_deps(
      "CMakeFiles/lib.dir/src/a.cpp.o: #deps 3, deps mtime 1 (VALID)\n"
      "    ../src/a.cpp\n    ../include/h.h\n    /usr/include/stdio.h\n\n"
      "CMakeFiles/lib.dir/src/b.cpp.o: #deps 2, deps mtime 1 (VALID)\n"
      "    ../src/b.cpp\n    ../include/h.h\n\n"
      "CMakeFiles/other.dir/src/b.cpp.o: #deps 2, deps mtime 1 (VALID)\n"
      "    ../src/b.cpp\n    ../include/other.h\n\n"
      "CMakeFiles/lib.dir/gen.cpp.o: #deps 2, deps mtime 1 (VALID)\n"
      "    gen.cpp\n    ../include/h.h\n\n"
      "CMakeFiles/lib.dir/src/c.cpp.o: deps not found\n",
      root / "build");
  runners::UnitDependencies units = runners::match_unit_dependencies(database, deps, root);
  EXPECT_EQ(units, (runners::UnitDependencies{
                       {"src/a.cpp", {"/repo/include/h.h", "/repo/src/a.cpp", "/usr/include/stdio.h"}},
                       {"src/b.cpp", {"/repo/include/h.h", "/repo/include/other.h", "/repo/src/b.cpp"}}}));
}

TEST(CompileDatabase, EachUnitOnceWithEveryCommandThatCompilesIt) {
  TempDir dir;
  const fs::path root = dir / "repo";
  nlohmann::json db = nlohmann::json::array();
  db.push_back({{"directory", (root / "build").string()}, {"file", (root / "src/b.cpp").string()}, {"command", "c++ -DB"}});
  db.push_back({{"directory", (root / "build").string()}, {"file", "../src/a.cpp"}, {"arguments", {"c++", "-DX"}}});
  db.push_back({{"directory", (root / "build").string()}, {"file", (root / "src/a.cpp").string()}, {"command", "c++ -DY"}});
  db.push_back({{"directory", "/elsewhere"}, {"file", "/elsewhere/x.cpp"}, {"command", "c++"}});
  write_file(root / "build/compile_commands.json", db.dump());
  std::vector<runners::CompileUnit> units = runners::compile_units(root / "build", root);
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].file, "src/a.cpp");
  EXPECT_EQ(units[0].command, db[1].dump() + "\n" + db[2].dump() + "\n") << "both entries, in the database's order";
  EXPECT_EQ(units[1].file, "src/b.cpp");
  EXPECT_EQ(units[1].command, db[0].dump() + "\n");
  EXPECT_EQ(runners::translation_units_in_database(root / "build", root), (Strings{"src/a.cpp", "src/b.cpp"}));
}

// A real build, with either generator: src/a.cpp was compiled from itself, include/h.h and the standard
// library's headers; src/b.cpp from itself and those.
TEST(UnitDependencies, ReadsWhatARealBuildRecorded) {
  for (const std::string generator : {"Ninja", "Unix Makefiles"}) {
    SCOPED_TRACE(generator);
    TempDir dir;
    const fs::path root = dir / "a project";
    const fs::path build = root / "build";
    write_file(root / "CMakeLists.txt",
               "cmake_minimum_required(VERSION 3.16)\nproject(p CXX)\n"
               "add_library(p src/a.cpp src/b.cpp)\ntarget_include_directories(p PUBLIC include)\n");
    write_file(root / "include/h.h", "#pragma once\n#include <cstdio>\ninline int h() { return 1; }\n");
    write_file(root / "src/a.cpp", "#include \"h.h\"\nint a() { return h(); }\n");
    write_file(root / "src/b.cpp", "#include <cstddef>\nstd::size_t b() { return 0; }\n");
    // The File API's codemodel tells where a Makefile build keeps its depfiles.
    write_file(build / ".cmake/api/v1/query/codemodel-v2", "");
    auto configured = testing::run({"cmake", "-S", root.string(), "-B", build.string(), "-G", generator,
                                    "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"},
                                   dir.path());
    ASSERT_TRUE(configured.succeeded()) << configured.out << configured.err;
    auto built = testing::run({"cmake", "--build", build.string()}, dir.path());
    ASSERT_TRUE(built.succeeded()) << built.out << built.err;

    runners::UnitDependencies units = runners::read_unit_dependencies(build, root);
    ASSERT_EQ(units.size(), 2u);
    const Strings& a = units.at("src/a.cpp");
    const Strings& b = units.at("src/b.cpp");
    auto has = [](const Strings& files, const std::string& f) { return std::find(files.begin(), files.end(), f) != files.end(); };
    EXPECT_TRUE(has(a, (root / "src/a.cpp").string())) << joined(a);
    EXPECT_TRUE(has(a, (root / "include/h.h").string())) << joined(a);
    EXPECT_TRUE(std::any_of(a.begin(), a.end(), [](const std::string& f) { return f.ends_with("/cstdio"); }));
    EXPECT_TRUE(has(b, (root / "src/b.cpp").string()));
    EXPECT_FALSE(has(b, (root / "include/h.h").string()));
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  }
}

}  // namespace
}  // namespace autofix
