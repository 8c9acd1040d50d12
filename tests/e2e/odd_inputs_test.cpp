// SPDX-License-Identifier: MIT
// Odd inputs of issue #17, end to end on the real binary (items 4, 10, 11 and 15):
// - a build or report directory inside the work tree that holds the user's files is refused before anything
//   changes (the gate leaves those directories out of its snapshot, so a fix could delete the files for good);
// - file names are bytes: names that are not UTF-8, or hold a newline or a backslash, go through snapshot,
//   restore, attempt and verify byte for byte, and are shown quoted as git shows them;
// - a fix that adds, changes or deletes binary files is committed exactly;
// - an over-long path is refused, a file given as --report-dir or --build-dir is refused before the snapshot,
//   a full disk names the path and the bytes to free, and a kill while the reports are written never leaves
//   files of two attempts side by side.
// They use a tiny CMake project without a compiler (its test reads value.conf), so an attempt takes a second.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::refs_under;
using attempt::source_fingerprint;
using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kTinyCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(tiny LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n";

// The breaker off: these tests repeat one rejected attempt on purpose (docs/breaker.md).
constexpr const char* kTinyConfig =
    R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}], "breaker": {"enabled": false}})";

// A committed repository "odd inputs" (under a path with spaces) whose one test passes while value.conf
// says "ok"; build/ is ignored.
class Tiny {
 public:
  Tiny() : repo_(tmp_ / "odd inputs") {
    init_repo(repo_);
    write_file(repo_ / "CMakeLists.txt", kTinyCMake);
    write_file(repo_ / "value.conf", "ok\n");
    write_file(repo_ / ".gitignore", "build/\n");
    write_file(repo_ / "autofix-gate.json", kTinyConfig);
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "tiny project"});
  }
  const fs::path& repo() const { return repo_; }
  const fs::path& tmp() const { return tmp_.path(); }
  runners::ProcessResult gate_with(const Strings& args) const {
    Strings argv{gate_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo_, {}, std::chrono::minutes(3));
  }
  void commit_all(const std::string& message) const {
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", message});
  }

 private:
  TempDir tmp_;
  fs::path repo_;
};

Strings attempt_running(const std::string& script, const Strings& extra = {}) {
  Strings argv{"attempt", "-j", "2"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), {"--", "sh", "-c", script});
  return argv;
}

// attempt::expect_untouched, and no baseline stored either.
void expect_untouched(const fs::path& repo, const TreeFingerprint& before, const runners::ProcessResult& r) {
  attempt::expect_untouched(repo, before, r);
  EXPECT_FALSE(fs::exists(repo / ".git" / "autofix" / "baselines")) << show(r);
}

std::string bytes_of(const fs::path& file) { return read_file(file); }

// ---- item 4: the gate's directories must not hold the user's files ----------------------------------------

// The reporter's case: --report-dir names a directory of the user's untracked files; a rejected fixer
// deleted one, the gate said "restored and verified", and the file was gone.
TEST(OddInputs, ReportDirHoldingUntrackedFilesIsRefusedBeforeAnythingChanges) {
  Tiny t;
  write_file(t.repo() / "notes" / "todo.txt", "call the bank\n");
  write_file(t.repo() / "notes" / "drafts" / "idea.md", "an idea\n");
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult r =
      t.gate_with(attempt_running("rm notes/todo.txt; echo broken > value.conf", {"--report-dir", "notes"}));
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_EQ(r.err, "autofix-gate: error: the report directory '" + (t.repo() / "notes").string() +
                       "' holds files of yours: 2 untracked files that .gitignore does not ignore "
                       "('notes/drafts/idea.md', 'notes/todo.txt')\n"
                       "autofix-gate: hint: the gate leaves its build and report directories out of the snapshot, so "
                       "a fix could change or delete those files for good; pass --report-dir with a new directory, "
                       "one outside the work tree or one .gitignore ignores, or move them\n")
      << show(r);
  EXPECT_EQ(read_file(t.repo() / "notes" / "todo.txt"), "call the bank\n");
  expect_untouched(t.repo(), before, r);
}

