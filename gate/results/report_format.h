// SPDX-License-Identifier: MIT
#pragma once
// The shape of report.json (docs/attempt.md, docs/schemas/report.schema.json): what its `format_version`
// says. It changes only when a key is renamed or removed, or its meaning or type changes; a new key does
// not change it (readers ignore keys they do not know). Reports written before the key existed have the
// shape of format 1.
namespace autofix {

inline constexpr int kReportFormatVersion = 1;

}  // namespace autofix
