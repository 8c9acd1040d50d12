// SPDX-License-Identifier: MIT
#include "gate/git/patch.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "gate/git/hash_text.h"
#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "gate/util/io_errors.h"

// How a patch travels, in order (each step refuses with Error(usage) naming what it found):
//   1. scan the text ourselves: structure, headers, raw paths as written (before libgit2 strips
//      prefixes), hunk bodies against their @@ counts;
//   2. parse it with git_diff_from_buffer and check that libgit2 read the same files and hunks;
//   3. check each file entry as libgit2 read it: change kind, paths, modes, duplicates, file versus
//      directory;
//   4. check it against the work tree: links, nested repositories, existence, deleted content,
//      binary base, and where each hunk's context is (simulating libgit2's in-order application);
//   5. make hunk positions and modes explicit in the text where step 4 found they must be;
//   6. parse that text again and dry-run git_apply (GIT_APPLY_CHECK); apply_patch then applies it.
// Before step 2, what libgit2 1.5 misreads in valid `git diff` output is rewritten: names with
// blanks are quoted, and an empty-file entry gets the "-- " separator its parser needs. All
// rewrites keep the line count except that separator (libgit2's line numbers are mapped back).

namespace autofix::git {
namespace {

using PatchPtr = std::unique_ptr<git_patch, Deleter<git_patch_free>>;
using FilterListPtr = std::unique_ptr<git_filter_list, Deleter<git_filter_list_free>>;

struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

constexpr const char* kRegenerate = "regenerate the patch with `git diff` against the current work tree";
constexpr const char* kUseGitDiff = "pass the output of `git diff` (with its a/ and b/ prefixes), unchanged";
constexpr const char* kNoLinks = "the gate does not change symbolic links or write through them; change the files they point to";
constexpr uint32_t kModeFile = 0100644, kModeExecutable = 0100755, kModeLink = 0120000, kModeSubmodule = 0160000;
constexpr size_t kMaxFilesNamed = 20;

[[noreturn]] void refuse(const std::string& message, const std::string& hint = kRegenerate) {
  throw PatchRefused(message, hint);
}

// ---------------------------------------------------------------------------------------------
// Showing untrusted text in a one-line message.

std::string show(std::string_view s, size_t max = 160) {
  std::string out = "'";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == max) {
      out += "...";
      break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else out += static_cast<char>(c);
  }
  return out + "'";
}

std::string_view chomp(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return line;
}

std::string at_line(size_t index) { return "line " + std::to_string(index + 1); }

std::string count_of(size_t n, const char* thing) {
  return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string mode_text(uint32_t mode) {
  char b[16];
  std::snprintf(b, sizeof b, "%06o", mode);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Paths.

// A component that git on a case-insensitive or NTFS/HFS file system would take for ".git".
bool looks_like_dot_git(std::string_view part) {
  std::string lower;
  for (char c : part) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  while (!lower.empty() && (lower.back() == '.' || lower.back() == ' ')) lower.pop_back();
  return lower == ".git" || lower == "git~1";
}

// Why a path relative to the work tree is unsafe, phrased to follow "it", or nullptr.
const char* path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == 0) return "contains a NUL byte";
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    if (c == '\\') return "contains a backslash";
  }
  if (path.front() == '/') return "is an absolute path";
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") return "leaves the repository (a '..' component)";
    if (part.empty()) return "has an empty component";
    if (part == ".") return "has a '.' component";
    if (looks_like_dot_git(part)) return "is inside .git";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!is_safe_relative_path(path)) return "is not a safe relative path";  // the shared rule has the last word
  return nullptr;
}

void require_safe(std::string_view path, const std::string& where) {
  if (const char* problem = path_problem(path))
    refuse("unsafe path " + show(path) + where + ": it " + problem,
           "a patch may only change files inside the work tree, outside .git");
}

// git's C-style quoting of names ("a\nb", "\303\244"); nullopt when malformed.
std::optional<std::string> unquote(std::string_view q) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < q.size(); ++i) {
    char c = q[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 2 >= q.size()) return std::nullopt;
    c = q[++i];
    switch (c) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      default: {
        if (c < '0' || c > '3' || i + 3 >= q.size()) return std::nullopt;
        int value = 0;
        for (int k = 0; k < 3; ++k) {
          char d = q[i + k];
          if (d < '0' || d > '7') return std::nullopt;
          value = value * 8 + (d - '0');
        }
        out += static_cast<char>(value);
        i += 2;
      }
    }
  }
  return out;
}

// Runs of slashes become one, as libgit2 reads names ("a//x" is "a/x").
std::string squash_slashes(std::string name) {
  name.erase(std::unique(name.begin(), name.end(), [](char a, char b) { return a == '/' && b == '/'; }), name.end());
  return name;
}

// A name as written on a header line (after the keyword): trailing blanks dropped, unquoted.
std::string header_name(std::string_view text, size_t line) {
  text = rtrim(text);
  if (!text.empty() && text.front() == '"') {
    std::optional<std::string> name = unquote(text);
    if (!name) refuse("malformed quoted path " + show(text) + " at " + at_line(line), kUseGitDiff);
    return squash_slashes(*name);
  }
  return squash_slashes(std::string(text));
}

// git's quoting, for names libgit2 cannot split unquoted (control characters are refused before).
std::string quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The path under a prefixed name ("a/x/y" -> "x/y") the way libgit2 strips one component:
// leading slashes do not count.
std::optional<std::string> strip_prefix(std::string_view name) {
  size_t i = 0;
  while (i < name.size() && name[i] == '/') ++i;
  size_t slash = name.find('/', i);
  if (slash == std::string_view::npos || slash + 1 >= name.size()) return std::nullopt;
  return std::string(name.substr(slash + 1));
}

// A name from a `diff --git`, `---` or `+++` line: "a/" (or any one-component prefix), then a safe path.
std::string check_prefixed(const std::string& name, size_t line) {
  if (!name.empty() && name.front() == '/')
    refuse("unsafe path " + show(name) + " at " + at_line(line) + ": it is an absolute path",
           "a patch may only change files inside the work tree, outside .git");
  std::optional<std::string> path = strip_prefix(name);
  if (!path) refuse("path " + show(name) + " at " + at_line(line) + " has no a/ or b/ prefix", kUseGitDiff);
  require_safe(*path, " at " + at_line(line));
  return *path;
}

// One name of a `diff --git` line: quoted, or up to the next blank. Advances `rest`.
std::optional<std::string> take_name(std::string_view& rest) {
  if (rest.empty()) return std::nullopt;
  size_t end = 0;
  if (rest.front() == '"') {
    for (end = 1; end < rest.size() && rest[end] != '"'; ++end)
      if (rest[end] == '\\') ++end;
    if (end >= rest.size()) return std::nullopt;
    ++end;
    std::optional<std::string> name = unquote(rest.substr(0, end));
    rest.remove_prefix(end);
    return name;
  }
  while (end < rest.size() && rest[end] != ' ' && rest[end] != '\t') ++end;
  std::string name(rest.substr(0, end));
  rest.remove_prefix(end);
  return name;
}

