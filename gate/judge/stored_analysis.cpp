// SPDX-License-Identifier: MIT
#include "gate/judge/stored_analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "gate/git/hash_text.h"
#include "gate/judge/analysis_keys.h"
#include "gate/state/analysis_store.h"
#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
#include "gate/util/trace.h"

namespace autofix {

namespace {

std::string command_hash(const std::string& command) { return git::to_hex(git::hash_text(command, "a compile command")); }

// "'a.cpp' (why), 'b.cpp' (why) and 3 more"
std::string listed(const std::vector<std::pair<std::string, std::string>>& units_and_reasons) {
  constexpr size_t kShown = 3;
  std::string out;
  for (size_t i = 0; i < units_and_reasons.size() && i < kShown; ++i)
    out += (i ? ", '" : "'") + units_and_reasons[i].first + "' (" + units_and_reasons[i].second + ")";
  if (units_and_reasons.size() > kShown) out += " and " + std::to_string(units_and_reasons.size() - kShown) + " more";
  return out;
}

// The analysis keys of the units of one tree, from the include lists its baseline's build recorded. A
// problem that concerns every unit (no include lists, an analyzer that does not say its version) is
// common(); one that concerns a unit is why().
class KeyMaker {
 public:
  KeyMaker(const BaselineAnalysisContext& ctx, const AnalysisStore& store)
      : ctx_(ctx), store_(store), hashes_(*ctx.repo, ctx.before_tree, ctx.layout->root) {
    for (const runners::CompileUnit& u : *ctx.database) commands_.emplace(u.file, u.command);
  }

  std::optional<std::string> key(const std::string& unit) {
    if (!load()) return std::nullopt;
    auto entry = lists_->units.find(unit);
    if (entry == lists_->units.end())
      return fail("the build of the tree without the change recorded no dependency information for it");
    auto command = commands_.find(unit);
    if (command == commands_.end() || command_hash(command->second) != entry->second.command_hash)
      return fail("its compile command changed since the tree without the change was built");
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string& file : entry->second.files) {
      std::optional<std::string> now = hashes_.of(file);
      if (!now) return fail(hashes_.why());
      auto recorded = lists_->hashes.find(file);
      if (recorded == lists_->hashes.end() || recorded->second != *now)
        return fail("'" + file + "' changed since the tree without the change was built");
      files.emplace_back(file, *now);
    }
    std::optional<std::string> configuration = analyzer_configuration(ctx_.analyzer, unit, hashes_);
    if (!configuration) return fail(hashes_.why());
    return analysis_key(identity_, *configuration, unit, command->second, std::move(files));
  }

  const std::string& why() const noexcept { return why_; }
  const std::string& common() const noexcept { return common_; }

 private:
  std::nullopt_t fail(std::string why) {
    why_ = std::move(why);
    return std::nullopt;
  }

  // The include lists and the analyzer's identity, once; false when either is not known.
  bool load() {
    if (loaded_) return lists_.has_value();
    loaded_ = true;
    StoreLookup<IncludeLists> lists;
    try {
      lists = store_.include_lists(ctx_.baseline_key);
    } catch (const Error& e) {
      common_ = e.what();  // no baseline key to look under
      return false;
    }
    if (!lists.value) {
      common_ = lists.problem.empty()
                    ? "what its translation units include was not recorded when the tree without the change was "
                      "built (it was built before a static tier was configured or by an earlier version of the "
                      "gate, or its build's dependency information could not be read); delete its stored "
                      "baseline (.git/autofix/baselines/" + ctx_.baseline_key + ".json) to have it built again"
                    : "the include lists recorded for it cannot be used: " + lists.problem;
      return false;
    }
    const std::string program = runners::to_string(ctx_.analyzer);
    std::optional<std::string> version = analyzer_version(program);
    if (!version) {
      common_ = program + " does not say its version (`" + program + " --version`)";
      return false;
    }
    identity_ = {ctx_.analyzer, *version, runners::analysis_settings(ctx_.analyzer)};
    lists_ = std::move(lists.value);
    return true;
  }

  // What the analyzer says its version is: stored per binary (its identity), so that `--version` runs
  // once per installed analyzer rather than on every attempt.
  std::optional<std::string> analyzer_version(const std::string& program) {
    std::optional<std::string> identity = ctx_.toolchain->program_identity(program);
    if (identity)
      if (std::optional<std::string> known = store_.tool_version(*identity)) return known;
    std::optional<std::string> version = ctx_.toolchain->version_of(program);
    if (version && identity) {
      try {
        store_.store_tool_version(*identity, *version);
      } catch (const Error&) {
        // Only a shortcut: asked again next time.
      }
    }
    return version;
  }

  const BaselineAnalysisContext& ctx_;
  const AnalysisStore& store_;
  ContentHashes hashes_;
  std::map<std::string, std::string> commands_;
  bool loaded_ = false;
  std::optional<IncludeLists> lists_;
  AnalyzerIdentity identity_;
  std::string why_, common_;
};

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule, a.message) < std::tie(b.file, b.line, b.column, b.rule, b.message);
  });
}

}  // namespace

bool has_static_tier(const GateConfig& config) {
  return std::any_of(config.tiers.begin(), config.tiers.end(), [](const TierConfig& t) {
    return t.kind == TierKind::clang_tidy || t.kind == TierKind::cppcheck;
  });
}

