// SPDX-License-Identifier: MIT
// The command-line and fail-closed holes of issues #9 and #17, end to end on the real binary:
// - a build tree of another project (or with tests registered from outside the repository) is refused
//   before anything changes, never built, tested and accepted in place of this project;
// - a repository whose CMake project is not at the root is refused with nothing created, and
//   --source-dir / "source_dir" build the project where it is;
// - SIGHUP, SIGQUIT and a closed standard output (`| head`) roll back like SIGTERM;
// - the gate's commits follow git's identity precedence (GIT_AUTHOR_*, GIT_COMMITTER_*, author.*, user.*);
// - a dry run is `planned` (exit 5) and never runs a fixer or a build;
// - a mistyped command gets git's "did you mean";
// - --jobs that is not a whole number from 1 to 1024 (and "jobs" of the configuration likewise) is a usage
//   error before anything changes.
// Most use a tiny CMake project without a compiler (its tests read value.conf), so a whole attempt takes
// a second or two; the build tree cases use two copies of examples/calculator, as the reporter did.
#include <gtest/gtest.h>

#include <signal.h>

#include "gate/util/build_info.h"
#include "gate/util/hex_id.h"
#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::lines_of;
using attempt::refs_under;
using attempt::source_fingerprint;
using Strings = std::vector<std::string>;
using Env = std::vector<std::pair<std::string, std::string>>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kTinyCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(tiny LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME value_is_short COMMAND sh -c \"test $(wc -c < '${CMAKE_CURRENT_SOURCE_DIR}/value.conf') -lt 10\")\n";

constexpr const char* kTinyConfig =
    R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}, {"name": "secrets", "kind": "secrets"}]})";

// value.conf as a bug left it: value_is_short fails until a fix writes "ok" back.
constexpr const char* kBrokenValue = "ok\nnot short at all\n";

// A committed repository "tiny project" (under a path with spaces) whose CMake project is in `subdir`
// ("" for the root); the build directory build/ is ignored, as in most projects.
class Tiny {
 public:
  explicit Tiny(const std::string& subdir = "") : repo_(tmp_ / "tiny project") {
    init_repo(repo_);
    fs::path project = subdir.empty() ? repo_ : repo_ / subdir;
    write_file(project / "CMakeLists.txt", kTinyCMake);
    write_file(project / "value.conf", "ok\n");
    write_file(repo_ / ".gitignore", "build/\n");
    // No compiler, so no compile database for a static tier: the tests and the secrets scan only.
    write_file(repo_ / "autofix-gate.json", kTinyConfig);
    git(repo_, {"add", "-A"});
    git(repo_, {"commit", "-q", "-m", "tiny project"});
  }
  const fs::path& repo() const { return repo_; }
  const fs::path& tmp() const { return tmp_.path(); }
  fs::path journal() const { return repo_ / ".git" / "autofix" / "journal.json"; }
  runners::ProcessResult gate_with(const Strings& args, const Env& env = {}) const {
    Strings argv{gate_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, repo_, env, std::chrono::minutes(3));
  }

 private:
  TempDir tmp_;
  fs::path repo_;
};

// A fixer that writes `content` into the project's value.conf (relative to the repository root).
Strings fixer_writing(const std::string& file, const std::string& content) {
  return {"sh", "-c", "printf '%s\\n' '" + content + "' > '" + file + "'"};
}

