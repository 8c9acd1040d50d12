// SPDX-License-Identifier: MIT
#pragma once
// What a failing test printed about its failures, in a form that can be compared between two runs.
// A test binary without per-case results (its own runner, a plain C program, a script) that fails before
// and after a fix is no evidence of safety: the fix may repair one check and break another. Comparing
// the failure lines it printed tells the two apart.
//
// A failure line is a line that reports a failure in the words test frameworks and runners use:
// "fail", "failed", "failure", "error", "assert", "assertion", "abort", "not ok" (TAP), "mismatch",
// "exception", "fatal", "panic" (whole words, any case). When such a line ends with ':' (Catch2's
// "file.cpp:15: FAILED:"), the next non-empty line (the expression) is joined to it.
// Each line is normalized so that two runs of the same failure compare equal: surrounding spaces
// removed, runs of spaces folded, and the parts that change from run to run replaced: hexadecimal
// addresses (0x7ffd...) by "0x#", durations ("12 ms", "0.31s", "(3 sec)") by "# s", clock times
// (12:34:56) by "#:#:#", and "pid 123"/"pid=123" by "pid #". Other numbers are kept: "check 12 failed"
// and "check 13 failed" are different failures.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

inline constexpr size_t kMaxFailureLines = 200;      // per test; the rest are counted, not kept
inline constexpr size_t kMaxFailureLineBytes = 512;  // a longer line is cut (and marked)

// The normalized failure lines of `output`, in order, at most kMaxFailureLines (when there were more,
// the last entry is "[... N more failure lines ...]").
std::vector<std::string> failure_lines(std::string_view output);

// One line normalized as described above (exposed for tests).
std::string normalize_failure_line(std::string_view line);

}  // namespace autofix::runners
