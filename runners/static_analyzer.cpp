// SPDX-License-Identifier: MIT
#include "runners/static_analyzer.h"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/regex_text.h"
#include "gate/util/temporary_directory.h"
#include "gate/util/signals.h"
#include "runners/compile_database.h"
#include "runners/cppcheck_report.h"
#include "runners/junit_reader.h"
#include "runners/process.h"

namespace autofix::runners {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t kMaxOutputBytes = 64 * 1024 * 1024;  // per stream; more is refused, never half-read
constexpr size_t kMaxNotesPerFinding = 20;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Absolute, normalised, without a trailing separator.
fs::path normal_absolute(const fs::path& p) {
  fs::path n = fs::absolute(p).lexically_normal();
  if (!n.has_filename() && n.has_parent_path() && n != n.root_path()) n = n.parent_path();
  return n;
}

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                            "-_./=:,+@%^") == std::string::npos)
    return arg;
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string command_line_of(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + shell_quote(a);
  return line;
}

// ---- diagnostics ----------------------------------------------------------------------------------

enum class LineKind { finding, note, ignored };

struct SeverityWord {
  std::string_view word;  // as the analyzer prints it
  LineKind kind;
  const char* kept;       // the severity a finding keeps (gate/results/severity.h weighs it)
};

// clang-tidy: a check's warning is "warning", a check WarningsAsErrors lists is "error" (its check list
// ends in ",-warnings-as-errors"), compiler diagnostics keep clang's level.
constexpr std::array kClangTidySeverities{
    SeverityWord{"fatal error", LineKind::finding, "error"}, SeverityWord{"error", LineKind::finding, "error"},
    SeverityWord{"warning", LineKind::finding, "warning"},   SeverityWord{"remark", LineKind::finding, "remark"},
    SeverityWord{"note", LineKind::note, "note"},
};

struct Diagnostic {
  std::string file;  // as printed; empty without a location
  int line = 0;
  int column = 0;
  const SeverityWord* severity = nullptr;
  std::string message;
  std::string rule;
};

// Strips ":<digits>" from the end of `prefix` and returns the number.
std::optional<int> take_number(std::string_view& prefix) {
  size_t colon = prefix.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view digits = prefix.substr(colon + 1);
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  prefix = prefix.substr(0, colon);
  return value;
}

bool is_rule_text(std::string_view s) {
  return !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                           "-_.,") == std::string_view::npos;
}

