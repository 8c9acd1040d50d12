// SPDX-License-Identifier: MIT
#include "gate/run/retention.h"

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "gate/git/reference.h"
#include "gate/policy/checkpoint_manifest.h"
#include "gate/snapshot/restore.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/state/baseline.h"
#include "gate/state/batch_record.h"
#include "gate/state/operation.h"
#include "gate/state/state_hooks.h"
#include "gate/util/error.h"
#include "gate/util/trace.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

using Days = std::chrono::duration<std::int64_t, std::ratio<86400>>;

// The refs under `prefix` named by a snapshot id, with the time their id starts with; others are left alone.
std::vector<Retained> refs_by_time(const git::Repository& repo, const std::string& prefix) {
  std::vector<Retained> out;
  for (std::string& id : git::reference_names_under(repo, prefix))
    if (std::optional<SystemTime> t = time_of_snapshot_id(id)) out.push_back({std::move(id), *t});
  return out;
}

std::size_t drop_refs(const git::Repository& repo, const std::string& prefix, const RetentionConfig& rule,
                      SystemTime now, const std::set<std::string>& pinned) {
  std::vector<std::string> drop = names_to_drop(refs_by_time(repo, prefix), rule.snapshots, Days(rule.snapshot_days),
                                                rule.snapshots_at_most, now, pinned);
  for (const std::string& id : drop) git::remove_reference_if_any(repo, prefix + id);
  return drop.size();
}

// Stored baselines by when they were last written or used (their file's time).
std::size_t drop_baselines(const git::Repository& repo, const RetentionConfig& rule,
                           const std::optional<std::string>& in_use) {
  const BaselineCache cache(repo.state_dir());
  const fs::path dir = cache.path_for("x").parent_path();
  std::error_code ec;
  if (in_use) fs::last_write_time(cache.path_for(*in_use), fs::file_time_type::clock::now(), ec);  // just used
  std::vector<Retained> stored;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return 0;
    throw Error(ErrorKind::io, "cannot list the stored baselines in '" + dir.string() + "': " + ec.message());
  }
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorKind::io, "cannot list the stored baselines in '" + dir.string() + "': " + ec.message());
    const fs::path& p = it->path();
    if (p.extension() != ".json") continue;  // a writer's temporary is left to it
    std::error_code time_ec;
    fs::file_time_type t = it->last_write_time(time_ec);
    if (time_ec) continue;  // gone meanwhile
    stored.push_back({p.stem().string(), fs::file_time_type::clock::to_sys(t)});
  }
  std::set<std::string> pinned;
  if (in_use) pinned.insert(*in_use);
  std::vector<std::string> drop =
      names_to_drop(std::move(stored), rule.baselines, {}, rule.baselines, std::chrono::system_clock::now(), pinned);
  for (const std::string& key : drop) {
    std::error_code rm;
    fs::remove(cache.path_for(key), rm);
    if (rm) throw Error(ErrorKind::io, "cannot remove the stored baseline '" + cache.path_for(key).string() + "': " + rm.message());
  }
  return drop.size();
}

// Batch records by the time in their id (a snapshot id), as snapshots are kept.
std::size_t drop_batch_records(const git::Repository& repo, const RetentionConfig& rule, SystemTime now,
                               const std::set<std::string>& pinned) {
  const BatchRecordStore store(repo.state_dir());
  std::vector<Retained> records;
  for (std::string& id : store.all())
    if (std::optional<SystemTime> t = time_of_snapshot_id(id)) records.push_back({std::move(id), *t});
  std::vector<std::string> drop =
      names_to_drop(std::move(records), rule.snapshots, Days(rule.snapshot_days), rule.snapshots_at_most, now, pinned);
  for (const std::string& id : drop) store.remove(id);
  return drop.size();
}

// A batch's checkpoints (refs/autofix/checkpoints/<batch id>/<n>) all go together, by the batch id's time.
std::size_t drop_checkpoint_batches(const git::Repository& repo, const RetentionConfig& rule, SystemTime now,
                                    const std::set<std::string>& pinned) {
  std::map<std::string, std::vector<std::string>> refs_of_batch;
  for (const std::string& name : git::reference_names_under(repo, kCheckpointRefPrefix))
    if (std::size_t slash = name.find('/'); slash != std::string::npos)
      refs_of_batch[name.substr(0, slash)].push_back(std::string(kCheckpointRefPrefix) + name);
  std::vector<Retained> batches;
  for (const auto& [id, refs] : refs_of_batch)
    if (std::optional<SystemTime> t = time_of_snapshot_id(id)) batches.push_back({id, *t});
  std::vector<std::string> drop =
      names_to_drop(std::move(batches), rule.snapshots, Days(rule.snapshot_days), rule.snapshots_at_most, now, pinned);
  for (const std::string& id : drop)
    for (const std::string& ref : refs_of_batch[id]) git::remove_reference_if_any(repo, ref);
  return drop.size();
}

// The saved state of snapshots that are gone (.git/autofix/state/<id>/, docs/state-hooks.md): it is kept
// exactly as long as its snapshot, never the pinned ones'.
std::size_t drop_orphan_state(const git::Repository& repo, const std::set<std::string>& pinned) {
  const fs::path dir = state_hooks_dir(repo.state_dir(), "x").parent_path();
  std::error_code ec;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return 0;
    throw Error(ErrorKind::io, "cannot list the saved state in '" + dir.string() + "': " + ec.message());
  }
  std::set<std::string> kept(pinned);
  for (std::string& id : git::reference_names_under(repo, snapshot::kSnapshotRefPrefix)) kept.insert(std::move(id));
  std::vector<fs::path> orphans;
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorKind::io, "cannot list the saved state in '" + dir.string() + "': " + ec.message());
    if (!kept.contains(it->path().filename().string())) orphans.push_back(it->path());
  }
  for (const fs::path& p : orphans) {
    fs::remove_all(p, ec);
    if (ec) throw Error(ErrorKind::io, "cannot remove the saved state '" + p.string() + "': " + ec.message());
  }
  return orphans.size();
}

}  // namespace

RetentionOutcome apply_retention(const git::Repository& repo, const RetentionConfig& rule,
                                 const std::optional<std::string>& snapshot_in_use,
                                 const std::optional<std::string>& baseline_in_use,
                                 const std::optional<std::string>& batch_in_use) {
  RetentionOutcome out;
  if (!rule.enabled) return out;
  TraceScope trace("retention");
  // What `recover` would restore stays, whatever its age.
  std::set<std::string> pinned;
  if (snapshot_in_use) pinned.insert(*snapshot_in_use);
  if (std::optional<JournalEntry> e = journal_for(repo).read(); e && e->snapshot) pinned.insert(*e->snapshot);
  const SystemTime now = std::chrono::system_clock::now();
  out.snapshots = drop_refs(repo, snapshot::kSnapshotRefPrefix, rule, now, pinned);
  out.discarded = drop_refs(repo, snapshot::kDiscardedRefPrefix, rule, now, pinned);
  out.saved_state = drop_orphan_state(repo, pinned);
  out.baselines = drop_baselines(repo, rule, baseline_in_use);
  std::set<std::string> batches;
  if (batch_in_use) batches.insert(*batch_in_use);
  out.batch_records = drop_batch_records(repo, rule, now, batches);
  out.checkpoint_batches = drop_checkpoint_batches(repo, rule, now, batches);
  return out;
}

}  // namespace autofix
