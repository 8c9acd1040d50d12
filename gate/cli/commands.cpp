// SPDX-License-Identifier: MIT
#include "gate/cli/commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <iostream>
#include <limits>

#include "gate/results/report_reader.h"
#include "gate/run/attempt.h"
#include "gate/run/batch.h"
#include "gate/run/checkpoints.h"
#include "gate/run/health.h"
#include "gate/run/breaker.h"
#include "gate/run/history.h"
#include "gate/run/plan.h"
#include "gate/run/report_files.h"
#include "gate/run/shard.h"
#include "gate/run/rollback.h"
#include "gate/run/verify.h"
#include "gate/run/versions.h"
#include "gate/git/reference.h"
#include "gate/git/repository.h"
#include "gate/policy/retention.h"
#include "gate/state/batch_record.h"
#include "gate/state/journal.h"
#include "gate/state/lock.h"
#include "gate/state/operation.h"
#include "gate/state/state_hooks.h"
#include "gate/snapshot/snapshot_store.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "gate/util/spelling.h"
#include "gate/util/trace.h"
#include "gate/util/build_info.h"
#include "gate/util/byte_names.h"
#include "gate/util/shell_words.h"
#include "reporters/attempt_report.h"
#include "reporters/batch_report.h"
#include "reporters/history_json.h"
#include "reporters/history_table.h"
#include "reporters/health_report.h"
#include "reporters/progress.h"
#include "reporters/rollback_report.h"
#include "gate/cli/status_view.h"
#include "gate/cli/versions_view.h"
#include "runners/stray_processes.h"

namespace autofix::cli {

namespace {

constexpr const char* kProgram = "autofix-gate";

struct Options {
  std::string dir = ".";
  bool json = false;
  bool no_state = false;  // snapshot, restore: leave the state hooks out
  std::string message;
  std::string snapshot_id;
  std::optional<size_t> keep;
  std::optional<double> older_than_days;
  std::vector<std::string> command;  // argv, word by word
  std::string command_line;          // the same as a shell takes it back
  AttemptOptions attempt;
  std::string on_accept = "branch";
  unsigned timeout_s = 600;
  std::optional<std::string> source_dir;
  std::optional<std::string> build_dir;
  std::optional<std::string> report_dir;
  std::optional<std::string> patch;
  std::optional<std::string> config;
  std::optional<int> flaky_reruns;
  std::optional<unsigned> test_timeout_s;
  std::optional<std::string> base;
  std::optional<std::string> head;
  std::optional<std::string> shard;
  std::optional<std::string> durations;
  std::vector<std::string> partials;
  std::string out_dir;
  std::string report_file;
  bool last_report = false;
  bool version_json = false;  // --version --json  // plan --last (the default when no report is named)
  std::string tier;
  std::optional<std::string> batch_file;
  std::optional<std::string> patch_dir;
  std::optional<std::string> strategy;
  size_t checkpoint_every = 3;
  std::optional<std::string> checkpoint_batch;  // checkpoints list --batch
  std::optional<std::string> checkpoint_id;     // checkpoints validate [ID]
  bool cleanup_dry_run = false;
  std::optional<std::string> resume;
  struct Rollback {
    std::string to;
    std::string level = "autofix";
    std::string strategy = "revert";
    std::vector<std::string> paths;
    std::string reason;
    bool dry_run = false;
    bool no_verify = false;
    bool force = false;
  } rollback;
  struct Health {
    std::string since = "24h";
    bool revert = false;
  } health;
  // history
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::optional<std::string> verdict;
  std::optional<std::string> history_command;
  std::size_t limit = 20;
  bool csv = false;
  std::string history_id;
  std::string export_format;
  std::string export_out;
  std::string remote = "origin";
  // breaker
  std::string breaker_key;
  bool breaker_all = false;
  std::string breaker_reason;
  // Set by a command whose outcome was committed (an accepted fix's branch written): a signal arriving
  // later does not turn its exit code into 128+N.
  bool outcome_committed = false;
};

void say(const std::string& message) { std::cerr << kProgram << ": " << message << "\n"; }

// Names that are not UTF-8 are quoted by the reporters; anything else odd is replaced, never a crash.
void print_json(const nlohmann::json& j) { std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n"; }

// The snapshot an unfinished operation depends on: never dropped or pruned.
std::optional<std::string> protected_snapshot(const git::Repository& repo) {
  std::optional<JournalEntry> e = journal_for(repo).read();
  return e ? e->snapshot : std::nullopt;
}

void drop_snapshot(const git::Repository& repo, const std::string& id) {
  if (protected_snapshot(repo) == id)
    throw Error(ErrorKind::busy, "snapshot " + id + " belongs to an unfinished operation",
                "run `autofix-gate recover` first");
  snapshot::SnapshotStore(repo).drop(id);
  git::remove_reference_if_any(repo, std::string(snapshot::kDiscardedRefPrefix) + id);
  StateHooks(repo.workdir(), state_hooks_dir(repo.state_dir(), id), {}).remove(say);  // its saved state goes with it
}

GateConfig effective_config_of(Options& o, const git::Repository& repo);

int cmd_snapshot(Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  RepositoryLock lock = lock_repository(repo, o.command_line, say);
  repo.require_idle();
  std::vector<StateHookSpec> hooks;
  if (!o.no_state) {
    try {
      hooks = effective_config_of(o, repo).state;
    } catch (const Error& e) {
      if (o.config) throw;
      // A snapshot protects the tree first: one taken before a broken configuration is fixed must not fail.
      say(std::string("warning: the snapshot holds the tree only: cannot read the configuration for its state hooks: ") +
          e.what());
    }
  }
  snapshot::StoredSnapshot s = snapshot::SnapshotStore(repo).create(o.message);
  if (!hooks.empty()) {
    // The state hooks' saves (docs/state-hooks.md), kept with the snapshot for `restore ID`. A save that
    // fails: the snapshot is dropped again, nothing is kept.
    StateHooks state(repo.workdir(), state_hooks_dir(repo.state_dir(), s.manifest.id), hooks);
    StateHookEvents events;
    events.say = say;
    try {
      state.save_all(events);
    } catch (const Error&) {
      state.remove(say);
      snapshot::SnapshotStore(repo).drop(s.manifest.id);
      throw;
    }
  }
  if (o.json) {
    nlohmann::json j = snapshot::to_json(s.manifest);
    j["commit"] = git::to_hex(s.commit);
    j["ref"] = snapshot::SnapshotStore::ref_name(s.manifest.id);
    print_json(j);
  } else {
    std::cout << s.manifest.id << "\n";
  }
  return exit_code::ok;
}

int cmd_restore(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  snapshot::RestoreReport report = restore_under_journal(repo, o.snapshot_id, o.command_line, say, !o.no_state);
  if (o.json) print_json(reporters::restore_json(o.snapshot_id, report));
  else std::cout << reporters::restore_text(o.snapshot_id, report);
  return exit_code::ok;
}

// The batches that began and did not end, for `status` and `recover`. A record that cannot be read is
// listed with what is wrong in place of its source (resume will say the same).
std::vector<reporters::ResumableBatch> resumable_batches(const git::Repository& repo) {
  BatchRecordStore store(repo.state_dir());
  std::vector<reporters::ResumableBatch> out;
  for (const std::string& id : store.unfinished()) {
    reporters::ResumableBatch b{.id = id, .started = "", .source = "", .fixes = 0, .steps_done = 0};
    try {
      BatchRecord record = store.read(id);
      b.started = record.started;
      b.source = record.source;
      b.fixes = record.fixes.size();
      b.steps_done = store.read_steps(id).steps.size();
    } catch (const Error& e) {
      b.source = std::string("(unreadable record: ") + e.what() + ")";
    }
    out.push_back(std::move(b));
  }
  return out;
}

int cmd_recover(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  Recovery r = recover(repo, o.command_line, say);
  if (o.json) {
    nlohmann::json j = {{"recovered", r.unfinished.has_value()},
                        {"ended_processes", r.ended_processes},
                        {"temporaries_removed", r.temporaries_removed}};
    if (r.unfinished) j["operation"] = r.unfinished->operation;
    nlohmann::json outside = nlohmann::json::array();
    for (const OutsideChange& c : r.outside)
      outside.push_back({{"path", utf8_name(c.path)}, {"change", to_string(c.change)}, {"action", to_string(c.action)}});
    j["outside_changes"] = outside;
    j["kept_ref"] = r.kept_ref ? nlohmann::json(*r.kept_ref) : nlohmann::json(nullptr);
    if (r.restore) j["restore"] = reporters::restore_json(*r.unfinished->snapshot, *r.restore);
    j["resumable_batches"] = reporters::resumable_batches_json(resumable_batches(repo));
    print_json(j);
  } else if (!r.unfinished) {
    std::cout << "nothing to recover: no unfinished operation\n";
  } else if (r.restore) {
    std::cout << "recovered the interrupted '" << r.unfinished->operation << "': "
              << reporters::restore_text(*r.unfinished->snapshot, *r.restore);
  } else {
    std::cout << "recovered the interrupted '" << r.unfinished->operation
              << "': it had not changed the tree yet (no snapshot was taken)\n";
  }
  if (!o.json)
    for (const reporters::ResumableBatch& b : resumable_batches(repo))
      std::cout << "continue the batch with: autofix-gate batch --resume " << b.id << "\n";
  return exit_code::ok;
}

int cmd_status(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  reporters::StatusModel s;
  s.workdir = repo.workdir().string();
  s.lock = RepositoryLock::holder(repo.state_dir());
  s.unfinished = journal_for(repo).read();
  s.git_operation = repo.operation_in_progress();
  for (auto& stored : snapshot::SnapshotStore(repo).list()) s.snapshots.push_back(std::move(stored.manifest));
  s.resumable_batches = resumable_batches(repo);
  if (o.json) print_json(reporters::status_json(s));
  else std::cout << reporters::status_text(s);
  return exit_code::ok;
}

int cmd_snapshots_list(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<snapshot::Manifest> manifests;
  for (auto& stored : snapshot::SnapshotStore(repo).list()) manifests.push_back(std::move(stored.manifest));
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& m : manifests) j.push_back(reporters::snapshot_summary_json(m));
    print_json(j);
  } else {
    std::cout << reporters::snapshot_list_text(manifests);
  }
  return exit_code::ok;
}

int cmd_snapshots_drop(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  RepositoryLock lock = lock_repository(repo, o.command_line, say);
  drop_snapshot(repo, o.snapshot_id);
  std::cout << "dropped snapshot " << o.snapshot_id << "\n";
  return exit_code::ok;
}

int cmd_snapshots_prune(const Options& o) {
  if (!o.keep && !o.older_than_days)
    throw Error(ErrorKind::usage, "prune needs --keep N, --older-than DAYS, or both",
                "`--keep 10` keeps the ten newest; `--older-than 7` drops those older than a week");
  git::Repository repo = git::Repository::open(o.dir);
  RepositoryLock lock = lock_repository(repo, o.command_line, say);
  std::vector<snapshot::StoredSnapshot> all = snapshot::SnapshotStore(repo).list();  // oldest first
  // The rule automatic retention uses (gate/policy/retention.h): beyond the newest N and older than DAYS.
  std::vector<Retained> items;
  for (const snapshot::StoredSnapshot& s : all)
    items.push_back({s.manifest.id, SystemTime(std::chrono::duration_cast<SystemTime::duration>(
                                        std::chrono::nanoseconds(s.manifest.created_ns)))});
  const auto days = std::chrono::duration<double, std::ratio<86400>>(o.older_than_days.value_or(0));
  const std::vector<std::string> drop =
      names_to_drop(std::move(items), o.keep.value_or(0),
                    o.older_than_days ? std::chrono::duration_cast<std::chrono::system_clock::duration>(days)
                                      : std::chrono::system_clock::duration::zero(),
                    std::numeric_limits<size_t>::max(), std::chrono::system_clock::now(), {});
  size_t dropped = 0;
  for (const std::string& id : drop) {
    if (protected_snapshot(repo) == id) {
      say("kept snapshot " + id + ": an unfinished operation needs it");
      continue;
    }
    drop_snapshot(repo, id);
    ++dropped;
    if (!o.json) std::cout << "dropped snapshot " << id << "\n";
  }
  if (o.json) print_json({{"dropped", dropped}, {"kept", all.size() - dropped}});
  else std::cout << "pruned " << dropped << " snapshot(s), " << all.size() - dropped << " kept\n";
  return exit_code::ok;
}

int cmd_checkpoints_list(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<CheckpointEntry> entries = list_checkpoints(repo, o.checkpoint_batch);
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const CheckpointEntry& e : entries) j.push_back(checkpoint_json(e));
    print_json(j);
  } else if (entries.empty()) {
    std::cout << "no checkpoints" << (o.checkpoint_batch ? " of batch " + *o.checkpoint_batch : std::string()) << "\n";
  } else {
    for (const CheckpointEntry& e : entries) std::cout << checkpoint_line(e) << "\n";
  }
  return exit_code::ok;
}

