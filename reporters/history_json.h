// SPDX-License-Identifier: MIT
#pragma once
// A history record as JSON (docs/history.md#record-fields): one small document per record, the fields in
// a fixed order. The reader is strict about what it knows (types, required fields) and lets fields of a
// newer gate pass, so an old gate still reads a newer gate's records.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gate/results/history_record.h"

namespace autofix::reporters {

inline constexpr int kHistoryRecordFormat = 1;

nlohmann::ordered_json history_record_json(const HistoryRecord& record);
// The record as the store keeps it: history_record_json, two-space indented, with a final newline.
std::string history_record_text(const HistoryRecord& record);

// Reads a record written by history_record_text (or one line of `history export --format jsonl`).
// Throws Error(usage) "<name>: <json path>: <what is wrong>" for a damaged one.
HistoryRecord read_history_record(std::string_view text, const std::string& name);

}  // namespace autofix::reporters
