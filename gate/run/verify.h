// SPDX-License-Identifier: MIT
#pragma once
// `autofix-gate verify`: the verdict for a change that is already committed. The base (the tree without
// the change) and the head are checked out in turn into the work tree, built and tested in the same
// build tree, and compared as in an attempt; the checkout is then restored exactly as it was. Nothing is
// committed, whatever the verdict.
#include <optional>
#include <string>

#include "gate/run/session.h"
#include "gate/run/shard.h"

namespace autofix {

struct VerifyOptions {
  SessionOptions common;              // directory, build/report dirs, config, timeout, jobs, fail-fast, ...
  std::optional<std::string> base;    // --base; else AUTOFIX_GATE_BASE, the configuration's base, the merge
                                      // base with the default branch, HEAD~1
  std::optional<std::string> head;    // --head; default HEAD
  std::optional<ShardSpec> shard;     // --shard K/N
  std::optional<std::filesystem::path> durations;  // a report.json whose test durations balance the shards
};

// Resolves the base as documented above. Throws Error(usage) when none can be found.
std::string resolve_base_spec(const git::Repository& repo, const std::optional<std::string>& option,
                              const std::optional<std::string>& configured, std::string* how = nullptr);

AttemptOutcome run_verify(const VerifyOptions& options, reporters::Progress& progress);

}  // namespace autofix
