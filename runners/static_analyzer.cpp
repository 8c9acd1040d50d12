#include "runners/static_analyzer.h"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/signals.h"
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

std::optional<std::string> inside(const fs::path& file, const fs::path& root) {
  fs::path rel = file.lexically_relative(root);
  if (rel.empty() || rel == ".") return std::nullopt;
  auto first = *rel.begin();
  if (first == "..") return std::nullopt;
  return rel.generic_string();
}

// `file` relative to `root` ('/'-separated), or nullopt when it lies outside. Relative paths are taken
// relative to root. Tries the paths as written first, then with symbolic links resolved (a compile
// database may name the real path of a directory the caller reaches through a link).
std::optional<std::string> relative_to(const fs::path& file, const fs::path& root) {
  const fs::path abs_root = normal_absolute(root);
  const fs::path abs_file = (file.is_absolute() ? file : abs_root / file).lexically_normal();
  if (auto rel = inside(abs_file, abs_root)) return rel;
  std::error_code ec1, ec2;
  fs::path real_root = fs::weakly_canonical(abs_root, ec1);
  fs::path real_file = fs::weakly_canonical(abs_file, ec2);
  if (ec1 || ec2) return std::nullopt;
  return inside(real_file.lexically_normal(), normal_absolute(real_root));
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

// POSIX extended regular expression (llvm::Regex) matching `text` literally.
std::string regex_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// ---- diagnostics ----------------------------------------------------------------------------------

enum class LineKind { finding, note, ignored };

struct SeverityWord {
  std::string_view word;
  LineKind kind;
  const char* level;  // SARIF level for findings
};

constexpr std::array kClangTidySeverities{
    SeverityWord{"fatal error", LineKind::finding, "error"}, SeverityWord{"error", LineKind::finding, "error"},
    SeverityWord{"warning", LineKind::finding, "warning"},   SeverityWord{"remark", LineKind::finding, "note"},
    SeverityWord{"note", LineKind::note, "note"},
};

constexpr std::array kCppcheckSeverities{
    SeverityWord{"error", LineKind::finding, "error"},         SeverityWord{"warning", LineKind::finding, "warning"},
    SeverityWord{"style", LineKind::finding, "warning"},       SeverityWord{"performance", LineKind::finding, "warning"},
    SeverityWord{"portability", LineKind::finding, "warning"}, SeverityWord{"information", LineKind::finding, "note"},
    SeverityWord{"debug", LineKind::finding, "note"},          SeverityWord{"note", LineKind::note, "note"},
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
// location (clang-tidy), or with an empty file (cppcheck). Anything else (source excerpts, carets, summaries) is not a diagnostic.
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
    // Both analyzers print line and column; an empty file (cppcheck's ":0:0:") has no location.
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
  size_t diagnostics = 0;   // every diagnostic line, kept or not
  size_t unrecognised = 0;  // non-empty lines that are neither diagnostics nor (for clang-tidy) excerpts
  std::string first_unrecognised;
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
    if (!d) {
      if (line.find_first_not_of(" \t") != std::string_view::npos) {
        if (result.unrecognised++ == 0) result.first_unrecognised = cap_text(line, 512);
      }
      continue;
    }
    ++result.diagnostics;
    std::string file;
    if (!d->file.empty() && d->file != "nofile") {
      std::optional<std::string> rel = relative_to(fs::path(d->file), source_dir);
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
    f.severity = d->severity->level;
    f.message = std::move(d->message);
    result.findings.push_back(std::move(f));
    current = result.findings.size() - 1;
    notes = 0;
  }
  return result;
}

// ---- compile database -----------------------------------------------------------------------------

struct DatabaseEntry {
  std::string rel;   // repository-relative
  fs::path abs;      // absolute, normalised, as the database names it
  json entry;        // the database's own object
};

fs::path database_path(const fs::path& build_dir) { return build_dir / "compile_commands.json"; }

std::vector<DatabaseEntry> read_database(const fs::path& build_dir, const fs::path& source_dir) {
  const fs::path db = database_path(build_dir);
  std::error_code ec;
  if (!fs::is_regular_file(db, ec))
    throw Error(ErrorKind::usage, "no compile database at " + quoted(db),
                "configure the project with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON (or set CMAKE_EXPORT_COMPILE_COMMANDS "
                "in its CMakeLists.txt), then build it once");
  auto bad = [&](const std::string& what) {
    return Error(ErrorKind::usage, quoted(db) + " is not a compile database: " + what,
                 "configure the project again with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON");
  };
  json doc;
  try {
    doc = json::parse(read_file(db));
  } catch (const json::exception& e) {
    throw bad(std::string("malformed JSON (") + e.what() + ")");
  }
  if (!doc.is_array()) throw bad("not a JSON array");
  std::vector<DatabaseEntry> entries;
  for (json& e : doc) {
    if (!e.is_object()) throw bad("an entry is not an object");
    auto file = e.find("file");
    auto directory = e.find("directory");
    if (file == e.end() || !file->is_string() || directory == e.end() || !directory->is_string())
      throw bad("an entry has no \"file\" or \"directory\" string");
    fs::path path = file->get<std::string>();
    if (path.is_relative()) path = fs::path(directory->get<std::string>()) / path;
    path = path.lexically_normal();
    std::optional<std::string> rel = relative_to(path, source_dir);
    if (!rel) continue;
    entries.push_back({std::move(*rel), std::move(path), std::move(e)});
  }
  return entries;
}

// A fresh private directory under $TMPDIR, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "autofix-analyzer-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw_errno("cannot create a temporary directory", pattern, errno);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
};

