// SPDX-License-Identifier: MIT
#include "runners/gitleaks.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <system_error>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/temporary_directory.h"
#include "gate/util/paths.h"
#include "gate/util/signals.h"
#include "gate/util/io_errors.h"
#include "runners/gitleaks_report.h"
#include "runners/junit_reader.h"
#include "runners/process.h"
#include "runners/program_lookup.h"

namespace autofix::runners {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kScanRoot = "staged";  // gitleaks' --source, relative to the temporary directory
constexpr std::string_view kRepoDir = "repo";     // below it, the added lines at their repository paths
constexpr size_t kOutputCap = 64 * 1024;

const char* const kHint = "run gitleaks yourself (v8.18 or later is needed), or set \"gitleaks\": \"off\" on the tier";


// The repository-relative path of a report's File: "staged/repo/<path>", maybe absolute or after "./".
std::optional<std::string> repository_path_of(const std::string& reported, const fs::path& dir) {
  const std::string inside = std::string(kScanRoot) + "/" + std::string(kRepoDir) + "/";
  std::string_view p = reported;
  const std::string absolute = (dir / "").string();
  if (p.starts_with(absolute)) p.remove_prefix(absolute.size());
  while (p.starts_with("./")) p.remove_prefix(2);
  if (!p.starts_with(inside)) return std::nullopt;
  return std::string(p.substr(inside.size()));
}

std::string output_excerpt(const ProcessResult& r) {
  std::string text = r.err.empty() ? r.out : r.err + (r.out.empty() ? "" : "\n" + r.out);
  return cap_text(text, 1024);
}

}  // namespace

std::optional<fs::path> locate_gitleaks(const std::string& setting) {
  if (setting == "off") return std::nullopt;
  if (setting == "auto") return find_program("gitleaks");
  fs::path program = setting;
  if (!program.is_absolute())
    throw Error(ErrorKind::usage, "the gitleaks setting '" + setting + "' is not \"auto\", \"off\" or an absolute path",
                "name the gitleaks executable by its absolute path");
  std::error_code ec;
  if (!fs::is_regular_file(program, ec) || ::access(program.c_str(), X_OK) != 0)
    throw Error(ErrorKind::usage, "gitleaks: " + program.string() + " is not an executable file",
                "install gitleaks there, point the tier's \"gitleaks\" at it, or set it to \"auto\" or \"off\"");
  return program;
}

std::vector<GitleaksFinding> run_gitleaks(const GitleaksOptions& options, const std::vector<AddedFile>& files) {
  std::map<std::string, const AddedFile*> staged;
  for (const AddedFile& f : files) {
    if (f.lines.empty()) continue;
    if (f.lines.size() != f.line_numbers.size())
      throw Error(ErrorKind::internal, "gitleaks input for '" + f.path + "' has " + std::to_string(f.lines.size()) +
                                           " lines and " + std::to_string(f.line_numbers.size()) + " line numbers");
    if (!is_safe_relative_path(f.path))
      throw Error(ErrorKind::internal, "refusing to stage '" + f.path + "' for gitleaks: not a path inside the repository");
    if (!staged.emplace(f.path, &f).second) throw Error(ErrorKind::internal, "gitleaks input names '" + f.path + "' twice");
  }
  if (staged.empty()) return {};

  TemporaryDirectory dir("autofix-gitleaks");
  const fs::path repo = dir.path() / kScanRoot / kRepoDir;
  for (const auto& [path, file] : staged) {
    std::string content;
    for (const std::string& line : file->lines) content += line + "\n";
    const fs::path target = repo / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw_errno("cannot create a directory for gitleaks", target.parent_path().string(), ec.value());
    write_file_atomically(target, content, 0600, Durability::cache);
  }

  const fs::path report = dir.path() / "report.json";
  ProcessSpec spec;
  spec.argv = {options.program.string(), "detect", "--no-git", "--source", std::string(kScanRoot), "--report-format", "json",
               "--report-path", report.string(), "--exit-code", "0", "--no-banner", "--ignore-gitleaks-allow",
               "--log-level", "warn"};
  spec.working_directory = dir.path();
  spec.timeout = options.timeout;
  spec.output_cap = kOutputCap;
  spec.on_started = options.on_started;
  ProcessResult r;
  try {
    r = run_process(spec);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) throw;
    throw Error(ErrorKind::usage, "cannot run gitleaks: " + std::string(e.what()), kHint);
  }
  if (r.interrupted) {
    throw_if_interrupted();
    throw Error(ErrorKind::internal, "gitleaks was stopped by an interrupt");
  }
  const std::string what = "gitleaks (" + options.program.string() + ")";
  if (r.timed_out) throw Error(ErrorKind::internal, what + " did not finish in time (" + r.describe() + ")",
                               "raise the tier's timeout, or set \"gitleaks\": \"off\" on the tier");
  if (!r.succeeded())
    throw Error(ErrorKind::internal, what + " failed (" + r.describe() + "): " + output_excerpt(r), kHint);

  std::error_code ec;
  if (!fs::is_regular_file(report, ec))
    throw Error(ErrorKind::io, what + " exited 0 without writing its report " + report.filename().string(), kHint);
  uintmax_t size = fs::file_size(report, ec);
  if (ec) throw_errno("cannot read the gitleaks report", report.string(), ec.value());
  if (size > kMaxGitleaksReportBytes)
    throw Error(ErrorKind::io, "cannot read the gitleaks report: it has " + std::to_string(size) + " bytes, more than the " +
                                   std::to_string(kMaxGitleaksReportBytes) + " the gate reads", kHint);

  std::vector<GitleaksFinding> findings;
  for (GitleaksReportFinding& f : parse_gitleaks_report(read_file(report), "the gitleaks report")) {
    std::optional<std::string> path = repository_path_of(f.file, dir.path());
    auto file = path ? staged.find(*path) : staged.end();
    if (file == staged.end())
      throw Error(ErrorKind::io, "cannot read the gitleaks report: a finding of rule " + f.rule_id +
                                     " is in a file that was not scanned ('" + cap_text(f.file, 256) + "')", kHint);
    const std::vector<int>& lines = file->second->line_numbers;
    if (static_cast<size_t>(f.start_line) > lines.size())
      throw Error(ErrorKind::io, "cannot read the gitleaks report: a finding of rule " + f.rule_id + " is on line " +
                                     std::to_string(f.start_line) + " of '" + *path + "', which has " +
                                     std::to_string(lines.size()) + " scanned line(s)", kHint);
    findings.push_back({std::move(f.rule_id), std::move(f.description), *path,
                        lines[static_cast<size_t>(f.start_line) - 1], std::move(f.secret)});
  }
  return findings;
}

}  // namespace autofix::runners
