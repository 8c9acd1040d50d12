// SPDX-License-Identifier: MIT
#include "gate/state/report_location.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <random>
#include <vector>

#include "gate/util/clock.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace fs = std::filesystem;

std::string new_attempt_id() {
  static std::mt19937_64 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%06llx", static_cast<unsigned long long>(rng() & 0xffffff));
  return format_compact_utc(std::chrono::system_clock::now()) + "-" + suffix;
}

bool is_attempt_id(const std::string& name) noexcept {
  // YYYYMMDDTHHMMSSZ-xxxxxx
  if (name.size() != 23 || name[8] != 'T' || name[15] != 'Z' || name[16] != '-') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (i == 8 || i == 15 || i == 16) continue;
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (i < 15 ? !std::isdigit(c) : !std::isxdigit(c)) return false;
  }
  return true;
}

fs::path attempt_report_dir(const fs::path& root, const std::string& id) { return root / id; }

void publish_latest(const fs::path& root, const std::string& id) {
  const fs::path link = root / kLatestReportLink;
  const fs::path tmp = root / (std::string(".") + kLatestReportLink + ".tmp-" + std::to_string(::getpid()));
  ::unlink(tmp.c_str());
  if (::symlink(id.c_str(), tmp.c_str()) != 0) throw_errno("cannot create symbolic link", tmp.string(), errno);
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw_errno("cannot point " + link.string() + " at", id, err);
  }
  // Reports an older version wrote straight into the root would be read as the newest: they go.
  std::error_code ec;
  for (const char* stale : {"report.json", "junit.xml", "summary.md", "autofix.sarif", "partial.json"})
    fs::remove(root / stale, ec);
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (is_attempt_id(name) && name != id && e.is_directory(ec) && !e.is_symlink(ec)) ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());  // the ids start with their time: oldest first
  size_t others = kKeptReportDirs > 0 ? kKeptReportDirs - 1 : 0;  // this run's directory is one of those kept
  for (size_t i = 0; i + others < ids.size(); ++i) fs::remove_all(root / ids[i], ec);
}

}  // namespace autofix
