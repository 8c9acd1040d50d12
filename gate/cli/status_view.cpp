// SPDX-License-Identifier: MIT
#include "gate/cli/status_view.h"

#include <sstream>

#include "gate/git/handles.h"
#include "gate/util/byte_names.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

std::string head_text(const snapshot::HeadState& h) {
  std::string oid = h.oid ? git::to_hex(*h.oid).substr(0, 12) : "";
  switch (h.kind) {
    case snapshot::HeadState::Kind::branch: return h.ref + " at " + oid;
    case snapshot::HeadState::Kind::detached: return "detached at " + oid;
    case snapshot::HeadState::Kind::unborn: return h.ref + " (no commits yet)";
  }
  return "";
}

json journal_json(const JournalEntry& e) {
  return {{"operation", e.operation},
          {"snapshot", e.snapshot ? json(*e.snapshot) : json(nullptr)},
          {"pid", e.pid},
          {"process_group", e.process_group ? json(*e.process_group) : json(nullptr)},
          {"started", e.started},
          {"phase", e.phase}};
}

// File names for JSON: exact when they are UTF-8, else quoted as git shows them.
json names(const std::vector<std::string>& paths) {
  json out = json::array();
  for (const std::string& p : paths) out.push_back(utf8_name(p));
  return out;
}

}  // namespace

json snapshot_summary_json(const snapshot::Manifest& m) {
  return {{"id", m.id},
          {"created", m.created},
          {"message", utf8_name(m.message)},
          {"head", {{"kind", to_string(m.head.kind)}, {"ref", utf8_name(m.head.ref)},
                    {"oid", m.head.oid ? json(git::to_hex(*m.head.oid)) : json(nullptr)}}},
          {"files", m.scan.stats.files},
          {"changed_files", m.scan.changes.size()},
          {"untracked_files", m.scan.stats.untracked_files}};
}

json resumable_batches_json(const std::vector<ResumableBatch>& batches) {
  json out = json::array();
  for (const ResumableBatch& b : batches)
    out.push_back({{"id", b.id}, {"started", b.started}, {"source", utf8_name(b.source)}, {"fixes", b.fixes},
                   {"steps_done", b.steps_done}, {"resume_command", "autofix-gate batch --resume " + b.id}});
  return out;
}

json status_json(const StatusModel& s) {
  json snapshots = json::array();
  for (const auto& m : s.snapshots) snapshots.push_back(snapshot_summary_json(m));
  json lock = nullptr;
  if (s.lock) lock = {{"pid", s.lock->pid}, {"started", s.lock->started}, {"command", utf8_name(s.lock->command)}};
  return {{"workdir", utf8_name(s.workdir)},
          {"lock", lock},
          {"unfinished_operation", s.unfinished ? journal_json(*s.unfinished) : json(nullptr)},
          {"git_operation_in_progress", s.git_operation ? json(*s.git_operation) : json(nullptr)},
          {"snapshots", snapshots},
          {"resumable_batches", resumable_batches_json(s.resumable_batches)}};
}

std::string snapshot_list_text(const std::vector<snapshot::Manifest>& snapshots) {
  if (snapshots.empty()) return "no snapshots\n";
  std::ostringstream out;
  for (const auto& m : snapshots) {
    out << m.id << "  " << m.created << "  " << head_text(m.head) << "  " << m.scan.stats.files << " files, "
        << m.scan.changes.size() << " changed";
    if (!m.message.empty()) out << "  \"" << m.message << "\"";
    out << "\n";
  }
  return out.str();
}

std::string status_text(const StatusModel& s) {
  std::ostringstream out;
  out << "repository: " << s.workdir << "\n";
  if (s.lock)
    out << "lock:       held by pid " << s.lock->pid << " since " << s.lock->started << " (" << s.lock->command << ")\n";
  else
    out << "lock:       free\n";
  if (s.unfinished) {
    out << "journal:    UNFINISHED " << s.unfinished->operation << " (pid " << s.unfinished->pid << ", phase '"
        << s.unfinished->phase << "', started " << s.unfinished->started << ")";
    if (s.unfinished->snapshot) out << ", snapshot " << *s.unfinished->snapshot;
    out << "\n            run `autofix-gate recover` to restore the tree\n";
  } else {
    out << "journal:    clean\n";
  }
  if (s.git_operation) out << "git:        a " << *s.git_operation << " is in progress\n";
  if (!s.resumable_batches.empty()) {
    out << "batches:    " << s.resumable_batches.size() << " interrupted, can be resumed\n";
    for (const ResumableBatch& b : s.resumable_batches)
      out << "  " << b.id << "  started " << b.started << "  " << b.steps_done << " step(s) done, " << b.fixes
          << " fix(es) from " << b.source << "\n    continue with: autofix-gate batch --resume " << b.id << "\n";
  }
  out << "snapshots:  " << s.snapshots.size() << "\n";
  std::string list = snapshot_list_text(s.snapshots);
  if (!s.snapshots.empty()) {
    std::istringstream lines(list);
    for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
  }
  return out.str();
}

json restore_json(const std::string& id, const snapshot::RestoreReport& r) {
  json set_aside = json::array();
  for (const auto& [what, where] : r.set_aside) set_aside.push_back({{"path", utf8_name(what)}, {"moved_to", utf8_name(where)}});
  return {{"snapshot", id},
          {"written", names(r.written)},
          {"removed", names(r.removed)},
          {"directories_removed", names(r.directories_removed)},
          {"directories_created", names(r.directories_created)},
          {"index_rewritten", r.index_rewritten},
          {"head_moved", r.head_moved},
          {"discarded", r.discarded_commit ? json(std::string(snapshot::kDiscardedRefPrefix) + id) : json(nullptr)},
          {"set_aside", set_aside},
          {"permissions", names(r.permissions)},
          {"git_metadata", names(r.git_metadata)},
          {"lost_refs", names(r.lost_refs)},
          {"verified", true}};
}

std::string restore_text(const std::string& id, const snapshot::RestoreReport& r) {
  std::ostringstream out;
  if (!r.changed_anything()) {
    out << "work tree already matches snapshot " << id << " (verified)\n";
    return out.str();
  }
  out << "restored snapshot " << id << " (verified): " << r.written.size() << " file(s) written, " << r.removed.size()
      << " removed";
  if (!r.directories_removed.empty()) out << ", " << r.directories_removed.size() << " directorie(s) removed";
  if (r.index_rewritten) out << ", index restored";
  if (r.head_moved) out << ", HEAD restored";
  if (!r.permissions.empty()) out << ", permissions of " << r.permissions.size() << " path(s) restored";
  out << "\n";
  for (const std::string& g : r.git_metadata) out << "restored " << g << "\n";
  for (const auto& [what, where] : r.set_aside)
    out << "moved the repository '" << what << "', created after the snapshot, aside to '" << where << "'\n";
  for (const std::string& l : r.lost_refs) out << "could not restore " << l << "\n";
  if (r.discarded_commit)
    out << "the discarded work tree is kept as " << snapshot::kDiscardedRefPrefix << id << "\n";
  return out.str();
}

}  // namespace autofix::reporters
