// SPDX-License-Identifier: MIT
#include "gate/policy/batch_file.h"

#include <string>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

// The message of the Error(usage) that parsing `text` throws, or "accepted".
std::string problem(const std::string& text) {
  try {
    parse_batch_file(text, "b.json", "/base");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << e.what();
    return e.what();
  }
  return "accepted";
}

std::string with_fixes(const std::string& fixes) { return R"({"version": 1, "fixes": [)" + fixes + "]}"; }

TEST(BatchFile, ReadsTheDocumentedExample) {
  BatchFile b = parse_batch_file(R"({"version": 1, "strategy": "checkpoint",
   "fixes": [
     {"id": "tidy-1", "patch": "fixes/0001.diff"},
     {"id": "tidy-2", "patch": "fixes/0002.diff", "depends_on": ["tidy-1"]},
     {"id": "agent-7", "fixer": ["./agent", "--fix", "issue-7"], "timeout": 300}
   ]})",
                                 "b.json", "/base");
  EXPECT_EQ(b.strategy, BatchStrategy::checkpoint);
  ASSERT_EQ(b.fixes.size(), 3u);
  EXPECT_EQ(b.fixes[0].id, "tidy-1");
  EXPECT_EQ(b.fixes[0].patch, "fixes/0001.diff");
  EXPECT_EQ(b.fixes[0].patch_path, fs::path("/base/fixes/0001.diff"));
  EXPECT_EQ(b.fixes[1].depends_on, std::vector<std::string>{"tidy-1"});
  EXPECT_EQ(b.fixes[2].fixer, (std::vector<std::string>{"./agent", "--fix", "issue-7"}));
  EXPECT_EQ(b.fixes[2].timeout, std::chrono::seconds(300));
  EXPECT_EQ(dependencies(b), (FixDeps{{}, {0}, {}}));
}

TEST(BatchFile, StrategyIsOptional) {
  EXPECT_EQ(parse_batch_file(with_fixes(R"({"id": "a", "patch": "a.diff"})"), "b.json", "/").strategy, std::nullopt);
}

TEST(BatchFile, MalformedJsonIsAUsageError) {
  EXPECT_TRUE(problem(R"({"version": 1, "fixes": [)").starts_with("b.json: not valid JSON")) << problem("{");
}

TEST(BatchFile, UnknownKeysAreRefused) {
  EXPECT_EQ(problem(R"({"version": 1, "fixes": [{"id": "a", "patch": "a.diff"}], "strategyy": "best_effort"})"),
            "b.json: unknown key 'strategyy' (expected version, strategy or fixes)");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff", "depend_on": []})")),
            "b.json: fixes[0]: unknown key 'depend_on' (expected id, patch, fixer, timeout or depends_on)");
}

TEST(BatchFile, UnknownStrategyIsRefused) {
  EXPECT_EQ(problem(R"({"version": 1, "strategy": "best", "fixes": [{"id": "a", "patch": "a.diff"}]})"),
            "b.json: strategy: unknown strategy 'best' (expected all_or_nothing, best_effort, checkpoint or "
            "continue_on_error)");
}

TEST(BatchFile, DuplicateIdsAreRefused) {
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff"}, {"id": "b", "patch": "b.diff"},
                                  {"id": "a", "patch": "c.diff"})")),
            "b.json: fixes[2].id: 'a' is already the id of fixes[0]");
}

TEST(BatchFile, DuplicateKeysAreRefused) {
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "id": "b", "patch": "a.diff"})")),
            "b.json: fixes[0]: duplicate key 'id'");
}

TEST(BatchFile, ADependencyCycleIsNamed) {
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff", "depends_on": ["c"]},
                                  {"id": "b", "patch": "b.diff", "depends_on": ["a"]},
                                  {"id": "c", "patch": "c.diff", "depends_on": ["b"]})")),
            "b.json: fixes: dependency cycle: a -> c -> b -> a");
  EXPECT_EQ(problem(with_fixes(R"({"id": "self", "patch": "a.diff", "depends_on": ["self"]})")),
            "b.json: fixes: dependency cycle: self -> self");
}

