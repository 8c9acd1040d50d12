// SPDX-License-Identifier: MIT
#pragma once
// Culprit bisection over an abstract judge (no processes, no git): which fixes of a rejected group are at
// fault, in O(k log n) judge runs for k culprits among n fixes.
//
// A group that failed on a passing base is split in halves in dependency order; the first half is judged
// on the base; when it passes it joins the base, and the second half, known to fail there, is split in
// turn without being judged again. A single fix left is the culprit, unless the base it failed on holds
// fixes that joined during this bisection: then it is judged once more on the base the bisection started
// from, and when it passes there the failure is an interaction, whose partner is found by bisecting the
// fixes that joined (a binary search on their order).
//
// Suspect narrowing (settle_failed): a failed set that names, for each of its broken tests, the fixes
// whose files that test builds from (its suspects: traced through the build graph by the judge), is
// settled among its suspects only. The fixes that reach no broken test are judged once on the base
// without the suspects ("without the suspects"); when that passes and every broken test has exactly one
// suspect, the suspects are the culprits (no bisection); with more suspects to a test, only the
// suspects are bisected, on the base plus the others. When the set without the suspects fails too,
// the failure is more than the suspects explain: both parts are bisected as usual.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gate/policy/fix_graph.h"
#include "gate/results/fix_verdict.h"
#include "gate/results/suspect_group.h"

namespace autofix {

// What judging one set of fixes (applied in the order given on the snapshot, built, tested, compared
// with the baseline) gave.
struct StepOutcome {
  enum class Kind { passed, failed, not_applied };
  Kind kind = Kind::failed;
  std::size_t fix = 0;  // not_applied: the first fix that did not apply after those before it
  std::string reason;   // not_applied: why; failed: what broke (for the culprit's reason), may be empty
  // failed: one group per broken test, when every failure of the set is a broken test whose suspects
  // are known (else nullopt: the failure is bisected without narrowing).
  std::optional<std::vector<SuspectGroup>> suspects{};
};

// Judges a set of fix indices; nothing of the judge is known here but its answers.
using JudgeSet = std::function<StepOutcome(const std::vector<std::size_t>& set)>;

struct PlanStep {
  std::vector<std::size_t> set;  // in the order applied
  StepOutcome outcome;
  std::string purpose;  // "all fixes", "bisect", "confirm alone", "find the partner", "checkpoint 2", ...
};

struct FixDecision {
  FixVerdict verdict = FixVerdict::pending;
  std::string reason;
  std::optional<std::size_t> step;     // the step that decided it (index into steps)
  std::optional<std::size_t> partner;  // interaction: the fix it fails together with
};

// The decisions and steps of one batch, and the judge they come from. Shared by the strategies.
class BatchLedger {
 public:
  BatchLedger(std::vector<std::string> ids, FixDeps deps, JudgeSet judge);

  // Judges `set` (sorted into dependency order first) and records the step. A not_applied outcome is
  // returned as it is (no run counted): skip_not_applied() decides it.
  StepOutcome judge(std::vector<std::size_t> set, const std::string& purpose);
  // Skips the fix a not_applied step names (and its dependents), naming the fixes applied before it.
  void skip_not_applied(const StepOutcome& outcome);

  // Decides fix `i` and skips every pending fix that depends on it (unless `verdict` is accepted).
  void decide(std::size_t i, FixVerdict verdict, std::string reason, std::optional<std::size_t> step);
  bool pending(std::size_t i) const { return decisions_[i].verdict == FixVerdict::pending; }
  std::vector<std::size_t> only_pending(const std::vector<std::size_t>& fixes) const;
  // `fixes` sorted by dependency order.
  std::vector<std::size_t> ordered(std::vector<std::size_t> fixes) const;

  // Settles `group` on the passing `base` (every fix of `base` pending or accepted): returns the new
  // passing base (base plus the group's fixes that pass with it); the others are decided. `failed_in`:
  // the step in which base + group failed, when known. `origin`: the base the bisection started from.
  std::vector<std::size_t> settle(const std::vector<std::size_t>& base, std::vector<std::size_t> group,
                                  const std::vector<std::size_t>& origin, std::optional<std::size_t> failed_in);

  // settle() of `group`, which failed on the passing `base` in step `failed_in` (base + group was the set
  // judged), with suspect narrowing when that step names suspects inside `group` (see the top of the
  // file). `base` is also the origin of the bisection. Returns the new passing base, in dependency order.
  std::vector<std::size_t> settle_failed(const std::vector<std::size_t>& base, std::vector<std::size_t> group,
                                         std::size_t failed_in);

  const std::vector<std::string>& ids() const noexcept { return ids_; }
  const FixDeps& deps() const noexcept { return deps_; }
  const std::vector<FixDecision>& decisions() const noexcept { return decisions_; }
  const std::vector<PlanStep>& steps() const noexcept { return steps_; }
  std::size_t runs() const noexcept { return runs_; }
  // The step whose passing set a fix was last part of (where it was last verified).
  std::optional<std::size_t> verified_in(std::size_t i) const { return verified_[i]; }

  // "a, b and c" (at most 5 named, then "and N more").
  std::string names(const std::vector<std::size_t>& fixes) const;

 private:
  void blame(std::size_t fix, const std::vector<std::size_t>& base, const std::vector<std::size_t>& origin,
             std::size_t failed_in);

  std::vector<std::string> ids_;
  FixDeps deps_;
  JudgeSet judge_;
  std::vector<std::size_t> position_;  // each fix's place in dependency order
  std::vector<FixDecision> decisions_;
  std::vector<std::optional<std::size_t>> verified_;
  std::vector<PlanStep> steps_;
  std::size_t runs_ = 0;
};

}  // namespace autofix
