// SPDX-License-Identifier: MIT
#include "runners/discovery_key.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "gate/util/atomic_file.h"
#include "gate/util/error.h"

namespace autofix::runners {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A script larger than this is not read for a key (ctest is asked).
constexpr std::uintmax_t kMaxScriptBytes = 64u * 1024 * 1024;
// More scripts than this (subdirectories and includes) are not followed.
constexpr std::size_t kMaxScripts = 100'000;

class ScriptParser {
 public:
  explicit ScriptParser(std::string_view text) : s_(text) {}

  std::optional<std::vector<CMakeCommand>> commands() {
    std::vector<CMakeCommand> out;
    while (true) {
      if (!skip_space_and_comments(true)) return std::nullopt;
      if (at_end()) return out;
      CMakeCommand c;
      while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) c.name += s_[i_++];
      if (c.name.empty() || std::isdigit(static_cast<unsigned char>(c.name[0]))) return std::nullopt;
      while (!at_end() && (peek() == ' ' || peek() == '\t')) ++i_;
      if (at_end() || peek() != '(') return std::nullopt;
      ++i_;
      if (!arguments(c.arguments)) return std::nullopt;
      out.push_back(std::move(c));
    }
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }

  // The length of a bracket opening "[==[" at i_ (0 when there is none); `level` gets the number of '='.
  std::size_t bracket_open(std::size_t& level) const {
    if (at_end() || s_[i_] != '[') return 0;
    std::size_t j = i_ + 1;
    while (j < s_.size() && s_[j] == '=') ++j;
    if (j >= s_.size() || s_[j] != '[') return 0;
    level = j - i_ - 1;
    return j - i_ + 1;
  }

  // Reads a bracket text from i_ (an opening is there); false when it is not closed.
  bool bracket(std::size_t open, std::size_t level, std::string* text) {
    i_ += open;
    const std::string close = "]" + std::string(level, '=') + "]";
    std::size_t end = s_.find(close, i_);
    if (end == std::string_view::npos) return false;
    std::size_t from = i_;
    if (from < end && s_[from] == '\n') ++from;  // a newline right after the opening is not part of it
    if (text) *text = std::string(s_.substr(from, end - from));
    i_ = end + close.size();
    return true;
  }