Strings with(Strings a, const Strings& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

using attempt::expect_untouched;

// ---- 1. a build tree that is not this project's --------------------------------------------------------

struct ForeignCase {
  const char* command;
};

class ForeignBuildTree : public ::testing::TestWithParam<ForeignCase> {};

// The reporter's case: `--build-dir` names the configured build tree of another project. The gate built
// and tested that one (10/10 passed) and accepted the fix. Now: exit 2 before the snapshot, naming both.
TEST_P(ForeignBuildTree, IsRefusedBeforeAnythingChanges) {
  Calculator ours, theirs;
  const std::string command = GetParam().command;
  Strings args = {command, "-j", "2", "--build-dir", theirs.build().string()};
  if (command == "attempt") args = with(args, {"--patch", attempt::example_fix("correct-fix.diff")});
  if (command == "verify") {
    git(ours.repo(), {"apply", attempt::example_fix("correct-fix.diff")});
    git(ours.repo(), {"commit", "-q", "-am", "fix mean()"});
  }
  TreeFingerprint before = exact_fingerprint(ours.repo());
  TreeFingerprint theirs_before = exact_fingerprint(theirs.repo());
  runners::ProcessResult r = gate(ours.repo(), args);
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: error: the build directory '" + theirs.build().string() +
                                  "' belongs to another CMake project: it was configured from '" +
                                  theirs.repo().string() + "', not from this project's source directory '" +
                                  ours.repo().string() + "'\n"))
      << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: hint: pass --build-dir with a build directory of this project"))
      << show(r);
  EXPECT_FALSE(contains(r.out, "verdict")) << show(r);
  expect_untouched(ours.repo(), before, r);
  TreeFingerprint theirs_after = exact_fingerprint(theirs.repo());
  EXPECT_TRUE(theirs_after == theirs_before) << "the other project was touched\n"
                                             << describe_difference(theirs_before, theirs_after);
}

INSTANTIATE_TEST_SUITE_P(Commands, ForeignBuildTree,
                         ::testing::Values(ForeignCase{"attempt"}, ForeignCase{"verify"}, ForeignCase{"baseline"}),
                         [](const ::testing::TestParamInfo<ForeignCase>& p) { return std::string(p.param.command); });

// A build tree configured from this repository whose tests come from outside it (add_subdirectory of a
// directory elsewhere) is not this project's either: an error, never an accept, whether the gate
// configures it itself or finds it configured.
TEST(CliHoles, TestsRegisteredFromOutsideTheRepositoryAreNeverAccepted) {
  Tiny t;
  write_file(t.tmp() / "elsewhere" / "CMakeLists.txt", "add_test(NAME from_elsewhere COMMAND true)\n");
  write_file(t.repo() / "CMakeLists.txt",
             std::string(kTinyCMake) + "add_subdirectory(\"" + (t.tmp() / "elsewhere").string() + "\" elsewhere)\n");
  write_file(t.repo() / "value.conf", kBrokenValue);  // the fixer repairs it
  git(t.repo(), {"commit", "-q", "-am", "tests from elsewhere, and a bug"});
  const Strings attempt = with({"attempt", "-j", "2", "--"}, fixer_writing("value.conf", "ok"));
  for (const char* when : {"not configured yet", "configured"}) {
    TreeFingerprint before = source_fingerprint(t.repo());
    runners::ProcessResult r = t.gate_with(attempt);
    EXPECT_EQ(r.exit_code, 4) << when << "\n" << show(r);
    EXPECT_TRUE(contains(r.out, "verdict: error: the build directory '" + (t.repo() / "build").string() +
                                    "' is not this project's: 1 of its 3 test(s) come from outside the repository '" +
                                    t.repo().string() + "': 'from_elsewhere' (registered in '" +
                                    (t.tmp() / "elsewhere" / "CMakeLists.txt").string() + "')"))
        << when << "\n" << show(r);
    TreeFingerprint after = source_fingerprint(t.repo());
    EXPECT_TRUE(after == before) << when << "\n" << describe_difference(before, after);
    EXPECT_EQ(refs_under(t.repo(), "refs/heads/autofix/"), Strings{}) << when << "\n" << show(r);
    EXPECT_FALSE(fs::exists(t.journal())) << when;
    EXPECT_TRUE(fs::exists(t.repo() / "build" / "CMakeCache.txt")) << when;
  }
}

