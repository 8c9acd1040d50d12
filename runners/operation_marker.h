// SPDX-License-Identifier: MIT
#pragma once
// The marker every process the gate starts inherits, AUTOFIX_GATE_OPERATION=<token>, so that processes
// that outlive the gate can still be found (runners/stray_processes.h).
#include <optional>
#include <string>

namespace autofix::runners {

inline constexpr const char* kOperationMarkerVariable = "AUTOFIX_GATE_OPERATION";

// Every process started by run_process() from now on inherits AUTOFIX_GATE_OPERATION=<token>;
// nullopt stops it.
void set_operation_marker(const std::optional<std::string>& token);
std::optional<std::string> operation_marker();

}  // namespace autofix::runners
