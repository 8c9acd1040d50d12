// SPDX-License-Identifier: MIT
#include "gate/policy/failure_type.h"

#include <algorithm>
#include <array>

#include "gate/policy/failure_signature.h"

namespace autofix {

namespace {

// Phrases as the tools print them (libc's strerror, GCC, Clang, CMake's file(DOWNLOAD) and git, curl, apt).
constexpr std::array kResourcePhrases = {
    "No space left on device", "Disk quota exceeded", "ENOSPC", "Cannot allocate memory", "Out of memory",
    "out of memory", "virtual memory exhausted", "memory exhausted", "std::bad_alloc",
    "Killed signal terminated program", "unable to execute command: Killed", "killed by signal 9",
    "Too many open files", "EMFILE", "Resource temporarily unavailable"};
constexpr std::array kNetworkPhrases = {
    "Could not resolve host", "Couldn't resolve host", "Temporary failure in name resolution",
    "Name or service not known", "Temporary failure resolving", "Failed to connect to", "Couldn't connect to server",
    "Connection timed out", "Connection refused", "Connection reset by peer", "Network is unreachable",
    "SSL connect error", "Failed to clone repository", "fatal: unable to access", "Each download failed",
    "error: downloading", "Unable to fetch some archives", "Failed to fetch"};

constexpr std::size_t kMaxEvidenceLine = 300;
constexpr std::size_t kMaxEvidence = 10;

bool contains_any(std::string_view line, const auto& phrases) {
  return std::any_of(phrases.begin(), phrases.end(), [&](const char* p) { return line.find(p) != std::string_view::npos; });
}

std::string trimmed(std::string_view line) {
  std::size_t b = line.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  std::size_t e = line.find_last_not_of(" \t\r");
  std::string out(line.substr(b, e - b + 1));
  if (out.size() > kMaxEvidenceLine) out = out.substr(0, kMaxEvidenceLine) + " [...]";
  return out;
}

void add_evidence(std::vector<std::string>& evidence, const std::string& line) {
  if (line.empty() || evidence.size() >= kMaxEvidence) return;
  if (std::find(evidence.begin(), evidence.end(), line) == evidence.end()) evidence.push_back(line);
}

bool is_timeout_text(std::string_view text) { return text.find("timed out") != std::string_view::npos; }

// The environment's failure, when the build, the fixer or the gate's own error says there was one.
std::optional<Failure> environment_failure(const AttemptResult& r) {
  std::vector<std::string> lines = r.build.environment;
  if (r.fixer) {
    for (const std::string& l : environment_lines(r.fixer->result)) lines.push_back(l);
    for (const std::string& l : environment_lines(r.fixer->err)) lines.push_back(l);
  }
  if (r.verdict == Verdict::error)
    for (const std::string& l : environment_lines(r.reason)) lines.push_back(l);
  std::optional<Failure> found;
  for (const std::string& line : lines) {
    std::optional<FailureType> type = environment_failure_of(line);
    if (!type) continue;
    // Out of space or memory explains a failed download too; never the other way round.
    if (!found || (found->type == FailureType::network && *type == FailureType::resource_exhaustion))
      found = Failure{*type, {}, {}};
  }
  if (found)
    for (const std::string& line : lines)
      if (environment_failure_of(line) == found->type) add_evidence(found->evidence, line);
  return found;
}

bool tampered(const AttemptResult& r) {
  return std::any_of(r.tampering.begin(), r.tampering.end(), [](const TamperFinding& f) { return !f.downgraded; }) ||
         !r.names_with(Transition::MISSING).empty();
}

Failure classified(const AttemptResult& r) {
  if (r.patch_refused) return {FailureType::patch_refused, {}, {r.reason}};
  if (std::optional<Failure> env = environment_failure(r)) return *env;
  if (r.error_kind == to_string(ErrorKind::git)) return {FailureType::git_error, {}, {r.reason}};
  const bool docs = r.lane.lane == Lane::docs;
  if (r.fixer && !r.fixer->ok) {
    Failure f{is_timeout_text(r.fixer->result) ? FailureType::timeout : FailureType::unknown, {}, {}};
    add_evidence(f.evidence, "the fixer: " + r.fixer->result);
    return f;
  }
  if (!docs && r.build.ran && !r.build.ok) {
    Failure f{r.build.timed_out ? FailureType::timeout : FailureType::build_failure, {}, {}};
    add_evidence(f.evidence, trimmed(r.build.failure));
    for (const std::string& e : r.build.errors) add_evidence(f.evidence, trimmed(e));
    return f;
  }
  for (const TierResult& t : r.tiers)
    if (t.required && t.status == TierStatus::error && is_timeout_text(t.reason))
      return {FailureType::timeout, {}, {trimmed("tier " + t.name + ": " + t.reason)}};
  if (tampered(r)) {
    Failure f{FailureType::tampering, {}, {}};
    for (const TamperFinding& t : r.tampering)
      if (!t.downgraded)
        add_evidence(f.evidence, trimmed(std::string(to_string(t.kind)) + (t.test.empty() ? "" : " " + t.test) +
                                         (t.file.empty() ? "" : " (" + t.file + ")") + (t.detail.empty() ? "" : ": " + t.detail)));
    for (const std::string& m : r.names_with(Transition::MISSING)) add_evidence(f.evidence, "missing " + m);
    return f;
  }
  std::vector<std::string> broken = r.regressions();
  if (!broken.empty()) {
    bool all_timed_out = std::all_of(r.tests.begin(), r.tests.end(), [&](const TestOutcome& t) {
      bool regressed = std::find(broken.begin(), broken.end(), t.name) != broken.end();
      return !regressed || (t.after && t.after->status == RunStatus::timeout);
    });
    Failure f{all_timed_out ? FailureType::timeout : FailureType::test_regression, {}, {}};
    for (const std::string& why : r.regression_reasons()) add_evidence(f.evidence, trimmed(why));
    return f;
  }
  std::vector<std::string> tiers;
  for (const TierResult& t : r.tiers)
    if (t.required && (t.status == TierStatus::failed || t.status == TierStatus::error))
      tiers.push_back(trimmed("tier " + t.name + " (" + to_string(t.kind) + "): " + t.reason));
  if (!tiers.empty()) {
    Failure f{FailureType::quality_gate, {}, {}};
    for (const std::string& t : tiers) add_evidence(f.evidence, t);
    return f;
  }
  for (const std::string& name : r.require_fixed) {
    auto it = std::find_if(r.tests.begin(), r.tests.end(), [&](const TestOutcome& t) { return t.name == name; });
    if (it == r.tests.end() || it->transition != Transition::FAIL_TO_PASS)
      return {FailureType::test_regression, {}, {trimmed(r.reason)}};
  }
  // A protected path, or advisory tiers failing on a high-risk change: the configuration's own gate.
  if (r.verdict != Verdict::error && r.risk.level != RiskLevel::normal)
    return {FailureType::quality_gate, {}, {trimmed(r.reason)}};
  return {FailureType::unknown, {}, {trimmed(r.reason)}};
}

}  // namespace

std::vector<std::string> environment_lines(std::string_view output, std::size_t limit) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= output.size() && out.size() < limit) {
    std::size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(start, end - start);
    if (environment_failure_of(line)) out.push_back(trimmed(line));
    start = end + 1;
  }
  return out;
}

std::optional<FailureType> environment_failure_of(std::string_view line) {
  if (contains_any(line, kResourcePhrases)) return FailureType::resource_exhaustion;
  if (contains_any(line, kNetworkPhrases)) return FailureType::network;
  return std::nullopt;
}

std::optional<Failure> classify_failure(const AttemptResult& result) {
  if (result.verdict == Verdict::accepted || result.verdict == Verdict::planned) return std::nullopt;
  if (result.verdict == Verdict::refused_breaker_open) {
    // Nothing ran: the failure is the one that kept repeating, as the breaker recorded it.
    Failure f{FailureType::breaker_open, {}, {}};
    if (result.breaker) {
      f.signature = result.breaker->signature;
      f.evidence.push_back("breaker " + result.breaker->key + " open since " + result.breaker->opened_at + " after " +
                           std::to_string(result.breaker->failures) + " consecutive rejections");
    }
    return f;
  }
  Failure f = classified(result);
  f.signature = failure_signature(result);
  return f;
}

}  // namespace autofix
