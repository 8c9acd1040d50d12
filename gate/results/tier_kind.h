// SPDX-License-Identifier: MIT
#pragma once
// The kinds of tier (docs/configuration.md, a tier's "kind"): one row each, with what the rest of the
// gate needs to know about a kind. Adding a kind is a row here and the kind's run function in
// gate/judge/tiers.cpp; the configuration, the lanes, the shards and the reports read the row.
#include <string_view>

#include "gate/util/enum_table.h"

namespace autofix {

enum class TierKind { ctest, clang_tidy, cppcheck, sanitizers, secrets, command };

struct TierKindRow {
  TierKind kind;
  std::string_view name;  // in the configuration and in reports
  bool runs_tests;        // CTest tests, selected by `labels`; a shard runs its share of them
  bool needs_build;       // skipped in the docs lane (nothing is built) and when the build failed
  bool in_docs_lane;      // runs in the docs lane unless `lanes` says otherwise (every kind: standard, heavy)
  bool has_threshold;     // `fail_on`: a static analyzer whose findings have severities
  bool whole_change;      // judges the change's files, not tests: of N shards only the first runs it
  bool is_analysis;       // a scan of the code: a SARIF run even when it finds nothing
};

// clang-format off
inline constexpr TierKindRow kTierKindRows[] = {
    // kind                 name          tests  build  docs   fail_on whole  analysis
    {TierKind::ctest,       "ctest",      true,  true,  false, false,  false, false},
    {TierKind::clang_tidy,  "clang-tidy", false, true,  false, true,   true,  true},
    {TierKind::cppcheck,    "cppcheck",   false, true,  false, true,   true,  true},
    {TierKind::sanitizers,  "sanitizers", true,  true,  false, false,  false, true},
    {TierKind::secrets,     "secrets",    false, false, true,  false,  true,  true},
    {TierKind::command,     "command",    false, false, false, false,  false, false},
};
// clang-format on

namespace detail {
template <std::size_t N>
constexpr EnumTable<TierKind, N> tier_kind_names(const TierKindRow (&rows)[N]) {
  std::array<std::pair<TierKind, std::string_view>, N> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = {rows[i].kind, rows[i].name};
  return EnumTable<TierKind, N>(names);
}
}  // namespace detail

// The names of kTierKindRows, for reading and writing them.
inline constexpr auto kTierKinds = detail::tier_kind_names(kTierKindRows);

const TierKindRow& row_of(TierKind kind) noexcept;
const char* to_string(TierKind kind) noexcept;
// Written into JSON by its name, never as nlohmann's default number.
template <typename Json>
void to_json(Json& j, TierKind kind) {
  j = to_string(kind);
}

}  // namespace autofix
