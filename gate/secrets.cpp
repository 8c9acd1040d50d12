#include "gate/secrets.h"

#include "gate/glob.h"

#include <git2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "gate/git/handles.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

constexpr size_t npos = std::string_view::npos;

// ---- text helpers ----------------------------------------------------------------------------

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_base64(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }
bool is_base64url(char c) { return is_base64(c) || c == '_' || c == '-'; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool contains_ci(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// ---- rules -----------------------------------------------------------------------------------

struct Hit {
  std::string rule;
  size_t pos = 0;     // where the match starts in the line
  size_t length = 0;  // how much of the line it covers (for the overlap with high-entropy-literal)
  std::string secret;
  std::string description;  // names the kind of secret in the message
};

constexpr std::array<std::string_view, 9> kRules = {
    "private-key",  "aws-access-key-id", "aws-secret-access-key", "github-token",         "gitlab-token",
    "slack-token",  "google-api-key",    "password-in-url",       "high-entropy-literal",
};

// -----BEGIN [A-Z ]*PRIVATE KEY----- and -----BEGIN PGP PRIVATE KEY BLOCK-----.
void find_private_keys(std::string_view text, std::vector<Hit>& hits) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  for (size_t at = text.find(kBegin); at != npos; at = text.find(kBegin, at + 1)) {
    size_t i = at + kBegin.size();
    while (i < text.size() && ((text[i] >= 'A' && text[i] <= 'Z') || text[i] == ' ')) ++i;
    std::string_view label = text.substr(at + kBegin.size(), i - at - kBegin.size());
    if (text.substr(i, 5) != "-----") continue;
    if (!label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")) continue;
    hits.push_back({"private-key", at, i + 5 - at, std::string(text.substr(at, i + 5 - at)),
                    "private key (" + std::string(label) + ")"});
  }
}

// (AKIA|ASIA|...)[A-Z0-9]{16} between word boundaries.
void find_aws_key_ids(std::string_view text, std::vector<Hit>& hits) {
  static constexpr std::array<std::string_view, 8> kPrefixes = {"AKIA", "ASIA", "AGPA", "AIDA",
                                                                "AROA", "ANPA", "ANVA", "AIPA"};
  for (size_t i = text.find('A'); i != npos && i + 20 <= text.size(); i = text.find('A', i + 1)) {
    if (i > 0 && is_word(text[i - 1])) continue;
    if (std::find(kPrefixes.begin(), kPrefixes.end(), text.substr(i, 4)) == kPrefixes.end()) continue;
    if (!std::all_of(text.begin() + i + 4, text.begin() + i + 20, is_upper_or_digit)) continue;
    if (i + 20 < text.size() && is_word(text[i + 20])) continue;
    hits.push_back({"aws-access-key-id", i, 20, std::string(text.substr(i, 20)), "AWS access key ID"});
  }
}

// <prefix><allowed>{min,} with a word boundary before the prefix; the secret is at most prefix + max.
void find_prefixed(std::string_view text, std::string_view prefix, bool (*allowed)(char), size_t min, size_t max,
                   const char* rule, const char* description, std::vector<Hit>& hits) {
  for (size_t at = text.find(prefix); at != npos; at = text.find(prefix, at + 1)) {
    if (at > 0 && is_word(text[at - 1])) continue;
    size_t end = at + prefix.size();
    while (end < text.size() && allowed(text[end])) ++end;
    size_t run = end - at - prefix.size();
    if (run < min) continue;
    size_t length = prefix.size() + std::min(run, max);
    hits.push_back({rule, at, length, std::string(text.substr(at, length)), description});
    at = end - 1;
  }
}

bool is_token_char(char c) { return is_alnum(c); }
bool is_pat_char(char c) { return is_alnum(c) || c == '_'; }
bool is_dash_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_slack_char(char c) { return is_alnum(c) || c == '-'; }

void find_tokens(std::string_view text, std::vector<Hit>& hits) {
  for (std::string_view prefix : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
    find_prefixed(text, prefix, is_token_char, 36, npos, "github-token", "GitHub token", hits);
  find_prefixed(text, "github_pat_", is_pat_char, 22, npos, "github-token", "GitHub fine-grained token", hits);
  find_prefixed(text, "glpat-", is_dash_token_char, 20, npos, "gitlab-token", "GitLab personal access token", hits);
  for (std::string_view prefix : {"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"})
    find_prefixed(text, prefix, is_slack_char, 10, npos, "slack-token", "Slack token", hits);
  find_prefixed(text, "AIza", is_dash_token_char, 35, 35, "google-api-key", "Google API key", hits);
}

bool is_name_char(char c) { return is_word(c) || c == '.' || c == '-'; }

// A 40-character base64 value assigned to a name that mentions aws or secret:
//   aws_secret_access_key = wJalr...   "AwsSecret": "wJalr..."   export AWS_SECRET_ACCESS_KEY=wJalr...
void find_aws_secrets(std::string_view text, std::vector<Hit>& hits) {
  if (!contains_ci(text, "aws") && !contains_ci(text, "secret")) return;
  for (size_t op = 0; op < text.size(); ++op) {
    if (text[op] != '=' && text[op] != ':') continue;
    size_t l = op;
    while (l > 0 && (text[l - 1] == ' ' || text[l - 1] == '\t')) --l;
    if (l > 0 && (text[l - 1] == '"' || text[l - 1] == '\'')) --l;
    size_t name_end = l;
    while (l > 0 && name_end - l < 128 && is_name_char(text[l - 1])) --l;
    std::string_view name = text.substr(l, name_end - l);
    if (!contains_ci(name, "aws") && !contains_ci(name, "secret")) continue;
    size_t r = op + 1;
    if (text[op] == ':' && r < text.size() && text[r] == '=') ++r;  // :=
    while (r < text.size() && (text[r] == ' ' || text[r] == '\t')) ++r;
    if (r < text.size() && (text[r] == '"' || text[r] == '\'')) ++r;
    size_t end = r;
    while (end < text.size() && end - r <= 40 && is_base64(text[end])) ++end;  // bounded: never quadratic
    if (end - r != 40 || (end < text.size() && is_base64url(text[end]))) continue;
    std::string_view value = text.substr(r, 40);
    bool digit = std::any_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digit || shannon_entropy(value) <= 4.0) continue;  // not a placeholder or a word
    hits.push_back({"aws-secret-access-key", r, 40, std::string(value), "AWS secret access key"});
  }
}

bool is_placeholder_password(std::string_view password) {
  if (std::string_view("$%{<[").find(password.front()) != npos) return true;  // ${PASS}, %s, {{pw}}, <password>
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); }) &&
      std::string_view("*xX.").find(password.front()) != npos)
    return true;  // ****, xxxx, ...
  std::string low;
  for (char c : password) low.push_back(lower(c));
  for (std::string_view word : {"password", "passwd", "pass", "pwd", "secret", "changeme", "redacted"})
    if (low == word) return true;
  return false;
}

