// SPDX-License-Identifier: MIT
#pragma once
// The static tier's analysis of the tree without the change, paid for once per translation unit
// (docs/tiers.md, "Stored analyses"): each unit's findings are stored (gate/state/analysis_store.h) under
// its analysis key (gate/judge/analysis_keys.h), which is computed from what the baseline's build recorded
// the unit was compiled from. A unit whose key cannot be computed is analysed every time, and a phase note
// says why; a stored analysis that cannot be used is analysed again and stored anew.
#include <functional>
#include <string>
#include <vector>

#include "gate/git/repository.h"
#include "gate/judge/phases.h"
#include "gate/judge/toolchain.h"
#include "gate/policy/config.h"
#include "gate/state/layout.h"

namespace autofix {

// Whether `config` has a clang-tidy or cppcheck tier (include lists are recorded only then).
bool has_static_tier(const GateConfig& config);

// Records what each translation unit of the tree without the change was compiled from, with the content
// hashes of those files, under the baseline's key. ensure_baseline calls it right after it built that
// tree. A problem is a phase note (the static tier then analyses that tree on every attempt), never the
// baseline's failure; only an interrupt escapes.
void record_include_lists(Toolchain& toolchain, const git::Repository& repo, const Layout& l,
                          const std::string& baseline_key, Phases& phases);

struct BaselineAnalysisContext {
  Toolchain* toolchain = nullptr;
  const git::Repository* repo = nullptr;
  const Layout* layout = nullptr;
  git_oid before_tree{};                                 // the tree without the change
  std::string baseline_key;                              // its baseline's key (the include lists' key)
  runners::Analyzer analyzer = runners::Analyzer::clang_tidy;
  const std::vector<runners::CompileUnit>* database = nullptr;  // the compile database now
  std::string tier;                                      // names the notes
  Phases* phases = nullptr;
};

struct BaselineAnalysis {
  // Every unit's findings, in the order of the units, a finding several report kept once (the first
  // unit's), sorted like an analyzer run's; without fingerprints.
  std::vector<Finding> findings;
  std::vector<std::string> stored;    // the units whose analysis was stored
  std::vector<std::string> analysed;  // the units `analyze` analysed
};

// The analysis of `units` (relative to the repository root; each one the tree without the change has)
// in the tree without the change: a unit's stored analysis when its key is known and stored; the others
// through `analyze` (called once with all of them, only when there are some; it must analyse the tree
// without the change), then stored under their keys. Throws what `analyze` throws.
BaselineAnalysis analyse_baseline(const BaselineAnalysisContext& ctx, const std::vector<std::string>& units,
                                  const std::function<runners::AnalyzerRun(const std::vector<std::string>&)>& analyze);

}  // namespace autofix
