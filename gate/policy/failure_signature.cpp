// SPDX-License-Identifier: MIT
#include "gate/policy/failure_signature.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

namespace autofix {

namespace {

struct Rule {
  std::regex pattern;
  const char* replacement;
};

// Source files whose line numbers move with every edit; any other "name.ext:123" is a host and a port.
constexpr const char* kSourceExtensions = R"((?:c|cc|cpp|cxx|c\+\+|h|hh|hpp|hxx|h\+\+|ipp|inl|tcc|cu|m|mm|cmake|txt|py|sh|s|S))";

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = [] {
    const std::string ext = kSourceExtensions;
    std::vector<Rule> r;
    auto add = [&](const std::string& pattern, const char* replacement) {
      r.push_back({std::regex(pattern, std::regex::ECMAScript | std::regex::optimize), replacement});
    };
    add(R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})", "<uuid>");
    add(R"(\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)", "<date>");
    add(R"(\b\d{1,2}/\d{1,2}/\d{2,4}\b)", "<date>");
    add(R"(\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b)", "<time>");
    add(R"(\b0[xX][0-9a-fA-F]+\b)", "<addr>");
    // A file right in a temporary directory has a random name (the compiler's /tmp/ccvAonFu.s): all of it
    // goes; deeper down (a checkout in /tmp) the file name stays.
    const std::string tmp = R"((^|[\s'"(=\[<,])(?:/tmp|/var/tmp|/private/var/folders|/dev/shm)/)";
    add(tmp + R"([^\s'"()\]>,:/]+(?=[\s'"()\]>,:]|$))", "$1<tmp>");
    add(tmp + R"((?:[^\s/'"()\]>,:]+/)+)", "$1<tmp>/");
    add(R"((^|[\s'"(=\[<,])[A-Za-z]:\\(?:Users\\[^\\\s]+\\AppData\\Local\\Temp|Windows\\Temp)\\[^\s'"()\]>,:]*(?::\d+){0,2})", "$1<tmp>");
    add(R"((^|[\s'"(=\[<,])/(?:[^\s/'"()\]>,:]+/)+)", "$1<path>/");
    add(R"((^|[\s'"(=\[<,])[A-Za-z]:\\(?:[^\s\\'"()\]>,:]+\\)+)", "$1<path>\\");
    add(R"((\.)" + ext + R"():\d+:\d+\b)", "$1:<line>:<col>");
    add(R"((\.)" + ext + R"():\d+\b)", "$1:<line>");
    add(R"((\.)" + ext + R"()\(\d+,\d+\))", "$1(<line>,<col>)");
    add(R"((\.)" + ext + R"()\(\d+\))", "$1(<line>)");
    add(R"(\b([Ll]ine) \d+\b)", "$1 <line>");
    add(R"(\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|min|mins|minutes?|h)\b)", "<duration>");
    add(R"(\b((?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|[A-Za-z][\w.-]*\.[A-Za-z]{2,})):\d{1,5}\b)", "$1:<port>");
    add(R"(\b([Pp]ort) \d{1,5}\b)", "$1 <port>");
    add(R"(\b([Pp][Ii][Dd])(\s*[=:]?\s*)\d+\b)", "$1$2<pid>");
    add(R"(\b([Pp]rocess) \d+\b)", "$1 <pid>");
    add(R"(==\d+==)", "==<pid>==");
    // How often a test was re-run depends on the configuration and the flake history, not on the failure.
    add(R"(\b\d+ of \d+ runs?\b)", "<n> of <n> runs");
    return r;
  }();
  return table;
}

bool is_hex_hash(std::string_view word) {
  if (word.size() < 7 || word.size() > 64) return false;
  bool digit = false, letter = false;
  for (char c : word) {
    if (std::isdigit(static_cast<unsigned char>(c))) digit = true;
    else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) letter = true;
    else return false;
  }
  return digit && letter;
}

// Hashes: whole words of hex digits only, told apart from numbers and words by holding both kinds.
std::string without_hashes(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  while (i < text.size()) {
    if (!word_char(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && word_char(text[j])) ++j;
    std::string_view word(text.data() + i, j - i);
    if (is_hex_hash(word)) out += "<hash>";
    else out += word;
    i = j;
  }
  return out;
}

std::string collapsed_blanks(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (blank) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Signatures are short identities, not logs: a long reason keeps its start.
constexpr std::size_t kMaxSignatureInput = 2000;
constexpr std::size_t kMaxNamesInSignature = 20;

}  // namespace

std::string normalized_failure_text(std::string_view text) {
  std::string s(text.substr(0, std::min(text.size(), kMaxSignatureInput)));
  for (const Rule& rule : rules()) s = std::regex_replace(s, rule.pattern, rule.replacement);
  return collapsed_blanks(without_hashes(s));
}

std::string failure_signature(const AttemptResult& result) {
  if (result.verdict == Verdict::accepted || result.verdict == Verdict::planned) return {};
  std::string out = std::string(to_string(result.verdict)) + ": " + normalized_failure_text(result.reason);
  std::vector<std::string> names;
  for (const std::string& test : result.regressions()) names.push_back("test " + normalized_failure_text(test));
  for (const TierResult& tier : result.tiers)
    // A ctest tier fails by its tests, which are named one by one above.
    if (tier.required && tier.kind != TierKind::ctest && (tier.status == TierStatus::failed || tier.status == TierStatus::error))
      names.push_back("tier " + normalized_failure_text(tier.name));
  std::sort(names.begin(), names.end());
  if (names.size() > kMaxNamesInSignature) names.resize(kMaxNamesInSignature);
  for (const std::string& name : names) out += "\n" + name;
  return out;
}

}  // namespace autofix
