// SPDX-License-Identifier: MIT
#pragma once
// One fixed-length identity for a finding, for the platforms that match findings across pipelines by a
// string of their own: GitLab Code Quality's `fingerprint` (findings with equal ones are shown as one) and
// GitHub code scanning's `partialFingerprints.primaryLocationLineHash` (the only fingerprint it reads).
// Both want it stable across commits and unique per problem; the finding's own fingerprint
// (gate/policy/findings.h, gate/policy/secrets.h: stable when lines move) already is, but its form
// differs by tier (a 40-digit hash, or a sanitizer's "test|signature" text). Pure.
#include <string>

#include "gate/results/attempt_result.h"

namespace autofix::reporters {

// 32 lower-case hex digits: the name-based UUID (RFC 4122 version 5, SHA-1) of the tier kind, the
// finding's rule and its fingerprint (of its file, line and message when it has no fingerprint), in a
// namespace of autofix-gate's own, written without its dashes. Equal findings of two tiers of one kind
// get the same key: they are one problem.
std::string finding_key(TierKind kind, const Finding& finding);

// The same for a test regression: the name-based UUID of the test's identity (its CTest test and case,
// gate/results/test_names.h), never of a line, so that its alert stays one alert while the test's file
// changes around the failing assertion, and comes back as the same alert when the test breaks again.
std::string regression_key(const TestKey& test);

}  // namespace autofix::reporters
