// SPDX-License-Identifier: MIT
#pragma once
// The gate's configuration (docs/configuration.md): where it comes from, its strict validation, its defaults.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/results/lane.h"
#include "gate/results/risk_level.h"
#include "gate/results/severity.h"
#include "gate/results/state_hook.h"
#include "gate/results/tier_kind.h"
#include "gate/policy/breaker.h"
#include "gate/policy/retention.h"

namespace autofix {

struct TierConfig {
  std::string name;
  TierKind kind = TierKind::ctest;
  bool required = true;
  std::chrono::seconds timeout{600};
  std::vector<Lane> lanes;            // always filled: the configured lanes or the kind's default ones
  std::vector<std::string> labels;    // ctest and sanitizers; empty: every test
  std::vector<std::string> command;   // command: argv, run from the repository root
  std::optional<std::string> junit;   // command: a JUnit file the command writes
  std::optional<FailOn> fail_on;      // clang-tidy, cppcheck: the least severe finding that fails; unset: default_fail_on
  std::string gitleaks = "auto";      // secrets: "auto" (from PATH, when installed), "off", or an absolute path
  bool operator==(const TierConfig&) const = default;
};

struct ProtectRule {
  RiskLevel level = RiskLevel::normal;
  std::vector<std::string> paths;
  bool operator==(const ProtectRule&) const = default;
};

struct GateConfig {
  std::optional<std::string> build_dir, report_dir, base;  // as written; unset: the caller's defaults
  std::optional<std::string> source_dir;  // the CMake source directory, relative to the repository root
  int flaky_reruns = 4;
  // Builds, ctest and analyzers run this many jobs at once (--jobs overrides it); unset: the number of cores.
  std::optional<unsigned> jobs;
  // Each test's time limit when its CTest TIMEOUT property sets none; a test that reaches it is a failing
  // test ("timeout"), never the end of the judgment.
  std::chrono::seconds test_timeout{300};
  bool allow_test_edits = false;
  std::vector<std::string> test_paths;  // default_test_paths() unless configured
  std::string secrets_allowlist = ".autofix-secrets-allow";
  std::vector<TierConfig> tiers;  // in the order they run
  std::vector<ProtectRule> protect;
  bool protect_defaults = true;
  RetentionConfig retention;
  BreakerConfig breaker;  // "breaker": {threshold, reset_after (seconds), enabled}
  // External state saved before a fix and restored with the tree (docs/state-hooks.md), in save order.
  std::vector<StateHookSpec> state;
  std::string source;  // the file it came from, or "defaults"
  bool operator==(const GateConfig&) const = default;
};

inline constexpr std::string_view kConfigFileName = "autofix-gate.json";
inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxTierNameLength = 64;
inline constexpr std::chrono::seconds kMaxTierTimeout{7 * 24 * 3600};
inline constexpr int kMaxFlakyReruns = 20;
inline constexpr unsigned kMaxJobs = 1024;
inline constexpr std::chrono::seconds kMaxTestTimeout{7 * 24 * 3600};
inline constexpr std::chrono::seconds kMaxStateHookTimeout{24 * 3600};

// The documented default `test_paths`.
std::vector<std::string> default_test_paths();

// The lanes a tier of `kind` runs in when its configuration lists none: standard and heavy, and docs
// for the kinds whose row says so (gate/results/tier_kind.h).
std::vector<Lane> default_lanes(TierKind kind);

// The tiers used when none are configured: `tests` (ctest, every test), `secrets`, and `static`
// (clang-tidy when <repo_root>/.clang-tidy is a file, else cppcheck when runners::find_program finds it, else none).
std::vector<TierConfig> default_tiers(const std::filesystem::path& repo_root);

// Parses and validates a configuration file's text; `source` names it in messages. Any problem is an
// Error(usage) "<source>: <key path>: <what is wrong>" (e.g. "gate.json: tiers[2].kind: unknown kind
// 'clang_tidy' (expected ...)") with a hint. Keys left out get their defaults, except `tiers`: a missing
// or empty `tiers` comes back empty, meaning "the default tiers", which depend on the repository and are
// filled in by load_config (or default_tiers). Duplicate keys in one object are refused.
GateConfig parse_config(std::string_view text, const std::string& source);

// The configuration without a file: default tiers and defaults everywhere; source "defaults".
GateConfig default_config(const std::filesystem::path& repo_root);

// The configuration in effect, first match wins: `explicit_file` (--config; must exist, else Error(usage)),
// <repo_root>/autofix-gate.json, <build_dir>/autofix-gate.json (skipped when build_dir is empty), then
// default_config. A file larger than kMaxConfigBytes, a directory or a dangling link in one of these places
// is an Error(usage); a file that cannot be read an Error(io). Empty tiers become default_tiers(repo_root).
GateConfig load_config(const std::optional<std::filesystem::path>& explicit_file,
                       const std::filesystem::path& repo_root, const std::filesystem::path& build_dir);

// The effective configuration as a version-1 document (for report.json): every key written out, so
// parse_config(to_json(c).dump(), c.source) == c. `source` is not part of it; reports put it beside.
nlohmann::json to_json(const GateConfig& config);

}  // namespace autofix
