// SPDX-License-Identifier: MIT
#pragma once
// One fix attempt: snapshot → baseline → apply → build → test → classify → decide → accept or roll back.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/run/session.h"
#include "gate/state/baseline.h"

namespace autofix {

// One of on_accept_choices() (gate/results/on_accept.h); Error(usage) for anything else.
OnAccept on_accept_from(const std::string& text);

// What an attempt adds to a session's options: the fix, and what to do with it.
struct AttemptOptions : SessionOptions {
  std::optional<std::string> patch_file;      // a path, or "-" for standard input
  std::vector<std::string> fixer;             // a command run from the repository root
  bool dry_run = false;                       // print the plan; build, run and judge nothing (verdict planned)
  OnAccept on_accept = OnAccept::branch;
};

// Runs the attempt and writes report.json, junit.xml and summary.md. Throws Error only for problems
// found before anything changed (usage, repository state, lock); everything later becomes a verdict.
AttemptOutcome run_attempt(const AttemptOptions& options, reporters::Progress& progress);

struct BaselineOutcome {
  BaselineInfo info;
  size_t tests = 0;
  size_t passed = 0;
};

// `autofix-gate baseline`: builds and tests the tree as it is and stores the result (or reports the
// stored one), so later attempts against this tree skip it.
BaselineOutcome compute_baseline(const AttemptOptions& options, reporters::Progress& progress);

}  // namespace autofix
