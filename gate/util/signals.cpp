#include "gate/util/signals.h"

#include <csignal>

namespace autofix {

namespace {
volatile std::sig_atomic_t g_pending = 0;

extern "C" void on_interrupt(int signal_number) { g_pending = signal_number; }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // libgit2 does not retry every EINTR; our loops poll the flag instead
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int pending_interrupt() noexcept { return g_pending; }
void clear_interrupt() noexcept { g_pending = 0; }

void throw_if_interrupted() {
  if (int s = g_pending; s != 0) throw Interrupted{s};
}

int exit_code_for_signal(int signal_number) noexcept { return 128 + signal_number; }

}  // namespace autofix