// The two names of a `diff --git` line when they can be told apart (libgit2 has the same
// difficulty with unquoted names containing blanks, and then relies on the other header lines).
std::optional<std::pair<std::string, std::string>> split_git_header(std::string_view rest) {
  std::string_view r = rest;
  std::optional<std::string> one = take_name(r);
  while (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
  std::optional<std::string> two = take_name(r);
  if (one && two && !one->empty() && !two->empty() && r.empty())
    return std::make_pair(squash_slashes(*one), squash_slashes(*two));
  if (rest.find('"') != std::string_view::npos) return std::nullopt;
  for (size_t k = 0; k < rest.size(); ++k) {
    if (rest[k] != ' ' && rest[k] != '\t') continue;
    std::string_view a = rest.substr(0, k), b = rest.substr(k + 1);
    std::optional<std::string> pa = strip_prefix(a), pb = strip_prefix(b);
    if (pa && pb && *pa == *pb) return std::make_pair(squash_slashes(std::string(a)), squash_slashes(std::string(b)));
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Step 1: our own scan of the text.

struct RawHunk {
  size_t line = 0;       // index of the @@ line
  std::string header;    // "@@ -10,7 +10,7 @@"
  std::string tail;      // what follows the closing @@, newline included
  int old_start = 0, old_lines = 1, new_start = 0, new_lines = 1;
};

struct RawFile {
  size_t line = 0;  // index of the `diff --git` line
  std::string name;
  std::optional<size_t> index_line;
  bool index_has_mode = false;
  bool full_index = false;
  bool mode_lines = false;  // old/new mode, new file mode or deleted file mode
  bool binary = false;
  bool ends_at_index = false;  // an empty file added or deleted: the header ends with its index line
  std::map<size_t, std::string> quoted;  // header lines rewritten with quoted names (libgit2 1.5 splits at blanks)
  std::vector<RawHunk> hunks;
};

struct Scan {
  std::vector<std::string_view> lines;  // each with its '\n'
  std::vector<RawFile> files;
};

std::optional<int> take_number(std::string_view& s) {
  size_t n = 0;
  long long value = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    value = value * 10 + (s[n] - '0');
    if (value > INT_MAX) return std::nullopt;
    ++n;
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  return static_cast<int>(value);
}

bool take(std::string_view& s, std::string_view what) {
  if (!starts_with(s, what)) return false;
  s.remove_prefix(what.size());
  return true;
}

std::optional<RawHunk> parse_hunk_header(std::string_view line) {
  RawHunk h;
  std::string_view s = line;
  std::optional<int> n;
  if (!take(s, "@@ -") || !(n = take_number(s))) return std::nullopt;
  h.old_start = *n;
  if (take(s, ",")) {
    if (!(n = take_number(s))) return std::nullopt;
    h.old_lines = *n;
  }
  if (!take(s, " +") || !(n = take_number(s))) return std::nullopt;
  h.new_start = *n;
  if (take(s, ",")) {
    if (!(n = take_number(s))) return std::nullopt;
    h.new_lines = *n;
  }
  if (!take(s, " @@")) return std::nullopt;
  h.header = std::string(line.substr(0, line.size() - s.size()));
  h.tail = std::string(s);
  return h;
}

bool is_file_header(std::string_view line) { return starts_with(line, "diff --git "); }

// The "-- " line before the version in `git format-patch` output; libgit2 takes it as the end of an entry.
bool is_signature(std::string_view line) {
  line = chomp(line);
  return line == "-- " || line == "--";
}

void refuse_combined(std::string_view line, size_t index) {
  if (starts_with(line, "diff --cc ") || starts_with(line, "diff --combined "))
    refuse(at_line(index) + " starts a combined diff (" + show(chomp(line), 40) + "), which cannot be applied",
           "pass a plain `git diff` of the candidate fix, not a merge diff");
}

void refuse_crlf(std::string_view line, size_t index) {
  if (line.size() >= 2 && line[line.size() - 2] == '\r')
    refuse("the patch has CRLF line ends in its headers (" + at_line(index) +
               "); an editor or mail client converted it",
           "pass the patch exactly as `git diff` wrote it");
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) {
    size_t start = 0;
    while (start < text.size()) {
      size_t nl = text.find('\n', start);
      size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
      scan_.lines.push_back(text.substr(start, end - start));
      start = end;
    }
  }

  Scan run() {
    size_t i = preamble();
    while (i < scan_.lines.size()) i = file(i);
    if (scan_.files.empty())
      refuse("not a git patch: no `diff --git` file header found", kUseGitDiff);
    return std::move(scan_);
  }

 private:
  std::string_view line(size_t i) const { return scan_.lines[i]; }

  size_t preamble() {
    size_t i = 0;
    for (; i < scan_.lines.size() && !is_file_header(line(i)); ++i) {
      refuse_combined(line(i), i);
      if (starts_with(line(i), "--- ") && i + 1 < scan_.lines.size() && starts_with(line(i + 1), "+++ "))
        refuse("not a git patch: " + at_line(i) + " starts a plain unified diff without a `diff --git` header",
               kUseGitDiff);
      if (parse_hunk_header(line(i)))
        refuse("hunk header " + show(chomp(line(i)), 60) + " at " + at_line(i) + " comes before any file header",
               kUseGitDiff);
    }
    return i;
  }

  // One file entry from its `diff --git` line; returns the index of the next one (or the end).
  size_t file(size_t i) {
    RawFile f;
    f.line = i;
    refuse_crlf(line(i), i);
    std::string_view rest = chomp(line(i)).substr(std::string_view("diff --git ").size());
    if (auto names = split_git_header(rest)) {
      check_prefixed(names->first, i);
      f.name = check_prefixed(names->second, i);
      if (rest.find('"') == std::string_view::npos && rest.find_first_of(" \t") != rest.rfind(' '))
        f.quoted[i] = "diff --git " + quote(names->first) + " " + quote(names->second) + "\n";
    }
    bool new_file = false, deleted_file = false, content_headers = false;
    for (++i; i < scan_.lines.size(); ++i) {
      std::string_view l = line(i);
      if (is_file_header(l) || starts_with(l, "@@ -") || starts_with(l, "GIT binary patch") ||
          starts_with(l, "Binary files ") || is_signature(l))
        break;
      refuse_crlf(l, i);
      refuse_combined(l, i);
      std::string_view s = chomp(l);
      if (take(s, "index ")) {
        f.index_line = i;
        size_t dots = s.find("..");
        size_t blank = s.find(' ');
        f.index_has_mode = blank != std::string_view::npos;
        f.full_index = dots == GIT_OID_HEXSZ && (f.index_has_mode ? blank : s.size()) == dots + 2 + GIT_OID_HEXSZ;
      } else if (take(s, "old mode ") || take(s, "new mode ")) {
        f.mode_lines = true;
      } else if (take(s, "new file mode ")) {
        f.mode_lines = new_file = true;
      } else if (take(s, "deleted file mode ")) {
        f.mode_lines = deleted_file = true;
      } else if (take(s, "--- ")) {
        content_headers = true;
        std::string name = header_name(s, i);
        if (name == "/dev/null") {
          if (!new_file)
            refuse("'--- /dev/null' at " + at_line(i) + " creates a file but its header has no 'new file mode' line",
                   kUseGitDiff);
        } else {
          std::string path = check_prefixed(name, i);
          if (f.name.empty()) f.name = path;
        }
      } else if (take(s, "+++ ")) {
        std::string name = header_name(s, i);
        if (name == "/dev/null") {
          if (!deleted_file)
            refuse("'+++ /dev/null' at " + at_line(i) +
                       " deletes a file but its header has no 'deleted file mode' line",
                   kUseGitDiff);
        } else {
          f.name = check_prefixed(name, i);
        }
      } else if (take(s, "rename from ") || take(s, "rename old ") || take(s, "copy from ") || take(s, "rename to ") ||
                 take(s, "rename new ") || take(s, "copy to ")) {
        std::string name = header_name(s, i);
        require_safe(name, " at " + at_line(i));
        if (starts_with(l, "rename to ") || starts_with(l, "rename new ") || starts_with(l, "copy to ")) f.name = name;
        if (s.front() != '"' && name.find_first_of(" \t") != std::string::npos)
          f.quoted[i] = std::string(chomp(l).substr(0, chomp(l).size() - s.size())) + quote(name) + "\n";
      } else if (take(s, "similarity index ") || take(s, "dissimilarity index ")) {
      } else {
        refuse("unexpected " + at_line(i) + " in the header of " + show(f.name) + ": " + show(s, 60), kUseGitDiff);
      }
    }
    if (f.name.empty()) f.name = "(file at " + at_line(f.line) + ")";
    bool body_follows = i < scan_.lines.size() && (starts_with(line(i), "@@ -") || starts_with(line(i), "GIT binary patch") ||
                                                   starts_with(line(i), "Binary files ") || is_signature(line(i)));
    f.ends_at_index = f.index_line && *f.index_line + 1 == i && !content_headers && !body_follows;

    if (i < scan_.lines.size() && starts_with(line(i), "Binary files "))
      refuse("binary change to " + show(f.name) + " has no data (" + at_line(i) + ": " + show(chomp(line(i)), 80) + ")",
             "regenerate it with `git diff --binary`");
    if (i < scan_.lines.size() && starts_with(line(i), "GIT binary patch")) {
      if (!f.index_line)
        refuse("binary change to " + show(f.name) + " has no index line (" + at_line(i) + ")",
               "regenerate it with `git diff --binary`");
      if (!f.full_index)
        refuse("binary change to " + show(f.name) + " needs the full index (40-digit object ids) on " +
                   at_line(*f.index_line),
               "regenerate it with `git diff --binary`, which writes the full index");
      f.binary = true;
      while (i < scan_.lines.size() && !is_file_header(line(i))) ++i;
      scan_.files.push_back(std::move(f));
      return i;
    }

    if (content_headers && !(i < scan_.lines.size() && starts_with(line(i), "@@ -")))
      refuse("the entry for " + show(f.name) + " at " + at_line(f.line) +
                 " has ---/+++ lines but no hunk: the patch is truncated or mangled",
             kRegenerate);
    while (i < scan_.lines.size() && starts_with(line(i), "@@ -")) i = hunk(f, i);
    i = after_hunks(f, i);
    scan_.files.push_back(std::move(f));
    return i;
  }

  size_t hunk(RawFile& f, size_t i) {
    refuse_crlf(line(i), i);
    std::optional<RawHunk> h = parse_hunk_header(line(i));
    if (!h) refuse("malformed hunk header " + show(chomp(line(i)), 60) + " at " + at_line(i) + " of " + show(f.name), kUseGitDiff);
    h->line = i;
    const std::string what = "hunk " + h->header + " of " + show(f.name);
    if (h->old_lines == 0 && h->new_lines == 0) refuse(what + " (" + at_line(i) + ") changes no lines", kUseGitDiff);
    long old_left = h->old_lines, new_left = h->new_lines;
    for (++i; old_left > 0 || new_left > 0; ++i) {
      if (i >= scan_.lines.size())
        refuse(what + " is truncated: the patch ends with " + std::to_string(old_left) + " old and " +
                   std::to_string(new_left) + " new lines still missing",
               kRegenerate);
      char c = line(i)[0];
      if (c == ' ' || c == '\n') {
        --old_left;
        --new_left;
      } else if (c == '-') {
        --old_left;
      } else if (c == '+') {
        --new_left;
      } else if (c == '\\') {
        continue;
      } else {
        refuse(what + " is truncated at " + at_line(i) + ": its header counts " + std::to_string(old_left) +
                   " more old and " + std::to_string(new_left) + " more new lines",
               kRegenerate);
      }
      if (old_left < 0 || new_left < 0)
        refuse("the lines of " + what + " do not add up to the line counts in its header (" + at_line(i) + ")",
               kRegenerate);
    }
    if (i < scan_.lines.size() && line(i)[0] == '\\') ++i;  // "\ No newline at end of file"
    f.hunks.push_back(std::move(*h));
    return i;
  }

  // Lines between the last hunk and the next file header. libgit2 skips them silently, which would
  // drop the tail of a hunk whose header counts too few lines: refuse anything that looks like
  // hunk content. An email signature ("-- ") ends the patch text of this file.
  size_t after_hunks(const RawFile& f, size_t i) {
    for (; i < scan_.lines.size() && !is_file_header(line(i)); ++i) {
      std::string_view l = chomp(line(i));
      refuse_combined(l, i);
      if (is_signature(l)) {
        while (i + 1 < scan_.lines.size() && !is_file_header(line(i + 1))) ++i;
        continue;
      }
      bool content = !l.empty() && (l[0] == '+' || l[0] == '-' || l[0] == '\\' ||
                                    (l[0] == ' ' && !rtrim(l).empty()));
      if (content) {
        std::string after = f.hunks.empty() ? "the header of " + show(f.name)
                                            : "hunk " + f.hunks.back().header + " of " + show(f.name);
        refuse(at_line(i) + " (" + show(l, 60) + ") follows " + after +
                   " but is not part of it: the hunk has more lines than its header counts",
               kRegenerate);
      }
      if (parse_hunk_header(l))
        refuse("hunk header " + show(l, 60) + " at " + at_line(i) + " is not attached to a file header", kUseGitDiff);
    }
    return i;
  }

  Scan scan_;
};

// ---------------------------------------------------------------------------------------------
// Step 2: libgit2's parse.

// Text edits that make the patch explicit for libgit2, by line index in the scan. A replacement is
// one line; an insertion may be several.
struct Edits {
  std::map<size_t, std::string> replace;
  std::map<size_t, std::string> insert_after;
  bool empty() const { return replace.empty() && insert_after.empty(); }
};

std::string rebuild(const Scan& scan, const Edits& edits) {
  std::string text;
  for (size_t i = 0; i < scan.lines.size(); ++i) {
    auto r = edits.replace.find(i);
    text += r != edits.replace.end() ? std::string_view(r->second) : scan.lines[i];
    auto a = edits.insert_after.find(i);
    if (a != edits.insert_after.end()) text += a->second;
  }
  return text;
}

// The line of the original patch that line `n` (1-based) of the edited text comes from: libgit2's
// messages count lines of the text it was given.
size_t original_line(size_t n, const Edits& edits) {
  size_t shift = 0;
  for (const auto& [index, text] : edits.insert_after) {
    size_t at = index + 1 + shift;  // where the line before the insertion is now
    if (n <= at) break;
    size_t inserted = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    if (n <= at + inserted) return index + 1;
    shift += inserted;
  }
  return n - shift;
}

std::string with_original_lines(std::string message, const Edits& edits) {
  if (edits.insert_after.empty()) return message;
  for (size_t at = message.find("line "); at != std::string::npos; at = message.find("line ", at + 5)) {
    size_t digits = at + 5, end = digits;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    if (end == digits || end - digits > 9) continue;
    std::string fixed = std::to_string(original_line(std::stoul(message.substr(digits, end - digits)), edits));
    message.replace(digits, end - digits, fixed);
  }
  return message;
}


DiffPtr parse(std::string_view text, const Edits& edits) {
  DiffPtr diff;
  int rc = git_diff_from_buffer(out(diff), text.data(), text.size());
  if (rc == GIT_ENOTFOUND)
    refuse("cannot parse the patch: libgit2 finds no complete file entry in it (is it truncated?)", kUseGitDiff);
  if (rc < 0) {
    const git_error* e = git_error_last();
    refuse("cannot parse the patch: " +
               with_original_lines(e && e->message ? e->message : "libgit2 error " + std::to_string(rc), edits),
           kUseGitDiff);
  }
  return diff;
}

// One file entry as libgit2 read it, with what the checks learn about it.
struct Entry {
  PatchPtr patch;
  const git_diff_delta* delta = nullptr;
  const RawFile* raw = nullptr;
  PatchFile file;
  std::string name;          // for messages: the new path, or the old one for a delete
  uint32_t worktree_mode = 0;  // of the preimage file, when there is one
};

std::vector<Entry> entries_of(git_diff* diff, const Scan& scan) {
  size_t n = git_diff_num_deltas(diff);
  if (n != scan.files.size())
    refuse("the patch is ambiguous: libgit2 reads " + std::to_string(n) + " file entries in it, but it has " +
               std::to_string(scan.files.size()) + " `diff --git` headers",
           kUseGitDiff);
  std::vector<Entry> entries(n);
  for (size_t i = 0; i < n; ++i) {
    Entry& e = entries[i];
    check(git_patch_from_diff(out(e.patch), diff, i), "cannot read file entry " + std::to_string(i + 1) + " of the patch");
    e.delta = git_patch_get_delta(e.patch.get());
    e.raw = &scan.files[i];
    size_t hunks = git_patch_num_hunks(e.patch.get());
    bool same = hunks == e.raw->hunks.size() && ((e.delta->flags & GIT_DIFF_FLAG_BINARY) != 0) == e.raw->binary;
    for (size_t h = 0; same && h < hunks; ++h) {
      const git_diff_hunk* gh = nullptr;
      size_t lines = 0;
      check(git_patch_get_hunk(&gh, &lines, e.patch.get(), h), "cannot read a hunk of the patch");
      const RawHunk& rh = e.raw->hunks[h];
      same = gh->old_start == rh.old_start && gh->old_lines == rh.old_lines && gh->new_start == rh.new_start &&
             gh->new_lines == rh.new_lines;
    }
    if (!same)
      refuse("the patch is ambiguous: libgit2 reads the entry at " + at_line(e.raw->line) + " (" + show(e.raw->name) +
                 ") differently from its text",
             kUseGitDiff);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Step 3: each entry on its own, then the entries together.

PatchFile::Change change_of(const git_diff_delta& d, size_t hunks) {
  switch (d.status) {
    case GIT_DELTA_ADDED: return PatchFile::Change::added;
    case GIT_DELTA_DELETED: return PatchFile::Change::deleted;
    case GIT_DELTA_RENAMED: return PatchFile::Change::renamed;
    case GIT_DELTA_COPIED: return PatchFile::Change::copied;
    case GIT_DELTA_MODIFIED:
      if (hunks == 0 && !(d.flags & GIT_DIFF_FLAG_BINARY) && d.old_file.mode != d.new_file.mode)
        return PatchFile::Change::mode_changed;
      return PatchFile::Change::modified;
    default:
      refuse("the entry for " + show(d.new_file.path ? d.new_file.path : "") + " is not an add, delete, modify, rename or copy",
             kUseGitDiff);
  }
}

void check_mode(uint32_t mode, const std::string& name, bool old_side) {
  if (mode == 0 || mode == kModeFile || mode == kModeExecutable) return;
  if (mode == kModeLink)
    refuse(old_side ? "the patch changes the symbolic link " + show(name) + " (mode 120000)"
                    : "the patch makes " + show(name) + " a symbolic link (mode 120000)",
           kNoLinks);
  if (mode == kModeSubmodule)
    refuse("the patch changes " + show(name) + " as a submodule (mode 160000)",
           "a candidate fix may only change regular files of this repository");
  refuse("the patch gives " + show(name) + " the unsupported mode " + mode_text(mode),
         "a candidate fix may only set modes 100644 and 100755");
}

void check_entry(Entry& e) {
  const git_diff_delta& d = *e.delta;
  if (!d.old_file.path || !d.new_file.path)  // git_apply would crash on it
    refuse("libgit2 cannot tell the file names apart in the entry at " + at_line(e.raw->line),
           "quote names with blanks as `git diff` does, or regenerate the patch");
  std::string old_path = d.old_file.path;
  std::string new_path = d.new_file.path;
  e.name = d.status == GIT_DELTA_DELETED ? old_path : new_path;
  const std::string where = " in the entry at " + at_line(e.raw->line);
  require_safe(old_path, where);
  require_safe(new_path, where);
  size_t hunks = git_patch_num_hunks(e.patch.get());
  e.file.change = change_of(d, hunks);
  if (d.status == GIT_DELTA_MODIFIED && old_path != new_path)
    refuse("the entry at " + at_line(e.raw->line) + " names two paths, " + show(old_path) + " and " + show(new_path) +
               ", but is neither a rename nor a copy",
           kUseGitDiff);
  if ((d.status == GIT_DELTA_RENAMED || d.status == GIT_DELTA_COPIED) && old_path == new_path)
    refuse("the entry at " + at_line(e.raw->line) + " renames or copies " + show(old_path) + " onto itself", kUseGitDiff);
  check_mode(d.old_file.mode, old_path, true);
  check_mode(d.new_file.mode, new_path, false);
  e.file.old_path = old_path;
  e.file.new_path = new_path;
  e.file.old_mode = d.status == GIT_DELTA_ADDED ? 0 : d.old_file.mode;
  e.file.new_mode = d.status == GIT_DELTA_DELETED ? 0 : d.new_file.mode;
  e.file.hunks = hunks;
  e.file.binary = (d.flags & GIT_DIFF_FLAG_BINARY) != 0;
  if (e.file.binary && d.status != GIT_DELTA_ADDED && d.old_file.id_abbrev != GIT_OID_HEXSZ)
    refuse("binary change to " + show(e.name) + " needs the full index (40-digit object ids)",
           "regenerate it with `git diff --binary`, which writes the full index");
  size_t context = 0, added = 0, deleted = 0;
  check(git_patch_line_stats(&context, &added, &deleted, e.patch.get()), "cannot count the lines of the patch");
  e.file.lines_added = added;
  e.file.lines_deleted = deleted;
}

// Every path a patch touches, in one entry only; and no path both a file and a directory.
void check_entries_together(const std::vector<Entry>& entries) {
  std::map<std::string, size_t> owner;  // path -> entry index
  for (size_t i = 0; i < entries.size(); ++i) {
    std::set<std::string> paths{entries[i].file.old_path, entries[i].file.new_path};
    for (const std::string& p : paths) {
      auto [it, inserted] = owner.emplace(p, i);
      if (!inserted)
        refuse(show(p) + " appears in more than one file entry of the patch (at " + at_line(entries[it->second].raw->line) +
                   " and " + at_line(entries[i].raw->line) + ")",
               "merge the changes to one file into one entry, as `git diff` writes them");
    }
  }
  for (const auto& [path, index] : owner) {
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      std::string parent = path.substr(0, slash);
      if (owner.count(parent))
        refuse("the patch uses " + show(parent) + " both as a file and as a directory (of " + show(path) + ")",
               "a path can be a file or a directory, not both");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Step 4: against the work tree.

[[noreturn]] void refuse_too_long(const std::string& rel, const std::string& why) {
  refuse("name too long: " + show(rel, 80) + ": " + why, "a candidate fix must use paths the file system can store");
}

// The files a patch is checked against and read from: the work tree, or a tree object (apply_patch_to_tree).
class Preimages {
 public:
  virtual ~Preimages() = default;
  virtual void require_storable(const std::string& rel) const = 0;
  virtual void check_parents(const std::string& rel, const std::string& name) const = 0;
  virtual uint32_t require_file(const std::string& rel, const char* doing) const = 0;
  virtual void require_absent(const std::string& rel, const char* doing) const = 0;
  virtual void require_writable(const PatchFile& f, git_delta_t status) const = 0;
  virtual std::string read(const std::string& rel) const = 0;
};

class WorkTree : public Preimages {
 public:
  WorkTree(const Repository& repo) : repo_(repo) {}

  // The deepest existing directory on the way to `rel` ("" for the work tree root).
  std::string existing_parent(const std::string& rel) const {
    std::string parent = rel;
    for (;;) {
      size_t slash = parent.rfind('/');
      if (slash == std::string::npos) return "";
      parent.resize(slash);
      if (lstat(parent)) return parent;
    }
  }

  void require_access(const std::string& rel, int mode, const char* doing) const {
    std::filesystem::path p = rel.empty() ? repo_.workdir() : repo_.workdir() / rel;
    if (::access(p.c_str(), mode) != 0)
      refuse("the gate cannot " + std::string(doing) + " " + show(rel.empty() ? "." : rel) + ": " + std::strerror(errno),
             "make it writable");
  }

  std::optional<struct stat> lstat(const std::string& rel) const {
    struct stat st;
    std::filesystem::path p = repo_.workdir() / rel;
    if (::lstat(p.c_str(), &st) == 0) return st;
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    if (errno == ENAMETOOLONG) refuse_too_long(rel, "the file system refuses it (File name too long)");
    throw_errno("cannot inspect", p.string(), errno);
  }

  // A path the file system can hold: no component longer than its NAME_MAX, and the whole path, with the
  // work tree's own, shorter than PATH_MAX (what every system call takes).
  void require_storable(const std::string& rel) const override {
    long name_max = ::pathconf(repo_.workdir().c_str(), _PC_NAME_MAX);
    if (name_max <= 0) name_max = NAME_MAX;
    size_t start = 0;
    for (;;) {
      size_t slash = rel.find('/', start);
      size_t len = (slash == std::string::npos ? rel.size() : slash) - start;
      if (len > static_cast<size_t>(name_max))
        refuse_too_long(rel, "a component is " + std::to_string(len) + " bytes long, and the file system allows " +
                                 std::to_string(name_max));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    size_t full = (repo_.workdir() / rel).native().size();
    if (full >= PATH_MAX)
      refuse_too_long(rel, "with the work tree's path it is " + std::to_string(full) + " bytes long, and the limit is " +
                               std::to_string(PATH_MAX - 1));
  }

  // Every existing parent directory of `rel` must be a real directory of this repository.
  void check_parents(const std::string& rel, const std::string& name) const override {
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
      std::string parent = rel.substr(0, slash);
      std::optional<struct stat> st = lstat(parent);
      if (!st) return;
      if (S_ISLNK(st->st_mode))
        refuse(show(parent) + " is a symbolic link in the work tree: the patch would write through it to " + show(name),
               kNoLinks);
      if (!S_ISDIR(st->st_mode))
        refuse(show(parent) + " is a file in the work tree, not a directory (the patch changes " + show(rel) + ")",
               kRegenerate);
      if (lstat(parent + "/.git"))
        refuse(show(parent) + " is a nested repository or submodule (it has its own .git); the patch changes " + show(rel),
               "a candidate fix may only change files of this repository");
    }
  }

  // The preimage of a modify, delete, rename or copy: a regular file. Returns its mode.
  uint32_t require_file(const std::string& rel, const char* doing) const override {
    std::optional<struct stat> st = lstat(rel);
    if (!st) refuse(show(rel) + " does not exist in the work tree (the patch " + doing + " it)", kRegenerate);
    if (S_ISLNK(st->st_mode))
      refuse(show(rel) + " is a symbolic link in the work tree (the patch " + doing + " it as a regular file)", kNoLinks);
    if (S_ISDIR(st->st_mode))
      refuse(show(rel) + " is a directory in the work tree (the patch " + doing + " it as a file)", kRegenerate);
    if (!S_ISREG(st->st_mode))
      refuse(show(rel) + " is not a regular file in the work tree (the patch " + doing + " it)", kRegenerate);
    return (st->st_mode & S_IXUSR) ? kModeExecutable : kModeFile;
  }

  void require_absent(const std::string& rel, const char* doing) const override {
    std::optional<struct stat> st = lstat(rel);
    if (!st) return;
    const char* kind = S_ISLNK(st->st_mode) ? "a symbolic link" : S_ISDIR(st->st_mode) ? "a directory" : "a file";
    refuse(show(rel) + " already exists in the work tree, as " + kind + " (the patch " + doing + " it)",
           "remove it first, or regenerate the patch against the current work tree");
  }

  // What checkout will need, foreseen: a modified file writable, the directories of created and
  // removed files writable (libgit2 opens files in place; a failure midway leaves earlier files written).
  void require_writable(const PatchFile& f, git_delta_t status) const override {
    if (status == GIT_DELTA_MODIFIED) {
      require_access(f.old_path, W_OK, "change");
      return;
    }
    if (status != GIT_DELTA_ADDED && status != GIT_DELTA_COPIED) require_access(existing_parent(f.old_path), W_OK | X_OK, "remove a file in");
    if (status != GIT_DELTA_DELETED) require_access(existing_parent(f.new_path), W_OK | X_OK, "create a file in");
  }

  // The content libgit2 patches: the file through the repository's to-odb filters (CRLF, ident).
  std::string read(const std::string& rel) const override {
    FilterListPtr filters;
    check(git_filter_list_load(out(filters), repo_.get(), nullptr, rel.c_str(), GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT),
          "cannot load the filters for '" + rel + "'");
    Buf buf;
    check(git_filter_list_apply_to_file(&buf.buf, filters.get(), repo_.get(), rel.c_str()),
          "cannot read '" + rel + "'");
    return buf.str();
  }

 private:
  const Repository& repo_;
};

// A tree object as the preimage: a batch step's content computed in memory, before the work tree is
// touched. The checks are those of the work tree, on the tree's entries; what only the file system can
// tell (name lengths, write access) is asked of the work tree, where the result will be written.
class TreeFiles : public Preimages {
 public:
  TreeFiles(const Repository& repo, const git_tree* tree) : repo_(repo), work_(repo), tree_(tree) {}

  void require_storable(const std::string& rel) const override { work_.require_storable(rel); }

  void check_parents(const std::string& rel, const std::string& name) const override {
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
      std::string parent = rel.substr(0, slash);
      std::optional<uint32_t> m = mode(parent);
      if (!m) return;
      if (*m == kModeLink)
        refuse(show(parent) + " is a symbolic link in the tree: the patch would write through it to " + show(name),
               kNoLinks);
      if (*m == kModeSubmodule)
        refuse(show(parent) + " is a submodule in the tree; the patch changes " + show(rel),
               "a candidate fix may only change files of this repository");
      if (*m != GIT_FILEMODE_TREE)
        refuse(show(parent) + " is a file in the tree, not a directory (the patch changes " + show(rel) + ")",
               kRegenerate);
    }
  }

  uint32_t require_file(const std::string& rel, const char* doing) const override {
    std::optional<uint32_t> m = mode(rel);
    if (!m) refuse(show(rel) + " does not exist in the tree the patch is applied to (the patch " + doing + " it)",
                   kRegenerate);
    if (*m == kModeLink)
      refuse(show(rel) + " is a symbolic link in the tree (the patch " + doing + " it as a regular file)", kNoLinks);
    if (*m == GIT_FILEMODE_TREE)
      refuse(show(rel) + " is a directory in the tree (the patch " + doing + " it as a file)", kRegenerate);
    if (*m != kModeFile && *m != kModeExecutable)
      refuse(show(rel) + " is not a regular file in the tree (the patch " + doing + " it)", kRegenerate);
    return *m;
  }

  void require_absent(const std::string& rel, const char* doing) const override {
    std::optional<uint32_t> m = mode(rel);
    if (!m) return;
    const char* kind = *m == kModeLink ? "a symbolic link" : *m == GIT_FILEMODE_TREE ? "a directory" : "a file";
    refuse(show(rel) + " already exists in the tree the patch is applied to, as " + kind + " (the patch " + doing + " it)",
           "remove it first, or regenerate the patch against the current work tree");
  }

  // The work tree holds another step's state: ask only what does not depend on it (the directories).
  void require_writable(const PatchFile& f, git_delta_t status) const override {
    if (status != GIT_DELTA_ADDED && status != GIT_DELTA_COPIED)
      work_.require_access(work_.existing_parent(f.old_path), W_OK | X_OK, "remove a file in");
    if (status != GIT_DELTA_DELETED)
      work_.require_access(work_.existing_parent(f.new_path), W_OK | X_OK, "create a file in");
  }

  // Blobs are stored as the work tree had them; the tree is what the patch's content is compared with.
  std::string read(const std::string& rel) const override {
    TreeEntryPtr entry;
    check(git_tree_entry_bypath(out(entry), tree_, rel.c_str()), "cannot find '" + rel + "' in the tree");
    BlobPtr blob;
    check(git_blob_lookup(out(blob), repo_.get(), git_tree_entry_id(entry.get())), "cannot read '" + rel + "'");
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                       static_cast<size_t>(git_blob_rawsize(blob.get())));
  }

 private:
  std::optional<uint32_t> mode(const std::string& rel) const {
    TreeEntryPtr entry;
    int rc = git_tree_entry_bypath(out(entry), tree_, rel.c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "cannot look up '" + rel + "' in the tree");
    return static_cast<uint32_t>(git_tree_entry_filemode(entry.get()));
  }

  const Repository& repo_;
  WorkTree work_;
  const git_tree* tree_;
};

// The lines a hunk needs (context and removals) and leaves (context and additions), as libgit2's
// apply builds them: a "\ No newline at end of file" marker takes the newline off the line before.
struct HunkImage {
  const RawHunk* raw = nullptr;
  std::vector<std::string> pre, post;
  bool leading_context = false, trailing_context = false;
};

std::vector<HunkImage> hunk_images(const Entry& e) {
  std::vector<HunkImage> images;
  for (size_t h = 0; h < e.raw->hunks.size(); ++h) {
    HunkImage img;
    img.raw = &e.raw->hunks[h];
    int count = git_patch_num_lines_in_hunk(e.patch.get(), h);
    check(count, "cannot read a hunk of the patch");
    constexpr size_t kNone = SIZE_MAX;
    size_t last_pre = kNone, last_post = kNone;  // where the previous patch line went
    bool seen_change = false, context_after_change = false;
    for (int k = 0; k < count; ++k) {
      const git_diff_line* line = nullptr;
      check(git_patch_get_line_in_hunk(&line, e.patch.get(), h, static_cast<size_t>(k)), "cannot read a hunk line");
      std::string content(line->content, line->content_len);
      switch (line->origin) {
        case GIT_DIFF_LINE_CONTEXT:
          img.pre.push_back(content);
          img.post.push_back(content);
          last_pre = img.pre.size() - 1;
          last_post = img.post.size() - 1;
          if (!seen_change) img.leading_context = true;
          else context_after_change = true;
          break;
        case GIT_DIFF_LINE_DELETION:
          img.pre.push_back(content);
          last_pre = img.pre.size() - 1;
          last_post = kNone;
          seen_change = true;
          context_after_change = false;
          break;
        case GIT_DIFF_LINE_ADDITION:
          img.post.push_back(content);
          last_post = img.post.size() - 1;
          last_pre = kNone;
          seen_change = true;
          context_after_change = false;
          break;
        case GIT_DIFF_LINE_CONTEXT_EOFNL:
        case GIT_DIFF_LINE_ADD_EOFNL:
        case GIT_DIFF_LINE_DEL_EOFNL:
          if (k > 0) {
            for (std::string* prev : {last_pre != kNone ? &img.pre[last_pre] : nullptr,
                                      last_post != kNone ? &img.post[last_post] : nullptr})
              if (prev && !prev->empty() && prev->back() == '\n') prev->pop_back();
          }
          break;
        default:
          break;
      }
    }
    img.trailing_context = context_after_change;
    images.push_back(std::move(img));
  }
  return images;
}

std::vector<std::string_view> split_lines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t nl = content.find('\n', start);
    size_t end = nl == std::string_view::npos ? content.size() : nl + 1;
    lines.push_back(content.substr(start, end - start));
    start = end;
  }
  return lines;
}

bool matches_at(const std::vector<std::string_view>& image, const std::vector<std::string>& pre, size_t pos) {
  if (pos + pre.size() > image.size()) return false;
  for (size_t k = 0; k < pre.size(); ++k)
    if (image[pos + k] != pre[k]) return false;
  return true;
}

// Where libgit2 will look for a hunk: new_start - 1 in the image patched so far.
size_t stated_position(const RawHunk& h) { return h.new_start > 0 ? static_cast<size_t>(h.new_start) - 1 : 0; }

// Where the hunk's context is, the way `git apply` looks: a hunk at the start of the file (or one
// without trailing context, at its end) is tried there first; then the nearest exact match to the
// stated line, never before the end of the previous hunk.
std::optional<size_t> locate(const std::vector<std::string_view>& image, const HunkImage& h, size_t min_pos) {
  size_t stated = stated_position(*h.raw);
  if (h.pre.empty()) return std::min(stated, image.size());  // pure addition: libgit2 takes the line as stated
  if (image.size() < h.pre.size()) return std::nullopt;
  size_t last = image.size() - h.pre.size();
  if (min_pos > last) return std::nullopt;
  bool has_context = h.leading_context || h.trailing_context;
  if (has_context && h.raw->old_start <= 1 && min_pos == 0 && matches_at(image, h.pre, 0)) return 0;
  if (h.leading_context && !h.trailing_context && matches_at(image, h.pre, last)) return last;
  size_t from = std::clamp(stated, min_pos, last);
  for (size_t d = 0;; ++d) {
    bool any = false;
    if (from + d <= last) {
      any = true;
      if (matches_at(image, h.pre, from + d)) return from + d;
    }
    if (d > 0 && from >= min_pos + d) {
      any = true;
      if (matches_at(image, h.pre, from - d)) return from - d;
    }
    if (!any) return std::nullopt;
  }
}

[[noreturn]] void refuse_hunk(const Entry& e, const HunkImage& h, const std::vector<std::string_view>& image,
                              size_t min_pos) {
  const std::string what = "hunk " + h.raw->header + " does not apply to " + show(e.name) + ": ";
  if (min_pos > 0 && locate(image, h, 0))
    refuse(what + "its lines are only found above the hunk before it (hunks must come in file order)", kRegenerate);
  size_t at = std::min(stated_position(*h.raw), image.size());
  std::string detail = "its lines are not in the file";
  for (size_t k = 0; k < h.pre.size(); ++k) {
    if (at + k >= image.size()) {
      detail = "the file has only " + count_of(image.size(), "line");
      break;
    }
    if (image[at + k] != h.pre[k]) {
      std::string_view have = image[at + k], want = h.pre[k];
      bool line_end_only = chomp(have) == chomp(want);  // then show the line ends that differ
      detail = "line " + std::to_string(at + k + 1) + " is " + show(line_end_only ? have : chomp(have), 60) +
               " where the patch expects " + show(line_end_only ? want : chomp(want), 60);
      break;
    }
  }
  refuse(what + detail + ", and its lines are not found elsewhere in the file", kRegenerate);
}


// Finds every hunk of a modify, rename or copy in the preimage, simulating the in-order
// application; moved hunks get a header with the line where their context is.
void place_hunks(Entry& e, const std::string& content, Edits& edits) {
  std::vector<HunkImage> images = hunk_images(e);
  std::vector<std::string_view> image = split_lines(content);
  size_t min_pos = 0;
  long shift = 0;  // lines added minus lines removed by the hunks before
  for (const HunkImage& h : images) {
    std::optional<size_t> pos = locate(image, h, min_pos);
    if (!pos) refuse_hunk(e, h, image, min_pos);
    if (!h.pre.empty() && *pos != stated_position(*h.raw)) {
      const RawHunk& r = *h.raw;
      long old_start = static_cast<long>(*pos) + 1 - shift;
      edits.replace[r.line] = "@@ -" + std::to_string(std::max(old_start, 1L)) + "," + std::to_string(r.old_lines) +
                              " +" + std::to_string(*pos + 1) + "," + std::to_string(r.new_lines) + " @@" + r.tail;
      ++e.file.hunks_at_offset;
    }
    image.erase(image.begin() + static_cast<long>(*pos), image.begin() + static_cast<long>(*pos + h.pre.size()));
    image.insert(image.begin() + static_cast<long>(*pos), h.post.begin(), h.post.end());
    min_pos = *pos + h.post.size();
    shift += h.raw->new_lines - h.raw->old_lines;
  }
}

// libgit2 never compares a deletion with the file: require the removed lines to be the whole file.
void check_deletion(const Entry& e, const std::string& content) {
  std::string removed;
  for (const HunkImage& h : hunk_images(e))
    for (const std::string& l : h.pre) removed += l;
  if (removed != content)
    refuse("the patch deletes " + show(e.name) + " but the file in the work tree differs from the " +
               count_of(e.file.lines_deleted, "line") + " it removes",
           kRegenerate);
}

void check_binary_base(const Entry& e, const std::string& content) {
  const git_oid id = hash_text(content, "'" + e.file.old_path + "'");
  if (!git_oid_equal(&id, &e.delta->old_file.id))
    refuse("binary file " + show(e.file.old_path) + " in the work tree is not the one the patch was made against (" +
               to_hex(id).substr(0, 12) + ", the patch expects " + to_hex(e.delta->old_file.id).substr(0, 12) + ")",
           kRegenerate);
}

// ---------------------------------------------------------------------------------------------
// Binary changes. libgit2 1.5 inflates their data in a loop that never ends when the zlib stream is
// truncated (libgit2 #7342, fixed long after 1.5), even in a dry run, and it inflates without a
// size limit; so every side is inflated here first, bounded, and the change is checked against
// the object ids of its index line.

constexpr size_t kMaxBinarySize = size_t{64} << 20;

// A zlib stream inflated with zlib itself, bounded by `limit` output bytes: nullopt for anything
// malformed, truncated, or longer than the limit (Z_FINISH into a buffer of exactly `limit` bytes).
std::optional<std::string> inflate_bounded(std::string_view in, size_t limit) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return std::nullopt;
  std::string out(limit, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(limit);
  int rc = inflate(&zs, Z_FINISH);
  size_t produced = limit - zs.avail_out;
  bool trailing = zs.avail_in != 0;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || trailing) return std::nullopt;
  out.resize(produced);
  return out;
}

// git's binary delta (a base size, a result size, then copy and insert instructions); nullopt when
// it does not fit `base`.
std::optional<std::string> apply_git_delta(std::string_view base, std::string_view delta) {
  size_t pos = 0;
  auto varint = [&](size_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= delta.size()) return false;
      unsigned char c = static_cast<unsigned char>(delta[pos++]);
      value |= static_cast<size_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;
  };
  size_t base_size = 0, result_size = 0;
  if (!varint(base_size) || !varint(result_size) || base_size != base.size() || result_size > kMaxBinarySize)
    return std::nullopt;
  std::string out;
  out.reserve(result_size);
  while (pos < delta.size()) {
    unsigned char cmd = static_cast<unsigned char>(delta[pos++]);
    if (cmd & 0x80) {
      size_t offset = 0, len = 0;
      for (int k = 0; k < 7; ++k) {
        if (!(cmd & (1 << k))) continue;
        if (pos >= delta.size()) return std::nullopt;
        size_t b = static_cast<unsigned char>(delta[pos++]);
        if (k < 4) offset |= b << (8 * k);
        else len |= b << (8 * (k - 4));
      }
      if (len == 0) len = 0x10000;
      if (offset > base.size() || len > base.size() - offset || out.size() + len > result_size) return std::nullopt;
      out.append(base.substr(offset, len));
    } else if (cmd) {
      if (cmd > delta.size() - pos || out.size() + cmd > result_size) return std::nullopt;
      out.append(delta.substr(pos, cmd));
      pos += cmd;
    } else {
      return std::nullopt;
    }
  }
  if (out.size() != result_size) return std::nullopt;
  return out;
}

