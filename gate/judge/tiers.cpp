// SPDX-License-Identifier: MIT
#include "gate/judge/tiers.h"

#include <algorithm>
#include <map>
#include <set>

#include "gate/git/diff_lines.h"
#include "gate/judge/static_tier.h"
#include "gate/policy/secrets.h"
#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/regex_text.h"
#include "gate/util/signals.h"
#include "runners/gitleaks.h"
#include "runners/junit_reader.h"
#include "runners/process.h"
#include "runners/sanitizer_report.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

std::chrono::milliseconds ms(std::chrono::seconds s) { return std::chrono::duration_cast<std::chrono::milliseconds>(s); }

// A label list as one `ctest -L` expression: a test needs one of them (each -L would require all).
std::string labels_regex(const std::vector<std::string>& labels) {
  std::string out = "^(";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += "|";
    out += regex_escaped(labels[i]);
  }
  return out + ")$";
}

TierResult run_ctest_tier(const TierConfig& tier, const TierContext& ctx, const AttemptResult& so_far,
                          const std::vector<runners::DiscoveredTest>& discovered) {
  TierResult r = begin_tier_result(tier);
  std::map<std::string, std::vector<std::string>> labels;
  for (const auto& d : ctx.baseline->discovered) labels[d.name] = d.labels;
  for (const auto& d : discovered) labels[d.name] = d.labels;
  size_t regressions = 0, fixed = 0, flaky = 0;
  std::vector<std::string> broken = so_far.regressions();
  std::vector<std::string> why = so_far.regression_reasons();  // parallel to broken
  for (const TestOutcome& t : so_far.tests) {
    auto it = labels.find(t.ctest_test);
    if (!tier_selects(tier, it == labels.end() ? std::vector<std::string>{} : it->second)) continue;
    r.tests.push_back(t.name);
    if (auto b = std::find(broken.begin(), broken.end(), t.name); b != broken.end()) {
      ++regressions;
      Finding f;
      f.rule = "regression";
      f.message = why[static_cast<size_t>(b - broken.begin())];
      f.detail = t.after ? t.after->output : std::string();
      f.fingerprint = t.name;
      r.findings.push_back(std::move(f));
    }
    if (t.transition == Transition::FAIL_TO_PASS) ++fixed;
    if (t.transition == Transition::FLAKY) ++flaky;
  }
  if (r.tests.empty()) {
    r.status = TierStatus::skipped;
    r.reason = tier.labels.empty() ? "no test ran" : "no test has the label(s) " + labels_regex(tier.labels);
  } else {
    r.status = regressions ? TierStatus::failed : TierStatus::passed;
    r.reason = std::to_string(r.tests.size()) + " test(s), " + std::to_string(regressions) + " regression(s), " +
               std::to_string(fixed) + " fixed" + (flaky ? ", " + std::to_string(flaky) + " flaky" : "");
  }
  return r;
}

// The added lines of each text file, as gitleaks is to read them.
std::vector<runners::AddedFile> added_files(const std::vector<git::FileDiff>& diff) {
  std::vector<runners::AddedFile> files;
  for (const git::FileDiff& f : diff) {
    if (f.binary) continue;
    runners::AddedFile& added = files.emplace_back();
    added.path = f.path;
    for (const git::LineChange& line : f.lines) {
      if (line.origin != '+') continue;
      added.line_numbers.push_back(line.new_line);
      added.lines.push_back(line.text);
    }
  }
  return files;
}

// gitleaks over the added lines (runners/gitleaks.h), when the tier's setting finds one. Its failure is the
// tier's error: the message is masked, as gitleaks' output could quote what it scanned.
std::optional<std::vector<ExternalSecret>> run_gitleaks_for(const TierConfig& tier, const TierContext& ctx) {
  try {
    std::optional<std::vector<runners::GitleaksFinding>> found =
        ctx.toolchain->scan_secrets(tier.gitleaks, ms(tier.timeout), added_files(*ctx.diff));
    if (!found) {
      if (tier.gitleaks == "auto")
        ctx.phases->note("[" + tier.name + "] gitleaks is not on PATH: the built-in rules only");
      return std::nullopt;
    }
    std::vector<ExternalSecret> secrets;
    for (runners::GitleaksFinding& f : *found)
      secrets.push_back({std::string(kGitleaksRulePrefix) + f.rule_id, std::move(f.description), std::move(f.file), f.line,
                         std::move(f.secret)});
    return secrets;
  } catch (const Error& e) {
    throw Error(e.kind(), mask_secrets(e.what()), e.hint());
  }
}

