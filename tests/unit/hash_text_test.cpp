// SPDX-License-Identifier: MIT
#include "gate/git/hash_text.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace autofix::git {
namespace {

using autofix::testing::TempDir;

// What `git hash-object --no-filters` says for `content`, written to a file first.
std::string git_says(const std::string& content) {
  TempDir dir;
  autofix::testing::write_file(dir / "blob", content);
  std::string out = autofix::testing::git(dir.path(), {"hash-object", "--no-filters", "blob"});
  return out.substr(0, out.find('\n'));
}

TEST(HashText, GivesGitsBlobIds) {
  EXPECT_EQ(to_hex(hash_text("", "nothing")), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  EXPECT_EQ(to_hex(hash_text("hello\n", "a greeting")), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(HashText, AgreesWithGitOnBinaryAndLineEndings) {
  const std::string binary("a\0b\r\n\xff\xfe tail", 12);
  for (const std::string& content : {binary, std::string("crlf\r\nline\r\n"), std::string(70000, 'x')})
    EXPECT_EQ(to_hex(hash_text(content, "content")), git_says(content));
}

TEST(HashText, DependsOnEveryByte) {
  EXPECT_NE(to_hex(hash_text("abc", "a")), to_hex(hash_text("abd", "a")));
  EXPECT_NE(to_hex(hash_text(std::string("a\0", 2), "a")), to_hex(hash_text("a", "a")));
}

}  // namespace
}  // namespace autofix::git
