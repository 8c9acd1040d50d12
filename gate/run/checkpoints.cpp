// SPDX-License-Identifier: MIT
#include "gate/run/checkpoints.h"

#include <algorithm>

#include "gate/git/patch.h"
#include "gate/git/record_commit.h"
#include "gate/git/reference.h"
#include "gate/git/tree_checkout.h"
#include "gate/policy/retention.h"
#include "gate/snapshot/outside_changes.h"
#include "gate/state/lock.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

CheckpointTests tests_of(const BatchRecordStep& step) {
  return {step.tests_run, step.tests_passed, step.tests_run - std::min(step.tests_run, step.tests_passed),
          step.tests_fixed.size()};
}

// The entry under `id`'s ref, its manifest checked against the commit; with `deep`, every object too.
CheckpointEntry read_entry(const git::Repository& repo, const CheckpointId& id, const git_oid& commit, bool deep) {
  CheckpointEntry e;
  e.id = id;
  e.commit = git::to_hex(commit);
  std::optional<git::RecordCommit> c = git::read_record_commit(repo, commit);
  if (!c) {
    e.problems.push_back("missing object: its commit " + *e.commit + " is not in the repository");
    return e;
  }
  try {
    e.manifest = parse_checkpoint_message(c->message, "the manifest of checkpoint " + id.text());
  } catch (const Error& err) {
    e.problems.push_back(err.what());
  }
  if (e.manifest)
    for (std::string& p : checkpoint_problems(*e.manifest, id, git::to_hex(c->tree))) e.problems.push_back(std::move(p));
  if (deep)
    for (const std::string& m : git::missing_objects(repo, c->tree)) e.problems.push_back("missing object: " + m);
  return e;
}

std::vector<CheckpointId> checkpoint_ids(const git::Repository& repo) {
  std::vector<CheckpointId> ids;
  for (const std::string& name : git::reference_names_under(repo, kCheckpointRefPrefix))
    if (std::optional<CheckpointId> id = checkpoint_id_of(name)) ids.push_back(std::move(*id));
  std::sort(ids.begin(), ids.end(), [](const CheckpointId& a, const CheckpointId& b) {
    return a.batch_id != b.batch_id ? a.batch_id < b.batch_id : a.number < b.number;
  });
  return ids;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "(no fix)" : out;
}

}  // namespace

std::vector<BatchCheckpointResult> record_checkpoints(const git::Repository& repo, Operation& op, const std::string& batch_id,
                                                      const BatchFile& batch, const BatchPlan& plan,
                                                      const std::vector<BatchRecordStep>& steps,
                                                      const git::CommitIdentity& identity) {
  const snapshot::Manifest& snap = op.snapshot().manifest;
  std::vector<BatchCheckpointResult> out;
  for (std::size_t c = 0; c < plan.checkpoints.size(); ++c) {
    const BatchCheckpoint& checkpoint = plan.checkpoints[c];
    CheckpointManifest m;
    m.id = CheckpointId{batch_id, c + 1};
    // The tree the step judged: the snapshot's, with the set's patches applied in order (as the steps do).
    git_oid tree = snap.worktree_tree;
    for (std::size_t i : checkpoint.fixes) {
      tree = git::apply_patch_to_tree(repo, tree, batch.fixes[i].patch_text);
      m.fixes.push_back(batch.fixes[i].id);
    }
    m.step = checkpoint.step + 1;
    if (checkpoint.step < steps.size()) m.tests = tests_of(steps[checkpoint.step]);
    m.created = format_iso8601_utc(std::chrono::system_clock::now());
    m.tree = git::to_hex(tree);
    m.excluded = snap.excluded;
    m.state_hash = checkpoint_state_hash(m);
    // A resumed batch whose run was killed after its checkpoints were written: the same checkpoint is kept.
    if (std::optional<git_oid> existing = git::reference_target(repo, m.id.ref())) {
      CheckpointEntry e = read_entry(repo, m.id, *existing, false);
      if (e.valid() && e.manifest->tree == m.tree && e.manifest->fixes == m.fixes) {
        out.push_back({m.id.number, m.fixes, m.step, m.id.ref(), git::to_hex(*existing)});
        continue;
      }
    }
    const git_oid commit = git::write_record_commit(repo, tree, snap.head.oid, checkpoint_message(m), identity);
    // Journaled before the ref exists, so that neither the batch's rollback nor `recover` removes it.
    op.keep_ref(m.id.ref());
    git::create_new_reference(repo, m.id.ref(), commit, "autofix-gate: checkpoint " + m.id.text());
    out.push_back({m.id.number, m.fixes, m.step, m.id.ref(), git::to_hex(commit)});
  }
  return out;
}

std::vector<CheckpointEntry> list_checkpoints(const git::Repository& repo, const std::optional<std::string>& batch) {
  std::vector<CheckpointEntry> out;
  for (const CheckpointId& id : checkpoint_ids(repo)) {
    if (batch && id.batch_id != *batch) continue;
    std::optional<git_oid> target = git::reference_target(repo, id.ref());
    if (!target) continue;  // removed meanwhile
    out.push_back(read_entry(repo, id, *target, false));
  }
  return out;
}

