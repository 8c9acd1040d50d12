// SPDX-License-Identifier: MIT
#pragma once
// Where the reports of one attempt (or verify) go. By default every run writes into a directory of its
// own, <build dir>/autofix/<attempt id>/, and <build dir>/autofix/latest, a symbolic link to the newest
// of them, is what scripts read: a second run never rewrites the reports of the first, and a reader never
// sees half of one run's reports beside half of another's. An explicit --report-dir (or "report_dir" in
// the configuration, as the CMake module and the CI scripts set it) is used as it is.
#include <filesystem>
#include <string>

namespace autofix {

inline constexpr const char* kLatestReportLink = "latest";
// Per-attempt directories kept under the default report root; older ones are removed.
inline constexpr size_t kKeptReportDirs = 20;

// "20261122T043205Z-4c8cda": the form of a snapshot id, for a run refused before it took a snapshot.
std::string new_attempt_id();

// Whether `name` has the form of an attempt id (what prune_report_dirs may remove).
bool is_attempt_id(const std::string& name) noexcept;

// <root>/<id>.
std::filesystem::path attempt_report_dir(const std::filesystem::path& root, const std::string& id);

// Points <root>/latest at <id> (a relative symbolic link, replaced atomically), removes report files an
// older version wrote at the top of <root> (so that nothing reads them as the newest), and removes the
// oldest attempt directories beyond kKeptReportDirs (never <id>).
void publish_latest(const std::filesystem::path& root, const std::string& id);

}  // namespace autofix
