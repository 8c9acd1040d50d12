// SPDX-License-Identifier: MIT
#pragma once
// One entry of the gate's history (docs/history.md): what ran, who ran it, on what, and what came of it.
// Every `attempt`, `verify`, batch step and `batch` appends one, kept in the repository under
// refs/autofix/history (gate/state/history_store.h) so that it survives CI's fresh clones.
// Values that name closed sets (verdict, lane, risk, failure type) are kept as their names: a history
// holds records of older and newer gates, and a name this gate does not know must not make one unreadable.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gate/util/clock.h"

namespace autofix {

// The verdict of a run the circuit breaker refused before it touched anything.
inline constexpr const char* kRefusedBreakerOpen = "refused_breaker_open";

struct HistoryWho {
  std::string name;        // git's identity, as git would pick it for a commit
  std::string email;
  std::string host;
  std::string ci_run_url;  // the CI run, when known; else empty
  bool operator==(const HistoryWho&) const = default;
};

struct HistoryFix {
  std::string patch_sha256;        // of the patch's bytes, when the fix was a patch
  std::string patch_file;          // the patch's file as given
  std::vector<std::string> fixer;  // the fixer's argv, when a command made the fix
  bool operator==(const HistoryFix&) const = default;
};

struct HistoryFailure {
  std::string type;       // a FailureType name; empty when the run was accepted
  std::string signature;  // normalized (gate/policy/failure_signature.h)
  bool operator==(const HistoryFailure&) const = default;
};

struct HistoryTests {
  std::uint64_t run = 0;
  std::uint64_t passed = 0;
  std::vector<std::string> fixed;   // FAIL_TO_PASS, by name
  std::vector<std::string> broken;  // the regressions, by name
  std::vector<std::string> flaky;   // judged flaky in this run, by name (none in records before 0.3)
  bool operator==(const HistoryTests&) const = default;
};

struct HistoryRecord {
  std::string id;       // "20261207T221522Z-3f9a1c2b": time-sortable (is_history_id)
  std::string started;  // ISO 8601 UTC, "2026-12-07T22:15:22Z"
  std::string ended;
  std::string command;  // attempt, verify, batch, batch-step
  std::vector<std::string> args;  // the command line after the program's name
  HistoryWho who;
  HistoryFix fix;
  std::string base;  // the commit the fix was judged on
  std::string head;  // verify: the head commit; else empty
  std::string lane;
  std::string risk;
  std::string verdict;  // a Verdict name, a batch fix's verdict, or kRefusedBreakerOpen
  std::string reason;
  HistoryFailure failure;
  HistoryTests tests;
  std::vector<std::pair<std::string, std::uint64_t>> phase_ms;  // milliseconds by phase, in order
  std::string snapshot;
  std::string branch;  // created on accept; else empty
  std::string commit;
  std::string gate_version;
  std::string breaker_key;  // the circuit breaker's key (docs/breaker.md); empty when none applies
  bool operator==(const HistoryRecord&) const = default;
};

// Whether `id` is "YYYYMMDDTHHMMSSZ-" followed by 6 to 16 lowercase hex digits (attempt ids have 6, ids
// made here 8), with a real month and day: what the store files records under.
bool is_history_id(std::string_view id) noexcept;
// A new id for a record of a run that started at `started`: the time and 8 random hex digits.
std::string new_history_id(SystemTime started);

}  // namespace autofix
