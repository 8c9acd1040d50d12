// SPDX-License-Identifier: MIT
#include "gate/policy/tampering.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace autofix {

namespace {

namespace fs = std::filesystem;
using git::FileDiff;
using git::LineChange;
using runners::DiscoveredTest;

// ---- one candidate finding and where its evidence came from ------------------------------------------

enum class Evidence { text = 0, located = 1, none = 2 };  // a diff line; a registration's file; nothing

struct Candidate {
  TamperFinding f;
  bool from_text = false;
  std::string property;            // WILL_FAIL, SKIP_RETURN_CODE, DISABLED, TIMEOUT
  std::vector<std::string> names;  // a CMake property line: the tests its command names
  bool used = false;               // a text property line whose location went to a registration finding

  Evidence evidence() const {
    if (from_text) return Evidence::text;
    return f.file.empty() ? Evidence::none : Evidence::located;
  }
};

// Most specific first (gate/policy/tampering.h): of the findings of one act, the first here is kept.
int kind_rank(TamperKind kind) {
  static constexpr TamperKind kOrder[] = {TamperKind::disabled,       TamperKind::skipped,      TamperKind::property_changed,
                                          TamperKind::labels_changed, TamperKind::unregistered, TamperKind::missing,
                                          TamperKind::test_source_edited};
  return static_cast<int>(std::find(std::begin(kOrder), std::end(kOrder), kind) - std::begin(kOrder));
}

// Kinds that describe one act (a test no longer running) seen from different sides.
std::string family(const Candidate& c) {
  const TamperKind k = c.f.kind;
  if (k == TamperKind::disabled || k == TamperKind::unregistered || k == TamperKind::missing) return "gone";
  return to_string(k) + ("/" + c.property);
}

// ---- small text helpers -------------------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : trim(s)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string shorten(std::string s, size_t max = 100) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string number(double d) {
  std::ostringstream o;
  o << d;
  return o.str();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_cmake_file(const std::string& path) {
  std::string name = file_name(path);
  return name == "CMakeLists.txt" || lower(name).ends_with(".cmake");
}

bool is_cpp_file(const std::string& path) {
  std::string name = lower(file_name(path));
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  static const std::set<std::string> exts = {".c",   ".cc",  ".cpp", ".cxx", ".c++", ".h",   ".hh",  ".hpp",
                                             ".hxx", ".h++", ".ipp", ".inl", ".tpp", ".ixx", ".cppm"};
  return exts.count(name.substr(dot)) > 0;
}

// `name` occurs in `hay` as a whole part of a test name: "Suite.Name" in "bin::Suite.Name",
// "Inst/Suite.Name/0" or "prefix.Suite.Name"; "bin" in "bin::Suite.Name".
bool contains_as_part(const std::string& hay, const std::string& name) {
  if (name.empty() || name.size() >= hay.size()) return false;
  for (size_t pos = hay.find(name); pos != std::string::npos; pos = hay.find(name, pos + 1)) {
    bool start = pos == 0 || hay[pos - 1] == '/' || hay[pos - 1] == ':' || hay[pos - 1] == '.';
    size_t end = pos + name.size();
    bool stop = end == hay.size() || hay[end] == '/' || hay[end] == ':';
    if (start && stop) return true;
  }
  return false;
}

bool same_test(const std::string& a, const std::string& b) {
  return a == b || contains_as_part(a, b) || contains_as_part(b, a);
}

// ---- C and C++ lines ----------------------------------------------------------------------------------

struct CppLine {
  std::string code;                  // comments removed, string and character literals emptied
  std::string with_strings;          // comments removed
  std::vector<std::string> strings;  // the string literals' contents, in order
};

// Line-local: a block comment opened on an earlier line is only recognised by the usual leading '*'.
CppLine lex_cpp(std::string_view s) {
  CppLine out;
  std::string_view t = trim(s);
  if (t == "*" || t.starts_with("* ") || t.starts_with("*/") || t.starts_with("**")) return out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') break;
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) break;
      out.code += ' ';
      out.with_strings += ' ';
      i = end + 2;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t j = i + 1;
      std::string literal;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) literal += s[j++];
        literal += s[j++];
      }
      size_t end = std::min(j + 1, s.size());
      out.code += c;
      out.code += c;
      out.with_strings.append(s.substr(i, end - i));
      if (c == '"') out.strings.push_back(std::move(literal));
      i = end;
      continue;
    }
    out.code += c;
    out.with_strings += c;
    ++i;
  }
  return out;
}