  // Skips whitespace (newlines too when `newlines`) and comments; false for an unclosed bracket comment.
  bool skip_space_and_comments(bool newlines) {
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        ++i_;
      } else if (c == '#') {
        ++i_;
        std::size_t level = 0;
        if (std::size_t open = bracket_open(level)) {
          if (!bracket(open, level, nullptr)) return false;
        } else {
          while (!at_end() && peek() != '\n') ++i_;
        }
      } else {
        break;
      }
    }
    return true;
  }

  bool arguments(std::vector<std::string>& out) {
    int depth = 1;
    while (true) {
      if (!skip_space_and_comments(true)) return false;
      if (at_end()) return false;
      char c = peek();
      if (c == '(') {
        ++depth;
        ++i_;
      } else if (c == ')') {
        ++i_;
        if (--depth == 0) return true;
      } else if (c == '"') {
        ++i_;
        std::string text;
        while (true) {
          if (at_end()) return false;
          char q = s_[i_++];
          if (q == '"') break;
          if (q == '\\') {
            if (at_end()) return false;
            char e = s_[i_++];
            if (e == '\n') continue;  // a line continuation
            if (e == ';') text += "\\;";  // kept as written: it is not a list separator
            else text += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          } else {
            text += q;
          }
        }
        out.push_back(std::move(text));
      } else if (std::size_t level = 0, open = bracket_open(level); open) {
        std::string text;
        if (!bracket(open, level, &text)) return false;
        out.push_back(std::move(text));
      } else {
        std::string text;
        while (!at_end()) {
          char u = peek();
          if (u == ' ' || u == '\t' || u == '\r' || u == '\n' || u == '(' || u == ')' || u == '#' || u == '"') break;
          ++i_;
          if (u == '\\') {
            if (at_end()) return false;
            u = s_[i_++];
          }
          text += u;
        }
        out.push_back(std::move(text));
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool has_variable(std::string_view text) { return text.find("${") != std::string_view::npos; }

// What `if(EXISTS/IS_DIRECTORY/IS_SYMLINK ...)` can tell of a path: whether it is there and what it is.
std::string kind_of(const fs::path& path) {
  std::error_code ec;
  fs::file_status link = fs::symlink_status(path, ec);
  fs::file_status target = fs::status(path, ec);
  auto name = [](fs::file_type t) {
    switch (t) {
      case fs::file_type::not_found: return "absent";
      case fs::file_type::regular: return "file";
      case fs::file_type::directory: return "directory";
      case fs::file_type::symlink: return "symlink";
      case fs::file_type::none: return "unknown";
      default: return "other";
    }
  };
  return std::string(name(link.type())) + " " + name(target.type());
}

// Walks the scripts ctest reads for a listing, and writes into `key` what decides what they say.
class Walk {
 public:
  explicit Walk(json& key) : key_(key) {}

  // Reads and accounts for the script at `path`; `required`: a script that is not there has no key
  // (ctest would fail on it); else its absence is part of the key. Returns false with `problem` set
  // when the script cannot be accounted for.
  bool script(const fs::path& path, bool required) {
    if (!seen_.insert(path).second) return true;
    if (seen_.size() > kMaxScripts) return fail("more than " + std::to_string(kMaxScripts) + " scripts");
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found) {
      if (required) return fail("'" + path.string() + "' is not there");
      key_.push_back({"script", path.string(), nullptr});
      return true;
    }
    if (ec || st.type() != fs::file_type::regular) return fail("'" + path.string() + "' is not a readable file");
    if (fs::file_size(path, ec) > kMaxScriptBytes || ec) return fail("'" + path.string() + "' is too large to read");
    std::optional<std::string> text;
    try {
      text = read_file_if_exists(path);
    } catch (const Error& e) {
      return fail(e.what());
    }
    if (!text) return fail("'" + path.string() + "' went away while it was read");
    key_.push_back({"script", path.string(), *text});
    std::optional<std::vector<CMakeCommand>> commands = parse_cmake_script(*text);
    if (!commands) return fail("'" + path.string() + "' is not a CMake script the gate can read");
    // if()/elseif() blocks whose condition is `[NOT] EXISTS <absolute path>` (what gtest_discover_tests
    // and catch_discover_tests write) are followed as ctest will run them; the branches of any other
    // condition are all accounted for.
    struct Block {
      bool known;  // the branch taken is known
      bool taken;  // a branch of it was taken (when known)
      bool active;
    };
    std::vector<Block> blocks;
    auto active = [&] { return std::all_of(blocks.begin(), blocks.end(), [](const Block& b) { return b.active; }); };
    for (const CMakeCommand& c : *commands) {
      const std::string name = lower(c.name);
      if (name == "if" || name == "elseif") {
        if (name == "elseif" && blocks.empty()) return fail("'" + path.string() + "' has elseif() outside if()");
        bool outer = name == "if" ? active() : std::all_of(blocks.begin(), blocks.end() - 1, [](const Block& b) { return b.active; });
        if (outer && !command(c, path)) return false;
        std::optional<bool> value = outer ? evaluate(c.arguments) : std::optional<bool>(false);
        if (name == "if") {
          blocks.push_back({value.has_value(), value.value_or(false), value.value_or(true)});
        } else {
          Block& b = blocks.back();
          if (!b.known) b.active = true;
          else if (b.taken) b.active = false;
          else if (!value) b = {false, false, true};
          else b = {true, *value, *value};
        }
      } else if (name == "else") {
        if (blocks.empty()) return fail("'" + path.string() + "' has else() outside if()");
        Block& b = blocks.back();
        b.active = !b.known || !b.taken;
      } else if (name == "endif") {
        if (blocks.empty()) return fail("'" + path.string() + "' has endif() outside if()");
        blocks.pop_back();
      } else if (active() && !command(c, path)) {
        return false;
      }
    }
    if (!blocks.empty()) return fail("'" + path.string() + "' has if() without endif()");
    return true;
  }

  const std::string& problem() const { return problem_; }

 private:
  bool fail(std::string why) {
    problem_ = std::move(why);
    return false;
  }

  bool command(const CMakeCommand& c, const fs::path& script_path) {
    const std::string name = lower(c.name);
    const std::string where = "'" + script_path.string() + "' calls " + c.name + "()";
    for (const std::string& a : c.arguments)
      if (a.find("$ENV{") != std::string::npos || a.find("$CACHE{") != std::string::npos)
        return fail(where + " reading the environment or the cache");
    static const std::set<std::string> pure = {"set", "unset", "list", "message", "else", "endif",
                                               "set_tests_properties", "set_directory_properties"};
    if (pure.count(name)) return true;
    if (name == "if" || name == "elseif") return condition(c, where);
    if (name == "add_test") {
      // add_test(<name> <command> <arg>...): ctest prints the command's executable as it finds it.
      if (c.arguments.size() < 2) return fail(where + " without a command");
      const std::string& program = c.arguments[1];
      if (has_variable(program) || !fs::path(program).is_absolute())
        return fail(where + " with a command that is not an absolute path ('" + program + "')");
      std::error_code ec;
      if (!fs::is_regular_file(program, ec)) return fail(where + " with a command that is not a file ('" + program + "')");
      key_.push_back({"executable", program, "file"});
      return true;
    }
    if (name == "include") {
      if (c.arguments.empty()) return fail(where + " without a file");
      const std::string& file = c.arguments[0];
      if (has_variable(file) || !fs::path(file).is_absolute())
        return fail(where + " with a file that is not an absolute path ('" + file + "')");
      bool optional = false;
      for (size_t i = 1; i < c.arguments.size(); ++i) {
        if (c.arguments[i] == "OPTIONAL") optional = true;
        else return fail(where + " with " + c.arguments[i]);
      }
      return script(fs::path(file), !optional);
    }
    if (name == "subdirs") {
      for (const std::string& dir : c.arguments) {
        if (has_variable(dir)) return fail(where + " with a directory named through a variable ('" + dir + "')");
        fs::path d = fs::path(dir).is_absolute() ? fs::path(dir) : script_path.parent_path() / dir;
        if (!script(d / "CTestTestfile.cmake", false)) return false;
      }
      return true;
    }
    return fail(where + ", which the gate cannot tell the effect of");
  }

  // The value of `if(EXISTS <path>)` or `if(NOT EXISTS <path>)` for an absolute path that is no symbolic
  // link; nullopt for any other condition.
  static std::optional<bool> evaluate(const std::vector<std::string>& a) {
    bool negated = a.size() == 3 && a[0] == "NOT";
    if (!(a.size() == 2 || negated) || a[negated ? 1 : 0] != "EXISTS") return std::nullopt;
    const std::string& p = a[negated ? 2 : 1];
    if (has_variable(p) || !fs::path(p).is_absolute()) return std::nullopt;
    std::error_code ec;
    fs::file_status link = fs::symlink_status(p, ec);
    if (link.type() == fs::file_type::symlink || link.type() == fs::file_type::none) return std::nullopt;
    bool exists = link.type() != fs::file_type::not_found;
    return exists != negated;
  }

  bool condition(const CMakeCommand& c, const std::string& where) {
    const std::vector<std::string>& a = c.arguments;
    for (size_t i = 0; i < a.size(); ++i) {
      static const std::set<std::string> tests = {"EXISTS", "IS_DIRECTORY", "IS_SYMLINK", "IS_READABLE",
                                                  "IS_WRITABLE", "IS_EXECUTABLE"};
      if (tests.count(a[i]) || a[i] == "IS_NEWER_THAN") {
        std::vector<const std::string*> operands;
        if (i + 1 < a.size()) operands.push_back(&a[i + 1]);
        if (a[i] == "IS_NEWER_THAN" && i > 0) operands.push_back(&a[i - 1]);
        if (a[i] == "IS_READABLE" || a[i] == "IS_WRITABLE" || a[i] == "IS_EXECUTABLE")
          return fail(where + " with " + a[i]);
        for (const std::string* p : operands) {
          if (has_variable(*p) || !fs::path(*p).is_absolute())
            return fail(where + " testing a path that is not absolute ('" + *p + "')");
          if (a[i] == "IS_NEWER_THAN")
            key_.push_back({"stamp", *p, file_stamp(*p).value_or("absent")});
          else
            key_.push_back({"kind", *p, kind_of(*p)});
        }
      }
    }
    return true;
  }

  json& key_;
  std::set<fs::path> seen_;
  std::string problem_;
};

}  // namespace

std::optional<std::vector<CMakeCommand>> parse_cmake_script(std::string_view text) {
  return ScriptParser(text).commands();
}

std::optional<std::string> file_stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  auto ns = [](const timespec& t) { return std::to_string(static_cast<long long>(t.tv_sec) * 1'000'000'000LL + t.tv_nsec); };
  return std::to_string(st.st_size) + " " + ns(st.st_mtim) + " " + ns(st.st_ctim) + " " + std::to_string(st.st_ino) +
         " " + std::to_string(st.st_dev);
}

ListingKey ctest_listing_key(const fs::path& build_dir, const std::vector<std::string>& labels,
                             std::string_view ctest_identity) {
  ListingKey out;
  const fs::path dir = fs::absolute(build_dir).lexically_normal();
  json key = json::array();
  key.push_back({"ctest --show-only=json-v1", 1});
  key.push_back({"ctest", std::string(ctest_identity)});
  key.push_back({"directory", dir.string()});
  key.push_back({"labels", labels});
  Walk walk(key);
  // CTestCustom first: ctest reads it before the tests.
  if (!walk.script(dir / "CTestCustom.cmake", false) || !walk.script(dir / "CTestCustom.ctest", false) ||
      !walk.script(dir / "CTestTestfile.cmake", true)) {
    out.unkeyed = walk.problem();
    return out;
  }
  out.key = key.dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

ListingKey gtest_listing_key(const fs::path& binary, const DiscoveredTest& test, const fs::path& build_dir) {
  ListingKey out;
  std::error_code ec;
  fs::path real = fs::canonical(binary, ec);
  std::optional<std::string> stamp = ec ? std::nullopt : file_stamp(real);
  if (!stamp) {
    out.unkeyed = "'" + binary.string() + "' is not there";
    return out;
  }
  json key = json::array();
  key.push_back({"--gtest_list_tests", 1});
  key.push_back({"binary", real.string(), *stamp});
  key.push_back({"working directory", test.working_directory.empty() ? build_dir.string() : test.working_directory});
  key.push_back({"environment", test.environment});
  out.key = key.dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

}  // namespace autofix::runners