void warn_damaged(const std::vector<std::string>& damaged) {
  for (const std::string& d : damaged)
    say(d.starts_with("refs/") ? "warning: cannot read the history, left out: " + d
                               : "warning: skipped a damaged history record " + d);
}

nlohmann::ordered_json history_json_array(const std::vector<HistoryRecord>& records) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const HistoryRecord& r : records) j.push_back(reporters::history_record_json(r));
  return j;
}

void print_ordered_json(const nlohmann::ordered_json& j) {
  std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

int cmd_history_list(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  const SystemTime now = std::chrono::system_clock::now();
  HistoryFilter filter;
  if (o.since) filter.since = parse_history_time(*o.since, now, "--since");
  if (o.until) filter.until = parse_history_time(*o.until, now, "--until");
  filter.verdict = o.verdict;
  filter.command = o.history_command;
  filter.limit = o.limit;
  HistoryListing listing = list_history(repo, filter);
  warn_damaged(listing.damaged);
  if (o.json) {
    print_ordered_json(history_json_array(listing.records));
  } else if (o.csv) {
    std::cout << reporters::history_csv_header();
    for (const HistoryRecord& r : listing.records) std::cout << reporters::history_csv_row(r);
  } else if (listing.records.empty()) {
    std::cout << "no history records" << (filter.since || filter.until || filter.verdict || filter.command ? " match" : "")
              << "\n";
  } else {
    for (const HistoryRecord& r : listing.records) std::cout << reporters::history_line(r) << "\n";
  }
  return exit_code::ok;
}

int cmd_history_show(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<std::string> damaged;
  std::optional<HistoryRecord> r = find_history(repo, o.history_id, damaged);
  warn_damaged(damaged);
  if (!r)
    throw Error(ErrorKind::usage, "no history record " + o.history_id + (damaged.empty() ? "" : " that can be read"),
                "`autofix-gate history` lists the records");
  if (o.json) print_ordered_json(reporters::history_record_json(*r));
  else std::cout << reporters::history_details(*r);
  return exit_code::ok;
}

int cmd_history_export(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  const HistoryExportFormat format = o.export_format == "csv" ? HistoryExportFormat::csv : HistoryExportFormat::jsonl;
  HistoryListing listing = export_history(repo, format, o.export_out);
  warn_damaged(listing.damaged);
  std::cout << "exported " << listing.records.size() << " history record(s) to " << o.export_out << "\n";
  return exit_code::ok;
}

int cmd_history_stats(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  const SystemTime now = std::chrono::system_clock::now();
  HistoryFilter filter;
  if (o.since) filter.since = parse_history_time(*o.since, now, "--since");
  if (o.until) filter.until = parse_history_time(*o.until, now, "--until");
  std::vector<std::string> damaged;
  HistoryStats stats = stats_of_history(repo, filter, damaged);
  warn_damaged(damaged);
  if (o.json) print_ordered_json(history_stats_json(stats));
  else std::cout << history_stats_text(stats);
  return exit_code::ok;
}

BreakerConfig breaker_config(Options& o, const git::Repository& repo);

int cmd_history_html(Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  const SystemTime now = std::chrono::system_clock::now();
  HistoryFilter filter;
  if (o.since) filter.since = parse_history_time(*o.since, now, "--since");
  if (o.until) filter.until = parse_history_time(*o.until, now, "--until");
  HistoryDashboard dashboard = dashboard_of_history(repo, filter, breaker_config(o, repo), now);
  warn_damaged(dashboard.damaged);
  write_history_html(dashboard, o.export_out);
  std::cout << "wrote the dashboard of " << dashboard.records << " history record(s) to " << o.export_out << "\n";
  return exit_code::ok;
}

int cmd_history_sync(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  git::LogSync s = sync_history(repo, o.remote);
  for (const std::string& c : s.conflicts)
    say("warning: " + c + " differs between this history and " + o.remote + "'s; this one's was kept");
  std::cout << "history synced with " << o.remote << ": "
            << (!s.fetched ? std::string("it had none")
                           : s.merge.commit ? (s.merge.fast_forward ? "took its new records" : "merged its records")
                                            : "nothing new from it")
            << ", " << (s.pushed ? "pushed" : "nothing to push")
            << (s.rejected_pushes ? " (after " + std::to_string(s.rejected_pushes) + " rejected push(es))" : "") << "\n";
  return exit_code::ok;
}

void print_problems(const CheckpointEntry& e) {
  for (const std::string& p : e.problems) std::cout << "checkpoint " << e.id.text() << ": " << p << "\n";
}

int cmd_checkpoints_show(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  CheckpointEntry e = inspect_checkpoint(repo, parse_checkpoint_id(o.snapshot_id));
  if (o.json) {
    print_json(checkpoint_json(e));
  } else {
    std::cout << "checkpoint " << e.id.text() << "\nref: " << e.id.ref() << "\ncommit: " << e.commit.value_or("?") << "\n";
    if (const std::optional<CheckpointManifest>& m = e.manifest) {
      std::string fixes;
      for (const std::string& f : m->fixes) fixes += (fixes.empty() ? "" : ", ") + f;
      std::cout << "fixes: " << (fixes.empty() ? "(none)" : fixes) << "\nverified by step " << m->step << ": "
                << m->tests.passed << " of " << m->tests.run << " tests passed, " << m->tests.failed << " failed, "
                << m->tests.fixed << " fixed\ncreated: " << m->created << "\ntree: " << m->tree
                << "\nstate hash: " << m->state_hash << "\n";
    }
    std::cout << (e.valid() ? "valid\n" : "INVALID\n");
    print_problems(e);
  }
  return e.valid() ? exit_code::ok : exit_code::rejected;
}

int cmd_checkpoints_validate(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<CheckpointEntry> entries;
  if (o.checkpoint_id) {
    entries.push_back(inspect_checkpoint(repo, parse_checkpoint_id(*o.checkpoint_id)));
  } else {
    for (const CheckpointEntry& listed : list_checkpoints(repo, std::nullopt))
      entries.push_back(inspect_checkpoint(repo, listed.id));
  }
  size_t invalid = 0;
  for (const CheckpointEntry& e : entries) invalid += e.valid() ? 0 : 1;
  if (o.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const CheckpointEntry& e : entries) j.push_back({{"id", e.id.text()}, {"valid", e.valid()}, {"problems", e.problems}});
    print_json(j);
  } else {
    for (const CheckpointEntry& e : entries)
      if (e.valid()) std::cout << "checkpoint " << e.id.text() << ": valid\n";
      else print_problems(e);
    if (entries.empty()) std::cout << "no checkpoints\n";
    else std::cout << entries.size() - invalid << " of " << entries.size() << " checkpoint(s) valid\n";
  }
  return invalid == 0 ? exit_code::ok : exit_code::rejected;
}

