// SPDX-License-Identifier: MIT
#pragma once
// Reads a report.json back into the results model: the exact inverse of reporters::attempt_json for
// every field it writes (test output is not in report.json, so TestRecord::output stays empty).
// Reports are untrusted input (CI artifacts, hand-edited files): anything missing, of the wrong type or
// unknown is an Error(usage) naming the source and the JSON path, e.g.
//   "shard-2/report.json: tests[3].transition: unknown transition 'PASSED' (expected FAIL_TO_PASS, ...)".
// Keys attempt_json derives from others (tests_status, tests_run, tests_passed) are not read: the tests
// array is the one source of truth. Unknown keys are ignored, so newer reports stay readable; a
// `format_version` newer than kReportFormatVersion (gate/results/report_format.h) is refused, and
// `gate_version` is not read (a report written again names the gate that wrote it). A test's
// defined_at and first_failure may be missing (reports written before they existed): then unknown.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "gate/results/attempt_result.h"
#include "gate/util/json_reader.h"

namespace autofix {

// `source` names the report in errors (a path, "stdin", ...).
AttemptResult attempt_from_json(const JsonDocument& j, const std::string& source);

// Reports larger than this are refused before they are read.
inline constexpr std::uintmax_t kMaxReportBytes = 64u * 1024 * 1024;

// Reads and parses `path`: Error(usage) when it does not exist, is larger than kMaxReportBytes, is not
// valid JSON or is not a report; Error(io) when it cannot be read.
AttemptResult read_report_file(const std::filesystem::path& path);

}  // namespace autofix
