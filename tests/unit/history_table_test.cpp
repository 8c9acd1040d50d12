// SPDX-License-Identifier: MIT
#include "reporters/history_table.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

TEST(HistoryTable, CsvCellsAreQuotedAsRfc4180Says) {
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell(""), "");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_cell(" padded"), "\" padded\"");
  EXPECT_EQ(csv_cell("semi;colon"), "semi;colon");
}

TEST(HistoryTable, EveryFieldHasAColumnInAFixedOrder) {
  HistoryRecord r;
  r.id = "20261207T221522Z-3f9a1c2b";
  r.started = "2026-12-07T22:15:22Z";
  r.ended = "2026-12-07T22:16:01Z";
  r.command = "attempt";
  r.args = {"--patch", "a, b.diff"};
  r.who = {"Ada", "ada@example.com", "host", "https://ci/1"};
  r.fix = {"ab", "a, b.diff", {}};
  r.base = "b1";
  r.lane = "standard";
  r.risk = "normal";
  r.verdict = "rejected";
  r.reason = "1 test \"t\" regressed\nmore";
  r.failure = {"test_regression", "sig"};
  r.tests = {3, 2, {"f1", "f2"}, {"t"}, {"io.read", "net"}};
  r.phase_ms = {{"build", 10}, {"tests", 20}};
  r.gate_version = "0.1.0";
  EXPECT_EQ(history_csv_header(),
            "id,started,ended,command,args,who_name,who_email,who_host,ci_run_url,patch_sha256,patch_file,fixer,base,"
            "head,lane,risk,verdict,reason,failure_type,failure_signature,tests_run,tests_passed,tests_fixed,"
            "tests_broken,phase_ms,snapshot,branch,commit,gate_version,breaker_key,tests_flaky\r\n");
  EXPECT_EQ(history_csv_row(r),
            "20261207T221522Z-3f9a1c2b,2026-12-07T22:15:22Z,2026-12-07T22:16:01Z,attempt,\"--patch;a, b.diff\",Ada,"
            "ada@example.com,host,https://ci/1,ab,\"a, b.diff\",,b1,,standard,normal,rejected,"
            "\"1 test \"\"t\"\" regressed\nmore\",test_regression,sig,3,2,f1;f2,t,build=10;tests=20,,,,0.1.0,,io.read;net\r\n");
  EXPECT_EQ(history_line(r), "20261207T221522Z-3f9a1c2b  rejected      attempt     Ada <ada@example.com>  1 test \"t\" regressed");
  EXPECT_EQ(history_details(r),
            "id:           20261207T221522Z-3f9a1c2b\n"
            "command:      attempt --patch 'a, b.diff'\n"
            "started:      2026-12-07T22:15:22Z\n"
            "ended:        2026-12-07T22:16:01Z\n"
            "who:          Ada <ada@example.com> on host\n"
            "ci run:       https://ci/1\n"
            "patch:        a, b.diff (sha256 ab)\n"
            "base:         b1\n"
            "lane:         standard\n"
            "risk:         normal\n"
            "verdict:      rejected\n"
            "reason:       1 test \"t\" regressed\nmore\n"
            "failure:      test_regression: sig\n"
            "tests:        2 of 3 passed\n"
            "fixed:        f1;f2\n"
            "broken:       t\n"
            "flaky:        io.read;net\n"
            "phases (ms):  build=10;tests=20\n"
            "gate version: 0.1.0\n");
}

}  // namespace
}  // namespace autofix::reporters
