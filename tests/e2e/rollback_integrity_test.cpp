// SPDX-License-Identifier: MIT
// What a rollback restores beyond the work tree, and that it survives a fixer that damages .git
// (issue #17, items 2, 3, 5, 7, 8 and 12), end to end on the real binary:
// - a fixer that deletes .git/autofix (journal, lock, baselines): the rollback still happens, is verified,
//   and after a kill `recover` still finds the journal (its mirror in the private copy);
// - a fixer that deletes refs/autofix/* and prunes: the rollback and `recover` restore from the private
//   copy outside .git, and write back into .git what the repository needs;
// - a fixer that plants core.fsmonitor / core.hooksPath / a hook, edits info/exclude, deletes a branch and
//   a tag and creates a branch: all of it is undone (also when the fix is accepted), and nothing planted runs;
// - files hidden by a new info/exclude rule go; repositories the fixer created are moved aside, not deleted;
// - chmod 000 of a file and a directory: modes come back, as root and as a normal user;
// - a `recover` or a rollback killed while writing a tracked file in an ignored directory: the next `recover`
//   removes the temporary.
// Each case uses a tiny CMake project without a compiler (its tests read value.conf), so an attempt takes a
// second or two. The normal user is `nobody` through setpriv when the tests run as root.
#include <gtest/gtest.h>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/attempt_data/calculator_repo.h"

namespace autofix::testing {
namespace {

using Strings = std::vector<std::string>;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kTinyCMake =
    "cmake_minimum_required(VERSION 3.20)\n"
    "project(tiny LANGUAGES NONE)\n"
    "enable_testing()\n"
    "add_test(NAME value_is_ok COMMAND grep -qx ok \"${CMAKE_CURRENT_SOURCE_DIR}/value.conf\")\n"
    "add_test(NAME value_is_short COMMAND sh -c \"test $(wc -c < '${CMAKE_CURRENT_SOURCE_DIR}/value.conf') -lt 10\")\n";

constexpr const char* kTestsOnly = R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})";

// Who runs the gate, git and the fixers: this process's user, or `nobody` when this process is root and a
// normal user is asked for (permissions only matter for a normal user: root reads a file of mode 000).
struct User {
  bool normal = false;  // run through setpriv as nobody
  uid_t uid = 0;
  gid_t gid = 0;
};

std::optional<User> normal_user() {
  if (::geteuid() != 0) return User{false, ::geteuid(), ::getegid()};
  const passwd* pw = ::getpwnam("nobody");
  if (!pw) return std::nullopt;
  return User{true, pw->pw_uid, pw->pw_gid};
}

// Permission bits of every path below `dir` (not .git at the top, not build/, not symbolic links).
void collect_modes(const fs::path& root, const fs::path& dir, std::map<std::string, unsigned>& out) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string rel = entry.path().lexically_relative(root).generic_string();
    if (rel == ".git" || rel == "build") continue;
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
    out[rel] = st.st_mode & 07777;
    if (S_ISDIR(st.st_mode) && (st.st_mode & 0500) == 0500) collect_modes(root, entry.path(), out);
  }
}

std::string show_modes(const std::map<std::string, unsigned>& modes) {
  std::string out;
  char octal[8];
  for (const auto& [path, mode] : modes) {
    std::snprintf(octal, sizeof octal, "%04o", mode);
    out += "  " + path + " " + octal + "\n";
  }
  return out;
}

// Everything a rollback must bring back: the work tree (bytes, kinds, permission bits), the index, the
// status, HEAD, every ref outside refs/autofix/, and .git's config, hooks/ and info/ (bytes and modes).
struct Picture {
  std::map<std::string, std::string> tree;
  std::map<std::string, unsigned> modes;
  std::string index, status, head, refs, config;
  std::map<std::string, std::string> hooks, info;
  std::map<std::string, unsigned> hook_modes;
  bool operator==(const Picture&) const = default;
};