struct BinarySide {
  git_diff_binary_t type = GIT_DIFF_BINARY_NONE;
  std::string data;  // deflated, as libgit2 decoded it from base85
  size_t inflated = 0;
};

// The two sides of each binary entry, as libgit2 read them.
std::map<const git_diff_delta*, std::pair<BinarySide, BinarySide>> binary_data(git_diff* diff) {
  std::map<const git_diff_delta*, std::pair<BinarySide, BinarySide>> sides;
  auto on_file = [](const git_diff_delta*, float, void*) { return 0; };
  auto on_binary = [](const git_diff_delta* delta, const git_diff_binary* binary, void* payload) {
    auto* out = static_cast<std::map<const git_diff_delta*, std::pair<BinarySide, BinarySide>>*>(payload);
    auto copy_side = [](const git_diff_binary_file& f) {
      return BinarySide{f.type, std::string(f.data ? f.data : "", f.datalen), f.inflatedlen};
    };
    (*out)[delta] = {copy_side(binary->old_file), copy_side(binary->new_file)};
    return 0;
  };
  check(git_diff_foreach(diff, on_file, on_binary, nullptr, nullptr, &sides), "cannot read the binary data of the patch");
  return sides;
}

// Inflates one side, or refuses.
std::string inflate_side(const BinarySide& side, const std::string& name, const char* which) {
  if (side.inflated > kMaxBinarySize)
    refuse("binary change to " + show(name) + " is larger than " + std::to_string(kMaxBinarySize >> 20) + " MiB (" +
               std::to_string(side.inflated) + " bytes)",
           "a candidate fix should not carry large binary files");
  if (side.data.empty()) return {};
  std::optional<std::string> out = inflate_bounded(side.data, side.inflated);
  if (!out || out->size() != side.inflated)
    refuse("the " + std::string(which) + " binary data of " + show(name) +
               " is corrupt (truncated, or not the zlib stream of its stated " + std::to_string(side.inflated) +
               " bytes)",
           "regenerate it with `git diff --binary` and pass it unchanged");
  return *out;
}

