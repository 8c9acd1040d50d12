// SPDX-License-Identifier: MIT
#pragma once
// What went wrong with an attempt that was not accepted, in a closed set of failure types, and the ordered
// plan of what to do next (docs/recovery.md). gate/policy/failure_type.h decides the type,
// gate/policy/failure_signature.h the signature, gate/policy/recovery_plan.h the plan; reporters show them.
#include <string>
#include <vector>

#include "gate/util/enum_table.h"

namespace autofix {

enum class FailureType {
  build_failure,         // the tree with the fix does not build
  test_regression,       // a test the fix broke
  quality_gate,          // a required static, secrets, sanitizer or command tier failed
  tampering,             // the fix weakened tests (needs review)
  timeout,               // the build or a regressed test reached its time limit
  resource_exhaustion,   // no space left, out of memory, a compiler killed by signal 9, too many open files
  network,               // configure or build could not download (FetchContent, ExternalProject, DNS, ...)
  git_error,             // a git operation failed
  patch_refused,         // the patch does not apply, or is unsafe
  breaker_open,          // refused: the circuit breaker of the attempt's key is open (docs/breaker.md)
  unknown,               // none of the above could be told from what the run recorded
};
inline constexpr auto kFailureTypes = enum_table<FailureType>(
    {{FailureType::build_failure, "build_failure"}, {FailureType::test_regression, "test_regression"},
     {FailureType::quality_gate, "quality_gate"}, {FailureType::tampering, "tampering"},
     {FailureType::timeout, "timeout"}, {FailureType::resource_exhaustion, "resource_exhaustion"},
     {FailureType::network, "network"}, {FailureType::git_error, "git_error"},
     {FailureType::patch_refused, "patch_refused"}, {FailureType::breaker_open, "breaker_open"},
     {FailureType::unknown, "unknown"}});
inline const char* to_string(FailureType t) noexcept { return kFailureTypes.c_name_of(t); }
template <typename Json>
void to_json(Json& j, FailureType t) {
  j = to_string(t);
}

struct Failure {
  FailureType type = FailureType::unknown;
  // The reason and the names of what failed, with run-specific details (times, paths, line numbers,
  // addresses, ids) replaced by placeholders: equal for two runs that failed the same way.
  std::string signature;
  std::vector<std::string> evidence;  // the lines the type was told from, as the run printed them (capped)
  bool operator==(const Failure&) const = default;
};

enum class RecoveryAction { retry, resume, skip, rollback, manual };
inline constexpr auto kRecoveryActions = enum_table<RecoveryAction>(
    {{RecoveryAction::retry, "retry"}, {RecoveryAction::resume, "resume"}, {RecoveryAction::skip, "skip"},
     {RecoveryAction::rollback, "rollback"}, {RecoveryAction::manual, "manual"}});
inline const char* to_string(RecoveryAction a) noexcept { return kRecoveryActions.c_name_of(a); }
template <typename Json>
void to_json(Json& j, RecoveryAction a) {
  j = to_string(a);
}

// One step of a recovery plan: the action, the exact command to run (empty when a person must look
// first: then `why` names what to look at), and why it is recommended.
struct RecoveryStep {
  RecoveryAction action = RecoveryAction::manual;
  std::string command;
  std::string why;
  bool operator==(const RecoveryStep&) const = default;
};

}  // namespace autofix
