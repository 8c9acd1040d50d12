// SPDX-License-Identifier: MIT
#include "gate/policy/batch_plan.h"

#include <utility>

#include "gate/util/error.h"

namespace autofix {

namespace {

// The fixes still to judge, in dependency order.
std::vector<std::size_t> pending_in_order(const BatchLedger& ledger) {
  std::vector<std::size_t> out;
  for (std::size_t i : dependency_order(ledger.deps()))
    if (ledger.pending(i)) out.push_back(i);
  return out;
}

// Judges `set` until it applies (skipping what does not); nullopt when nothing is left of it.
std::optional<StepOutcome> judge_applying(BatchLedger& ledger, std::vector<std::size_t> set, const std::string& purpose) {
  while (!set.empty()) {
    StepOutcome o = ledger.judge(set, purpose);
    if (o.kind != StepOutcome::Kind::not_applied) return o;
    ledger.skip_not_applied(o);
    set = ledger.only_pending(set);
  }
  return std::nullopt;
}

std::vector<std::size_t> all_together(BatchLedger& ledger, bool land_partial) {
  std::vector<std::size_t> all = pending_in_order(ledger);
  std::optional<StepOutcome> o = judge_applying(ledger, all, "all fixes");
  all = ledger.only_pending(all);
  if (!o || o->kind == StepOutcome::Kind::passed) return all;
  std::vector<std::size_t> passing = ledger.settle_failed({}, all, ledger.steps().size() - 1);
  if (land_partial) return passing;
  std::vector<std::size_t> culprits;
  for (std::size_t i = 0; i < ledger.decisions().size(); ++i) {
    FixVerdict v = ledger.decisions()[i].verdict;
    if (v == FixVerdict::rejected || v == FixVerdict::interaction) culprits.push_back(i);
  }
  for (std::size_t i : passing)
    ledger.decide(i, FixVerdict::skipped,
                  "not landed: the batch is all_or_nothing and " + ledger.names(culprits) +
                      (culprits.size() == 1 ? " fails" : " fail"),
                  ledger.verified_in(i));
  return {};
}

std::vector<std::size_t> in_checkpoints(BatchLedger& ledger, std::size_t every, std::vector<BatchCheckpoint>& out) {
  std::vector<std::size_t> base;
  while (true) {
    std::vector<std::size_t> group;
    for (std::size_t i : pending_in_order(ledger)) {
      bool in_base = false;
      for (std::size_t b : base) in_base = in_base || b == i;
      if (!in_base && group.size() < every) group.push_back(i);
    }
    if (group.empty()) return base;
    std::vector<std::size_t> set = base;
    set.insert(set.end(), group.begin(), group.end());
    std::optional<StepOutcome> o = judge_applying(ledger, set, "checkpoint " + std::to_string(out.size() + 1));
    group = ledger.only_pending(group);
    std::vector<std::size_t> next = base;
    if (o && o->kind == StepOutcome::Kind::passed) next.insert(next.end(), group.begin(), group.end());
    else if (o) next = ledger.settle_failed(base, group, ledger.steps().size() - 1);
    if (next != base || out.empty()) out.push_back(BatchCheckpoint{next, ledger.steps().size() - 1});
    base = std::move(next);
  }
}

std::vector<std::size_t> one_by_one(BatchLedger& ledger) {
  std::vector<std::size_t> accepted;
  for (std::size_t i : dependency_order(ledger.deps())) {
    if (!ledger.pending(i)) continue;
    // Alone against the baseline, with the fixes it depends on (all accepted, or it would be skipped).
    std::vector<std::size_t> set = dependencies_of(ledger.deps(), i);
    set.push_back(i);
    StepOutcome o = ledger.judge(set, "alone");
    std::size_t step = ledger.steps().size() - 1;
    if (o.kind == StepOutcome::Kind::not_applied) {
      ledger.skip_not_applied(o);
    } else if (o.kind == StepOutcome::Kind::passed) {
      ledger.decide(i, FixVerdict::accepted, "passes alone (step " + std::to_string(step + 1) + ")", step);
      accepted.push_back(i);
    } else {
      std::string why = o.reason.empty() ? "fails alone" : o.reason;
      ledger.decide(i, FixVerdict::rejected, why + " (step " + std::to_string(step + 1) + ")", step);
    }
  }
  return accepted;
}

}  // namespace

BatchPlan plan_batch(const BatchPlanInput& input, const JudgeSet& judge) {
  if (input.strategy == BatchStrategy::checkpoint && input.checkpoint_every == 0)
    throw Error(ErrorKind::usage, "--checkpoint-every must be at least 1");
  BatchLedger ledger(input.ids, input.deps, judge);
  BatchPlan plan;
  for (std::size_t i = 0; i < input.refused.size(); ++i)
    if (input.refused[i]) ledger.decide(i, FixVerdict::refused, *input.refused[i], std::nullopt);
  for (std::size_t i = 0; i < input.ids.size(); ++i)
    if (i >= input.refused.size() || !input.refused[i]) ++plan.one_by_one_runs;

  std::vector<std::size_t> accepted;
  switch (input.strategy) {
    case BatchStrategy::all_or_nothing: accepted = all_together(ledger, false); break;
    case BatchStrategy::best_effort: accepted = all_together(ledger, true); break;
    case BatchStrategy::checkpoint: accepted = in_checkpoints(ledger, input.checkpoint_every, plan.checkpoints); break;
    case BatchStrategy::continue_on_error: accepted = one_by_one(ledger); break;
  }
  for (std::size_t i : accepted)
    if (ledger.pending(i)) {
      std::optional<std::size_t> step = ledger.verified_in(i);
      ledger.decide(i, FixVerdict::accepted,
                    "passes with the accepted set" + (step ? " (step " + std::to_string(*step + 1) + ")" : std::string()),
                    step);
    }
  for (std::size_t i = 0; i < input.ids.size(); ++i)
    if (ledger.pending(i))
      throw Error(ErrorKind::internal, "the batch ended with fix '" + input.ids[i] + "' undecided");
  plan.decisions = ledger.decisions();
  plan.steps = ledger.steps();
  plan.accepted = accepted;
  plan.runs = ledger.runs();
  return plan;
}

}  // namespace autofix
