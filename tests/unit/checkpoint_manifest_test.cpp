// SPDX-License-Identifier: MIT
#include "gate/policy/checkpoint_manifest.h"

#include <string>

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix {
namespace {

using Strings = std::vector<std::string>;
constexpr const char* kEmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

CheckpointManifest example() {
  CheckpointManifest m;
  m.id = {"20261207T190000Z-abc123", 2};
  m.fixes = {"mean", "sum-note"};
  m.step = 3;
  m.tests = {10, 9, 1, 1};
  m.created = "2026-12-07T19:00:05Z";
  m.tree = kEmptyTree;
  m.excluded = {"build"};
  m.state_hash = checkpoint_state_hash(m);
  return m;
}

// The Error a message gives when read back, or "accepted".
std::string problem(const std::string& message) {
  try {
    parse_checkpoint_message(message, "m");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::verification) << e.what();
    return e.what();
  }
  return "accepted";
}

TEST(CheckpointManifest, IdsAndRefs) {
  CheckpointId id = parse_checkpoint_id("20261207T190000Z-abc123/12");
  EXPECT_EQ(id, (CheckpointId{"20261207T190000Z-abc123", 12}));
  EXPECT_EQ(id.ref(), "refs/autofix/checkpoints/20261207T190000Z-abc123/12");
  EXPECT_EQ(parse_checkpoint_id("refs/autofix/checkpoints/B/1"), (CheckpointId{"B", 1}));
  for (const char* bad : {"B", "B/", "/1", "B/0", "B/01", "B/x", "B/1x"}) {
    EXPECT_EQ(checkpoint_id_of(bad), std::nullopt) << bad;
    try {
      parse_checkpoint_id(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
      EXPECT_EQ(std::string(e.what()), "'" + std::string(bad) +
                                           "' is not a checkpoint id (expected <batch id>/<n>, such as "
                                           "20261207T193000Z-1a2b3c/2)");
    }
  }
}

TEST(CheckpointManifest, TheStateHashIsGitsBlobIdOfTheCanonicalFields) {
  // printf '%s' '<the fields as compact JSON, in this order>' | git hash-object --stdin
  EXPECT_EQ(example().state_hash, "472c8cf5ed641ef5194673f98517ecb8e627c272");
  CheckpointManifest other = example();
  other.tests.passed = 8;
  EXPECT_NE(checkpoint_state_hash(other), example().state_hash);
}

TEST(CheckpointManifest, TheMessageReadsBackAsWritten) {
  const std::string message = checkpoint_message(example());
  EXPECT_TRUE(message.starts_with("autofix-gate checkpoint 20261207T190000Z-abc123/2\n\n{\n  \"version\": 1,\n"))
      << message;
  EXPECT_EQ(parse_checkpoint_message(message, "m"), example());
  EXPECT_EQ(checkpoint_problems(example(), example().id, kEmptyTree), Strings{});
}

TEST(CheckpointManifest, ProblemsNameWhatDiffers) {
  CheckpointManifest edited = example();
  edited.fixes = {"mean"};  // edited without recomputing the hash
  EXPECT_EQ(checkpoint_problems(edited, edited.id, kEmptyTree),
            Strings{"manifest hash mismatch: recorded 472c8cf5ed641ef5194673f98517ecb8e627c272, the manifest's fields "
                    "hash to " + checkpoint_state_hash(edited)});
  const std::string other_tree(40, 'a');
  EXPECT_EQ(checkpoint_problems(example(), example().id, other_tree),
            Strings{"tree mismatch: the manifest records tree " + std::string(kEmptyTree) + ", the commit has tree " +
                    other_tree});
  EXPECT_EQ(checkpoint_problems(example(), CheckpointId{"20261207T190000Z-abc123", 1}, kEmptyTree),
            Strings{"its manifest names checkpoint 20261207T190000Z-abc123/2, not 20261207T190000Z-abc123/1"});
}

TEST(CheckpointManifest, AMessageThatIsNoManifestIsRefusedNamingTheField) {
  EXPECT_EQ(problem("autofix: apply x.diff\n\nbody"),
            "m: not a checkpoint manifest (the commit message does not start with 'autofix-gate checkpoint <id>')");
  const std::string good = checkpoint_message(example());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_EQ(problem(replaced("\"step\": 3", "\"steps\": 3")),
            "m: unknown key 'steps' (expected version, batch_id, number, fixes, step, tests, created, tree, excluded or "
            "state_hash)");
  EXPECT_EQ(problem(replaced("\"tree\": \"4b825", "\"tree\": \"Xb825")),
            "m: tree: expected a tree id (40 hex digits), got 'Xb825dc642cb6eb9a060e54bf8d69288fbee4904'");
  EXPECT_EQ(problem(replaced("\"version\": 1", "\"version\": 2")), "m: version: manifest version 2 is not one this gate reads (1)");
  EXPECT_EQ(problem(replaced("\"run\": 10", "\"run\": -1")), "m: tests.run: must be between 0 and 18446744073709551615, got -1");
}

TEST(CheckpointManifest, CleanupKeepsTheNewestAndOnlyRemovesOlderOnes) {
  const SystemTime now = parse_iso8601_utc("2026-12-07T12:00:00Z");
  const auto days = [](int n) { return std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::hours(24 * n)); };
  std::vector<CheckpointAge> items = {{"A/1", now - days(10)}, {"A/2", now - days(9)}, {"B/1", now - days(1)},
                                      {"B/2", now - days(1) + std::chrono::seconds(1)}};
  EXPECT_EQ(checkpoints_to_remove(items, 1, std::nullopt, now), (Strings{"A/1", "A/2", "B/1"}));
  EXPECT_EQ(checkpoints_to_remove(items, std::nullopt, days(5), now), (Strings{"A/1", "A/2"}));
  EXPECT_EQ(checkpoints_to_remove(items, 3, days(5), now), (Strings{"A/1"}));  // both must hold
  EXPECT_EQ(checkpoints_to_remove(items, 4, std::nullopt, now), Strings{});
}

}  // namespace
}  // namespace autofix
