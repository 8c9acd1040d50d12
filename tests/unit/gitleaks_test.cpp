// SPDX-License-Identifier: MIT
#include "runners/gitleaks.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

using autofix::testing::ScopedEnv;

namespace fs = std::filesystem;
using autofix::testing::read_file;
using autofix::testing::TempDir;
using autofix::testing::write_file;
using namespace std::chrono_literals;

// tests/data/gitleaks/fake-gitleaks: takes gitleaks' command line and writes a report in its format.
fs::path fake_gitleaks() { return fs::path(AUTOFIX_GATE_TEST_DATA) / "gitleaks" / "fake-gitleaks"; }


const std::string kPlanted = std::string("plant_") + "k3v9q2m8x1z7w4r6t0y5";
const std::string kGithub = std::string("ghp_") + "Zq3Xv8Lm2Np9Rt4Wy7Ks1Hd6Fg5Jb0Ca" + "Ue2T";

// A bin directory holding the fake as `gitleaks`, put first on PATH; TMPDIR pointed at a directory of
// its own, so that a test can see the runner's temporary directory come and go.
class FakeGitleaks : public ::testing::Test {
 protected:
  FakeGitleaks()
      : path_("PATH", bin_.path().string() + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")),
        tmpdir_("TMPDIR", scratch_.path().string()),
        log_env_("FAKE_GITLEAKS_LOG", (log_dir_ / "log.json").string()),
        mode_env_("FAKE_GITLEAKS_MODE", std::nullopt) {
    fs::copy_file(fake_gitleaks(), bin_ / "gitleaks");
    ::chmod((bin_ / "gitleaks").c_str(), 0755);
  }

  std::vector<AddedFile> files() const {
    return {
        {"src/config dir/app.env", {10, 42, 43}, {"x=1", "API=" + kPlanted, "y=2"}},
        {"notes/a b.md", {5}, {"token " + kGithub}},
        {"empty.txt", {}, {}},
        // A .gitleaksignore the change adds lands below the scan root, where gitleaks reads no settings.
        {".gitleaksignore", {1}, {"staged/repo/src/config dir/app.env:planted-token:2"}},
    };
  }

  GitleaksOptions options() const {
    GitleaksOptions o;
    std::optional<fs::path> program = locate_gitleaks("auto");
    EXPECT_TRUE(program);
    o.program = program ? *program : fs::path();
    o.timeout = 60s;
    return o;
  }

  nlohmann::json log() const { return nlohmann::json::parse(read_file(log_dir_ / "log.json")); }
  bool ran() const { return fs::exists(log_dir_ / "log.json"); }
  bool scratch_is_empty() const { return fs::is_empty(scratch_.path()); }

  // The message of the Error of `kind` that run_gitleaks throws in `mode`.
  std::string failure(const std::string& mode, ErrorKind kind, std::chrono::milliseconds timeout = 60s) {
    ScopedEnv m("FAKE_GITLEAKS_MODE", mode);
    GitleaksOptions o = options();
    o.timeout = timeout;
    try {
      run_gitleaks(o, files());
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
      EXPECT_FALSE(e.hint().empty());
      EXPECT_TRUE(scratch_is_empty()) << "the temporary directory was left behind";
      return e.what();
    }
    ADD_FAILURE() << "no error in mode " << mode;
    return {};
  }

  TempDir bin_, scratch_, log_dir_;
  ScopedEnv path_, tmpdir_, log_env_, mode_env_;
};

TEST_F(FakeGitleaks, FindsWhatIsOnTheAddedLinesAndMapsItBack) {
  EXPECT_EQ(options().program, bin_ / "gitleaks");
  std::vector<GitleaksFinding> found = run_gitleaks(options(), files());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].rule_id, "github-pat");
  EXPECT_EQ(found[0].file, "notes/a b.md");
  EXPECT_EQ(found[0].line, 5);
  EXPECT_EQ(found[0].secret, kGithub);
  EXPECT_EQ(found[1].rule_id, "planted-token");
  EXPECT_EQ(found[1].description, "Planted test token.");
  EXPECT_EQ(found[1].file, "src/config dir/app.env");
  EXPECT_EQ(found[1].line, 42);  // the second added line is line 42 of the file
  EXPECT_EQ(found[1].secret, kPlanted);

  nlohmann::json l = log();
  fs::path dir = l.at("cwd").get<std::string>();
  EXPECT_EQ(dir.parent_path(), scratch_.path());
  EXPECT_EQ(l.at("argv"), nlohmann::json({"detect", "--no-git", "--source", "staged", "--report-format", "json",
                                          "--report-path", (dir / "report.json").string(), "--exit-code", "0",
                                          "--no-banner", "--ignore-gitleaks-allow", "--log-level", "warn"}));
  EXPECT_EQ(l.at("root"), nlohmann::json({"repo"})) << "the scan root holds nothing the change wrote";
  EXPECT_TRUE(scratch_is_empty()) << "the added lines must not outlive the run";
}

