// SPDX-License-Identifier: MIT
#include "gate/util/byte_names.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace autofix {
namespace {

TEST(ByteNames, Utf8IsWhatAJsonWriterAccepts) {
  for (std::string good : {"", "plain.txt", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "a\nb", "\x7f",
                           "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(is_utf8(good)) << good;
    EXPECT_NO_THROW(nlohmann::json(good).dump()) << good;
  }
  for (std::string bad : {"\xff", "c\xc3\x28", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xf8\x88\x80\x80\x80", "\xe2\x82", "a\x80"}) {
    EXPECT_FALSE(is_utf8(bad)) << nlohmann::json(quoted_name(bad)).dump();
    EXPECT_THROW(nlohmann::json(bad).dump(), nlohmann::json::type_error) << quoted_name(bad);
  }
}

TEST(ByteNames, QuotedAsGitShowsThemWithQuotePathOff) {
  EXPECT_EQ(quoted_name("src/a b.cpp"), "src/a b.cpp");
  EXPECT_EQ(quoted_name("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(quoted_name("u\xff"), "\"u\\377\"");
  EXPECT_EQ(quoted_name("c\xc3\x28"), "\"c\\303(\"");
  EXPECT_EQ(quoted_name("n\nl"), "\"n\\nl\"");
  EXPECT_EQ(quoted_name("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(quoted_name("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quoted_name(std::string("tab\there\x01\x7f")), "\"tab\\there\\001\\177\"");
  EXPECT_EQ(quoted_name("\xe9t\xc3\xa9"), "\"\\351t\xc3\xa9\"");  // valid sequences stay as they are
}

TEST(ByteNames, Utf8NameQuotesOnlyWhatJsonCannotHold) {
  EXPECT_EQ(utf8_name("back\\slash\n"), "back\\slash\n");
  EXPECT_EQ(utf8_name("u\xff"), "\"u\\377\"");
  EXPECT_TRUE(is_utf8(utf8_name("\xc3\x28\xff\xfe")));
}

TEST(ByteNames, HexRoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string hex = hex_bytes(all);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(bytes_from_hex(hex), all);
  EXPECT_EQ(bytes_from_hex("C328"), "\xc3\x28");
  EXPECT_EQ(bytes_from_hex(""), "");
  EXPECT_EQ(bytes_from_hex("abc"), std::nullopt);
  EXPECT_EQ(bytes_from_hex("0g"), std::nullopt);
  EXPECT_EQ(bytes_from_hex("-1"), std::nullopt);
}

}  // namespace
}  // namespace autofix