std::string strip_disabled(const std::string& id) {
  return id.starts_with("DISABLED_") ? id.substr(9) : id;
}

bool catch_hidden(const std::string& tags) {
  return tags.find("[.") != std::string::npos || tags.find("[!hide]") != std::string::npos;
}

struct TestHeader {
  bool gtest = false;
  std::string macro;
  std::string suite, name;  // gtest, as written
  std::string tags;         // Catch2: the second string literal
  std::string key;          // "Suite.Name" without DISABLED_ prefixes, or the TEST_CASE's name
  std::string text;         // TEST(Parser, Handles) or TEST_CASE("name")
  int disabled_parts = 0;   // gtest: how many of suite and name start with DISABLED_
};

std::optional<TestHeader> parse_test_header(const CppLine& line) {
  static const std::regex gtest(R"(\b(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\))");
  static const std::regex strings(
      R"(\b(TEST_CASE|TEST_CASE_METHOD|TEST_CASE_FIXTURE|SCENARIO|TEMPLATE_TEST_CASE|TEMPLATE_LIST_TEST_CASE|TEMPLATE_PRODUCT_TEST_CASE|TEST_CASE_TEMPLATE)\s*\()");
  std::smatch m;
  if (std::regex_search(line.code, m, gtest)) {
    TestHeader h;
    h.gtest = true;
    h.macro = m[1];
    h.suite = m[2];
    h.name = m[3];
    h.key = strip_disabled(h.suite) + "." + strip_disabled(h.name);
    h.text = h.macro + "(" + h.suite + ", " + h.name + ")";
    h.disabled_parts = (h.suite.starts_with("DISABLED_") ? 1 : 0) + (h.name.starts_with("DISABLED_") ? 1 : 0);
    return h;
  }
  if (std::regex_search(line.code, m, strings) && !line.strings.empty()) {
    TestHeader h;
    h.macro = m[1];
    h.name = line.strings[0];
    if (line.strings.size() > 1) h.tags = line.strings[1];
    h.key = h.name;
    h.text = h.macro + "(\"" + h.name + "\")";
    return h;
  }
  return std::nullopt;
}

bool doctest_skip(const CppLine& line) {
  static const std::regex skip(R"(\bdoctest\s*::\s*skip\s*\(\s*(true)?\s*\))");
  return std::regex_search(line.code, skip);
}

// ---- CMake lines --------------------------------------------------------------------------------------

// The line without its comment ('#' outside a quoted argument), spacing collapsed.
std::string cmake_code(std::string_view s) {
  bool quoted = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '\\' && quoted) {
      ++i;
      continue;
    }
    if (s[i] == '"') quoted = !quoted;
    if (s[i] == '#' && !quoted) break;
  }
  return collapse_spaces(s.substr(0, i));
}

bool cmake_true(std::string v) {
  v = lower(v);
  if (v == "1" || v == "on" || v == "yes" || v == "true" || v == "y") return true;
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         std::stoll(v.substr(0, 18)) != 0;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(unquote(w));
  return out;
}

// The tests a set_tests_properties / set_property(TEST ...) line names (empty when it names none).
std::vector<std::string> property_targets(const std::string& code) {
  static const std::regex stp(R"(set_tests_properties\s*\(([^)]*?)\bPROPERTIES\b)", std::regex::icase);
  static const std::regex sp(R"(set_property\s*\(\s*TEST\s+(.*?)\bPROPERTY\b)", std::regex::icase);
  std::smatch m;
  if (std::regex_search(code, m, stp) || std::regex_search(code, m, sp)) {
    std::vector<std::string> names = split_words(m[1]);
    std::erase_if(names, [](const std::string& n) { return n == "DIRECTORY" || n.starts_with("${"); });
    return names;
  }
  return {};
}

