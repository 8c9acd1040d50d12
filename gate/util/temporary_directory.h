// SPDX-License-Identifier: MIT
#pragma once
// A fresh private directory (mode 0700) under $TMPDIR, removed with everything in it when the object
// goes away: scratch space for files handed to analyzers and scanners.
#include <filesystem>
#include <string>

namespace autofix {

class TemporaryDirectory {
 public:
  // `prefix` names it ("autofix-analyzer" gives /tmp/autofix-analyzer-XXXXXX). Throws Error(io).
  explicit TemporaryDirectory(const std::string& prefix);
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace autofix
