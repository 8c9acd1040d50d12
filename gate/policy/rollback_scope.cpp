// SPDX-License-Identifier: MIT
#include "gate/policy/rollback_scope.h"

#include <algorithm>
#include <sstream>

#include "gate/policy/glob.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

std::string short_id(const std::string& id) { return id.substr(0, 12); }

bool matches_any(const std::vector<std::string>& globs, const std::string& path) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, path); });
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

}  // namespace

bool is_autofix_commit(const Trailers& trailers) {
  return std::any_of(trailers.begin(), trailers.end(), [](const auto& t) {
    return t.first == "Autofix-Attempt" || t.first == "Autofix-Batch";
  });
}

RollbackScope scope_rollback(const RollbackRequest& r) {
  if (r.since.empty())
    throw Error(ErrorKind::usage, "HEAD is the version to roll back to: there is nothing to roll back",
                "name an older commit with --to");
  if (r.level != RollbackLevel::paths && !r.globs.empty())
    throw Error(ErrorKind::usage, "--paths goes with --level paths", "add --level paths, or drop --paths");
  if (r.strategy == RollbackStrategy::reset) {
    if (r.level != RollbackLevel::complete)
      throw Error(ErrorKind::usage,
                  std::string("--strategy reset moves the whole branch: it goes only with --level complete, not ") +
                      to_string(r.level),
                  "use --strategy revert (the default) for this level");
    if (r.has_upstream && !r.force)
      throw Error(ErrorKind::usage,
                  "--strategy reset would rewrite history the branch shares with its upstream",
                  "use --strategy revert (the default), or add --force if rewriting it is what you want");
  }
  RollbackScope plan;
  switch (r.level) {
    case RollbackLevel::complete:
      plan.undone = r.since;
      break;
    case RollbackLevel::autofix:
      for (const RollbackCommit& c : r.since)
        if (c.autofix && (r.only.empty() || std::find(r.only.begin(), r.only.end(), c.id) != r.only.end()))
          plan.undone.push_back(c);
      if (plan.undone.empty())
        throw Error(ErrorKind::usage,
                    "no autofix commit (Autofix-Attempt or Autofix-Batch trailer) among the " +
                        std::to_string(r.since.size()) + " commit(s) since the version",
                    "use --level complete or --level paths to roll back other work");
      break;
    case RollbackLevel::paths:
      if (r.globs.empty())
        throw Error(ErrorKind::usage, "--level paths needs --paths GLOB...", "name the paths to put back, e.g. --paths 'src/net/**'");
      for (const std::string& p : r.differing_paths)
        if (matches_any(r.globs, p)) plan.paths.push_back(p);
      std::sort(plan.paths.begin(), plan.paths.end());
      if (plan.paths.empty())
        throw Error(ErrorKind::usage,
                    "no file that changed since the version matches " + joined(r.globs, ", ") + " (" +
                        std::to_string(r.differing_paths.size()) + " file(s) changed)",
                    "check the globs (docs/configuration.md, \"Glob patterns\"); `git diff --stat <version>` lists the files");
      plan.undone = r.since;  // whichever of them touched the paths: the paths' content goes back
      break;
  }
  return plan;
}

std::string rollback_commit_message(RollbackLevel level, const std::string& rollback_id, const std::string& to_commit,
                                    const RollbackScope& plan, const RollbackCommit* reverted,
                                    const std::string& reason, const std::string& health_id) {
  std::ostringstream m;
  if (level == RollbackLevel::autofix && reverted) {
    m << "Revert \"" << reverted->summary << "\"\n\n"
      << "This reverts commit " << reverted->id << " (autofix-gate rollback to " << short_id(to_commit) << ").\n";
  } else if (level == RollbackLevel::paths) {
    m << "autofix-gate: roll back " << plan.paths.size() << " path(s) to " << short_id(to_commit) << "\n\n";
    for (const std::string& p : plan.paths) m << "  " << p << "\n";
  } else {
    m << "autofix-gate: roll back to " << short_id(to_commit) << "\n\n"
      << "Undoes " << plan.undone.size() << " commit(s):\n";
    for (const RollbackCommit& c : plan.undone) m << "  " << short_id(c.id) << " " << c.summary << "\n";
  }
  if (!reason.empty()) m << "\nWhy: " << reason << "\n";
  m << "\nAutofix-Rollback: " << rollback_id << "\nAutofix-Rollback-To: " << to_commit << "\n";
  if (!health_id.empty()) m << "Autofix-Health: " << health_id << "\n";
  return m.str();
}

}  // namespace autofix
