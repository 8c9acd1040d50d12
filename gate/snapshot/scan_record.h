// SPDX-License-Identifier: MIT
#pragma once
// A snapshot's scan record: the files its scan read, with the stat data it read them under and the
// time the scan started, so that the restore's scan trusts them (ScanRecord::trusted) instead of reading
// and hashing them again. Stored as the blob `scan-record` of the snapshot's own tree (snapshot_store.h):
// bound to the snapshot commit like everything else in it, so a fixer cannot substitute one. Only a
// shortcut: a record that is missing, damaged or of another snapshot reads as none, and the restore then
// reads every file the index cannot vouch for.
#include <optional>
#include <string>
#include <string_view>

#include "gate/snapshot/worktree_scan.h"

namespace autofix::snapshot {

// The record of `scan`, started at `scan_start`, for snapshot `snapshot_id`.
std::string scan_record_text(const std::string& snapshot_id, const Timestamp& scan_start, const ScanResult& scan);

// nullopt when `text` is damaged (its checksum does not match) or not snapshot `snapshot_id`'s record.
std::optional<ScanRecord> parse_scan_record(std::string_view text, const std::string& snapshot_id);

}  // namespace autofix::snapshot