// Both sides must inflate; the forward side, applied to `preimage`, must give the new object id.
void check_binary(const Entry& e, const std::pair<BinarySide, BinarySide>& sides, const std::string& preimage) {
  const auto& [reverse, forward] = sides;
  std::string forward_data = inflate_side(forward, e.name, "forward");
  inflate_side(reverse, e.name, "reverse");
  if (e.delta->status == GIT_DELTA_DELETED) return;
  std::optional<std::string> result;
  if (forward.data.empty()) result = preimage;  // libgit2: no data means unchanged
  else if (forward.type == GIT_DIFF_BINARY_LITERAL) result = forward_data;
  else if (forward.type == GIT_DIFF_BINARY_DELTA) result = apply_git_delta(preimage, forward_data);
  if (!result)
    refuse("the binary delta of " + show(e.name) + " does not fit the file in the work tree", kRegenerate);
  const git_oid id = hash_text(*result, "'" + e.name + "'");
  if (!git_oid_equal(&id, &e.delta->new_file.id))
    refuse("the binary change to " + show(e.name) + " does not produce the content its index line names (" +
               to_hex(id).substr(0, 12) + ", the index line says " + to_hex(e.delta->new_file.id).substr(0, 12) + ")",
           "regenerate it with `git diff --binary` and pass it unchanged");
}