// The test an add_test line registers: add_test(NAME x ...) or add_test(x command).
std::string add_test_name(const std::string& code) {
  static const std::regex named(R"(\badd_test\s*\(\s*NAME\s+("[^"]*"|[^\s)]+))", std::regex::icase);
  static const std::regex old_style(R"(\badd_test\s*\(\s*("[^"]*"|[^\s)]+))", std::regex::icase);
  std::smatch m;
  if (std::regex_search(code, m, named) || std::regex_search(code, m, old_style)) {
    std::string name = unquote(m[1]);
    return name.starts_with("${") ? std::string() : name;
  }
  return {};
}

// ---- the detector -------------------------------------------------------------------------------------

class Detector {
 public:
  explicit Detector(const TamperInput& in) : in_(in) {
    for (const DiscoveredTest& t : in.before) before_.emplace(t.name, &t);
    for (const DiscoveredTest& t : in.after) after_.emplace(t.name, &t);
  }

  std::vector<TamperFinding> run() {
    index_lines();
    cmake_text();
    registration();
    cpp_text();
    missing_results();
    source_edits();
    return merge();
  }

 private:
  const TamperInput& in_;
  std::unordered_map<std::string, const DiscoveredTest*> before_, after_;
  std::vector<Candidate> out_;
  std::multiset<std::string> cmake_added_, cmake_removed_, cpp_added_, cpp_removed_;  // normalized lines
  std::multiset<std::string> added_test_keys_;                                        // headers added anywhere
  std::vector<TestHeader> removed_headers_;                                           // in examined files
  std::set<long long> skip_codes_;
  std::map<std::string, std::vector<std::string>> fixed_files_;

  void add(TamperKind kind, std::string file, int line, std::string test, std::string detail, bool text,
           std::string property = {}, std::vector<std::string> names = {}) {
    Candidate c;
    c.f.kind = kind;
    c.f.file = std::move(file);
    c.f.line = line;
    c.f.test = std::move(test);
    c.f.detail = std::move(detail);
    c.from_text = text;
    c.property = std::move(property);
    c.names = std::move(names);
    out_.push_back(std::move(c));
  }

  bool examined_cpp(const FileDiff& f) const {
    if (f.status == FileStatus::added || f.binary || !is_cpp_file(f.path)) return false;
    return !in_.is_test_source || in_.is_test_source(f.path);
  }

  bool examined_cmake(const FileDiff& f) const {
    return f.status != FileStatus::added && !f.binary && is_cmake_file(f.path);
  }

  void index_lines() {
    for (const FileDiff& f : in_.diff) {
      if (f.binary) continue;
      bool cmake = is_cmake_file(f.path), cpp = is_cpp_file(f.path);
      for (const LineChange& l : f.lines) {
        if (cmake) (l.origin == '+' ? cmake_added_ : cmake_removed_).insert(cmake_code(l.text));
        if (!cpp) continue;
        CppLine lexed = lex_cpp(l.text);
        (l.origin == '+' ? cpp_added_ : cpp_removed_).insert(collapse_spaces(lexed.with_strings));
        std::optional<TestHeader> h = parse_test_header(lexed);
        if (!h) continue;
        if (l.origin == '+') added_test_keys_.insert(h->key);
        else if (examined_cpp(f)) removed_headers_.push_back(*h);
      }
    }
  }

  // Consumes one matching line from `pool`; true when the line was there (a move).
  static bool take(std::multiset<std::string>& pool, const std::string& line) {
    auto it = pool.find(line);
    if (it == pool.end()) return false;
    pool.erase(it);
    return true;
  }

