# Warnings for AutofixGate's own code: strict, and fatal, so they are fixed rather than ignored.
# Third-party headers come in as SYSTEM includes through their imported targets and stay quiet.
function(autofix_gate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wpedantic)
endfunction()