// A modify, rename or copy without explicit mode lines keeps the work tree's mode (as `git apply`
// does); libgit2 would write 100644, or whatever an index line says.
void keep_mode(Entry& e, const Scan& scan, Edits& edits) {
  const git_diff_delta& d = *e.delta;
  if (d.status == GIT_DELTA_ADDED || d.status == GIT_DELTA_DELETED || e.raw->mode_lines) return;
  uint32_t libgit2_mode = d.new_file.mode ? d.new_file.mode : kModeFile;
  e.file.old_mode = e.file.new_mode = e.worktree_mode;
  if (libgit2_mode == e.worktree_mode) return;
  const std::string mode = mode_text(e.worktree_mode);
  if (e.raw->index_line) {
    std::string_view s = rtrim(chomp(scan.lines[*e.raw->index_line]));
    size_t blank = s.find(' ', 6);  // after "index "
    edits.replace[*e.raw->index_line] = std::string(s.substr(0, blank)) + " " + mode + "\n";
  } else if (!e.raw->hunks.empty()) {
    edits.insert_after[e.raw->line] = "index 0000000..0000000 " + mode + "\n";
  } else {
    edits.insert_after[e.raw->line] = "old mode " + mode + "\nnew mode " + mode + "\n";
  }
}


// ---------------------------------------------------------------------------------------------
// Step 6: libgit2's own dry run, and the real thing.

