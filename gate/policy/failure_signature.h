// SPDX-License-Identifier: MIT
#pragma once
// A failure's signature: what two runs that failed the same way have in common, whatever machine, time
// or directory they ran in (docs/recovery.md, "Signatures"). The circuit breaker counts failures by it.
#include <string>
#include <string_view>

#include "gate/results/attempt_result.h"

namespace autofix {

// `text` with what differs from run to run replaced by placeholders, in this order: UUIDs <uuid>; dates
// and date-times <date>; clock times <time>; hexadecimal addresses <addr>; temporary paths (/tmp, /var/tmp,
// /private/var/folders, %TEMP%-like Windows paths) <tmp>; the directories of other absolute paths <path>/
// (the file name stays); a source file's line and column (a.cpp:12:5, a.cpp(12,5), "line 12") <line>,
// <col>; durations (12 ms, 1.5 s, 3 min) <duration>; ports after a host <port>; process ids (pid 123,
// ==123== of sanitizers) <pid>; rerun counts (3 of 5 runs) <n> of <n> runs; hexadecimal hashes of 7 to
// 64 digits that hold a digit and a letter <hash>. Runs of blanks become one space; the result has no leading or trailing blank.
std::string normalized_failure_text(std::string_view text);

// The signature of a result that was not accepted: its verdict, its reason and the names of the tests it
// broke and of the required tiers other than ctest ones (their tests are named) that failed, each
// normalized, one per line. Empty for accepted,
// planned results.
std::string failure_signature(const AttemptResult& result);

}  // namespace autofix