// docs/exit-codes.md: a tree without the fix that does not build cannot be judged: a gate error (4), not a
// usage error, with what to do; nothing is left changed.
TEST(CliHoles, BaselineOfATreeThatDoesNotBuildIsAGateError) {
  Tiny t;
  write_file(t.repo() / "CMakeLists.txt",
             std::string(kTinyCMake) + "add_custom_target(broken ALL COMMAND false)\n");
  git(t.repo(), {"commit", "-q", "-am", "a build step that fails"});
  TreeFingerprint before = source_fingerprint(t.repo());
  runners::ProcessResult r = t.gate_with({"baseline"});
  EXPECT_EQ(r.exit_code, 4) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: error: the tree does not build")) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: hint: fix the build first: a baseline is the build and test result of "
                              "a tree that builds\n"))
      << show(r);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(t.journal()));
}

// ---- 2. the CMake project is not at the repository root -------------------------------------------------

// The reporter's case: a snapshot, two configure attempts, exit 4 and an untracked build/ left behind.
TEST(CliHoles, RepositoryWithoutCMakeListsIsRefusedWithNothingCreated) {
  Tiny t("cpp");
  fs::remove(t.repo() / ".gitignore");  // so that a build/ left behind would even show in `git status`
  git(t.repo(), {"commit", "-q", "-am", "no ignore file"});
  ASSERT_FALSE(fs::exists(t.repo() / ".git" / "autofix"));
  TreeFingerprint before = exact_fingerprint(t.repo());
  for (const Strings& args : {with({"attempt", "-j", "2", "--"}, fixer_writing("cpp/value.conf", "ok")),
                              Strings{"verify", "--base", "HEAD~1"}, Strings{"baseline"}}) {
    runners::ProcessResult r = t.gate_with(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << show(r);
    EXPECT_EQ(r.err, "autofix-gate: error: no CMakeLists.txt in '" + t.repo().string() +
                         "': the gate builds and tests a CMake project\n"
                         "autofix-gate: hint: if the project's top-level CMakeLists.txt is in a subdirectory, pass "
                         "--source-dir DIR (relative to the current directory) or set \"source_dir\" in "
                         "autofix-gate.json (relative to the repository root)\n")
        << args[0];
    expect_untouched(t.repo(), before, r);
    EXPECT_FALSE(fs::exists(t.repo() / "build")) << args[0];
    EXPECT_FALSE(fs::exists(t.repo() / ".git" / "autofix")) << args[0] << ": gate state was created";
  }
}

TEST(CliHoles, SourceDirOptionAndConfigurationKeyBuildTheProjectWhereItIs) {
  Tiny t("cpp");
  const Strings breaking = fixer_writing("cpp/value.conf", "broken");
  // --source-dir is relative to the current directory (here the repository root).
  runners::ProcessResult r = t.gate_with(with({"attempt", "-j", "2", "--source-dir", "cpp", "--json", "--"}, breaking));
  EXPECT_EQ(r.exit_code, 1) << show(r);
  nlohmann::json report = json_of(r);
  EXPECT_EQ(report.at("verdict"), "rejected") << report.dump(2);
  EXPECT_EQ(report.at("tests_run"), 2) << report.dump(2);
  EXPECT_EQ(report.at("tests_status").at("PASS_TO_FAIL"), nlohmann::json::array({"value_is_ok"})) << report.dump(2);
  EXPECT_EQ(git(t.repo(), {"status", "--porcelain"}), "");
  EXPECT_TRUE(fs::exists(t.repo() / "build" / "CMakeCache.txt"));

  // The same from the configuration, relative to the repository root (here run from a subdirectory).
  nlohmann::json config = nlohmann::json::parse(kTinyConfig);
  config["source_dir"] = "cpp";
  write_file(t.repo() / "autofix-gate.json", config.dump());
  git(t.repo(), {"add", "autofix-gate.json"});
  git(t.repo(), {"commit", "-q", "-m", "configure the gate"});
  // The fixer runs from the repository root, wherever the gate was started.
  Strings argv = with({gate_binary().string(), "attempt", "-j", "2", "--"}, fixer_writing("cpp/value.conf", "ok"));
  write_file(t.repo() / "cpp" / "value.conf", kBrokenValue);
  git(t.repo(), {"commit", "-q", "-am", "a break the fixer repairs"});
  runners::ProcessResult accepted = run(argv, t.repo() / "cpp");
  EXPECT_EQ(accepted.exit_code, 0) << show(accepted);
  EXPECT_TRUE(contains(accepted.out, "verdict: accepted: the build passed, no test regressed, 1 test(s) fixed\n"))
      << show(accepted);
  EXPECT_EQ(refs_under(t.repo(), "refs/heads/autofix/").size(), 1u) << show(accepted);

  // A source directory outside the repository is refused.
  runners::ProcessResult outside = t.gate_with({"baseline", "--source-dir", t.tmp().string()});
  EXPECT_EQ(outside.exit_code, 2) << show(outside);
  EXPECT_TRUE(contains(outside.err, "autofix-gate: error: the source directory '" + t.tmp().string() +
                                        "' is outside the repository '" + t.repo().string() + "'\n"))
      << show(outside);
}

// ---- 3. every terminating signal rolls back; a closed output does not stop it ----------------------------

struct SignalCase {
  int signal_number;
  int exit_code;
  const char* name;
};

class AttemptSignal : public ::testing::TestWithParam<SignalCase> {};

// Closing the terminal or the tmux pane (SIGHUP) or Ctrl-\ (SIGQUIT) while the fixer runs: the gate ends
// the fixer, restores the tree exactly, leaves no journal, and exits 128 + signal.
TEST_P(AttemptSignal, RestoresTheTreeAndExits128PlusSignal) {
  Tiny t;
  write_file(t.repo() / "untracked.txt", "mine\n");
  const fs::path started = t.tmp() / "fixer started";
  Strings argv = {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c",
                  "printf broken > value.conf; rm README.md; : > '" + started.string() + "'; exec sleep 60"};
  // The build directory exists beforehand, so that the fingerprint compares it as well.
  ASSERT_EQ(t.gate_with({"baseline", "-j", "2"}).exit_code, 0);
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult r = run_and_signal(argv, t.repo(), [&] { return fs::exists(started); },
                                            std::chrono::milliseconds(200), GetParam().signal_number);
  EXPECT_EQ(r.signal, 0) << show(r);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: interrupted")) << show(r);
  TreeFingerprint after = exact_fingerprint(t.repo());
  // build/ is ignored and not part of the snapshot (the attempt's build may change it); the rest is exact.
  std::erase_if(after.entries, [](const auto& e) { return e.first.starts_with("build/"); });
  std::erase_if(before.entries, [](const auto& e) { return e.first.starts_with("build/"); });
  EXPECT_TRUE(after == before) << describe_difference(before, after) << show(r);
  EXPECT_FALSE(fs::exists(t.journal())) << show(r);
  EXPECT_EQ(refs_under(t.repo(), "refs/heads/autofix/"), Strings{});
  EXPECT_TRUE(attempt::processes_in(t.repo()).empty()) << attempt::describe_processes(attempt::processes_in(t.repo()));
}

INSTANTIATE_TEST_SUITE_P(Signals, AttemptSignal,
                         ::testing::Values(SignalCase{SIGHUP, 129, "SIGHUP"}, SignalCase{SIGQUIT, 131, "SIGQUIT"}),
                         [](const ::testing::TestParamInfo<SignalCase>& p) { return std::string(p.param.name); });

// `autofix-gate attempt ... 2>&1 | head -1`: the reader goes away after one line. The gate died of
// SIGPIPE (141) mid-attempt, leaving the fix in the tree and the journal. Now every later write fails
// quietly, the attempt runs to its verdict (the fix breaks a test: rejected), the tree is restored.
TEST(CliHoles, ClosedOutputDoesNotStopTheAttemptOrItsRollback) {
  Tiny t;
  TreeFingerprint before = source_fingerprint(t.repo());
  const std::string script =
      "\"$0\" attempt -j 2 -- sh -c 'printf \"broken\\n\" > value.conf' 2>&1 | head -1 >/dev/null; "
      "echo \"gate exit ${PIPESTATUS[0]}\"";
  runners::ProcessResult r = run({"bash", "-c", script, gate_binary().string()}, t.repo());
  ASSERT_TRUE(r.succeeded()) << show(r);
  EXPECT_EQ(r.out, "gate exit 1\n") << show(r);
  TreeFingerprint after = source_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_FALSE(fs::exists(t.journal()));
  nlohmann::json report = nlohmann::json::parse(read_file(t.repo() / "build" / "autofix" / "latest" / "report.json"));
  EXPECT_EQ(report.at("verdict"), "rejected") << report.dump(2);
}

// ---- 4. who the gate's commits are by ------------------------------------------------------------------

TEST(CliHoles, CommitsFollowGitsIdentityPrecedence) {
  Tiny t;
  write_file(t.repo() / "value.conf", kBrokenValue);
  git(t.repo(), {"commit", "-q", "-am", "a break the fixer repairs"});
  const Strings attempt = with({"attempt", "-j", "2", "--"}, fixer_writing("value.conf", "ok"));
  // What CI bots set: the environment, over any configuration.
  git(t.repo(), {"config", "user.name", "Config User"});
  git(t.repo(), {"config", "user.email", "config@example.com"});
  runners::ProcessResult r = t.gate_with(attempt, {{"GIT_AUTHOR_NAME", "CI Bot"},
                                                   {"GIT_AUTHOR_EMAIL", "bot@ci.example"},
                                                   {"GIT_AUTHOR_DATE", "1112911993 +0200"},
                                                   {"GIT_COMMITTER_NAME", "Release Robot"},
                                                   {"GIT_COMMITTER_EMAIL", "robot@ci.example"}});
  ASSERT_EQ(r.exit_code, 0) << show(r);
  Strings branches = refs_under(t.repo(), "refs/heads/autofix/");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(git(t.repo(), {"log", "-1", "--format=%an <%ae> %at %ai|%cn <%ce>", branches[0]}),
            "CI Bot <bot@ci.example> 1112911993 2005-04-08 00:13:13 +0200|Release Robot <robot@ci.example>\n");

  // Without the variables: author.* and committer.* over user.* (run through `env -u`: the test
  // environment sets GIT_AUTHOR_NAME and friends for git itself).
  git(t.repo(), {"branch", "-D", branches[0].substr(std::string("refs/heads/").size())});
  git(t.repo(), {"config", "author.name", "Config Author"});
  git(t.repo(), {"config", "committer.email", "committer@example.com"});
  Strings argv = {"env", "-u", "GIT_AUTHOR_NAME", "-u", "GIT_AUTHOR_EMAIL", "-u", "GIT_COMMITTER_NAME",
                  "-u", "GIT_COMMITTER_EMAIL", "-u", "EMAIL", gate_binary().string()};
  runners::ProcessResult again = run(with(argv, attempt), t.repo());
  ASSERT_EQ(again.exit_code, 0) << show(again);
  branches = refs_under(t.repo(), "refs/heads/autofix/");
  ASSERT_EQ(branches.size(), 1u);
  EXPECT_EQ(git(t.repo(), {"log", "-1", "--format=%an <%ae>|%cn <%ce>", branches[0]}),
            "Config Author <config@example.com>|Config User <committer@example.com>\n");

  // The snapshot commits too.
  runners::ProcessResult snap = t.gate_with({"snapshot"}, {{"GIT_COMMITTER_NAME", "Snap Bot"}});
  ASSERT_EQ(snap.exit_code, 0) << show(snap);
  std::string id = lines_of(snap.out).at(0);
  EXPECT_EQ(git(t.repo(), {"log", "-1", "--format=%cn", "refs/autofix/snapshots/" + id}), "Snap Bot\n");

  // A date git cannot read is refused before anything changes.
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult bad = t.gate_with(attempt, {{"GIT_AUTHOR_DATE", "next tuesday"}});
  EXPECT_EQ(bad.exit_code, 2) << show(bad);
  EXPECT_TRUE(contains(bad.err, "autofix-gate: error: GIT_AUTHOR_DATE is not a date git reads: 'next tuesday'\n"))
      << show(bad);
  TreeFingerprint after = exact_fingerprint(t.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
}

// ---- 5. a dry run is planned, never accepted -------------------------------------------------------------

TEST(CliHoles, DryRunWithAFixerIsPlannedAndRunsNothing) {
  Tiny t;
  const fs::path ran = t.tmp() / "the fixer ran";
  TreeFingerprint before = exact_fingerprint(t.repo());  // no build directory yet: none may appear
  runners::ProcessResult r = t.gate_with(
      {"attempt", "--dry-run", "--", "sh", "-c", ": > '" + ran.string() + "'; printf broken > value.conf"});
  EXPECT_EQ(r.exit_code, 5) << show(r);
  EXPECT_FALSE(fs::exists(ran)) << "a dry run ran the fixer\n" << show(r);
  EXPECT_TRUE(contains(r.out, "dry run: the fixer would run from " + t.repo().string() +
                                  " (time limit 600 s): sh -c ': > '\\''" + ran.string() +
                                  "'\\''; printf broken > value.conf'\n"))
      << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: planned: dry run: the fixer was not run; nothing was built or judged\n"))
      << show(r);
  EXPECT_FALSE(contains(r.out, "accepted")) << show(r);
  expect_untouched(t.repo(), before, r);
  EXPECT_FALSE(fs::exists(t.repo() / "build"));
}

TEST(CliHoles, DryRunWithAPatchIsPlannedAndBuildsNothing) {
  Tiny t;
  write_file(t.repo() / "value.conf", "fine\n");
  write_file(t.tmp() / "fix.diff", git(t.repo(), {"diff"}));
  git(t.repo(), {"checkout", "value.conf"});
  TreeFingerprint before = exact_fingerprint(t.repo());
  runners::ProcessResult r = t.gate_with({"attempt", "--dry-run", "--json", "--patch", (t.tmp() / "fix.diff").string()});
  EXPECT_EQ(r.exit_code, 5) << show(r);
  size_t json_start = r.out.find("\n{");
  ASSERT_NE(json_start, std::string::npos) << show(r);
  nlohmann::json report = nlohmann::json::parse(r.out.substr(json_start + 1));
  EXPECT_EQ(report.at("verdict"), "planned");
  EXPECT_EQ(report.at("reason"), "dry run: the patch applies cleanly; nothing was built or judged");
  EXPECT_EQ(report.at("dry_run"), true);
  EXPECT_EQ(report.at("tests_run"), 0);
  expect_untouched(t.repo(), before, r);
  EXPECT_FALSE(fs::exists(t.repo() / "build"));
}

// ---- 5b. --jobs ---------------------------------------------------------------------------------------------

TEST(CliHoles, JobsOutsideOneTo1024AreUsageErrorsWithNothingChanged) {
  Tiny t;
  TreeFingerprint before = exact_fingerprint(t.repo());
  const std::string patch = (t.tmp() / "fix.diff").string();
  write_file(patch, "");
  for (const std::string value : {"0", "-1", "abc", "1025", "99999999999", "2.5", ""}) {
    for (const Strings& args : {Strings{"attempt", "--patch", patch}, Strings{"verify", "--base", "HEAD"}, Strings{"baseline"}}) {
      runners::ProcessResult r = t.gate_with(with(args, {"--jobs", value}));
      EXPECT_EQ(r.exit_code, 2) << args[0] << " --jobs '" << value << "'\n" << show(r);
      EXPECT_TRUE(r.err.starts_with("--jobs: '" + value + "' is not a number of jobs: give a whole number from 1 to "
                                    "1024 (without -j: \"jobs\" of the configuration, else the number of cores)\n"))
          << show(r);
      expect_untouched(t.repo(), before, r);
      EXPECT_FALSE(fs::exists(t.repo() / ".git" / "autofix")) << args[0] << ": gate state was created";
    }
  }
  // The configuration's "jobs" is checked like every other key.
  write_file(t.repo() / "autofix-gate.json", R"({"version": 1, "jobs": 0})" "\n");
  runners::ProcessResult r = t.gate_with({"baseline", "-C", t.repo().string()});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_TRUE(contains(r.err, "autofix-gate: error: " + (t.repo() / "autofix-gate.json").string() +
                                  ": jobs: must be between 1 and 1024, got 0\n"))
      << show(r);
}

// ---- 6. a mistyped command -------------------------------------------------------------------------------

TEST(CliHoles, UnknownCommandSuggestsTheClosestOneAsGitDoes) {
  TempDir tmp;
  struct Case {
    Strings args;
    std::string err;
  };
  for (const Case& c : std::vector<Case>{
           {{"statsu"}, "autofix-gate: 'statsu' is not a command; did you mean 'status'?\n"},
           {{"atempt", "--patch", "x"}, "autofix-gate: 'atempt' is not a command; did you mean 'attempt'?\n"},
           {{"snapshots", "lsit"}, "autofix-gate: 'lsit' is not a 'snapshots' command; did you mean 'list'?\n"},
           {{"frobnicate"}, "autofix-gate: 'frobnicate' is not a command; see 'autofix-gate --help'\n"},
           {{"snapshots", "x y"}, "autofix-gate: 'x y' is not a 'snapshots' command; see 'autofix-gate snapshots --help'\n"},
       }) {
    runners::ProcessResult r = gate(tmp.path(), c.args);
    EXPECT_EQ(r.exit_code, 2) << show(r);
    EXPECT_EQ(r.err, c.err) << show(r);
    EXPECT_EQ(r.out, "") << show(r);
  }
  runners::ProcessResult known = gate(tmp.path(), {"status", "--json"});  // not a repository: its own error
  EXPECT_EQ(known.exit_code, 2) << show(known);
  EXPECT_TRUE(contains(known.err, "not a git repository")) << show(known);
}

}  // namespace
}  // namespace autofix::testing

