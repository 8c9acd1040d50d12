// SPDX-License-Identifier: MIT
#include "gate/git/handles.h"

#include "gate/util/error.h"

namespace autofix::git {

Library::Library() { git_libgit2_init(); }
Library::~Library() { git_libgit2_shutdown(); }

void check(int rc, const std::string& doing) {
  if (rc >= 0) return;
  const git_error* e = git_error_last();
  std::string detail = (e && e->message) ? e->message : "libgit2 error " + std::to_string(rc);
  throw Error(ErrorKind::git, doing + ": " + detail);
}

std::string to_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

git_oid from_hex(const std::string& hex) {
  std::optional<git_oid> oid = try_from_hex(hex);
  if (!oid) throw Error(ErrorKind::internal, "not an object id: '" + hex + "'");
  return *oid;
}

std::optional<git_oid> try_from_hex(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) != 0) {
    git_error_clear();
    return std::nullopt;
  }
  return oid;
}

bool equal(const git_oid& a, const git_oid& b) noexcept { return git_oid_equal(&a, &b) != 0; }

}  // namespace autofix::git
