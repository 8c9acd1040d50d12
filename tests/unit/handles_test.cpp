// SPDX-License-Identifier: MIT
#include "gate/git/handles.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix::git {
namespace {

TEST(Handles, HexRoundTrip) {
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  EXPECT_EQ(to_hex(from_hex(hex)), hex);
}

TEST(Handles, FromHexRejectsWrongLengthAndNonHex) {
  Library lib;  // git_oid_fromstr reports through libgit2's error state, which needs the library initialised
  for (const std::string bad : {"", "0123", "0123456789abcdef0123456789abcdef012345678",
                                "zz23456789abcdef0123456789abcdef01234567"}) {
    try {
      from_hex(bad);
      FAIL() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::internal);
      EXPECT_EQ(std::string(e.what()), "not an object id: '" + bad + "'");
    }
  }
}

TEST(Handles, TryFromHexGivesTheIdOrNothing) {
  Library lib;
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  ASSERT_TRUE(try_from_hex(hex));
  EXPECT_EQ(to_hex(*try_from_hex(hex)), hex);
  for (const std::string& bad : std::vector<std::string>{"", "0123", hex + "8", "zz23456789abcdef0123456789abcdef01234567"})
    EXPECT_FALSE(try_from_hex(bad)) << bad;
  EXPECT_EQ(git_error_last(), nullptr) << "a refused id leaves no libgit2 error behind";
}

TEST(Handles, EqualComparesEveryByte) {
  const git_oid a = from_hex("0123456789abcdef0123456789abcdef01234567");
  EXPECT_TRUE(equal(a, from_hex("0123456789abcdef0123456789abcdef01234567")));
  EXPECT_FALSE(equal(a, from_hex("0123456789abcdef0123456789abcdef01234568")));
  EXPECT_FALSE(equal(a, from_hex("1123456789abcdef0123456789abcdef01234567")));
}

TEST(Handles, CheckPassesNonNegativeAndThrowsWithLibgit2Message) {
  Library lib;
  EXPECT_NO_THROW(check(0, "nothing"));
  EXPECT_NO_THROW(check(1, "nothing"));
  git_repository* raw = nullptr;
  int rc = git_repository_open(&raw, "/nonexistent/autofix/repository");
  ASSERT_LT(rc, 0);
  try {
    check(rc, "opening it");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::git);
    std::string what = e.what();
    EXPECT_EQ(what.rfind("opening it: ", 0), 0u) << what;
    EXPECT_GT(what.size(), std::string("opening it: ").size());
  }
}

TEST(Handles, OutParamHandsTheResultToTheUniquePtr) {
  Library lib;
  IndexPtr index;
  check(git_index_new(out(index)), "creating an in-memory index");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(git_index_entrycount(index.get()), 0u);
}

}  // namespace
}  // namespace autofix::git
