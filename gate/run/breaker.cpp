// SPDX-License-Identifier: MIT
#include "gate/run/breaker.h"

#include <algorithm>

#include "gate/git/reference.h"
#include "gate/git/signature.h"
#include "gate/run/history_entry.h"
#include "gate/state/history_store.h"
#include "gate/util/build_info.h"
#include "gate/util/error.h"
#include "gate/util/shell_words.h"

namespace autofix {

std::string breaker_key_of(const git::Repository& repo, const std::optional<std::string>& target,
                           const std::vector<std::string>& require_fixed, const std::vector<std::string>& baseline_failing) {
  std::string root = repo.workdir().generic_string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::string repository = repository_identity(git::remote_url(repo, "origin"), root);
  return breaker_key(repository, git::current_branch(repo).value_or(""), breaker_target(target, require_fixed, baseline_failing));
}

std::vector<std::string> baseline_failing_tests(const BaselineRecord& baseline) {
  std::vector<std::string> failing;
  for (const TestRecord& t : baseline.tests)
    if ((t.status == RunStatus::failed || t.status == RunStatus::timeout) &&
        std::find(baseline.flaky.begin(), baseline.flaky.end(), t.name) == baseline.flaky.end())
      failing.push_back(t.name);
  return failing;
}

std::vector<BreakerEvent> breaker_events(const std::vector<HistoryRecord>& records) {
  std::vector<BreakerEvent> events;
  for (const HistoryRecord& r : records) {
    std::optional<BreakerEventKind> kind = breaker_event_kind(r.command, r.verdict);
    if (!kind) continue;
    std::optional<SystemTime> at;
    for (const std::string* time : {&r.ended, &r.started}) {
      if (at || time->empty()) continue;
      try {
        at = parse_iso8601_utc(*time);
      } catch (const Error&) {
      }
    }
    if (!at) continue;
    events.push_back({r.id, *at, *kind, r.failure.signature});
  }
  // The history's order is its ids' (their start times, to the second, then random digits); the fold goes
  // by when each ended. Within one second the order is unknown: rejections first, then refusals, then
  // accepted attempts and resets, so that a reset (or a fix) right after a rejection is never undone by it.
  auto rank = [](BreakerEventKind k) {
    switch (k) {
      case BreakerEventKind::rejected: return 0;
      case BreakerEventKind::refused: return 1;
      case BreakerEventKind::accepted: return 2;
      case BreakerEventKind::reset: return 3;
    }
    return 0;
  };
  std::stable_sort(events.begin(), events.end(), [&](const BreakerEvent& a, const BreakerEvent& b) {
    return a.at != b.at ? a.at < b.at : rank(a.kind) < rank(b.kind);
  });
  return events;
}

std::string breaker_reset_command(const std::string& key) {
  return "autofix-gate breaker reset " + shell_words({key}) + " --reason " + shell_words({"WHY"});
}

BreakerRefusal breaker_refusal(const std::string& key, const BreakerState& state) {
  BreakerRefusal r;
  r.key = key;
  r.signature = state.last_signature;
  r.failures = state.consecutive_rejections;
  if (state.opened_at) r.opened_at = format_iso8601_utc(*state.opened_at);
  if (state.half_opens_at) r.half_opens_at = format_iso8601_utc(*state.half_opens_at);
  r.reset_command = breaker_reset_command(key);
  return r;
}

std::string refusal_message(const BreakerRefusal& r) {
  std::string signature = r.signature.substr(0, r.signature.find('\n'));
  return "refused: the circuit breaker is open for " + r.key + "\n" +
         "  " + std::to_string(r.failures) + " consecutive rejections, the last: " +
         (signature.empty() ? std::string("(no signature)") : signature) + "\n" +
         "  opened at " + r.opened_at + "; it half-opens at " + r.half_opens_at +
         " (then one attempt may run)\n" +
         "  to reset it now: " + r.reset_command;
}

BreakerState current_breaker_state(const git::Repository& repo, const std::string& key, const BreakerConfig& config,
                                   SystemTime now, std::vector<std::string>* warnings) {
  HistoryStore store(repo);
  BreakerState state = fold_breaker(breaker_events(store.for_breaker_key(key)), config, now);
  if (warnings)
    for (const std::string& d : store.damaged()) warnings->push_back("history record skipped: " + d);
  return state;
}

std::vector<BreakerListing> list_breakers(const git::Repository& repo, const BreakerConfig& config, SystemTime now) {
  HistoryStore store(repo);
  std::vector<std::string> keys = store.breaker_keys();
  std::sort(keys.begin(), keys.end());
  std::vector<BreakerListing> out;
  for (const std::string& key : keys)
    out.push_back({key, fold_breaker(breaker_events(store.for_breaker_key(key)), config, now)});
  return out;
}

std::string reset_breaker(const git::Repository& repo, const std::string& key, const std::string& reason,
                          const std::vector<std::string>& command_words, SystemTime now) {
  HistoryRecord r;
  r.id = new_history_id(now);
  r.started = format_iso8601_utc(now);
  r.ended = r.started;
  r.command = "breaker-reset";
  r.args = command_words.size() > 1 ? std::vector<std::string>(command_words.begin() + 1, command_words.end())
                                    : std::vector<std::string>{};
  r.who = history_who(repo, git::process_environment());
  r.verdict = "reset";
  r.reason = reason.empty() ? std::string("reset by hand") : reason;
  r.gate_version = build_info().version;
  r.breaker_key = key;
  return HistoryStore(repo).append(r);
}

}  // namespace autofix
