// SPDX-License-Identifier: MIT
#include "gate/policy/recovery_plan.h"

#include <algorithm>
#include <charconv>

#include "gate/policy/failure_type.h"
#include "gate/util/shell_words.h"

namespace autofix {

namespace {

constexpr std::size_t kMaxNamed = 3;

// `argv` with `option VALUE` doubled where it was given, else with `option VALUE` added (twice `fallback`)
// before a fixer's `--`: what follows it belongs to the fixer.
std::vector<std::string> with_doubled_option(std::vector<std::string> argv, const std::string& option, long fallback) {
  auto dashes = std::find(argv.begin(), argv.end(), "--");
  for (auto it = argv.begin(); it != dashes; ++it) {
    std::string value;
    bool joined = it->starts_with(option + "=");
    if (joined) value = it->substr(option.size() + 1);
    else if (*it == option && it + 1 != dashes) value = *(it + 1);
    else continue;
    long number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || number <= 0) continue;
    if (joined) *it = option + "=" + std::to_string(number * 2);
    else *(it + 1) = std::to_string(number * 2);
    return argv;
  }
  argv.insert(dashes, {option, std::to_string(fallback * 2)});
  return argv;
}

// `argv` with `flag` added before a fixer's `--`.
std::vector<std::string> with_flag(std::vector<std::string> argv, const std::string& flag) {
  argv.insert(std::find(argv.begin(), argv.end(), "--"), flag);
  return argv;
}

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kMaxNamed; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > kMaxNamed) out += " and " + std::to_string(items.size() - kMaxNamed) + " more";
  return out;
}

std::string where(const SourceLocation& at) {
  if (!at.known()) return {};
  return at.line > 0 ? at.file + ":" + std::to_string(at.line) : at.file;
}

// The file (and line) a compiler or CMake error line starts with, when it names one.
std::string error_place(const std::string& error) {
  std::size_t colon = error.find(": ");
  if (colon == std::string::npos) return {};
  std::string head = error.substr(0, colon);
  if (head.find(' ') != std::string::npos || head.find('.') == std::string::npos) return {};
  return head;
}

std::vector<std::string> regressed_places(const AttemptResult& r) {
  std::vector<std::string> out;
  std::vector<std::string> broken = r.regressions();
  for (const TestOutcome& t : r.tests) {
    if (std::find(broken.begin(), broken.end(), t.name) == broken.end()) continue;
    std::string at = t.first_failure ? where(t.first_failure->location) : std::string();
    if (at.empty()) at = where(t.defined_at);
    out.push_back(at.empty() ? t.name : t.name + " (" + at + ")");
  }
  return out;
}

std::string rollback_note(const AttemptResult& r) {
  if (r.mode != "attempt") return "nothing to undo: verify judges commits and changes no tree";
  return r.snapshot.empty() ? "nothing to undo: the tree was not changed"
                            : "already done: the tree was restored to snapshot " + r.snapshot +
                                  " and verified (what you changed meanwhile was kept)";
}

// The same command again; empty when the result does not say which command it was (an older report).
std::string retry_command(const AttemptResult& r) { return shell_words(r.command); }
std::string retry_command(const AttemptResult& r, const std::vector<std::string>& argv) {
  return r.command.empty() ? std::string() : shell_words(argv);
}
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
std::string and_then(const std::string& first, const std::string& then) {
  return then.empty() ? first : first + " && " + then;
}

}  // namespace