TEST(OddInputs, ReportDirHoldingTrackedFilesIsRefused) {
  Tiny t;
  write_file(t.repo() / "docs" / "guide.md", "# guide\n");
  write_file(t.repo() / "docs" / "report.json", "{\"mine\": true}\n");  // the gate would overwrite it
  t.commit_all("docs");
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult r = t.gate_with(attempt_running("echo broken > value.conf", {"--report-dir", "docs"}));
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: error: the report directory '" + (t.repo() / "docs").string() +
                                  "' holds files of yours: 2 tracked files ('docs/guide.md', 'docs/report.json')\n"))
      << show(r);
  expect_untouched(t.repo(), before, r);
}

// The same for --build-dir: a directory of sources, tracked or not, is not a build tree to configure and
// leave out of the snapshot.
TEST(OddInputs, BuildDirHoldingUserFilesIsRefused) {
  Tiny t;
  write_file(t.repo() / "src" / "util.txt", "tracked source\n");
  t.commit_all("src");
  write_file(t.repo() / "src" / "scratch.txt", "untracked work\n");
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult r =
      t.gate_with(attempt_running("rm src/scratch.txt; echo broken > value.conf", {"--build-dir", "src"}));
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: error: the build directory '" + (t.repo() / "src").string() +
                                  "' holds files of yours: 1 tracked file ('src/util.txt') and 1 untracked file "
                                  "that .gitignore does not ignore ('src/scratch.txt')\n"))
      << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: hint: the gate leaves its build and report directories out of the "
                              "snapshot, so a fix could change or delete those files for good; pass --build-dir"))
      << show(r);
  expect_untouched(t.repo(), before, r);
}

// A report directory the gate created stays usable: what it left there is its own (a marker says so).
TEST(OddInputs, ReportDirTheGateCreatedIsUsedAgain) {
  Tiny t;
  for (int round = 0; round < 2; ++round) {
    runners::ProcessResult r = t.gate_with(attempt_running("echo broken > value.conf", {"--report-dir", "gate reports"}));
    EXPECT_EQ(r.exit_code, 1) << "round " << round << "\n" << show(r);
    EXPECT_TRUE(fs::exists(t.repo() / "gate reports" / "report.json")) << round;
    EXPECT_TRUE(fs::exists(t.repo() / "gate reports" / ".autofix-gate-reports")) << round;
  }
  EXPECT_EQ(read_file(t.repo() / "value.conf"), "ok\n");
}

// ---- item 10: names are bytes ------------------------------------------------------------------------------

const std::string kNotUtf8 = "u\xff";                // untracked
const std::string kBadSequence = "c\xc3\x28";        // tracked, then modified
const std::string kNewline = "n\nl";                 // untracked
const std::string kBackslash = "back\\slash";        // tracked, then modified
const std::string kCommitted = "t\xff.txt";          // tracked, left alone by the user

// The user's work: two untracked and two modified files with odd names, one committed odd name untouched.
void add_odd_names(const Tiny& t) {
  write_file(t.repo() / kBadSequence, "committed\n");
  write_file(t.repo() / kBackslash, "committed\n");
  write_file(t.repo() / kCommitted, "committed\n");
  t.commit_all("odd names");
  write_file(t.repo() / kBadSequence, "committed\nand changed\n");
  write_file(t.repo() / kBackslash, "changed\n");
  write_file(t.repo() / kNotUtf8, "\xff untracked\n");
  write_file(t.repo() / kNewline, "untracked\n");
}

