# SPDX-License-Identifier: MIT
# Warnings for AutofixGate's own code: strict, and fatal, so they are fixed rather than ignored.
# Third-party headers come in as SYSTEM includes through their imported targets and stay quiet.
function(autofix_gate_warnings target)
  # GCC 12 reports false positives from its own headers at -O3 (restrict, maybe-uninitialized in
  # std::optional/std::string inlining): they stay warnings, not errors.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wpedantic
                                           -Wno-error=restrict -Wno-error=maybe-uninitialized)
endfunction()
