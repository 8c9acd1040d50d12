// SPDX-License-Identifier: MIT
#include "gate/policy/secrets.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gate/git/hash_text.h"
#include "gate/policy/glob.h"
#include "gate/util/error.h"

namespace autofix {

namespace {

constexpr size_t npos = std::string_view::npos;

// ---- text helpers ----------------------------------------------------------------------------
// Every scanner below walks the line by hand: no std::regex (recursive, and slow on long lines), and
// every run it measures is either bounded or skipped past once measured, so a line costs linear time.

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || is_digit(c); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_base64(char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; }
bool is_base64_body(char c) { return is_alnum(c) || c == '+' || c == '/'; }
bool is_base64url(char c) { return is_base64(c) || c == '_' || c == '-'; }
bool is_url_token(char c) { return is_alnum(c) || c == '_' || c == '-'; }  // [A-Za-z0-9_-]
bool is_word_char(char c) { return is_word(c); }
bool is_alnum_dash(char c) { return is_alnum(c) || c == '-'; }
bool is_name_char(char c) { return is_word(c) || c == '.' || c == '-'; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool contains_ci(std::string_view text, std::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

std::string_view trim_view(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}
std::string trim(std::string_view s) { return std::string(trim_view(s)); }

// Length of the run of `allowed` characters starting at `from`, counting at most `cap`.
size_t run_at(std::string_view text, size_t from, bool (*allowed)(char), size_t cap = npos) {
  size_t end = from;
  while (end < text.size() && end - from < cap && allowed(text[end])) ++end;
  return end - from;
}

// Length of the run of `allowed` characters that ends just before `end`, counting at most `cap`.
size_t run_before(std::string_view text, size_t end, bool (*allowed)(char), size_t cap) {
  size_t begin = end;
  while (begin > 0 && end - begin < cap && allowed(text[begin - 1])) --begin;
  return end - begin;
}

bool all_same(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return c == s.front(); });
}

// "ABCDEFGH...", "0123456789...", "abcdefghijklmnopqrstuvwxyz0123456789": alphabets, not secrets.
bool is_sequential(std::string_view s) {
  size_t steps = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] == s[i - 1] + 1) ++steps;
  return steps * 2 >= s.size();
}

// Random enough to be a key: not one repeated character, not a run like ABCDEF or 0123, and at least
// 3 bits of entropy per character (85% of log2(length) for texts too short to reach 3).
bool looks_random(std::string_view s) {
  if (s.empty() || all_same(s) || is_sequential(s)) return false;
  double need = std::min(3.0, 0.85 * std::log2(static_cast<double>(s.size())));
  return shannon_entropy(s) >= need;
}

