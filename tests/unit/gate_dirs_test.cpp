// SPDX-License-Identifier: MIT
#include "gate/state/gate_dirs.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

using testing::TempDir;
using testing::git;
using testing::write_file;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

class GateDirs : public ::testing::Test {
 protected:
  GateDirs() {
    testing::init_repo(root_);
    write_file(root_ / ".gitignore", "ignored/\n*.log\n");
    git(root_, {"add", "-A"});
    git(root_, {"commit", "-q", "-m", "ignore rules"});
  }

  Layout layout(const fs::path& build, const fs::path& report) {
    Layout l;
    l.repo = &repo();
    l.root = root_;
    l.source_dir = root_;
    l.build_dir = build;
    l.report_dir = report;
    return l;
  }

  const git::Repository& repo() {
    if (!repo_) repo_.emplace(git::Repository::open(root_));
    return *repo_;
  }

  Error refusal(const std::function<void()>& call) {
    try {
      call();
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "accepted";
    return Error(ErrorKind::internal, "accepted");
  }

  git::Library lib_;
  TempDir dir_;
  fs::path root_ = dir_ / "work tree";
  std::optional<git::Repository> repo_;
};

TEST_F(GateDirs, UserFilesAreTrackedOnesAndUntrackedOnesGitDoesNotIgnore) {
  write_file(root_ / "out" / "tracked.txt", "t\n");
  write_file(root_ / "out" / ".gitignore", "*.tmp\n");
  write_file(root_ / "out" / "deep" / ".gitkeep", "");
  git(root_, {"add", "-A"});
  git(root_, {"commit", "-q", "-m", "out"});
  write_file(root_ / "out" / "untracked u\xff.txt", "u\n");
  write_file(root_ / "out" / "sub" / "also.txt", "u\n");
  write_file(root_ / "out" / "x.tmp", "ignored by out/.gitignore\n");
  write_file(root_ / "out" / "x.log", "ignored by the root's\n");
  write_file(root_ / "outside.txt", "not under out\n");
  write_file(root_ / "out2" / "near.txt", "a sibling whose name starts the same\n");
  UserFiles f = user_files_under(repo(), "out", false);
  // A .gitignore or .gitkeep right in it is not the user's work; one deeper down is.
  EXPECT_EQ(f.tracked, (Strings{"out/deep/.gitkeep", "out/tracked.txt"}));
  EXPECT_EQ(f.untracked, (Strings{"out/sub/also.txt", "out/untracked u\xff.txt"}));
  UserFiles only_tracked = user_files_under(repo(), "out", true);
  EXPECT_EQ(only_tracked.tracked, f.tracked);
  EXPECT_TRUE(only_tracked.untracked.empty());
  EXPECT_TRUE(user_files_under(repo(), "ignored", false).empty());
  EXPECT_TRUE(user_files_under(repo(), "missing", false).empty());
}

TEST_F(GateDirs, ANestedRepositoryIsTheUsersToo) {
  write_file(root_ / "out" / "lib" / "lib.txt", "lib\n");
  git(root_ / "out" / "lib", {"init", "-q"});
  EXPECT_EQ(user_files_under(repo(), "out", false).untracked, (Strings{"out/lib/"}));
}

TEST_F(GateDirs, RefusesABuildOrReportDirectoryHoldingUserFilesNamingThem) {
  for (int i = 0; i < 7; ++i) write_file(root_ / "notes" / ("n" + std::to_string(i) + ".md"), "note\n");
  Error e = refusal([&] { require_no_user_files_in_gate_directories(layout(root_ / "build", root_ / "notes")); });
  EXPECT_EQ(e.kind(), ErrorKind::usage);
  EXPECT_EQ(std::string(e.what()), "the report directory '" + (root_ / "notes").string() +
                                       "' holds files of yours: 7 untracked files that .gitignore does not ignore "
                                       "('notes/n0.md', 'notes/n1.md', 'notes/n2.md', 'notes/n3.md', 'notes/n4.md' "
                                       "and 2 more)");
  e = refusal([&] { require_no_user_files_in_gate_directories(layout(root_ / "notes", root_ / "elsewhere")); });
  EXPECT_TRUE(std::string(e.what()).starts_with("the build directory '" + (root_ / "notes").string() + "'")) << e.what();
  EXPECT_TRUE(e.hint().find("pass --build-dir with a new directory") != std::string::npos) << e.hint();
}

TEST_F(GateDirs, AcceptsNewIgnoredOutsideConfiguredAndClaimedDirectories) {
  TempDir outside;
  write_file(outside / "reports" / "mine.txt", "outside the work tree: never in a snapshot anyway\n");
  write_file(root_ / "ignored" / "build" / "old.o", "ignored\n");
  EXPECT_NO_THROW(require_no_user_files_in_gate_directories(layout(root_ / "build", root_ / "new reports")));
  EXPECT_NO_THROW(require_no_user_files_in_gate_directories(layout(root_ / "ignored" / "build", outside / "reports")));
  // A configured build tree's untracked files are the build's, and so are those of a report directory in it.
  write_file(root_ / "build" / "CMakeCache.txt", "CMAKE_HOME_DIRECTORY:INTERNAL=" + root_.string() + "\n");
  write_file(root_ / "build" / "autofix" / "report.json", "{}\n");
  EXPECT_NO_THROW(require_no_user_files_in_gate_directories(layout(root_ / "build", root_ / "build" / "autofix")));
  // A report directory the gate claimed: its files are the gate's.
  Layout l = layout(root_ / "ignored" / "b", root_ / "gate reports");
  claim_report_directory(l);
  EXPECT_TRUE(fs::is_regular_file(root_ / "gate reports" / kReportDirMarker));
  write_file(root_ / "gate reports" / "report.json", "{}\n");
  EXPECT_NO_THROW(require_no_user_files_in_gate_directories(l));
  // ... also inside a build directory that is not configured yet.
  Layout nested = layout(root_ / "b2", root_ / "b2" / "reports");
  claim_report_directory(nested);
  write_file(root_ / "b2" / "reports" / "junit.xml", "<x/>\n");
  EXPECT_NO_THROW(require_no_user_files_in_gate_directories(nested));
  write_file(root_ / "b2" / "mine.txt", "but this is not the gate's\n");
  Error e = refusal([&] { require_no_user_files_in_gate_directories(nested); });
  EXPECT_TRUE(std::string(e.what()).ends_with("('b2/mine.txt')")) << e.what();
}

TEST_F(GateDirs, TrackedFilesAreRefusedEvenInAConfiguredOrClaimedDirectory) {
  write_file(root_ / "build" / "CMakeCache.txt", "x\n");
  write_file(root_ / "build" / "toolchain.cmake", "set(X 1)\n");
  git(root_, {"add", "-f", "build/toolchain.cmake"});
  git(root_, {"commit", "-q", "-m", "a tracked file in the build directory"});
  Error e = refusal([&] { require_no_user_files_in_gate_directories(layout(root_ / "build", root_ / "r")); });
  EXPECT_EQ(std::string(e.what()), "the build directory '" + (root_ / "build").string() +
                                       "' holds files of yours: 1 tracked file ('build/toolchain.cmake')");
}

TEST_F(GateDirs, ClaimingOutsideTheWorkTreeWritesNoMarker) {
  TempDir outside;
  claim_report_directory(layout(root_ / "build", outside / "r"));
  EXPECT_TRUE(fs::is_directory(outside / "r"));
  EXPECT_FALSE(fs::exists(outside / "r" / kReportDirMarker));
}

TEST_F(GateDirs, AFileWhereADirectoryShouldBeIsRefused) {
  write_file(root_ / "f", "x\n");
  Error e = refusal([&] { require_gate_directories_usable(layout(root_ / "f", root_ / "r")); });
  EXPECT_EQ(std::string(e.what()), "the build directory '" + (root_ / "f").string() + "' is a file, not a directory");
  EXPECT_EQ(e.hint(), "pass --build-dir with a directory (it is created when missing)");
  e = refusal([&] { require_gate_directories_usable(layout(root_ / "b", root_ / "f" / "x" / "y")); });
  EXPECT_EQ(std::string(e.what()), "the report directory '" + (root_ / "f" / "x" / "y").string() +
                                       "' cannot be created: '" + (root_ / "f").string() + "' is a file, not a directory");
  EXPECT_NO_THROW(require_gate_directories_usable(layout(root_ / "new" / "build", root_ / "new" / "reports")));
}

}  // namespace
}  // namespace autofix
