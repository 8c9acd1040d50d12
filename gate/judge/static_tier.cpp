// SPDX-License-Identifier: MIT
#include "gate/judge/static_tier.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "gate/git/diff_lines.h"
#include "gate/git/tree_checkout.h"
#include "gate/git/tree_entries.h"
#include "gate/judge/stored_analysis.h"
#include "gate/policy/build_graph.h"
#include "gate/policy/findings.h"
#include "gate/results/severity.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/trace.h"
#include "runners/static_analyzer.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

bool is_header(const std::string& path) {
  for (const char* ext : {".h", ".hh", ".hpp", ".hxx", ".h++", ".inl", ".ipp", ".tpp"})
    if (path.ends_with(ext)) return true;
  return false;
}

// Puts the tree without the change back for the paths it touched; restore() puts the change back and
// throws when it cannot (later tiers and `--on-accept keep` must never run on the files without it).
// A file someone edited since the change was applied (or while the analysis ran) is left as it is: the
// rollback keeps that edit (gate/snapshot/outside_changes.h), it must not be overwritten here.
class BaselineFilesInPlace {
 public:
  BaselineFilesInPlace(const TierContext& ctx, const std::vector<std::string>& paths)
      : ctx_(ctx), paths_(materialize_unchanged_paths(*ctx.repo, ctx.before_tree, paths, ctx.after_tree)) {}
  void restore() {
    restored_ = true;
    materialize_unchanged_paths(*ctx_.repo, ctx_.after_tree, paths_, ctx_.before_tree);
  }
  ~BaselineFilesInPlace() {
    if (restored_) return;
    try {
      materialize_unchanged_paths(*ctx_.repo, ctx_.after_tree, paths_, ctx_.before_tree);
    } catch (...) {
      // Only on the way out of an error already thrown: the operation's rollback rewrites these paths.
    }
  }
  BaselineFilesInPlace(const BaselineFilesInPlace&) = delete;
  BaselineFilesInPlace& operator=(const BaselineFilesInPlace&) = delete;

 private:
  const TierContext& ctx_;
  std::vector<std::string> paths_;
  bool restored_ = false;
};

runners::Analyzer analyzer_of(const TierConfig& tier) {
  return tier.kind == TierKind::clang_tidy ? runners::Analyzer::clang_tidy : runners::Analyzer::cppcheck;
}

// One analysis of `files` as the tree is now; `which` ("with the change", "without the change") names it
// in errors. Both analyses of a tier share its timeout, counted from `clock_start`.
runners::AnalyzerRun analyze(const TierConfig& tier, const TierContext& ctx, const std::vector<std::string>& files,
                             std::chrono::steady_clock::time_point clock_start, const std::string& which) {
  if (files.empty()) return {};
  runners::AnalyzerOptions a;
  a.analyzer = analyzer_of(tier);
  a.source_dir = ctx.layout->root;
  a.build_dir = ctx.layout->build_dir;
  a.files = files;
  a.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(tier.timeout);
  a.clock_start = clock_start;
  a.jobs = ctx.settings->jobs;
  runners::AnalyzerRun run;
  try {
    run = ctx.toolchain->analyze(a);
  } catch (const Error& e) {
    throw Error(e.kind(), "analysing the tree " + which + ": " + e.what(), e.hint());
  }
  for (const std::string& w : run.warnings) ctx.phases->note("[" + tier.name + "] warning: " + w);
  return run;
}

// The threshold in effect: the tier's fail_on, else the default (docs/configuration.md). The project's
// .clang-tidy is looked for in the tree without the change: a fix does not choose its own judge.
FailOn threshold_of(const TierConfig& tier, const TierContext& ctx) {
  if (tier.fail_on) return *tier.fail_on;
  return default_fail_on(tier.kind == TierKind::clang_tidy &&
                         git::read_blob_at(*ctx.repo, ctx.before_tree, ".clang-tidy").has_value());
}

// "warning selfAssignment at src/a.cpp:14, style shadowFunction at src/b.cpp:3 and 2 more"
std::string describe_findings(const std::vector<const Finding*>& findings) {
  constexpr size_t kShown = 3;
  std::string out;
  for (size_t i = 0; i < findings.size() && i < kShown; ++i) {
    const Finding& f = *findings[i];
    out += (i ? ", " : "") + f.severity + " " + (f.rule.empty() ? std::string("(no rule)") : f.rule);
    if (!f.file.empty()) out += " at " + f.file + (f.line ? ":" + std::to_string(f.line) : "");
  }
  if (findings.size() > kShown) out += " and " + std::to_string(findings.size() - kShown) + " more";
  return out;
}

// The lines the change added or rewrote, per file (numbered as in the tree with the change).
std::map<std::string, std::set<int>> touched_lines(const std::vector<git::FileDiff>& diff) {
  std::map<std::string, std::set<int>> out;
  for (const git::FileDiff& f : diff)
    for (const git::LineChange& line : f.lines)
      if (line.origin == '+') out[f.path].insert(line.new_line);
  return out;
}

}  // namespace

