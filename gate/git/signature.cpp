// SPDX-License-Identifier: MIT
#include "gate/git/signature.h"

#include <strings.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "gate/util/error.h"

namespace autofix::git {

namespace {

// Reads the characters of a date one piece at a time; every reader returns false and leaves the
// position alone when the text does not continue as expected.
class DateText {
 public:
  explicit DateText(std::string_view text) : text_(text) {}
  bool at_end() const { return pos_ == text_.size(); }
  bool literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) return ++pos_, true;
    return false;
  }
  bool spaces() {  // one or more
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    return pos_ > start;
  }
  // A number of `min` to `max` digits; with `whole`, no digit may follow it.
  bool number(size_t min, size_t max, int64_t& out, bool whole = true) {
    size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && pos_ - start < max && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      value = value * 10 + (text_[pos_++] - '0');
    if (pos_ - start < min || (whole && pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))) {
      pos_ = start;
      return false;
    }
    out = value;
    return true;
  }
  bool number(size_t min, size_t max, int& out, bool whole = true) {
    int64_t v = 0;
    if (!number(min, max, v, whole)) return false;
    out = static_cast<int>(v);
    return true;
  }
  // A word of letters (case-insensitive) from `words`; returns its index.
  bool word(std::initializer_list<const char*> words, int& index) {
    size_t end = pos_;
    while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
    std::string w(text_.substr(pos_, end - pos_));
    int i = 0;
    for (const char* candidate : words) {
      if (::strcasecmp(w.c_str(), candidate) == 0) {
        index = i;
        pos_ = end;
        return true;
      }
      ++i;
    }
    return false;
  }
  // "+hhmm", "-hhmm", and with `iso` also "+hh:mm", "+hh" and "Z"; "GMT", "UT", "UTC" and "Z" otherwise.
  bool zone(bool iso, int& minutes) {
    size_t start = pos_;
    int index = 0;
    if (iso ? literal('Z') : word({"GMT", "UT", "UTC", "Z"}, index)) {
      minutes = 0;
      return true;
    }
    int sign = literal('+') ? 1 : literal('-') ? -1 : 0;
    int hh = 0, mm = 0;
    bool ok = sign != 0 && number(2, 2, hh, false);
    if (ok && iso && literal(':')) ok = number(2, 2, mm);
    else if (ok && (!iso || !at_end())) ok = number(2, 2, mm);  // +hhmm; ISO also allows +hh alone
    if (!ok || hh > 23 || mm > 59) {
      pos_ = start;
      return false;
    }
    minutes = sign * (hh * 60 + mm);
    return true;
  }
  // HH:MM[:SS], fractions of a second (ISO only) skipped.
  bool clock(bool iso, std::tm& tm) {
    size_t start = pos_;
    int64_t ignored = 0;
    bool ok = number(1, 2, tm.tm_hour) && literal(':') && number(2, 2, tm.tm_min);
    if (ok && literal(':')) ok = number(2, 2, tm.tm_sec);
    if (ok && iso && literal('.')) ok = number(1, 9, ignored);
    if (!ok) pos_ = start;
    return ok;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Seconds since the epoch for a calendar time in the zone `offset` (minutes), or in the local zone;
// nullopt for a day or time that does not exist.
std::optional<GitTime> to_git_time(std::tm tm, std::optional<int> offset) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return std::nullopt;
  const int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
  GitTime t;
  if (offset) {
    time_t utc = ::timegm(&tm);
    t.seconds = static_cast<int64_t>(utc) - *offset * 60;
    t.offset_minutes = *offset;
  } else {
    tm.tm_isdst = -1;
    time_t local = std::mktime(&tm);
    t.seconds = static_cast<int64_t>(local);
    t.offset_minutes = static_cast<int>(tm.tm_gmtoff / 60);
  }
  // timegm and mktime move 31 April to 1 May: such a date is refused rather than moved.
  if (tm.tm_year != year || tm.tm_mon != month || tm.tm_mday != day) return std::nullopt;
  return t;
}

std::optional<GitTime> parse_internal(std::string_view text) {
  DateText d(text);
  bool at = d.literal('@');
  int64_t seconds = 0;
  int offset = 0;
  if (!d.number(1, 18, seconds)) return std::nullopt;
  bool zoned = false;
  if (!d.at_end()) {
    if (!d.spaces() || !d.zone(false, offset)) return std::nullopt;
    zoned = true;
  }
  // A bare number is a timestamp only when it is long enough not to be something else (as in git).
  if (!d.at_end() || (!at && !zoned && seconds < 100000000)) return std::nullopt;
  return GitTime{seconds, offset};
}