CheckpointEntry inspect_checkpoint(const git::Repository& repo, const CheckpointId& id) {
  std::optional<git_oid> target = git::reference_target(repo, id.ref());
  if (!target)
    throw Error(ErrorKind::usage, "no checkpoint " + id.text() + " (no ref " + id.ref() + ")",
                "`autofix-gate checkpoints list` prints the checkpoints there are");
  return read_entry(repo, id, *target, true);
}

CheckpointRestore restore_checkpoint(const git::Repository& repo, const CheckpointId& id, const std::string& command_line,
                                     const MessageSink& say) {
  RepositoryLock lock = lock_repository(repo, command_line, say);
  repo.require_idle();
  CheckpointEntry e = inspect_checkpoint(repo, id);
  if (!e.valid())
    throw Error(ErrorKind::verification, "checkpoint " + id.text() + " is not valid: " + e.problems.front(),
                "nothing was changed; `autofix-gate checkpoints validate " + id.text() + "` lists what is wrong");
  const CheckpointManifest& m = *e.manifest;
  const git_oid target = git::from_hex(m.tree);
  Operation op = Operation::begin(repo, std::move(lock), "checkpoint-restore",
                                  "before restoring checkpoint " + id.text(), say, m.excluded);
  CheckpointRestore out;
  out.snapshot_id = op.snapshot().manifest.id;
  const git_oid now = op.snapshot().manifest.worktree_tree;
  op.gate_change_starting();
  out.paths = move_worktree(repo, now, target);
  const git_oid after = worktree_tree_now(repo, m.excluded);
  op.gate_changed(now, after);
  if (!git::equal(after, target))
    // The Operation puts the snapshot back as this unwinds.
    throw Error(ErrorKind::verification,
                "the work tree after restoring checkpoint " + id.text() + " is tree " + git::to_hex(after) +
                    ", not the checkpoint's " + m.tree,
                "the work tree was put back as it was (snapshot " + out.snapshot_id + ")");
  op.finish();
  return out;
}

std::vector<std::string> cleanup_checkpoints(const git::Repository& repo, std::optional<std::size_t> keep,
                                             std::optional<std::chrono::system_clock::duration> older_than,
                                             bool dry_run, const std::string& command_line, const MessageSink& say) {
  if (!keep && !older_than)
    throw Error(ErrorKind::usage, "cleanup needs --keep N, --older-than DAYS, or both",
                "`--keep 10` keeps the ten newest checkpoints; `--older-than 7` removes those older than a week");
  RepositoryLock lock = lock_repository(repo, command_line, say);
  std::vector<CheckpointAge> ages;
  for (const CheckpointEntry& e : list_checkpoints(repo, std::nullopt)) {
    // When it was made: its manifest says; else its batch's id does (the time the batch's snapshot was taken).
    std::optional<SystemTime> created;
    if (e.manifest) try {
        created = parse_iso8601_utc(e.manifest->created);
      } catch (const Error&) {
      }
    if (!created) created = time_of_snapshot_id(e.id.batch_id);
    ages.push_back({e.id.text(), created.value_or(SystemTime{})});
  }
  std::vector<std::string> removed = checkpoints_to_remove(std::move(ages), keep, older_than, std::chrono::system_clock::now());
  if (!dry_run)
    for (const std::string& id : removed) git::remove_reference_if_any(repo, parse_checkpoint_id(id).ref());
  return removed;
}

nlohmann::json checkpoint_json(const CheckpointEntry& e) {
  nlohmann::json j = {{"id", e.id.text()},
                      {"ref", e.id.ref()},
                      {"commit", e.commit ? nlohmann::json(*e.commit) : nlohmann::json(nullptr)},
                      {"valid", e.valid()},
                      {"problems", e.problems}};
  if (!e.manifest) {
    j["manifest"] = nullptr;
    return j;
  }
  const CheckpointManifest& m = *e.manifest;
  j["manifest"] = {{"batch_id", m.id.batch_id},
                   {"number", m.id.number},
                   {"fixes", m.fixes},
                   {"step", m.step},
                   {"tests", {{"run", m.tests.run}, {"passed", m.tests.passed}, {"failed", m.tests.failed}, {"fixed", m.tests.fixed}}},
                   {"created", m.created},
                   {"tree", m.tree},
                   {"excluded", m.excluded},
                   {"state_hash", m.state_hash}};
  return j;
}

std::string checkpoint_line(const CheckpointEntry& e) {
  std::string line = e.id.text() + "  ";
  if (e.manifest)
    line += joined(e.manifest->fixes) + "  step " + std::to_string(e.manifest->step) + ", " +
            std::to_string(e.manifest->tests.passed) + "/" + std::to_string(e.manifest->tests.run) + " tests passed  " +
            e.manifest->created;
  if (!e.valid()) line += (e.manifest ? "  " : "") + std::string("INVALID: ") + e.problems.front();
  return line;
}

}  // namespace autofix