namespace autofix::testing {
namespace {

// `--version` says what the binary is: its version, the commit of the sources it was built from (the one
// this test binary, built in the same build, was built from: a checkout's HEAD at build time), libgit2,
// Boost and the compiler.
TEST(Version, NamesTheCommitAndTheLibrariesAsTextAndAsJson) {
  const fs::path source = fs::path(AUTOFIX_GATE_EXAMPLES).parent_path();
  const std::string commit = build_commit();
  EXPECT_TRUE(is_hex_object_id(commit) || (commit == "unknown" && !fs::exists(source / ".git"))) << commit;

  runners::ProcessResult text = gate(source, {"--version"});
  ASSERT_EQ(text.exit_code, 0) << show(text);
  const std::vector<std::string> lines = attempt::lines_of(text.out);
  ASSERT_EQ(lines.size(), 5u) << text.out;
  EXPECT_EQ(lines[0], "autofix-gate " AUTOFIX_GATE_VERSION);
  EXPECT_TRUE(lines[1].starts_with("commit: " + commit)) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("libgit2: 1.")) << lines[2];
  EXPECT_TRUE(lines[3].starts_with("Boost: 1.")) << lines[3];
  EXPECT_TRUE(lines[4].starts_with("compiler: ")) << lines[4];

  runners::ProcessResult as_json = gate(source, {"--version", "--json"});
  ASSERT_EQ(as_json.exit_code, 0) << show(as_json);
  nlohmann::json j = nlohmann::json::parse(as_json.out);
  EXPECT_EQ(j.at("version"), AUTOFIX_GATE_VERSION);
  EXPECT_EQ(j.at("commit"), commit);
  EXPECT_EQ(lines[1], "commit: " + commit + (j.at("dirty").get<bool>() ? " (with uncommitted changes)" : ""));
  EXPECT_EQ("libgit2: " + j.at("libgit2").get<std::string>(), lines[2]);
  EXPECT_EQ("Boost: " + j.at("boost").get<std::string>(), lines[3]);
  EXPECT_EQ("compiler: " + j.at("compiler").get<std::string>(), lines[4]);
}

}  // namespace
}  // namespace autofix::testing
