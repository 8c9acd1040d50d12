// SPDX-License-Identifier: MIT
#pragma once
// The history record of a run (docs/history.md): built from its results once the verdict stands, and
// appended to refs/autofix/history. Appending never changes the outcome: a failure is a warning.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/git/signature.h"
#include "gate/results/attempt_result.h"
#include "gate/results/batch_result.h"
#include "gate/results/history_record.h"

namespace autofix {

// The CI run this process belongs to: "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
// when the three are set, else $CI_JOB_URL (GitLab), else empty.
std::string ci_run_url(const git::Environment& env);
// Who runs the gate: the author identity git would pick for a commit (git/signature.h: GIT_AUTHOR_*,
// author.*, user.*, $EMAIL), this host's name, and the CI run.
HistoryWho history_who(const git::Repository& repo, const git::Environment& env);

// What a record holds besides the results.
struct HistoryContext {
  std::string command;  // attempt, verify, batch, batch-step
  std::vector<std::string> words;  // the command line, word by word, the program's name first
  HistoryWho who;
  std::string ended;                      // ISO 8601 UTC
  std::optional<std::string> patch;       // the patch's bytes, when the fix was a patch
  std::optional<std::string> patch_file;  // as given ("-" for standard input)
  std::string base;                       // the commit the fix was judged on (verify: its --base)
};

// What every record has from its run: the id (`own_id` when it has a history id's form, else a new one
// dated `started`), times, command, arguments (after the program and command names), who, the patch's
// hash and file, the base, the gate's version.
HistoryRecord history_record_header(const HistoryContext& context, const std::string& own_id, const std::string& started);

// The record of an attempt or verify (or one batch step's judged result, command batch-step): its id is
// the attempt's id when that has a history id's form, else a new one.
HistoryRecord history_record_of(const AttemptResult& r, const HistoryContext& context);
// The record of a whole batch: its verdict is accepted (every fix landed), rejected (some did not) or error.
// Its id is the batch's, or a new one for a resumed batch (the first run may have a record).
HistoryRecord history_record_of(const BatchResult& r, const HistoryContext& context);

// Appends `record` to the history; a failure is one warning line on `err` naming the ref and what failed.
void record_history_or_warn(const git::Repository& repo, const HistoryRecord& record, std::ostream& err) noexcept;

}  // namespace autofix
