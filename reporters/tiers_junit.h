// SPDX-License-Identifier: MIT
#pragma once
// autofix-tiers.xml: one <testcase> per tier, so that test views count tests in junit.xml and tiers here,
// never findings. docs/junit.md says what each reader takes from it. Pure: a string out.
//
// A tier is classname "autofix.tier.<kind>", name <tier name>, time its duration, and:
//   passed                          a pass; its findings (unchanged, absent, new below the threshold) in
//                                   <system-out>
//   failed / error, and it decides  <failure> / <error>: message its reason, type its kind, text its findings
//     (required, or advisory in a high-risk change)
//   failed / error, advisory        <skipped message="advisory, not blocking: <reason>">, its findings as text
//   skipped                         <skipped message="<reason>">
// Findings: each new one on a line ("new: <rule> at <file>:<line>:<column> (<severity>): <message>", the
// severity for kinds with a threshold, "new, not blocking" below it) with its detail indented under it
// (not for a ctest tier: a regression's detail is the test's output, which junit.xml holds);
// unchanged and absent ones as a count (report.json and autofix.sarif list them).
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

std::string tiers_junit(const AttemptResult& result);

}  // namespace autofix::reporters
