// SPDX-License-Identifier: MIT
#pragma once
// What kind of failure a result that was not accepted shows (docs/recovery.md, "Failure types"): told from
// what the run recorded, in the order decide() judges, with the lines it was told from as evidence.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/results/recovery.h"

namespace autofix {

// The lines of a tool's output that say the machine failed the run, not the code: no space left, out of
// memory, a compiler killed by signal 9, too many open files (resource exhaustion), or a download that
// failed (CMake FetchContent/ExternalProject, git clone, apt, DNS and connection errors). In order, each
// trimmed and cut at 300 bytes, at most `limit`.
std::vector<std::string> environment_lines(std::string_view output, std::size_t limit = 10);

// Which of resource exhaustion and network a line of environment_lines is; nullopt for any other line.
std::optional<FailureType> environment_failure_of(std::string_view line);

// The type, the signature (gate/policy/failure_signature.h) and the evidence of a result that was not
// accepted; nullopt for accepted results and dry runs.
std::optional<Failure> classify_failure(const AttemptResult& result);

}  // namespace autofix
