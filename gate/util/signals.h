#pragma once
// SIGINT/SIGTERM only set a flag; long loops poll it at safe points and unwind, so that the tree
// is restored by ordinary code rather than inside a signal handler.

namespace autofix {

void install_interrupt_handlers();
// The signal number that arrived (SIGINT or SIGTERM), or 0.
int pending_interrupt() noexcept;
// For tests: forget a pending interrupt.
void clear_interrupt() noexcept;

// Thrown from a safe point when an interrupt is pending.
struct Interrupted {
  int signal_number;
};

// Throws Interrupted if a signal arrived.
void throw_if_interrupted();

// Exit code for an interrupt: 128 + signal number (130 for SIGINT, 143 for SIGTERM).
int exit_code_for_signal(int signal_number) noexcept;

}  // namespace autofix