std::vector<RecoveryStep> recovery_plan(const AttemptResult& r, const Failure& failure) {
  std::vector<RecoveryStep> plan;
  auto add = [&](RecoveryAction action, std::string command, std::string why) {
    plan.push_back({action, std::move(command), std::move(why)});
  };
  // A refused attempt ran nothing: neither its lane nor a retry says anything.
  const bool ran = failure.type != FailureType::patch_refused && failure.type != FailureType::breaker_open;
  if (r.lane.lane == Lane::docs && ran)
    add(RecoveryAction::retry, retry_command(r), "documentation-only change: nothing is built, so a re-run is cheap");

  switch (failure.type) {
    case FailureType::timeout:
      if (r.build.timed_out || (r.fixer && !r.fixer->ok))
        add(RecoveryAction::retry, retry_command(r, with_doubled_option(r.command, "--timeout", 600)),
            "the build or the fixer reached its time limit: that says nothing about the fix; retry with twice the limit");
      else
        add(RecoveryAction::retry, retry_command(r, with_doubled_option(r.command, "--test-timeout", 300)),
            "tests reached their time limit (" + listed(r.regressions()) +
                "); retry with twice the limit, or set test_timeout in autofix-gate.json or the tests' TIMEOUT property");
      add(RecoveryAction::manual, "", "if it times out again, look at what hangs: the phase durations in report.json");
      break;
    case FailureType::network:
      add(RecoveryAction::retry, retry_command(r), "a download failed (" + listed(failure.evidence) + "): usually transient");
      add(RecoveryAction::manual, "",
          "if it fails again, make the dependencies available offline: FETCHCONTENT_TRY_FIND_PACKAGE_MODE=ALWAYS with "
          "installed packages, or a populated FETCHCONTENT_BASE_DIR and FETCHCONTENT_FULLY_DISCONNECTED=ON");
      break;
    case FailureType::resource_exhaustion:
      add(RecoveryAction::retry, and_then("df -h . && autofix-gate snapshots prune --keep 10", retry_command(r)),
          "the machine ran out of a resource (" + listed(failure.evidence) +
              "): free disk space (old snapshots, the build directory's objects, /tmp) or memory (fewer --jobs), then retry");
      add(RecoveryAction::manual, "", "if it happens again, give the job more disk or memory, or lower --jobs");
      break;
    case FailureType::quality_gate:
      add(RecoveryAction::skip, "", "drop this fix: a required check failed (" + listed(failure.evidence) + ")");
      add(RecoveryAction::manual, "", "look at the findings in autofix.sarif or summary.md; fix them or the fixer");
      break;
    case FailureType::test_regression:
      add(RecoveryAction::rollback, "", rollback_note(r));
      add(RecoveryAction::skip, "", "drop this fix, or send it back to the fixer with the failing tests");
      add(RecoveryAction::manual, "",
          "look at the broken tests and where they fail: " + listed(regressed_places(r).empty() ? failure.evidence
                                                                                               : regressed_places(r)));
      break;
    case FailureType::build_failure: {
      add(RecoveryAction::rollback, "", rollback_note(r));
      add(RecoveryAction::skip, "", "drop this fix: the tree with it does not build");
      std::vector<std::string> places;
      for (const std::string& e : r.build.errors)
        if (std::string p = error_place(e); !p.empty() && std::find(places.begin(), places.end(), p) == places.end())
          places.push_back(p);
      add(RecoveryAction::manual, "",
          places.empty() ? "look at the build's errors in summary.md" : "look at the build errors at " + listed(places));
      break;
    }
    case FailureType::tampering:
      add(RecoveryAction::manual, "", "a person must review how the fix changes tests: " + listed(failure.evidence));
      if (r.mode == "attempt" && std::find(r.command.begin(), r.command.end(), "--allow-test-edits") == r.command.end())
        add(RecoveryAction::retry, retry_command(r, with_flag(r.command, "--allow-test-edits")),
            "only when the test edits are deliberate and reviewed");
      break;
    case FailureType::patch_refused:
      add(RecoveryAction::manual, "", "regenerate the patch against the current tree: " + r.reason);
      add(RecoveryAction::skip, "", "drop this fix: it does not apply here");
      break;
    case FailureType::git_error:
      add(RecoveryAction::manual, "autofix-gate status && git status",
          "check that no operation is unfinished and the repository is healthy");
      add(RecoveryAction::manual, "", "then look at the git error: " + r.reason);
      break;
    case FailureType::breaker_open: {
      const std::string failures = r.breaker ? std::to_string(r.breaker->failures) : std::string("several");
      add(RecoveryAction::manual, "",
          "the same target was rejected " + failures + " times in a row" +
              (failure.signature.empty() ? std::string() : " (last failure: " + first_line(failure.signature) + ")") +
              ": look at why (the rejected attempts' summary.md) before another attempt");
      if (r.breaker) {
        add(RecoveryAction::retry, "",
            "wait: the breaker half-opens at " + r.breaker->half_opens_at + ", then one attempt may run again");
        add(RecoveryAction::retry, r.breaker->reset_command,
            "or reset the breaker now, once the cause is fixed (recorded in the history)");
      }
      break;
    }
    case FailureType::unknown:
      add(RecoveryAction::manual, "", "look at summary.md and report.json: " + r.reason);
      break;
  }
  if (r.error_kind == to_string(ErrorKind::busy))
    plan.insert(plan.begin(), RecoveryStep{RecoveryAction::resume, "autofix-gate recover",
                                           "an unfinished operation holds the tree: recover restores it, then retry"});
  if (r.lane.lane == Lane::heavy && ran)
    add(RecoveryAction::retry, and_then("autofix-gate baseline", retry_command(r)),
        "heavy lane (the change touches the build itself): re-validate fully, a fresh baseline first");
  return plan;
}

void explain_outcome(AttemptResult& result) {
  result.failure = classify_failure(result);
  result.recovery = result.failure ? recovery_plan(result, *result.failure) : std::vector<RecoveryStep>{};
}

}  // namespace autofix
