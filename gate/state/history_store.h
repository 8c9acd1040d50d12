// SPDX-License-Identifier: MIT
#pragma once
// The gate's history (docs/history.md#storage) in the repository's object store, under
// refs/autofix/history (a file log, gate/git/file_log.h):
//   records/YYYY-MM/DD/<id>.json       one record, sharded by the UTC day of its id
//   breaker/<key hash>/<id>.json       the same blob again when the record has a breaker key (the key's
//                                      git blob hash names the folder): the circuit breaker's events
// The index costs no object (the same blob id), and both merge by union like the records. A record that
// cannot be read is skipped and reported (damaged()), never an error of the reader.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/git/file_log.h"
#include "gate/git/repository.h"
#include "gate/results/history_record.h"

namespace autofix {

inline constexpr const char* kHistoryRef = "refs/autofix/history";

// Times as the ids start with them, "20261207T221522Z" (format_compact_utc); empty: no bound.
struct HistoryWindow {
  std::string since;  // records that started at or after
  std::string until;  // records that started before
};

class HistoryStore {
 public:
  explicit HistoryStore(const git::Repository& repo);

  // Appends `r` (its id must pass is_history_id) and its breaker index entry; returns the id. Appending
  // the same record again changes nothing. Throws Error naming the ref when it cannot be written.
  std::string append(const HistoryRecord& r);
  // Newest first: stops after `limit` records that pass `keep` (none: every record), reading only the
  // months and days it needs. `window` bounds the ids by the time they start with: records outside it
  // are never read, and the walk stops at the first older than window.since.
  std::vector<HistoryRecord> newest(std::size_t limit, const std::function<bool(const HistoryRecord&)>& keep = {},
                                    const HistoryWindow& window = {}) const;
  std::optional<HistoryRecord> find(std::string_view id) const;
  // The records with breaker key `key`, oldest first.
  std::vector<HistoryRecord> for_breaker_key(std::string_view key) const;
  // The key texts that have records, in no particular order.
  std::vector<std::string> breaker_keys() const;
  // "<id>: what is wrong" for each record skipped so far by this store's reads ("refs/autofix/history: ..."
  // when the ref or a folder of it cannot be read: what it holds is skipped).
  std::vector<std::string> damaged() const { return damaged_; }
  // How many record files this store's reads parsed so far (what newest() costs).
  std::size_t records_read() const noexcept { return records_read_; }

  // Fetches the history of `remote` (a configured remote, a path or a URL), merges it into ours and pushes
  // the union back (git/file_log.h sync_log).
  git::LogSync sync(const std::string& remote);

  // The file a record lives at: "records/2026-12/07/<id>.json".
  static std::string record_path(std::string_view id);
  // The breaker index folder of `key`: "breaker/<git blob hash of key>".
  static std::string breaker_dir(std::string_view key);

  // Test seam: options for the log's writes.
  void set_log_options(git::LogOptions options) { options_ = std::move(options); }

 private:
  std::optional<HistoryRecord> read(const git_oid& blob, const std::string& name) const;
  // The history's tree; none when there is no history, or it cannot be read (reported in damaged()).
  std::optional<git_oid> tree_or_report() const;
  // A directory of it; empty (and reported) when it cannot be read.
  std::vector<git::LogEntry> list(const git_oid& tree, const std::string& dir) const;

  const git::Repository& repo_;
  git::LogOptions options_;
  mutable std::vector<std::string> damaged_;
  mutable std::size_t records_read_ = 0;
};

}  // namespace autofix
