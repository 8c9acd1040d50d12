// SPDX-License-Identifier: MIT
// A restore must leave build tools with a correct picture: a restored source is newer than its object
// (so it is rebuilt), and sources the restore did not have to touch keep their mtimes (so their objects
// are not rebuilt). Checked with a real CMake + Ninja project inside the repository.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "tests/e2e/e2e_helpers.h"

namespace autofix::testing {
namespace {

struct Mtime {
  int64_t s = 0;
  int64_t ns = 0;
  bool operator==(const Mtime&) const = default;
};

Mtime mtime_of(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + p.string());
  return {st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}

class BuildFreshness : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = tmp_ / "consumer project";
    init_repo(repo_);
    write_file(repo_ / ".gitignore", "/build/\n");
    write_file(repo_ / "CMakeLists.txt",
               "cmake_minimum_required(VERSION 3.20)\nproject(Consumer C)\n"
               "add_executable(app main.c greet.c other.c)\n");
    write_file(repo_ / "greet.h", "const char* greeting(void);\nint other(void);\n");
    write_file(repo_ / "main.c",
               "#include <stdio.h>\n#include \"greet.h\"\n"
               "int main(void) { printf(\"%s %d\\n\", greeting(), other()); return 0; }\n");
    write_file(repo_ / "greet.c", "#include \"greet.h\"\nconst char* greeting(void) { return \"before the fix\"; }\n");
    write_file(repo_ / "other.c", "#include \"greet.h\"\nint other(void) { return 7; }\n");
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "consumer"});
    runners::ProcessResult configure = run({"cmake", "-S", repo_.string(), "-B", build().string(), "-G", "Ninja"}, repo_);
    ASSERT_EQ(configure.exit_code, 0) << show(configure);
    ninja();
    ASSERT_EQ(app(), "before the fix 7\n");
  }

  fs::path build() const { return repo_ / "build"; }
  fs::path object(const std::string& source) const { return build() / "CMakeFiles/app.dir" / (source + ".o"); }

  std::string ninja(bool explain = false) {
    std::vector<std::string> argv{"ninja", "-C", build().string()};
    if (explain) argv.insert(argv.begin() + 1, {"-d", "explain"});
    runners::ProcessResult r = run(argv, repo_);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return r.out + r.err;
  }

  std::string app() {
    runners::ProcessResult r = run({(build() / "app").string()}, repo_);
    EXPECT_EQ(r.exit_code, 0) << show(r);
    return r.out;
  }

  TempDir tmp_;
  fs::path repo_;
};

TEST_F(BuildFreshness, RestoredSourceIsRebuiltAndUntouchedOnesAreNot) {
  TreeFingerprint before = exact_fingerprint(repo_);
  std::string id = make_snapshot(repo_, "before the fix");

  write_file(repo_ / "greet.c", "#include \"greet.h\"\nconst char* greeting(void) { return \"after the fix\"; }\n");
  ninja();
  ASSERT_EQ(app(), "after the fix 7\n");
  Mtime main_o = mtime_of(object("main.c")), other_o = mtime_of(object("other.c")), greet_o = mtime_of(object("greet.c"));
  Mtime main_c = mtime_of(repo_ / "main.c"), other_c = mtime_of(repo_ / "other.c");

  runners::ProcessResult r = gate(repo_, {"restore", id});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  TreeFingerprint restored = exact_fingerprint(repo_);
  // The build directory is ignored: it stays as the fixed build left it.
  EXPECT_TRUE(with_ignored_from(before, tree_entries(repo_), [](const std::string& p) {
                return p == "build" || p.rfind("build/", 0) == 0;
              }) == restored);
  EXPECT_EQ(mtime_of(repo_ / "main.c"), main_c) << "restore rewrote a file it did not need to";
  EXPECT_EQ(mtime_of(repo_ / "other.c"), other_c) << "restore rewrote a file it did not need to";

  std::string explain = ninja(true);
  EXPECT_EQ(app(), "before the fix 7\n") << explain;
  EXPECT_NE(explain.find("greet.c.o"), std::string::npos) << explain;
  EXPECT_EQ(explain.find("main.c.o"), std::string::npos) << explain;
  EXPECT_EQ(explain.find("other.c.o"), std::string::npos) << explain;
  EXPECT_NE(mtime_of(object("greet.c")), greet_o) << "the restored source's object was not rebuilt";
  EXPECT_EQ(mtime_of(object("main.c")), main_o) << "an untouched object was rebuilt";
  EXPECT_EQ(mtime_of(object("other.c")), other_o) << "an untouched object was rebuilt";
  EXPECT_NE(ninja().find("no work to do"), std::string::npos) << "a second build must have nothing to do";
}

// The fix adds a source file and a CMakeLists.txt line; restore takes both away, and the next build
// reconfigures and links without the new file.
TEST_F(BuildFreshness, FixThatAddsASourceFileIsUndone) {
  std::string id = make_snapshot(repo_);
  write_file(repo_ / "extra.c", "int extra(void) { return 1; }\n");
  write_file(repo_ / "CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.20)\nproject(Consumer C)\n"
             "add_executable(app main.c greet.c other.c extra.c)\n");
  write_file(repo_ / "greet.c", "#include \"greet.h\"\nconst char* greeting(void) { return \"after the fix\"; }\n");
  ninja();
  ASSERT_EQ(app(), "after the fix 7\n");
  Mtime other_o = mtime_of(object("other.c"));

  runners::ProcessResult r = gate(repo_, {"restore", id});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  EXPECT_FALSE(fs::exists(repo_ / "extra.c"));
  std::string explain = ninja(true);
  EXPECT_EQ(app(), "before the fix 7\n") << explain;
  EXPECT_EQ(explain.find("extra.c"), std::string::npos) << explain;
  EXPECT_EQ(mtime_of(object("other.c")), other_o) << "an untouched object was rebuilt\n" << explain;
}

}  // namespace
}  // namespace autofix::testing