// Only letters once '_', '-' and '.' are dropped: words and identifiers.
bool is_words(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// "usr/lib/x86_64-linux-gnu/libfoo": '/'-separated segments, each lowercase (or Capitalized) like a name.
bool is_path_like(std::string_view s) {
  if (s.find('/') == npos) return false;
  for (std::string_view segment : split_path_segments(s)) {
    for (size_t i = 0; i < segment.size(); ++i) {
      char c = segment[i];
      bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-' || c == '.' ||
                (i == 0 && c >= 'A' && c <= 'Z');
      if (!ok) return false;
    }
  }
  return true;
}

// A value that stands for a secret without being one: ${PASS}, $PASS, %s, {{pw}}, <password>, [REDACTED],
// ****, xxxx, "changeme", "your-token-here", ...
bool is_placeholder(std::string_view value) {
  if (value.empty()) return true;
  if (std::string_view("$%{<[").find(value.front()) != npos) return true;
  if (value.find("{{") != npos || value.find("${") != npos || all_same(value)) return true;
  std::string folded;  // lowercase, separators dropped
  for (char c : value)
    if (c != '_' && c != '-' && c != '.' && c != ' ') folded.push_back(lower(c));
  for (std::string_view word : {"password", "passwd", "pass", "pwd", "secret", "token", "none", "null", "nil", "true",
                                "false", "undefined"})
    if (folded == word) return true;
  for (std::string_view part : {"changeme", "placeholder", "example", "redacted", "replaceme", "dummy", "xxxx", "****"})
    if (folded.find(part) != npos) return true;
  return folded.starts_with("your") || folded.starts_with("insert") || folded.ends_with("here");
}

// Decodes base64 or base64url, padding optional; nullopt for a character outside both alphabets.
std::optional<std::string> decode_base64(std::string_view s) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    uint32_t v;
    if (c >= 'A' && c <= 'Z') v = static_cast<uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') v = static_cast<uint32_t>(c - 'a' + 26);
    else if (is_digit(c)) v = static_cast<uint32_t>(c - '0' + 52);
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = ((acc << 6) | v) & 0xFFFFFF;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// ---- hits and the rule table -----------------------------------------------------------------

struct Hit {
  std::string_view rule;
  size_t pos = 0;     // where the match starts in the line
  size_t length = 0;  // how much of the line it covers (for overlaps)
  std::string secret;
  std::string description;         // names the kind of secret in the message
  std::string shown;               // what the message shows; empty: redact_secret(secret)
  const char* severity = "error";  // "warning": a key that only works in a provider's test mode
  bool key_on_next_line = false;   // a private key header whose material is the next line
};

struct SecretRule;
using Finder = void (*)(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits);

struct SecretRule {
  std::string_view id;
  std::string_view description;  // the kind of secret (a finder may name it more precisely)
  Finder find;
  bool generic = false;  // shape-based: reports nothing where an earlier rule already found something
};

Hit& add(std::vector<Hit>& hits, const SecretRule& rule, size_t pos, size_t length, std::string_view secret) {
  Hit& h = hits.emplace_back();
  h.rule = rule.id;
  h.pos = pos;
  h.length = length;
  h.secret = std::string(secret);
  h.description = std::string(rule.description);
  return h;
}

// A token with a fixed prefix: <prefix><body>, the prefix after a word boundary, a body of at least `min`
// characters, looking random. With exact_end a longer body is not this token; without, the first `max`
// characters of it are.
struct Token {
  std::string_view prefix;
  bool (*body)(char);
  size_t min, max;
  bool exact_end;
  std::string_view description = {};  // empty: the rule's
  const char* severity = "error";
};

constexpr size_t kOpenEnded = 1024;  // `max` of a token whose length is not fixed

void find_token(std::string_view text, const SecretRule& rule, const Token& t, std::vector<Hit>& hits) {
  size_t from = 0;
  while (true) {
    size_t at = text.find(t.prefix, from);
    if (at == npos) return;
    from = at + 1;
    if (at > 0 && is_word(text[at - 1])) continue;
    size_t body_start = at + t.prefix.size();
    size_t run = run_at(text, body_start, t.body);
    if (run < t.min) continue;
    from = body_start + run;  // a run measured in full is never measured again: linear time
    if (t.exact_end && run > t.max) continue;
    size_t length = std::min(run, t.max);
    if (!looks_random(text.substr(body_start, length))) continue;
    Hit& h = add(hits, rule, at, t.prefix.size() + length, text.substr(at, t.prefix.size() + length));
    if (!t.description.empty()) h.description = std::string(t.description);
    h.severity = t.severity;
  }
}

template <size_t N>
void find_tokens(std::string_view text, const SecretRule& rule, const std::array<Token, N>& tokens,
                 std::vector<Hit>& hits) {
  for (const Token& t : tokens) find_token(text, rule, t, hits);
}

// ---- private keys ----------------------------------------------------------------------------

// -----BEGIN [A-Z ]*PRIVATE KEY----- and -----BEGIN PGP PRIVATE KEY BLOCK-----. The key material is the
// next line, or on the same line after a JSON "\n" escape (a key inside a JSON string). Headers inside a
// JSON "private_key" value belong to the GCP rule when `service_account`, to the private-key rule else.
void find_pem_keys(std::string_view text, const SecretRule& rule, bool service_account, std::vector<Hit>& hits) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  const size_t json_key = text.find("\"private_key\"");
  for (size_t at = text.find(kBegin); at != npos; at = text.find(kBegin, at + 1)) {
    size_t i = at + kBegin.size();
    while (i < text.size() && ((text[i] >= 'A' && text[i] <= 'Z') || text[i] == ' ')) ++i;
    std::string_view label = text.substr(at + kBegin.size(), i - at - kBegin.size());
    if (text.substr(i, 5) != "-----") continue;
    if (!label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK")) continue;
    bool in_service_account = json_key != npos && json_key < at;
    if (in_service_account != service_account) continue;
    size_t end = i + 5;
    std::string_view header = text.substr(at, end - at);
    Hit& h = add(hits, rule, at, end - at, header);
    if (!service_account) h.description = "private key (" + std::string(label) + ")";
    if (text.substr(end, 2) == "\\n") {
      size_t material = run_at(text, end + 2, is_base64, 4096);
      if (material >= 16) {
        h.secret += "\n" + std::string(text.substr(end + 2, material));
        h.shown = redact_secret(text.substr(end + 2, material));
        h.length = end + 2 + material - at;
        continue;
      }
    }
    h.key_on_next_line = true;
  }
}

void find_private_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  if (text.find("-----BEGIN ") != npos) find_pem_keys(text, rule, false, hits);
}

// "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE..." as in a GCP service account's key file.
void find_gcp_service_account_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  if (text.find("\"private_key\"") != npos) find_pem_keys(text, rule, true, hits);
}

// ---- AWS -------------------------------------------------------------------------------------

// (AKIA|ASIA|...)[A-Z0-9]{16} between word boundaries.
void find_aws_key_ids(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static constexpr std::array<std::string_view, 8> kPrefixes = {"AKIA", "ASIA", "AGPA", "AIDA",
                                                                "AROA", "ANPA", "ANVA", "AIPA"};
  for (size_t i = text.find('A'); i != npos && i + 20 <= text.size(); i = text.find('A', i + 1)) {
    if (i > 0 && is_word(text[i - 1])) continue;
    if (std::find(kPrefixes.begin(), kPrefixes.end(), text.substr(i, 4)) == kPrefixes.end()) continue;
    if (!std::all_of(text.begin() + i + 4, text.begin() + i + 20, is_upper_or_digit)) continue;
    if (i + 20 < text.size() && is_word(text[i + 20])) continue;
    if (!looks_random(text.substr(i + 4, 16))) continue;
    add(hits, rule, i, 20, text.substr(i, 20));
  }
}

// A 40-character base64 value assigned to a name that mentions aws or secret:
//   aws_secret_access_key = wJalr...   "AwsSecret": "wJalr..."   export AWS_SECRET_ACCESS_KEY=wJalr...
void find_aws_secrets(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
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
    bool digit = std::any_of(value.begin(), value.end(), is_digit);
    if (!digit || shannon_entropy(value) <= 4.0) continue;  // not a placeholder or a word
    add(hits, rule, r, 40, value);
  }
}