// Where libgit2 is, for messages: its callbacks see each file and each hunk before applying it.
struct Progress {
  std::string file;
  std::string hunk;
};

int on_delta(const git_diff_delta* delta, void* payload) {
  auto* progress = static_cast<Progress*>(payload);
  progress->file = delta->new_file.path ? delta->new_file.path : delta->old_file.path ? delta->old_file.path : "";
  progress->hunk.clear();
  return 0;
}

int on_hunk(const git_diff_hunk* hunk, void* payload) {
  auto* progress = static_cast<Progress*>(payload);
  std::string_view header(hunk->header, hunk->header_len);
  size_t close = header.find(" @@", 3);
  progress->hunk = std::string(close == std::string_view::npos ? rtrim(header) : header.substr(0, close + 3));
  return 0;
}

void run_apply(const Repository& repo, git_diff* diff, bool dry_run) {
  Progress progress;
  git_apply_options options = GIT_APPLY_OPTIONS_INIT;
  options.delta_cb = on_delta;
  options.hunk_cb = on_hunk;
  options.payload = &progress;
  options.flags = dry_run ? GIT_APPLY_CHECK : 0;
  int rc = git_apply(repo.get(), diff, GIT_APPLY_LOCATION_WORKDIR, &options);
  if (rc >= 0) return;
  const git_error* e = git_error_last();  // read at once: only valid right after the failing call
  bool patch_problem = rc == GIT_EAPPLYFAIL || (e && e->klass == GIT_ERROR_PATCH);
  std::string detail = e && e->message ? e->message : "libgit2 error " + std::to_string(rc);
  std::string where;
  if (!progress.file.empty()) where = " to " + show(progress.file);
  if (!progress.hunk.empty()) where += " (hunk " + progress.hunk + ")";
  if (dry_run && patch_problem) refuse("libgit2 cannot apply the patch" + where + ": " + detail, kRegenerate);
  if (dry_run) throw Error(ErrorKind::git, "cannot dry-run the patch" + where + ": " + detail);
  throw Error(ErrorKind::git,
              "applying the patch failed" + where + ": " + detail + "; files before it may already be written",
              "restore the work tree from the attempt's snapshot");
}

