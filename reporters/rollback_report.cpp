// SPDX-License-Identifier: MIT
#include "reporters/rollback_report.h"

#include <sstream>

namespace autofix::reporters {

using nlohmann::json;

namespace {

std::string short_id(const std::string& id) { return id.substr(0, 12); }

json commits_json(const std::vector<RollbackCommit>& commits) {
  json out = json::array();
  for (const RollbackCommit& c : commits) out.push_back({{"commit", c.id}, {"summary", c.summary}, {"autofix", c.autofix}});
  return out;
}

std::string what_it_undoes(const RollbackResult& r) {
  std::ostringstream out;
  switch (r.level) {
    case RollbackLevel::complete:
      out << "the branch goes back to " << short_id(r.to_commit) << "'s content, undoing " << r.undone.size()
          << " commit(s)" << (r.strategy == RollbackStrategy::reset ? " (the branch ref moves back)" : " (one revert commit)");
      break;
    case RollbackLevel::autofix:
      out << "reverts the " << r.undone.size() << " autofix commit(s) since " << short_id(r.to_commit)
          << ", newest first, keeping the other " << (r.since.size() - r.undone.size()) << " commit(s)";
      break;
    case RollbackLevel::paths:
      out << "puts " << r.paths_changed.size() << " file(s) matching the paths back as " << short_id(r.to_commit)
          << " has them (one commit)";
      break;
  }
  return out.str();
}

}  // namespace

json rollback_json(const RollbackResult& r) {
  json check = nullptr;
  if (r.check)
    check = {{"verdict", r.check->verdict},
             {"reason", r.check->reason},
             {"tests_at_version", r.check->tests_at_version},
             {"passed_at_version", r.check->passed_at_version},
             {"tests_after", r.check->tests_after},
             {"passed_after", r.check->passed_after},
             {"broken", r.check->broken},
             {"report_dir", r.check->report_dir.empty() ? json(nullptr) : json(r.check->report_dir)}};
  json before = nullptr;
  if (r.tests_before)
    before = {{"built", r.tests_before->built},
              {"stored", r.tests_before->stored},
              {"reason", r.tests_before->reason.empty() ? json(nullptr) : json(r.tests_before->reason)},
              {"passed", r.tests_before->passed},
              {"failed", r.tests_before->failed}};
  return {{"kind", "rollback"},
          {"id", r.id},
          {"started", r.started},
          {"to", {{"spec", r.to_spec}, {"commit", r.to_commit}}},
          {"level", to_string(r.level)},
          {"strategy", to_string(r.strategy)},
          {"paths", r.globs},
          {"reason", r.reason},
          {"who", r.who},
          {"branch", r.branch},
          {"head_before", r.head_before},
          {"head_after", r.head_after.empty() ? json(nullptr) : json(r.head_after)},
          {"since", commits_json(r.since)},
          {"undone", commits_json(r.undone)},
          {"commits_written", r.commits_written},
          {"files_changed", r.paths_changed},
          {"dry_run", r.dry_run},
          {"tests_before", before},
          {"check", check}};
}

std::string rollback_plan_text(const RollbackResult& r) {
  std::ostringstream out;
  out << "dry run: rollback of " << r.branch << " (" << to_string(r.level) << ", " << to_string(r.strategy) << ") to "
      << short_id(r.to_commit) << " (" << r.to_spec << ")\n"
      << "  " << what_it_undoes(r) << "\n";
  for (const RollbackCommit& c : r.undone) out << "  undo " << short_id(c.id) << " " << c.summary << "\n";
  out << "  " << r.paths_changed.size() << " file(s) would change:\n";
  for (const std::string& p : r.paths_changed) out << "    " << p << "\n";
  out << "nothing was changed\n";
  return out.str();
}

std::string rollback_markdown(const RollbackResult& r) {
  std::ostringstream out;
  out << "# Rollback " << r.id << "\n\n"
      << "| | |\n|---|---|\n"
      << "| branch | `" << r.branch << "` |\n"
      << "| back to | `" << r.to_commit << "` (" << r.to_spec << ") |\n"
      << "| level | " << to_string(r.level) << " (" << to_string(r.strategy) << ") |\n"
      << "| by | " << r.who << " |\n"
      << "| when | " << r.started << " |\n"
      << "| why | " << (r.reason.empty() ? "(no reason given)" : r.reason) << " |\n"
      << "| head before | `" << r.head_before << "` |\n"
      << "| head after | `" << r.head_after << "` |\n\n"
      << "## What was rolled back\n\n" << what_it_undoes(r) << ".\n\n";
  for (const RollbackCommit& c : r.undone)
    out << "- `" << short_id(c.id) << "` " << c.summary << (c.autofix ? " (autofix)" : "") << "\n";
  out << "\n## Files changed (" << r.paths_changed.size() << ")\n\n";
  for (const std::string& p : r.paths_changed) out << "- `" << p << "`\n";
  out << "\n## Tests\n\n";
  if (r.tests_before) {
    const RollbackResult::TestsBefore& b = *r.tests_before;
    if (!b.built)
      out << "Before the rollback (`" << short_id(r.head_before) << "` as the work tree had it): not judged: " << b.reason
          << ".\n\n";
    else
      out << "Before the rollback (`" << short_id(r.head_before) << "` as the work tree had it"
          << (b.stored ? ", its stored baseline" : "") << "): " << b.passed.size() << " passed, " << b.failed.size()
          << " failed.\n";
    for (const std::string& t : b.failed) out << "- failed before: `" << t << "`\n";
    if (b.built) out << "\n";
  }
  if (!r.check) {
    out << "Not checked (`--no-verify`).\n";
  } else if (r.check->verdict == "identical") {
    out << "The branch's tree is the version's tree: as green as the version by construction.\n";
  } else {
    out << "| | tests | passed |\n|---|---:|---:|\n"
        << "| at " << short_id(r.to_commit) << " | " << r.check->tests_at_version << " | " << r.check->passed_at_version << " |\n"
        << "| after the rollback | " << r.check->tests_after << " | " << r.check->passed_after << " |\n\n"
        << "Check: **" << r.check->verdict << "**: " << r.check->reason << "\n";
    for (const std::string& t : r.check->broken) out << "- broken: `" << t << "`\n";
  }
  if (r.strategy == RollbackStrategy::reset)
    out << "\nThe commits the branch dropped are still reachable as `" << r.head_before
        << "` (`git branch rescued " << r.head_before.substr(0, 12) << "` keeps them).\n";
  else
    out << "\nUndo this rollback with `autofix-gate rollback --to " << r.head_before.substr(0, 12)
        << " --level complete` (its commits carry `Autofix-Rollback: " << r.id << "`).\n";
  return out.str();
}

}  // namespace autofix::reporters
