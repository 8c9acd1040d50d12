// SPDX-License-Identifier: MIT
#pragma once
// The one way the gate hashes bytes: git's blob object id (what `git hash-object` prints). It names a
// file's content in a tree, and gives any text a stable 40-hex-digit name (finding fingerprints,
// baseline keys, the shard a test belongs to).
#include <string_view>

#include "gate/git/handles.h"

namespace autofix::git {

// The blob id of `text`. Throws Error(git) "cannot hash <what>: <libgit2's reason>" when libgit2 cannot.
git_oid hash_text(std::string_view text, std::string_view what);

}  // namespace autofix::git
