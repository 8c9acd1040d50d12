// SPDX-License-Identifier: MIT
#include "tests/support/judge_bench.h"

#include <cstdio>
#include <cstdlib>

#include <git2.h>

#include "gate/git/handles.h"
#include "gate/git/tree_diff.h"
#include "gate/judge/baseline_run.h"
#include "gate/snapshot/outside_changes.h"
#include "gate/util/error.h"
#include "reporters/progress.h"

namespace autofix::testing {

namespace fs = std::filesystem;

namespace {

// `git init` by libgit2, in this process.
git::Repository init_repository(const fs::path& dir) {
  git::Library library;
  git::RepositoryPtr created;
  git::check(git_repository_init(git::out(created), dir.c_str(), 0), "cannot create a repository in " + dir.string());
  return git::Repository::open(dir);
}

}  // namespace

// What the phases print, kept in memory.
struct JudgeBench::Output {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* stream = ::open_memstream(&text, &size);
  reporters::Progress progress{stream, false};
  ~Output() {
    std::fclose(stream);
    std::free(text);
  }
};

JudgeBench::JudgeBench()
    : repo_(init_repository(dir_.path() / "repo with spaces")), output_(std::make_unique<Output>()) {
  layout_.repo = &repo_;
  layout_.root = repo_.workdir();
  layout_.source_dir = layout_.root;
  layout_.build_dir = layout_.root / "build";
  layout_.report_dir = layout_.build_dir / "autofix" / "bench";
  layout_.report_root = layout_.build_dir / "autofix";
  layout_.excluded = {"build"};
  settings.jobs = 2;
  phases_ = std::make_unique<Phases>(output_->progress, durations_, nullptr);
  set_tiers(R"([{"name": "tests", "kind": "ctest"}])");
}

JudgeBench::~JudgeBench() = default;

void JudgeBench::set_tiers(const std::string& json_array) {
  config = parse_config(R"({"version": 1, "tiers": )" + json_array + "}", "bench configuration");
}

void JudgeBench::write(const std::string& path, const std::string& content) const {
  write_file(root() / path, content);
}

void JudgeBench::remove(const std::string& path) const { fs::remove(root() / path); }

const BaselineRecord& JudgeBench::compute_baseline() {
  before_ = worktree_tree_now(repo_, layout_.excluded);
  baseline_ = ensure_baseline(fake, repo_, layout_, git::to_hex(*before_), settings, config, *phases_, info_);
  return baseline_;
}

AttemptResult JudgeBench::judge() {
  if (!before_) throw Error(ErrorKind::internal, "JudgeBench::judge() before compute_baseline()");
  git_oid after = worktree_tree_now(repo_, layout_.excluded);
  AttemptResult result;
  result.baseline = info_;
  result.require_fixed = require_fixed;
  git::DiffPtr diff = diff_trees(repo_, *before_, after);
  result.files_changed = changed_files(diff.get());
  JudgeInput in = judge_input(fake, repo_, layout_, config, settings, *phases_, baseline_, *before_, after);
  in.require_fixed = require_fixed;
  in.fail_fast = fail_fast;
  judge_change(in, result);
  return result;
}

std::string JudgeBench::progress() {
  std::fflush(output_->stream);
  return std::string(output_->text, output_->size);
}

std::map<std::string, std::string> transitions_of(const AttemptResult& result) {
  std::map<std::string, std::string> out;
  for (const TestOutcome& t : result.tests) out[t.name] = to_string(t.transition);
  return out;
}

const TestOutcome& outcome_of(const AttemptResult& result, const std::string& name) {
  for (const TestOutcome& t : result.tests)
    if (t.name == name) return t;
  throw Error(ErrorKind::internal, "no outcome for test '" + name + "'");
}

const TierResult& tier_of(const AttemptResult& result, const std::string& name) {
  for (const TierResult& t : result.tiers)
    if (t.name == name) return t;
  throw Error(ErrorKind::internal, "no tier '" + name + "'");
}

std::vector<std::string> tiers_of(const AttemptResult& result) {
  std::vector<std::string> out;
  for (const TierResult& t : result.tiers) out.push_back(t.name + " " + to_string(t.status) + ": " + t.reason);
  return out;
}

}  // namespace autofix::testing