// "<file>:<line>:<col>: <severity>: <message> [<rule>]", or "<severity>: <message> [<rule>]" without a
// location. Anything else (source excerpts, carets, summaries) is not a diagnostic.
template <size_t N>
std::optional<Diagnostic> parse_diagnostic(std::string_view text, const std::array<SeverityWord, N>& severities) {
  Diagnostic d;
  size_t best = std::string_view::npos;
  size_t message_start = 0;
  for (const SeverityWord& s : severities) {
    std::string at_start = std::string(s.word) + ": ";
    if (text.starts_with(at_start)) {
      best = 0;
      d.severity = &s;
      message_start = at_start.size();
      break;
    }
    std::string token = ": " + std::string(s.word) + ": ";
    size_t pos = text.find(token);
    if (pos != std::string_view::npos && (best == std::string_view::npos || pos < best)) {
      best = pos;
      d.severity = &s;
      message_start = pos + token.size();
    }
  }
  if (!d.severity) return std::nullopt;
  if (best > 0) {
    std::string_view prefix = text.substr(0, best);
    // clang-tidy prints line and column; an empty file (":0:0:") has no location.
    std::optional<int> column = take_number(prefix);
    std::optional<int> line = column ? take_number(prefix) : std::nullopt;
    if (!line) return std::nullopt;
    d.line = *line;
    d.column = *column;
    d.file = std::string(prefix);
  }
  std::string_view message = text.substr(message_start);
  if (message.ends_with(']')) {
    size_t open = message.rfind(" [");
    if (open != std::string_view::npos) {
      std::string_view rules = message.substr(open + 2, message.size() - open - 3);
      if (is_rule_text(rules)) {
        // "bugprone-x,-warnings-as-errors": the first entry that is not a "-flag".
        size_t start = 0;
        while (start <= rules.size()) {
          size_t comma = rules.find(',', start);
          std::string_view one = rules.substr(start, comma == std::string_view::npos ? comma : comma - start);
          if (!one.empty() && one.front() != '-') {
            d.rule = std::string(one);
            break;
          }
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
        message = message.substr(0, open);
      }
    }
  }
  d.message = std::string(message);
  return d;
}

struct Parsed {
  std::vector<Finding> findings;
  size_t diagnostics = 0;  // every diagnostic line, kept or not
};

template <size_t N>
Parsed parse_output(std::string_view text, const fs::path& source_dir, const std::array<SeverityWord, N>& severities) {
  Parsed result;
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  constexpr size_t none = static_cast<size_t>(-1);
  size_t current = none;  // the finding the following notes belong to; none when it was dropped
  size_t notes = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::optional<Diagnostic> d = parse_diagnostic(line, severities);
    if (!d) continue;
    ++result.diagnostics;
    std::string file;
    if (!d->file.empty()) {
      std::optional<std::string> rel = relative_to_root(fs::path(d->file), source_dir);
      if (!rel) {
        if (d->severity->kind == LineKind::finding) current = none;
        continue;
      }
      file = std::move(*rel);
    }
    if (d->severity->kind == LineKind::note) {
      if (current == none) continue;
      std::string& detail = result.findings[current].detail;
      if (notes++ == kMaxNotesPerFinding) {
        detail += "[more notes omitted]\n";
      } else if (notes <= kMaxNotesPerFinding) {
        std::string where = file.empty() ? std::string() : file + ":" + std::to_string(d->line) + ":" +
                                                               std::to_string(d->column) + ": ";
        detail += where + "note: " + d->message + "\n";
      }
      continue;
    }
    if (!seen.emplace(file, d->line, d->column, d->rule, d->message).second) {
      current = none;  // a repeat: its notes were taken the first time
      continue;
    }
    Finding f;
    f.rule = std::move(d->rule);
    f.file = std::move(file);
    f.line = d->line;
    f.column = d->column;
    f.severity = d->severity->kept;
    f.message = std::move(d->message);
    result.findings.push_back(std::move(f));
    current = result.findings.size() - 1;
    notes = 0;
  }
  return result;
}

// "<file>:<line>:<col>: note: <info>" for each step cppcheck names on the way to a finding (its
// locations after the first) that is inside source_dir and says something; at most kMaxNotesPerFinding.
std::string cppcheck_notes(const CppcheckDiagnostic& d, const fs::path& source_dir) {
  std::string detail;
  size_t notes = 0;
  for (size_t i = 1; i < d.locations.size(); ++i) {
    const CppcheckLocation& at = d.locations[i];
    if (at.info.empty() || at.file.empty()) continue;
    std::optional<std::string> rel = relative_to_root(fs::path(at.file), source_dir);
    if (!rel) continue;
    if (notes++ == kMaxNotesPerFinding) {
      detail += "[more notes omitted]\n";
      break;
    }
    detail += *rel + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": note: " + at.info + "\n";
  }
  return detail;
}

[[noreturn]] void rethrow_interrupt(const std::string& what) {
  throw_if_interrupted();
  throw Error(ErrorKind::internal, what + " was stopped by an interrupt");
}

// What the process printed, capped, after a newline; empty when it printed nothing.
std::string excerpt_of(const ProcessResult& r) {
  std::string text = r.err.empty() ? r.out : r.err + (r.out.empty() ? "" : "\n" + r.out);
  return text.empty() ? std::string() : "\n" + cap_text(text, 2048);
}

// "'a.cpp', 'b.cpp' and 3 more"
std::string file_list(const std::vector<std::string>& files) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < files.size() && i < kShown; ++i) out += (i ? ", '" : "'") + files[i] + "'";
  if (files.size() > kShown) out += " and " + std::to_string(files.size() - kShown) + " more";
  return out;
}