std::optional<GitTime> parse_rfc2822(std::string_view text) {
  DateText d(text);
  std::tm tm{};
  int ignored = 0;
  if (d.word({"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}, ignored) && !(d.literal(',') && d.spaces()))
    return std::nullopt;
  int year = 0, offset = 0;
  bool ok = d.number(1, 2, tm.tm_mday) && d.spaces() &&
            d.word({"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}, tm.tm_mon) &&
            d.spaces() && d.number(4, 4, year) && d.spaces() && d.clock(false, tm) && d.spaces() &&
            d.zone(false, offset) && d.at_end();
  if (!ok) return std::nullopt;
  tm.tm_year = year - 1900;
  return to_git_time(tm, offset);
}

std::optional<GitTime> parse_iso8601(std::string_view text) {
  DateText d(text);
  std::tm tm{};
  int a = 0, b = 0, c = 0;
  int year = 0, month = 0;
  // YYYY-MM-DD or YYYY.MM.DD; MM/DD/YYYY; DD.MM.YYYY.
  if (d.number(4, 4, a)) {
    bool dash = d.literal('-');
    if (!(dash || d.literal('.')) || !d.number(2, 2, b) || !d.literal(dash ? '-' : '.') || !d.number(2, 2, c))
      return std::nullopt;
    year = a, month = b, tm.tm_mday = c;
  } else if (d.number(1, 2, a)) {
    bool slash = d.literal('/');
    if (!(slash || d.literal('.')) || !d.number(1, 2, b) || !d.literal(slash ? '/' : '.') || !d.number(4, 4, c))
      return std::nullopt;
    year = c;
    month = slash ? a : b;
    tm.tm_mday = slash ? b : a;
  } else {
    return std::nullopt;
  }
  if (!(d.literal('T') || d.literal(' ')) || !d.clock(true, tm)) return std::nullopt;
  std::optional<int> offset;
  d.spaces();
  if (int minutes = 0; !d.at_end()) {
    if (!d.zone(true, minutes) || !d.at_end()) return std::nullopt;
    offset = minutes;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return to_git_time(tm, offset);
}

// '<', '>' and line breaks removed (git strips them from identities), surrounding white space trimmed.
std::string cleaned(std::string_view value) {
  std::string out;
  for (char c : value)
    if (c != '<' && c != '>' && c != '\n' && c != '\r') out += c;
  size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

std::optional<std::string> config_string(git_config* snapshot, const std::string& key) {
  const char* value = nullptr;
  if (git_config_get_string(&value, snapshot, key.c_str()) < 0) {
    git_error_clear();
    return std::nullopt;
  }
  return std::string(value);
}

Person person(const std::string& role, git_config* snapshot, const Environment& env) {
  std::string upper = role == "author" ? "AUTHOR" : "COMMITTER";
  // The first source, in order, that gives a value not empty once cleaned.
  auto first_of = [](std::initializer_list<std::optional<std::string>> sources, const char* fallback) {
    for (const auto& s : sources)
      if (s)
        if (std::string c = cleaned(*s); !c.empty()) return c;
    return std::string(fallback);
  };
  Person p;
  p.name = first_of({env("GIT_" + upper + "_NAME"), config_string(snapshot, role + ".name"),
                     config_string(snapshot, "user.name")},
                    kFallbackName);
  p.email = first_of({env("GIT_" + upper + "_EMAIL"), config_string(snapshot, role + ".email"),
                      config_string(snapshot, "user.email"), env("EMAIL")},
                     kFallbackEmail);
  const std::string date_variable = "GIT_" + upper + "_DATE";
  if (std::optional<std::string> date = env(date_variable); date && !cleaned(*date).empty()) {
    p.when = parse_git_date(*date);
    if (!p.when)
      throw Error(ErrorKind::usage, date_variable + " is not a date git reads: '" + cleaned(*date) + "'",
                  "use git's internal format ('1112911993 +0200'), RFC 2822 ('Thu, 07 Apr 2005 22:13:13 +0200') "
                  "or ISO 8601 ('2005-04-07T22:13:13+02:00'), or unset it");
  }
  return p;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
}

std::optional<GitTime> parse_git_date(std::string_view text) {
  std::string trimmed = cleaned(text);
  for (auto parse : {parse_internal, parse_rfc2822, parse_iso8601})
    if (std::optional<GitTime> t = parse(trimmed)) return t;
  return std::nullopt;
}

CommitIdentity commit_identity(git_config* config, const Environment& env) {
  ConfigPtr snapshot;
  check(git_config_snapshot(out(snapshot), config), "cannot read the git configuration");
  return {person("author", snapshot.get(), env), person("committer", snapshot.get(), env)};
}

CommitIdentity commit_identity(const Repository& repo) {
  ConfigPtr config;
  check(git_repository_config_snapshot(out(config), repo.get()), "cannot read the repository's git configuration");
  return commit_identity(config.get(), process_environment());
}

CommitIdentity commit_identity_or_fallback(const Repository& repo) {
  try {
    return commit_identity(repo);
  } catch (const Error&) {
    CommitIdentity identity;
    identity.author = identity.committer = Person{kFallbackName, kFallbackEmail, std::nullopt};
    return identity;
  }
}

SignaturePtr make_signature(const Person& person) {
  SignaturePtr sig;
  if (person.when)
    check(git_signature_new(out(sig), person.name.c_str(), person.email.c_str(), person.when->seconds,
                            person.when->offset_minutes),
          "cannot create the signature of " + person.name + " <" + person.email + ">");
  else
    check(git_signature_now(out(sig), person.name.c_str(), person.email.c_str()),
          "cannot create the signature of " + person.name + " <" + person.email + ">");
  return sig;
}

}  // namespace autofix::git