[[noreturn]] void rethrow_interrupt(const std::string& what) {
  throw_if_interrupted();
  throw Error(ErrorKind::internal, what + " was stopped by an interrupt");
}

std::string excerpt_of(const ProcessResult& r) {
  std::string text = r.err.empty() ? r.out : r.err + (r.out.empty() ? "" : "\n" + r.out);
  return cap_text(text, 2048);
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

std::vector<Finding> parse_cppcheck_output(std::string_view text, const fs::path& source_dir) {
  return parse_output(text, source_dir, kCppcheckSeverities).findings;
}

std::vector<std::string> translation_units_in_database(const fs::path& build_dir, const fs::path& source_dir) {
  std::vector<std::string> files;
  for (const DatabaseEntry& e : read_database(build_dir, source_dir)) files.push_back(e.rel);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

AnalyzerRun run_analyzer(const AnalyzerOptions& options) {
  if (options.source_dir.empty() || options.build_dir.empty())
    throw Error(ErrorKind::usage, "run_analyzer needs a source and a build directory");
  const fs::path source = normal_absolute(options.source_dir);
  const fs::path build = normal_absolute(options.build_dir);
  const std::string name = to_string(options.analyzer);
  const std::vector<DatabaseEntry> database = read_database(build, source);

  AnalyzerRun run;
  std::vector<std::string> selected;  // repository-relative, in the caller's order, each once
  std::set<std::string> wanted;
  for (const std::string& f : options.files) {
    std::string rel = fs::path(f).lexically_normal().generic_string();
    if (!wanted.insert(rel).second) continue;
    bool known = std::any_of(database.begin(), database.end(), [&](const DatabaseEntry& e) { return e.rel == rel; });
    if (known) selected.push_back(rel);
    else
      run.warnings.push_back("'" + rel + "' is not a translation unit in " + quoted(database_path(build)) + ": " +
                             name + " did not analyse it");
  }
  if (selected.empty()) return run;

  ProcessSpec spec;
  spec.argv.push_back(options.program.empty() ? name : options.program);
  std::optional<ScratchDir> scratch;
  if (options.analyzer == Analyzer::clang_tidy) {
    spec.argv.insert(spec.argv.end(), {"-p", build.string(), "--quiet"});
    std::error_code ec;
    if (!fs::exists(source / ".clang-tidy", ec)) spec.argv.push_back("--checks=" + std::string(kDefaultClangTidyChecks));
    // Headers count when they are the project's own, reached by the path as written or the real one.
    std::string filter = regex_escape(source.string());
    fs::path real = fs::weakly_canonical(source, ec);
    if (!ec && normal_absolute(real) != source) filter = "(" + filter + "|" + regex_escape(normal_absolute(real).string()) + ")";
    spec.argv.push_back("--header-filter=^" + filter + "/");
    for (const std::string& rel : selected) {
      auto it = std::find_if(database.begin(), database.end(), [&](const DatabaseEntry& e) { return e.rel == rel; });
      spec.argv.push_back(it->abs.string());
    }
  } else {
    scratch.emplace();
    json subset = json::array();
    std::set<std::string> chosen(selected.begin(), selected.end());
    for (const DatabaseEntry& e : database)
      if (chosen.contains(e.rel)) subset.push_back(e.entry);
    const fs::path subset_file = scratch->path() / "compile_commands.json";
    write_file_atomically(subset_file, subset.dump(1), 0600, Durability::cache);
    unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    spec.argv.insert(spec.argv.end(),
                     {"--project=" + subset_file.string(),
                      "--template={file}:{line}:{column}: {severity}: {message} [{id}]",
                      "--enable=warning,style,performance,portability", "--inline-suppr", "--quiet",
                      "-j", std::to_string(jobs),
                      "--suppress=missingIncludeSystem", "--suppress=missingInclude",
                      "--suppress=unmatchedSuppression", "--suppress=checkersReport"});
  }
  spec.working_directory = source;
  spec.timeout = options.timeout;
  spec.output_cap = kMaxOutputBytes;
  spec.on_started = options.on_started;
  run.command_line = command_line_of(spec.argv);

  const std::string what = name + " in " + quoted(source);
  ProcessResult r;
  try {
    r = run_process(spec);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::usage) throw;
    throw Error(ErrorKind::usage, "cannot run " + name + ": " + e.what(),
                "install " + name + " (it is the analyzer of this tier), or name the program to run");
  }
  if (r.interrupted) rethrow_interrupt(what);
  auto failed = [&](const std::string& how, const std::string& hint) {
    return Error(ErrorKind::internal, what + " " + how + " (" + r.describe() + "); the command was: " +
                                          run.command_line + "\n" + excerpt_of(r),
                 hint);
  };
  if (r.timed_out) throw failed("did not finish in time", "raise the tier's timeout, or analyse fewer files");
  if (r.signal != 0) throw failed("crashed", "run the command yourself to see why");
  if (r.out_truncated || r.err_truncated)
    throw failed("printed more than " + std::to_string(kMaxOutputBytes) + " bytes, which cannot be read whole",
                 "configure the checks to report less (a .clang-tidy or suppressions)");

  Parsed parsed;
  if (options.analyzer == Analyzer::clang_tidy) {
    parsed = parse_output(r.out, source, kClangTidySeverities);
    if (r.exit_code != 0 && parsed.diagnostics == 0)
      throw failed("failed without reporting a diagnostic",
                   "check the .clang-tidy file and that the compile database is current; run the command yourself");
  } else {
    if (r.exit_code != 0)
      throw failed("failed", "check that the compile database is current; run the command yourself");
    parsed = parse_output(r.err, source, kCppcheckSeverities);
    if (parsed.unrecognised > 0)
      run.warnings.push_back(name + " printed " + std::to_string(parsed.unrecognised) +
                             " line(s) that are not diagnostics, the first: " + parsed.first_unrecognised);
  }

  // Generated files in a build directory inside the repository are not the project's sources.
  std::optional<std::string> build_rel = relative_to(build, source);
  for (Finding& f : parsed.findings) {
    if (build_rel && f.file.starts_with(*build_rel + "/")) continue;
    run.findings.push_back(std::move(f));
  }
  std::sort(run.findings.begin(), run.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule, a.message) < std::tie(b.file, b.line, b.column, b.rule, b.message);
  });
  return run;
}

}  // namespace autofix::runners
