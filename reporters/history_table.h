// SPDX-License-Identifier: MIT
#pragma once
// History records as people and spreadsheets read them (docs/history.md#csv-columns): one line each on a
// terminal, a record in full for `history show`, and CSV (RFC 4180) with every field in a fixed column
// order. Lists are joined with ';' and phase durations written "phase=ms;phase=ms".
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/history_record.h"

namespace autofix::reporters {

// The CSV columns, in order.
const std::vector<std::string>& history_csv_columns();
// A cell as RFC 4180 writes it: as it is, or in double quotes (doubled inside) when it holds a comma, a
// double quote, a line break or leading/trailing spaces.
std::string csv_cell(std::string_view text);
// The header line, and one line per record; each ends with "\r\n" as RFC 4180 has it.
std::string history_csv_header();
std::string history_csv_row(const HistoryRecord& r);

// "20261207T221522Z-3f9a1c2b  rejected      attempt     Ada <ada@x>  1 test regressed: ..." (one line).
std::string history_line(const HistoryRecord& r);
// Every field, one per line, for `history show`.
std::string history_details(const HistoryRecord& r);

}  // namespace autofix::reporters