std::string seconds_text(std::chrono::milliseconds limit) {
  auto ms = limit.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

// One analyzer process: the translation units it analyses and, once it ran, how it ended.
struct Job {
  std::vector<std::string> files;       // repository-relative
  ProcessSpec spec;
  std::optional<ProcessResult> result;  // unset: never started
};

// Runs the jobs, up to `parallel` at once, each with what is left of the time until `deadline`. After a
// job that did not end by itself (timed out, killed, interrupted) or could not start, or once the time is
// up, no further job starts. on_started is called under a lock. Rethrows what a launch threw.
void run_jobs(std::vector<Job>& jobs, unsigned parallel, std::optional<std::chrono::steady_clock::time_point> deadline,
              const std::function<void(int)>& on_started) {
  std::mutex mutex;  // guards on_started and `error`
  std::exception_ptr error;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    while (!stop) {
      size_t i = next++;
      if (i >= jobs.size()) return;
      Job& job = jobs[i];
      if (deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
          stop = true;
          return;
        }
        job.spec.timeout = left;
      }
      job.spec.on_started = [&](int group) {
        std::lock_guard lock(mutex);
        if (on_started) on_started(group);
      };
      try {
        job.result = run_process(job.spec);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        stop = true;
        return;
      }
      if (job.result->timed_out || job.result->signal != 0 || job.result->interrupted) stop = true;
    }
  };
  size_t threads = std::min<size_t>(std::max(1u, parallel), jobs.size());
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  }  // the pool joins here
  if (error) std::rethrow_exception(error);
}

// cppcheck's options after --project, for every unit alike.
std::vector<std::string> cppcheck_options() {
  return {"--xml", "--xml-version=2", "--enable=warning,style,performance,portability", "--inline-suppr", "--quiet",
          "--suppress=missingIncludeSystem", "--suppress=missingInclude", "--suppress=unmatchedSuppression",
          "--suppress=checkersReport"};
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule, a.message) < std::tie(b.file, b.line, b.column, b.rule, b.message);
  });
}

}  // namespace

const char* to_string(Analyzer a) noexcept {
  switch (a) {
    case Analyzer::clang_tidy: return "clang-tidy";
    case Analyzer::cppcheck: return "cppcheck";
  }
  return "?";
}

std::vector<Finding> parse_clang_tidy_output(std::string_view text, const fs::path& source_dir) {
  return parse_output(text, source_dir, kClangTidySeverities).findings;
}

std::vector<Finding> parse_cppcheck_xml(std::string_view xml, const fs::path& source_dir) {
  std::vector<Finding> findings;
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  for (CppcheckDiagnostic& d : parse_cppcheck_report(xml)) {
    Finding f;
    if (!d.locations.empty()) {
      const CppcheckLocation& at = d.locations.front();
      // "nofile": what cppcheck names when it has no file.
      if (!at.file.empty() && at.file != "nofile") {
        std::optional<std::string> rel = relative_to_root(fs::path(at.file), source_dir);
        if (!rel) continue;  // a system or third-party header
        f.file = std::move(*rel);
      }
      f.line = at.line;
      f.column = at.column;
    }
    if (!seen.emplace(f.file, f.line, f.column, d.id, d.message).second) continue;
    f.detail = cppcheck_notes(d, source_dir);
    f.rule = std::move(d.id);
    f.severity = std::move(d.severity);
    f.message = std::move(d.message);
    findings.push_back(std::move(f));
  }
  return findings;
}

std::string analysis_settings(Analyzer a) {
  // Bump the tag when what run_analyzer passes or how it reads the output changes.
  std::string text = "run_analyzer/1 ";
  switch (a) {
    case Analyzer::clang_tidy:
      return text + "clang-tidy --quiet --header-filter=<source>/ one unit per process; without <source>/.clang-tidy: --checks=" +
             std::string(kDefaultClangTidyChecks);
    case Analyzer::cppcheck:
      return text + "cppcheck one unit per process " + command_line_of(cppcheck_options());
  }
  return text;
}

