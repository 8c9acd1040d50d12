// SPDX-License-Identifier: MIT
#pragma once
// Writes an attempt's reports (report.json, junit.xml, junit-strict.xml, autofix-tiers.xml, summary.md, report.html,
// autofix.sarif, autofix-full.sarif, gl-code-quality-report.json, and partial.json for a shard;
// docs/reports.md) into a directory as one set: a reader never sees files of two attempts side by side.
#include <array>
#include <filesystem>
#include <functional>

#include "gate/results/attempt_result.h"

namespace autofix {

// The files of a report set, in the order they are put in place; report.json comes last (and is the first
// to go), so a present report.json means its whole set is there.
inline constexpr std::array<const char*, 10> kReportSetFiles = {
    "autofix.sarif", "autofix-full.sarif", "gl-code-quality-report.json", "junit.xml", "junit-strict.xml", "autofix-tiers.xml",
    "summary.md", "report.html", "partial.json", "report.json"};

// Writes the set into `dir` (created when missing; other files in it are left alone). Every file is first
// written whole into a staging directory inside `dir`; then the previous set is removed, report.json
// first, and the new one renamed in, report.json last. A process killed at any point leaves files of one
// attempt only (the previous set or part of it, or part of the new one), and a staging directory that
// the next write removes.
void write_report_files(const AttemptResult& result, const std::filesystem::path& dir);

// The staging directories of report writers that are no longer running, in `dir`.
void remove_stale_report_staging(const std::filesystem::path& dir);

// For tests: called with 0, 1, 2, ... right before each removal or rename of the switch, so that a test can
// end the writer at every point of it. Empty: nothing is called.
void set_report_step_hook_for_tests(std::function<void(int)> hook);

}  // namespace autofix