bool is_scheme_char(char c) { return is_alnum(c) || c == '+' || c == '.' || c == '-'; }

// scheme://user:password@host, not user:@host and not a placeholder password.
void find_url_passwords(std::string_view text, std::vector<Hit>& hits) {
  for (size_t at = text.find("://"); at != npos; at = text.find("://", at + 3)) {
    size_t s = at;
    while (s > 0 && is_scheme_char(text[s - 1])) --s;
    while (s < at && !std::isalpha(static_cast<unsigned char>(text[s]))) ++s;
    if (s == at) continue;
    size_t begin = at + 3, end = begin;
    while (end < text.size() && std::string_view("/?#\"'` \t\\").find(text[end]) == npos) ++end;
    std::string_view authority = text.substr(begin, end - begin);
    size_t sign = authority.rfind('@');
    if (sign == npos || sign + 1 == authority.size()) continue;
    size_t colon = authority.find(':');
    if (colon == npos || colon > sign) continue;
    std::string_view user = authority.substr(0, colon);
    std::string_view password = authority.substr(colon + 1, sign - colon - 1);
    if (password.empty() || is_placeholder_password(password)) continue;
    std::string scheme(text.substr(s, at - s));
    hits.push_back({"password-in-url", s, end - s, std::string(password),
                    "password" + (user.empty() ? std::string() : " of user '" + std::string(user) + "'") + " in a " +
                        scheme + " URL"});
  }
}

// ---- high-entropy literals -------------------------------------------------------------------