// ---- tokens with a provider's prefix ---------------------------------------------------------

void find_github_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 6> kTokens = {{
      {"ghp_", is_alnum, 36, kOpenEnded, false, "GitHub personal access token"},
      {"gho_", is_alnum, 36, kOpenEnded, false, "GitHub OAuth access token"},
      {"ghu_", is_alnum, 36, kOpenEnded, false, "GitHub user-to-server token"},
      {"ghs_", is_alnum, 36, kOpenEnded, false, "GitHub server-to-server token"},
      {"ghr_", is_alnum, 36, kOpenEnded, false, "GitHub refresh token"},
      {"github_pat_", is_word_char, 22, kOpenEnded, false, "GitHub fine-grained personal access token"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

void find_gitlab_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 12> kTokens = {{
      {"glpat-", is_url_token, 20, kOpenEnded, false, "GitLab personal access token"},
      {"gldt-", is_url_token, 20, kOpenEnded, false, "GitLab deploy token"},
      {"glrt-", is_url_token, 20, kOpenEnded, false, "GitLab runner authentication token"},
      {"GR1348941", is_url_token, 20, kOpenEnded, false, "GitLab runner registration token"},
      {"glptt-", is_url_token, 20, kOpenEnded, false, "GitLab pipeline trigger token"},
      {"glft-", is_url_token, 20, kOpenEnded, false, "GitLab feed token"},
      {"glimt-", is_url_token, 20, kOpenEnded, false, "GitLab incoming mail token"},
      {"glcbt-", is_url_token, 20, kOpenEnded, false, "GitLab CI/CD job token"},
      {"glffct-", is_url_token, 20, kOpenEnded, false, "GitLab feature flag client token"},
      {"glsoat-", is_url_token, 20, kOpenEnded, false, "GitLab SCIM OAuth token"},
      {"gloas-", is_url_token, 20, kOpenEnded, false, "GitLab OAuth application secret"},
      {"glagent-", is_url_token, 20, kOpenEnded, false, "GitLab agent token"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

void find_slack_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 7> kTokens = {{
      {"xoxb-", is_alnum_dash, 10, kOpenEnded, false, "Slack bot token"},
      {"xoxp-", is_alnum_dash, 10, kOpenEnded, false, "Slack user token"},
      {"xoxa-", is_alnum_dash, 10, kOpenEnded, false, "Slack app token"},
      {"xoxr-", is_alnum_dash, 10, kOpenEnded, false, "Slack refresh token"},
      {"xoxs-", is_alnum_dash, 10, kOpenEnded, false, "Slack session token"},
      {"xoxe-", is_alnum_dash, 10, kOpenEnded, false, "Slack configuration token"},
      {"xapp-", is_alnum_dash, 10, kOpenEnded, false, "Slack app-level token"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

bool is_webhook_path_char(char c) { return is_url_token(c) || c == '/'; }

// https://hooks.slack.com/services/T…/B…/<secret> (also workflows/… and triggers/…): the whole URL
// posts to the channel.
void find_slack_webhooks(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static constexpr std::string_view kHost = "hooks.slack.com/";
  for (size_t at = text.find(kHost); at != npos; at = text.find(kHost, at + 1)) {
    if (at > 0 && (is_word(text[at - 1]) || text[at - 1] == '.' || text[at - 1] == '-')) continue;
    size_t path = at + kHost.size();
    std::string_view p = text.substr(path, run_at(text, path, is_webhook_path_char, 512));
    size_t kind_end = p.find('/');
    if (kind_end == npos) continue;
    std::string_view kind = p.substr(0, kind_end);
    if (kind != "services" && kind != "workflows" && kind != "triggers") continue;
    std::string_view last = p.substr(p.rfind('/') + 1);
    size_t segments = static_cast<size_t>(std::count(p.begin(), p.end(), '/'));
    if (segments < 3 || last.size() < 20 || !std::all_of(last.begin(), last.end(), is_alnum) || !looks_random(last))
      continue;
    size_t begin = at >= 8 && text.substr(at - 8, 8) == "https://" ? at - 8 : at;
    Hit& h = add(hits, rule, begin, path + p.size() - begin, text.substr(begin, path + p.size() - begin));
    h.shown = "hooks.slack.com/" + std::string(kind) + "/" + redact_secret(p.substr(kind_end + 1));
  }
}

void find_stripe_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 5> kTokens = {{
      {"sk_live_", is_alnum, 20, kOpenEnded, false, "Stripe live secret key"},
      {"rk_live_", is_alnum, 20, kOpenEnded, false, "Stripe live restricted key"},
      {"sk_prod_", is_alnum, 20, kOpenEnded, false, "Stripe secret key"},
      // Test-mode keys reach only the test account's data: reported, as warnings that do not fail the tier.
      {"sk_test_", is_alnum, 20, kOpenEnded, false, "Stripe test-mode secret key", "warning"},
      {"rk_test_", is_alnum, 20, kOpenEnded, false, "Stripe test-mode restricted key", "warning"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

// sk-proj-…, sk-svcacct-…, sk-admin-…, and the older sk-<20>T3BlbkFJ<20> ("T3BlbkFJ" is base64 of "OpenAI").
void find_openai_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 3> kTokens = {{
      {"sk-proj-", is_url_token, 40, kOpenEnded, false, "OpenAI project API key"},
      {"sk-svcacct-", is_url_token, 40, kOpenEnded, false, "OpenAI service account API key"},
      {"sk-admin-", is_url_token, 40, kOpenEnded, false, "OpenAI admin API key"},
  }};
  find_tokens(text, rule, kTokens, hits);
  static constexpr std::string_view kMarker = "T3BlbkFJ";
  for (size_t m = text.find(kMarker); m != npos; m = text.find(kMarker, m + 1)) {
    if (m < 23 || run_before(text, m, is_alnum, 21) != 20 || text.substr(m - 23, 3) != "sk-") continue;
    size_t at = m - 23;
    if (at > 0 && is_word(text[at - 1])) continue;
    if (run_at(text, m + kMarker.size(), is_alnum, 21) != 20) continue;
    Hit& h = add(hits, rule, at, 51, text.substr(at, 51));
    h.description = "OpenAI API key";
  }
}

void find_anthropic_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 1> kTokens = {{{"sk-ant-", is_url_token, 40, kOpenEnded, false}}};
  find_tokens(text, rule, kTokens, hits);
}

void find_google_api_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 1> kTokens = {{{"AIza", is_url_token, 35, 35, false}}};
  find_tokens(text, rule, kTokens, hits);
}

void find_npm_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 1> kTokens = {{{"npm_", is_alnum, 36, 36, true}}};
  find_tokens(text, rule, kTokens, hits);
}

// The prefix is the start of a macaroon whose location is "pypi.org" (or "test.pypi.org").
void find_pypi_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 2> kTokens = {{
      {"pypi-AgEIcHlwaS5vcmc", is_url_token, 50, kOpenEnded, false, "PyPI upload token"},
      {"pypi-AgENdGVzdC5weXBpLm9yZw", is_url_token, 50, kOpenEnded, false, "TestPyPI upload token"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

// AccountKey=<base64> in a storage connection string, SharedAccessKey=<base64> (Service Bus, Event Hubs).
// The storage emulator's published key (with AccountName=devstoreaccount1) is no secret.
void find_azure_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  if (text.find("devstoreaccount1") != npos) return;
  for (auto [key, description] : {std::pair<std::string_view, std::string_view>{"AccountKey=", "Azure storage account key"},
                                  {"SharedAccessKey=", "Azure shared access key"}}) {
    for (size_t at = text.find(key); at != npos; at = text.find(key, at + 1)) {
      size_t v = at + key.size();
      size_t run = run_at(text, v, is_base64_body);
      if (run < 40) continue;
      size_t padding = std::min<size_t>(2, run_at(text, v + run, [](char c) { return c == '='; }));
      std::string_view value = text.substr(v, run + padding);
      if (!looks_random(value)) continue;
      Hit& h = add(hits, rule, v, value.size(), value);
      h.description = std::string(description);
      at = v + run - 1;
    }
  }
}

void find_twilio_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 1> kTokens = {{{"SK", is_hex, 32, 32, true}}};
  find_tokens(text, rule, kTokens, hits);
}

// SG.<22>.<43>
void find_sendgrid_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  for (size_t at = text.find("SG."); at != npos; at = text.find("SG.", at + 1)) {
    if (at > 0 && is_word(text[at - 1])) continue;
    size_t first = at + 3;
    if (run_at(text, first, is_url_token, 23) != 22 || first + 22 >= text.size() || text[first + 22] != '.') continue;
    size_t second = first + 23;
    if (run_at(text, second, is_url_token, 44) != 43) continue;
    if (!looks_random(text.substr(second, 43))) continue;
    add(hits, rule, at, 69, text.substr(at, 69));
  }
}

// key-<32 lowercase hex> on a line that names Mailgun (the shape alone is a common cache key).
void find_mailgun_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  if (!contains_ci(text, "mailgun")) return;
  static const std::array<Token, 1> kTokens = {{{"key-", is_lower_hex, 32, 32, true}}};
  find_tokens(text, rule, kTokens, hits);
}

// <base64 of the bot's numeric id>.<6>.<27 to 38>: the first part must decode to 17 to 20 digits.
void find_discord_bot_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  for (size_t dot = text.find('.'); dot != npos; dot = text.find('.', dot + 1)) {
    size_t id_length = run_before(text, dot, is_alnum, 29);
    if (id_length < 23 || id_length > 27) continue;
    size_t at = dot - id_length;
    if (at > 0 && (is_url_token(text[at - 1]) || text[at - 1] == '.')) continue;
    if (run_at(text, dot + 1, is_url_token, 7) != 6 || dot + 7 >= text.size() || text[dot + 7] != '.') continue;
    size_t mac = run_at(text, dot + 8, is_url_token, 39);
    if (mac < 27 || mac > 38 || !looks_random(text.substr(dot + 8, mac))) continue;
    std::optional<std::string> id = decode_base64(text.substr(at, id_length));
    if (!id || id->size() < 17 || id->size() > 20 || !std::all_of(id->begin(), id->end(), is_digit)) continue;
    size_t length = dot + 8 + mac - at;
    add(hits, rule, at, length, text.substr(at, length));
  }
}

// https://discord.com/api/webhooks/<id>/<token> (also discordapp.com, ptb. and canary.).
void find_discord_webhooks(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static constexpr std::string_view kPath = "/api/webhooks/";
  for (size_t at = text.find(kPath); at != npos; at = text.find(kPath, at + 1)) {
    std::string_view host = text.substr(0, at);
    if (!host.ends_with("discord.com") && !host.ends_with("discordapp.com")) continue;
    size_t id = at + kPath.size();
    size_t digits = run_at(text, id, is_digit, 21);
    if (digits < 17 || digits > 20 || id + digits >= text.size() || text[id + digits] != '/') continue;
    size_t token = id + digits + 1;
    size_t length = run_at(text, token, is_url_token, 101);
    if (length < 60 || length > 100 || !looks_random(text.substr(token, length))) continue;
    size_t window = at >= 64 ? at - 64 : 0;  // the scheme, looked for nearby only: linear time
    size_t scheme = text.substr(window, at - window).rfind("https://");
    size_t begin = scheme == npos ? at : window + scheme;
    Hit& h = add(hits, rule, begin, token + length - begin, text.substr(begin, token + length - begin));
    h.shown = (host.ends_with("discordapp.com") ? "discordapp.com" : "discord.com") + std::string(kPath) +
              redact_secret(text.substr(id, token + length - id));
  }
}

// <bot id: 5 to 16 digits>:A<34 of [A-Za-z0-9_-]>, after a word boundary or "bot" (as in api.telegram.org/bot…).
void find_telegram_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  for (size_t colon = text.find(":A"); colon != npos; colon = text.find(":A", colon + 1)) {
    size_t digits = run_before(text, colon, is_digit, 17);
    if (digits < 5 || digits > 16) continue;
    size_t at = colon - digits;
    bool boundary = at == 0 || !is_word(text[at - 1]) ||
                    (at >= 3 && text.substr(at - 3, 3) == "bot" && (at == 3 || !is_word(text[at - 4])));
    if (!boundary) continue;
    if (run_at(text, colon + 1, is_url_token, 36) != 35) continue;
    std::string_view body = text.substr(colon + 1, 35);
    // "12345:AgencyIdentificationCodeContentType" has the shape too: a token holds a digit.
    if (is_words(body) || !std::any_of(body.begin(), body.end(), is_digit) || !looks_random(body)) continue;
    add(hits, rule, at, colon + 36 - at, text.substr(at, colon + 36 - at));
  }
}

void find_shopify_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 4> kTokens = {{
      {"shpat_", is_hex, 32, 32, true, "Shopify access token"},
      {"shpca_", is_hex, 32, 32, true, "Shopify custom app access token"},
      {"shppa_", is_hex, 32, 32, true, "Shopify private app access token"},
      {"shpss_", is_hex, 32, 32, true, "Shopify shared secret"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// HRKU-AA<58>, and the older API key: a UUID on a line that names Heroku.
void find_heroku_keys(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 1> kTokens = {{{"HRKU-AA", is_url_token, 58, 58, true}}};
  find_tokens(text, rule, kTokens, hits);
  if (!contains_ci(text, "heroku")) return;
  for (size_t i = 0; i + 36 <= text.size(); ++i) {
    if (!is_hex(text[i]) || (i > 0 && is_url_token(text[i - 1]))) continue;
    size_t run = run_at(text, i, [](char c) { return is_hex(c) || c == '-'; }, 37);
    if (run == 36 && is_uuid(text.substr(i, 36)) && (i + 36 == text.size() || !is_url_token(text[i + 36])))
      add(hits, rule, i, 36, text.substr(i, 36));
    i += run;
  }
}

void find_digitalocean_tokens(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  static const std::array<Token, 3> kTokens = {{
      {"dop_v1_", is_lower_hex, 64, 64, true, "DigitalOcean personal access token"},
      {"doo_v1_", is_lower_hex, 64, 64, true, "DigitalOcean OAuth access token"},
      {"dor_v1_", is_lower_hex, 64, 64, true, "DigitalOcean OAuth refresh token"},
  }};
  find_tokens(text, rule, kTokens, hits);
}

// <header>.<payload>.<signature>: the header base64url-decodes to a JSON object with an "alg" other
// than "none" (an unsigned token is no credential), the payload starts like a JSON object.
void find_jwts(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  size_t from = 0;
  while (true) {
    size_t at = text.find("eyJ", from);
    if (at == npos) return;
    from = at + 1;
    if (at > 0 && is_url_token(text[at - 1])) continue;
    size_t header = run_at(text, at, is_url_token);
    from = at + header;
    if (header > 2048 || from >= text.size() || text[from] != '.') continue;
    size_t payload_at = from + 1;
    size_t payload = run_at(text, payload_at, is_url_token);
    if (payload < 10 || text.substr(payload_at, 2) != "ey") continue;
    size_t sig_at = payload_at + payload + 1;
    if (sig_at > text.size() || text[sig_at - 1] != '.') continue;
    size_t signature = run_at(text, sig_at, is_url_token);
    if (signature < 16) continue;
    std::optional<std::string> decoded = decode_base64(text.substr(at, header));
    if (!decoded) continue;
    nlohmann::json h = nlohmann::json::parse(*decoded, nullptr, false);
    if (h.is_discarded() || !h.is_object()) continue;
    auto alg = h.find("alg");
    if (alg == h.end() || !alg->is_string() || alg->get<std::string>() == "none") continue;
    size_t length = sig_at + signature - at;
    add(hits, rule, at, length, text.substr(at, length));
    from = at + length;
  }
}

// ---- passwords -------------------------------------------------------------------------------

bool is_scheme_char(char c) { return is_alnum(c) || c == '+' || c == '.' || c == '-'; }

// scheme://user:password@host, not user:@host and not a placeholder password.
void find_url_passwords(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
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
    if (password.empty() || is_placeholder(password)) continue;
    std::string scheme(text.substr(s, at - s));
    Hit& h = add(hits, rule, s, end - s, password);
    h.description = "password" + (user.empty() ? std::string() : " of user '" + std::string(user) + "'") + " in a " +
                    scheme + " URL";
  }
}

// ---- shapes ----------------------------------------------------------------------------------

constexpr size_t kMinLiteral = 32;
constexpr double kHexThreshold = 3.0;
constexpr double kBase64Threshold = 4.0;

bool has_hash_context(std::string_view line) {
  for (std::string_view word : {"sha", "hash", "commit", "checksum", "digest", "md5", "revision", "fingerprint", "etag"})
    if (contains_ci(line, word)) return true;
  return false;
}

void find_high_entropy(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  if (text.find('"') == npos && text.find('\'') == npos) return;
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
    char bits[16];
    std::snprintf(bits, sizeof bits, "%.1f", entropy);
    Hit& h = add(hits, rule, literal_start + 1, content.size(), content);
    h.description = std::string("high-entropy ") + (hex ? "hex" : "base64") + " string literal (" +
                    std::to_string(content.size()) + " characters, " + bits + " bits per character)";
  }
}

constexpr size_t kMinAssignedValue = 8;
constexpr size_t kMaxAssignedValue = 256;

// A name for a credential: ends (letter case and separators ignored) with password, secret, token, ...
bool is_secret_name(std::string_view name) {
  std::string folded;
  for (char c : name)
    if (is_alnum(c)) folded.push_back(lower(c));
  for (std::string_view ending : {"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "secretkey",
                                  "accesskey", "privatekey", "authkey", "accountkey", "storagekey", "masterkey",
                                  "signingkey", "encryptionkey", "credential", "credentials"})
    if (folded.ends_with(ending)) return true;
  return false;
}

bool is_plausible_secret(std::string_view v) {
  if (v.size() < kMinAssignedValue || v.size() > kMaxAssignedValue) return false;
  if (v.find_first_of(" \t") != npos || v.find("://") != npos) return false;  // prose, commands, URLs
  if (v.front() == '/' || v.front() == '~' || v.starts_with("./") || v.starts_with("../") || is_path_like(v))
    return false;
  return !is_placeholder(v) && !is_words(v) && looks_random(v);
}

// name = "value", name: 'value', "name": "value", name := `value`, 'name' => 'value', and in configuration
// files (the name first on its line) NAME=value, name: value, export NAME=value, - name=value.
void find_assignments(std::string_view text, const SecretRule& rule, std::vector<Hit>& hits) {
  bool keyword = false;
  for (std::string_view word : {"pass", "pwd", "secret", "token", "key", "credential"}) keyword = keyword || contains_ci(text, word);
  if (!keyword) return;
  const size_t first = std::min(text.size(), text.find_first_not_of(" \t"));
  for (size_t op = 0; op < text.size(); ++op) {
    char c = text[op];
    if (c != '=' && c != ':') continue;
    size_t r = op + 1;
    char next = r < text.size() ? text[r] : '\0';
    if (c == '=') {
      if ((op > 0 && std::string_view("=!<>").find(text[op - 1]) != npos) || next == '=') continue;  // ==, !=, <=, >=
      if (next == '>') ++r;                                                                          // =>
    } else {
      if ((op > 0 && text[op - 1] == ':') || next == ':') continue;  // ::
      if (next == '=') ++r;                                          // :=
    }
    size_t l = op;
    while (l > 0 && (text[l - 1] == ' ' || text[l - 1] == '\t')) --l;
    char name_quote = l > 0 && (text[l - 1] == '"' || text[l - 1] == '\'') ? text[l - 1] : 0;
    if (name_quote) --l;
    size_t name_end = l;
    while (l > 0 && name_end - l < 128 && is_name_char(text[l - 1])) --l;
    std::string_view name = text.substr(l, name_end - l);
    if (name.empty() || !is_secret_name(name)) continue;
    if (name_quote) {
      if (l == 0 || text[l - 1] != name_quote) continue;
      --l;
    }
    while (r < text.size() && (text[r] == ' ' || text[r] == '\t')) ++r;
    if (r >= text.size()) continue;
    std::string_view value;
    size_t value_pos;
    char q = text[r];
    if (q == '"' || q == '\'' || q == '`') {
      size_t e = r + 1;
      while (e < text.size() && e - r <= kMaxAssignedValue + 1 && text[e] != q) e += text[e] == '\\' ? 2 : 1;
      if (e >= text.size() || text[e] != q) continue;
      value_pos = r + 1;
      value = text.substr(value_pos, e - value_pos);
    } else {
      // Unquoted, only as configuration files write it: the name first on the line, the value last.
      std::string_view lead = l >= first && l - first <= 8 ? trim_view(text.substr(first, l - first)) : "?";
      if (!lead.empty() && lead != "export" && lead != "-") continue;
      size_t e = r;
      while (e < text.size() && e - r <= kMaxAssignedValue && text[e] != ' ' && text[e] != '\t') ++e;
      std::string_view rest = e - r > kMaxAssignedValue ? "?" : trim_view(text.substr(e, 2));
      if (!rest.empty() && rest.front() != '#') continue;
      value_pos = r;
      value = text.substr(r, e - r);
      if (value.find_first_of("()[]{},;\"'`") != npos) continue;  // code, not a value
    }
    if (!is_plausible_secret(value)) continue;
    Hit& h = add(hits, rule, value_pos, value.size(), value);
    h.description = "value assigned to '" + std::string(name) + "'";
  }
}

// The built-in rules, in the order they are checked: specific ones first, then the generic shapes,
// which stay quiet where a specific rule already spoke.
const std::array<SecretRule, 28> kRules = {{
    {"private-key", "private key", find_private_keys},
    {"gcp-service-account-key", "GCP service account private key", find_gcp_service_account_keys},
    {"aws-access-key-id", "AWS access key ID", find_aws_key_ids},
    {"aws-secret-access-key", "AWS secret access key", find_aws_secrets},
    {"github-token", "GitHub token", find_github_tokens},
    {"gitlab-token", "GitLab token", find_gitlab_tokens},
    {"slack-token", "Slack token", find_slack_tokens},
    {"slack-webhook-url", "Slack webhook URL", find_slack_webhooks},
    {"stripe-key", "Stripe key", find_stripe_keys},
    {"openai-api-key", "OpenAI API key", find_openai_keys},
    {"anthropic-api-key", "Anthropic API key", find_anthropic_keys},
    {"google-api-key", "Google API key", find_google_api_keys},
    {"npm-token", "npm access token", find_npm_tokens},
    {"pypi-token", "PyPI upload token", find_pypi_tokens},
    {"azure-storage-key", "Azure storage account key", find_azure_keys},
    {"twilio-api-key", "Twilio API key", find_twilio_keys},
    {"sendgrid-api-key", "SendGrid API key", find_sendgrid_keys},
    {"mailgun-api-key", "Mailgun API key", find_mailgun_keys},
    {"discord-bot-token", "Discord bot token", find_discord_bot_tokens},
    {"discord-webhook-url", "Discord webhook URL", find_discord_webhooks},
    {"telegram-bot-token", "Telegram bot token", find_telegram_tokens},
    {"shopify-token", "Shopify token", find_shopify_tokens},
    {"heroku-api-key", "Heroku API key", find_heroku_keys},
    {"digitalocean-token", "DigitalOcean token", find_digitalocean_tokens},
    {"jwt", "JSON Web Token", find_jwts},
    {"password-in-url", "password in a URL", find_url_passwords},
    {"high-entropy-literal", "high-entropy string literal", find_high_entropy, true},
    {"secret-assignment", "secret assigned to a credential's name", find_assignments, true},
}};

// The spans of a line's hits, for asking whether a new span overlaps one of them in O(log n).
class Spans {
 public:
  explicit Spans(const std::vector<Hit>& hits) {
    for (const Hit& h : hits) spans_.emplace_back(h.pos, h.pos + std::max<size_t>(h.length, 1));
    std::sort(spans_.begin(), spans_.end());
    size_t reach = 0;
    for (const auto& s : spans_) reach_.push_back(reach = std::max(reach, s.second));
  }
  bool overlaps(size_t begin, size_t end) const {
    // The spans starting before `end`; one of them overlaps when the furthest of their ends passes `begin`.
    auto it = std::lower_bound(spans_.begin(), spans_.end(), std::pair<size_t, size_t>(end, 0));
    if (it == spans_.begin()) return false;
    return reach_[static_cast<size_t>(it - spans_.begin()) - 1] > begin;
  }

 private:
  std::vector<std::pair<size_t, size_t>> spans_;
  std::vector<size_t> reach_;  // reach_[i]: the largest end among spans_[0..i]
};

size_t rank_of(std::string_view rule) {
  return static_cast<size_t>(
      std::find_if(kRules.begin(), kRules.end(), [&](const SecretRule& r) { return r.id == rule; }) - kRules.begin());
}

std::vector<Hit> scan_line(std::string_view text) {
  std::vector<Hit> hits;
  for (const SecretRule& rule : kRules) {
    size_t earlier = hits.size();
    rule.find(text, rule, hits);
    if (!rule.generic || earlier == 0 || hits.size() == earlier) continue;
    std::vector<Hit> before(std::make_move_iterator(hits.begin()), std::make_move_iterator(hits.begin() + static_cast<std::ptrdiff_t>(earlier)));
    Spans spans(before);
    std::vector<Hit> kept = std::move(before);
    for (size_t k = earlier; k < hits.size(); ++k)
      if (!spans.overlaps(hits[k].pos, hits[k].pos + std::max<size_t>(hits[k].length, 1))) kept.push_back(std::move(hits[k]));
    hits = std::move(kept);
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.pos != b.pos ? a.pos < b.pos : rank_of(a.rule) < rank_of(b.rule);
  });
  return hits;
}

std::string fingerprint_of(const std::string& rule, const std::string& file, const std::string& secret) {
  std::string material = rule;
  material.push_back('\0');
  material += file;
  material.push_back('\0');
  material += secret;
  return git::to_hex(git::hash_text(material, "a secret's fingerprint"));
}

bool is_gitleaks_rule_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) { return is_word(c) || c == '-' || c == '.'; });
}

bool is_known_rule(std::string_view rule) {
  if (rule == "gitleaks") return true;
  if (rule.starts_with(kGitleaksRulePrefix)) return is_gitleaks_rule_id(rule.substr(kGitleaksRulePrefix.size()));
  return rank_of(rule) < kRules.size();
}

// "ABC. " -> "ABC": a scanner's sentence, to be followed by ": <redacted secret>".
std::string without_final_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

const std::vector<std::string>& secret_rule_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (const SecretRule& r : kRules) out.emplace_back(r.id);
    return out;
  }();
  return ids;
}

