// SPDX-License-Identifier: MIT
#include "gate/policy/breaker.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <set>

#include "gate/policy/failure_signature.h"

namespace autofix {

std::optional<BreakerEventKind> breaker_event_kind(std::string_view command, std::string_view verdict) {
  if (command == "breaker-reset") return BreakerEventKind::reset;
  if (verdict == "accepted") return BreakerEventKind::accepted;
  if (verdict == "rejected") return BreakerEventKind::rejected;
  if (verdict == "refused_breaker_open") return BreakerEventKind::refused;
  return std::nullopt;
}

namespace {

// Open -> half-open as time passes: at `t`, once the last rejection is reset_after old.
void advance_to(BreakerState& state, SystemTime t) {
  if (state.status == BreakerStatus::open && state.half_opens_at && t >= *state.half_opens_at)
    state.status = BreakerStatus::half_open;
}

void close(BreakerState& state) {
  state.status = BreakerStatus::closed;
  state.consecutive_rejections = 0;
  state.opened_at.reset();
  state.half_opens_at.reset();
  state.last_signature.clear();
}

}  // namespace

BreakerState fold_breaker(const std::vector<BreakerEvent>& events, const BreakerConfig& config, SystemTime now) {
  BreakerState state;
  for (const BreakerEvent& event : events) {
    if (event.kind == BreakerEventKind::refused) continue;
    advance_to(state, event.at);
    state.last_event_id = event.id;
    switch (event.kind) {
      case BreakerEventKind::accepted:
      case BreakerEventKind::reset:
        close(state);
        break;
      case BreakerEventKind::rejected:
        ++state.consecutive_rejections;
        state.last_signature = event.signature;
        if (!config.enabled) break;
        if (state.status == BreakerStatus::half_open ||
            (state.status == BreakerStatus::closed && state.consecutive_rejections >= config.threshold)) {
          state.status = BreakerStatus::open;
          state.opened_at = event.at;
        }
        // While open (a concurrent job's rejection), it stays open and half-opens later.
        if (state.status == BreakerStatus::open) state.half_opens_at = event.at + config.reset_after;
        break;
      case BreakerEventKind::refused:
        break;
    }
  }
  advance_to(state, now);
  return state;
}

namespace {

std::string trimmed(std::string_view s) {
  auto blank = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "host/path" with the host in lower case, the user and port kept out of the way of the path.
std::string host_and_path(std::string_view authority, std::string_view path) {
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return lower(std::string(authority)) + "/" + std::string(path);
}

std::string tests_target(const std::vector<std::string>& names) {
  std::set<std::string> unique;
  for (const std::string& name : names) unique.insert(normalized_failure_text(name));
  std::string all;
  for (const std::string& name : unique) all += (all.empty() ? "" : ",") + name;
  std::string out = "tests:" + all;
  if (out.size() <= kMaxTargetLength) return out;
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : all) hash = (hash ^ c) * 1099511628211ULL;
  std::string kept = "tests:";
  std::size_t count = 0;
  for (const std::string& name : unique) {
    if (kept.size() + name.size() + 1 > kMaxTargetLength / 2 && count > 0) break;
    kept += (count == 0 ? "" : ",") + name;
    ++count;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return kept + ",...+" + std::to_string(unique.size() - count) + " more #" + hex;
}

}  // namespace

std::string repository_identity(const std::optional<std::string>& origin_url, const std::filesystem::path& repo_path) {
  std::string url = origin_url ? trimmed(*origin_url) : std::string();
  if (url.empty()) return repo_path.generic_string();
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with(".git")) url.resize(url.size() - 4);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (auto scheme = url.find("://"); scheme != std::string::npos) {
    std::string name = lower(url.substr(0, scheme));
    std::string rest = url.substr(scheme + 3);
    if (name == "file") return rest;
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? std::string() : rest.substr(slash);
    // A port says how to reach the host, not which repository it is.
    if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
    if (auto colon = authority.rfind(':'); colon != std::string::npos && authority.find(']') == std::string::npos)
      authority.resize(colon);
    return host_and_path(authority, path);
  }
  // scp-like: [user@]host:path (a colon before any slash).
  auto colon = url.find(':');
  auto slash = url.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash) && colon > 1)
    return host_and_path(std::string_view(url).substr(0, colon), std::string_view(url).substr(colon + 1));
  return url;  // a local path as origin
}

std::string breaker_target(const std::optional<std::string>& target, const std::vector<std::string>& required_fixed,
                           const std::vector<std::string>& baseline_failing) {
  if (target) {
    std::string t = trimmed(*target);
    if (!t.empty()) return t;
  }
  if (!required_fixed.empty()) return tests_target(required_fixed);
  if (!baseline_failing.empty()) return tests_target(baseline_failing);
  return "any";
}

std::string breaker_key(std::string_view repo, std::string_view branch, std::string_view target) {
  std::string key;
  key.append(repo).append("|").append(branch.empty() ? std::string_view("(detached)") : branch).append("|").append(target);
  return key;
}

}  // namespace autofix
