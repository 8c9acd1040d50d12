// SPDX-License-Identifier: MIT
#pragma once
// A batch's checkpoints (docs/batch.md#checkpoints): the ref each is kept under, the manifest its commit
// message carries (which fixes, the test summary of the step that verified it, the tree, a hash of the
// state), reading that manifest back as untrusted input, what makes a checkpoint invalid, and which
// checkpoints `checkpoints cleanup` removes. Pure but for the hash (git's blob id, gate/git/hash_text.h).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gate/util/clock.h"

namespace autofix {

inline constexpr const char* kCheckpointRefPrefix = "refs/autofix/checkpoints/";
inline constexpr int kCheckpointManifestVersion = 1;

// "<batch id>/<n>": a checkpoint's id, as the commands take it; n counts from 1 within its batch.
struct CheckpointId {
  std::string batch_id;
  std::size_t number = 0;
  std::string text() const { return batch_id + "/" + std::to_string(number); }
  std::string ref() const { return kCheckpointRefPrefix + text(); }
  bool operator==(const CheckpointId&) const = default;
};

// Parses "<batch id>/<n>" (what `checkpoints list` prints; a full ref name is taken too). Throws
// Error(usage) naming `text` when it is neither.
CheckpointId parse_checkpoint_id(const std::string& text);
// The same for a ref name under kCheckpointRefPrefix without the prefix; nullopt for another form.
std::optional<CheckpointId> checkpoint_id_of(const std::string& name);

// The tests of the step that verified the checkpoint.
struct CheckpointTests {
  std::size_t run = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t fixed = 0;  // FAIL_TO_PASS
  bool operator==(const CheckpointTests&) const = default;
};

struct CheckpointManifest {
  CheckpointId id;
  std::vector<std::string> fixes;      // the verified set, in the order applied
  std::size_t step = 0;                // the batch's step that verified it, 1-based
  CheckpointTests tests;
  std::string created;                 // ISO 8601 UTC
  std::string tree;                    // the checkpoint's tree, 40 hex digits
  std::vector<std::string> excluded;   // left out of the tree, and of a restore (the build and report dirs)
  std::string state_hash;              // checkpoint_state_hash() of the fields above
  bool operator==(const CheckpointManifest&) const = default;
};

// The hash of every field but state_hash (their canonical JSON, hashed as git hashes a blob): 40 hex digits.
std::string checkpoint_state_hash(const CheckpointManifest& m);

// The commit message: "autofix-gate checkpoint <id>\n\n" and the manifest as JSON.
std::string checkpoint_message(const CheckpointManifest& m);
// Reads a commit message checkpoint_message wrote. Throws Error(verification) "<what>: ..." naming the
// field when the message is not such a manifest (unknown or missing keys, wrong types, a bad tree id).
CheckpointManifest parse_checkpoint_message(const std::string& message, const std::string& what);

// What is wrong with a checkpoint whose ref is `id` and whose commit has tree `commit_tree`, given its
// manifest: the recorded hash against the fields, the manifest's tree against the commit's, its id against
// the ref's. Empty when nothing is.
std::vector<std::string> checkpoint_problems(const CheckpointManifest& m, const CheckpointId& id,
                                             const std::string& commit_tree);

// `checkpoints cleanup`: the ids to remove (oldest first) among `items` (id text and creation time):
// beyond the `keep` newest (nullopt: none kept for their rank) and, with `older_than`, only those older.
struct CheckpointAge {
  std::string id;
  SystemTime created;
};
std::vector<std::string> checkpoints_to_remove(std::vector<CheckpointAge> items, std::optional<std::size_t> keep,
                                               std::optional<std::chrono::system_clock::duration> older_than,
                                               SystemTime now);

}  // namespace autofix