TEST(BatchFile, AnUnknownDependencyIsNamed) {
  EXPECT_EQ(problem(with_fixes(R"({"id": "tidy-1", "patch": "a.diff"},
                                  {"id": "tidy-2", "patch": "b.diff", "depends_on": ["tidy-1", "tidy-9"]})")),
            "b.json: fixes[1].depends_on[1]: unknown fix id 'tidy-9' (did you mean 'tidy-1'?)");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff", "depends_on": ["zzzzzz"]})")),
            "b.json: fixes[0].depends_on[0]: unknown fix id 'zzzzzz'");
}

TEST(BatchFile, AFixIsAPatchOrAFixerNotBothNorNeither) {
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff", "fixer": ["x"]})")),
            "b.json: fixes[0]: has both \"patch\" and \"fixer\"");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a"})")), "b.json: fixes[0]: has neither \"patch\" nor \"fixer\"");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "fixer": []})")),
            "b.json: fixes[0].fixer: empty (a fixer is a command: its program, then its arguments)");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a", "patch": "a.diff", "timeout": 5})")),
            "b.json: fixes[0].timeout: only a fixer has a timeout");
}

TEST(BatchFile, OtherShapesAreRefused) {
  EXPECT_EQ(problem(R"({"version": 2, "fixes": []})"), "b.json: version: expected the integer 1, got the number 2");
  EXPECT_EQ(problem(R"({"version": 1, "fixes": []})"), "b.json: fixes: empty (a batch needs at least one fix)");
  EXPECT_EQ(problem(R"({"version": 1})"), "b.json: fixes: missing (expected an array of objects)");
  EXPECT_EQ(problem(with_fixes(R"({"id": "a b", "patch": "a.diff"})")), "b.json: fixes[0].id: 'a b' is not a usable id");
  EXPECT_EQ(problem(with_fixes(R"({"patch": "a.diff"})")), "b.json: fixes[0].id: missing (every fix needs an id)");
}

TEST(BatchFile, LoadReadsThePatchesBesideTheFile) {
  TempDir dir;
  write_file(dir.path() / "fixes" / "one.diff", "diff --git a/x b/x\n");
  write_file(dir.path() / "batch.json", with_fixes(R"({"id": "one", "patch": "fixes/one.diff"})"));
  BatchFile b = load_batch_file(dir.path() / "batch.json");
  ASSERT_EQ(b.fixes.size(), 1u);
  EXPECT_EQ(b.fixes[0].patch_text, "diff --git a/x b/x\n");
}

TEST(BatchFile, AMissingPatchFileIsNamed) {
  TempDir dir;
  write_file(dir.path() / "batch.json", with_fixes(R"({"id": "one", "patch": "fixes/gone.diff"})"));
  try {
    load_batch_file(dir.path() / "batch.json");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), (dir.path() / "batch.json").string() +
                                         ": fixes[0].patch: no such file 'fixes/gone.diff' ('" +
                                         (dir.path() / "fixes/gone.diff").string() + "')");
  }
}

TEST(BatchFile, AMissingBatchFileIsAUsageError) {
  TempDir dir;
  try {
    load_batch_file(dir.path() / "nope.json");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), "no such batch file: '" + (dir.path() / "nope.json").string() + "'");
  }
}

TEST(BatchFile, APatchDirectoryIsTheShortForm) {
  TempDir dir;
  write_file(dir.path() / "b fix.diff", "B");
  write_file(dir.path() / "a.diff", "A");
  write_file(dir.path() / "notes.txt", "not a patch");
  write_file(dir.path() / "10.diff", "10");
  BatchFile b = batch_from_patch_dir(dir.path());
  ASSERT_EQ(b.fixes.size(), 3u);
  EXPECT_EQ(b.fixes[0].id, "10");
  EXPECT_EQ(b.fixes[1].id, "a");
  EXPECT_EQ(b.fixes[2].id, "b fix");
  EXPECT_EQ(b.fixes[2].patch_text, "B");
  EXPECT_EQ(dependencies(b), (FixDeps{{}, {}, {}}));
}

TEST(BatchFile, APatchDirectoryWithoutPatchesIsRefused) {
  TempDir dir;
  write_file(dir.path() / "notes.txt", "x");
  try {
    batch_from_patch_dir(dir.path());
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage);
    EXPECT_EQ(std::string(e.what()), "no *.diff file in '" + dir.path().string() + "'");
  }
}

}  // namespace
}  // namespace autofix
