// SPDX-License-Identifier: MIT
#include "gate/util/clock.h"

#include <ctime>
#include <cstdio>

#include "gate/util/error.h"

namespace autofix {

namespace {
std::tm to_utc_tm(SystemTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}
}  // namespace

std::string format_iso8601_utc(SystemTime t) {
  std::tm tm = to_utc_tm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_compact_utc(SystemTime t) {
  std::tm tm = to_utc_tm(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SystemTime parse_iso8601_utc(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z') {
    throw Error(ErrorKind::usage, "not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ: '" + text + "'");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  SystemTime t = std::chrono::system_clock::from_time_t(timegm(&tm));
  // timegm normalises out-of-range fields (month 13, second 61) and sscanf skips spaces and accepts
  // short fields: only text that formats back to itself is the form we write.
  if (format_iso8601_utc(t) != text)
    throw Error(ErrorKind::usage, "not a UTC time of the form YYYY-MM-DDTHH:MM:SSZ: '" + text + "'");
  return t;
}

}  // namespace autofix