TierResult run_static_tier(const TierConfig& tier, const TierContext& ctx) {
  const auto clock_start = std::chrono::steady_clock::now();
  TierResult r = begin_tier_result(tier);
  std::optional<TraceScope> trace(std::in_place, "units to analyse");
  const std::vector<runners::CompileUnit> database =
      ctx.toolchain->translation_units(ctx.layout->build_dir, ctx.layout->root);
  trace.reset();
  std::set<std::string> in_database;
  for (const runners::CompileUnit& u : database) in_database.insert(u.file);
  std::set<std::string> units;
  std::vector<std::string> touched, unmapped_headers;
  for (const FileChange& f : *ctx.files) {
    touched.push_back(f.path);
    if (f.status != FileStatus::deleted && in_database.count(f.path)) units.insert(f.path);
    // A changed header is analysed through the translation units of the targets that include it.
    if (is_header(f.path)) {
      size_t before = units.size();
      if (ctx.graph)
        for (const std::string& target : ctx.graph->target_names()) {
          std::vector<std::string> files = ctx.graph->files_of(target);
          if (std::find(files.begin(), files.end(), f.path) == files.end()) continue;
          for (const std::string& unit : ctx.graph->own_sources(target))
            if (in_database.count(unit)) units.insert(unit);
        }
      if (units.size() == before && f.status != FileStatus::deleted) unmapped_headers.push_back(f.path);
    }
  }
  if (units.empty()) {
    r.status = TierStatus::skipped;
    r.reason = "the change touches no translation unit of compile_commands.json";
    if (!unmapped_headers.empty())
      r.reason += "; no built translation unit is known to include the changed header '" + unmapped_headers.front() +
                  "'" +
                  (unmapped_headers.size() > 1 ? " (nor " + std::to_string(unmapped_headers.size() - 1) + " more)" : "") +
                  (ctx.graph ? "" : ": the build has no CMake File API reply to tell");
    return r;
  }
  const FailOn threshold = threshold_of(tier, ctx);
  const fs::path root = ctx.layout->root;
  std::vector<std::string> files(units.begin(), units.end());
  trace.emplace("with the change");
  std::vector<Finding> after = analyze(tier, ctx, files, clock_start, "with the change").findings;
  assign_fingerprints(after, [&](const std::string& file) { return read_file_if_exists(root / file); });
  trace.emplace("without the change");

  // The tree without the change: the units it has, from their stored analyses, or analysed with the
  // touched files put back for a moment (and stored).
  const std::set<std::string> touched_set(touched.begin(), touched.end());
  const git::TreeReader before_tree(*ctx.repo, ctx.before_tree);
  std::vector<std::string> existing;
  for (const std::string& f : files) {
    std::error_code ec;
    bool there = touched_set.count(f) ? before_tree.at(f).kind != git::TreeEntryAt::Kind::absent : fs::exists(root / f, ec);
    if (there) existing.push_back(f);
  }
  BaselineAnalysisContext stored{ctx.toolchain, ctx.repo,     ctx.layout, ctx.before_tree, ctx.baseline->key,
                                 analyzer_of(tier), &database, tier.name,  ctx.phases};
  std::vector<Finding> before =
      analyse_baseline(stored, existing, [&](const std::vector<std::string>& missing) {
        BaselineFilesInPlace baseline(ctx, touched);
        runners::AnalyzerRun run = analyze(tier, ctx, missing, clock_start, "without the change");
        baseline.restore();
        return run;
      }).findings;
  assign_fingerprints(before, [&](const std::string& file) -> std::optional<std::string> {
    if (touched_set.count(file)) return git::read_blob_at(*ctx.repo, ctx.before_tree, file);
    return read_file_if_exists(root / file);
  });

  trace.reset();
  // Reported: the new findings, those the change removed, and the unchanged ones on lines it touched
  // (the others were there before and are none of its business).
  const std::map<std::string, std::set<int>> lines = touched_lines(*ctx.diff);
  for (Finding& f : compare_findings(before, after)) {
    if (f.state == FindingState::unchanged) {
      auto it = lines.find(f.file);
      if (it == lines.end() || !it->second.count(f.line)) continue;
    }
    r.findings.push_back(std::move(f));
  }
  std::vector<const Finding*> blocking, reported;  // the new ones, at or above the threshold and below it
  size_t gone = 0;
  for (Finding& f : r.findings) {
    f.blocking = blocks_at(f.severity, threshold);
    if (f.state == FindingState::absent) ++gone;
    if (f.state == FindingState::new_) (f.blocking ? blocking : reported).push_back(&f);
  }
  r.tests = files;
  r.status = blocking.empty() ? TierStatus::passed : TierStatus::failed;
  r.reason = std::to_string(blocking.size()) + " new blocking finding(s)" +
             (blocking.empty() ? "" : " (" + describe_findings(blocking) + ")") + ", " + std::to_string(gone) +
             " fixed, in " + std::to_string(files.size()) + " translation unit(s)";
  if (!reported.empty())
    r.reason += "; " + std::to_string(reported.size()) + " new finding(s) below the '" + to_string(threshold) +
                "' threshold reported, not blocking (" + describe_findings(reported) + ")";
  return r;
}

}  // namespace autofix
