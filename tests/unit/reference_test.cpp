// SPDX-License-Identifier: MIT
#include "gate/git/reference.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

using autofix::testing::git;
using autofix::testing::TempDir;

TEST(Reference, RemoveReferenceIfAnyDeletesItAndIgnoresOneThatIsNotThere) {
  TempDir tmp;
  const auto root = tmp / "reference repo";
  autofix::testing::init_repo(root);
  git(root, {"update-ref", "refs/autofix/discarded/one", "HEAD"});
  git(root, {"update-ref", "refs/autofix/discarded/two", "HEAD"});
  Repository repo = Repository::open(root);
  remove_reference_if_any(repo, "refs/autofix/discarded/one");
  EXPECT_EQ(git(root, {"for-each-ref", "--format=%(refname)", "refs/autofix"}), "refs/autofix/discarded/two\n");
  remove_reference_if_any(repo, "refs/autofix/discarded/one");
  remove_reference_if_any(repo, "refs/autofix/discarded/none");
  EXPECT_EQ(git_error_last(), nullptr);
  EXPECT_EQ(git(root, {"for-each-ref", "--format=%(refname)", "refs/autofix"}), "refs/autofix/discarded/two\n");
}

}  // namespace
}  // namespace autofix::git