constexpr size_t kMinLiteral = 32;
constexpr double kHexThreshold = 3.0;
constexpr double kBase64Threshold = 4.0;

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// "ABCDEFGH...", "0123456789...", "abcdefghijklmnopqrstuvwxyz0123456789": alphabets, not secrets.
bool is_sequential(std::string_view s) {
  size_t steps = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] == s[i - 1] + 1) ++steps;
  return steps * 2 >= s.size();
}

// Only letters once '_' and '-' are dropped: identifiers and words.
bool is_words(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '-'; });
}

// "usr/lib/x86_64-linux-gnu/libfoo": '/'-separated segments, each lowercase (or Capitalized) like a name.
bool is_path_like(std::string_view s) {
  if (s.find('/') == npos) return false;
  for (std::string_view segment : split_path_segments(s)) {
    for (size_t i = 0; i < segment.size(); ++i) {
      char c = segment[i];
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
                (i == 0 && c >= 'A' && c <= 'Z');
      if (!ok) return false;
    }
  }
  return true;
}

bool has_hash_context(std::string_view line) {
  for (std::string_view word : {"sha", "hash", "commit", "checksum", "digest", "md5", "revision", "fingerprint", "etag"})
    if (contains_ci(line, word)) return true;
  return false;
}

void find_high_entropy(std::string_view text, std::vector<Hit>& hits) {
  const size_t earlier = hits.size();
  auto overlaps = [&](size_t begin, size_t end) {
    for (size_t k = 0; k < earlier; ++k)
      if (hits[k].pos < end && begin < hits[k].pos + hits[k].length) return true;
    return false;
  };
  size_t unterminated = 0;  // quotes ('"' = 1, '\'' = 2) already known to have no closing partner
  for (size_t i = 0; i < text.size(); ++i) {
    char quote = text[i];
    if (quote != '"' && quote != '\'') continue;
    if (unterminated & (quote == '"' ? 1u : 2u)) continue;
    size_t j = i + 1;
    while (j < text.size() && text[j] != quote) j += text[j] == '\\' ? 2 : 1;
    if (j >= text.size()) {
      unterminated |= quote == '"' ? 1u : 2u;
      continue;
    }
    std::string_view content = text.substr(i + 1, j - i - 1);
    size_t literal_start = i;
    i = j;
    if (content.size() < kMinLiteral) continue;
    if (!std::all_of(content.begin(), content.end(), is_base64url)) continue;
    bool hex = std::all_of(content.begin(), content.end(), is_hex);
    if (is_words(content) || is_uuid(content) || is_sequential(content) || is_path_like(content)) continue;
    if (hex && has_hash_context(text)) continue;
    double entropy = shannon_entropy(content);
    if (entropy <= (hex ? kHexThreshold : kBase64Threshold)) continue;
    if (overlaps(literal_start, j + 1)) continue;
    char bits[16];
    std::snprintf(bits, sizeof bits, "%.1f", entropy);
    hits.push_back({"high-entropy-literal", literal_start + 1, content.size(), std::string(content),
                    std::string("high-entropy ") + (hex ? "hex" : "base64") + " string literal (" +
                        std::to_string(content.size()) + " characters, " + bits + " bits per character)"});
  }
}

std::vector<Hit> scan_line(std::string_view text) {
  std::vector<Hit> hits;
  if (text.find("-----BEGIN ") != npos) find_private_keys(text, hits);
  find_aws_key_ids(text, hits);
  find_aws_secrets(text, hits);
  find_tokens(text, hits);
  if (text.find("://") != npos) find_url_passwords(text, hits);
  if (text.find('"') != npos || text.find('\'') != npos) find_high_entropy(text, hits);
  auto rank = [](const std::string& rule) { return std::find(kRules.begin(), kRules.end(), rule) - kRules.begin(); };
  std::stable_sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    return a.pos != b.pos ? a.pos < b.pos : rank(a.rule) < rank(b.rule);
  });
  return hits;
}

std::string fingerprint_of(const std::string& rule, const std::string& file, const std::string& secret) {
  std::string material = rule;
  material.push_back('\0');
  material += file;
  material.push_back('\0');
  material += secret;
  git_oid oid;
  git::check(git_odb_hash(&oid, material.data(), material.size(), GIT_OBJECT_BLOB), "cannot hash a secret's fingerprint");
  return git::to_hex(oid);
}

}  // namespace

const std::vector<std::string>& secret_rule_ids() {
  static const std::vector<std::string> ids(kRules.begin(), kRules.end());
  return ids;
}