int cmd_checkpoints_restore(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  const CheckpointId id = parse_checkpoint_id(o.snapshot_id);
  CheckpointRestore r = restore_checkpoint(repo, id, o.command_line, say);
  if (o.json) {
    print_json({{"checkpoint", id.text()}, {"snapshot", r.snapshot_id}, {"paths", r.paths}});
  } else {
    std::cout << "restored checkpoint " << id.text() << ": " << r.paths.size() << " path(s) written or removed, verified\n"
              << "your work tree before it is snapshot " << r.snapshot_id << ": `autofix-gate restore " << r.snapshot_id
              << "` undoes this\n";
  }
  return exit_code::ok;
}

int cmd_checkpoints_cleanup(const Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::optional<std::chrono::system_clock::duration> older_than;
  if (o.older_than_days)
    older_than = std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::duration<double, std::ratio<86400>>(*o.older_than_days));
  std::vector<std::string> removed = cleanup_checkpoints(repo, o.keep, older_than, o.cleanup_dry_run, o.command_line, say);
  if (o.json) {
    print_json({{"removed", removed}, {"dry_run", o.cleanup_dry_run}});
  } else {
    for (const std::string& id : removed) std::cout << (o.cleanup_dry_run ? "would remove" : "removed") << " checkpoint " << id << "\n";
    std::cout << (o.cleanup_dry_run ? "would remove " : "removed ") << removed.size() << " checkpoint(s)\n";
  }
  return exit_code::ok;
}

// One key's state for `breaker list` and `breaker show` (docs/breaker.md).
nlohmann::ordered_json breaker_json(const BreakerListing& b) {
  auto time = [](const std::optional<SystemTime>& t) {
    return t ? nlohmann::ordered_json(format_iso8601_utc(*t)) : nlohmann::ordered_json(nullptr);
  };
  return {{"key", b.key},
          {"state", to_string(b.state.status)},
          {"consecutive_rejections", b.state.consecutive_rejections},
          {"opened_at", time(b.state.opened_at)},
          {"half_opens_at", time(b.state.half_opens_at)},
          {"last_signature", b.state.last_signature},
          {"last_event", b.state.last_event_id},
          {"reset_command", breaker_reset_command(b.key)}};
}

std::string breaker_line(const BreakerListing& b) {
  std::string line = std::string(to_string(b.state.status)) + "  " + std::to_string(b.state.consecutive_rejections) +
                     " rejection(s)";
  if (b.state.half_opens_at)
    line += "  opened " + format_iso8601_utc(*b.state.opened_at) + ", half-opens " + format_iso8601_utc(*b.state.half_opens_at);
  return line + "  " + b.key;
}


int cmd_breaker_list(Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<BreakerListing> all = list_breakers(repo, breaker_config(o, repo), std::chrono::system_clock::now());
  if (o.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const BreakerListing& b : all) j.push_back(breaker_json(b));
    print_ordered_json(j);
  } else if (all.empty()) {
    std::cout << "no circuit breakers: no attempt has been recorded with a key yet\n";
  } else {
    for (const BreakerListing& b : all) std::cout << breaker_line(b) << "\n";
  }
  return exit_code::ok;
}

int cmd_breaker_show(Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<std::string> warnings;
  BreakerListing b{o.breaker_key, current_breaker_state(repo, o.breaker_key, breaker_config(o, repo),
                                                        std::chrono::system_clock::now(), &warnings)};
  for (const std::string& w : warnings) say("warning: " + w);
  if (o.json) {
    print_ordered_json(breaker_json(b));
    return exit_code::ok;
  }
  std::cout << "key: " << b.key << "\nstate: " << to_string(b.state.status)
            << "\nconsecutive rejections: " << b.state.consecutive_rejections << "\n";
  if (b.state.opened_at) std::cout << "opened at: " << format_iso8601_utc(*b.state.opened_at) << "\n";
  if (b.state.half_opens_at) std::cout << "half-opens at: " << format_iso8601_utc(*b.state.half_opens_at) << "\n";
  if (!b.state.last_signature.empty()) std::cout << "last failure: " << b.state.last_signature << "\n";
  if (b.state.status != BreakerStatus::closed) std::cout << "reset: " << breaker_reset_command(b.key) << "\n";
  return exit_code::ok;
}

int cmd_breaker_reset(Options& o) {
  if (o.breaker_all == !o.breaker_key.empty())
    throw Error(ErrorKind::usage, "give exactly one of KEY and --all", "`autofix-gate breaker list` shows the keys");
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<std::string> keys;
  if (o.breaker_all) {
    for (const BreakerListing& b : list_breakers(repo, breaker_config(o, repo), std::chrono::system_clock::now()))
      if (b.state.status != BreakerStatus::closed || b.state.consecutive_rejections > 0) keys.push_back(b.key);
  } else {
    keys.push_back(o.breaker_key);
  }
  for (const std::string& key : keys) {
    std::string id = reset_breaker(repo, key, o.breaker_reason, o.command, std::chrono::system_clock::now());
    std::cout << "reset " << key << " (history record " << id << ")\n";
  }
  if (keys.empty()) std::cout << "nothing to reset: every breaker is closed\n";
  return exit_code::ok;
}

AttemptOptions attempt_options(Options& o) {
  AttemptOptions a = o.attempt;
  a.directory = o.dir;
  a.patch_file = o.patch;
  a.on_accept = on_accept_from(o.on_accept);
  a.timeout = std::chrono::seconds(o.timeout_s);
  if (o.source_dir) a.source_dir = *o.source_dir;
  if (o.build_dir) a.build_dir = *o.build_dir;
  if (o.report_dir) a.report_dir = *o.report_dir;
  if (o.config) a.config_file = *o.config;
  a.flaky_reruns = o.flaky_reruns;
  if (o.test_timeout_s) a.test_timeout = std::chrono::seconds(*o.test_timeout_s);
  a.command_line = o.command_line;
  a.command = o.command;
  return a;
}

