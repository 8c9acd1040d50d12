// SPDX-License-Identifier: MIT
#include "gate/run/report_files.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"
#include "gate/util/trace.h"
#include "reporters/attempt_report.h"
#include "reporters/code_quality.h"
#include "reporters/html_report.h"
#include "reporters/junit.h"
#include "reporters/tiers_junit.h"
#include "reporters/sarif.h"
#include "reporters/summary.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStagingPrefix = ".report-set-";

std::function<void(int)>& step_hook() {
  static std::function<void(int)> hook;
  return hook;
}

// The pid in a staging directory's name (".report-set-<pid>-<random>"), or 0.
pid_t staging_owner(const std::string& name) {
  if (!name.starts_with(kStagingPrefix)) return 0;
  std::string rest = name.substr(kStagingPrefix.size());
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789") != dash) return 0;
  try {
    return static_cast<pid_t>(std::stol(rest.substr(0, dash)));
  } catch (const std::exception&) {
    return 0;
  }
}

void remove_file(const fs::path& p) {
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove the previous report", p.string(), errno);
}

// A staging directory removed whatever happens, unless its files were all moved out.
class Staging {
 public:
  explicit Staging(const fs::path& dir) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    path_ = dir / (std::string(kStagingPrefix) + std::to_string(::getpid()) + "-" + std::to_string(rng() & 0xffffff));
    std::error_code ec;
    if (!fs::create_directory(path_, ec) || ec)
      throw Error(ErrorKind::io, "cannot create '" + path_.string() + "': " + (ec ? ec.message() : "it exists"));
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

void set_report_step_hook_for_tests(std::function<void(int)> hook) { step_hook() = std::move(hook); }

void remove_stale_report_staging(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    pid_t owner = staging_owner(it->path().filename().string());
    if (owner <= 0) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;  // still writing (EPERM: alive, another user's)
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

void write_report_files(const AttemptResult& result, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create report directory '" + dir.string() + "': " + ec.message());
  remove_stale_report_staging(dir);

  std::map<std::string, std::string> set;
  // Each file's text, timed under its name (AUTOFIX_GATE_TRACE).
  auto make = [&set](const char* name, const auto& text_of) {
    TraceScope trace(name);
    set[name] = text_of();
  };
  make("report.json", [&] { return reporters::dump_json(reporters::attempt_json(result)) + "\n"; });
  if (result.shard) set["partial.json"] = set["report.json"];  // a shard's result is also the input of `autofix-gate merge`
  make("autofix.sarif", [&] { return reporters::dump_json(reporters::sarif_log(result, reporters::SarifScope::upload)) + "\n"; });
  make("autofix-full.sarif", [&] { return reporters::dump_json(reporters::sarif_log(result, reporters::SarifScope::full)) + "\n"; });
  make("gl-code-quality-report.json", [&] { return reporters::dump_json(reporters::code_quality_report(result.tiers)) + "\n"; });
  make("junit.xml", [&] { return reporters::attempt_junit(result); });
  make("junit-strict.xml", [&] { return reporters::attempt_junit(result, reporters::JunitPlaces::left_out); });
  make("autofix-tiers.xml", [&] { return reporters::tiers_junit(result); });
  make("summary.md", [&] { return reporters::attempt_summary(result); });
  make("report.html", [&] { return reporters::attempt_html(result); });

  // Whole files first, out of sight; not fsynced: a report is read right away, and after a power cut the
  // attempt is recovered and run again anyway.
  std::optional<TraceScope> trace_step(std::in_place, "write");
  Staging staging(dir);
  for (const auto& [name, content] : set) write_file_atomically(staging.path() / name, content, 0644, Durability::cache);
  trace_step.emplace("publish");

  // Then the switch: the previous set goes, report.json first; the new one comes, report.json last.
  int step = 0;
  auto before_step = [&] {
    if (step_hook()) step_hook()(step);
    ++step;
  };
  for (auto it = kReportSetFiles.rbegin(); it != kReportSetFiles.rend(); ++it) {
    before_step();
    remove_file(dir / *it);
  }
  for (const char* name : kReportSetFiles) {
    if (!set.count(name)) continue;
    before_step();
    fs::path from = staging.path() / name, to = dir / name;
    if (::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot put the report in place", to.string(), errno);
  }
}

}  // namespace autofix
