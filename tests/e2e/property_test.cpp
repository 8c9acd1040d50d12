// SPDX-License-Identifier: MIT
// The restore property (tests/support/random_tree.h) through the autofix-gate binary: `autofix-gate
// snapshot`, random mutations, `autofix-gate restore ID`, and the tree must be exactly the snapshot's,
// ignored files as the mutations left them. The same generator runs 200 seeds against the library in
// tests/unit/restore_property_test.cpp; here, a few seeds check what only the binary adds
// (its command line, its lock and journal, a restore in a process of its own).
#include <gtest/gtest.h>

#include "tests/e2e/e2e_helpers.h"
#include "tests/support/random_tree.h"

namespace autofix::testing {
namespace {

constexpr int kIterations = 5;
constexpr unsigned kFirstSeed = 20240;  // the unit test's first seeds, so both drivers judge the same trees

RestoreDriver binary_driver() {
  RestoreDriver d;
  d.snapshot = [](const fs::path& repo) {
    runners::ProcessResult snap = quick_gate(repo, {"snapshot"});
    if (!snap.succeeded()) throw std::runtime_error("snapshot failed: " + show(snap));
    return snap.out.substr(0, snap.out.find('\n'));
  };
  d.restore = [](const fs::path& repo, const std::string& id) {
    runners::ProcessResult r = quick_gate(repo, {"restore", id});
    return std::pair{r.exit_code == 0, r.exit_code == 0 ? r.out : show(r)};
  };
  d.recover = [](const fs::path& repo) { return quick_gate(repo, {"recover"}).describe(); };
  return d;
}

TEST(RandomRestore, TheBinaryRestoresExactly) {
  TempDir tmp;
  expect_restore_property(tmp.path(), property_seeds(kFirstSeed, 0, kIterations), binary_driver());
}

}  // namespace
}  // namespace autofix::testing
