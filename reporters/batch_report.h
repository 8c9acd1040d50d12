// SPDX-License-Identifier: MIT
#pragma once
// The report set of `autofix-gate batch` (docs/reports.md, docs/schemas/batch-report.schema.json):
// report.json for tools, junit.xml with one <testsuite> per fix, summary.md for people. Pure: strings out.
#include <string>

#include <nlohmann/json.hpp>

#include "gate/results/batch_result.h"

namespace autofix::reporters {

inline constexpr int kBatchReportFormat = 1;

nlohmann::json batch_report_json(const BatchResult& result);
std::string batch_junit(const BatchResult& result);
std::string batch_summary(const BatchResult& result);

}  // namespace autofix::reporters
