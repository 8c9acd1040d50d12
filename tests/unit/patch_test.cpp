// SPDX-License-Identifier: MIT
#include "gate/git/patch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <fstream>
#include <functional>
#include <sstream>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

namespace fs = std::filesystem;
using autofix::testing::fingerprint;
using autofix::testing::git;
using autofix::testing::read_file;
using autofix::testing::run;
using autofix::testing::TempDir;
using autofix::testing::TreeFingerprint;
using autofix::testing::write_file;

fs::path corpus_dir() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "patches"; }

constexpr const char* kMathlib =
    "#include \"mathlib.h\"\n"
    "\n"
    "int add(int a, int b) {\n"
    "  return a + b;\n"
    "}\n"
    "\n"
    "int sub(int a, int b) {\n"
    "  return a - b;\n"
    "}\n"
    "\n"
    "int mul(int a, int b) {\n"
    "  return a * b;\n"
    "}\n"
    "\n"
    "int div(int a, int b) {\n"
    "  return a / b;\n"
    "}\n";

// The one fixture every test starts from: "<dir>/fixture repo" with regular, executable, CRLF,
// empty and unterminated files, names with a blank and a non-ASCII letter, a tracked link to a
// directory (linkdir -> dir) and one out of the tree (outlink -> ../outside). With `hostile`,
// also an untracked nested repository (vendor/lib).
fs::path make_fixture(const TempDir& dir, bool hostile = false) {
  fs::path repo = dir / "fixture repo";
  write_file(dir / "outside" / "victim.txt", "victim\n");
  fs::create_directories(repo);
  git(repo, {"init", "-q", "-b", "main"});
  write_file(repo / "README.md", "# test repository\n");
  write_file(repo / "mathlib" / "mathlib.cpp", kMathlib);
  write_file(repo / "mathlib" / "mathlib.h",
             "#pragma once\nint add(int a, int b);\nint sub(int a, int b);\nint mul(int a, int b);\nint div(int a, int b);\n");
  write_file(repo / "run.sh", "#!/bin/sh\necho run\n");
  fs::permissions(repo / "run.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  write_file(repo / "crlf.txt", "one\r\ntwo\r\nthree\r\n");
  write_file(repo / "dir" / "inner.txt", "inner\n");
  write_file(repo / "docs" / "read me.txt", "spaces\n");
  write_file(repo / "docs" / "nonl.txt", "no newline at the end");
  write_file(repo / "empty.txt", "");
  fs::create_directory_symlink("dir", repo / "linkdir");
  fs::create_directory_symlink("../outside", repo / "outlink");
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", "fixture"});
  if (hostile) {
    fs::create_directories(repo / "vendor" / "lib");
    git(repo / "vendor" / "lib", {"init", "-q"});
    write_file(repo / "vendor" / "lib" / "lib.txt", "lib\n");
  }
  return repo;
}

// A clone of the fixture changed by `edit`, and `git diff` of that change (renames found, binary
// data included): the patch a tool would hand the gate, and the tree it must produce.
struct Candidate {
  fs::path clone;
  std::string patch;
};

Candidate candidate(const TempDir& dir, const fs::path& repo, const std::function<void(const fs::path&)>& edit,
                    std::vector<std::string> diff_args = {"diff", "--cached", "-M", "--binary"}) {
  fs::path clone = dir / "candidate clone";
  fs::remove_all(clone);
  git(dir.path(), {"clone", "-q", repo.string(), clone.string()});
  edit(clone);
  git(clone, {"add", "-A"});
  return {clone, git(clone, diff_args)};
}

// Everything under .git that a refused patch must not touch (objects and logs aside).
std::map<std::string, std::string> git_dir_state(const fs::path& repo) {
  std::map<std::string, std::string> state;
  for (const auto& entry : fs::recursive_directory_iterator(repo / ".git")) {
    std::string rel = fs::relative(entry.path(), repo / ".git").generic_string();
    if (rel.starts_with("objects") || rel.starts_with("logs")) continue;
    state[rel] = entry.is_regular_file() ? read_file(entry.path()) : "dir";
  }
  return state;
}

Error refusal(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "the patch was accepted";
  return Error(ErrorKind::internal, "accepted");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct CorpusCase {
  std::string file, expected, what;
};

std::vector<CorpusCase> read_corpus() {
  std::ifstream in(corpus_dir() / "expected.tsv");
  std::vector<CorpusCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    CorpusCase c;
    std::getline(fields, c.file, '\t');
    std::getline(fields, c.expected, '\t');
    std::getline(fields, c.what, '\t');
    cases.push_back(c);
  }
  return cases;
}

// --- the hostile corpus ------------------------------------------------------------------------

TEST(PatchCorpus, ListsEveryPatchFileAndHasAtLeastFifty) {
  std::vector<CorpusCase> cases = read_corpus();
  EXPECT_GE(cases.size(), 50u);
  std::set<std::string> listed;
  for (const auto& c : cases) {
    EXPECT_FALSE(c.expected.empty()) << c.file;
    EXPECT_TRUE(listed.insert(c.file).second) << c.file << " is listed twice";
    EXPECT_TRUE(fs::exists(corpus_dir() / c.file)) << c.file;
  }
  for (const auto& entry : fs::directory_iterator(corpus_dir())) {
    if (entry.path().extension() != ".patch") continue;
    EXPECT_TRUE(listed.count(entry.path().filename().string())) << entry.path().filename() << " is not in expected.tsv";
  }
}

TEST(PatchCorpus, EveryHostilePatchIsRefusedWithItsReasonAndTouchesNothing) {
  TempDir dir;
  fs::path repo = make_fixture(dir, true);
  Repository r = Repository::open(repo);
  const TreeFingerprint before = fingerprint(repo);
  const auto git_before = git_dir_state(repo);
  std::vector<CorpusCase> cases = read_corpus();
  ASSERT_FALSE(cases.empty());
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file + " (" + c.what + ")");
    std::string text = read_file(corpus_dir() / c.file);
    for (bool apply : {false, true}) {
      Error e = refusal([&] { apply ? apply_patch(r, text) : check_patch(r, text); });
      EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
      EXPECT_TRUE(contains(e.what(), c.expected)) << (apply ? "apply_patch" : "check_patch") << ": '" << e.what()
                                                  << "' does not contain '" << c.expected << "'";
      EXPECT_FALSE(e.hint().empty());
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "messages are one line";
    }
    TreeFingerprint after = fingerprint(repo);
    EXPECT_EQ(before, after) << autofix::testing::describe_difference(before, after);
    EXPECT_EQ(git_before, git_dir_state(repo));
  }
  EXPECT_EQ(read_file(dir / "outside" / "victim.txt"), "victim\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "outside"), fs::directory_iterator{}), 1);
}

