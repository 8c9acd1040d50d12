// SPDX-License-Identifier: MIT
#include "gate/results/attempt_result.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "gate/util/error.h"

namespace autofix {

const char* to_string(Verdict v) noexcept { return kVerdicts.c_name_of(v); }

int exit_code_for(Verdict v) noexcept {
  switch (v) {
    case Verdict::accepted: return exit_code::ok;
    case Verdict::rejected: return exit_code::rejected;
    case Verdict::needs_review: return exit_code::needs_review;
    case Verdict::error: return exit_code::gate_error;
    case Verdict::planned: return exit_code::planned;
    case Verdict::refused_breaker_open: return exit_code::refused_breaker_open;
  }
  return exit_code::gate_error;
}

const char* to_string(RunStatus s) noexcept { return kRunStatuses.c_name_of(s); }

const char* to_string(TierStatus s) noexcept { return kTierStatuses.c_name_of(s); }

const char* to_string(Transition t) noexcept { return kTransitions.c_name_of(t); }

const std::string* SourceExcerpt::text_of(int number) const noexcept {
  if (number < first_line || number > last_line()) return nullptr;
  return &lines[static_cast<size_t>(number - first_line)];
}

bool SourceExcerpt::is_cut(int number) const noexcept {
  return std::find(cut_lines.begin(), cut_lines.end(), number) != cut_lines.end();
}

TestKey key_of(const TestRecord& r) { return {r.ctest_test.empty() ? r.name : r.ctest_test, r.case_name}; }

size_t AttemptResult::tests_run() const {
  return static_cast<size_t>(std::count_if(tests.begin(), tests.end(), [](const TestOutcome& t) {
    return t.after && t.after->status != RunStatus::not_run;
  }));
}

size_t AttemptResult::tests_passed() const {
  return static_cast<size_t>(std::count_if(tests.begin(), tests.end(), [](const TestOutcome& t) {
    return t.after && t.after->status == RunStatus::passed;
  }));
}

std::vector<std::string> AttemptResult::names_with(Transition t) const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (o.transition == t) out.push_back(o.name);
  return out;
}

namespace {

bool did_not_pass(const std::optional<TestRecord>& r) { return r && r->status != RunStatus::passed; }
bool did_not_run(const std::optional<TestRecord>& r) {
  return r && (r->status == RunStatus::skipped || r->status == RunStatus::not_run);
}

// Why one outcome is a regression; empty when it is none.
std::string regression_reason(const AttemptResult& r, const TestOutcome& o) {
  switch (o.transition) {
    case Transition::PASS_TO_FAIL: {
      bool weakened = did_not_run(o.after) && std::any_of(r.tampering.begin(), r.tampering.end(), [&](const TamperFinding& f) {
                        return !f.downgraded && !f.test.empty() && (f.test == o.name || f.test == o.ctest_test);
                      });
      if (weakened) return {};
      // A CTest test whose cases were read: its failing cases are the regressions, named one by one.
      if (o.case_name.empty()) {
        bool a_case_regressed = std::any_of(r.tests.begin(), r.tests.end(), [&](const TestOutcome& c) {
          return !c.case_name.empty() && c.ctest_test == o.ctest_test && !regression_reason(r, c).empty();
        });
        if (a_case_regressed) return {};
      }
      std::string how = o.after ? to_string(o.after->status) : "did not run";
      return o.name + " passed without the fix and " + (how == "failed" ? "fails" : how) + " with it" +
             (o.observed.empty() ? "" : " (" + o.observed + ")");
    }
    case Transition::NEW:
      if (!did_not_pass(o.after) || did_not_run(o.after)) return {};
      return o.name + " is new with the fix and " + to_string(o.after->status);
    case Transition::FAIL_TO_FAIL:
      if (o.new_failures.empty()) return {};
      return o.name + " failed without the fix and fails with it in new ways: " + o.new_failures.front() +
             (o.new_failures.size() > 1 ? " (and " + std::to_string(o.new_failures.size() - 1) + " more)" : "");
    default:
      return {};
  }
}

}  // namespace

std::vector<std::string> AttemptResult::regressions() const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (!regression_reason(*this, o).empty()) out.push_back(o.name);
  return out;
}

std::string AttemptResult::regression_reason_of(const TestOutcome& test) const { return regression_reason(*this, test); }

std::vector<std::string> AttemptResult::regression_reasons() const {
  std::vector<std::string> out;
  for (const TestOutcome& o : tests)
    if (std::string why = regression_reason(*this, o); !why.empty()) out.push_back(std::move(why));
  return out;
}

void record_gate_error(AttemptResult& result, const Error& e) {
  result.verdict = Verdict::error;
  result.error_kind = to_string(e.kind());
  result.reason = e.what();
  if (!e.hint().empty()) result.reason += " (" + e.hint() + ")";
}

}  // namespace autofix

