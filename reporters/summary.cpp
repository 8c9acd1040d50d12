#include "reporters/summary.h"

#include <sstream>

#include "gate/util/byte_names.h"
#include "gate/util/signals.h"

namespace autofix::reporters {

std::string attempt_summary(const AttemptResult& r) {
  std::ostringstream m;
  const char* headline = r.verdict == Verdict::accepted       ? "Accepted"
                         : r.verdict == Verdict::rejected     ? "Rejected"
                         : r.verdict == Verdict::needs_review ? "Needs review"
                         : r.verdict == Verdict::planned      ? "Planned (dry run)"
                                                              : "Error";
  m << "## AutofixGate: " << headline << "\n\n" << r.reason << (r.reason.ends_with('.') ? "" : ".") << "\n\n";
  if (r.interrupted_after_decision)
    m << "**Interrupted** by " << signal_name(r.interrupted_after_decision)
      << " after the outcome was committed: it stands.\n\n";
  if (!r.outside_edits.empty()) {
    // Someone's work must never vanish quietly: this comes before everything else about the fix.
    m << "**Changed during the attempt by someone other than the fix** (you, or a build or test writing into the "
         "sources):\n\n";
    for (const OutsideEdit& e : r.outside_edits) {
      m << "- `" << quoted_name(e.path) << "` (" << to_string(e.change) << "): ";
      if (e.action == "set_aside")
        m << "the fix had changed it too; the fix was undone there and this version kept under `"
          << r.kept_ref.value_or("refs/autofix/kept/") << "` (`git show " << r.kept_ref.value_or("refs/autofix/kept/<id>")
          << ":" << quoted_name(e.path) << "`)";
      else if (e.action == "restored")
        m << "the fix had changed it and it was deleted afterwards; put back as it was before the fix";
      else
        m << "kept as it is";
      m << "\n";
    }
    m << "\n";
  }
  // What decided comes first: cascading failures, weakened tests, the risk, the failing tiers.
  if (!r.cascading.empty()) {
    m << "**Regressions and how they connect to the change:**\n\n";
    for (const CascadeEntry& c : r.cascading) {
      auto chain_text = [](const std::vector<std::string>& chain) {
        std::string text;
        for (size_t i = 0; i < chain.size(); ++i) text += (i ? " → " : "") + chain[i];
        return text;
      };
      m << "- `" << c.test << "`: " << to_string(c.kind);
      if (!c.chain.empty()) {
        m << " (" << chain_text(c.chain) << ")";
      } else if (c.candidates.size() > 1) {
        m << "; its build reaches " << c.candidates.size() << " changed files, any of which may be the cause:";
        for (const CascadeCandidate& k : c.candidates) m << " `" << k.file << "` (" << chain_text(k.chain) << ");";
      }
      m << "\n";
    }
    m << "\n";
  }
  if (!r.tampering.empty()) {
    m << "**Weakened tests** (the fix must not make a test pass by disabling it):\n\n";
    for (const TamperFinding& f : r.tampering) {
      m << "- " << (f.downgraded ? "warning: " : "") << to_string(f.kind);
      if (!f.file.empty()) m << " at `" << f.file << (f.line ? ":" + std::to_string(f.line) : "") << "`";
      if (!f.test.empty()) m << " (test `" << f.test << "`)";
      if (!f.detail.empty()) m << ": " << f.detail;
      m << "\n";
    }
    m << "\n";
  }
  if (r.risk.level != RiskLevel::normal)
    m << "**Risk: " << to_string(r.risk.level) << "**: `" << r.risk.path << "` matches `" << r.risk.pattern << "`.\n\n";
  if (!r.tiers.empty()) {
    m << "| tier | kind | | status | |\n|---|---|---|---|---|\n";
    for (const TierResult& t : r.tiers)
      m << "| " << t.name << " | " << to_string(t.kind) << " | " << (t.required ? "required" : "advisory") << " | "
        << to_string(t.status) << " | " << t.reason << " |\n";
    m << "\n";
    for (const TierResult& t : r.tiers) {
      if (t.kind == TierKind::ctest || t.findings.empty()) continue;
      m << "Findings of **" << t.name << "**:\n\n";
      for (const Finding& f : t.findings) {
        m << "- " << to_string(f.state) << (f.blocking ? "" : " (" + f.severity + ", not blocking)") << ": `" << f.rule << "`";
        if (!f.file.empty()) m << " at `" << f.file << (f.line ? ":" + std::to_string(f.line) : "") << "`";
        m << ": " << f.message << "\n";
      }
      m << "\n";
    }
  }
  if (!r.lane.reason.empty()) m << "Lane: **" << to_string(r.lane.lane) << "** (" << r.lane.reason << ").\n\n";
  std::vector<std::string> flaky = r.names_with(Transition::FLAKY);
  if (!flaky.empty()) {
    m << "**Flaky** (results differ between runs; neither fixed nor broken):\n\n";
    for (const TestOutcome& t : r.tests)
      if (t.transition == Transition::FLAKY)
        m << "- `" << t.name << "`" << (t.known_flakes > 1 ? " (known flaky: " + std::to_string(t.known_flakes) + " times)" : "")
          << "\n";
    m << "\n";
  }
  std::vector<std::string> broken = r.regression_reasons();
  std::vector<std::string> missing = r.names_with(Transition::MISSING);
  if (!broken.empty()) {
    m << "**Regressions**:\n\n";
    for (const auto& b : broken) m << "- " << b << "\n";
    m << "\n";
  }
  if (!missing.empty()) {
    m << "**Missing tests** (ran before the fix, gone with it):\n\n";
    for (const auto& b : missing) m << "- `" << b << "`\n";
    m << "\n";
  }
  if (r.build.ran && !r.build.ok) {
    m << "**Build failed**: " << r.build.failure << "\n\n```\n";
    for (const auto& e : r.build.errors) m << e << "\n";
    m << "```\n\n";
  }
  m << "| | |\n|---|---|\n";
  m << "| attempt | `" << r.attempt_id << "` |\n";
  if (r.branch) m << "| branch | `" << *r.branch << "` |\n";
  m << "| tests run / passed | " << r.tests_run() << " / " << r.tests_passed() << " |\n";
  for (Transition t : kTransitions.values()) m << "| " << to_string(t) << " | " << r.names_with(t).size() << " |\n";
  m << "| baseline | " << (r.baseline.cached ? "reused" : "computed") << " |\n";
  m << "\n";
  std::vector<std::string> fixed = r.names_with(Transition::FAIL_TO_PASS);
  if (!fixed.empty()) {
    m << "Fixed:\n\n";
    for (const auto& f : fixed) m << "- `" << f << "`\n";
    m << "\n";
  }
  if (!r.files_changed.empty()) {
    m << "Files changed by the fix:\n\n";
    for (const auto& f : r.files_changed) m << "- `" << quoted_name(f.path) << "` (" << to_string(f.status) << ")\n";
    m << "\n";
  }
  if (r.fixer) m << "Fixer `" << (r.fixer->command.empty() ? "" : r.fixer->command.front()) << "`: " << r.fixer->result << "\n\n";
  if (r.mode == "verify")
    m << "Verified " << r.base.value_or("?").substr(0, 12) << ".." << r.head.value_or("?").substr(0, 12)
      << (r.shard ? " (shard " + *r.shard + ")" : "") << "; the checkout was restored.\n";
  else if (r.verdict == Verdict::planned)
    m << "Nothing was changed: a dry run builds, tests and judges nothing.\n";
  else if (r.verdict != Verdict::accepted || r.on_accept == OnAccept::branch)
    m << "The work tree was restored to snapshot `" << r.snapshot << "` and verified.\n";
  return m.str();
}

}  // namespace autofix::reporters
