// SPDX-License-Identifier: MIT
#include "gate/util/temporary_directory.h"

#include <stdlib.h>

#include <cerrno>

#include "gate/util/error.h"
#include "gate/util/io_errors.h"

namespace autofix {

namespace fs = std::filesystem;

TemporaryDirectory::TemporaryDirectory(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw_errno("cannot create a temporary directory", pattern, errno);
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);  // best effort: a leftover in $TMPDIR harms nothing
}

}  // namespace autofix