// The configuration's breaker section, as an attempt here would read it.
BreakerConfig breaker_config(Options& o, const git::Repository& repo) {
  return effective_config(attempt_options(o), repo).breaker;
}

GateConfig effective_config_of(Options& o, const git::Repository& repo) { return effective_config(attempt_options(o), repo); }

void print_verdict(const AttemptResult& r, const std::filesystem::path& report_dir) {
  std::cout << "verdict: " << to_string(r.verdict) << ": " << r.reason << "\n";
  if (r.branch) std::cout << "branch: " << *r.branch << "\n";
  std::cout << "reports: " << report_dir.string() << "\n";
}

int cmd_verify(Options& o) {
  TraceScope trace("verify");
  reporters::Progress progress = reporters::Progress::for_stderr();
  VerifyOptions v;
  v.common = attempt_options(o);
  v.base = o.base;
  v.head = o.head;
  if (o.shard) v.shard = parse_shard(*o.shard);
  if (o.durations) v.durations = *o.durations;
  AttemptOutcome outcome = run_verify(v, progress);
  if (o.json) print_json(reporters::attempt_json(outcome.result));
  else print_verdict(outcome.result, outcome.report_dir);
  return outcome.exit_code;
}

int cmd_rollback(Options& o) {
  TraceScope trace("rollback");
  reporters::Progress progress = reporters::Progress::for_stderr();
  RollbackOptions r;
  r.common = attempt_options(o);
  r.to = o.rollback.to;
  r.level = *kRollbackLevels.parse(o.rollback.level);
  r.strategy = *kRollbackStrategies.parse(o.rollback.strategy);
  r.globs = o.rollback.paths;
  r.reason = o.rollback.reason;
  r.dry_run = o.rollback.dry_run;
  r.verify = !o.rollback.no_verify;
  r.force = o.rollback.force;
  RollbackOutcome outcome = run_rollback(r, progress);
  if (r.dry_run) return outcome.exit_code;
  o.outcome_committed = true;  // the branch moved: a signal now changes nothing of it
  if (o.json) {
    print_json(reporters::rollback_json(outcome.result));
  } else {
    const RollbackResult& res = outcome.result;
    std::cout << "rolled back " << res.branch << " to " << res.to_commit.substr(0, 12) << " (" << to_string(res.level)
              << "): " << res.commits_written.size() << " commit(s), " << res.paths_changed.size()
              << " file(s) changed, HEAD now " << res.head_after.substr(0, 12) << "\n";
    if (res.tests_before && res.tests_before->built)
      std::cout << "tests before the rollback: " << res.tests_before->passed.size() << " passed, "
                << res.tests_before->failed.size() << " failed\n";
    if (res.check)
      std::cout << "check against " << res.to_commit.substr(0, 12) << ": " << res.check->verdict << " (" << res.check->reason
                << ")\n";
    std::cout << "reports: " << outcome.report_dir.string() << "\n";
  }
  if (outcome.exit_code == exit_code::rejected)
    say("the rolled-back branch is LESS GREEN than " + outcome.result.to_commit.substr(0, 12) +
        ": the rollback commits stay; see " + (outcome.report_dir / "rollback-report.md").string());
  return outcome.exit_code;
}

int cmd_health(Options& o) {
  TraceScope trace("health");
  reporters::Progress progress = reporters::Progress::for_stderr();
  HealthOptions h;
  h.common = attempt_options(o);
  h.since = o.health.since;
  h.revert = o.health.revert;
  HealthOutcome outcome = run_health(h, progress);
  if (!outcome.result.rollback_id.empty()) o.outcome_committed = true;  // the reverts landed
  if (o.json) print_json(reporters::health_json(outcome.result));
  else std::cout << reporters::health_text(outcome.result) << "report: " << (outcome.report_dir / "report.json").string() << "\n";
  return outcome.exit_code;
}

int cmd_versions(Options& o) {
  git::Repository repo = git::Repository::open(o.dir);
  std::vector<KnownVersion> versions = read_versions(repo, o.limit);
  if (o.json) print_json(cli::versions_json(versions));
  else std::cout << cli::versions_text(versions);
  return exit_code::ok;
}

int cmd_merge(Options& o) {
  std::vector<std::filesystem::path> partials(o.partials.begin(), o.partials.end());
  AttemptResult merged = merge_partials(partials);
  write_report_files(merged, o.out_dir);
  if (o.json) print_json(reporters::attempt_json(merged));
  else print_verdict(merged, o.out_dir);
  return exit_code_for(merged.verdict);
}

// `ctest -L autofix` runs one CTest test per tier: each reads the verdict test's report.
int cmd_tier_status(Options& o) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(o.report_file, ec)))
    throw Error(ErrorKind::usage, "no report at '" + o.report_file + "'",
                "run the autofix.verdict test (or `autofix-gate verify`) first");
  const AttemptResult report = read_report_file(o.report_file);
  auto tier = std::find_if(report.tiers.begin(), report.tiers.end(), [&](const TierResult& t) { return t.name == o.tier; });
  if (tier == report.tiers.end()) {
    throw Error(ErrorKind::usage, "the report '" + o.report_file + "' has no tier '" + o.tier + "'",
                std::string("the tier may not run in the ") + to_string(report.lane.lane) +
                    " lane, or the configuration changed since the report was written");
  }
  std::cout << "tier " << tier->name << " (" << to_string(tier->kind) << ", " << (tier->required ? "required" : "advisory")
            << "): " << to_string(tier->status) << ": " << tier->reason << "\n";
  for (const Finding& f : tier->findings)
    if (f.state == FindingState::new_)
      std::cout << "  new: " << f.rule << " " << f.file << (f.line ? ":" + std::to_string(f.line) : "") << ": " << f.message
                << "\n";
  bool failed = tier->status == TierStatus::failed || tier->status == TierStatus::error;
  return failed && tier->required ? exit_code::rejected : exit_code::ok;
}

int cmd_plan(Options& o) {
  PlanOptions p;
  p.common = attempt_options(o);
  if (!o.report_file.empty()) p.report = o.report_file;
  PlanOutcome plan = read_plan(p);
  if (o.json) {
    nlohmann::json j = reporters::plan_json(plan.result);
    j["report"] = plan.report.string();
    print_json(j);
    return exit_code::ok;
  }
  const AttemptResult& r = plan.result;
  std::cout << "report: " << plan.report.string() << "\n"
            << "verdict: " << to_string(r.verdict) << ": " << r.reason << "\n";
  if (!r.failure) {
    std::cout << "nothing to do: " << (r.verdict == Verdict::planned ? "a dry run judged nothing" : "the fix was accepted")
              << "\n";
    return exit_code::ok;
  }
  std::cout << "failure: " << to_string(r.failure->type) << "\n";
  for (const std::string& e : r.failure->evidence) std::cout << "  " << e << "\n";
  std::cout << "plan:\n";
  for (size_t i = 0; i < r.recovery.size(); ++i) {
    std::cout << "  " << i + 1 << ". " << to_string(r.recovery[i].action) << ": " << r.recovery[i].why << "\n";
    if (!r.recovery[i].command.empty()) std::cout << "     $ " << r.recovery[i].command << "\n";
  }
  return exit_code::ok;
}

int cmd_attempt(Options& o) {
  TraceScope trace("attempt");
  reporters::Progress progress = reporters::Progress::for_stderr();
  AttemptOutcome outcome = run_attempt(attempt_options(o), progress);
  o.outcome_committed = outcome.committed;
  const AttemptResult& r = outcome.result;
  if (o.json) {
    print_json(reporters::attempt_json(r));
  } else {
    std::cout << "verdict: " << to_string(r.verdict) << ": " << r.reason << "\n";
    if (r.branch) std::cout << "branch: " << *r.branch << "\n";
    if (!r.dry_run || r.patch_applied) std::cout << "reports: " << outcome.report_dir.string() << "\n";
  }
  return outcome.exit_code;
}

