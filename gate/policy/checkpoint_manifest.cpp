// SPDX-License-Identifier: MIT
#include "gate/policy/checkpoint_manifest.h"

#include <charconv>
#include <limits>

#include "gate/git/hash_text.h"
#include "gate/policy/retention.h"
#include "gate/util/error.h"
#include "gate/util/hex_id.h"
#include "gate/util/json_reader.h"

namespace autofix {

namespace {

constexpr const char* kHeading = "autofix-gate checkpoint ";

// The fields the state hash covers, in a fixed order (an ordered document: the order is part of the text).
JsonDocument hashed_fields(const CheckpointManifest& m) {
  JsonDocument j = JsonDocument::object();
  j["version"] = kCheckpointManifestVersion;
  j["batch_id"] = m.id.batch_id;
  j["number"] = m.id.number;
  j["fixes"] = m.fixes;
  j["step"] = m.step;
  j["tests"] = {{"run", m.tests.run}, {"passed", m.tests.passed}, {"failed", m.tests.failed}, {"fixed", m.tests.fixed}};
  j["created"] = m.created;
  j["tree"] = m.tree;
  j["excluded"] = m.excluded;
  return j;
}

}  // namespace

std::optional<CheckpointId> checkpoint_id_of(const std::string& name) {
  const std::size_t slash = name.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) return std::nullopt;
  const std::string digits = name.substr(slash + 1);
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n == 0 || digits.front() == '0') return std::nullopt;
  return CheckpointId{name.substr(0, slash), n};
}

CheckpointId parse_checkpoint_id(const std::string& text) {
  std::string name = text;
  if (name.starts_with(kCheckpointRefPrefix)) name = name.substr(std::string(kCheckpointRefPrefix).size());
  if (std::optional<CheckpointId> id = checkpoint_id_of(name)) return *id;
  throw Error(ErrorKind::usage, "'" + text + "' is not a checkpoint id (expected <batch id>/<n>, such as 20261207T193000Z-1a2b3c/2)",
              "`autofix-gate checkpoints list` prints the ids");
}

std::string checkpoint_state_hash(const CheckpointManifest& m) {
  return git::to_hex(git::hash_text(hashed_fields(m).dump(), "the checkpoint manifest " + m.id.text()));
}

std::string checkpoint_message(const CheckpointManifest& m) {
  JsonDocument j = hashed_fields(m);
  j["state_hash"] = m.state_hash;
  return kHeading + m.id.text() + "\n\n" + j.dump(2) + "\n";
}

CheckpointManifest parse_checkpoint_message(const std::string& message, const std::string& what) {
  JsonSource source{what, ErrorKind::verification,
                    "the checkpoint's commit was not written by `autofix-gate batch`, or was changed; "
                    "remove it with `autofix-gate checkpoints cleanup` or `git update-ref -d`"};
  const std::size_t body = message.find("\n\n");
  if (!message.starts_with(kHeading) || body == std::string::npos)
    source.fail("", "not a checkpoint manifest (the commit message does not start with '" + std::string(kHeading) + "<id>')");
  const JsonDocument doc = parse_json_strictly(std::string_view(message).substr(body + 2), source, source.hint);
  const JsonValue v(doc, source);
  v.object();
  v.allow_only({"version", "batch_id", "number", "fixes", "step", "tests", "created", "tree", "excluded", "state_hash"});
  if (v.integer("version", 1, 1'000'000) != kCheckpointManifestVersion)
    v.at("version", "").fail("manifest version " + v.at("version", "").json().dump() + " is not one this gate reads (1)");
  CheckpointManifest m;
  m.id.batch_id = v.at("batch_id", "expected a string").text();
  m.id.number = static_cast<std::size_t>(v.integer("number", 1, 1'000'000'000));
  m.fixes = v.strings("fixes");
  m.step = static_cast<std::size_t>(v.integer("step", 1, 1'000'000'000));
  JsonValue t = v.object("tests");
  t.allow_only({"run", "passed", "failed", "fixed"});
  m.tests = {t.unsigned_integer("run"), t.unsigned_integer("passed"), t.unsigned_integer("failed"),
             t.unsigned_integer("fixed")};
  m.created = v.string("created");
  m.tree = v.string("tree");
  if (!is_hex_object_id(m.tree)) v.at("tree", "").fail("expected a tree id (40 hex digits), got " + quoted_text(m.tree));
  m.excluded = v.strings("excluded");
  m.state_hash = v.string("state_hash");
  if (!is_hex_object_id(m.state_hash))
    v.at("state_hash", "").fail("expected 40 hex digits, got " + quoted_text(m.state_hash));
  return m;
}

std::vector<std::string> checkpoint_problems(const CheckpointManifest& m, const CheckpointId& id,
                                             const std::string& commit_tree) {
  std::vector<std::string> problems;
  if (!(m.id == id)) problems.push_back("its manifest names checkpoint " + m.id.text() + ", not " + id.text());
  const std::string hash = checkpoint_state_hash(m);
  if (hash != m.state_hash)
    problems.push_back("manifest hash mismatch: recorded " + m.state_hash + ", the manifest's fields hash to " + hash);
  if (commit_tree != m.tree)
    problems.push_back("tree mismatch: the manifest records tree " + m.tree + ", the commit has tree " + commit_tree);
  return problems;
}

std::vector<std::string> checkpoints_to_remove(std::vector<CheckpointAge> items, std::optional<std::size_t> keep,
                                               std::optional<std::chrono::system_clock::duration> older_than,
                                               SystemTime now) {
  std::vector<Retained> retained;
  for (CheckpointAge& i : items) retained.push_back({std::move(i.id), i.created});
  // The rule `snapshots prune` uses: beyond the newest N, and (when given) older than the age.
  return names_to_drop(std::move(retained), keep.value_or(0), older_than.value_or(std::chrono::system_clock::duration::zero()),
                       std::numeric_limits<std::size_t>::max(), now, {});
}

}  // namespace autofix
