// SPDX-License-Identifier: MIT
#include "reporters/sarif_region.h"

#include <gtest/gtest.h>

namespace autofix::reporters {
namespace {

using nlohmann::json;

const std::string kEAcute = "\xC3\xA9";          // é: 2 bytes, 1 UTF-16 code unit
const std::string kEuro = "\xE2\x82\xAC";        // €: 3 bytes, 1 code unit
const std::string kGrinning = "\xF0\x9F\x98\x80";  // U+1F600: 4 bytes, 2 code units (a surrogate pair)

TEST(Utf16Column, IsTheByteColumnOnALineOfAscii) {
  EXPECT_EQ(utf16_column("int x = a / b;", 1), 1);
  EXPECT_EQ(utf16_column("int x = a / b;", 11), 11);
  EXPECT_EQ(utf16_column("int x = a / b;", 15), 15) << "just after the last character";
  EXPECT_EQ(utf16_column("", 1), 1);
}

TEST(Utf16Column, CountsCodeUnitsOfTheCharactersBefore) {
  // s = "é€<U+1F600>"; n / 2;   'n' is byte 17 (1-based 18): 2 + 3 + 4 bytes stand for 1 + 1 + 2 units.
  const std::string line = "s = \"" + kEAcute + kEuro + kGrinning + "\"; n / 2;";
  ASSERT_EQ(line.find('n'), 17u);
  EXPECT_EQ(utf16_column(line, 18), 18 - (1 + 2 + 2));
  EXPECT_EQ(utf16_column(line, 6), 6) << "é itself";
  EXPECT_EQ(utf16_column(line, 8), 7) << "€";
  EXPECT_EQ(utf16_column(line, 11), 8) << "the emoji";
  EXPECT_EQ(utf16_column(line, 15), 10) << "the quote after it";
  EXPECT_EQ(utf16_column(line, 7), 6) << "a byte inside é is é's column";
  EXPECT_EQ(utf16_column(line, 13), 8) << "a byte inside the emoji is its column";
}

TEST(Utf16Column, NothingOutsideTheLine) {
  EXPECT_EQ(utf16_column("ab", 0), std::nullopt);
  EXPECT_EQ(utf16_column("ab", -3), std::nullopt);
  EXPECT_EQ(utf16_column("ab", 4), std::nullopt);
  EXPECT_EQ(utf16_column(kEAcute, 3), 2);
  EXPECT_EQ(utf16_column(kEAcute, 4), std::nullopt);
}

SourceExcerpt excerpt_of(std::vector<std::string> lines, int line, std::vector<int> cut = {}) {
  return {"src/a.cpp", line, 10, std::move(lines), std::move(cut)};
}

// The line of a finding at byte column 18 ('n' after three characters outside ASCII), in an excerpt.
const std::string kLine = "s = \"" + kEAcute + kEuro + kGrinning + "\"; n_items / 2;";
const SourceExcerpt kExcerpt = excerpt_of({"// above", kLine, "// below"}, 11);

TEST(SarifRegion, AColumnStartsTheRegionAndItsTokenEndsIt) {
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 18, kExcerpt),
            json({{"startLine", 11}, {"startColumn", 13}, {"endLine", 11}, {"endColumn", 20}, {"snippet", {{"text", "n_items"}}}}));
  // Not on a word: the one character there.
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 25, kExcerpt),
            json({{"startLine", 11}, {"startColumn", 20}, {"endLine", 11}, {"endColumn", 21}, {"snippet", {{"text", " "}}}}));
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 26, kExcerpt),
            json({{"startLine", 11}, {"startColumn", 21}, {"endLine", 11}, {"endColumn", 22}, {"snippet", {{"text", "/"}}}}));
  // Characters outside ASCII count as word characters: the emoji and what follows up to the quote.
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 6, kExcerpt),
            json({{"startLine", 11}, {"startColumn", 6}, {"endLine", 11}, {"endColumn", 10},
                  {"snippet", {{"text", kEAcute + kEuro + kGrinning}}}}));
  // Just after the line's end: an empty region there.
  const int after = static_cast<int>(kLine.size()) + 1;
  EXPECT_EQ(sarif_region("src/a.cpp", 11, after, kExcerpt),
            json({{"startLine", 11}, {"startColumn", after - 5}, {"endLine", 11}, {"endColumn", after - 5}, {"snippet", {{"text", ""}}}}));
}

TEST(SarifRegion, WithoutAColumnTheWholeLine) {
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 0, kExcerpt),
            json({{"startLine", 11}, {"startColumn", 1}, {"endLine", 11}, {"endColumn", static_cast<int>(kLine.size()) - 5 + 1},
                  {"snippet", {{"text", kLine}}}}));
  EXPECT_EQ(sarif_region("src/a.cpp", 10, 0, kExcerpt),
            json({{"startLine", 10}, {"startColumn", 1}, {"endLine", 10}, {"endColumn", 9}, {"snippet", {{"text", "// above"}}}}));
}

// Without the line's whole text the analyzer's byte column stays, and the region ends with the line.
TEST(SarifRegion, WithoutTheLinesTextTheAnalyzersPlace) {
  const json bytes = {{"startLine", 11}, {"startColumn", 18}};
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 18, std::nullopt), bytes);
  EXPECT_EQ(sarif_region("src/b.cpp", 11, 18, kExcerpt), bytes) << "an excerpt of another file";
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 18, excerpt_of({"// above", kLine}, 11, {11})), bytes) << "the line was cut";
  EXPECT_EQ(sarif_region("src/a.cpp", 11, 200, kExcerpt), json({{"startLine", 11}, {"startColumn", 200}})) << "beyond the line";
  EXPECT_EQ(sarif_region("src/a.cpp", 13, 2, kExcerpt), json({{"startLine", 13}, {"startColumn", 2}})) << "not in the excerpt";
  EXPECT_EQ(sarif_region("src/a.cpp", 13, 0, kExcerpt), json({{"startLine", 13}}));
  EXPECT_EQ(sarif_region("src/a.cpp", 0, 0, kExcerpt), json(nullptr));
}

TEST(SarifContextRegion, HoldsTheExcerptsWholeLines) {
  EXPECT_EQ(sarif_context_region("src/a.cpp", 11, kExcerpt),
            json({{"startLine", 10}, {"endLine", 12}, {"snippet", {{"text", "// above\n" + kLine + "\n// below"}}}}));
  EXPECT_EQ(sarif_context_region("src/a.cpp", 11, excerpt_of({"// above", kLine, "x"}, 11, {12})), json(nullptr)) << "cut";
  EXPECT_EQ(sarif_context_region("src/b.cpp", 11, kExcerpt), json(nullptr));
  EXPECT_EQ(sarif_context_region("src/a.cpp", 13, kExcerpt), json(nullptr));
  EXPECT_EQ(sarif_context_region("src/a.cpp", 11, std::nullopt), json(nullptr));
}

}  // namespace
}  // namespace autofix::reporters