const char* doing(git_delta_t status) {
  switch (status) {
    case GIT_DELTA_ADDED: return "adds";
    case GIT_DELTA_DELETED: return "deletes";
    case GIT_DELTA_RENAMED: return "renames";
    case GIT_DELTA_COPIED: return "copies";
    default: return "modifies";
  }
}

uint32_t effective_mode(uint32_t mode) { return mode ? mode : kModeFile; }

struct Prepared {
  PatchSummary summary;
  std::string text;  // what libgit2 applies
};

Prepared prepare(const Repository& repo, std::string_view patch_text, const Preimages& tree) {
  repo.require_idle();
  if (patch_text.empty()) refuse("the patch is empty", kUseGitDiff);
  if (std::all_of(patch_text.begin(), patch_text.end(), is_space))
    refuse("the patch is empty (it has only whitespace)", kUseGitDiff);
  if (size_t nul = patch_text.find('\0'); nul != std::string_view::npos)
    refuse("the patch contains a NUL byte (" +
               at_line(static_cast<size_t>(std::count(patch_text.begin(), patch_text.begin() + static_cast<long>(nul), '\n'))) +
               "); a patch is text",
           "binary changes need `git diff --binary`");
  std::string text(patch_text);
  if (text.back() != '\n') text += '\n';  // as if saved by an editor; libgit2 needs it on the last hunk line

  // 1 and 2. Two things libgit2 1.5 cannot read are made readable first:
  //  - an entry whose header ends at its index line (an empty file added or deleted by plain
  //    `git diff`; libgit2 issues #5713, #6778) parses only when a "-- " separator follows, as in
  //    `git format-patch` output: add one;
  //  - unquoted names with blanks on the `diff --git` line: libgit2 1.5 cannot split them and leaves
  //    a path NULL, which makes git_apply fail ("invalid argument: 'filename'") or crash (strcmp on
  //    NULL, for a deletion): quote them.
  Scan scan = Scanner(text).run();
  Edits edits;
  for (const RawFile& f : scan.files) {
    if (f.ends_at_index) edits.insert_after[*f.index_line] = "-- \n";
    for (const auto& [index, line] : f.quoted) edits.replace[index] = line;
  }
  DiffPtr diff = parse(edits.empty() ? text : rebuild(scan, edits), edits);
  std::vector<Entry> entries = entries_of(diff.get(), scan);

  // 3
  for (Entry& e : entries) check_entry(e);
  check_entries_together(entries);

  // 4
  const auto binaries = binary_data(diff.get());
  for (Entry& e : entries) {
    const git_diff_delta& d = *e.delta;
    const char* verb = doing(d.status);
    bool has_preimage = d.status != GIT_DELTA_ADDED;
    tree.require_storable(e.file.old_path);
    tree.require_storable(e.file.new_path);
    if (has_preimage) tree.check_parents(e.file.old_path, e.file.old_path);
    if (d.status != GIT_DELTA_DELETED) tree.check_parents(e.file.new_path, e.file.new_path);
    if (has_preimage) e.worktree_mode = tree.require_file(e.file.old_path, verb);
    if (d.status == GIT_DELTA_ADDED || d.status == GIT_DELTA_RENAMED || d.status == GIT_DELTA_COPIED)
      tree.require_absent(e.file.new_path, d.status == GIT_DELTA_ADDED ? "adds" : d.status == GIT_DELTA_RENAMED ? "renames a file to" : "copies a file to");
    if (has_preimage && e.raw->mode_lines && d.old_file.mode && d.old_file.mode != e.worktree_mode)
      refuse("the patch expects " + show(e.file.old_path) + " to have mode " + mode_text(d.old_file.mode) + ", but it has " +
                 mode_text(e.worktree_mode) + " in the work tree",
             kRegenerate);
    tree.require_writable(e.file, d.status);
    std::string content = has_preimage ? tree.read(e.file.old_path) : std::string();
    if (e.file.binary) {
      auto sides = binaries.find(e.delta);
      if (sides == binaries.end())
        throw Error(ErrorKind::internal, "libgit2 gives no binary data for " + show(e.name));
      if (has_preimage) check_binary_base(e, content);
      check_binary(e, sides->second, content);
    }
    if (!has_preimage) continue;
    if (e.file.old_mode == 0) e.file.old_mode = e.worktree_mode;
    if (!e.file.binary && d.status == GIT_DELTA_DELETED) check_deletion(e, content);
    if (!e.file.binary && d.status != GIT_DELTA_DELETED) place_hunks(e, content, edits);
    keep_mode(e, scan, edits);
  }

  // 5 and 6
  Prepared prepared;
  prepared.text = edits.empty() ? text : rebuild(scan, edits);
  DiffPtr final_diff = parse(prepared.text, edits);
  if (git_diff_num_deltas(final_diff.get()) != entries.size())
    throw Error(ErrorKind::internal, "the normalised patch has " + std::to_string(git_diff_num_deltas(final_diff.get())) +
                                         " file entries instead of " + std::to_string(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    const git_diff_delta* d = git_diff_get_delta(final_diff.get(), i);
    const PatchFile& f = entries[i].file;
    bool same = d && d->status == entries[i].delta->status && f.old_path == d->old_file.path &&
                f.new_path == d->new_file.path &&
                (d->status == GIT_DELTA_DELETED || effective_mode(d->new_file.mode) == effective_mode(f.new_mode));
    if (!same)
      throw Error(ErrorKind::internal, "the normalised patch reads differently for " + show(entries[i].name));
  }
  for (Entry& e : entries) {
    prepared.summary.lines_added += e.file.lines_added;
    prepared.summary.lines_deleted += e.file.lines_deleted;
    prepared.summary.files.push_back(std::move(e.file));
  }
  return prepared;
}

}  // namespace

