// SPDX-License-Identifier: MIT
#pragma once
// Runs gitleaks (v8.18 or later) over the lines a change adds and maps what it finds back to the
// repository's files and lines. gitleaks reads files, not diffs: the added lines of each file are
// written, in order, into a private temporary directory at the file's repository-relative path, and a
// finding on line k of such a file is on the file's k-th added line. Fails closed: a gitleaks that cannot
// be started, fails, crashes, times out, writes no report or a report that cannot be read, throws; this
// never returns a guessed "nothing found".
//
// The command, run in the temporary directory <tmp>:
//   gitleaks detect --no-git --source staged --report-format json --report-path <tmp>/report.json
//            --exit-code 0 --no-banner --ignore-gitleaks-allow --log-level warn
// and the layout keeps what a change adds from steering gitleaks:
//   <tmp>/staged/repo/<path>  the added lines. gitleaks reads its settings (.gitleaks.toml,
//                             .gitleaksignore) from the scan root <tmp>/staged, which holds nothing else,
//                             so such files added by the change are scanned, never obeyed.
//   <tmp>/report.json         the report (runners/gitleaks_report.h)
// --ignore-gitleaks-allow: a "gitleaks:allow" comment on an added line hides nothing (the fix wrote it).
// gitleaks' own default rules apply (or the configuration GITLEAKS_CONFIG names, as the gate's caller set).
// The temporary directory holds the added lines, secrets included: it is created 0700 and removed before
// run_gitleaks returns.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace autofix::runners {

// The lines a change adds to one file.
struct AddedFile {
  std::string path;                // repository-relative, '/'
  std::vector<int> line_numbers;   // in the new file, one per entry of `lines`
  std::vector<std::string> lines;  // without line breaks
};

// A finding, on the repository's file and line.
struct GitleaksFinding {
  std::string rule_id;
  std::string description;
  std::string file;  // repository-relative, one of the AddedFile paths
  int line = 0;      // in the new file
  std::string secret;
};

struct GitleaksOptions {
  std::filesystem::path program;         // the gitleaks executable
  std::chrono::milliseconds timeout{0};  // 0: none
  std::function<void(int process_group)> on_started;
};

// The gitleaks a secrets tier's `gitleaks` setting names: "off" -> nullopt; "auto" -> `gitleaks` from
// PATH, nullopt when PATH has none; an absolute path -> that file, Error(usage) when it is not an
// executable regular file. Any other setting is Error(usage) (the configuration parser refuses it first).
std::optional<std::filesystem::path> locate_gitleaks(const std::string& setting);

// Runs gitleaks over `files` (files without lines are left out; nothing to scan runs nothing) and
// returns its findings in the report's order. Throws Error(usage) when the program cannot be started,
// Error(internal) when it fails, crashes or times out (with the end of its output), Error(io) when the
// report is missing, too large or malformed, or names a file or line that was not given.
// A pending interrupt of the gate ends gitleaks and throws Interrupted.
std::vector<GitleaksFinding> run_gitleaks(const GitleaksOptions& options, const std::vector<AddedFile>& files);

}  // namespace autofix::runners