AnalyzerRun run_analyzer(const AnalyzerOptions& options) {
  if (options.source_dir.empty() || options.build_dir.empty())
    throw Error(ErrorKind::usage, "run_analyzer needs a source and a build directory");
  const fs::path source = normal_absolute(options.source_dir);
  const fs::path build = normal_absolute(options.build_dir);
  const std::string name = to_string(options.analyzer);
  const std::vector<CompileEntry> database = read_compile_database(build, source);
  const auto clock_start = options.clock_start == std::chrono::steady_clock::time_point{}
                               ? std::chrono::steady_clock::now()
                               : options.clock_start;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (options.timeout.count() > 0) deadline = clock_start + options.timeout;

  AnalyzerRun run;
  std::vector<std::string> selected;  // repository-relative, in the caller's order, each once
  std::set<std::string> wanted;
  for (const std::string& f : options.files) {
    std::string rel = fs::path(f).lexically_normal().generic_string();
    if (!wanted.insert(rel).second) continue;
    bool known = std::any_of(database.begin(), database.end(), [&](const CompileEntry& e) { return e.rel == rel; });
    if (known) selected.push_back(rel);
    else
      run.warnings.push_back("'" + rel + "' is not a translation unit in " + quoted(compile_database_path(build)) +
                             ": " + name + " did not analyse it");
  }
  if (selected.empty()) return run;

  const unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  ProcessSpec base;
  base.argv.push_back(options.program.empty() ? name : options.program);
  base.working_directory = source;
  base.output_cap = kMaxOutputBytes;
  // One process per translation unit, up to `jobs` at once: what each unit's own analysis found is then
  // known (a stored analysis is one unit's), and a header's finding is not lost to another unit's copy.
  std::vector<Job> batch;
  std::optional<TemporaryDirectory> scratch;
  if (options.analyzer == Analyzer::clang_tidy) {
    base.argv.insert(base.argv.end(), {"-p", build.string(), "--quiet"});
    std::error_code ec;
    if (!fs::exists(source / ".clang-tidy", ec)) base.argv.push_back("--checks=" + std::string(kDefaultClangTidyChecks));
    // Headers count when they are the project's own, reached by the path as written or the real one.
    std::string filter = regex_escaped(source.string());
    fs::path real = fs::weakly_canonical(source, ec);
    if (!ec && normal_absolute(real) != source) filter = "(" + filter + "|" + regex_escaped(normal_absolute(real).string()) + ")";
    base.argv.push_back("--header-filter=^" + filter + "/");
    std::vector<std::string> everything = base.argv;
    for (const std::string& rel : selected) {
      auto it = std::find_if(database.begin(), database.end(), [&](const CompileEntry& e) { return e.rel == rel; });
      Job& job = batch.emplace_back();
      job.files = {rel};
      job.spec = base;
      job.spec.argv.push_back(it->abs.string());
      everything.push_back(it->abs.string());
    }
    run.command_line = command_line_of(everything);
  } else {
    // cppcheck reads a unit's flags from a database of that unit's entries only (the database's own flags,
    // without depending on how a cppcheck version matches --file-filter).
    scratch.emplace("autofix-analyzer");
    for (size_t i = 0; i < selected.size(); ++i) {
      json subset = json::array();
      for (const CompileEntry& e : database)
        if (e.rel == selected[i]) subset.push_back(e.entry);
      const fs::path subset_file = scratch->path() / std::to_string(i) / "compile_commands.json";
      fs::create_directories(subset_file.parent_path());
      write_file_atomically(subset_file, subset.dump(1), 0600, Durability::cache);
      Job& job = batch.emplace_back();
      job.files = {selected[i]};
      job.spec = base;
      job.spec.argv.push_back("--project=" + subset_file.string());
      for (const std::string& option : cppcheck_options()) job.spec.argv.push_back(option);
      run.command_line += (i ? "\n" : "") + command_line_of(job.spec.argv);
    }
  }

  const std::string what = name + " in " + quoted(source);
  try {
    run_jobs(batch, jobs, deadline, options.on_started);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) throw;
    throw Error(ErrorKind::usage, "cannot run " + name + ": " + e.what(),
                "install " + name + " (it is the analyzer of this tier), or name the program to run");
  }
  for (const Job& job : batch)
    if (job.result && job.result->interrupted) rethrow_interrupt(what);

  // Out of time: the files still being analysed, and those never started.
  std::vector<std::string> running, waiting;
  const Job* timed_out = nullptr;
  for (const Job& job : batch) {
    if (job.result && job.result->timed_out) {
      running.insert(running.end(), job.files.begin(), job.files.end());
      if (!timed_out) timed_out = &job;
    } else if (!job.result) {
      waiting.insert(waiting.end(), job.files.begin(), job.files.end());
    }
  }
  bool crashed = std::any_of(batch.begin(), batch.end(), [](const Job& j) { return j.result && j.result->signal != 0; });
  if (timed_out || (!waiting.empty() && !crashed)) {
    std::string message = name + " did not finish within its time limit of " + seconds_text(options.timeout) + ": ";
    if (!running.empty()) message += "it was still analysing " + file_list(running);
    if (!waiting.empty())
      message += std::string(running.empty() ? "" : "; ") + "the time was up before it could start on " +
                 file_list(waiting);
    if (timed_out)
      message += "; the command was: " + command_line_of(timed_out->spec.argv) + excerpt_of(*timed_out->result);
    throw Error(ErrorKind::internal, message,
                "raise the tier's \"timeout\" in autofix-gate.json, in seconds (TIMEOUT of autofix_gate_add_tier)");
  }

  auto failed = [&](const Job& job, const std::string& how, const std::string& hint) {
    return Error(ErrorKind::internal, what + " " + how + " (" + job.result->describe() + "); the command was: " +
                                          command_line_of(job.spec.argv) + excerpt_of(*job.result),
                 hint);
  };
  for (const Job& job : batch) {
    if (!job.result) continue;
    if (job.result->signal != 0)
      throw failed(job, "crashed while analysing " + file_list(job.files),
                   "run the command yourself to see why; signal 9 often means the machine ran out of memory: "
                   "analyse fewer files at once (-j)");
  }
  for (const Job& job : batch)
    if (job.result && (job.result->out_truncated || job.result->err_truncated))
      throw failed(job, "printed more than " + std::to_string(kMaxOutputBytes) + " bytes, which cannot be read whole",
                   "configure the checks to report less (a .clang-tidy or suppressions)");

  // Each unit's findings, read from its own process; then all of them, in the order of the files, as one
  // process over all of them would give them (a header's finding kept once, with the first unit's notes).
  std::optional<std::string> build_rel = relative_to_root(build, source);
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  for (const Job& job : batch) {
    const ProcessResult& r = *job.result;
    Parsed parsed;
    if (options.analyzer == Analyzer::clang_tidy) {
      parsed = parse_output(r.out, source, kClangTidySeverities);
      if (r.exit_code != 0 && parsed.diagnostics == 0)
        throw failed(job, "failed without reporting a diagnostic",
                     "check the .clang-tidy file and that the compile database is current; run the command yourself");
    } else {
      if (r.exit_code != 0)
        throw failed(job, "failed", "check that the compile database is current; run the command yourself");
      try {
        parsed.findings = parse_cppcheck_xml(r.err, source);
      } catch (const Error& e) {
        throw Error(ErrorKind::internal, what + ": " + e.what() + "; the command was: " + command_line_of(job.spec.argv),
                    e.hint());
      }
    }
    std::vector<Finding>& own = run.by_unit[job.files.front()];
    for (Finding& f : parsed.findings) {
      // Generated files in a build directory inside the repository are not the project's sources.
      if (build_rel && f.file.starts_with(*build_rel + "/")) continue;
      if (seen.emplace(f.file, f.line, f.column, f.rule, f.message).second) run.findings.push_back(f);
      own.push_back(std::move(f));
    }
    sort_findings(own);
  }
  sort_findings(run.findings);
  return run;
}

}  // namespace autofix::runners
