// SPDX-License-Identifier: MIT
#pragma once
// How much a static finding weighs, and the threshold of a static tier (`fail_on`, docs/configuration.md):
// only a new finding at or above its tier's threshold fails the tier; the others are reported, marked
// not blocking. One scale, most severe first, for both analyzers' words:
//
//   error    cppcheck error; clang-tidy error (a compile error, or a check listed in WarningsAsErrors)
//   warning  cppcheck warning; clang-tidy warning (every check, and clang-diagnostic-* compiler warnings)
//   style    cppcheck style, performance, portability
//   any      cppcheck information and debug; clang-tidy remark and note
//
// A word that is none of these (another tier's finding, a future analyzer's) counts as error: a finding
// nobody knows how to weigh is never waved through.
#include <optional>
#include <string_view>

#include "gate/util/enum_table.h"

namespace autofix {

enum class FailOn { error, warning, style, any };

// The one table of threshold names (configuration `fail_on`), most severe first.
inline constexpr auto kFailOnTable = enum_table<FailOn>(
    {{FailOn::error, "error"}, {FailOn::warning, "warning"}, {FailOn::style, "style"}, {FailOn::any, "any"}});

const char* to_string(FailOn f) noexcept;                                // "error", "warning", "style", "any"
std::optional<FailOn> fail_on_from_string(std::string_view text) noexcept;

// Where a finding's severity (the analyzer's own word, Finding::severity) lies on the scale above.
FailOn severity_class(std::string_view severity) noexcept;

// Whether a finding of `severity` can fail a tier whose threshold is `threshold`: it is at or above it.
bool blocks_at(std::string_view severity, FailOn threshold) noexcept;

// The threshold a static tier applies when its configuration sets no `fail_on`: `style` when the user
// chose the checks (the project's own .clang-tidy), so that everything those checks report counts;
// `warning` otherwise (the checks the gate picked: a fix is not rejected on their style findings).
FailOn default_fail_on(bool user_chose_the_checks) noexcept;

// The SARIF level of a severity: error, warning (warning and style), note (any).
const char* sarif_level(std::string_view severity) noexcept;

}  // namespace autofix
