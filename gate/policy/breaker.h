// SPDX-License-Identifier: MIT
#pragma once
// The circuit breaker (docs/breaker.md): stops an agent from retrying the same failing fix forever. It keeps
// no state of its own: its state is a pure fold over the events of one key (the history's records of that
// key, oldest first), evaluated at a given time, so two CI jobs whose histories were merged agree on it.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/util/clock.h"
#include "gate/util/enum_table.h"

namespace autofix {

struct BreakerConfig {
  unsigned threshold = 3;                              // consecutive rejections that open the breaker
  std::chrono::seconds reset_after{24 * 3600};         // from the last rejection to half-open
  bool enabled = true;                                 // false: the breaker never opens (rejections still count)
  bool operator==(const BreakerConfig&) const = default;
};

inline constexpr unsigned kMaxBreakerThreshold = 1000;
inline constexpr std::chrono::seconds kMaxBreakerResetAfter{365LL * 24 * 3600};

// What happened to a key: an attempt accepted or rejected, a `breaker reset`, or an attempt refused
// because the breaker was open (refused attempts change nothing: they are not the fix failing again).
enum class BreakerEventKind { accepted, rejected, reset, refused };
inline constexpr auto kBreakerEventKinds =
    enum_table<BreakerEventKind>({{BreakerEventKind::accepted, "accepted"}, {BreakerEventKind::rejected, "rejected"},
                                  {BreakerEventKind::reset, "reset"}, {BreakerEventKind::refused, "refused"}});
inline const char* to_string(BreakerEventKind k) noexcept { return kBreakerEventKinds.c_name_of(k); }

struct BreakerEvent {
  std::string id;         // the history record's id
  SystemTime at;          // when it happened (the record's end)
  BreakerEventKind kind = BreakerEventKind::rejected;
  std::string signature;  // a rejection's failure signature (gate/policy/failure_signature.h)
};

// The event a history record is, from its command and verdict: "breaker-reset" -> reset; verdict
// "accepted" -> accepted, "rejected" -> rejected, "refused_breaker_open" -> refused; anything else (a dry
// run, needs_review, an error of the gate itself) is no event: it neither counts nor breaks the streak.
std::optional<BreakerEventKind> breaker_event_kind(std::string_view command, std::string_view verdict);

enum class BreakerStatus { closed, open, half_open };
inline constexpr auto kBreakerStatuses = enum_table<BreakerStatus>(
    {{BreakerStatus::closed, "closed"}, {BreakerStatus::open, "open"}, {BreakerStatus::half_open, "half_open"}});
inline const char* to_string(BreakerStatus s) noexcept { return kBreakerStatuses.c_name_of(s); }

struct BreakerState {
  BreakerStatus status = BreakerStatus::closed;
  unsigned consecutive_rejections = 0;       // since the last accepted attempt or reset
  std::optional<SystemTime> opened_at;       // set while open or half-open: when it (last) opened
  std::optional<SystemTime> half_opens_at;   // set while open or half-open: last rejection + reset_after
  std::string last_signature;                // the last rejection's signature since the last accept/reset
  std::string last_event_id;                 // the last event that was folded in (refused ones are not)
  bool operator==(const BreakerState&) const = default;
};

// The state after `events` (oldest first), at `now`. closed -> open at the `threshold`-th consecutive
// rejection (opened_at = its time); open -> half_open once now (or a later event's time) >= the last
// rejection + reset_after; half_open -> closed after one accepted attempt, -> open again after one more
// rejection (opened_at = that rejection's time). An accepted attempt closes the breaker in any state (a
// concurrent job's fix landed); a reset closes it and clears the count; refused events change nothing.
// Disabled: rejections count, the breaker never opens.
BreakerState fold_breaker(const std::vector<BreakerEvent>& events, const BreakerConfig& config, SystemTime now);

// Whether an attempt for a key in `state` must be refused: only while open.
inline bool breaker_refuses(const BreakerState& state) { return state.status == BreakerStatus::open; }

// The repository's identity in a key: its origin URL normalized (no scheme, user or password, no ".git"
// or trailing slash, host in lower case: "github.com/owner/repo" for https, ssh and scp-like URLs; a
// file:// URL becomes its path), else the repository's path as given.
std::string repository_identity(const std::optional<std::string>& origin_url, const std::filesystem::path& repo_path);

// What the fixes aim at: `target` (--target, trimmed) when given and not blank; else "tests:" and the
// normalized names of `required_fixed` (--require-fixed), sorted and unique, joined by ","; else the same
// of `baseline_failing`; else "any". A list longer than kMaxTargetLength keeps its start and ends with
// "...+<n> more #<fnv-1a 64 of the whole list>", so two different long lists stay two targets.
inline constexpr std::size_t kMaxTargetLength = 200;
std::string breaker_target(const std::optional<std::string>& target, const std::vector<std::string>& required_fixed,
                           const std::vector<std::string>& baseline_failing);

// "repo|branch|target": readable, the history's breaker index and `breaker show KEY` use it as is. A
// detached HEAD's branch is "(detached)".
std::string breaker_key(std::string_view repo, std::string_view branch, std::string_view target);

}  // namespace autofix