std::string describe(const Picture& a, const Picture& b) {
  std::string out;
  auto maps = [&](const char* what, const std::map<std::string, std::string>& x,
                  const std::map<std::string, std::string>& y) {
    for (const auto& [k, v] : x)
      if (!y.count(k)) out += std::string("  ") + what + " missing: " + k + "\n";
      else if (y.at(k) != v) out += std::string("  ") + what + " differs: " + k + ": " + v + " -> " + y.at(k) + "\n";
    for (const auto& [k, v] : y)
      if (!x.count(k)) out += std::string("  ") + what + " extra: " + k + " (" + v + ")\n";
  };
  maps("tree", a.tree, b.tree);
  maps(".git/hooks", a.hooks, b.hooks);
  maps(".git/info", a.info, b.info);
  if (a.modes != b.modes) out += "  modes before:\n" + show_modes(a.modes) + "  modes after:\n" + show_modes(b.modes);
  if (a.hook_modes != b.hook_modes) out += "  .git/hooks modes differ\n";
  if (a.index != b.index) out += "  index: " + a.index + " -> " + b.index + "\n";
  if (a.status != b.status) out += "  status:\n" + a.status + "  ->\n" + b.status;
  if (a.head != b.head) out += "  HEAD: " + a.head + " -> " + b.head + "\n";
  if (a.refs != b.refs) out += "  refs:\n" + a.refs + "  ->\n" + b.refs;
  if (a.config != b.config) out += "  .git/config:\n" + a.config + "  ->\n" + b.config;
  return out;
}

class Repo {
 public:
  explicit Repo(User user = User{}) : user_(user), repo_(tmp_ / "integrity repo"), state_(tmp_ / "state home") {
    fs::create_directories(repo_);
    fs::create_directories(state_);
    fs::create_directories(tmp_ / "home");
    chown_all();
    git({"init", "-q", "-b", "main"});
    write_file(repo_ / "CMakeLists.txt", kTinyCMake);
    write_file(repo_ / "value.conf", "ok\n");
    write_file(repo_ / ".gitignore", "build/\n");
    write_file(repo_ / "autofix-gate.json", kTestsOnly);
    write_file(repo_ / "src" / "code.txt", "code\n");
    chown_all();
    git({"add", "-A"});
    git({"commit", "-q", "-m", "tiny project"});
    // The user's own work, whose only copy is the snapshot.
    write_file(repo_ / "notes.txt", "user notes, not committed\n");
    if (user_.normal) chown_all();
  }

  const fs::path& repo() const { return repo_; }
  const fs::path& tmp() const { return tmp_.path(); }
  fs::path vault_root() const { return state_ / "autofix-gate"; }

  // After files were written by this (root) process: hand them to the user.
  void chown_all() const {
    if (!user_.normal) return;
    for (const fs::path& top : {repo_, state_, tmp_ / "home"}) {
      ::lchown(top.c_str(), user_.uid, user_.gid);
      for (const auto& e : fs::recursive_directory_iterator(top)) ::lchown(e.path().c_str(), user_.uid, user_.gid);
    }
  }

  // `argv` as the user, with the private state directory and HOME of this test.
  Strings as_user(const Strings& argv) const {
    Strings out;
    if (user_.normal)
      out = {"setpriv", "--reuid=" + std::to_string(user_.uid), "--regid=" + std::to_string(user_.gid),
             "--clear-groups", "--"};
    out.insert(out.end(), {"env", "XDG_STATE_HOME=" + state_.string(), "HOME=" + (tmp_ / "home").string()});
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }

  runners::ProcessResult gate(const Strings& args) const {
    Strings argv{gate_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(as_user(argv), repo_, {}, std::chrono::minutes(3));
  }

  // An attempt whose fixer is the shell script `script`, run from the repository root.
  runners::ProcessResult attempt(const std::string& script, const Strings& options = {}) const {
    Strings args{"attempt", "-j", "2"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "sh", "-c", script});
    return gate(args);
  }

