// SPDX-License-Identifier: MIT
// `autofix-gate checkpoints` end to end, on the compiler-free stand-in of examples/calculator
// (tests/e2e/script_project.h; checkpoints are the gate's, the compiler adds nothing): a checkpoint-strategy batch of
// two good fixes (one per group) leaves two checkpoint refs; list, show and validate print them; restore
// makes the work tree the checkpoint's and its snapshot gives the user's work back byte for byte; a ref
// moved to another checkpoint's commit and an edited manifest fail validation, named; cleanup --keep 1.
#include <gtest/gtest.h>

#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/e2e/script_project.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::lines_of;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;

runners::ProcessResult run(const ScriptProject& c, Strings args) { return gate(c.repo(), args, std::chrono::minutes(10)); }

nlohmann::json json_of(const runners::ProcessResult& r) { return nlohmann::json::parse(r.out); }

TEST(Checkpoints, ABatchRecordsThemAndTheCommandsListShowValidateRestoreAndCleanUp) {
  ScriptProject c;
  // Two good fixes, a checkpoint after each.
  const fs::path dir = c.tmp() / "patch dir";
  c.mean_fix(dir, "1-mean");
  c.patch(dir, "2-doc", "parser/parser.doc", "# Parses \"1.5, 2, -3\"", "# Parses a list such as \"1.5, 2, -3\"");
  // The user's uncommitted work at the time of the batch: part of every checkpoint's tree.
  write_file(c.repo() / "my notes.txt", "remember the milk\n");
  fs::path config = c.tmp() / "tests only.json";
  write_file(config, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})");
  runners::ProcessResult b = run(c, {"batch", "-j", "2", "--config", config.string(), "--patch-dir", dir.string(),
                                     "--strategy", "checkpoint", "--checkpoint-every", "1"});
  ASSERT_EQ(b.exit_code, 0) << show(b);
  nlohmann::json report = nlohmann::json::parse(read_file(c.reports() / "report.json"));
  EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");
  const std::string batch = report.at("batch_id").get<std::string>();
  const std::string id1 = batch + "/1", id2 = batch + "/2";
  const std::string ref1 = "refs/autofix/checkpoints/" + id1, ref2 = "refs/autofix/checkpoints/" + id2;
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/checkpoints/"), (Strings{ref1, ref2}));
  const std::string commit1 = c.git_out({"rev-parse", ref1}), commit2 = c.git_out({"rev-parse", ref2});
  EXPECT_EQ(report.at("checkpoints"),
            nlohmann::json::parse(R"([{"number": 1, "fixes": ["1-mean"], "step": 1, "ref": ")" + ref1 + R"(", "commit": ")" +
                                  commit1 + R"("}, {"number": 2, "fixes": ["1-mean", "2-doc"], "step": 2, "ref": ")" + ref2 +
                                  R"(", "commit": ")" + commit2 + R"("}])"));
  // Each checkpoint's commit: on top of HEAD, the tree with its fixes and the user's work.
  EXPECT_EQ(c.git_out({"rev-parse", ref2 + "^"}), c.original_head());
  EXPECT_EQ(lines_of(c.git_out({"diff", "--name-only", c.original_head(), ref2})),
            (Strings{"mathlib/mathlib.src", "my notes.txt", "parser/parser.doc"}));
  EXPECT_EQ(lines_of(c.git_out({"diff", "--name-only", ref1, ref2})), (Strings{"parser/parser.doc"}));

  // list --json, exact but for the times and hashes only the run knows (checked against git).
  runners::ProcessResult list = run(c, {"checkpoints", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << show(list);
  nlohmann::json listed = json_of(list);
  ASSERT_EQ(listed.size(), 2u) << list.out;
  for (int n = 0; n < 2; ++n) {
    const nlohmann::json& m = listed[n].at("manifest");
    const std::string ref = n == 0 ? ref1 : ref2;
    nlohmann::json expected = {
        {"id", n == 0 ? id1 : id2},
        {"ref", ref},
        {"commit", n == 0 ? commit1 : commit2},
        {"valid", true},
        {"problems", nlohmann::json::array()},
        {"manifest",
         {{"batch_id", batch},
          {"number", n + 1},
          {"fixes", n == 0 ? Strings{"1-mean"} : Strings{"1-mean", "2-doc"}},
          {"step", n + 1},
          // Both steps are judged against the baseline: the mean fix's test is fixed in each.
          {"tests", {{"run", 5}, {"passed", 5}, {"failed", 0}, {"fixed", 1}}},
          {"created", m.at("created")},
          {"tree", c.git_out({"rev-parse", ref + "^{tree}"})},
          {"excluded", Strings{"build", "build/autofix"}},
          {"state_hash", m.at("state_hash")}}}};
    EXPECT_EQ(listed[n], expected) << listed[n].dump(2);
    EXPECT_EQ(m.at("state_hash").get<std::string>().size(), 40u);
  }
  runners::ProcessResult shown = run(c, {"checkpoints", "show", id2, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << show(shown);
  EXPECT_EQ(json_of(shown), listed[1]);
  runners::ProcessResult valid = run(c, {"checkpoints", "validate"});
  EXPECT_EQ(valid.exit_code, 0) << show(valid);
  EXPECT_EQ(lines_of(valid.out), (Strings{"checkpoint " + id1 + ": valid", "checkpoint " + id2 + ": valid",
                                          "2 of 2 checkpoint(s) valid"}));

  // restore: the user has worked on since; the tree becomes the checkpoint's, the snapshot gives it back.
  write_file(c.repo() / "my notes.txt", "remember the milk and the bread\n");
  write_file(c.repo() / "later.txt", "written after the batch\n");
  write_file(c.repo() / "mathlib" / "mathlib.doc", c.read("mathlib/mathlib.doc") + "# later\n");
  const TreeFingerprint before = source_fingerprint(c.repo());
  runners::ProcessResult restored = run(c, {"checkpoints", "restore", id2, "--json"});
  ASSERT_EQ(restored.exit_code, 0) << show(restored);
  nlohmann::json r = json_of(restored);
  EXPECT_EQ(r.at("checkpoint").get<std::string>(), id2);
  EXPECT_EQ(r.at("paths").get<Strings>(), (Strings{"later.txt", "mathlib/mathlib.doc", "mathlib/mathlib.src", "my notes.txt", "parser/parser.doc"}));
  runners::ProcessResult now = run(c, {"snapshot", "--json"});
  ASSERT_EQ(now.exit_code, 0) << show(now);
  EXPECT_EQ(json_of(now).at("trees").at("worktree").get<std::string>(), c.git_out({"rev-parse", ref2 + "^{tree}"}));
  EXPECT_FALSE(fs::exists(c.repo() / "later.txt"));
  EXPECT_EQ(read_file(c.repo() / "my notes.txt"), "remember the milk\n");
  EXPECT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());
  EXPECT_FALSE(fs::exists(c.journal()));
  runners::ProcessResult undo = run(c, {"restore", r.at("snapshot").get<std::string>()});
  ASSERT_EQ(undo.exit_code, 0) << show(undo);
  const TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);

  // Corruption: checkpoint 1's ref moved to checkpoint 2's commit; checkpoint 2's manifest edited.
  c.git_out({"update-ref", ref1, commit2});
  std::string message = c.git_out({"log", "-1", "--format=%B", commit2});
  message.replace(message.find("\"2-doc\""), 7, "\"3-doc\"");
  write_file(c.tmp() / "message.txt", message + "\n");
  const std::string edited = c.git_out({"commit-tree", ref2 + "^{tree}", "-p", c.original_head(), "-F",
                                        (c.tmp() / "message.txt").string()});
  c.git_out({"update-ref", ref2, edited});
  runners::ProcessResult invalid = run(c, {"checkpoints", "validate"});
  EXPECT_EQ(invalid.exit_code, 1) << show(invalid);
  const Strings lines = lines_of(invalid.out);
  ASSERT_EQ(lines.size(), 3u) << invalid.out;
  EXPECT_EQ(lines[0], "checkpoint " + id1 + ": its manifest names checkpoint " + id2 + ", not " + id1);
  EXPECT_TRUE(lines[1].starts_with("checkpoint " + id2 + ": manifest hash mismatch: recorded " +
                                   listed[1].at("manifest").at("state_hash").get<std::string>() + ", the manifest's fields hash to "))
      << lines[1];
  EXPECT_EQ(lines[2], "0 of 2 checkpoint(s) valid");
  // An invalid checkpoint is not restored; nothing changes.
  runners::ProcessResult refused = run(c, {"checkpoints", "restore", id2});
  EXPECT_EQ(refused.exit_code, 4) << show(refused);
  EXPECT_NE(refused.err.find("checkpoint " + id2 + " is not valid: manifest hash mismatch"), std::string::npos) << show(refused);
  EXPECT_TRUE(source_fingerprint(c.repo()) == before);

  // cleanup --keep 1: checkpoint 1 (the older) goes.
  c.git_out({"update-ref", ref1, commit1});
  c.git_out({"update-ref", ref2, commit2});
  runners::ProcessResult dry = run(c, {"checkpoints", "cleanup", "--keep", "1", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << show(dry);
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/checkpoints/"), (Strings{ref1, ref2}));
  runners::ProcessResult cleanup = run(c, {"checkpoints", "cleanup", "--keep", "1"});
  EXPECT_EQ(cleanup.exit_code, 0) << show(cleanup);
  EXPECT_EQ(lines_of(cleanup.out), (Strings{"removed checkpoint " + id1, "removed 1 checkpoint(s)"}));
  EXPECT_EQ(refs_under(c.repo(), "refs/autofix/checkpoints/"), (Strings{ref2}));
  EXPECT_EQ(run(c, {"checkpoints", "validate"}).exit_code, 0);
}

}  // namespace
}  // namespace autofix::testing
