// SPDX-License-Identifier: MIT
#include "gate/state/layout.h"

#include "gate/state/report_location.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

fs::path absolute_from(const fs::path& base, const fs::path& p) {
  return (p.is_absolute() ? p : base / p).lexically_normal();
}

}  // namespace

Layout resolve_layout(const git::Repository& repo, const fs::path& cwd, const std::optional<fs::path>& build_dir,
                      const std::optional<fs::path>& report_dir, const ConfiguredDirs& config,
                      const std::optional<fs::path>& source_dir) {
  Layout l;
  l.repo = &repo;
  l.root = repo.workdir();
  fs::path from = fs::absolute(cwd);
  if (source_dir) l.source_dir = absolute_from(from, *source_dir);
  else if (config.source_dir) l.source_dir = absolute_from(l.root, *config.source_dir);
  else l.source_dir = l.root;
  if (fs::path rel = l.source_dir.lexically_relative(l.root); rel.empty() || *rel.begin() == "..")
    throw Error(ErrorKind::usage,
                "the source directory '" + l.source_dir.string() + "' is outside the repository '" + l.root.string() + "'",
                "the gate snapshots and restores the repository: the CMake project it builds must be inside it");
  if (!l.source_dir.has_filename() && l.source_dir != l.source_dir.root_path())
    l.source_dir = l.source_dir.parent_path();  // "cpp/": no trailing '/', it is compared with CMake's paths
  if (build_dir) l.build_dir = absolute_from(from, *build_dir);
  else if (config.build_dir) l.build_dir = absolute_from(l.root, *config.build_dir);
  else l.build_dir = l.root / "build";
  if (report_dir) l.report_dir = absolute_from(from, *report_dir);
  else if (config.report_dir) l.report_dir = absolute_from(l.root, *config.report_dir);
  else l.report_dir = l.build_dir / "autofix";
  l.report_root = l.report_dir;
  l.report_per_attempt = !report_dir && !config.report_dir;
  for (const fs::path& p : {l.build_dir, l.report_dir}) {
    fs::path rel = p.lexically_relative(l.root);
    if (rel.empty() || *rel.begin() == "..") continue;
    if (rel == ".") throw Error(ErrorKind::usage, "the build or report directory cannot be the repository root");
    l.excluded.push_back(rel.generic_string());
  }
  return l;
}

void place_reports(Layout& l, const std::string& attempt_id) {
  l.report_dir = l.report_per_attempt ? attempt_report_dir(l.report_root, attempt_id) : l.report_root;
}

void publish_reports(const Layout& l, const std::string& attempt_id) {
  if (l.report_per_attempt) publish_latest(l.report_root, attempt_id);
}

}  // namespace autofix
