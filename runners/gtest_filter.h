// SPDX-License-Identifier: MIT
#pragma once
// GoogleTest's filter (--gtest_filter, GTEST_FILTER), as GoogleTest 1.12 reads it: "POSITIVE[-NEGATIVE]",
// each part ':'-separated patterns matched against a case's full name "Suite.Case", '*' standing for any
// text and '?' for any one character. The syntax has no escape: ':' always separates patterns, the first
// '-' always starts the negative part, '*' and '?' are always wildcards. Case names are data from
// strangers (RegisterTest and typed-test name generators accept any text, e.g. "Typed/std::string.Case"),
// so a filter for given names is built here and checked against the names it must leave out.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autofix::runners {

// Whether `filter` selects the case `full_name`. An empty positive part means "*".
bool gtest_filter_matches(std::string_view filter, std::string_view full_name);

// A filter that selects exactly `cases` of a binary whose cases are `known` (those its last run reported;
// `cases` count as known too). A name without ':', '-', '*' or '?' is its own pattern. In a name with
// some, each of them becomes '?' (which matches it, and perhaps other names too), and every known case
// such a pattern would also select goes into the negative part, written the same way.
// nullopt when no filter written so selects exactly `cases` among the known ones (e.g. "S.a*b" beside
// "S.a?b"), when `cases` is empty or holds an empty name, or when a name may not be the one the binary
// has: the XML reader replaced bytes in it that are not UTF-8 (U+FFFD) or cut it (longer than kNameCap).
// Then run the binary without a filter and read the cases by name.
std::optional<std::string> gtest_filter_for(const std::vector<std::string>& cases,
                                            const std::vector<std::string>& known = {});

}  // namespace autofix::runners
