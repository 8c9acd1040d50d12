// SPDX-License-Identifier: MIT
#pragma once
// Runs a static analyzer (clang-tidy or cppcheck) over some of a project's translation units, with the
// flags of its compile database, and reads its diagnostics back as findings. Fails closed: when the
// analyzer cannot be run, dies, times out, or fails while printing nothing we can read, this throws; it
// never returns an empty or guessed "no findings".
//
// Findings are repository-relative (file '/'-separated, relative to source_dir); those in files outside
// source_dir (system and third-party headers) are dropped. Fingerprints are left empty: the caller assigns
// them with the file texts it has (gate/policy/findings.h).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"
#include "runners/compile_database.h"

namespace autofix::runners {

enum class Analyzer { clang_tidy, cppcheck };
const char* to_string(Analyzer a) noexcept;  // "clang-tidy", "cppcheck"

// The checks clang-tidy runs when the repository root has no .clang-tidy: bug finders and the static
// analyzer, plus performance. Style checks are left out (a fixer should not be judged on taste), and
// so is bugprone-easily-swappable-parameters, which flags most functions with two parameters of one type.
inline constexpr std::string_view kDefaultClangTidyChecks =
    "-*,bugprone-*,clang-analyzer-*,performance-*,-bugprone-easily-swappable-parameters";

struct AnalyzerOptions {
  Analyzer analyzer = Analyzer::clang_tidy;
  std::filesystem::path source_dir;  // the repository root; the analyzer runs there
  std::filesystem::path build_dir;   // holds compile_commands.json
  // Repository-relative translation units to analyse ('/'-separated). Files the compile database does
  // not list (headers, files of targets that are not built) are skipped with a warning.
  std::vector<std::string> files;
  std::chrono::milliseconds timeout{0};  // the time limit, named in messages; 0: none
  // When the limit's clock started; the default (the epoch): when this run starts. A caller that runs the
  // analyzer twice under one limit (the static tier: with and without the change) passes its own start.
  std::chrono::steady_clock::time_point clock_start{};
  // Translation units analysed at once (one process each); 0: the number of cores.
  unsigned jobs = 0;
  std::string program;   // the program to run; empty: "clang-tidy" or "cppcheck" from PATH
  // Called with each analyzer process's group as it starts (one at a time, never concurrently), e.g. to
  // record it in the journal.
  std::function<void(int process_group)> on_started;
};

struct AnalyzerRun {
  std::vector<Finding> findings;      // sorted by file, line, column, rule; one per distinct diagnostic
  // Each analysed translation unit's own findings (those of its process alone), sorted the same way. A
  // header's finding that several units report is in each of theirs, and once in `findings`, with the
  // notes of the first unit in the caller's order.
  std::map<std::string, std::vector<Finding>> by_unit;
  std::vector<std::string> warnings;  // files that were not analysed, and why
  // What ran, for reports (empty when nothing had to run). clang-tidy: the command for all the files at
  // once, which gives the same findings as the per-file processes that ran; cppcheck: each process's
  // command, one per line.
  std::string command_line;
};

// One process per translation unit, up to `jobs` at a time, in source_dir; the outputs are read in the
// order of `files`, so the findings (and the notes kept with a header's finding that several units
// report) are those of one process over all of them, whichever process ends first.
// clang-tidy:
//   clang-tidy -p <build_dir> --quiet [--checks=<kDefaultClangTidyChecks>] --header-filter=^<source_dir>/
//              <absolute file>
// --checks only when source_dir has no .clang-tidy. clang-tidy exits non-zero when it reports an error (a
// compile error, or a warning made an error by WarningsAsErrors): that is a normal result as long as its
// output holds diagnostics; a non-zero exit with no diagnostic at all is a failure.
// cppcheck, over a copy of compile_commands.json that holds only the unit's entries (the database's own
// flags, without depending on how a cppcheck version matches --file-filter):
//   cppcheck --project=<copy> --xml --xml-version=2
//            --enable=warning,style,performance,portability --inline-suppr --quiet
//            --suppress=missingIncludeSystem --suppress=missingInclude --suppress=unmatchedSuppression
//            --suppress=checkersReport
// and its standard error, the XML report, is read with parse_cppcheck_xml. Without --error-exitcode
// cppcheck exits non-zero only when it could not do its work: any non-zero exit is a failure, and so is
// a report that cannot be read whole. (cppcheck's own -j is not used: it keeps a header's finding for one
// of the units that report it, so no unit's own findings would be known.)
// Findings in build_dir (generated files) are dropped too when build_dir lies inside source_dir.
// Throws Error(usage) when build_dir has no compile_commands.json (configure with
// CMAKE_EXPORT_COMPILE_COMMANDS=ON) or the analyzer is not installed; Error(internal), naming the command
// and what happened, when it crashed, failed, printed more than can be read, or (cppcheck) wrote a report
// that is not its XML report; Error(internal) naming the
// limit and the files still being analysed (or not yet started) when the time ran out or a process was
// killed; Interrupted when the gate was interrupted. Nothing that went wrong is ever an empty result.
AnalyzerRun run_analyzer(const AnalyzerOptions& options);

// What decides run_analyzer's findings besides the units, their compile commands, the files they include,
// the analyzer's version and the project's .clang-tidy: the options it passes and how it reads the
// output, as text. Part of every stored analysis's key: it changes whenever they do.
std::string analysis_settings(Analyzer analyzer);

// The diagnostics in clang-tidy's standard output ("<file>:<line>:<col>: warning: <message> [<check>]").
// Notes (and the source excerpts below each diagnostic) belong to the diagnostic before them: they go
// into its `detail`, not into findings of their own. Severity, clang-tidy's own word: "error" (also for
// fatal error, and for a check WarningsAsErrors lists), "warning", "remark"; a check list
// "check,-warnings-as-errors" gives the check.
// Relative paths are taken relative to source_dir. A diagnostic without a location (an unknown compiler
// flag) is kept with an empty file; one outside source_dir is dropped; a repeated diagnostic (a header's
// warning, reported once per translation unit that includes it) is kept once.
std::vector<Finding> parse_clang_tidy_output(std::string_view text, const std::filesystem::path& source_dir);

// The diagnostics of cppcheck's XML report (runners/cppcheck_report.h), in its order. A finding is where
// the diagnostic's first location is: rule its id, severity cppcheck's own word ("error", "warning",
// "style", "performance", "portability", "information", "debug"), message its msg. A diagnostic without
// a location, or whose file is "nofile", is kept with an empty file (line and column 0); one whose file
// is outside source_dir is dropped; a repeated one is kept once. The further locations (the steps to it:
// "Assuming condition is false") that carry a text and lie inside source_dir go into `detail` as
// "<file>:<line>:<col>: note: <text>" lines, as clang-tidy's notes do. Throws what
// parse_cppcheck_report throws for a report that cannot be read.
std::vector<Finding> parse_cppcheck_xml(std::string_view xml, const std::filesystem::path& source_dir);

}  // namespace autofix::runners