TierResult run_secrets_tier(const TierConfig& tier, const TierContext& ctx) {
  TierResult r = begin_tier_result(tier);
  // The allow-list is read from the tree WITHOUT the change: a fix cannot silence its own secret.
  SecretAllowList allow;
  if (std::optional<std::string> text = git::read_blob_at(*ctx.repo, ctx.before_tree, ctx.config->secrets_allowlist))
    allow = parse_secret_allowlist(*text, ctx.config->secrets_allowlist);
  std::optional<std::vector<ExternalSecret>> gitleaks = run_gitleaks_for(tier, ctx);
  r.findings = scan_for_secrets(*ctx.diff, allow, gitleaks ? *gitleaks : std::vector<ExternalSecret>{});
  size_t lines = 0;
  for (const auto& f : *ctx.diff)
    lines += static_cast<size_t>(std::count_if(f.lines.begin(), f.lines.end(), [](const auto& l) { return l.origin == '+'; }));
  // Test-mode keys are warnings: reported, but they do not fail the tier (and every report says so).
  size_t warnings = 0;
  for (Finding& f : r.findings) {
    f.blocking = f.severity != "warning";
    if (!f.blocking) ++warnings;
  }
  size_t secrets = r.findings.size() - warnings;
  std::string warned = warnings ? " and " + std::to_string(warnings) + " warning(s)" : "";
  r.status = secrets ? TierStatus::failed : TierStatus::passed;
  r.reason = secrets ? std::to_string(secrets) + " secret(s)" + warned + " in the added lines"
                     : "no secret" + warned + " in " + std::to_string(lines) + " added line(s)";
  if (gitleaks) r.reason += " (built-in rules and gitleaks)";
  return r;
}

TierResult run_sanitizer_tier(const TierConfig& tier, const TierContext& ctx) {
  TierResult r = begin_tier_result(tier);
  if (!ctx.baseline->sanitizers_built) {
    r.status = TierStatus::error;
    r.reason = "the tree without the change does not build with sanitizers, so new reports cannot be told";
    return r;
  }
  auto stored = ctx.baseline->sanitizer_reports.find(tier.name);
  std::multiset<std::string> known;
  if (stored != ctx.baseline->sanitizer_reports.end()) known.insert(stored->second.begin(), stored->second.end());
  SanitizerRun run = run_sanitizer_suite(*ctx.toolchain, tier, *ctx.layout, *ctx.settings, "sanitizers-" + tier.name);
  if (!run.built) {
    r.status = TierStatus::failed;
    r.reason = run.failure;
    return r;
  }
  for (const TestRecord& t : run.records) r.tests.push_back(t.name);
  size_t added = 0;
  for (size_t i = 0; i < run.findings.size(); ++i) {
    Finding f = run.findings[i];
    auto it = known.find(run.signatures[i]);
    if (it != known.end()) {
      f.state = FindingState::unchanged;
      known.erase(it);
    } else {
      ++added;
    }
    r.findings.push_back(std::move(f));
  }
  r.status = added ? TierStatus::failed : TierStatus::passed;
  r.reason = std::to_string(added) + " new sanitizer report(s) in " + std::to_string(run.records.size()) + " test(s)";
  return r;
}

TierResult run_command_tier(const TierConfig& tier, const TierContext& ctx) {
  TierResult r = begin_tier_result(tier);
  runners::ProcessSpec spec;
  spec.argv = tier.command;
  spec.working_directory = ctx.layout->root;
  spec.timeout = ms(tier.timeout);
  spec.environment = {{"AUTOFIX_GATE_BUILD_DIR", ctx.layout->build_dir.string()},
                      {"AUTOFIX_GATE_REPORT_DIR", ctx.layout->report_dir.string()}};
  fs::path junit;
  if (tier.junit) {
    junit = fs::path(*tier.junit).is_absolute() ? fs::path(*tier.junit) : ctx.layout->root / *tier.junit;
    std::error_code ec;
    fs::remove(junit, ec);  // a stale file from an earlier run must not pass for this one
  }
  runners::ProcessResult p = ctx.toolchain->run_command(spec);
  throw_if_interrupted();
  size_t failures = 0;
  if (tier.junit) {
    std::optional<std::string> xml = read_file_if_exists(junit);
    if (!xml) {
      Finding f;
      f.rule = "junit-missing";
      f.message = "the command wrote no JUnit file at " + junit.string();
      r.findings.push_back(f);
      ++failures;
    } else {
      for (const runners::TestResult& t : runners::parse_test_binary_xml(*xml, tier.name, junit.string())) {
        r.tests.push_back(t.name);
        if (t.status == runners::TestStatus::passed || t.status == runners::TestStatus::skipped) continue;
        ++failures;
        Finding f;
        f.rule = "test-failed";
        f.message = t.name + " " + runners::to_string(t.status) + (t.message.empty() ? "" : ": " + t.message);
        f.detail = t.output_excerpt;
        f.fingerprint = t.name;
        r.findings.push_back(std::move(f));
      }
    }
  }
  if (!p.succeeded()) {
    Finding f;
    f.rule = "exit-code";
    f.message = "`" + tier.command.front() + "` " + p.describe();
    f.detail = runners::cap_text(p.out + p.err, 4096);
    r.findings.push_back(std::move(f));
  }
  r.status = p.succeeded() && failures == 0 ? TierStatus::passed : TierStatus::failed;
  r.reason = p.describe() + (tier.junit ? ", " + std::to_string(failures) + " failure(s) in its JUnit file" : "");
  return r;
}

}  // namespace

