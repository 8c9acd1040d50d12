#include "gate/report_files.h"

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"
#include "reporters/attempt_report.h"
#include "reporters/sarif.h"

namespace autofix {

void write_report_files(const AttemptResult& result, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create report directory '" + dir.string() + "': " + ec.message());
  // Whole or absent, never torn; not fsynced: a report is read right away, and after a power cut the
  // attempt is recovered and run again anyway.
  const auto cache = Durability::cache;
  std::string report = reporters::dump_json(reporters::attempt_json(result)) + "\n";
  write_file_atomically(dir / "report.json", report, 0644, cache);
  // A shard's result is also its partial result, the input of `autofix-gate merge`.
  if (result.shard) write_file_atomically(dir / "partial.json", report, 0644, cache);
  else std::filesystem::remove(dir / "partial.json", ec);
  write_file_atomically(dir / "autofix.sarif", reporters::dump_json(reporters::sarif_log(result.tiers)) + "\n", 0644, cache);
  write_file_atomically(dir / "junit.xml", reporters::attempt_junit(result), 0644, cache);
  write_file_atomically(dir / "summary.md", reporters::attempt_summary(result), 0644, cache);
}

}  // namespace autofix
