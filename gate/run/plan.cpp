// SPDX-License-Identifier: MIT
#include "gate/run/plan.h"

#include <system_error>

#include "gate/git/repository.h"
#include "gate/policy/recovery_plan.h"
#include "gate/results/report_reader.h"
#include "gate/state/layout.h"
#include "gate/state/report_location.h"
#include "gate/util/error.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

// Where the newest run of this repository put its report.json, as attempt and verify place it.
fs::path newest_report(const SessionOptions& o) {
  git::Repository repo = git::Repository::open(o.directory);
  GateConfig config = effective_config(o, repo);
  Layout l = resolve_layout(repo, o.directory, o.build_dir, o.report_dir,
                            ConfiguredDirs{config.source_dir, config.build_dir, config.report_dir}, o.source_dir);
  return (l.report_per_attempt ? l.report_root / kLatestReportLink : l.report_dir) / "report.json";
}

}  // namespace

PlanOutcome read_plan(const PlanOptions& o) {
  PlanOutcome out;
  out.report = o.report ? *o.report : newest_report(o.common);
  std::error_code ec;
  if (!fs::exists(out.report, ec))
    throw Error(ErrorKind::usage, "no report at '" + out.report.string() + "'",
                o.report ? "name the report.json of a run" : "run `autofix-gate attempt` or `verify` first, or name a report.json");
  out.result = read_report_file(out.report);
  // Reports written before recovery plans existed: the plan from what they recorded.
  if (!out.result.failure) explain_outcome(out.result);
  return out;
}

}  // namespace autofix
