// SPDX-License-Identifier: MIT
#pragma once
// Every asynchronous terminating signal (SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, ...) only sets a
// flag; long loops poll it at safe points and unwind, so that the tree is restored by ordinary code
// rather than inside a signal handler. SIGPIPE is ignored: a closed standard output or error (`| head`)
// makes writes fail, never stops a rollback. Faults (SIGSEGV, SIGBUS, SIGABRT, ...) are left alone: they
// mean a bug, and the journal leaves the tree to `autofix-gate recover`.

namespace autofix {

// Installs the flag handler for every signal in handled_signals(), except one that was ignored when the
// gate started (nohup, a background job of a script): it stays ignored, as shells do. Ignores SIGPIPE.
void install_interrupt_handlers();
// The signals the gate turns into an interrupt, ended by 0.
const int* handled_signals() noexcept;
// The signal number that arrived, or 0.
int pending_interrupt() noexcept;
// For tests: forget a pending interrupt.
void clear_interrupt() noexcept;

// Thrown from a safe point when an interrupt is pending.
struct Interrupted {
  int signal_number;
};

// Throws Interrupted if a signal arrived.
void throw_if_interrupted();

// "SIGINT", "SIGTERM", ... for the signals above (and SIGKILL, SIGPIPE); "signal" for any other.
const char* signal_name(int signal_number) noexcept;

// Exit code for an interrupt: 128 + signal number (129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM).
int exit_code_for_signal(int signal_number) noexcept;

// For a child between fork and exec (async-signal-safe): every signal above and SIGPIPE back to its
// default disposition, and nothing blocked, so that a build or a fixer behaves as it would from a shell.
void restore_default_signals_in_child() noexcept;

}  // namespace autofix
