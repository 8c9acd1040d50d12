#include "gate/util/signals.h"

#include <csignal>

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
  EXPECT_EQ(exit_code_for_signal(SIGINT), 130);
  EXPECT_EQ(exit_code_for_signal(SIGTERM), 143);
}

}  // namespace
}  // namespace autofix