TEST_F(FakeGitleaks, NothingToScanRunsNothing) {
  EXPECT_TRUE(run_gitleaks(options(), {{"empty.txt", {}, {}}}).empty());
  EXPECT_TRUE(run_gitleaks(options(), {}).empty());
  EXPECT_FALSE(ran());
}

TEST_F(FakeGitleaks, ANullReportIsNothingFound) {
  ScopedEnv m("FAKE_GITLEAKS_MODE", "null");
  EXPECT_TRUE(run_gitleaks(options(), files()).empty());
  EXPECT_TRUE(ran());
}

TEST_F(FakeGitleaks, EveryFailureIsAnError) {
  ScopedEnv quote("FAKE_GITLEAKS_QUOTE", "quoted-here");
  std::string program = (bin_ / "gitleaks").string();
  EXPECT_EQ(failure("fail", ErrorKind::internal),
            "gitleaks (" + program + ") failed (exit code 2): ERR failed to scan directory: token quoted-here\n");
  EXPECT_EQ(failure("no-report", ErrorKind::io), "gitleaks (" + program + ") exited 0 without writing its report report.json");
  EXPECT_EQ(failure("malformed", ErrorKind::io), "cannot read the gitleaks report: not valid JSON (at byte 50)");
  EXPECT_EQ(failure("stray", ErrorKind::io),
            "cannot read the gitleaks report: a finding of rule planted-token is in a file that was not scanned "
            "('elsewhere/other.txt')");
  EXPECT_EQ(failure("far", ErrorKind::io),
            "cannot read the gitleaks report: a finding of rule github-pat is on line 999 of 'notes/a b.md', which has "
            "1 scanned line(s)");
  EXPECT_EQ(failure("hang", ErrorKind::internal, 1s), "gitleaks (" + program + ") did not finish in time (timed out after 1 s)");
}

TEST_F(FakeGitleaks, RefusesToStageAPathOutsideTheRepository) {
  try {
    run_gitleaks(options(), {{"../escape.txt", {1}, {"x"}}});
    ADD_FAILURE() << "staged ../escape.txt";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(std::string(e.what()), "refusing to stage '../escape.txt' for gitleaks: not a path inside the repository");
  }
  EXPECT_FALSE(ran());
}

TEST(LocateGitleaks, FollowsTheSetting) {
  TempDir bin;
  ScopedEnv path("PATH", bin.path().string());
  EXPECT_EQ(locate_gitleaks("off"), std::nullopt);
  EXPECT_EQ(locate_gitleaks("auto"), std::nullopt);  // not installed: the built-in rules only
  write_file(bin / "gitleaks", "#!/bin/sh\n");
  ::chmod((bin / "gitleaks").c_str(), 0755);
  EXPECT_EQ(locate_gitleaks("auto"), bin / "gitleaks");
  EXPECT_EQ(locate_gitleaks("off"), std::nullopt);
  EXPECT_EQ(locate_gitleaks((bin / "gitleaks").string()), bin / "gitleaks");

  auto refusal = [](const std::string& setting) -> std::string {
    try {
      locate_gitleaks(setting);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      return e.what();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal((bin / "missing").string()), "gitleaks: " + (bin / "missing").string() + " is not an executable file");
  write_file(bin / "plain", "");
  ::chmod((bin / "plain").c_str(), 0644);
  EXPECT_EQ(refusal((bin / "plain").string()), "gitleaks: " + (bin / "plain").string() + " is not an executable file");
  EXPECT_EQ(refusal(bin.path().string()), "gitleaks: " + bin.path().string() + " is not an executable file");
  EXPECT_EQ(refusal("bin/gitleaks"), "the gitleaks setting 'bin/gitleaks' is not \"auto\", \"off\" or an absolute path");
}

TEST(RunGitleaks, AProgramThatCannotStartIsAUsageError) {
  GitleaksOptions o;
  o.program = "/nonexistent/gitleaks";
  try {
    run_gitleaks(o, {{"a.txt", {1}, {"x"}}});
    ADD_FAILURE() << "ran a program that does not exist";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()).substr(0, 21), "cannot run gitleaks: ") << e.what();
  }
}

}  // namespace
}  // namespace autofix::runners
