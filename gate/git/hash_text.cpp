// SPDX-License-Identifier: MIT
#include "gate/git/hash_text.h"

#include <string>

namespace autofix::git {

git_oid hash_text(std::string_view text, std::string_view what) {
  Library library;  // hashing reports its errors through libgit2's error state, which needs the library
  git_oid oid;
  check(git_odb_hash(&oid, text.data(), text.size(), GIT_OBJECT_BLOB), "cannot hash " + std::string(what));
  return oid;
}

}  // namespace autofix::git