PatchSummary check_patch(const Repository& repo, std::string_view patch_text) {
  Prepared prepared = prepare(repo, patch_text, WorkTree(repo));
  run_apply(repo, parse(prepared.text, Edits{}).get(), true);
  return prepared.summary;
}

PatchSummary apply_patch(const Repository& repo, std::string_view patch_text) {
  Prepared prepared = prepare(repo, patch_text, WorkTree(repo));
  DiffPtr diff = parse(prepared.text, Edits{});
  run_apply(repo, diff.get(), true);
  run_apply(repo, diff.get(), false);
  return prepared.summary;
}

git_oid apply_patch_to_tree(const Repository& repo, const git_oid& tree, std::string_view patch_text) {
  TreePtr base;
  check(git_tree_lookup(out(base), repo.get(), &tree), "cannot read the tree " + to_hex(tree) + " to apply a patch to");
  Prepared prepared = prepare(repo, patch_text, TreeFiles(repo, base.get()));
  DiffPtr diff = parse(prepared.text, Edits{});
  Progress progress;
  git_apply_options options = GIT_APPLY_OPTIONS_INIT;
  options.delta_cb = on_delta;
  options.hunk_cb = on_hunk;
  options.payload = &progress;
  IndexPtr result;
  if (int rc = git_apply_to_tree(out(result), repo.get(), base.get(), diff.get(), &options); rc < 0) {
    const git_error* e = git_error_last();  // read at once: only valid right after the failing call
    bool patch_problem = rc == GIT_EAPPLYFAIL || (e && e->klass == GIT_ERROR_PATCH);
    std::string detail = e && e->message ? e->message : "libgit2 error " + std::to_string(rc);
    std::string where = progress.file.empty() ? "" : " to " + show(progress.file);
    if (!progress.hunk.empty()) where += " (hunk " + progress.hunk + ")";
    if (patch_problem) refuse("libgit2 cannot apply the patch" + where + ": " + detail, kRegenerate);
    throw Error(ErrorKind::git, "cannot apply the patch in memory" + where + ": " + detail);
  }
  git_oid written;
  check(git_index_write_tree_to(&written, result.get(), repo.get()), "cannot store the tree with the patch applied");
  return written;
}

const char* to_string(PatchFile::Change change) noexcept {
  switch (change) {
    case PatchFile::Change::added: return "added";
    case PatchFile::Change::deleted: return "deleted";
    case PatchFile::Change::modified: return "modified";
    case PatchFile::Change::renamed: return "renamed";
    case PatchFile::Change::copied: return "copied";
    case PatchFile::Change::mode_changed: return "mode changed";
  }
  return "modified";
}

std::string describe(const PatchSummary& summary) {
  size_t n = summary.files.size();
  std::string text = std::to_string(n) + (n == 1 ? " file changed" : " files changed") + ", +" +
                     std::to_string(summary.lines_added) + " -" + std::to_string(summary.lines_deleted);
  for (size_t i = 0; i < n && i < kMaxFilesNamed; ++i) {
    const PatchFile& f = summary.files[i];
    text += i == 0 ? ": " : ", ";
    if (f.change == PatchFile::Change::renamed || f.change == PatchFile::Change::copied)
      text += f.old_path + " -> " + f.new_path;
    else
      text += f.change == PatchFile::Change::deleted ? f.old_path : f.new_path;
    text += std::string(" (") + to_string(f.change) + (f.binary ? ", binary" : "") + ")";
  }
  if (n > kMaxFilesNamed) text += ", and " + std::to_string(n - kMaxFilesNamed) + " more";
  return text;
}

}  // namespace autofix::git