TEST(PatchCorpus, TenThousandFilesToNowhereAreRefusedQuickly) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Repository r = Repository::open(repo);
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    std::string path = "nowhere/f" + std::to_string(i) + ".txt";
    text += "diff --git a/" + path + " b/" + path + "\nindex 1111111..2222222 100644\n--- a/" + path + "\n+++ b/" + path +
            "\n@@ -1 +1 @@\n-old\n+new\n";
  }
  const TreeFingerprint before = fingerprint(repo);
  auto start = std::chrono::steady_clock::now();
  Error e = refusal([&] { apply_patch(r, text); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_TRUE(contains(e.what(), "'nowhere/f0.txt' does not exist")) << e.what();
  EXPECT_EQ(before, fingerprint(repo));
}

// --- patches that must apply -----------------------------------------------------------------

TEST(Patch, AppliesAMultiFilePatchExactlyAndLeavesTheIndexAlone) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    std::string math = kMathlib;
    math.replace(math.find("  return a / b;"), 15, "  return b == 0 ? 0 : a / b;");
    math.replace(0, 20, "#include \"mathlib.h\"\n#include <cstdlib>");
    write_file(clone / "mathlib" / "mathlib.cpp", math);                     // modified, two hunks
    write_file(clone / "mathlib" / "extra.cpp", "int extra() { return 1; }\n");  // added
    fs::remove(clone / "docs" / "read me.txt");                            // deleted, a blank in its name
    fs::remove(clone / "empty.txt");                                       // deleted, empty
    write_file(clone / "new empty.txt", "");                               // added, empty
    git(clone, {"mv", "README.md", "README.txt"});                         // renamed and changed
    write_file(clone / "README.txt", "# test repository\nmore\n");
    fs::permissions(clone / "mathlib" / "mathlib.h", fs::perms::owner_exec, fs::perm_options::add);  // mode
    write_file(clone / "crlf.txt", "one\r\nTWO\r\nthree\r\n");
    write_file(clone / "docs" / "nonl.txt", "no newline at the end, still none");
    write_file(clone / "docs" / "na\xc3\xafve.txt", "na\xc3\xafve\n");  // a quoted name
    std::string blob;
    for (int i = 0; i < 1024; ++i) blob += static_cast<char>(i % 256);
    write_file(clone / "blob.bin", blob);  // binary
  });
  const std::string index_before = git(repo, {"ls-files", "-s"});
  Repository r = Repository::open(repo);

  PatchSummary s = apply_patch(r, c.patch);

  EXPECT_EQ(fingerprint(c.clone).entries, fingerprint(repo).entries);
  EXPECT_EQ(git(repo, {"ls-files", "-s"}), index_before) << "the index is not staged";
  ASSERT_EQ(s.files.size(), 10u);
  std::map<std::string, const PatchFile*> by_path;
  for (const PatchFile& f : s.files) by_path[f.new_path] = &f;
  EXPECT_EQ(by_path.at("README.txt")->change, PatchFile::Change::renamed);
  EXPECT_EQ(by_path.at("README.txt")->old_path, "README.md");
  EXPECT_EQ(by_path.at("mathlib/mathlib.h")->change, PatchFile::Change::mode_changed);
  EXPECT_EQ(by_path.at("mathlib/mathlib.h")->old_mode, 0100644u);
  EXPECT_EQ(by_path.at("mathlib/mathlib.h")->new_mode, 0100755u);
  EXPECT_EQ(by_path.at("mathlib/mathlib.cpp")->hunks, 2u);
  EXPECT_EQ(by_path.at("mathlib/mathlib.cpp")->hunks_at_offset, 0u);
  EXPECT_EQ(by_path.at("mathlib/extra.cpp")->change, PatchFile::Change::added);
  EXPECT_EQ(by_path.at("docs/read me.txt")->change, PatchFile::Change::deleted);
  EXPECT_EQ(by_path.at("new empty.txt")->change, PatchFile::Change::renamed);  // git pairs the two empty files
  EXPECT_EQ(by_path.at("new empty.txt")->old_path, "empty.txt");
  EXPECT_TRUE(by_path.at("blob.bin")->binary);
  EXPECT_EQ(s.lines_added, 7u);  // mathlib.cpp 2, extra.cpp, README.txt, crlf.txt, nonl.txt, naïve.txt
  EXPECT_EQ(s.lines_deleted, 4u);  // mathlib.cpp, read me.txt, crlf.txt, nonl.txt
}

