// SPDX-License-Identifier: MIT
#pragma once
// How risky a change is, from the paths it touches (docs/configuration.md, "Risk levels").
#include <string>
#include <string_view>
#include <vector>

#include "gate/results/attempt_result.h"
#include "gate/policy/config.h"

namespace autofix {

// The level of one path and what decided it. Every pattern matches without regard to ASCII letter case
// (a protected file must not escape by being spelled `Src/Auth/...` on a case-insensitive checkout).
// 1. The user's `protect` rules, in order: the first rule with a matching pattern decides, whatever its
//    level, so a `normal` rule exempts a path the defaults would flag (and a user rule can lower a default).
// 2. With `protect_defaults`: the critical patterns (CI files, the gate's configuration, the configured
//    `secrets_allowlist`, then a sensitive path segment, see sensitive_keyword), then the high ones.
// 3. Otherwise normal, with an empty pattern.
// `path` of the result is the path given; `pattern` the glob, or "a path segment containing 'auth'".
RiskAssessment assess_path_risk(const GateConfig& config, std::string_view path);

// The highest level among the paths; the first path (in the order given) at that level decides pattern
// and path. No path at a level above normal: level normal, empty pattern and path.
RiskAssessment assess_risk(const GateConfig& config, const std::vector<std::string>& changed_paths);

// The keyword ("auth", "crypt" or "security") a segment of `path` contains, ignoring ASCII case; empty
// when none. "crypt" covers crypto, encrypt, decrypt, bcrypt. "auth" anywhere in a segment (authn, authz,
// oauth2, preauth, authorize, unauthorized, authority), except in the words author, authors, authored,
// authoring and authorship: AUTHORS, author.txt and coauthors.md are not sensitive. A word ends at the end
// of the segment, at a character that is not a letter, or where a capital letter follows a small one
// (`AuthorsList` ends "Authors" at the "L").
std::string sensitive_keyword(std::string_view path);

}  // namespace autofix
