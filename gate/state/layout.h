// SPDX-License-Identifier: MIT
#pragma once
// Where things live for one run: the repository root, the CMake source and build directories, and where
// the reports go. Inside the work tree, the build and report directories are left out of every snapshot.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"

namespace autofix {

// The directories the configuration file names (docs/configuration.md), relative to the repository root;
// unset: the defaults.
struct ConfiguredDirs {
  std::optional<std::string> source_dir, build_dir, report_dir;
};

struct Layout {
  const git::Repository* repo = nullptr;
  std::filesystem::path root;
  std::filesystem::path source_dir;  // the CMake source directory: root, or --source-dir / source_dir inside it
  std::filesystem::path build_dir;
  std::filesystem::path report_dir;  // where this run's reports go (see place_reports)
  // The default report directory is a root with one directory per run (gate/state/report_location.h);
  // an explicit one (--report-dir, "report_dir") is used as it is.
  std::filesystem::path report_root;
  bool report_per_attempt = false;
  std::vector<std::string> excluded;  // build and report directories inside the work tree
};

// Command-line paths are relative to `cwd`; configured ones to the repository root. Throws Error(usage)
// when the build or report directory is the repository root, or the source directory is outside it.
// (check_project_layout in gate/judge/project_check.h then looks at what is on disk.)
Layout resolve_layout(const git::Repository& repo, const std::filesystem::path& cwd,
                      const std::optional<std::filesystem::path>& build_dir,
                      const std::optional<std::filesystem::path>& report_dir, const ConfiguredDirs& config,
                      const std::optional<std::filesystem::path>& source_dir = std::nullopt);

// Once the run's id is known: its reports go to <report root>/<id> (the default), or to the explicit
// report directory.
void place_reports(Layout& l, const std::string& attempt_id);
// After the reports were written: <report root>/latest names this run's (the default only).
void publish_reports(const Layout& l, const std::string& attempt_id);

}  // namespace autofix