TEST(Patch, CheckPatchChangesNothingAndReportsWhatApplyWould) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    write_file(clone / "README.md", "# test repository\nchecked\n");
    write_file(clone / "added.txt", "added\n");
  });
  Repository r = Repository::open(repo);
  const TreeFingerprint before = fingerprint(repo);
  PatchSummary checked = check_patch(r, c.patch);
  EXPECT_EQ(before, fingerprint(repo));
  PatchSummary applied = apply_patch(r, c.patch);
  EXPECT_EQ(describe(checked), describe(applied));
  EXPECT_EQ(describe(applied), "2 files changed, +2 -0: README.md (modified), added.txt (added)");
}

TEST(Patch, AppliesHunksWhoseContextMovedWhereTheContextIs) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  // The candidate was made against a file with three more lines at the top, so its headers are
  // three lines off; the work tree also has a local change at the end.
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    write_file(clone / "mathlib" / "mathlib.cpp", std::string("// one\n// two\n// three\n") + kMathlib);
    git(clone, {"commit", "-q", "-am", "three lines"});
    std::string math = std::string("// one\n// two\n// three\n") + kMathlib;
    math.replace(math.find("return a + b;"), 13, "return b + a;");
    math.replace(math.find("return a / b;"), 13, "return b ? a / b : 0;");
    write_file(clone / "mathlib" / "mathlib.cpp", math);
  });
  write_file(repo / "mathlib" / "mathlib.cpp", std::string(kMathlib) + "// local\n");
  Repository r = Repository::open(repo);

  PatchSummary s = apply_patch(r, c.patch);

  std::string expected = std::string(kMathlib) + "// local\n";
  expected.replace(expected.find("return a + b;"), 13, "return b + a;");
  expected.replace(expected.find("return a / b;"), 13, "return b ? a / b : 0;");
  EXPECT_EQ(read_file(repo / "mathlib" / "mathlib.cpp"), expected);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.files[0].hunks, 2u);
  EXPECT_EQ(s.files[0].hunks_at_offset, 2u);
}

