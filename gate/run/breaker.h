// SPDX-License-Identifier: MIT
#pragma once
// The circuit breaker at work (docs/breaker.md): the key of an attempt or batch, its state folded from the
// history (gate/state/history_store.h, the breaker index of the key), the refusal while it is open, and
// `autofix-gate breaker list|show|reset`. The rules themselves are gate/policy/breaker.h.
#include <optional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/policy/breaker.h"
#include "gate/results/attempt_result.h"
#include "gate/results/history_record.h"
#include "gate/state/baseline.h"

namespace autofix {

// The key of a run in `repo`: its origin (else its path), its branch, and the target (breaker_target:
// --target, else the tests --require-fixed names, else the baseline's failing tests, else "any").
std::string breaker_key_of(const git::Repository& repo, const std::optional<std::string>& target,
                           const std::vector<std::string>& require_fixed,
                           const std::vector<std::string>& baseline_failing = {});

// The tests that fail on the tree without the fix, as the fix would have to turn them green: those whose
// run failed or timed out, not those its re-runs found flaky. By name, in the baseline's order.
std::vector<std::string> baseline_failing_tests(const BaselineRecord& baseline);

// The breaker events of `records` (a key's history, oldest first), ordered by when each ended: records that
// are no event are left out, a record whose end time cannot be read counts at its start, else is left out.
// Events of one second (the times' resolution) go rejections, refusals, accepted attempts, resets.
std::vector<BreakerEvent> breaker_events(const std::vector<HistoryRecord>& records);

// The exact command that resets `key`.
std::string breaker_reset_command(const std::string& key);

// What an attempt refused in `state` reports (report.json's "breaker").
BreakerRefusal breaker_refusal(const std::string& key, const BreakerState& state);

// The lines printed on stderr when an attempt or batch is refused: key, signature, failures, opened at,
// half-opens at, the reset command.
std::string refusal_message(const BreakerRefusal& refusal);

// The key's state now, folded from the history of `repo`. A damaged record is skipped (and named on
// `warnings`), never a reason to refuse or to fail.
BreakerState current_breaker_state(const git::Repository& repo, const std::string& key, const BreakerConfig& config,
                                   SystemTime now, std::vector<std::string>* warnings = nullptr);

struct BreakerListing {
  std::string key;
  BreakerState state;
};

// Every key the history has, with its state now, sorted by key.
std::vector<BreakerListing> list_breakers(const git::Repository& repo, const BreakerConfig& config, SystemTime now);

// Appends a `breaker-reset` record (verdict "reset") for `key` to the history; returns its id.
std::string reset_breaker(const git::Repository& repo, const std::string& key, const std::string& reason,
                          const std::vector<std::string>& command_words, SystemTime now);

}  // namespace autofix
