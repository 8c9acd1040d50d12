// SPDX-License-Identifier: MIT
#pragma once
// The JSON report of gitleaks v8 (`--report-format json`), read back. Pure: no files, no processes.
// The report is untrusted input (whatever printed it may be broken or not gitleaks at all): its size is
// capped, every field the gate uses is type-checked, and a report that cannot be read whole throws
// rather than yielding fewer findings.
//
// What gitleaks writes (report/finding.go, report/json.go): a JSON array, one object per finding,
//   {"RuleID": "github-pat", "Description": "...", "StartLine": 3, "EndLine": 3, "StartColumn": 9,
//    "EndColumn": 48, "Match": "token: ghp_...", "Secret": "ghp_...", "File": "staged/repo/src/a.cpp",
//    "SymlinkFile": "", "Commit": "", "Entropy": 4.7, "Author": "", "Email": "", "Date": "",
//    "Message": "", "Tags": [], "Fingerprint": "staged/repo/src/a.cpp:github-pat:3"}
// `[]` when it found nothing (some versions write `null`). Lines and columns are 1-based.
// Only RuleID, Description, File, StartLine, EndLine, StartColumn and Secret are read; Match (which
// holds the secret too) is never kept.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

struct GitleaksReportFinding {
  std::string rule_id;      // RuleID: letters, digits, '_', '-', '.'
  std::string description;  // Description, valid UTF-8, control characters made spaces, capped
  std::string file;         // File, as gitleaks wrote it (the path it walked)
  int start_line = 0;       // StartLine, >= 1
  int end_line = 0;         // EndLine, >= StartLine
  int start_column = 0;     // StartColumn, >= 0
  std::string secret;       // Secret: not empty
};

inline constexpr size_t kMaxGitleaksReportBytes = 64 * 1024 * 1024;
inline constexpr size_t kMaxGitleaksFindings = 100'000;
inline constexpr size_t kMaxGitleaksSecretBytes = 64 * 1024;
inline constexpr size_t kMaxGitleaksDescriptionBytes = 512;
inline constexpr size_t kMaxGitleaksRuleIdBytes = 128;

// Parses a report. `source` names it (its file) in error messages. Throws Error(io) "cannot read
// <source>: <what>" for text that is not JSON (with the byte offset, never the text around it: it may be
// a secret), a root that is not an array (or null), an element that is not an object, a missing field
// or one of the wrong type or out of range, more than kMaxGitleaksFindings findings, or a report larger
// than kMaxGitleaksReportBytes. Unknown fields are ignored.
std::vector<GitleaksReportFinding> parse_gitleaks_report(std::string_view text, const std::string& source);

}  // namespace autofix::runners
