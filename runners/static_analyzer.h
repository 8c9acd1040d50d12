#pragma once
// Runs a static analyzer (clang-tidy or cppcheck) over some of a project's translation units, with the
// flags of its compile database, and reads its diagnostics back as findings. Fails closed: when the
// analyzer cannot be run, dies, times out, or fails while printing nothing we can read, this throws; it
// never returns an empty or guessed "no findings".
//
// Findings are repository-relative (file '/'-separated, relative to source_dir); those in files outside
// source_dir (system and third-party headers) are dropped. Fingerprints are left empty: the caller assigns
// them with the file texts it has (gate/findings.h).
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/attempt_result.h"

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
  std::chrono::milliseconds timeout{0};  // for the whole analyzer run; 0: none
  unsigned jobs = 0;     // cppcheck -j; 0: the number of cores. clang-tidy runs one process (jobs unused).
  std::string program;   // the program to run; empty: "clang-tidy" or "cppcheck" from PATH
  std::function<void(int process_group)> on_started;  // the analyzer's process group, e.g. for the journal
};

struct AnalyzerRun {
  std::vector<Finding> findings;      // sorted by file, line, column, rule; one per distinct diagnostic
  std::vector<std::string> warnings;  // files that were not analysed, and why
  std::string command_line;           // what ran, for reports (empty when nothing had to run)
};

// clang-tidy, in source_dir:
//   clang-tidy -p <build_dir> --quiet [--checks=<kDefaultClangTidyChecks>] --header-filter=^<source_dir>/
//              <absolute files...>
// --checks only when source_dir has no .clang-tidy. clang-tidy exits non-zero when it reports an error
// (a compile error, or a warning made an error by WarningsAsErrors): that is a normal result as long as
// its output holds diagnostics; a non-zero exit with no diagnostic at all is a failure.
// cppcheck, in source_dir, over a copy of compile_commands.json that holds only the entries of `files`
// (the database's own flags, without depending on how a cppcheck version matches --file-filter):
//   cppcheck --project=<copy> --template='{file}:{line}:{column}: {severity}: {message} [{id}]'
//            --enable=warning,style,performance,portability --inline-suppr --quiet -j N
//            --suppress=missingIncludeSystem --suppress=missingInclude --suppress=unmatchedSuppression
//            --suppress=checkersReport
// Without --error-exitcode cppcheck exits non-zero only when it could not do its work: any non-zero exit
// is a failure.
// Findings in build_dir (generated files) are dropped too when build_dir lies inside source_dir.
// Throws Error(usage) when build_dir has no compile_commands.json (configure with
// CMAKE_EXPORT_COMPILE_COMMANDS=ON) or the analyzer is not installed; Error(internal), naming the command
// and what happened, when it crashed, timed out, failed, or printed more than can be read;
// Interrupted when the gate was interrupted.
AnalyzerRun run_analyzer(const AnalyzerOptions& options);

// The diagnostics in clang-tidy's standard output ("<file>:<line>:<col>: warning: <message> [<check>]").
// Notes (and the source excerpts below each diagnostic) belong to the diagnostic before them: they go
// into its `detail`, not into findings of their own. Severity: error and fatal error are "error",
// warning is "warning", remark is "note"; a check list "check,-warnings-as-errors" gives the check.
// Relative paths are taken relative to source_dir. A diagnostic without a location (an unknown compiler
// flag) is kept with an empty file; one outside source_dir is dropped; a repeated diagnostic (a header's
// warning, reported once per translation unit that includes it) is kept once.
std::vector<Finding> parse_clang_tidy_output(std::string_view text, const std::filesystem::path& source_dir);

// The diagnostics cppcheck printed with the template above, one a line. Severity: error is "error";
// warning, style, performance and portability are "warning"; information and debug are "note". A file
// "nofile" or an empty one means no location. Otherwise as parse_clang_tidy_output.
std::vector<Finding> parse_cppcheck_output(std::string_view text, const std::filesystem::path& source_dir);

// The translation units compile_commands.json in build_dir lists, repository-relative to source_dir,
// sorted, each once; entries outside source_dir are left out. Throws Error(usage) when the database is
// missing or is not a compile database.
std::vector<std::string> translation_units_in_database(const std::filesystem::path& build_dir,
                                                       const std::filesystem::path& source_dir);

}  // namespace autofix::runners
