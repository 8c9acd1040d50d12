// SPDX-License-Identifier: MIT
#include "reporters/sarif_rules.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "gate/results/severity.h"

namespace autofix::reporters {

using nlohmann::json;

namespace {

// Rule ids come from analyzers and configurations: one that long is shown cut, so that every description
// stays within GitHub's 1024 characters.
constexpr size_t kShownIdBytes = 200;

std::string shown_id(std::string_view id) {
  if (id.size() <= kShownIdBytes) return std::string(id);
  size_t cut = kShownIdBytes;
  while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return std::string(id.substr(0, cut)) + "...";
}

// `text` as a Markdown code span: a fence one backtick longer than any run of backticks inside it.
std::string md_code(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + std::string(text) + (pad ? " " : "") + fence;
}

const char* problem_severity(std::string_view severity) {
  switch (severity_class(severity)) {
    case FailOn::error: return "error";
    case FailOn::warning: return "warning";
    case FailOn::style:
    case FailOn::any: return "recommendation";
  }
  return "error";
}

// What every rule's help ends with: how the gate got the finding.
constexpr std::string_view kStaticNote =
    "autofix-gate analyses the files a change touches twice, with the change and without it; a result whose "
    "baselineState is \"new\" appears only with the change (docs/tiers.md).";

struct Rule {
  std::string short_text;
  std::string full_text;
  std::string help_text;
  std::string help_markdown;
  std::optional<std::string> help_uri;
  std::vector<std::string> tags;
  const char* precision = "high";
};

json rule_json(const std::string& id, Rule r, std::string_view severity, const std::optional<std::string>& security) {
  // SARIF wants the tags unique ("performance" is a group and a quality).
  std::vector<std::string> tags;
  for (std::string& t : r.tags)
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(std::move(t));
  r.tags = std::move(tags);
  json properties = {{"tags", r.tags}, {"precision", r.precision}, {"problem.severity", problem_severity(severity)}};
  if (security) properties["security-severity"] = *security;
  json rule = {{"id", id},
               {"shortDescription", {{"text", r.short_text}}},
               {"fullDescription", {{"text", r.full_text}}},
               {"help", {{"text", r.help_text}, {"markdown", r.help_markdown}}}};
  if (r.help_uri) rule["helpUri"] = *r.help_uri;
  rule["properties"] = std::move(properties);
  return rule;
}

// --- clang-tidy --------------------------------------------------------------------------------------------

struct TidyGroup {
  std::string_view name;
  std::string_view about;
  std::string_view quality;  // the tag GitHub filters by
};

// The check groups clang-tidy ships (https://clang.llvm.org/extra/clang-tidy/checks/list.html).
constexpr std::array<TidyGroup, 25> kTidyGroups = {{
    {"abseil", "conventions of the Abseil library", "maintainability"},
    {"altera", "guidance for OpenCL kernels on Altera FPGAs", "performance"},
    {"android", "Android-specific bug patterns", "correctness"},
    {"boost", "uses of the Boost library", "maintainability"},
    {"bugprone", "code constructs that are likely bugs", "correctness"},
    {"cert", "the CERT secure coding guidelines", "correctness"},
    {"clang-analyzer", "the Clang Static Analyzer's path-sensitive checks", "correctness"},
    {"concurrency", "concurrent programming", "correctness"},
    {"cppcoreguidelines", "the C++ Core Guidelines", "maintainability"},
    {"darwin", "Darwin coding conventions", "maintainability"},
    {"fuchsia", "Fuchsia coding conventions", "maintainability"},
    {"google", "Google's coding conventions", "maintainability"},
    {"hicpp", "the High Integrity C++ Coding Standard", "maintainability"},
    {"linuxkernel", "Linux kernel coding conventions", "correctness"},
    {"llvm", "LLVM coding conventions", "maintainability"},
    {"llvmlibc", "LLVM libc coding conventions", "maintainability"},
    {"misc", "checks that fit no other group", "correctness"},
    {"modernize", "uses of modern C++ language constructs", "maintainability"},
    {"mpi", "uses of the MPI API", "correctness"},
    {"objc", "Objective-C coding conventions", "maintainability"},
    {"openmp", "uses of the OpenMP API", "correctness"},
    {"performance", "performance problems", "performance"},
    {"portability", "portability across platforms and compilers", "portability"},
    {"readability", "readability of the code", "maintainability"},
    {"zircon", "Zircon kernel coding conventions", "maintainability"},
}};

constexpr std::string_view kDiagnosticPrefix = "clang-diagnostic-";

const TidyGroup* tidy_group_of(std::string_view check) {
  for (const TidyGroup& g : kTidyGroups)
    if (check.size() > g.name.size() + 1 && check.starts_with(g.name) && check[g.name.size()] == '-') return &g;
  return nullptr;
}

bool plain_check_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

Rule clang_tidy_rule(const std::string& id) {
  Rule r;
  std::string shown = shown_id(id);
  r.help_uri = clang_tidy_help_uri(id);
  std::string about;
  if (id == "clang-diagnostic-error") {
    r.short_text = "Compile error (clang-tidy)";
    about = "clang-tidy could not compile the code as the build compiles it: a compile error, reported as " + shown + ".";
    r.tags = {"clang-tidy", "clang-diagnostic", "correctness"};
    r.precision = "very-high";
  } else if (id.starts_with(kDiagnosticPrefix)) {
    std::string flag = shown_id(std::string_view(id).substr(kDiagnosticPrefix.size()));
    r.short_text = "Compiler warning -W" + flag;
    about = "The clang compiler warning -W" + flag + ", reported by clang-tidy as " + shown + ".";
    r.tags = {"clang-tidy", "clang-diagnostic", "correctness"};
    r.precision = "very-high";
  } else if (const TidyGroup* g = tidy_group_of(id)) {
    r.short_text = "clang-tidy check " + shown;
    about = "A finding of the clang-tidy check " + shown + ", of the " + std::string(g->name) + " group: " +
            std::string(g->about) + ".";
    r.tags = {"clang-tidy", std::string(g->name), std::string(g->quality)};
    r.precision = g->name == "clang-analyzer" ? "medium" : "high";  // path-sensitive: more false positives
  } else {
    r.short_text = "clang-tidy check " + shown;
    about = "A finding of the clang-tidy check " + shown + ", of no group clang-tidy ships (a plugin's check).";
    r.tags = {"clang-tidy", "correctness"};
    r.precision = "high";
  }
  r.full_text = about;
  r.help_text = about + (r.help_uri ? " Documentation: " + *r.help_uri + "." : "") + "\n\n" + std::string(kStaticNote);
  r.help_markdown = about + (r.help_uri ? " See [the documentation of " + md_code(shown) + "](" + *r.help_uri + ")." : "") +
                    "\n\n" + std::string(kStaticNote);
  return r;
}

// --- cppcheck ----------------------------------------------------------------------------------------------

std::pair<std::string_view, std::string_view> cppcheck_meaning(std::string_view severity) {
  if (severity == "error") return {"a bug cppcheck is sure of (undefined behaviour, a leak, an invalid access)", "correctness"};
  if (severity == "warning") return {"code that is likely wrong", "correctness"};
  if (severity == "style") return {"unused or redundant code, a questionable construct", "maintainability"};
  if (severity == "performance") return {"code that could be faster", "performance"};
  if (severity == "portability") return {"code that may behave differently on other platforms or compilers", "portability"};
  return {"information about the analysis", "maintainability"};
}

Rule cppcheck_rule(const std::string& id, std::string_view severity) {
  Rule r;
  std::string shown = shown_id(id);
  auto [meaning, quality] = cppcheck_meaning(severity);
  r.short_text = "cppcheck check " + shown;
  r.full_text = "A finding of cppcheck's check " + shown + ", of severity " + std::string(severity) + ": " +
                std::string(meaning) + ".";
  r.help_text = r.full_text + " `cppcheck --errorlist` lists every check with its message.\n\n" + std::string(kStaticNote);
  r.help_markdown = "A finding of cppcheck's check " + md_code(shown) + ", of severity " + md_code(severity) + ": " +
                    std::string(meaning) + ". `cppcheck --errorlist` lists every check with its message.\n\n" +
                    std::string(kStaticNote);
  r.tags = {"cppcheck", std::string(quality)};
  r.precision = "high";
  return r;
}

// --- secrets -----------------------------------------------------------------------------------------------

// The built-in rules that go by the shape of a value, not by a format a provider defines.
constexpr std::array<std::string_view, 2> kShapeSecretRules = {"high-entropy-literal", "secret-assignment"};

Rule secret_rule(const std::string& id) {
  Rule r;
  std::string shown = shown_id(id);
  r.short_text = "Secret added: " + shown;
  r.full_text = "A credential matching the secrets rule " + shown +
                " on a line the change adds. A committed secret stays in the history: revoke it, and load it from "
                "the environment or a secret store instead.";
  std::string rest =
      " A test fixture that must hold a fake key belongs in the allow-list (.autofix-secrets-allow, docs/secrets.md), "
      "which the gate reads from the tree without the change.\n\nautofix-gate scans only the lines a change adds; the "
      "finding shows the secret redacted.";
  r.help_text = r.full_text + rest;
  r.help_markdown = "A credential matching the secrets rule " + md_code(shown) +
                    " on a line the change adds. A committed secret stays in the history: **revoke it**, and load it "
                    "from the environment or a secret store instead." + rest;
  r.tags = {"security", "secrets", "external/cwe/cwe-798"};
  bool by_shape = std::find(kShapeSecretRules.begin(), kShapeSecretRules.end(), id) != kShapeSecretRules.end();
  r.precision = by_shape ? "medium" : "high";
  return r;
}

// --- sanitizers --------------------------------------------------------------------------------------------

struct Sanitizer {
  std::string_view name;
  std::string_view about;
  std::string_view tag;
  std::string_view security_severity;
  std::optional<std::string_view> docs;
};

constexpr Sanitizer kAddress{"AddressSanitizer", "an invalid memory access, such as one out of bounds or after free, or a double free",
                             "memory-safety", "8.8", "https://clang.llvm.org/docs/AddressSanitizer.html"};
constexpr Sanitizer kLeak{"LeakSanitizer", "memory allocated and never freed", "memory-leak", "3.5",
                          "https://clang.llvm.org/docs/LeakSanitizer.html"};
constexpr Sanitizer kUndefined{"UndefinedBehaviorSanitizer", "undefined behaviour", "undefined-behavior", "5.5",
                               "https://clang.llvm.org/docs/UndefinedBehaviorSanitizer.html"};
constexpr Sanitizer kThread{"ThreadSanitizer", "a data race or another threading error", "concurrency", "5.5",
                            "https://clang.llvm.org/docs/ThreadSanitizer.html"};
constexpr Sanitizer kUnknownSanitizer{"A sanitizer", "an error found at run time", "sanitizer", "5.5", std::nullopt};

// The report kinds runners/sanitizer_report.cpp gives each sanitizer's reports, with their CWE when one fits.
struct SanitizerKind {
  std::string_view kind;
  const Sanitizer* sanitizer;
  int cwe;  // 0: none
};

constexpr std::array<SanitizerKind, 51> kSanitizerKinds = {{
    {"heap-buffer-overflow", &kAddress, 122},
    {"stack-buffer-overflow", &kAddress, 121},
    {"stack-buffer-underflow", &kAddress, 124},
    {"dynamic-stack-buffer-overflow", &kAddress, 121},
    {"global-buffer-overflow", &kAddress, 119},
    {"container-overflow", &kAddress, 119},
    {"heap-use-after-free", &kAddress, 416},
    {"use-after-poison", &kAddress, 416},
    {"stack-use-after-return", &kAddress, 562},
    {"stack-use-after-scope", &kAddress, 562},
    {"double-free", &kAddress, 415},
    {"attempting double-free", &kAddress, 415},
    {"bad-free", &kAddress, 590},
    {"alloc-dealloc-mismatch", &kAddress, 762},
    {"new-delete-type-mismatch", &kAddress, 762},
    {"memcpy-param-overlap", &kAddress, 0},
    {"negative-size-param", &kAddress, 0},
    {"calloc-overflow", &kAddress, 190},
    {"allocation-size-too-big", &kAddress, 789},
    {"out-of-memory", &kAddress, 0},
    {"stack-overflow", &kAddress, 674},
    {"initialization-order-fiasco", &kAddress, 0},
    {"odr-violation", &kAddress, 0},
    {"SEGV", &kAddress, 0},
    {"memory leak", &kLeak, 401},
    {"indirect memory leak", &kLeak, 401},
    {"undefined-behavior", &kUndefined, 0},
    {"invalid-null-argument", &kUndefined, 476},
    {"invalid-null-return", &kUndefined, 476},
    {"null-pointer-use", &kUndefined, 476},
    {"nullptr-with-offset", &kUndefined, 476},
    {"signed-integer-overflow", &kUndefined, 190},
    {"unsigned-integer-overflow", &kUndefined, 190},
    {"integer-divide-by-zero", &kUndefined, 369},
    {"invalid-shift-exponent", &kUndefined, 1335},
    {"invalid-shift-base", &kUndefined, 1335},
    {"out-of-bounds-index", &kUndefined, 129},
    {"misaligned-pointer-use", &kUndefined, 0},
    {"insufficient-object-size", &kUndefined, 0},
    {"pointer-overflow", &kUndefined, 0},
    {"unreachable-call", &kUndefined, 0},
    {"missing-return", &kUndefined, 0},
    {"non-positive-vla-index", &kUndefined, 0},
    {"float-cast-overflow", &kUndefined, 681},
    {"invalid-bool-load", &kUndefined, 0},
    {"invalid-enum-load", &kUndefined, 0},
    {"invalid-builtin-use", &kUndefined, 0},
    {"dynamic-type-mismatch", &kUndefined, 0},
    {"cfi-bad-type", &kUndefined, 0},
    {"implicit-conversion", &kUndefined, 0},
    {"data race", &kThread, 362},
}};

const SanitizerKind* sanitizer_kind_of(std::string_view kind) {
  for (const SanitizerKind& k : kSanitizerKinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

const Sanitizer& sanitizer_of(std::string_view kind) {
  const SanitizerKind* k = sanitizer_kind_of(kind);
  return k ? *k->sanitizer : kUnknownSanitizer;
}

Rule sanitizer_rule(const std::string& id) {
  Rule r;
  std::string shown = shown_id(id);
  const SanitizerKind* kind = sanitizer_kind_of(id);
  const Sanitizer& s = kind ? *kind->sanitizer : kUnknownSanitizer;
  r.help_uri = s.docs ? std::optional<std::string>(*s.docs) : std::nullopt;
  r.short_text = std::string(s.name) + ": " + shown;
  r.full_text = std::string(s.name) + " reported " + shown + " while a test ran in the sanitizer build: " +
                std::string(s.about) + ".";
  std::string rest =
      " The result's properties.detail holds the report's first stack frames.\n\nautofix-gate builds the tree a second "
      "time with -fsanitize=address,undefined and runs the tier's tests with the change and without it; a report "
      "is new when the same kind, first project frame and test were not reported without the change (docs/tiers.md).";
  r.help_text = r.full_text + (r.help_uri ? " Documentation: " + *r.help_uri + "." : "") + rest;
  r.help_markdown = std::string(s.name) + " reported " + md_code(shown) + " while a test ran in the sanitizer build: " +
                    std::string(s.about) + "." +
                    (r.help_uri ? " See [the " + std::string(s.name) + " documentation](" + *r.help_uri + ")." : "") + rest;
  r.tags = {"security", "sanitizer", std::string(s.tag)};
  if (kind && kind->cwe) r.tags.push_back("external/cwe/cwe-" + std::to_string(kind->cwe));
  r.precision = "very-high";  // seen happening at run time, not inferred
  return r;
}

// --- the gate's test and command tiers ---------------------------------------------------------------------

Rule test_rule(TierKind kind, const std::string& id) {
  Rule r;
  std::string shown = shown_id(id);
  if (id == "regression") {
    r.short_text = "A test the change broke";
    r.full_text = "A test that passed without the change fails with it, or a test the change added fails.";
  } else if (id == "test-failed") {
    r.short_text = "A failing test in the command's JUnit file";
    r.full_text = "A test case the tier's command reported as failed in its JUnit file.";
  } else if (id == "exit-code") {
    r.short_text = "The tier's command failed";
    r.full_text = "The tier's command ended with an exit code other than 0, or did not finish.";
  } else if (id == "junit-missing") {
    r.short_text = "No JUnit file from the tier's command";
    r.full_text = "The tier's command was to write a JUnit file and wrote none.";
  } else {
    r.short_text = "Finding of a " + std::string(to_string(kind)) + " tier: " + shown;
    r.full_text = "A finding of a " + std::string(to_string(kind)) + " tier, under the rule " + shown + ".";
  }
  r.help_text = r.full_text + " The result's properties.detail holds the output (docs/tiers.md).";
  r.help_markdown = r.help_text;
  r.tags = {"tests", std::string(to_string(kind))};
  r.precision = "high";
  return r;
}

// What every rule's help ends with for a test regression: how the gate found it.
constexpr std::string_view kTestNote =
    "autofix-gate runs the project's tests (each CTest test, and each case of a GoogleTest, Catch2 or doctest binary "
    "whose results it can read) on the tree without the change and on the tree with it, and runs a test whose result "
    "moved again, one at a time, so that a flaky test is not taken for a broken one (docs/tiers.md).";

}  // namespace

json sarif_test_regression_rule() {
  Rule r;
  r.short_text = "A test the change broke";
  r.full_text =
      "A test that passed without the change and fails with it, a test the change added that fails, or a failing test "
      "that fails in new ways with the change. The result is placed at the test's first failing assertion, else where "
      "the test is defined.";
  const std::string about_result =
      " The message names the test, how its runs went with and without the change, and the first failing assertion as "
      "the test printed it; properties.detail holds the test's output.";
  r.help_text = r.full_text + about_result + "\n\n" + std::string(kTestNote);
  r.help_markdown =
      "A test that **passed without the change and fails with it**, a test the change added that fails, or a failing "
      "test that fails in new ways with the change. The result is placed at the test's first failing assertion, else "
      "where the test is defined." + about_result + "\n\n" + std::string(kTestNote);
  r.tags = {"tests", "regression", "correctness"};
  r.precision = "high";  // confirmed by re-runs; a test that fails only now and then may still slip through
  return rule_json(kTestRegressionRule, std::move(r), "error", std::nullopt);
}

std::string rule_id_of(TierKind kind, const std::string& rule) { return rule.empty() ? to_string(kind) : rule; }

std::optional<std::string> clang_tidy_help_uri(std::string_view check) {
  if (!plain_check_name(check)) return std::nullopt;
  if (check.starts_with(kDiagnosticPrefix)) {
    std::string_view flag = check.substr(kDiagnosticPrefix.size());
    if (flag.empty() || flag == "error") return std::nullopt;
    return "https://clang.llvm.org/docs/DiagnosticsReference.html#w" + std::string(flag);
  }
  const TidyGroup* g = tidy_group_of(check);
  if (!g) return std::nullopt;
  return "https://clang.llvm.org/extra/clang-tidy/checks/" + std::string(g->name) + "/" +
         std::string(check.substr(g->name.size() + 1)) + ".html";
}

std::optional<std::string> security_severity(TierKind kind, std::string_view rule_id, std::string_view severity) {
  if (kind == TierKind::sanitizers) return std::string(sanitizer_of(rule_id).security_severity);
  if (kind != TierKind::secrets) return std::nullopt;
  switch (severity_class(severity)) {
    case FailOn::error: return "9.5";    // a live credential: critical
    case FailOn::warning: return "5.0";  // e.g. a Stripe test-mode key: medium
    case FailOn::style:
    case FailOn::any: return "3.0";
  }
  return "9.5";
}

json sarif_rule(TierKind kind, const std::string& rule_id, std::string_view severity) {
  Rule r;
  switch (kind) {
    case TierKind::clang_tidy: r = clang_tidy_rule(rule_id); break;
    case TierKind::cppcheck: r = cppcheck_rule(rule_id, severity); break;
    case TierKind::secrets: r = secret_rule(rule_id); break;
    case TierKind::sanitizers: r = sanitizer_rule(rule_id); break;
    case TierKind::ctest:
    case TierKind::command: r = test_rule(kind, rule_id); break;
  }
  return rule_json(rule_id, std::move(r), severity, security_severity(kind, rule_id, severity));
}

}  // namespace autofix::reporters