TEST(OddInputs, NamesThatAreNotUtf8SurviveSnapshotAndRestoreByteForByte) {
  Tiny t;
  add_odd_names(t);
  TreeFingerprint before = source_fingerprint(t.repo());
  runners::ProcessResult snap = t.gate_with({"snapshot", "--json"});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  nlohmann::json manifest = json_of(snap);
  std::string id = manifest.at("id");
  // The manifest is JSON (UTF-8): a name that is not UTF-8 is kept as its bytes, and shown as git shows it.
  bool found = false;
  for (const auto& c : manifest.at("changes"))
    if (c.at("path").is_object() && c.at("path").at("bytes") == "75ff") {
      EXPECT_EQ(c.at("path").at("shown"), "\"u\\377\"") << c.dump();
      found = true;
    }
  EXPECT_TRUE(found) << manifest.at("changes").dump(2);

  fs::remove(t.repo() / kNotUtf8);
  write_file(t.repo() / kNewline, "overwritten\n");
  write_file(t.repo() / kBadSequence, "overwritten\n");
  fs::remove(t.repo() / kBackslash);
  write_file(t.repo() / ("x\xfe"), "new\n");
  runners::ProcessResult restored = t.gate_with({"restore", id, "--json"});
  ASSERT_EQ(restored.exit_code, 0) << show(restored);
  nlohmann::json report = json_of(restored);
  EXPECT_EQ(report.at("removed"), nlohmann::json::array({"\"x\\376\""})) << report.dump(2);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(bytes_of(t.repo() / kNotUtf8), "\xff untracked\n");
  EXPECT_EQ(bytes_of(t.repo() / kBadSequence), "committed\nand changed\n");
}

TEST(OddInputs, NamesThatAreNotUtf8SurviveRejectedAndAcceptedAttempts) {
  Tiny t;
  add_odd_names(t);
  const std::string head = git(t.repo(), {"rev-parse", "HEAD"});
  TreeFingerprint before = source_fingerprint(t.repo());

  // Rejected: the fixer breaks the test and mangles every odd name; the rollback brings each back.
  Strings rejected{"attempt", "-j", "2", "--", "sh", "-c",
                   "echo broken > value.conf; rm \"$1\"; echo x > \"$2\"; rm \"$3\"; echo y > \"$4\"; echo z > \"$5\"",
                   "sh", kNotUtf8, kBadSequence, kNewline, kBackslash, kCommitted};
  runners::ProcessResult r = t.gate_with(rejected);
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);

  // Accepted: the fix changes the committed odd name; the commit holds exactly that, under its exact bytes,
  // and the report shows the name quoted.
  Strings accepted{"attempt", "-j", "2", "--json", "--", "sh", "-c", "printf 'fixed\\n' > \"$1\"", "sh", kCommitted};
  r = t.gate_with(accepted);
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json report = json_of(r);
  EXPECT_EQ(report.at("files_changed"),
            nlohmann::json::parse(R"([{"path": "\"t\\377.txt\"", "status": "modified"}])"))
      << report.dump(2);
  std::string branch = report.at("branch");
  EXPECT_EQ(git(t.repo(), {"rev-parse", branch + "^"}), head);
  EXPECT_EQ(git(t.repo(), {"diff-tree", "-r", "-z", "--name-status", head.substr(0, 40), branch}),
            std::string("M\0", 2) + kCommitted + std::string("\0", 1));
  EXPECT_EQ(git(t.repo(), {"cat-file", "blob", branch + ":" + kCommitted}), "fixed\n");
  after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  std::string summary = read_file(t.repo() / "build" / "autofix" / "latest" / "summary.md");
  EXPECT_TRUE(contains(summary, "- `\"t\\377.txt\"` (modified)")) << summary;
}