  std::string git(const Strings& args) const {
    Strings argv{"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    runners::ProcessResult r = run(as_user(argv), repo_);
    if (!r.succeeded()) throw std::runtime_error("git failed: " + show(r));
    return r.out;
  }

  void sh(const std::string& script) const {
    runners::ProcessResult r = run(as_user({"sh", "-c", script}), repo_);
    if (!r.succeeded()) throw std::runtime_error("sh failed: " + show(r));
  }

  Picture picture() const {
    Picture p;
    p.tree = tree_entries(repo_);
    std::erase_if(p.tree, [](const auto& e) { return e.first == "build" || e.first.starts_with("build/"); });
    collect_modes(repo_, repo_, p.modes);
    p.index = git({"ls-files", "-s"});
    p.status = git({"--no-optional-locks", "status", "--porcelain=v2", "--untracked-files=all"});
    p.head = git({"rev-parse", "--symbolic-full-name", "HEAD"}) + git({"rev-parse", "HEAD"});
    for (const std::string& line : attempt::lines_of(git({"for-each-ref", "--format=%(refname) %(objectname) %(symref)"})))
      if (!line.starts_with("refs/autofix/")) p.refs += line + "\n";
    p.config = read_file(repo_ / ".git" / "config");
    for (const char* dir : {"hooks", "info"}) {
      fs::path d = repo_ / ".git" / dir;
      if (fs::exists(d)) (std::string(dir) == "hooks" ? p.hooks : p.info) = tree_entries(d);
    }
    if (fs::exists(repo_ / ".git" / "hooks")) collect_modes(repo_ / ".git" / "hooks", repo_ / ".git" / "hooks", p.hook_modes);
    return p;
  }

  // Nothing of the gate's own state is left: no journal in .git, no private copy.
  void expect_no_gate_state_left(const runners::ProcessResult& r) const {
    EXPECT_FALSE(fs::exists(repo_ / ".git" / "autofix" / "journal.json")) << show(r);
    std::vector<std::string> copies;
    if (fs::exists(vault_root()))
      for (const auto& e : fs::directory_iterator(vault_root())) copies.push_back(e.path().string());
    EXPECT_EQ(copies, Strings{}) << show(r);
  }

 private:
  TempDir tmp_;
  User user_;
  fs::path repo_;
  fs::path state_;
};

// A fixer that breaks the project (so the attempt is rejected) and overwrites the user's untracked notes.
constexpr const char* kBreakAndOverwrite = "echo broken > value.conf; echo overwritten by the fixer > notes.txt; ";

// ---- item 2: a fixer deletes .git/autofix ------------------------------------------------------------------

TEST(RollbackIntegrity, FixerDeletingTheGateStateIsRolledBackAndVerified) {
  Repo t;
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(std::string(kBreakAndOverwrite) + "rm -rf .git/autofix");
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  EXPECT_TRUE(contains(r.err, "] restored and verified (")) << show(r);
  EXPECT_FALSE(contains(r.err, "the journal is kept")) << show(r);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  t.expect_no_gate_state_left(r);
}

TEST(RollbackIntegrity, FixerDeletingTheGateStateThenKillingTheGateIsRecovered) {
  Repo t;
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(std::string(kBreakAndOverwrite) + "rm -rf .git/autofix; kill -9 $PPID");
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  EXPECT_EQ(read_file(t.repo() / "notes.txt"), "overwritten by the fixer\n");
  runners::ProcessResult rec = t.gate({"recover"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_TRUE(contains(rec.out, "recovered the interrupted 'attempt': restored snapshot ")) << show(rec);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(rec);
  t.expect_no_gate_state_left(rec);
}

// ---- item 3: a fixer deletes refs/autofix/* and prunes -------------------------------------------------------

constexpr const char* kPruneSnapshots =
    "git for-each-ref --format='%(refname)' refs/autofix | while read -r ref; do git update-ref -d \"$ref\"; done; "
    "git reflog expire --expire=now --all && git gc -q --prune=now; ";

// The snapshot's ref is back, and git finds every object the index, HEAD and the refs need.
void expect_repository_whole(const Repo& t, const std::string& snapshot_id, const runners::ProcessResult& r) {
  EXPECT_EQ(attempt::lines_of(t.git({"for-each-ref", "--format=%(refname)", "refs/autofix/snapshots/"})),
            Strings{"refs/autofix/snapshots/" + snapshot_id})
      << show(r);
  EXPECT_NO_THROW(t.git({"fsck", "--no-dangling", "--no-progress"})) << show(r);
}

std::string snapshot_id_in(const std::string& err) {
  size_t at = err.find("[snapshot] ");
  return at == std::string::npos ? "" : err.substr(at + 11, err.find(':', at + 11) - at - 11);
}

TEST(RollbackIntegrity, FixerPruningTheSnapshotIsRolledBackFromThePrivateCopy) {
  Repo t;
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(std::string(kBreakAndOverwrite) + kPruneSnapshots);
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  EXPECT_TRUE(contains(r.err, "] restored and verified (")) << show(r);
  EXPECT_TRUE(contains(r.err, " that had been deleted from .git/objects")) << show(r);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  expect_repository_whole(t, snapshot_id_in(r.err), r);
  t.expect_no_gate_state_left(r);
}

TEST(RollbackIntegrity, FixerPruningTheSnapshotThenKillingTheGateIsRecoveredFromThePrivateCopy) {
  Repo t;
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(std::string(kBreakAndOverwrite) + kPruneSnapshots + "kill -9 $PPID");
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  ASSERT_EQ(t.git({"for-each-ref", "refs/autofix/"}), "");
  runners::ProcessResult rec = t.gate({"recover"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_TRUE(contains(rec.out, "recovered the interrupted 'attempt': restored snapshot ")) << show(rec);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(rec);
  expect_repository_whole(t, snapshot_id_in(r.err), rec);
  t.expect_no_gate_state_left(rec);
}

// ---- item 5: a fixer changes .git's config, hooks, info and refs ---------------------------------------------

// Branches and tags (one of them packed), a hook and an exclude rule of the user's own.
void add_git_metadata(const Repo& t) {
  t.git({"branch", "topic"});
  t.git({"tag", "v1"});
  t.git({"tag", "-a", "-m", "release", "v2"});
  t.git({"pack-refs", "--all"});
  t.git({"branch", "loose"});
  t.sh("printf '#!/bin/sh\\nexit 0\\n' > .git/hooks/pre-commit && chmod 755 .git/hooks/pre-commit && "
       "printf '# the user rules\\n*.local\\n' > .git/info/exclude");
}

// Plants programs that git would run (core.fsmonitor, core.hooksPath, a hook), each touching a marker
// under `markers`, adds an exclude rule, and deletes a branch and a tag, creates a branch.
std::string tampering_script(const fs::path& markers) {
  std::string m = "'" + markers.string() + "'";
  return "mkdir -p " + m + "/hooks && "
         "printf '#!/bin/sh\\ntouch \"%s/fsmonitor-ran\"\\n' " + m + " > " + m + "/fsmonitor && chmod +x " + m + "/fsmonitor && "
         "printf '#!/bin/sh\\ntouch \"%s/hooks-path-ran\"\\n' " + m + " > " + m + "/hooks/post-checkout && chmod +x " + m + "/hooks/post-checkout && "
         "git config core.fsmonitor " + m + "/fsmonitor && git config core.hooksPath " + m + "/hooks && "
         "printf '#!/bin/sh\\ntouch \"%s/hook-ran\"\\n' " + m + " > .git/hooks/post-commit && chmod +x .git/hooks/post-commit && "
         "echo planted >> .git/info/exclude && "
         "git branch -D topic && git tag -d v1 && git branch evil; ";
}

void expect_nothing_planted_ran(const fs::path& markers) {
  for (const char* marker : {"fsmonitor-ran", "hooks-path-ran", "hook-ran"})
    EXPECT_FALSE(fs::exists(markers / marker)) << marker;
}

TEST(RollbackIntegrity, FixerTamperingWithGitConfigHooksInfoAndRefsIsUndone) {
  Repo t;
  add_git_metadata(t);
  fs::path markers = t.tmp() / "markers";
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt("echo broken > value.conf; " + tampering_script(markers));
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  expect_nothing_planted_ran(markers);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  expect_nothing_planted_ran(markers);
  // Said loudly: none of it is part of a fix.
  EXPECT_TRUE(contains(r.err, "the fix changed .git (never part of a fix): restored .git/config (changed during the "
                              "operation: restored), .git/hooks/post-commit (created during the operation: removed), "
                              ".git/info/exclude (changed during the operation: restored), refs/heads/evil (created "
                              "during the operation, at "))
      << show(r);
  EXPECT_TRUE(contains(r.err, "refs/heads/topic (deleted during the operation: restored at ")) << show(r);
  EXPECT_TRUE(contains(r.err, "refs/tags/v1 (deleted during the operation: restored at ")) << show(r);
  t.expect_no_gate_state_left(r);
}

TEST(RollbackIntegrity, GitTamperingOfAnAcceptedFixIsUndoneToo) {
  Repo t;
  write_file(t.repo() / "value.conf", "ok\nnot short at all\n");  // value_is_short fails until the fix
  t.chown_all();
  t.git({"commit", "-q", "-am", "a bug"});
  add_git_metadata(t);
  fs::path markers = t.tmp() / "markers";
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt("echo ok > value.conf; " + tampering_script(markers), {"--on-accept", "keep"});
  EXPECT_EQ(r.exit_code, 0) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: accepted")) << show(r);
  EXPECT_EQ(read_file(t.repo() / "value.conf"), "ok\n");  // the fix is kept, .git is not
  expect_nothing_planted_ran(markers);
  Picture after = t.picture();
  before.tree.at("value.conf") = after.tree.at("value.conf");
  before.status = after.status;
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  expect_nothing_planted_ran(markers);
  EXPECT_TRUE(contains(r.err, "the fix changed .git (never part of a fix): restored .git/config")) << show(r);
  t.expect_no_gate_state_left(r);
}

// ---- item 7: files behind a new exclude rule, repositories created by the fixer ------------------------------

TEST(RollbackIntegrity, FilesHiddenByANewExcludeRuleAreRemovedAndOldIgnoredFilesStay) {
  Repo t;
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(
      "echo broken > value.conf; echo 'hidden-*' >> .git/info/exclude; echo x > hidden-file.txt; "
      "mkdir -p new/dir && echo y > new/dir/hidden-too; "
      "mkdir -p src/sub && echo 'secret*' > src/sub/.gitignore && echo s > src/sub/secret.txt; "
      "mkdir -p build && echo output > build/left-by-the-fixer.txt");
  EXPECT_EQ(r.exit_code, 1) << show(r);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  // Ignored by the rules of the snapshot (build/): left alone, as every ignored file.
  EXPECT_EQ(read_file(t.repo() / "build" / "left-by-the-fixer.txt"), "output\n");
  t.expect_no_gate_state_left(r);
}

TEST(RollbackIntegrity, RepositoriesCreatedByTheFixerAreMovedAsideNotDeleted) {
  Repo t;
  write_file(t.repo() / "drafts" / "a.txt", "an untracked draft\n");
  fs::create_directories(t.repo() / "vendor");
  t.chown_all();
  t.git({"init", "-q", "vendor/lib"});  // a repository of the user's, there before the attempt
  write_file(t.repo() / "vendor" / "lib" / "file", "theirs\n");
  t.chown_all();
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(
      "echo broken > value.conf; "
      "git init -q newrepo && echo n > newrepo/n.txt; "  // in a new directory
      "git init -q src; "                                 // in a tracked directory
      "git init -q drafts && echo extra > drafts/extra.txt; "  // in an untracked one
      "echo changed > vendor/lib/file");
  EXPECT_EQ(r.exit_code, 1) << show(r);
  EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  fs::path aside = t.repo() / ".git" / "autofix" / "set-aside" / snapshot_id_in(r.err);
  for (const std::string moved : {"drafts/.git", "newrepo", "src/.git"})
    EXPECT_TRUE(contains(r.err, "moved the repository '" + moved + "', created after the snapshot, aside to '" +
                                    (aside / moved).string() + "'"))
        << moved << "\n" << show(r);
  EXPECT_TRUE(fs::is_directory(aside / "newrepo" / ".git"));
  EXPECT_EQ(read_file(aside / "newrepo" / "n.txt"), "n\n");
  EXPECT_TRUE(fs::exists(aside / "src" / ".git" / "HEAD"));
  EXPECT_TRUE(fs::exists(aside / "drafts" / ".git" / "HEAD"));
  // The user's nested repository is left alone, as documented: with what the fixer wrote in it.
  Picture after = t.picture();
  EXPECT_EQ(after.tree.at("vendor/lib/file"), tree_entries(t.repo()).at("vendor/lib/file"));
  EXPECT_EQ(read_file(t.repo() / "vendor" / "lib" / "file"), "changed\n");
  before.tree.at("vendor/lib/file") = after.tree.at("vendor/lib/file");
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
}

// ---- item 8: chmod 000 of a file and a directory -----------------------------------------------------------

class Permissions : public ::testing::TestWithParam<bool> {
 protected:
  // A user for the case: the normal user, or root (skipped when the tests do not run as root).
  User user() {
    if (GetParam()) {
      std::optional<User> u = normal_user();
      if (!u) {
        ADD_FAILURE() << "no unprivileged user (nobody) to run as";
        return User{};
      }
      return *u;
    }
    return User{};
  }
  bool skip_root() const { return !GetParam() && ::geteuid() != 0; }

  // A tracked directory and file, and untracked files with modes of their own.
  static void add_files(const Repo& t) {
    write_file(t.repo() / "data" / "file.txt", "data\n");
    write_file(t.repo() / "private.txt", "the user's private notes\n");
    write_file(t.repo() / "tool.sh", "#!/bin/sh\n");
    t.chown_all();
    t.git({"add", "data", "tool.sh"});
    t.git({"commit", "-q", "-m", "data"});
    fs::permissions(t.repo() / "private.txt", fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(t.repo() / "tool.sh", fs::perms(0750));
  }
};

constexpr const char* kChmodZero = "echo broken > value.conf; chmod 000 data/file.txt; chmod 644 private.txt; "
                                   "chmod 755 tool.sh; chmod 000 data; ";

TEST_P(Permissions, ChmodZeroOfAFileAndADirectoryIsRolledBack) {
  if (skip_root()) GTEST_SKIP() << "the root case needs the tests to run as root";
  Repo t(user());
  add_files(t);
  Picture before = t.picture();
  ASSERT_EQ(before.modes.at("private.txt"), 0600u);
  runners::ProcessResult r = t.attempt(kChmodZero);
  if (GetParam()) {
    // A normal user cannot read what the fixer left: the fix cannot be judged (an error), and is rolled back.
    EXPECT_EQ(r.exit_code, 4) << show(r);
    EXPECT_TRUE(contains(r.out, "verdict: error: cannot open directory '" + (t.repo() / "data").string() +
                                    "': Permission denied\n"))
        << show(r);
  } else {
    EXPECT_EQ(r.exit_code, 1) << show(r);
    EXPECT_TRUE(contains(r.out, "verdict: rejected")) << show(r);
  }
  EXPECT_TRUE(contains(r.err, "] restored and verified (")) << show(r);
  EXPECT_FALSE(contains(r.err, "rollback failed")) << show(r);
  EXPECT_TRUE(contains(r.err, "restored the permissions of: data/file.txt, data, private.txt, tool.sh\n")) << show(r);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(r);
  t.expect_no_gate_state_left(r);
}

TEST_P(Permissions, ChmodZeroThenKillingTheGateIsRecoveredBySameUser) {
  if (skip_root()) GTEST_SKIP() << "the root case needs the tests to run as root";
  Repo t(user());
  add_files(t);
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt(std::string(kChmodZero) + "kill -9 $PPID");
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  runners::ProcessResult rec = t.gate({"recover"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_FALSE(contains(rec.err, "Permission denied")) << show(rec);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(rec);
  t.expect_no_gate_state_left(rec);
}

INSTANTIATE_TEST_SUITE_P(RollbackIntegrity, Permissions, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "NormalUser" : "Root"; });

// ---- item 12: a recover killed while it writes a tracked file inside an ignored directory --------------------

// A tracked file in an ignored directory, large enough that writing it back takes a while.
void add_big_tracked_file_in_an_ignored_directory(const Repo& t) {
  std::string big;
  for (int i = 0; big.size() < 48u << 20; ++i) big += "line " + std::to_string(i) + " of a large tracked file\n";
  write_file(t.repo() / ".gitignore", "build/\ncache/\n");
  write_file(t.repo() / "cache" / "big.dat", big);
  t.git({"add", "-f", ".gitignore", "cache/big.dat"});
  t.git({"commit", "-q", "-m", "a tracked file in an ignored directory"});
}

// What is in cache/ besides big.dat: the temporaries of a restore.
Strings temporaries(const Repo& t) {
  Strings found;
  std::error_code ec;
  for (fs::directory_iterator it(t.repo() / "cache", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != "big.dat") found.push_back(it->path().filename().string());
  return found;
}

// `argv` (a rollback or a recover) is killed as soon as its temporary of cache/big.dat exists; the next
// `recover` removes it, says so, and leaves the tree as `before`.
void expect_killed_restore_cleaned_up(const Repo& t, const Strings& argv, const Picture& before) {
  runners::ProcessResult killed = run_and_signal(
      t.as_user(argv), t.repo(), [&] { return !temporaries(t).empty(); }, std::chrono::microseconds(0), SIGKILL);
  ASSERT_EQ(killed.signal, SIGKILL) << "it ended before it wrote the temporary\n" << show(killed);
  ASSERT_EQ(temporaries(t).size(), 1u);
  EXPECT_TRUE(temporaries(t).front().starts_with("big.dat.autofix-tmp-")) << temporaries(t).front();
  runners::ProcessResult rec = t.gate({"recover"});
  EXPECT_EQ(rec.exit_code, 0) << show(rec);
  EXPECT_TRUE(contains(rec.err, "removed temporary files of the interrupted restore: cache/big.dat.autofix-tmp-"))
      << show(rec);
  EXPECT_EQ(temporaries(t), Strings{}) << show(rec);
  Picture after = t.picture();
  EXPECT_TRUE(after == before) << describe(before, after) << show(rec);
  t.expect_no_gate_state_left(rec);
}

TEST(RollbackIntegrity, KilledRecoverLeavesNoTemporaryFileBehind) {
  Repo t;
  add_big_tracked_file_in_an_ignored_directory(t);
  Picture before = t.picture();
  runners::ProcessResult r = t.attempt("echo changed > cache/big.dat; kill -9 $PPID");
  ASSERT_EQ(r.signal, SIGKILL) << show(r);
  expect_killed_restore_cleaned_up(t, {gate_binary().string(), "recover"}, before);
}

TEST(RollbackIntegrity, GateKilledDuringItsRollbackLeavesNoTemporaryFileBehind) {
  Repo t;
  add_big_tracked_file_in_an_ignored_directory(t);
  Picture before = t.picture();
  // Rejected (value.conf broken): the rollback writes cache/big.dat back, and is killed while it does.
  expect_killed_restore_cleaned_up(
      t, {gate_binary().string(), "attempt", "-j", "2", "--", "sh", "-c", "echo broken > value.conf; echo changed > cache/big.dat"},
      before);
}

}  // namespace
}  // namespace autofix::testing