bool SecretAllowList::allows(const std::string& file, const std::string& rule, const std::string& fingerprint) const {
  if (fingerprints.count(fingerprint)) return true;
  for (const PathEntry& entry : paths)
    if ((entry.rule.empty() || entry.rule == rule) && glob_match(entry.glob, file)) return true;
  return false;
}

SecretAllowList parse_secret_allowlist(std::string_view text, const std::string& source) {
  SecretAllowList list;
  int number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t eol = text.find('\n', start);
    std::string line = trim(text.substr(start, eol == npos ? npos : eol - start));
    ++number;
    start = eol == npos ? text.size() + 1 : eol + 1;
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& what) {
      throw Error(ErrorKind::usage, source + ":" + std::to_string(number) + ": " + what,
                  "each line is '<glob>', '<glob>:<rule>' or 'fingerprint:<40 hex digits>' (see docs/secrets.md)");
    };
    if (line.starts_with("fingerprint:")) {
      std::string hex = trim(std::string_view(line).substr(12));
      if (hex.size() != 40 || !std::all_of(hex.begin(), hex.end(), is_hex))
        fail("'" + hex + "' is not a fingerprint (40 hex digits, as a finding reports it)");
      std::transform(hex.begin(), hex.end(), hex.begin(), lower);
      list.fingerprints.insert(hex);
      continue;
    }
    if (line.front() == '!') fail("negated patterns ('!') are not supported");
    SecretAllowList::PathEntry entry;
    size_t colon = line.rfind(':');
    if (colon == npos) {
      entry.glob = line;
    } else {
      entry.glob = trim(std::string_view(line).substr(0, colon));
      entry.rule = trim(std::string_view(line).substr(colon + 1));
      if (std::find(kRules.begin(), kRules.end(), entry.rule) == kRules.end()) {
        std::string known;
        for (std::string_view rule : kRules) known += (known.empty() ? "" : ", ") + std::string(rule);
        fail("unknown rule '" + entry.rule + "' (known rules: " + known + ")");
      }
    }
    if (entry.glob.empty() || entry.glob == "/") fail("the path pattern is empty");
    list.paths.push_back(std::move(entry));
  }
  return list;
}

std::string redact_secret(std::string_view secret) {
  size_t shown = secret.size() >= 16 ? 4 : secret.size() / 4;
  // Do not cut a UTF-8 sequence in half.
  while (shown > 0 && (static_cast<unsigned char>(secret[shown]) & 0xC0) == 0x80) --shown;
  return std::string(secret.substr(0, shown)) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
}

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (char c : text) ++counts[static_cast<unsigned char>(c)];
  double entropy = 0;
  for (size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / static_cast<double>(text.size());
    entropy -= p * std::log2(p);
  }
  return entropy;
}

std::vector<Finding> scan_for_secrets(const std::vector<git::FileDiff>& diff, const SecretAllowList& allow) {
  git::Library library;  // git_odb_hash needs libgit2 initialised
  std::vector<Finding> findings;
  for (const git::FileDiff& file : diff) {
    if (file.binary) continue;
    for (size_t index = 0; index < file.lines.size(); ++index) {
      const git::LineChange& change = file.lines[index];
      if (change.origin != '+') continue;
      for (Hit& hit : scan_line(change.text)) {
        std::string shown;
        if (hit.rule == "private-key") {
          // The header names the key type; the key material is on the next line. Both make the secret.
          const git::LineChange* next = index + 1 < file.lines.size() ? &file.lines[index + 1] : nullptr;
          if (next && next->origin == '+' && next->new_line == change.new_line + 1) {
            hit.secret += "\n" + next->text;
            shown = redact_secret(trim(next->text));
          } else {
            shown = redact_secret("");
          }
        } else {
          shown = redact_secret(hit.secret);
        }
        Finding finding;
        finding.rule = hit.rule;
        finding.file = file.path;
        finding.line = change.new_line;
        finding.column = static_cast<int>(hit.pos) + 1;
        finding.severity = "error";
        finding.message = hit.description + " added: " + shown;
        finding.fingerprint = fingerprint_of(hit.rule, file.path, hit.secret);
        if (allow.allows(finding.file, finding.rule, finding.fingerprint)) continue;
        findings.push_back(std::move(finding));
      }
    }
  }
  return findings;
}

}  // namespace autofix