bool tier_selects(const TierConfig& tier, const std::vector<std::string>& labels) {
  if (tier.labels.empty()) return true;
  return std::any_of(tier.labels.begin(), tier.labels.end(), [&](const std::string& l) {
    return std::find(labels.begin(), labels.end(), l) != labels.end();
  });
}

fs::path sanitizer_build_dir(const Layout& l) { return l.build_dir / "autofix-sanitizers"; }

SanitizerRun run_sanitizer_suite(Toolchain& toolchain, const TierConfig& tier, const Layout& l, const RunSettings& s,
                                 const std::string& output_name) {
  SanitizerRun out;
  runners::BuildOptions b;
  b.source_dir = l.source_dir;
  b.build_dir = sanitizer_build_dir(l);
  b.timeout = ms(tier.timeout);
  b.jobs = s.jobs;
  b.configure_arguments = runners::sanitizer_cmake_arguments();
  runners::BuildResult built = toolchain.build(b);
  if (!built.ok) {
    out.failure = "the sanitizer build failed: " + built.failure +
                  (built.errors.empty() ? std::string() : ": " + built.errors.front());
    return out;
  }
  out.built = true;
  runners::CTestOptions c;
  c.build_dir = b.build_dir;
  c.output_dir = l.report_dir / output_name;
  c.jobs = s.jobs;
  c.timeout = ms(tier.timeout);
  c.overall_timeout = ms(tier.timeout);
  if (!tier.labels.empty()) c.labels = {labels_regex(tier.labels)};
  c.environment = runners::sanitizer_environment();
  runners::CTestRun run = toolchain.run_tests(c);
  for (const runners::TestResult& t : run.tests) {
    std::string output = t.message.empty() ? t.output_excerpt : t.message + "\n" + t.output_excerpt;
    TestRecord record;
    record.name = t.name;
    record.ctest_test = t.name;
    record.status = t.status == runners::TestStatus::passed ? RunStatus::passed : RunStatus::failed;
    record.duration_s = t.duration_s;
    record.output = output;
    out.records.push_back(std::move(record));
    for (const runners::SanitizerReport& rep : runners::parse_sanitizer_reports(output, l.root)) {
      Finding f;
      f.rule = rep.kind;
      f.file = rep.file;
      f.line = rep.line;
      f.message = rep.sanitizer + ": " + rep.summary + " (in test " + t.name + ")";
      for (const std::string& frame : rep.frames) f.detail += frame + "\n";
      f.fingerprint = t.name + "|" + rep.signature;
      out.signatures.push_back(f.fingerprint);
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

TierResult run_tier(const TierConfig& tier, const TierContext& ctx, const AttemptResult& so_far,
                    const std::vector<runners::DiscoveredTest>& discovered) {
  auto start = std::chrono::steady_clock::now();
  TierResult r;
  try {
    switch (tier.kind) {
      case TierKind::ctest: r = run_ctest_tier(tier, ctx, so_far, discovered); break;
      case TierKind::secrets: r = run_secrets_tier(tier, ctx); break;
      case TierKind::clang_tidy:
      case TierKind::cppcheck: r = run_static_tier(tier, ctx); break;
      case TierKind::sanitizers: r = run_sanitizer_tier(tier, ctx); break;
      case TierKind::command: r = run_command_tier(tier, ctx); break;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    r = begin_tier_result(tier);
    r.status = TierStatus::error;
    r.reason = e.what();
    if (const auto* err = dynamic_cast<const Error*>(&e); err && !err->hint().empty()) r.reason += " (" + err->hint() + ")";
  }
  r.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace autofix