int cmd_batch(Options& o) {
  reporters::Progress progress = reporters::Progress::for_stderr();
  AttemptOptions a = attempt_options(o);
  BatchOptions b;
  static_cast<SessionOptions&>(b) = a;
  if (o.batch_file) b.batch_file = *o.batch_file;
  if (o.patch_dir) b.patch_dir = *o.patch_dir;
  if (o.strategy) b.strategy = kBatchStrategies.parse(*o.strategy);  // checked by CLI11 against the table
  b.checkpoint_every = o.checkpoint_every;
  b.on_accept = a.on_accept;
  b.dry_run = a.dry_run;
  b.resume = o.resume;
  BatchOutcome outcome = run_batch(b, progress);
  const BatchResult& r = outcome.result;
  if (o.json) {
    print_json(reporters::batch_report_json(r));
  } else if (!r.dry_run) {
    std::cout << "batch " << r.batch_id << ": " << r.outcome << ": " << r.reason << " (" << r.runs
              << " build+test run(s), " << r.one_by_one_runs << " one by one)\n";
    for (const BatchFixResult& f : r.fixes) std::cout << "  " << f.id << ": " << to_string(f.verdict) << ": " << f.reason << "\n";
    for (const std::string& branch : r.branches) std::cout << "branch: " << branch << "\n";
    std::cout << "reports: " << outcome.report_dir.string() << "\n";
  }
  return outcome.exit_code;
}

int cmd_baseline(Options& o) {
  reporters::Progress progress = reporters::Progress::for_stderr();
  BaselineOutcome b = compute_baseline(attempt_options(o), progress);
  if (o.json) {
    print_json({{"key", b.info.key}, {"cached", b.info.cached}, {"runs", b.info.runs}, {"tests", b.tests},
                {"passed", b.passed}});
  } else {
    std::cout << "baseline " << b.info.key.substr(0, 12) << (b.info.cached ? " (stored already)" : " (computed)")
              << ": " << b.passed << "/" << b.tests << " tests pass without a fix\n";
  }
  return exit_code::ok;
}

// `autofix-gate --version [--json]`: what this binary is (gate/util/build_info.h).
void print_version(bool json) {
  const BuildInfo b = build_info();
  const std::string libgit2 = git::libgit2_version();
  if (json) {
    print_json({{"version", b.version}, {"commit", b.commit}, {"dirty", b.dirty}, {"libgit2", libgit2},
                {"boost", b.boost}, {"compiler", b.compiler}});
    return;
  }
  std::cout << kProgram << " " << b.version << "\n"
            << "commit: " << b.commit << (b.dirty ? " (with uncommitted changes)" : "") << "\n"
            << "libgit2: " << libgit2 << "\n"
            << "Boost: " << b.boost << "\n"
            << "compiler: " << b.compiler << "\n";
}

// The command as typed, the program named as users call it: a recovery plan's "retry" runs it again.
std::vector<std::string> command_words(int argc, char** argv) {
  std::vector<std::string> words{kProgram};
  for (int i = 1; i < argc; ++i) words.emplace_back(argv[i]);
  return words;
}

void add_dir_option(CLI::App* app, Options& o) {
  app->add_option("-C,--directory", o.dir, "Run in DIR (any directory inside the work tree)")->type_name("DIR");
}

void add_source_dir_option(CLI::App* app, Options& o) {
  app->add_option("--source-dir", o.source_dir, "The CMake project's top-level directory, inside the repository "
                  "(default: \"source_dir\" of the configuration, else the repository root)")->type_name("DIR");
}

// git's convention for a mistyped command: name it and suggest the closest one, or none when nothing is close.
// Returns the message, or nullopt when argv names known commands down to its first option or argument.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  const CLI::App* current = &app;
  std::string path;  // "snapshots " for a nested command
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::vector<const CLI::App*> subcommands = current->get_subcommands([](const CLI::App*) { return true; });
    if (arg.starts_with("-") || subcommands.empty()) return std::nullopt;
    auto known = std::find_if(subcommands.begin(), subcommands.end(), [&](const CLI::App* c) { return c->check_name(arg); });
    if (known != subcommands.end()) {
      current = *known;
      path += arg + " ";
      continue;
    }
    std::vector<std::string> names;
    for (const CLI::App* c : subcommands) names.push_back(c->get_name());
    std::optional<std::string> near = closest_name(arg, std::vector<std::string_view>(names.begin(), names.end()));
    std::string what = path.empty() ? "a command" : "a '" + path.substr(0, path.size() - 1) + "' command";
    return std::string(kProgram) + ": '" + arg + "' is not " + what + "; " +
           (near ? "did you mean '" + *near + "'?" : "see '" + std::string(kProgram) + " " + path + "--help'");
  }
  return std::nullopt;
}

// How many jobs run at once, in the build (cmake --build -j), ctest (-j) and the static analyzers. Anything
// but a whole number from 1 to kMaxJobs is a usage error naming the value.
void add_on_accept_option(CLI::App* app, Options& o, const std::string& help) {
  app->add_option("--on-accept", o.on_accept, help)->check(CLI::IsMember([] {
    std::vector<std::string> names;
    for (std::string_view name : on_accept_choices()) names.emplace_back(name);
    return names;
  }()));
}

void add_jobs_option(CLI::App* app, Options& o) {
  CLI::Validator count(
      [](std::string& value) -> std::string {
        unsigned n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec == std::errc() && end == value.data() + value.size() && n >= 1 && n <= kMaxJobs) return {};
        return "'" + value + "' is not a number of jobs: give a whole number from 1 to " + std::to_string(kMaxJobs) +
               " (without -j: \"jobs\" of the configuration, else the number of cores)";
      },
      "N", "jobs");
  app->add_option("-j,--jobs", o.attempt.jobs,
                  "Jobs at once for the build, ctest and the analyzers, 1-" + std::to_string(kMaxJobs) +
                      " (default: \"jobs\" of the configuration, else the number of cores)")
      ->type_name("N")
      ->check(count);
}

void add_judging_options(CLI::App* app, Options& o) {
  app->add_option("--config", o.config, "Gate configuration (default: autofix-gate.json at the root, then in the "
                  "build dir; see docs/configuration.md)")->type_name("FILE");
  app->add_flag("--fail-fast", o.attempt.fail_fast, "Stop testing at the first confirmed regression");
  app->add_flag("--allow-test-edits", o.attempt.allow_test_edits,
                "Edits to test sources are a warning, not needs-review (deleting or disabling tests still is)");
  app->add_option("--flaky-reruns", o.flaky_reruns,
                  "Extra runs of a test whose status changed (default 4; a fixed test gets one; 0: none)")
      ->check(CLI::Range(0, 20));
  app->add_option("--test-timeout", o.test_timeout_s,
                  "Time limit of each test that sets no CTest TIMEOUT, in seconds (default 300); a test that "
                  "reaches it fails with 'timeout'")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->type_name("SECONDS");
}

}  // namespace

