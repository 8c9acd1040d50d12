// SPDX-License-Identifier: MIT
#include "gate/run/session.h"

#include <optional>

#include "gate/judge/project_check.h"
#include "gate/run/report_files.h"
#include "gate/run/retention.h"
#include "gate/state/gate_dirs.h"
#include "gate/util/trace.h"

namespace autofix {

namespace fs = std::filesystem;

RepositoryLock lock_before_reading(const git::Repository& repo, const std::string& command_line,
                                   reporters::Progress& progress) {
  std::error_code ec;
  bool fresh = !fs::exists(repo.git_dir() / "autofix", ec);
  RepositoryLock lock = lock_repository(repo, command_line, [&](const std::string& m) { progress.note(m); });
  lock.remove_on_release(fresh);
  return lock;
}

RunSettings run_settings(const SessionOptions& o, const GateConfig& config) {
  RunSettings s;
  s.timeout = o.timeout;
  s.jobs = o.jobs.value_or(config.jobs.value_or(0));  // 0: the runners take the number of cores
  s.flaky_reruns = o.flaky_reruns.value_or(config.flaky_reruns);
  s.test_timeout = o.test_timeout.value_or(config.test_timeout);
  return s;
}

GateConfig effective_config(const SessionOptions& o, const git::Repository& repo) {
  fs::path cwd = fs::absolute(o.directory);
  std::optional<fs::path> explicit_file;
  if (o.config_file) explicit_file = o.config_file->is_absolute() ? *o.config_file : cwd / *o.config_file;
  fs::path build_dir = o.build_dir ? (o.build_dir->is_absolute() ? *o.build_dir : cwd / *o.build_dir)
                                   : repo.workdir() / "build";
  GateConfig config = load_config(explicit_file, repo.workdir(), build_dir);
  if (o.flaky_reruns) config.flaky_reruns = *o.flaky_reruns;
  if (o.allow_test_edits) config.allow_test_edits = true;
  return config;
}

Layout checked_layout(const SessionOptions& o, const git::Repository& repo, const GateConfig& config) {
  Layout l = resolve_layout(repo, o.directory, o.build_dir, o.report_dir, ConfiguredDirs{config.source_dir, config.build_dir, config.report_dir}, o.source_dir);
  require_gate_directories_usable(l);
  check_project_layout(l);
  require_no_user_files_in_gate_directories(l);
  return l;
}

Operation open_operation(const git::Repository& repo, RepositoryLock lock, const std::string& name,
                         const std::string& message, Layout& l, reporters::Progress& progress) {
  std::optional<TraceScope> trace(std::in_place, "snapshot");
  Operation op = Operation::begin(repo, std::move(lock), name, message,
                                  [&progress](const std::string& m) { progress.note(m); }, l.excluded);
  op.gate_changed_nothing_yet();
  trace.emplace("report directory");
  claim_report_directory(l);
  place_reports(l, op.snapshot().manifest.id);
  return op;
}

void write_reports_or_warn(const AttemptResult& result, const Layout& l, reporters::Progress& progress) {
  TraceScope trace("reports");
  try {
    claim_report_directory(l);
    write_report_files(result, l.report_dir);
    publish_reports(l, result.attempt_id);
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot write the reports: ") + e.what());
  }
}

void apply_retention_or_warn(const git::Repository& repo, const GateConfig& config, const AttemptResult& result,
                             reporters::Progress& progress) {
  try {
    auto unless_empty = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
    apply_retention(repo, config.retention, unless_empty(result.snapshot), unless_empty(result.baseline.key));
  } catch (const std::exception& e) {
    progress.note(std::string("warning: cannot remove old snapshots or baselines (retention): ") + e.what());
  }
}

}  // namespace autofix
