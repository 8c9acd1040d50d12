// SPDX-License-Identifier: MIT
#include "gate/util/signals.h"

#include <csignal>

namespace autofix {

namespace {
volatile std::sig_atomic_t g_pending = 0;

// The signals whose default action ends the process and that arrive from outside (a terminal, kill,
// a CI runner, a resource limit). Faults are not here: a handler that returns would fault again.
constexpr int kHandled[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,   SIGALRM, SIGUSR1, SIGUSR2,
                            SIGPOLL, SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGPWR,  0};

extern "C" void on_interrupt(int signal_number) { g_pending = signal_number; }
}  // namespace

const int* handled_signals() noexcept { return kHandled; }

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // libgit2 does not retry every EINTR; our loops poll the flag instead
  for (const int* s = kHandled; *s != 0; ++s) {
    struct sigaction previous {};
    if (sigaction(*s, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
    sigaction(*s, &action, nullptr);
  }
  // Writes to a closed pipe fail with EPIPE instead of killing the gate in the middle of an attempt.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
}

int pending_interrupt() noexcept { return g_pending; }
void clear_interrupt() noexcept { g_pending = 0; }

void throw_if_interrupted() {
  if (int s = g_pending; s != 0) throw Interrupted{s};
}

int exit_code_for_signal(int signal_number) noexcept { return 128 + signal_number; }

const char* signal_name(int signal_number) noexcept {
  // The names of the signals the gate handles, and SIGKILL; the table is small and fixed.
  static constexpr struct {
    int number;
    const char* name;
  } kNames[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},     {SIGTERM, "SIGTERM"},
                {SIGALRM, "SIGALRM"}, {SIGUSR1, "SIGUSR1"}, {SIGUSR2, "SIGUSR2"},     {SIGPOLL, "SIGPOLL"},
                {SIGPROF, "SIGPROF"}, {SIGVTALRM, "SIGVTALRM"}, {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"},
                {SIGPWR, "SIGPWR"},   {SIGKILL, "SIGKILL"},  {SIGPIPE, "SIGPIPE"}};
  for (const auto& n : kNames)
    if (n.number == signal_number) return n.name;
  return "signal";
}

void restore_default_signals_in_child() noexcept {
  // A handler is reset by exec anyway; an ignored signal is not, so SIGPIPE (and anything the gate's
  // own parent ignored) must be put back here.
  for (const int* s = kHandled; *s != 0; ++s) signal(*s, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace autofix