TEST(OddInputs, VerifyJudgesACommitWithANameThatIsNotUtf8) {
  Tiny t;
  write_file(t.repo() / ("added\xe9.txt"), "latin-1 name\n");
  t.commit_all("a latin-1 name");
  write_file(t.repo() / kNotUtf8, "untracked, kept\n");
  TreeFingerprint before = source_fingerprint(t.repo());
  runners::ProcessResult r = t.gate_with({"verify", "-j", "2", "--base", "HEAD~1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json report = json_of(r);
  EXPECT_EQ(report.at("files_changed"),
            nlohmann::json::parse(R"([{"path": "\"added\\351.txt\"", "status": "added"}])"))
      << report.dump(2);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// ---- item 11: binary files in a fix --------------------------------------------------------------------------

std::string binary_content(unsigned seed, size_t size) {
  std::string out;
  unsigned x = seed;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out += static_cast<char>((x >> 16) & 0xff);
  }
  out[0] = '\0';  // certainly binary
  return out;
}

// The reporter's case: accepted by every tier, then "the fix overlaps uncommitted changes" (there were
// none) and exit 4: the diff the fix was committed from had no binary data.
TEST(OddInputs, BinaryFilesAddedChangedAndDeletedAreCommittedExactly) {
  Tiny t;
  write_file(t.repo() / "assets" / "logo.bin", binary_content(1, 3000));
  write_file(t.repo() / "assets" / "old.bin", binary_content(2, 500));
  t.commit_all("binary assets");
  const std::string head = git(t.repo(), {"rev-parse", "HEAD"}).substr(0, 40);
  // The user's uncommitted work elsewhere is not part of the fix.
  write_file(t.repo() / "README.md", "changed by the user\n");
  write_file(t.repo() / "notes.txt", "untracked\n");
  const std::string changed_logo = binary_content(3, 3100), added = binary_content(4, 70000);
  write_file(t.tmp() / "logo.new", changed_logo);
  write_file(t.tmp() / "added.new", added);
  TreeFingerprint before = source_fingerprint(t.repo());
  Strings fixer{"attempt", "-j", "2", "--json", "--",
                "sh", "-c", "cp \"$1\" assets/logo.bin && cp \"$2\" assets/new.bin && rm assets/old.bin",
                "sh", (t.tmp() / "logo.new").string(), (t.tmp() / "added.new").string()};
  runners::ProcessResult r = t.gate_with(fixer);
  ASSERT_EQ(r.exit_code, 0) << show(r);
  nlohmann::json report = json_of(r);
  EXPECT_EQ(report.at("verdict"), "accepted") << report.dump(2);
  std::string branch = report.at("branch");
  EXPECT_EQ(git(t.repo(), {"rev-parse", branch + "^"}).substr(0, 40), head);
  EXPECT_EQ(git(t.repo(), {"diff-tree", "-r", "--name-status", head, branch}),
            "M\tassets/logo.bin\nA\tassets/new.bin\nD\tassets/old.bin\n");
  EXPECT_TRUE(git(t.repo(), {"cat-file", "blob", branch + ":assets/logo.bin"}) == changed_logo);
  EXPECT_TRUE(git(t.repo(), {"cat-file", "blob", branch + ":assets/new.bin"}) == added);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// ---- item 15: over-long paths ---------------------------------------------------------------------------------

std::string patch_adding(const std::string& path) {
  return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\nindex 0000000..45b983b\n--- /dev/null\n+++ b/" +
         path + "\n@@ -0,0 +1 @@\n+hi\n";
}

TEST(OddInputs, PatchWithAnOverLongNameIsRefusedWithTheTreeUntouched) {
  Tiny t;
  const std::string long_component = "src/" + std::string(300, 'x') + ".txt";
  std::string deep;
  for (int i = 0; i < 21; ++i) deep += std::string(200, 'd') + "/";
  deep += "f.txt";
  struct Case {
    std::string path, detail;
  };
  for (const Case& c : {Case{long_component, "a component is 304 bytes long, and the file system allows 255"},
                        Case{deep, "with the work tree's path it is " +
                                       std::to_string((t.repo() / deep).native().size()) +
                                       " bytes long, and the limit is 4095"}}) {
    write_file(t.tmp() / "long.diff", patch_adding(c.path));
    TreeFingerprint before = source_fingerprint(t.repo());
    runners::ProcessResult r = t.gate_with({"attempt", "-j", "2", "--patch", (t.tmp() / "long.diff").string()});
    EXPECT_EQ(r.exit_code, 1) << show(r);
    EXPECT_TRUE(contains(r.out, "verdict: rejected: the patch was refused: name too long: '" + c.path.substr(0, 80) +
                                    "...': " + c.detail + "\n"))
        << show(r);
    TreeFingerprint after = source_fingerprint(t.repo());
    EXPECT_TRUE(after == before) << describe_difference(before, after);
    // No snapshot was needed; only the history has a record of it.
    EXPECT_EQ(refs_under(t.repo(), "refs/autofix/"), Strings{"refs/autofix/history"}) << show(r);
  }
}

// Creates `depth` nested directories named `component` under `base` (by descriptor: the whole path is too
// long for one system call) and a file "f" at the bottom.
void make_deep_file(const fs::path& base, const std::string& component, int depth) {
  int fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < depth; ++i) {
    ASSERT_EQ(::mkdirat(fd, component.c_str(), 0755), 0) << std::strerror(errno);
    int next = ::openat(fd, component.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    ASSERT_GE(next, 0);
    fd = next;
  }
  int file = ::openat(fd, "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ::close(fd);
  ASSERT_GE(file, 0);
  ASSERT_EQ(::write(file, "hi\n", 3), 3);
  ::close(file);
}

TEST(OddInputs, WorkTreeWithAPathLongerThanPathMaxIsRefusedBeforeAnythingChanges) {
  Tiny t;
  make_deep_file(t.repo(), std::string(200, 'd'), 21);
  const std::string status = git(t.repo(), {"status", "--porcelain"});
  for (const Strings& args : {attempt_running("echo broken > value.conf"), Strings{"snapshot"}}) {
    runners::ProcessResult r = t.gate_with(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << show(r);
    EXPECT_TRUE(contains(r.err, "autofix-gate: error: name too long: the work tree holds '" + std::string(60, 'd') + "..."))
        << show(r);
    EXPECT_TRUE(contains(r.err, " bytes long (the limit is 4095)\nautofix-gate: hint: the gate reads, saves and restores "
                                "files by their whole path: move or rename it (or ignore it in .gitignore), then try again\n"))
        << show(r);
    EXPECT_FALSE(contains(r.out, "verdict")) << show(r);
    EXPECT_EQ(git(t.repo(), {"status", "--porcelain"}), status);
    EXPECT_EQ(read_file(t.repo() / "value.conf"), "ok\n");
    EXPECT_EQ(refs_under(t.repo(), "refs/autofix/"), Strings{}) << show(r);
    EXPECT_FALSE(fs::exists(t.repo() / ".git" / "autofix" / "journal.json"));
  }
  run({"rm", "-rf", (t.repo() / std::string(200, 'd')).string()}, t.tmp());  // std::filesystem cannot
}

// ---- item 15: a file where a directory should be ------------------------------------------------------------

TEST(OddInputs, FileGivenAsReportOrBuildDirIsRefusedBeforeTheSnapshot) {
  Tiny t;
  write_file(t.repo() / "a file", "not a directory\n");
  struct Case {
    Strings options;
    std::string error, hint;
  };
  const std::string file = (t.repo() / "a file").string();
  for (const Case& c :
       {Case{{"--report-dir", "a file"}, "the report directory '" + file + "' is a file, not a directory",
             "pass --report-dir with a directory (it is created when missing)"},
        Case{{"--build-dir", "a file"}, "the build directory '" + file + "' is a file, not a directory",
             "pass --build-dir with a directory (it is created when missing)"},
        Case{{"--report-dir", "a file/reports"},
             "the report directory '" + file + "/reports' cannot be created: '" + file + "' is a file, not a directory",
             "pass --report-dir with a directory (it is created when missing)"}}) {
    TreeFingerprint before = exact_fingerprint(t.repo());
    runners::ProcessResult r = t.gate_with(attempt_running("echo broken > value.conf", c.options));
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_EQ(r.err, "autofix-gate: error: " + c.error + "\nautofix-gate: hint: " + c.hint + "\n") << show(r);
    expect_untouched(t.repo(), before, r);
    EXPECT_FALSE(fs::exists(t.repo() / "build")) << "the baseline was built";
  }
}

// ---- item 15: a full disk ---------------------------------------------------------------------------------------

// The reporter's case: a fixer filled the disk; the rollback failed and `recover` kept failing with "No
// space left on device" until space was freed, without saying where or how much. Run in a private mount
// namespace on a 6 MiB tmpfs.
TEST(OddInputs, FullDiskNamesThePathAndTheBytesToFree) {
  if (run({"unshare", "-rm", "true"}, "/").exit_code != 0)
    GTEST_SKIP() << "needs `unshare -rm` (a user and mount namespace) to mount a small tmpfs";
  TempDir tmp;
  write_file(tmp / "template" / "CMakeLists.txt", kTinyCMake);
  write_file(tmp / "template" / "value.conf", "ok\n");
  write_file(tmp / "template" / ".gitignore", "build/\n");
  write_file(tmp / "template" / "autofix-gate.json", kTinyConfig);
  fs::create_directories(tmp / "mnt");
  fs::create_directories(tmp / "log");
  const std::string script = R"(
    set -u
    gate=$1 tpl=$2 mnt=$3 log=$4
    mount -t tmpfs -o size=6m tmpfs "$mnt" || exit 77
    mkdir "$mnt/full disk" && cd "$mnt/full disk" || exit 78
    git init -q -b main . && cp -a "$tpl/." . && git add -A && git commit -q -m init || exit 79
    step() { name=$1; shift; "$gate" "$@" > "$log/$name.out" 2> "$log/$name.err"; echo $? > "$log/$name.rc"; }
    step baseline baseline -j 1
    step attempt attempt -j 1 -- sh -c 'echo broken > value.conf; head -c 100000000 /dev/zero > fill.bin; true'
    step recover1 recover
    stat -c %s fill.bin > "$log/fill.size"
    rm fill.bin
    step recover2 recover
    git status --porcelain > "$log/status"
    cat value.conf > "$log/value"
  )";
  runners::ProcessResult r = run({"unshare", "-rm", "sh", "-c", script, "sh", gate_binary().string(),
                                  (tmp / "template").string(), (tmp / "mnt").string(), (tmp / "log").string()},
                                 tmp.path(), git_environment(), std::chrono::minutes(3));
  ASSERT_EQ(r.exit_code, 0) << show(r);
  auto log = [&](const std::string& name) { return read_file(tmp / "log" / name); };
  ASSERT_EQ(log("baseline.rc"), "0\n") << log("baseline.err");
  const std::string repo = (tmp / "mnt" / "full disk").string();

  EXPECT_EQ(log("attempt.rc"), "4\n") << log("attempt.err");
  EXPECT_TRUE(contains(log("attempt.err"), ": No space left on device (")) << log("attempt.err");
  EXPECT_TRUE(contains(log("attempt.err"), " to write, ")) << log("attempt.err");
  // Where the write failed: the journal under .git/autofix, or (the rollback runs when its journal cannot
  // be written) the rolled-back fix's copy under .git/objects.
  EXPECT_TRUE(contains(log("attempt.err"), " free on the file system holding '" + repo + "/.git")) << log("attempt.err");
  EXPECT_TRUE(contains(log("attempt.err"), "autofix-gate: hint: free at least ")) << log("attempt.err");

  // recover saves the files it replaces first: it names the one it cannot store, and its size.
  const std::string fill_size = log("fill.size").substr(0, log("fill.size").size() - 1);
  EXPECT_EQ(log("recover1.rc"), "4\n") << log("recover1.err");
  EXPECT_TRUE(contains(log("recover1.err"), "autofix-gate: error: cannot store the content of '" + repo +
                                                "/fill.bin' in '" + repo + "/.git/objects': No space left on device (" +
                                                fill_size + " bytes ("))
      << log("recover1.err");
  EXPECT_TRUE(contains(log("recover1.err"), "autofix-gate: hint: free at least ")) << log("recover1.err");
  EXPECT_TRUE(contains(log("recover1.err"), " on the file system holding '" + repo + "/.git'")) << log("recover1.err");

  // Once that file is gone, recover finishes.
  EXPECT_EQ(log("recover2.rc"), "0\n") << log("recover2.err");
  EXPECT_EQ(log("status"), "");
  EXPECT_EQ(log("value"), "ok\n");
}

// ---- item 15: a kill while the reports are written -------------------------------------------------------------

// Where, in the gate's own system calls, it first touches `path` by a rename or an unlink: the call's name and
// its number among the calls of that name (strace counts injections per call and per process). Read from
// an strace log of the gate alone (no -f: its children and threads are not traced).
std::optional<std::pair<std::string, int>> first_call_touching(const std::string& log, const std::string& path) {
  std::map<std::string, int> counts;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    size_t paren = line.find('(');
    if (paren == std::string::npos || line.starts_with("---") || line.starts_with("+++")) continue;
    std::string call = line.substr(0, paren);
    int n = ++counts[call];
    if (contains(line, "\"" + path + "\"")) return std::make_pair(call, n);
  }
  return std::nullopt;
}

// Kills the gate (strace's fault injection) at its first rename or unlink of `<report dir>/<file>`, for each
// file of the set, and checks that the report directory then holds files of one attempt only. The report
// directory is given (--report-dir), so every attempt writes the same one (by default each has its own).
TEST(OddInputs, KillWhileReportsAreWrittenNeverMixesTwoAttempts) {
  if (run({"strace", "-V"}, "/").exit_code != 0) GTEST_SKIP() << "needs strace (scripts/install-deps.sh installs it)";
  Tiny t;
  const fs::path reports = t.repo() / "build" / "autofix";
  const Strings report_dir{"--report-dir", reports.string()};
  const std::string calls = "rename,renameat,renameat2,unlink,unlinkat";
  auto traced = [&](const Strings& strace_options) {
    Strings argv{"strace", "-e", "trace=" + calls};
    argv.insert(argv.end(), strace_options.begin(), strace_options.end());
    argv.push_back(gate_binary().string());
    for (const std::string& a : attempt_running("echo broken > value.conf", report_dir)) argv.push_back(a);
    return run(argv, t.repo(), {}, std::chrono::minutes(3));
  };
  // The files that differ from one attempt to the next (autofix.sarif, with no analyzer tier, does not).
  const Strings set = {"junit.xml", "summary.md", "report.json"};
  ASSERT_EQ(t.gate_with(attempt_running("echo broken > value.conf", report_dir)).exit_code, 1);  // the baseline, stored
  for (const std::string& victim : set) {
    // One run to see where the write happens (the baseline is stored: every later run makes the same calls),
    // which also leaves the previous set.
    runners::ProcessResult counted = traced({"-o", (t.tmp() / "calls.log").string()});
    ASSERT_EQ(counted.exit_code, 1) << show(counted);
    std::optional<std::pair<std::string, int>> at =
        first_call_touching(read_file(t.tmp() / "calls.log"), (reports / victim).string());
    ASSERT_TRUE(at) << victim << "\n" << read_file(t.tmp() / "calls.log");
    std::map<std::string, std::string> previous;
    for (const std::string& f : set) previous[f] = read_file(reports / f);

    runners::ProcessResult killed =
        traced({"-o", "/dev/null", "-e", "inject=" + at->first + ":signal=KILL:when=" + std::to_string(at->second)});
    ASSERT_TRUE(killed.signal == SIGKILL || killed.exit_code == 128 + SIGKILL) << victim << "\n" << show(killed);

    std::vector<std::string> old_files, new_files;
    for (const std::string& f : set) {
      if (!fs::exists(reports / f)) continue;
      (read_file(reports / f) == previous[f] ? old_files : new_files).push_back(f);
    }
    EXPECT_TRUE(old_files.empty() || new_files.empty())
        << "killed at the " << at->first << " #" << at->second << " of " << victim << ": files of the previous attempt ("
        << ::testing::PrintToString(old_files) << ") beside files of the killed one ("
        << ::testing::PrintToString(new_files) << ")";
    if (fs::exists(reports / "report.json")) {
      EXPECT_TRUE(old_files == set || new_files == set)
          << "killed at " << victim << ": a report.json beside an incomplete set";
    }
    EXPECT_EQ(read_file(t.repo() / "value.conf"), "ok\n") << victim;  // the rollback came before the reports
  }
  // The next attempt writes a whole set and clears what the killed writers left.
  runners::ProcessResult last = t.gate_with(attempt_running("echo broken > value.conf", report_dir));
  ASSERT_EQ(last.exit_code, 1) << show(last);
  for (const auto& entry : fs::directory_iterator(reports))
    EXPECT_FALSE(entry.path().filename().string().starts_with(".report-set-")) << entry.path();
}

}  // namespace
}  // namespace autofix::testing
