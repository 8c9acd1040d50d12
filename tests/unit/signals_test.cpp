// SPDX-License-Identifier: MIT
#include "gate/util/signals.h"

#include <algorithm>
#include <csignal>
#include <vector>

#include <gtest/gtest.h>

namespace autofix {
namespace {

// Each test runs in its own process (gtest_discover_tests), so installing handlers here is contained.
TEST(Signals, SigintOnlySetsTheFlagUntilCleared) {
  install_interrupt_handlers();
  clear_interrupt();
  EXPECT_EQ(pending_interrupt(), 0);
  EXPECT_NO_THROW(throw_if_interrupted());
  ASSERT_EQ(std::raise(SIGINT), 0);  // the process survives: the handler only records it
  EXPECT_EQ(pending_interrupt(), SIGINT);
  try {
    throw_if_interrupted();
    FAIL() << "expected Interrupted";
  } catch (const Interrupted& i) {
    EXPECT_EQ(i.signal_number, SIGINT);
  }
  clear_interrupt();
  EXPECT_EQ(pending_interrupt(), 0);
  EXPECT_NO_THROW(throw_if_interrupted());
}

TEST(Signals, SigtermIsRecordedToo) {
  install_interrupt_handlers();
  clear_interrupt();
  ASSERT_EQ(std::raise(SIGTERM), 0);
  EXPECT_EQ(pending_interrupt(), SIGTERM);
  clear_interrupt();
}

TEST(Signals, ExitCodeIs128PlusSignal) {
  EXPECT_EQ(exit_code_for_signal(SIGHUP), 129);
  EXPECT_EQ(exit_code_for_signal(SIGINT), 130);
  EXPECT_EQ(exit_code_for_signal(SIGQUIT), 131);
  EXPECT_EQ(exit_code_for_signal(SIGTERM), 143);
}

// Closing the terminal (SIGHUP), Ctrl-\ (SIGQUIT) and the other terminating signals are handled like SIGTERM.
TEST(Signals, EveryTerminatingSignalOnlySetsTheFlag) {
  install_interrupt_handlers();
  for (int s : {SIGHUP, SIGQUIT, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU}) {
    clear_interrupt();
    ASSERT_EQ(std::raise(s), 0) << s;  // the process survives
    EXPECT_EQ(pending_interrupt(), s);
  }
  clear_interrupt();
  std::vector<int> handled;
  for (const int* s = handled_signals(); *s != 0; ++s) handled.push_back(*s);
  for (int s : {SIGHUP, SIGINT, SIGQUIT, SIGTERM}) EXPECT_NE(std::find(handled.begin(), handled.end(), s), handled.end());
  // Faults are not caught: a handler that returns would run into the fault again.
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGPIPE})
    EXPECT_EQ(std::find(handled.begin(), handled.end(), s), handled.end()) << s;
}

TEST(Signals, SigpipeIsIgnoredSoAClosedOutputOnlyFailsWrites) {
  install_interrupt_handlers();
  clear_interrupt();
  struct sigaction now {};
  ASSERT_EQ(sigaction(SIGPIPE, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
  ASSERT_EQ(std::raise(SIGPIPE), 0);
  EXPECT_EQ(pending_interrupt(), 0);
}

// A signal ignored when the gate starts (nohup, a background job of a script) stays ignored, as in shells.
TEST(Signals, ASignalIgnoredAtStartStaysIgnored) {
  std::signal(SIGHUP, SIG_IGN);
  install_interrupt_handlers();
  clear_interrupt();
  ASSERT_EQ(std::raise(SIGHUP), 0);
  EXPECT_EQ(pending_interrupt(), 0);
  struct sigaction now {};
  ASSERT_EQ(sigaction(SIGHUP, nullptr, &now), 0);
  EXPECT_EQ(now.sa_handler, SIG_IGN);
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &now), 0);
  EXPECT_NE(now.sa_handler, SIG_IGN);
}

TEST(Signals, NamesTheHandledSignalsForMessages) {
  EXPECT_STREQ(signal_name(SIGINT), "SIGINT");
  EXPECT_STREQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_STREQ(signal_name(SIGHUP), "SIGHUP");
  for (const int* s = handled_signals(); *s != 0; ++s) EXPECT_STRNE(signal_name(*s), "signal") << *s;
  EXPECT_STREQ(signal_name(SIGSEGV), "signal");
}

}  // namespace
}  // namespace autofix
