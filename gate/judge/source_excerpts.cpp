// SPDX-License-Identifier: MIT
#include "gate/judge/source_excerpts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <string_view>
#include <system_error>
#include <vector>

#include "gate/policy/secrets.h"
#include "gate/util/atomic_file.h"
#include "gate/util/byte_names.h"
#include "gate/util/paths.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

// `relative` (a path without symbolic links, every segment a name) opened below `root` one segment at a
// time, none of them followed if it is a symbolic link: a link swapped in after the path was resolved
// makes the open fail instead of leading elsewhere. Non-blocking, so that a FIFO cannot hang the gate.
UniqueFd open_beneath(const fs::path& root, std::string_view relative) {
  UniqueFd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return {};
  for (;;) {
    size_t slash = relative.find('/');
    std::string segment(relative.substr(0, slash));
    if (slash == std::string_view::npos)
      return UniqueFd(::openat(dir.get(), segment.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    UniqueFd next(::openat(dir.get(), segment.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) return {};
    dir = std::move(next);
    relative.remove_prefix(slash + 1);
  }
}

struct ReadText {
  std::string text;
  bool to_end = false;  // the file ends where the text does
};

// The file's text from its start up to the end of line `last` or of the file, at most `limit` bytes;
// nullopt when it cannot be read.
std::optional<ReadText> read_lines(int fd, int last, size_t limit) {
  ReadText out;
  char buf[65536];
  int newlines = 0;
  while (out.text.size() < limit && newlines < last) {
    ssize_t n = ::read(fd, buf, std::min(sizeof buf, limit - out.text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) {
      out.to_end = true;
      break;
    }
    for (ssize_t i = 0; i < n; ++i) newlines += buf[i] == '\n';
    out.text.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The first `limit` bytes of a UTF-8 line, never ending inside a character.
std::string_view cut_at_character(std::string_view line, size_t limit) {
  if (line.size() <= limit) return line;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return line.substr(0, end);
}

// Where a regression is placed: its first failing assertion, else where it is defined, each only as a
// file of the repository with a line.
std::optional<SourceLocation> regression_site(const TestOutcome& t) {
  for (const SourceLocation* at : {t.first_failure ? &t.first_failure->location : nullptr, &t.defined_at})
    if (at && at->line > 0 && is_safe_relative_path(at->file)) return *at;
  return std::nullopt;
}

}  // namespace

std::optional<SourceExcerpt> read_source_excerpt(const fs::path& root, const std::string& file, int line,
                                                 const ExcerptLimits& limits) {
  if (line < 1 || !is_safe_relative_path(file)) return std::nullopt;
  // Every symbolic link resolved, the file must still be inside the repository and outside its .git.
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  const fs::path real = fs::canonical(root / file, ec);
  if (ec) return std::nullopt;
  const std::string inside = real.lexically_relative(real_root).generic_string();
  if (!is_safe_relative_path(inside)) return std::nullopt;  // "..": outside; ".": the root itself

  UniqueFd fd = open_beneath(real_root, inside);
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const int first = std::max(1, line - limits.before);
  const int last = line > std::numeric_limits<int>::max() - limits.after ? std::numeric_limits<int>::max() : line + limits.after;
  std::optional<ReadText> read = read_lines(fd.get(), last, limits.max_scan_bytes);
  if (!read || read->text.find('\0') != std::string::npos) return std::nullopt;  // unreadable, or binary
  const std::string& text = read->text;

  // A line ends at its '\n'; the text after the last one is a line only when the file ends there (its
  // last line has no line end), not when reading stopped in the middle of it.
  SourceExcerpt e;
  e.file = file;
  e.line = line;
  e.first_line = first;
  size_t start = 0;
  for (int number = 1; number <= last && start < text.size(); ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos && !read->to_end) break;
    std::string_view whole = std::string_view(text).substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (number < first) continue;
    if (!whole.empty() && whole.back() == '\r') whole.remove_suffix(1);
    if (!is_utf8(whole) || mask_secrets(whole) != whole) return std::nullopt;
    std::string_view shown = cut_at_character(whole, limits.max_line_bytes);
    if (shown.size() < whole.size()) e.cut_lines.push_back(number);
    e.lines.emplace_back(shown);
  }
  if (e.last_line() < line) return std::nullopt;  // past the end of the file, or beyond the limit
  return e;
}

void add_source_excerpts(AttemptResult& result, const fs::path& root, const ExcerptLimits& limits) {
  size_t reads = 0;
  auto take = [&](std::optional<SourceExcerpt>& excerpt, const std::string& file, int line) {
    if (reads >= limits.max_excerpts) return;
    ++reads;
    excerpt = read_source_excerpt(root, file, line, limits);
  };
  for (TestOutcome& t : result.tests) {
    if (result.regression_reason_of(t).empty()) continue;
    if (std::optional<SourceLocation> site = regression_site(t)) take(t.excerpt, site->file, site->line);
  }
  for (FindingState state : {FindingState::new_, FindingState::unchanged})
    for (TierResult& tier : result.tiers) {
      if (tier.kind == TierKind::secrets) continue;
      for (Finding& f : tier.findings)
        if (f.state == state && !f.file.empty() && f.line > 0) take(f.excerpt, f.file, f.line);
    }
}

}  // namespace autofix