TEST(Patch, AppliesToAFileWithCrlfLineEndsByteForByte) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    write_file(clone / "crlf.txt", "zero\r\none\r\ntwo\r\nthree, changed\r\n");
  });
  ASSERT_TRUE(contains(c.patch, "+three, changed\r\n"));
  Repository r = Repository::open(repo);
  apply_patch(r, c.patch);
  EXPECT_EQ(read_file(repo / "crlf.txt"), "zero\r\none\r\ntwo\r\nthree, changed\r\n");
}

TEST(Patch, AppliesBinaryChangesThatGitWritesAsDeltasAndLiterals) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  std::string data;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245u + 12345u;
    data += static_cast<char>(x >> 16);
  }
  write_file(repo / "data.bin", data);
  git(repo, {"add", "data.bin"});
  git(repo, {"commit", "-q", "-m", "binary"});
  std::string changed = data;
  changed.replace(100, 10, "0123456789");
  Candidate c = candidate(dir, repo, [&](const fs::path& clone) {
    write_file(clone / "data.bin", changed);
    write_file(clone / "small.bin", std::string("\0\1\2\3", 4));
  });
  ASSERT_TRUE(contains(c.patch, "\ndelta ")) << "git wrote no binary delta";
  ASSERT_TRUE(contains(c.patch, "\nliteral "));
  Repository r = Repository::open(repo);
  PatchSummary s = apply_patch(r, c.patch);
  EXPECT_EQ(read_file(repo / "data.bin"), changed);
  EXPECT_EQ(read_file(repo / "small.bin"), std::string("\0\1\2\3", 4));
  ASSERT_EQ(s.files.size(), 2u);
  EXPECT_TRUE(s.files[0].binary && s.files[1].binary);
}

