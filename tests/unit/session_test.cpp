// SPDX-License-Identifier: MIT
// What every use case shares (gate/run/session.h): the limits a run works under, command line first,
// then the configuration, then the defaults.
#include "gate/run/session.h"

#include <gtest/gtest.h>

namespace autofix {
namespace {

TEST(RunSettings, JobsComeFromTheCommandLineThenTheConfigurationElseEveryCore) {
  SessionOptions options;
  GateConfig config;
  EXPECT_EQ(run_settings(options, config).jobs, 0u) << "0: the runners take the number of cores";
  config.jobs = 3;
  EXPECT_EQ(run_settings(options, config).jobs, 3u);
  options.jobs = 1;
  EXPECT_EQ(run_settings(options, config).jobs, 1u);
  config.jobs.reset();
  EXPECT_EQ(run_settings(options, config).jobs, 1u);
}

}  // namespace
}  // namespace autofix
