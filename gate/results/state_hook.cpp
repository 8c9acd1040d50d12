// SPDX-License-Identifier: MIT
#include "gate/results/state_hook.h"

#include <algorithm>

namespace autofix {

namespace {

// The position just after "postgresql://" or "postgres://", or npos.
size_t after_scheme(const std::string& url) {
  for (const char* scheme : {"postgresql://", "postgres://"}) {
    const std::string s = scheme;
    if (url.starts_with(s)) return s.size();
  }
  return std::string::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<PostgresUrl> parse_postgres_url(const std::string& url) {
  const size_t start = after_scheme(url);
  if (start == std::string::npos) return std::nullopt;
  const size_t slash = url.find('/', start);
  const size_t query = url.find('?', start);
  if (slash == std::string::npos || (query != std::string::npos && query < slash)) return std::nullopt;
  const size_t end = query == std::string::npos ? url.size() : query;
  std::optional<std::string> database = percent_decoded(url.substr(slash + 1, end - slash - 1));
  if (!database || database->empty() || database->find('\0') != std::string::npos) return std::nullopt;
  return PostgresUrl{*database, url.substr(0, slash) + "/postgres" + url.substr(end)};
}

std::string redacted_url(const std::string& url) {
  const size_t start = after_scheme(url);
  if (start == std::string::npos) return url;
  const size_t authority_end = std::min(url.find('/', start), url.find('?', start));
  const size_t at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at == std::string::npos || at < start) return url;
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace autofix