bool SecretAllowList::allows(const std::string& file, const std::string& rule, const std::string& fingerprint) const {
  if (fingerprints.count(fingerprint)) return true;
  for (const PathEntry& entry : paths) {
    bool rule_matches = entry.rule.empty() || entry.rule == rule ||
                        (entry.rule == "gitleaks" && std::string_view(rule).starts_with(kGitleaksRulePrefix));
    if (rule_matches && glob_match(entry.glob, file)) return true;
  }
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
      if (!is_known_rule(entry.rule)) {
        std::string known;
        for (const SecretRule& rule : kRules) known += (known.empty() ? "" : ", ") + std::string(rule.id);
        fail("unknown rule '" + entry.rule + "' (known rules: " + known + ", gitleaks, gitleaks.<gitleaks rule id>)");
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

std::string mask_secrets(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t eol = text.find('\n', start);
    std::string_view line = text.substr(start, eol == npos ? npos : eol - start);
    size_t copied = 0;
    for (const Hit& hit : scan_line(line)) {
      if (hit.pos < copied) continue;  // inside a span already masked
      out += line.substr(copied, hit.pos - copied);
      out += hit.shown.empty() ? redact_secret(hit.secret) : hit.shown;
      copied = hit.pos + hit.length;
    }
    out += line.substr(std::min(copied, line.size()));
    if (eol == npos) break;
    out.push_back('\n');
    start = eol + 1;
  }
  return out;
}

std::vector<Finding> scan_for_secrets(const std::vector<git::FileDiff>& diff, const SecretAllowList& allow,
                                      const std::vector<ExternalSecret>& external) {
  git::Library library;  // initialised once for all the fingerprints below, not once each
  struct Placed {
    size_t file_index;
    Finding finding;
  };
  struct Spot {  // what the built-in rules found on one added line
    const std::string* text = nullptr;
    std::vector<std::tuple<size_t, size_t, std::string>> hits;  // begin, end, secret
  };
  std::vector<Placed> placed;
  std::map<std::pair<size_t, int>, Spot> spots;
  std::map<std::string, size_t> index_of;

  auto place = [&](size_t file_index, Finding finding) {
    if (allow.allows(finding.file, finding.rule, finding.fingerprint)) return;
    placed.push_back({file_index, std::move(finding)});
  };

  for (size_t fi = 0; fi < diff.size(); ++fi) {
    const git::FileDiff& file = diff[fi];
    if (file.binary) continue;
    index_of.emplace(file.path, fi);
    for (size_t index = 0; index < file.lines.size(); ++index) {
      const git::LineChange& change = file.lines[index];
      if (change.origin != '+') continue;
      Spot& spot = spots[{fi, change.new_line}];
      spot.text = &change.text;
      for (Hit& hit : scan_line(change.text)) {
        std::string shown = hit.shown;
        if (hit.key_on_next_line) {
          // The header names the key type; the key material is on the next line. Both make the secret.
          const git::LineChange* next = index + 1 < file.lines.size() ? &file.lines[index + 1] : nullptr;
          if (next && next->origin == '+' && next->new_line == change.new_line + 1) {
            hit.secret += "\n" + next->text;
            shown = redact_secret(trim(next->text));
          } else {
            shown = redact_secret("");
          }
        }
        if (shown.empty()) shown = redact_secret(hit.secret);
        spot.hits.emplace_back(hit.pos, hit.pos + std::max<size_t>(hit.length, 1), hit.secret);
        Finding finding;
        finding.rule = std::string(hit.rule);
        finding.file = file.path;
        finding.line = change.new_line;
        finding.column = static_cast<int>(hit.pos) + 1;
        finding.severity = hit.severity;
        finding.message = hit.description + " added: " + shown;
        finding.fingerprint = fingerprint_of(finding.rule, file.path, hit.secret);
        place(fi, std::move(finding));
      }
    }
  }

  std::set<std::tuple<std::string, int, std::string>> external_seen;
  for (const ExternalSecret& e : external) {
    if (e.secret.empty()) continue;
    if (!external_seen.insert({e.file, e.line, e.secret}).second) continue;  // reported twice by the scanner
    auto known = index_of.find(e.file);
    size_t fi = known == index_of.end() ? diff.size() : known->second;
    auto spot = spots.find({fi, e.line});
    std::string_view first_line = std::string_view(e.secret).substr(0, e.secret.find('\n'));
    size_t pos = spot != spots.end() && !first_line.empty() ? spot->second.text->find(first_line) : npos;
    if (spot != spots.end()) {
      bool same = std::any_of(spot->second.hits.begin(), spot->second.hits.end(), [&](const auto& hit) {
        const auto& [begin, end, secret] = hit;
        return secret == e.secret || (pos != npos && begin < pos + std::max<size_t>(first_line.size(), 1) && pos < end);
      });
      if (same) continue;  // the built-in rule already reported it
    }
    std::string shown = redact_secret(e.secret);
    std::string description = e.description.empty() ? "secret" : without_final_period(e.description);
    for (size_t at = description.find(e.secret); at != npos; at = description.find(e.secret, at + shown.size()))
      description.replace(at, e.secret.size(), shown);
    Finding finding;
    finding.rule = e.rule;
    finding.file = e.file;
    finding.line = e.line;
    finding.column = pos == npos ? 0 : static_cast<int>(pos) + 1;
    finding.severity = "error";
    finding.message = description + " (gitleaks) added: " + shown;
    finding.fingerprint = fingerprint_of(e.rule, e.file, e.secret);
    place(fi, std::move(finding));
  }

  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    return std::tie(a.file_index, a.finding.line, a.finding.column) <
           std::tie(b.file_index, b.finding.line, b.finding.column);
  });
  std::vector<Finding> findings;
  for (Placed& p : placed) findings.push_back(std::move(p.finding));
  return findings;
}

}  // namespace autofix
