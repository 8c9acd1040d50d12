// SPDX-License-Identifier: MIT
#pragma once

namespace autofix::cli {

// Parses the command line, runs one subcommand, prints errors as `autofix-gate: error: ...` with a hint,
// and returns the process exit code (docs/exit-codes.md).
int run(int argc, char** argv);

}  // namespace autofix::cli