void record_include_lists(Toolchain& toolchain, const git::Repository& repo, const Layout& l,
                          const std::string& baseline_key, Phases& phases) {
  const std::string consequence = ": the static tier analyses the tree without the change on every attempt";
  TraceScope trace("include lists");
  try {
    runners::UnitDependencies deps = toolchain.unit_dependencies(l.build_dir, l.root);
    if (deps.empty()) {
      phases.note("[baseline] the build recorded no dependency information (its generator or compiler writes none)" +
                  consequence);
      return;
    }
    IncludeLists lists;
    lists.key = baseline_key;
    lists.created = format_iso8601_utc(std::chrono::system_clock::now());
    std::map<std::string, std::optional<std::string>> hashes;
    for (const runners::CompileUnit& unit : toolchain.translation_units(l.build_dir, l.root)) {
      auto files = deps.find(unit.file);
      if (files == deps.end()) continue;
      bool readable = true;
      for (const std::string& file : files->second) {
        auto [it, added] = hashes.try_emplace(file);
        std::string why;
        if (added) it->second = hash_of_file(file, why);
        readable = readable && it->second.has_value();
      }
      if (!readable) continue;  // a file gone since the build: this unit's list is not what it was built from
      for (const std::string& file : files->second) lists.hashes.emplace(file, *hashes[file]);
      lists.units.emplace(unit.file, UnitIncludes{command_hash(unit.command), files->second});
    }
    if (!AnalysisStore(repo.state_dir()).store_include_lists(lists))
      phases.note("[baseline] what each translation unit includes is larger than " +
                  std::to_string(kMaxIncludeListBytes / (1024 * 1024)) + " MiB, too large to store" + consequence);
  } catch (const Error& e) {
    throw_if_interrupted();
    phases.note("[baseline] warning: cannot record what each translation unit includes: " + std::string(e.what()) +
                consequence);
  }
}

BaselineAnalysis analyse_baseline(const BaselineAnalysisContext& ctx, const std::vector<std::string>& units,
                                  const std::function<runners::AnalyzerRun(const std::vector<std::string>&)>& analyze) {
  const std::string note = "[" + ctx.tier + "] ";
  const std::string analyzer = runners::to_string(ctx.analyzer);
  AnalysisStore store(ctx.repo->state_dir());
  KeyMaker keys(ctx, store);
  BaselineAnalysis out;
  std::map<std::string, std::string> key_of;
  std::map<std::string, std::vector<Finding>> found;
  std::vector<std::pair<std::string, std::string>> unkeyed;
  std::vector<std::string> missing;
  std::optional<TraceScope> trace(std::in_place, "stored analyses");
  for (const std::string& unit : units) {
    std::optional<std::string> key = keys.key(unit);
    if (!key) {
      if (keys.common().empty()) unkeyed.emplace_back(unit, keys.why());
      missing.push_back(unit);
      continue;
    }
    key_of.emplace(unit, *key);
    StoreLookup<std::vector<Finding>> stored = store.findings(*key, analyzer, unit);
    if (stored.value) {
      found.emplace(unit, std::move(*stored.value));
      out.stored.push_back(unit);
      continue;
    }
    if (!stored.problem.empty())
      ctx.phases->note(note + "warning: ignored a stored analysis that cannot be used (" + stored.problem +
                       "): '" + unit + "' is analysed again");
    missing.push_back(unit);
  }
  trace.reset();
  if (!keys.common().empty())
    ctx.phases->note(note + "the analysis without the change is not stored: " + keys.common());
  else if (!unkeyed.empty())
    ctx.phases->note(note + "not stored, analysed without the change on every attempt: " + listed(unkeyed));
  if (!missing.empty()) {
    ctx.phases->note(note + "analysing " + std::to_string(missing.size()) + " translation unit(s) without the change" +
                     (out.stored.empty() ? "" : "; " + std::to_string(out.stored.size()) + " stored"));
    runners::AnalyzerRun run = analyze(missing);
    for (const std::string& unit : missing) {
      auto own = run.by_unit.find(unit);
      if (own == run.by_unit.end()) continue;  // not analysed (not in the compile database): nothing to store
      out.analysed.push_back(unit);
      found[unit] = own->second;
      auto key = key_of.find(unit);
      if (key == key_of.end()) continue;
      try {
        if (!store.store_findings(key->second, analyzer, unit, own->second))
          ctx.phases->note(note + "the analysis of '" + unit + "' is too large to store");
      } catch (const Error& e) {
        ctx.phases->note(note + "warning: cannot store the analysis of '" + unit + "': " + e.what());
      }
    }
  } else if (!out.stored.empty()) {
    ctx.phases->note(note + "without the change: the stored analyses of " + std::to_string(out.stored.size()) +
                     " translation unit(s)");
  }
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  for (const std::string& unit : units) {
    auto it = found.find(unit);
    if (it == found.end()) continue;
    for (const Finding& f : it->second)
      if (seen.emplace(f.file, f.line, f.column, f.rule, f.message).second) out.findings.push_back(f);
  }
  sort_findings(out.findings);
  return out;
}

}  // namespace autofix
