// SPDX-License-Identifier: MIT
#include "gate/state/gate_dirs.h"

#include <sys/stat.h>

#include <cerrno>

#include "gate/git/tracked_paths.h"
#include "gate/util/atomic_file.h"
#include "gate/util/byte_names.h"
#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

constexpr size_t kFilesNamed = 5;

std::string in_quotes(const fs::path& p) { return "'" + quoted_name(p.string()) + "'"; }

// `p` relative to the work tree root, or "" when it is outside (or is the root: resolve_layout refuses that).
std::string inside_root(const Layout& l, const fs::path& p) {
  fs::path rel = p.lexically_relative(l.root);
  if (rel.empty() || *rel.begin() == ".." || rel == ".") return {};
  std::string s = rel.generic_string();
  while (s.ends_with('/')) s.pop_back();
  return s;
}

// A directory the gate writes into: a directory, or missing with a directory as its nearest existing parent.
void require_usable(const fs::path& dir, const char* what, const char* option) {
  std::string hint = std::string("pass ") + option + " with a directory (it is created when missing)";
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      throw Error(ErrorKind::usage, std::string("the ") + what + " " + in_quotes(dir) + " is a file, not a directory", hint);
    return;
  }
  if (errno != ENOENT && errno != ENOTDIR) throw_errno(std::string("cannot inspect the ") + what, dir.string(), errno);
  for (fs::path parent = dir.parent_path(); !parent.empty(); parent = parent.parent_path()) {
    if (::stat(parent.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        throw Error(ErrorKind::usage,
                    std::string("the ") + what + " " + in_quotes(dir) + " cannot be created: " + in_quotes(parent) +
                        " is a file, not a directory",
                    hint);
      return;
    }
    if (parent == parent.root_path()) return;
  }
}

std::string listed(const std::vector<std::string>& paths) {
  std::string out;
  for (size_t i = 0; i < paths.size() && i < kFilesNamed; ++i) out += (i ? ", '" : "'") + quoted_name(paths[i]) + "'";
  if (paths.size() > kFilesNamed) out += " and " + std::to_string(paths.size() - kFilesNamed) + " more";
  return out;
}

std::string count(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

void refuse_user_files(const fs::path& dir, const char* what, const char* option, const UserFiles& files) {
  std::string held;
  if (!files.tracked.empty())
    held = count(files.tracked.size(), "tracked file", "tracked files") + " (" + listed(files.tracked) + ")";
  if (!files.untracked.empty())
    held += (held.empty() ? "" : " and ") +
            count(files.untracked.size(), "untracked file", "untracked files") + " that .gitignore does not ignore (" +
            listed(files.untracked) + ")";
  throw Error(ErrorKind::usage,
              std::string("the ") + what + " " + in_quotes(dir) + " holds files of yours: " + held,
              std::string("the gate leaves its build and report directories out of the snapshot, so a fix could change "
                          "or delete those files for good; pass ") +
                  option + " with a new directory, one outside the work tree or one .gitignore ignores, or move them");
}

bool is_configured_build_tree(const fs::path& dir) {
  struct stat st;
  return ::stat((dir / "CMakeCache.txt").c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

void require_gate_directories_usable(const Layout& l) {
  require_usable(l.build_dir, "build directory", "--build-dir");
  require_usable(l.report_dir, "report directory", "--report-dir");
}

UserFiles user_files_under(const git::Repository& repo, const std::string& dir, bool untracked_are_the_gates) {
  UserFiles out;
  const std::string prefix = dir + "/";
  for (std::string& path : git::tracked_paths_under(repo, dir)) {
    std::string_view name = std::string_view(path).substr(prefix.size());
    if (name == ".gitignore" || name == ".gitkeep") continue;
    out.tracked.push_back(std::move(path));
  }
  if (untracked_are_the_gates) return out;
  out.untracked = git::untracked_paths_under(repo, dir);
  return out;
}

void require_no_user_files_in_gate_directories(const Layout& l) {
  if (!l.repo) return;
  const std::string build = inside_root(l, l.build_dir);
  const std::string report = inside_root(l, l.report_dir);
  const bool build_configured = !build.empty() && is_configured_build_tree(l.build_dir);
  struct stat st;
  const bool report_claimed = !report.empty() && ::lstat((l.report_dir / kReportDirMarker).c_str(), &st) == 0;
  auto below = [](const std::string& path, const std::string& dir) {
    return !dir.empty() && (path == dir || path.starts_with(dir + "/"));
  };
  if (!build.empty()) {
    UserFiles files = user_files_under(*l.repo, build, build_configured);
    // The files of a claimed report directory inside an unconfigured build directory are the gate's too.
    if (report_claimed)
      std::erase_if(files.untracked, [&](const std::string& p) { return below(p, report); });
    if (!files.empty()) refuse_user_files(l.build_dir, "build directory", "--build-dir", files);
  }
  if (report.empty()) return;
  UserFiles files = user_files_under(*l.repo, report, report_claimed || (build_configured && below(report, build)));
  if (!files.empty()) refuse_user_files(l.report_dir, "report directory", "--report-dir", files);
}

void claim_report_directory(const Layout& l) {
  // With one directory per run, the root holding them is what the snapshot leaves out and what
  // require_no_user_files_in_gate_directories checks: it is the one claimed.
  const fs::path& dir = l.report_per_attempt ? l.report_root : l.report_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create the report directory " + in_quotes(dir) + ": " + ec.message());
  if (inside_root(l, dir).empty()) return;
  const fs::path marker = dir / kReportDirMarker;
  struct stat st;
  if (::lstat(marker.c_str(), &st) == 0) return;
  write_file_atomically(marker,
                        "This directory holds AutofixGate's reports. The gate leaves it out of its snapshots, so a\n"
                        "rollback never restores what is here: keep no files of yours in it.\n",
                        0644, Durability::cache);
}

}  // namespace autofix