TEST(Patch, KeepsTheExecutableBitWhenThePatchNamesNoMode) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Repository r = Repository::open(repo);
  // No index line: libgit2 alone would write the file as 100644.
  apply_patch(r, "diff --git a/run.sh b/run.sh\n--- a/run.sh\n+++ b/run.sh\n@@ -1,2 +1,2 @@\n #!/bin/sh\n-echo run\n+echo ran\n");
  EXPECT_EQ(read_file(repo / "run.sh"), "#!/bin/sh\necho ran\n");
  EXPECT_TRUE((fs::status(repo / "run.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  // An index line that calls it 100644 is context, not a change (libgit2 alone would stop with a
  // checkout conflict halfway through).
  PatchSummary s = apply_patch(
      r, "diff --git a/run.sh b/run.sh\nindex 1111111..2222222 100644\n--- a/run.sh\n+++ b/run.sh\n@@ -1,2 +1,2 @@\n"
         " #!/bin/sh\n-echo ran\n+echo again\n");
  EXPECT_EQ(s.files.at(0).new_mode, 0100755u);
  EXPECT_TRUE((fs::status(repo / "run.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  // A pure rename carries no mode either.
  apply_patch(r, "diff --git a/run.sh b/tools/run.sh\nsimilarity index 100%\nrename from run.sh\nrename to tools/run.sh\n");
  EXPECT_FALSE(fs::exists(repo / "run.sh"));
  EXPECT_EQ(read_file(repo / "tools" / "run.sh"), "#!/bin/sh\necho again\n");
  EXPECT_TRUE((fs::status(repo / "tools" / "run.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
}

TEST(Patch, AcceptsAPatchWhoseLastNewlineWasTrimmed) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Repository r = Repository::open(repo);
  apply_patch(r, "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# test repository\n+# trimmed");
  EXPECT_EQ(read_file(repo / "README.md"), "# trimmed\n");
}

TEST(Patch, AppliesAFormatPatchEmail) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    write_file(clone / "README.md", "# test repository\nfrom an email\n");
    write_file(clone / "empty added.txt", "");
    git(clone, {"add", "-A"});
    git(clone, {"commit", "-q", "-m", "A fix\n\nWith a body.\n--- not a header\n"});
  }, {"format-patch", "-1", "--stdout"});
  Repository r = Repository::open(repo);
  PatchSummary s = apply_patch(r, c.patch);
  EXPECT_EQ(s.files.size(), 2u);
  EXPECT_EQ(read_file(repo / "README.md"), "# test repository\nfrom an email\n");
  EXPECT_EQ(read_file(repo / "empty added.txt"), "");
}

TEST(Patch, RefusesWhileAnotherGitProcessHoldsTheIndex) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  write_file(repo / ".git" / "index.lock", "");
  Repository r = Repository::open(repo);
  Error e = refusal([&] {
    check_patch(r, "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-# test repository\n+x\n");
  });
  EXPECT_EQ(e.kind(), ErrorKind::repository_state);
}

// libgit2 writes the work tree file by file, so a failure it meets halfway leaves the files before
// it written. What can be foreseen is refused before anything is written: here a file made
// immutable (which only root can do; access() reports it even to root).
TEST(Patch, AFileThatCannotBeWrittenIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Candidate c = candidate(dir, repo, [](const fs::path& clone) {
    write_file(clone / "dir" / "inner.txt", "changed\n");
    write_file(clone / "run.sh", "#!/bin/sh\necho changed\n");
  });
  if (!run({"chattr", "+i", (repo / "run.sh").string()}, repo).succeeded())
    GTEST_SKIP() << "cannot make a file immutable here (needs root and a file system with attributes)";
  Repository r = Repository::open(repo);
  const TreeFingerprint before = fingerprint(repo);
  Error e = refusal([&] { apply_patch(r, c.patch); });
  run({"chattr", "-i", (repo / "run.sh").string()}, repo);
  EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
  EXPECT_TRUE(contains(e.what(), "cannot change 'run.sh'")) << e.what();
  EXPECT_EQ(before, fingerprint(repo));
}

// A name the file system cannot hold is the patch's fault: refused (usage, so the attempt is rejected) before
// anything is written, never a file system error halfway.
TEST(Patch, RefusesNamesTooLongForTheFileSystem) {
  TempDir dir;
  fs::path repo = make_fixture(dir);
  Repository r = Repository::open(repo);
  auto adding = [](const std::string& path) {
    return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\nindex 0000000..45b983b\n--- /dev/null\n+++ b/" +
           path + "\n@@ -0,0 +1 @@\n+hi\n";
  };
  const std::string long_name = "dir/" + std::string(256, 'n');
  std::string deep;
  while ((repo / deep).native().size() < PATH_MAX) deep += std::string(100, 'd') + "/";
  deep += "f";
  const TreeFingerprint before = fingerprint(repo);
  Error e = refusal([&] { apply_patch(r, adding(long_name)); });
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_EQ(std::string(e.what()), "name too long: '" + long_name.substr(0, 80) +
                                       "...': a component is 256 bytes long, and the file system allows 255");
  EXPECT_EQ(e.hint(), "a candidate fix must use paths the file system can store");
  e = refusal([&] { apply_patch(r, adding(deep)); });
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_EQ(std::string(e.what()), "name too long: '" + deep.substr(0, 80) + "...': with the work tree's path it is " +
                                       std::to_string((repo / deep).native().size()) + " bytes long, and the limit is 4095");
  // A deletion of such a name is refused the same way (it cannot exist here).
  e = refusal([&] {
    check_patch(r, "diff --git a/" + long_name + " b/" + long_name + "\ndeleted file mode 100644\nindex 45b983b..0000000\n--- a/" +
                       long_name + "\n+++ /dev/null\n@@ -1 +0,0 @@\n-hi\n");
  });
  EXPECT_TRUE(contains(e.what(), "a component is 256 bytes long")) << e.what();
  EXPECT_EQ(before, fingerprint(repo));
}

TEST(Patch, DescribeNamesEachFileAndItsChange) {
  PatchSummary s;
  s.files.push_back({.old_path = "mathlib/mathlib.cpp", .new_path = "mathlib/mathlib.cpp", .change = PatchFile::Change::modified});
  s.files.push_back({.old_path = "a.txt", .new_path = "b.txt", .change = PatchFile::Change::renamed});
  s.files.push_back({.old_path = "gone.bin", .new_path = "gone.bin", .change = PatchFile::Change::deleted, .binary = true});
  s.lines_added = 10;
  s.lines_deleted = 2;
  EXPECT_EQ(describe(s),
            "3 files changed, +10 -2: mathlib/mathlib.cpp (modified), a.txt -> b.txt (renamed), gone.bin (deleted, binary)");
  PatchSummary many;
  for (int i = 0; i < 25; ++i) many.files.push_back({.old_path = "f", .new_path = "f" + std::to_string(i)});
  EXPECT_TRUE(describe(many).ends_with("f19 (modified), and 5 more")) << describe(many);
  PatchSummary one;
  one.files.push_back({.old_path = "x", .new_path = "x", .change = PatchFile::Change::mode_changed});
  EXPECT_EQ(describe(one), "1 file changed, +0 -0: x (mode changed)");
}

}  // namespace
}  // namespace autofix::git
