#pragma once
// Writes an attempt's reports (report.json, junit.xml, summary.md) into a directory, each atomically.
#include <filesystem>

#include "gate/attempt_result.h"

namespace autofix {

void write_report_files(const AttemptResult& result, const std::filesystem::path& dir);

}  // namespace autofix