  std::string relative(const std::string& source_file) const {
    if (source_file.empty()) return {};
    fs::path p = fs::path(source_file).lexically_normal();
    if (p.is_relative()) return p.generic_string();
    if (in_.source_dir.empty()) return {};
    fs::path rel = p.lexically_relative(in_.source_dir.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return {};
    return rel.generic_string();
  }

  // ---- CMake text ----

  void cmake_text() {
    static const std::regex registration(
        R"(\b(add_test|gtest_discover_tests|gtest_add_tests|catch_discover_tests|doctest_discover_tests)\s*\()",
        std::regex::icase);
    static const std::regex will_fail(R"re((^|[\s(])WILL_FAIL\s+"?(\w+)"?)re");
    static const std::regex disabled(R"re((^|[\s(])DISABLED\s+"?(\w+)"?)re");
    static const std::regex skip_code(R"re((^|[\s(])SKIP_RETURN_CODE\s+"?(\d+)"?)re");
    static const std::regex timeout(R"re((^|[\s(])TIMEOUT\s+"?(\d+(\.\d+)?)"?)re");
    std::multiset<std::string> readded = cmake_added_, moved_from = cmake_removed_;
    for (const FileDiff& f : in_.diff) {
      if (!examined_cmake(f)) continue;
      struct Limit {
        int line;
        double seconds;
        std::vector<std::string> names;
      };
      std::vector<Limit> removed_limits, added_limits;
      for (const LineChange& l : f.lines) {
        std::string code = cmake_code(l.text);
        if (code.empty()) continue;
        std::smatch m;
        if (l.origin == '-') {
          if (take(readded, code)) continue;
          if (std::regex_search(code, m, registration))
            add(TamperKind::unregistered, f.path, l.old_line, lower(m[1]) == "add_test" ? add_test_name(code) : "",
                "'" + shorten(code) + "' removed and not re-added elsewhere in the fix", true);
          if (std::regex_search(code, m, timeout))
            removed_limits.push_back({l.old_line, std::stod(m[2]), property_targets(code)});
          continue;
        }
        if (take(moved_from, code)) continue;
        std::vector<std::string> names = property_targets(code);
        std::string test = names.size() == 1 ? names[0] : "";
        if (std::regex_search(code, m, will_fail) && cmake_true(m[2]))
          add(TamperKind::property_changed, f.path, l.new_line, test,
              "WILL_FAIL set to " + m[2].str() + ": a failing run counts as a pass", true, "WILL_FAIL", names);
        if (std::regex_search(code, m, disabled) && cmake_true(m[2]))
          add(TamperKind::property_changed, f.path, l.new_line, test,
              "DISABLED set to " + m[2].str() + ": the test no longer runs", true, "DISABLED", names);
        if (std::regex_search(code, m, skip_code)) {
          skip_codes_.insert(std::stoll(m[2].str().substr(0, 18)));
          add(TamperKind::property_changed, f.path, l.new_line, test,
              "SKIP_RETURN_CODE " + m[2].str() + " set: exiting with " + m[2].str() + " counts as skipped", true,
              "SKIP_RETURN_CODE", names);
        }
        if (std::regex_search(code, m, timeout))
          added_limits.push_back({l.new_line, std::stod(m[2]), std::move(names)});
      }
      // A TIMEOUT line pairs with the added one naming the same tests, else with the next unpaired one;
      // a raised limit, or one removed without a replacement, is a cut.
      std::vector<bool> paired(added_limits.size(), false);
      std::vector<const Limit*> partner(removed_limits.size(), nullptr);
      for (size_t pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < removed_limits.size(); ++i)
          for (size_t j = 0; j < added_limits.size() && !partner[i]; ++j) {
            if (paired[j]) continue;
            const std::vector<std::string>& a = removed_limits[i].names;
            const std::vector<std::string>& b = added_limits[j].names;
            if (pass == 0 ? (a.empty() || a != b) : (!a.empty() && !b.empty() && a != b)) continue;
            paired[j] = true;
            partner[i] = &added_limits[j];
          }
      for (size_t i = 0; i < removed_limits.size(); ++i) {
        const Limit& was = removed_limits[i];
        if (const Limit* now = partner[i]) {
          if (now->seconds > was.seconds)
            add(TamperKind::property_changed, f.path, now->line, now->names.size() == 1 ? now->names[0] : "",
                "TIMEOUT raised from " + number(was.seconds) + " to " + number(now->seconds) +
                    " s: a hang takes longer to fail",
                true, "TIMEOUT", now->names);
        } else {
          add(TamperKind::property_changed, f.path, was.line, was.names.size() == 1 ? was.names[0] : "",
              "TIMEOUT " + number(was.seconds) + " s removed: a hang no longer fails after " +
                  number(was.seconds) + " s",
              true, "TIMEOUT", was.names);
        }
      }
    }
  }

  // ---- CTest's registration ----

  bool selects(const std::vector<std::string>& tier, const std::vector<std::string>& labels) const {
    for (const std::string& pattern : tier) {
      bool any = std::any_of(labels.begin(), labels.end(), [&](const std::string& label) {
        try {
          return std::regex_search(label, std::regex(pattern));
        } catch (const std::regex_error&) {
          return label.find(pattern) != std::string::npos;
        }
      });
      if (!any) return false;
    }
    return true;
  }

  void registration() {
    for (const auto* list : {&in_.before, &in_.after})
      for (const DiscoveredTest& t : *list)
        if (t.skip_return_code && *t.skip_return_code != 0) skip_codes_.insert(*t.skip_return_code);
    if (in_.after.empty()) return;  // the fix's registration is unknown
    for (const DiscoveredTest& b : in_.before) {
      if (b.disabled) continue;
      auto it = after_.find(b.name);
      if (it == after_.end()) {
        add(TamperKind::unregistered, relative(b.source_file), b.source_line, b.name,
            "registered at the baseline, no longer registered with the fix", false);
        continue;
      }
      const DiscoveredTest& a = *it->second;
      std::string file = relative(a.source_file);
      int line = file.empty() ? 0 : a.source_line;
      if (a.disabled) add(TamperKind::disabled, file, line, b.name, "the DISABLED property was turned on", false, "DISABLED");
      if (a.will_fail && !b.will_fail)
        add(TamperKind::property_changed, file, line, b.name, "WILL_FAIL was turned on: a failing run counts as a pass", false,
            "WILL_FAIL");
      if (a.skip_return_code && a.skip_return_code != b.skip_return_code) {
        std::string code = std::to_string(*a.skip_return_code);
        add(TamperKind::property_changed, file, line, b.name,
            (b.skip_return_code ? "SKIP_RETURN_CODE changed from " + std::to_string(*b.skip_return_code) + " to " + code
                                : "SKIP_RETURN_CODE " + code + " was set") +
                ": exiting with " + code + " counts as skipped",
            false, "SKIP_RETURN_CODE");
      }
      if (b.timeout && !a.timeout)
        add(TamperKind::property_changed, file, line, b.name,
            "TIMEOUT " + number(*b.timeout) + " s was removed: a hang no longer fails after " + number(*b.timeout) +
                " s",
            false, "TIMEOUT");
      else if (b.timeout && *a.timeout > *b.timeout)
        add(TamperKind::property_changed, file, line, b.name,
            "TIMEOUT raised from " + number(*b.timeout) + " to " + number(*a.timeout) + " s: a hang takes longer to fail",
            false, "TIMEOUT");
      for (const std::vector<std::string>& tier : in_.tier_label_sets) {
        if (!selects(tier, b.labels) || selects(tier, a.labels)) continue;
        add(TamperKind::labels_changed, file, line, b.name,
            "labels [" + join(b.labels) + "] changed to [" + join(a.labels) + "]: the tier selecting [" + join(tier) +
                "] no longer runs it",
            false);
        break;
      }
    }
  }

  // ---- C and C++ text ----

  const std::vector<std::string>* fixed_file(const std::string& path) {
    if (!in_.read_fixed_file) return nullptr;
    auto it = fixed_files_.find(path);
    if (it == fixed_files_.end()) {
      std::vector<std::string> lines;
      if (std::optional<std::string> text = in_.read_fixed_file(path)) {
        std::istringstream s(*text);
        for (std::string l; std::getline(s, l);) lines.push_back(l);
      }
      it = fixed_files_.emplace(path, std::move(lines)).first;
    }
    return &it->second;
  }

  // The test whose header is the nearest at or above `line` in the fixed file.
  std::string enclosing_test(const std::string& path, int line) {
    const std::vector<std::string>* lines = fixed_file(path);
    if (!lines) return {};
    for (int i = std::min(line, static_cast<int>(lines->size())); i >= 1; --i)
      if (std::optional<TestHeader> h = parse_test_header(lex_cpp((*lines)[static_cast<size_t>(i - 1)]))) return h->key;
    return {};
  }

  const TestHeader* removed_header(const std::string& key) const {
    for (const TestHeader& h : removed_headers_)
      if (h.key == key) return &h;
    return nullptr;
  }

  void cpp_text() {
    static const std::regex gtest_skip(R"(\bGTEST_SKIP\b)");
    static const std::regex catch_skip(R"(\bSKIP\s*\()");
    static const std::regex exit_code(R"(\b(?:return\s+|(?:std\s*::\s*)?_?[eE]xit\s*\(\s*)(\d+)\b)");
    std::multiset<std::string> moved_from = cpp_removed_, readded = cpp_added_;
    std::multiset<std::string> added_keys = added_test_keys_;
    for (const FileDiff& f : in_.diff) {
      if (!examined_cpp(f)) continue;
      for (const LineChange& l : f.lines) {
        CppLine lexed = lex_cpp(l.text);
        std::string norm = collapse_spaces(lexed.with_strings);
        if (norm.empty()) continue;
        std::optional<TestHeader> h = parse_test_header(lexed);
        if (l.origin == '-') {
          if (take(readded, norm)) continue;
          bool was_running = h && h->disabled_parts == 0 && !catch_hidden(h->tags);
          if (was_running && !take(added_keys, h->key))
            add(TamperKind::missing, f.path, l.old_line, h->key, h->text + " deleted", true);
          continue;
        }
        if (take(moved_from, norm)) continue;
        if (h) {
          const TestHeader* was = removed_header(h->key);
          if (!was) continue;  // a new test
          if (h->gtest && was->gtest && h->disabled_parts > was->disabled_parts) {
            bool name = h->name.starts_with("DISABLED_") && !was->name.starts_with("DISABLED_");
            add(TamperKind::disabled, f.path, l.new_line, h->key,
                was->text + (name ? " renamed to " + h->name : ": suite renamed to " + h->suite), true);
            continue;
          }
          if (!h->gtest && catch_hidden(h->tags) && !catch_hidden(was->tags)) {
            add(TamperKind::skipped, f.path, l.new_line, h->key,
                was->text + " tagged \"" + h->tags + "\": hidden from default runs", true);
            continue;
          }
        }
        auto skipped = [&](const std::string& what) {
          add(TamperKind::skipped, f.path, l.new_line, h ? h->key : enclosing_test(f.path, l.new_line), what + " added", true);
        };
        if (doctest_skip(lexed) && !(h && !removed_header(h->key))) skipped("doctest::skip()");
        if (std::regex_search(lexed.code, gtest_skip)) skipped("GTEST_SKIP()");
        else if (std::regex_search(lexed.code, catch_skip)) skipped("SKIP()");
        std::smatch m;
        if (std::regex_search(lexed.code, m, exit_code) && m[1].length() < 10 &&
            skip_codes_.count(std::stoll(m[1].str())))
          skipped("'" + shorten(collapse_spaces(lexed.code), 60) + "' (" + m[1].str() + " is a SKIP_RETURN_CODE)");
      }
    }
  }

  // ---- results ----

  const DiscoveredTest* registered_before(const TestOutcome& o) const {
    auto it = before_.find(o.ctest_test.empty() ? o.name : o.ctest_test);
    return it == before_.end() ? nullptr : it->second;
  }

  void missing_results() {
    for (const TestOutcome& o : in_.outcomes) {
      if (o.transition != Transition::MISSING) continue;
      if (o.baseline && o.baseline->status == RunStatus::not_run) continue;
      const DiscoveredTest* t = registered_before(o);
      std::string file = t ? relative(t->source_file) : "";
      add(TamperKind::missing, file, file.empty() ? 0 : t->source_line, o.name,
          "ran at the baseline and did not run with the fix", false);
    }
  }

  // ---- edits to test sources ----

  void source_edits() {
    if (!in_.is_test_source) return;
    for (const FileDiff& f : in_.diff) {
      if (f.status == FileStatus::added) continue;
      if (!in_.is_test_source(f.path) && !(f.old_path != f.path && in_.is_test_source(f.old_path))) continue;
      if (f.lines.empty() && !f.binary) continue;  // a mode change
      int line = 0;
      if (!f.lines.empty()) line = f.lines.front().origin == '+' ? f.lines.front().new_line : f.lines.front().old_line;
      if (f.status == FileStatus::deleted) {
        add(TamperKind::test_source_edited, f.path, line, "", "existing test source deleted", true);
        continue;
      }
      size_t added = 0, removed = 0;
      for (const LineChange& l : f.lines) ++(l.origin == '+' ? added : removed);
      add(TamperKind::test_source_edited, f.path, line, "",
          f.binary ? "existing test file modified (binary)"
                   : "existing test source modified (" + std::to_string(added) + " line(s) added, " +
                         std::to_string(removed) + " removed)",
          true);
      out_.back().f.downgraded = in_.allow_test_edits;
    }
  }

  // ---- one finding per act ----

  std::vector<TamperFinding> merge() {
    // A registration property change takes the location of the CMake line that made it.
    for (Candidate& r : out_) {
      if (r.from_text || r.property.empty()) continue;
      for (Candidate& t : out_) {
        if (!t.from_text || t.property != r.property || t.f.kind != TamperKind::property_changed) continue;
        bool names_it = std::find(t.names.begin(), t.names.end(), r.f.test) != t.names.end();
        if (!names_it && !t.names.empty()) continue;
        r.f.file = t.f.file;
        r.f.line = t.f.line;
        r.from_text = true;
        t.used = true;
        break;
      }
    }
    std::erase_if(out_, [](const Candidate& c) { return c.used; });

    // Group what one act left in several places: same family, related test names.
    std::vector<size_t> parent(out_.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto root = [&](size_t i) {
      while (parent[i] != i) i = parent[i] = parent[parent[i]];
      return i;
    };
    for (size_t i = 0; i < out_.size(); ++i)
      for (size_t j = i + 1; j < out_.size(); ++j)
        if (!out_[i].f.test.empty() && !out_[j].f.test.empty() && family(out_[i]) == family(out_[j]) &&
            same_test(out_[i].f.test, out_[j].f.test))
          parent[root(j)] = root(i);
    std::map<size_t, std::vector<const Candidate*>> groups;
    for (size_t i = 0; i < out_.size(); ++i) groups[root(i)].push_back(&out_[i]);

    std::vector<TamperFinding> result;
    for (const auto& [_, members] : groups) {
      auto by_kind = [](const Candidate* a, const Candidate* b) {
        return std::tuple(kind_rank(a->f.kind), a->evidence()) < std::tuple(kind_rank(b->f.kind), b->evidence());
      };
      auto by_place = [](const Candidate* a, const Candidate* b) { return a->evidence() < b->evidence(); };
      const Candidate* primary = *std::min_element(members.begin(), members.end(), by_kind);
      const Candidate* place = *std::min_element(members.begin(), members.end(), by_place);
      TamperFinding f = primary->f;
      if (place->evidence() < primary->evidence()) {
        f.file = place->f.file;
        f.line = place->f.line;
      }
      result.push_back(std::move(f));
    }
    // Kinds in the order of their names, as when they were strings.
    auto key = [](const TamperFinding& f) {
      return std::make_tuple(std::cref(f.file), f.line, kTamperKinds.name_of(f.kind), std::cref(f.test), std::cref(f.detail));
    };
    std::sort(result.begin(), result.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
    result.erase(std::unique(result.begin(), result.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                 result.end());
    return result;
  }
};

}  // namespace

std::vector<TamperFinding> detect_tampering(const TamperInput& input) { return Detector(input).run(); }

bool blocks_acceptance(const TamperFinding& finding) noexcept { return !finding.downgraded; }

std::string format_tamper_finding(const TamperFinding& f) {
  std::string out = f.downgraded ? "warning: " : "";
  out += to_string(f.kind) + std::string(": ");
  if (!f.file.empty()) out += f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "") + ": ";
  if (!f.test.empty()) out += "test '" + f.test + "': ";
  out += f.detail;
  if (f.downgraded) out += " (allowed by --allow-test-edits)";
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace autofix