int run(int argc, char** argv) {
  // First of all: a signal from now on only sets a flag, and a closed output never kills the gate.
  install_interrupt_handlers();
  // Orphans of what the gate starts (a daemon that double-forked) become its children, so that it can
  // find and end them (runners/stray_processes.h).
  runners::become_subreaper();
  Options o;
  o.command = command_words(argc, argv);
  o.command_line = shell_words(o.command);
  CLI::App app{"AutofixGate: snapshot, verify and accept or roll back automated fixes", kProgram};
  // --json is read before --version's callback runs (callbacks run in the order the options were added).
  app.add_flag("--json", o.version_json, "With --version: print it as JSON");
  app.add_flag_callback(
      "--version",
      [&o] {
        print_version(o.version_json);
        throw CLI::Success();
      },
      "Print the version, the commit it was built from, and the versions of libgit2, Boost and the compiler");
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok/accepted, 1 rejected, 2 usage or repository error (nothing changed), "
             "3 needs review, 4 gate error, 5 dry run planned (nothing done), 128+N interrupted by signal N "
             "(129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM; tree restored). See docs/exit-codes.md.");

  std::function<int()> action;

  CLI::App* snapshot = app.add_subcommand(
      "snapshot",
      "Save the whole work tree (tracked and untracked files, index, HEAD) under refs/autofix/snapshots/<id> "
      "and print the id. Ignored files are not saved (and restore never touches them); submodules and nested "
      "repositories are left alone. The manifest lists what was left out.");
  add_dir_option(snapshot, o);
  snapshot->add_option("-m,--message", o.message, "Note stored with the snapshot");
  snapshot->add_flag("--json", o.json, "Print the manifest as JSON instead of the id");
  snapshot->add_option("--config", o.config, "Gate configuration: its state hooks are saved with the snapshot "
                                             "(see docs/state-hooks.md)")->type_name("FILE");
  snapshot->add_flag("--no-state", o.no_state, "Do not run the state hooks' saves: the snapshot holds the tree only");
  snapshot->callback([&] { action = [&] { return cmd_snapshot(o); }; });

  CLI::App* attempt = app.add_subcommand(
      "attempt",
      "Try one fix: snapshot, baseline, apply the patch or run the fixer, build, test, compare with the baseline, "
      "then accept (exit 0) or roll back (exit 1); reports in the report directory");
  add_dir_option(attempt, o);
  attempt->add_option("--patch", o.patch, "The fix as a patch file ('-' reads standard input)")->type_name("FILE");
  attempt->add_option("fixer", o.attempt.fixer, "Or: a fixer command after --, run from the repository root")
      ->type_name("-- FIXER ARGS...");
  add_source_dir_option(attempt, o);
  attempt->add_option("--build-dir", o.build_dir, "Build directory (default: build/ in the repository)")->type_name("DIR");
  attempt->add_option("--report-dir", o.report_dir, "Where reports go (default: <build dir>/autofix/<attempt id>/, and <build dir>/autofix/latest names the newest)")->type_name("DIR");
  attempt->add_flag("--dry-run", o.attempt.dry_run,
                    "Print the plan and change nothing: a patch is checked to apply, a fixer is not run; nothing is "
                    "built or judged (verdict planned, exit 5)");
  add_on_accept_option(attempt, o, "branch (default): commit on autofix/<id> and restore your "
                      "checkout; keep: leave the fix in the work tree; commit: commit on the current branch");
  attempt->add_option("--require-fixed", o.attempt.require_fixed, "Tests that must go from failing to passing")
      ->type_name("TEST...");
  attempt->add_option("--target", o.attempt.target,
                      "What the fix aims at (an issue id, a CI failure id): the circuit breaker counts rejections per "
                      "target (default: the --require-fixed tests, else any; docs/breaker.md)")
      ->type_name("TEXT");
  attempt->add_option("--timeout", o.timeout_s, "Limit in seconds for the fixer, the build and the tests, each")
      ->check(CLI::PositiveNumber);
  add_jobs_option(attempt, o);
  add_judging_options(attempt, o);
  attempt->add_flag("--json", o.json, "Print report.json on stdout");
  attempt->callback([&] { action = [&] { return cmd_attempt(o); }; });

  CLI::App* batch = app.add_subcommand(
      "batch",
      "Judge a batch of fixes (docs/batch.md) against one snapshot and baseline: bisect to the culprits, land "
      "each accepted fix as its own commit; exit 0 all accepted, 1 some not, 4 gate error");
  add_dir_option(batch, o);
  batch->add_option("file", o.batch_file, "The batch file (JSON, docs/batch.md)")->type_name("FILE");
  batch->add_option("--patch-dir", o.patch_dir, "Or: a directory of *.diff files, applied in name order")
      ->type_name("DIR");
  add_source_dir_option(batch, o);
  batch->add_option("--build-dir", o.build_dir, "Build directory, shared by every step (default: build/ in the repository)")
      ->type_name("DIR");
  batch->add_option("--report-dir", o.report_dir, "Where reports go (default: <build dir>/autofix/<batch id>/)")
      ->type_name("DIR");
  batch->add_option("--strategy", o.strategy, "all_or_nothing, best_effort (default), checkpoint or continue_on_error")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (std::string_view name : kBatchStrategies.names()) names.emplace_back(name);
        return names;
      }()));
  batch->add_option("--checkpoint-every", o.checkpoint_every, "checkpoint: fixes per verified group (default 3)")
      ->check(CLI::PositiveNumber);
  add_on_accept_option(batch, o, "branch (default): commit the accepted fixes on autofix/batch/<id> "
                    "and restore your checkout; keep: leave them in the work tree; commit: commit on the current branch");
  batch->add_flag("--dry-run", o.attempt.dry_run, "Print the plan and change nothing (exit 5)");
  batch->add_option("--target", o.attempt.target,
                    "What the fixes aim at: the circuit breaker counts rejected batches per target (default: "
                    "the --require-fixed tests, else any; docs/breaker.md)")
      ->type_name("TEXT");
  batch->add_option("--timeout", o.timeout_s, "Limit in seconds for the build and the tests, each")
      ->check(CLI::PositiveNumber);
  add_jobs_option(batch, o);
  add_judging_options(batch, o);
  batch->add_flag("--json", o.json, "Print the batch's report.json on stdout");
  CLI::Option* resume = batch->add_option("--resume", o.resume,
                                          "Continue the interrupted batch ID (after `recover`) from its record: the "
                                          "steps it finished are read back, not judged again")
                            ->type_name("ID");
  for (const char* fixed : {"file", "--patch-dir", "--strategy", "--checkpoint-every", "--on-accept", "--dry-run"})
    resume->excludes(batch->get_option(fixed));
  batch->callback([&] { action = [&] { return cmd_batch(o); }; });

  CLI::App* verify = app.add_subcommand(
      "verify",
      "Judge a change that is already committed: build and test the base (cached) and the head in one build tree, "
      "compare, write the reports, and restore the checkout exactly; exit 0 accepted, 1 rejected, 3 needs review");
  add_dir_option(verify, o);
  verify->add_option("--base", o.base, "The commit without the change (default: AUTOFIX_GATE_BASE, the "
                     "configuration's base, the merge base with the default branch, HEAD~1)")->type_name("REF");
  verify->add_option("--head", o.head, "The commit with the change (default: HEAD)")->type_name("REF");
  add_source_dir_option(verify, o);
  verify->add_option("--build-dir", o.build_dir, "Build directory (default: build/ in the repository)")->type_name("DIR");
  verify->add_option("--report-dir", o.report_dir, "Where reports go (default: <build dir>/autofix/<attempt id>/, and <build dir>/autofix/latest names the newest)")->type_name("DIR");
  verify->add_option("--shard", o.shard, "Run shard K of N of the tests and write a partial result (partial.json)")
      ->type_name("K/N");
  verify->add_option("--durations", o.durations, "A report.json whose test durations balance the shards")
      ->type_name("FILE");
  verify->add_option("--require-fixed", o.attempt.require_fixed, "Tests that must go from failing to passing")
      ->type_name("TEST...");
  verify->add_option("--timeout", o.timeout_s, "Limit in seconds for the build and the tests, each")
      ->check(CLI::PositiveNumber);
  add_jobs_option(verify, o);
  add_judging_options(verify, o);
  verify->add_flag("--json", o.json, "Print report.json on stdout");
  verify->callback([&] { action = [&] { return cmd_verify(o); }; });

  CLI::App* rollback = app.add_subcommand(
      "rollback",
      "Emergency rollback of landed work to an earlier version (docs/rollback.md): revert the autofix commits since "
      "REF (--level autofix, default), everything since REF (complete), or chosen paths (paths), as commits with "
      "Autofix-Rollback trailers; then check the result is as green as REF; exit 0 done, 1 less green, 5 dry run");
  add_dir_option(rollback, o);
  rollback->add_option("--to", o.rollback.to, "The version to go back to: last-green (the newest commit a check judged green, see `versions`) or a commit of this branch's history")
      ->required()->type_name("REF");
  rollback->add_option("--level", o.rollback.level, "autofix (default), complete or paths")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (std::string_view name : kRollbackLevels.names()) names.emplace_back(name);
        return names;
      }()));
  rollback->add_option("--paths", o.rollback.paths, "--level paths: the paths to put back (globs)")->type_name("GLOB...");
  rollback->add_option("--strategy", o.rollback.strategy, "revert (default): new commits; reset: move the branch back "
                       "(--level complete only; refused on a branch with an upstream unless --force)")
      ->check(CLI::IsMember([] {
        std::vector<std::string> names;
        for (std::string_view name : kRollbackStrategies.names()) names.emplace_back(name);
        return names;
      }()));
  rollback->add_flag("--force", o.rollback.force, "Allow --strategy reset on a branch that has an upstream");
  rollback->add_option("--reason", o.rollback.reason, "Why: kept in the commits and the report")->type_name("TEXT");
  rollback->add_flag("--dry-run", o.rollback.dry_run, "Print the plan and the files it would change; change nothing (exit 5)");
  rollback->add_flag("--no-verify", o.rollback.no_verify, "Do not judge the tests before the rollback, nor build and test the result against REF");
  add_source_dir_option(rollback, o);
  rollback->add_option("--build-dir", o.build_dir, "Build directory for the check (default: build/ in the repository)")
      ->type_name("DIR");
  rollback->add_option("--report-dir", o.report_dir, "Where reports go (the rollback's under <dir>/rollbacks/<id>/)")
      ->type_name("DIR");
  rollback->add_option("--config", o.config, "Gate configuration (see docs/configuration.md)")->type_name("FILE");
  rollback->add_option("--timeout", o.timeout_s, "Limit in seconds for the check's build and tests, each")
      ->check(CLI::PositiveNumber);
  add_jobs_option(rollback, o);
  rollback->add_flag("--json", o.json, "Print the rollback's report.json on stdout");
  rollback->callback([&] { action = [&] { return cmd_rollback(o); }; });

  CLI::App* health = app.add_subcommand(
      "health", "Re-judge the autofix commits that landed in a window on the branch as it is now (each: the branch "
                "with it against the branch without it); --revert reverts the unhealthy ones (docs/rollback.md#health); "
                "exit 0 healthy or reverted, 1 unhealthy, 4 could not judge");
  add_dir_option(health, o);
  health->add_option("--since", o.health.since, "The window: a duration (90s, 30m, 12h, 7d, 2w; default 24h), a date, "
                     "or a commit of the branch")->type_name("DURATION|DATE|REF");
  health->add_flag("--revert", o.health.revert, "Revert the unhealthy fixes (commits with Autofix-Health: <id>), then check");
  add_source_dir_option(health, o);
  health->add_option("--build-dir", o.build_dir, "Build directory (default: build/ in the repository)")->type_name("DIR");
  health->add_option("--report-dir", o.report_dir, "Where reports go (the check's under <dir>/health/<id>/)")->type_name("DIR");
  health->add_option("--config", o.config, "Gate configuration (see docs/configuration.md)")->type_name("FILE");
  health->add_option("--timeout", o.timeout_s, "Limit in seconds for each build and test run")->check(CLI::PositiveNumber);
  add_jobs_option(health, o);
  health->add_flag("--json", o.json, "Print the check's report.json on stdout");
  health->callback([&] { action = [&] { return cmd_health(o); }; });

  CLI::App* versions = app.add_subcommand(
      "versions", "The known-good points of the branch, newest first: commits verify, health or a rollback's check "
                  "judged, autofix commits, tags, and last-green (docs/rollback.md#versions)");
  add_dir_option(versions, o);
  versions->add_option("--limit", o.limit, "How many commits of the branch to show (default 20)")->check(CLI::PositiveNumber);
  versions->add_flag("--json", o.json, "Print as JSON");
  versions->callback([&] { action = [&] { return cmd_versions(o); }; });

  CLI::App* merge = app.add_subcommand(
      "merge", "Merge the partial results of `verify --shard K/N` into one report and verdict");
  merge->add_option("partials", o.partials, "partial.json of every shard")->required()->type_name("PARTIAL...");
  merge->add_option("--out", o.out_dir, "Directory for the merged reports")->required()->type_name("DIR");
  merge->add_flag("--json", o.json, "Print the merged report.json on stdout");
  merge->callback([&] { action = [&] { return cmd_merge(o); }; });

  CLI::App* tier_status = app.add_subcommand(
      "tier-status", "Exit 0 when a tier of a report passed (or is advisory), 1 when it failed; used by ctest -L autofix");
  tier_status->add_option("--report", o.report_file, "report.json")->required()->type_name("FILE");
  tier_status->add_option("--tier", o.tier, "Tier name")->required();
  tier_status->callback([&] { action = [&] { return cmd_tier_status(o); }; });

  CLI::App* plan = app.add_subcommand(
      "plan", "What to do after a run that was not accepted: its failure type and recovery plan (docs/recovery.md)");
  CLI::Option* plan_report = plan->add_option("report", o.report_file, "A report.json (default: --last)")->type_name("REPORT.json");
  plan->add_flag("--last", o.last_report, "The newest run's report (<build dir>/autofix/latest/report.json); the default")
      ->excludes(plan_report);
  add_dir_option(plan, o);
  plan->add_option("--build-dir", o.build_dir, "Build directory (default: build/ in the repository)")->type_name("DIR");
  plan->add_option("--report-dir", o.report_dir, "Report directory, when runs were given one")->type_name("DIR");
  plan->add_option("--config", o.config, "Gate configuration (see docs/configuration.md)")->type_name("FILE");
  plan->add_flag("--json", o.json, "Print the failure and the plan as JSON");
  plan->callback([&] { action = [&] { return cmd_plan(o); }; });

  CLI::App* baseline = app.add_subcommand(
      "baseline", "Build and test the tree as it is and store the result, so attempts against it skip that");
  add_dir_option(baseline, o);
  add_source_dir_option(baseline, o);
  baseline->add_option("--build-dir", o.build_dir, "Build directory (default: build/ in the repository)")->type_name("DIR");
  baseline->add_option("--timeout", o.timeout_s, "Limit in seconds for the build and the tests, each")
      ->check(CLI::PositiveNumber);
  add_jobs_option(baseline, o);
  baseline->add_option("--config", o.config, "Gate configuration (see docs/configuration.md)")->type_name("FILE");
  baseline->add_flag("--json", o.json, "Print as JSON");
  baseline->callback([&] { action = [&] { return cmd_baseline(o); }; });

  CLI::App* restore = app.add_subcommand(
      "restore", "Make the work tree, index and HEAD identical to a snapshot, then verify every path");
  restore->add_option("id", o.snapshot_id, "Snapshot id (see `snapshots list`)")->required();
  add_dir_option(restore, o);
  restore->add_flag("--json", o.json, "Print what was done as JSON");
  restore->add_flag("--no-state", o.no_state, "Restore the tree only, not the state saved with the snapshot "
                                              "(docs/state-hooks.md)");
  restore->callback([&] { action = [&] { return cmd_restore(o); }; });

  CLI::App* recover_cmd = app.add_subcommand(
      "recover", "Finish an operation that was interrupted (crash, kill -9): end its processes, restore its snapshot");
  add_dir_option(recover_cmd, o);
  recover_cmd->add_flag("--json", o.json, "Print what was done as JSON");
  recover_cmd->callback([&] { action = [&] { return cmd_recover(o); }; });

  CLI::App* status = app.add_subcommand("status", "Show the lock, any unfinished operation, and the snapshots");
  add_dir_option(status, o);
  status->add_flag("--json", o.json, "Print as JSON");
  status->callback([&] { action = [&] { return cmd_status(o); }; });

  CLI::App* snapshots = app.add_subcommand("snapshots", "List, drop or prune snapshots");
  snapshots->require_subcommand(1);
  CLI::App* list = snapshots->add_subcommand("list", "List snapshots, oldest first");
  add_dir_option(list, o);
  list->add_flag("--json", o.json, "Print as JSON");
  list->callback([&] { action = [&] { return cmd_snapshots_list(o); }; });
  CLI::App* drop = snapshots->add_subcommand("drop", "Delete one snapshot");
  drop->add_option("id", o.snapshot_id, "Snapshot id")->required();
  add_dir_option(drop, o);
  drop->callback([&] { action = [&] { return cmd_snapshots_drop(o); }; });
  CLI::App* prune = snapshots->add_subcommand(
      "prune", "Delete old snapshots: those beyond the N newest and/or older than DAYS (both given: both must hold)");
  add_dir_option(prune, o);
  prune->add_option("--keep", o.keep, "Keep the N newest")->check(CLI::NonNegativeNumber);
  prune->add_option("--older-than", o.older_than_days, "Only drop snapshots older than DAYS")
      ->check(CLI::NonNegativeNumber);
  prune->add_flag("--json", o.json, "Print as JSON");
  prune->callback([&] { action = [&] { return cmd_snapshots_prune(o); }; });

  CLI::App* checkpoints = app.add_subcommand(
      "checkpoints", "List, show, validate, restore or clean up a batch's checkpoints (docs/batch.md#checkpoints)");
  checkpoints->require_subcommand(1);
  CLI::App* cp_list = checkpoints->add_subcommand("list", "List the checkpoints, by batch and number");
  add_dir_option(cp_list, o);
  cp_list->add_option("--batch", o.checkpoint_batch, "Only the checkpoints of batch ID")->type_name("ID");
  cp_list->add_flag("--json", o.json, "Print as JSON");
  cp_list->callback([&] { action = [&] { return cmd_checkpoints_list(o); }; });
  CLI::App* cp_show = checkpoints->add_subcommand("show", "Show one checkpoint's manifest and check it (exit 1 when invalid)");
  cp_show->add_option("id", o.snapshot_id, "Checkpoint id, <batch id>/<n> (see `checkpoints list`)")->required();
  add_dir_option(cp_show, o);
  cp_show->add_flag("--json", o.json, "Print as JSON");
  cp_show->callback([&] { action = [&] { return cmd_checkpoints_show(o); }; });
  CLI::App* cp_validate = checkpoints->add_subcommand(
      "validate", "Check that a checkpoint's objects exist and its recorded hash and tree match (all when no ID); "
                  "exit 1 naming each invalid one");
  cp_validate->add_option("id", o.checkpoint_id, "Checkpoint id, <batch id>/<n>");
  add_dir_option(cp_validate, o);
  cp_validate->add_flag("--json", o.json, "Print as JSON");
  cp_validate->callback([&] { action = [&] { return cmd_checkpoints_validate(o); }; });
  CLI::App* cp_restore = checkpoints->add_subcommand(
      "restore", "Snapshot the work tree, then make it equal to a checkpoint's tree and verify it; prints the snapshot "
                 "that undoes it");
  cp_restore->add_option("id", o.snapshot_id, "Checkpoint id, <batch id>/<n>")->required();
  add_dir_option(cp_restore, o);
  cp_restore->add_flag("--json", o.json, "Print what was done as JSON");
  cp_restore->callback([&] { action = [&] { return cmd_checkpoints_restore(o); }; });
  CLI::App* cp_cleanup = checkpoints->add_subcommand(
      "cleanup", "Remove checkpoints beyond the N newest and/or older than DAYS (both given: both must hold)");
  add_dir_option(cp_cleanup, o);
  cp_cleanup->add_option("--keep", o.keep, "Keep the N newest")->check(CLI::NonNegativeNumber);
  cp_cleanup->add_option("--older-than", o.older_than_days, "Only remove checkpoints older than DAYS")
      ->check(CLI::NonNegativeNumber);
  cp_cleanup->add_flag("--dry-run", o.cleanup_dry_run, "Print what would be removed, remove nothing");
  cp_cleanup->add_flag("--json", o.json, "Print as JSON");
  cp_cleanup->callback([&] { action = [&] { return cmd_checkpoints_cleanup(o); }; });

  CLI::App* history = app.add_subcommand(
      "history", "List the gate's history, newest first: every attempt, verify, batch and batch step, kept under "
                 "refs/autofix/history (docs/history.md)");
  add_dir_option(history, o);
  history->add_option("--since", o.since, "Only runs that started at or after: a date (2026-12-07), a time "
                      "(2026-12-07T22:15:00Z) or a duration before now (30m, 12h, 7d, 2w)")->type_name("DATE|DURATION");
  history->add_option("--until", o.until, "Only runs that started before (the same forms)")->type_name("DATE|DURATION");
  history->add_option("--verdict", o.verdict, "Only runs with this verdict (accepted, rejected, needs_review, error, ...)");
  history->add_option("--command", o.history_command, "Only runs of this command (attempt, verify, batch, batch-step)");
  history->add_option("--limit", o.limit, "At most N records (default 20)")->check(CLI::PositiveNumber)->type_name("N");
  CLI::Option* history_json = history->add_flag("--json", o.json, "Print the records as a JSON array");
  history->add_flag("--csv", o.csv, "Print the records as CSV (the columns of `history export`)")->excludes(history_json);
  CLI::App* history_show = history->add_subcommand("show", "Show one history record in full");
  history_show->add_option("id", o.history_id, "The record's id (see `autofix-gate history`)")->required();
  add_dir_option(history_show, o);
  history_show->add_flag("--json", o.json, "Print it as JSON");
  CLI::App* history_export = history->add_subcommand(
      "export", "Write every history record, oldest first, with every field (docs/history.md#csv-columns)");
  add_dir_option(history_export, o);
  history_export->add_option("--format", o.export_format, "jsonl (one JSON object a line) or csv (RFC 4180)")
      ->required()
      ->check(CLI::IsMember({"jsonl", "csv"}));
  history_export->add_option("--out", o.export_out, "The file to write")->required()->type_name("FILE");
  CLI::App* history_sync = history->add_subcommand(
      "sync", "Fetch REMOTE's history, merge it with this one (the union of both) and push it back, retrying when "
              "someone pushed meanwhile; run it after the gate in CI to keep the history");
  history_sync->add_option("remote", o.remote, "A configured remote, a path or a URL (default origin)");
  add_dir_option(history_sync, o);
  CLI::App* history_stats = history->add_subcommand(
      "stats", "Acceptance per command and fix source, the most frequent failure signatures, the tests most often "
               "broken, time by phase, and recommendations naming their numbers");
  add_dir_option(history_stats, o);
  history_stats->add_option("--since", o.since, "Only runs that started at or after (as for `history`)")
      ->type_name("DATE|DURATION");
  history_stats->add_option("--until", o.until, "Only runs that started before")->type_name("DATE|DURATION");
  history_stats->add_flag("--json", o.json, "Print them as JSON");
  CLI::App* history_html = history->add_subcommand(
      "html", "Write the history's dashboard: one self-contained HTML page (verdicts by day, acceptance per fix "
              "source, frequent failures, circuit breakers, flaky tests, slowest phases; docs/history.md#dashboard)");
  add_dir_option(history_html, o);
  history_html->add_option("--out", o.export_out, "The file to write")->required()->type_name("FILE");
  history_html->add_option("--since", o.since, "Only runs that started at or after (as for `history`)")
      ->type_name("DATE|DURATION");
  history_html->add_option("--until", o.until, "Only runs that started before")->type_name("DATE|DURATION");
  history->callback([&] {
    action = [&, history_show, history_export, history_sync, history_stats, history_html] {
      if (history_stats->parsed()) return cmd_history_stats(o);
      if (history_html->parsed()) return cmd_history_html(o);
      if (history_show->parsed()) return cmd_history_show(o);
      if (history_export->parsed()) return cmd_history_export(o);
      if (history_sync->parsed()) return cmd_history_sync(o);
      return cmd_history_list(o);
    };
  });

  CLI::App* breaker = app.add_subcommand(
      "breaker", "The circuit breakers: attempts refused per repository, branch and target after too many "
                 "consecutive rejections (docs/breaker.md)");
  breaker->require_subcommand(1);
  CLI::App* breaker_list = breaker->add_subcommand("list", "Every key the history has, with its state");
  add_dir_option(breaker_list, o);
  breaker_list->add_flag("--json", o.json, "Print as JSON");
  breaker_list->callback([&] { action = [&] { return cmd_breaker_list(o); }; });
  CLI::App* breaker_show = breaker->add_subcommand("show", "One key's state");
  breaker_show->add_option("key", o.breaker_key, "The key, repository|branch|target (see `breaker list`)")->required();
  add_dir_option(breaker_show, o);
  breaker_show->add_flag("--json", o.json, "Print as JSON");
  breaker_show->callback([&] { action = [&] { return cmd_breaker_show(o); }; });
  CLI::App* breaker_reset = breaker->add_subcommand(
      "reset", "Close a breaker now (recorded in the history as a breaker-reset record)");
  breaker_reset->add_option("key", o.breaker_key, "The key, repository|branch|target (see `breaker list`)");
  breaker_reset->add_flag("--all", o.breaker_all, "Every breaker that is not closed or has counted rejections");
  breaker_reset->add_option("--reason", o.breaker_reason, "Why, kept in the history record")->type_name("TEXT");
  add_dir_option(breaker_reset, o);
  breaker_reset->callback([&] { action = [&] { return cmd_breaker_reset(o); }; });

  if (std::optional<std::string> message = unknown_command(app, argc, argv)) {
    std::cerr << *message << "\n";
    return exit_code::usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? exit_code::ok : exit_code::usage;
  }

  try {
    int rc = action();
    if (int s = pending_interrupt(); s != 0) {
      if (!o.outcome_committed) return exit_code_for_signal(s);
      say(std::string(signal_name(s)) + " arrived after the outcome was committed: it stands (exit " +
          std::to_string(rc) + ")");
    }
    return rc;
  } catch (const Interrupted& i) {
    say("interrupted");
    return exit_code_for_signal(i.signal_number);
  } catch (const Error& e) {
    std::cerr << kProgram << ": error: " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << kProgram << ": hint: " << e.hint() << "\n";
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": internal error: " << e.what() << "\n";
    return exit_code::gate_error;
  }
}

}  // namespace autofix::cli
