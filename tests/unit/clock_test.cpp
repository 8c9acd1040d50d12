// SPDX-License-Identifier: MIT
#include "gate/util/clock.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix {
namespace {

using std::chrono::system_clock;

SystemTime at(std::time_t seconds) { return system_clock::from_time_t(seconds); }

TEST(Clock, FormatsUtc) {
  EXPECT_EQ(format_iso8601_utc(at(1795321180)), "2026-11-22T04:19:40Z");
  EXPECT_EQ(format_iso8601_utc(at(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601_utc(at(951868799)), "2000-02-29T23:59:59Z");
}

TEST(Clock, FormatsCompactUtc) {
  EXPECT_EQ(format_compact_utc(at(1795321180)), "20261122T041940Z");
  EXPECT_EQ(format_compact_utc(at(951868799)), "20000229T235959Z");
}

TEST(Clock, FormattingDropsSubSecondPrecision) {
  EXPECT_EQ(format_iso8601_utc(at(1795321180) + std::chrono::milliseconds(999)), "2026-11-22T04:19:40Z");
}

TEST(Clock, ParsesWhatItFormats) {
  EXPECT_EQ(parse_iso8601_utc("2026-11-22T04:19:40Z"), at(1795321180));
  EXPECT_EQ(parse_iso8601_utc("2000-02-29T23:59:59Z"), at(951868799));
  EXPECT_EQ(parse_iso8601_utc("1970-01-01T00:00:00Z"), at(0));
}

TEST(Clock, RoundTripOfNowIsExactToTheSecond) {
  SystemTime now = system_clock::now();
  SystemTime parsed = parse_iso8601_utc(format_iso8601_utc(now));
  EXPECT_EQ(parsed, std::chrono::floor<std::chrono::seconds>(now));
  EXPECT_EQ(format_iso8601_utc(parsed), format_iso8601_utc(now));
}

void expect_rejected(const std::string& text) {
  try {
    parse_iso8601_utc(text);
    ADD_FAILURE() << "accepted '" << text << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
    EXPECT_EQ(std::string(e.what()), "not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ: '" + text + "'");
  }
}

TEST(Clock, RejectsGarbage) {
  for (const char* text : {"", "garbage", "2026-11-22", "2026-11-22T04:19:40", "2026-11-22 04:19:40Z",
                           "2026-11-22T04:19:40+01:00", "2026/11/22T04:19:40Z", "20261122T041940Z",
                           "2026-11-22T04:19Z", "T04:19:40Z", "2026-11-22T04:19:40z"})
    expect_rejected(text);
}

// Regression (fixed): clock.cpp:36 parses with sscanf("%4d-%2d-%2dT%2d:%2d:%2d%c") and only checks that the 7th item
// is 'Z'; whatever follows the Z is never looked at, so a string that is not what format_iso8601_utc
// writes is accepted (clock.h promises Error(usage) "on anything else").
TEST(Clock, RejectsTrailingCharactersAfterTheZ) {
  expect_rejected("2026-11-22T04:19:40Zjunk");
  expect_rejected("2026-11-22T04:19:40Z 2027-01-01T00:00:00Z");
}

// Regression (fixed): clock.cpp:36-43 never range-checks the fields: timegm() silently normalises month 13, day 45,
// hour 99, ... into some other instant instead of rejecting the text.
TEST(Clock, RejectsOutOfRangeFields) {
  expect_rejected("2026-13-01T00:00:00Z");
  expect_rejected("2026-02-30T00:00:00Z");
  expect_rejected("2026-11-22T24:00:00Z");
  expect_rejected("2026-11-22T04:61:00Z");
}

// Regression (fixed): clock.cpp:36 — %d skips leading white space and accepts a sign and fewer digits, so texts that
// do not have the fixed YYYY-MM-DDTHH:MM:SSZ shape are accepted.
TEST(Clock, RejectsTextsWithoutTheFixedWidthShape) {
  expect_rejected(" 2026-11-22T04:19:40Z");
  expect_rejected("2026-1-2T3:4:5Z");
  expect_rejected("+2026-11-22T04:19:40Z");
}

}  // namespace
}  // namespace autofix
