// SPDX-License-Identifier: MIT
#include "gate/policy/bisection.h"

#include <algorithm>
#include <utility>

namespace autofix {

namespace {

std::vector<std::size_t> joined(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  std::vector<std::size_t> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

bool contains(const std::vector<std::size_t>& v, std::size_t x) { return std::ranges::find(v, x) != v.end(); }

std::string step_name(std::size_t step) { return "step " + std::to_string(step + 1); }

}  // namespace

BatchLedger::BatchLedger(std::vector<std::string> ids, FixDeps deps, JudgeSet judge)
    : ids_(std::move(ids)),
      deps_(std::move(deps)),
      judge_(std::move(judge)),
      position_(ids_.size()),
      decisions_(ids_.size()),
      verified_(ids_.size()) {
  std::vector<std::size_t> order = dependency_order(deps_);
  for (std::size_t p = 0; p < order.size(); ++p) position_[order[p]] = p;
}

std::vector<std::size_t> BatchLedger::ordered(std::vector<std::size_t> fixes) const {
  std::ranges::sort(fixes, [&](std::size_t a, std::size_t b) { return position_[a] < position_[b]; });
  return fixes;
}

std::vector<std::size_t> BatchLedger::only_pending(const std::vector<std::size_t>& fixes) const {
  std::vector<std::size_t> out;
  for (std::size_t i : fixes)
    if (pending(i)) out.push_back(i);
  return out;
}

std::string BatchLedger::names(const std::vector<std::size_t>& fixes) const {
  constexpr std::size_t kNamed = 5;
  std::string out;
  std::size_t shown = std::min(fixes.size(), kNamed);
  for (std::size_t k = 0; k < shown; ++k) {
    bool last = k + 1 == shown && fixes.size() <= kNamed;
    out += (k == 0 ? "" : last ? " and " : ", ") + ids_[fixes[k]];
  }
  if (fixes.size() > kNamed) out += " and " + std::to_string(fixes.size() - kNamed) + " more";
  return out;
}

StepOutcome BatchLedger::judge(std::vector<std::size_t> set, const std::string& purpose) {
  set = ordered(std::move(set));
  StepOutcome outcome = judge_(set);
  steps_.push_back(PlanStep{set, outcome, purpose});
  if (outcome.kind == StepOutcome::Kind::not_applied) return outcome;
  ++runs_;
  if (outcome.kind == StepOutcome::Kind::passed)
    for (std::size_t i : set) verified_[i] = steps_.size() - 1;
  return outcome;
}

void BatchLedger::skip_not_applied(const StepOutcome& outcome) {
  const PlanStep& step = steps_.back();
  std::vector<std::size_t> before(step.set.begin(), std::ranges::find(step.set, outcome.fix));
  std::string reason = before.empty() ? "does not apply" : "does not apply after " + names(before);
  if (!outcome.reason.empty()) reason += ": " + outcome.reason;
  decide(outcome.fix, FixVerdict::skipped, reason, steps_.size() - 1);
}

void BatchLedger::decide(std::size_t i, FixVerdict verdict, std::string reason, std::optional<std::size_t> step) {
  decisions_[i] = FixDecision{verdict, std::move(reason), step, std::nullopt};
  if (verdict == FixVerdict::accepted) return;
  for (std::size_t d : dependents_of(deps_, i))
    if (pending(d))
      decisions_[d] = FixDecision{FixVerdict::skipped, "depends on " + ids_[i] + ", which was " + to_string(verdict),
                                  step, std::nullopt};
}

std::vector<std::size_t> BatchLedger::settle(const std::vector<std::size_t>& base, std::vector<std::size_t> group,
                                             const std::vector<std::size_t>& origin,
                                             std::optional<std::size_t> failed_in) {
  std::vector<std::size_t> still = only_pending(group);
  if (still.size() != group.size()) failed_in.reset();  // what failed is no longer this set
  group = ordered(std::move(still));
  if (group.empty()) return base;
  if (!failed_in) {
    StepOutcome o = judge(joined(base, group), "bisect");
    if (o.kind == StepOutcome::Kind::not_applied) {
      skip_not_applied(o);
      return settle(base, group, origin, std::nullopt);
    }
    if (o.kind == StepOutcome::Kind::passed) return joined(base, group);
    failed_in = steps_.size() - 1;
  }
  if (group.size() == 1) {
    blame(group.front(), base, origin, *failed_in);
    return base;
  }
  const auto half = static_cast<std::ptrdiff_t>(group.size() / 2);
  std::vector<std::size_t> left(group.begin(), group.begin() + half);
  std::vector<std::size_t> right(group.begin() + half, group.end());
  std::vector<std::size_t> after_left = settle(base, left, origin, std::nullopt);
  // All of the left half passed: base + left + right is the set that failed, so the right half is known
  // to fail on the new base without judging it.
  bool right_known = after_left == joined(base, left) && only_pending(right).size() == right.size();
  return settle(after_left, right, origin, right_known ? failed_in : std::nullopt);
}

std::vector<std::size_t> BatchLedger::settle_failed(const std::vector<std::size_t>& base, std::vector<std::size_t> group,
                                                    std::size_t failed_in) {
  group = ordered(only_pending(group));
  // A copy: judging appends to steps_.
  const std::optional<std::vector<SuspectGroup>> groups = steps_[failed_in].outcome.suspects;
  if (!groups || groups->empty()) return ordered(settle(base, group, base, failed_in));
  std::vector<std::size_t> suspects;
  bool one_each = true;  // every broken test has exactly one suspect
  for (const SuspectGroup& g : *groups) {
    // A test no fix reaches, or one a fix of the base (or an already decided one) reaches: no narrowing.
    if (g.fixes.empty()) return ordered(settle(base, group, base, failed_in));
    for (std::size_t f : g.fixes) {
      if (!contains(group, f)) return ordered(settle(base, group, base, failed_in));
      if (!contains(suspects, f)) suspects.push_back(f);
    }
    one_each = one_each && g.fixes.size() == 1;
  }
  // A fix that depends on a suspect goes with it: without it, it may not apply.
  std::vector<std::size_t> with_suspects = suspects;
  for (std::size_t f : suspects)
    for (std::size_t d : dependents_of(deps_, f))
      if (contains(group, d) && !contains(with_suspects, d)) with_suspects.push_back(d);
  with_suspects = ordered(std::move(with_suspects));
  std::vector<std::size_t> others;
  for (std::size_t f : group)
    if (!contains(with_suspects, f)) others.push_back(f);

  std::vector<std::size_t> new_base = base;
  std::optional<std::size_t> without_step;
  if (!others.empty()) {
    StepOutcome o = judge(joined(base, others), "without the suspects");
    if (o.kind == StepOutcome::Kind::not_applied) {
      skip_not_applied(o);
      return ordered(settle(base, group, base, failed_in));  // group changed: judged again, bisected as usual
    }
    if (o.kind == StepOutcome::Kind::failed) {
      // More fails than the suspects explain: each part is bisected as usual.
      std::vector<std::size_t> after_others = settle(base, others, base, steps_.size() - 1);
      return ordered(settle(after_others, with_suspects, base, std::nullopt));
    }
    without_step = steps_.size() - 1;
    new_base = joined(base, others);
  }
  // The suspects failed on the new base (base + others + suspects is the set that failed).
  if (!one_each) return ordered(settle(new_base, with_suspects, new_base, failed_in));
  for (std::size_t f : suspects) {
    if (!pending(f)) continue;
    std::vector<std::string> tests;
    for (const SuspectGroup& g : *groups)
      if (g.fixes.front() == f) tests.push_back(g.test);
    std::string list;
    for (std::size_t t = 0; t < tests.size(); ++t)
      list += (t == 0 ? "" : t + 1 == tests.size() ? " and " : ", ") + tests[t];
    const std::string& why = steps_[failed_in].outcome.reason;
    std::string reason = (why.empty() ? std::string("the set with it fails") : why) + " (" + step_name(failed_in) +
                         "); of the set's fixes only it reaches " + list + " through the build";
    if (without_step) reason += "; the set without the suspects passes (" + step_name(*without_step) + ")";
    decide(f, FixVerdict::rejected, reason, failed_in);
  }
  return ordered(new_base);
}

void BatchLedger::blame(std::size_t fix, const std::vector<std::size_t>& base, const std::vector<std::size_t>& origin,
                        std::size_t failed_in) {
  auto failure = [&](std::size_t step) {
    const std::string& why = steps_[step].outcome.reason;
    return (why.empty() ? std::string("the set with it fails") : why) + " (" + step_name(step) + ")";
  };
  if (base == origin) {
    decide(fix, FixVerdict::rejected, failure(failed_in), failed_in);
    return;
  }
  // The base grew during this bisection: the failure may need one of the fixes that joined it.
  std::vector<std::size_t> joined_now, needed, others;
  for (std::size_t i : base)
    if (!contains(origin, i)) joined_now.push_back(i);
  std::vector<std::size_t> deps = dependencies_of(deps_, fix);
  for (std::size_t i : joined_now) (contains(deps, i) ? needed : others).push_back(i);
  StepOutcome alone = judge(joined(joined(origin, needed), {fix}), "confirm alone");
  std::size_t alone_step = steps_.size() - 1;
  if (alone.kind != StepOutcome::Kind::passed || others.empty()) {
    std::string reason = alone.kind == StepOutcome::Kind::failed ? failure(alone_step)
                         : alone.kind == StepOutcome::Kind::not_applied
                             ? failure(failed_in) + "; without " + names(others) + " it does not apply"
                             : failure(failed_in) + ", but passed when judged again (" + step_name(alone_step) +
                                   "): the tests are not deterministic";
    decide(fix, FixVerdict::rejected, reason, alone_step);
    return;
  }
  // Passes alone, fails with all of `others`: the shortest prefix of `others` it fails with ends in
  // the partner.
  std::size_t lo = 0, hi = others.size(), partner_step = failed_in;
  while (hi - lo > 1) {
    std::size_t mid = (lo + hi) / 2;
    std::vector<std::size_t> prefix(others.begin(), others.begin() + static_cast<std::ptrdiff_t>(mid));
    StepOutcome o = judge(joined(joined(origin, needed), joined(prefix, {fix})), "find the partner");
    if (o.kind == StepOutcome::Kind::passed) {
      lo = mid;
    } else {
      hi = mid;
      partner_step = steps_.size() - 1;
    }
  }
  std::size_t partner = others[hi - 1];
  decide(fix, FixVerdict::interaction,
         "passes without the others (" + step_name(alone_step) + ") but fails together with " + ids_[partner] + " (" +
             step_name(partner_step) + "); " + ids_[partner] + " was kept",
         partner_step);
  decisions_[fix].partner = partner;
}

}  // namespace autofix
