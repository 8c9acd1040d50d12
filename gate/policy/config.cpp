#include "gate/policy/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <initializer_list>
#include <set>

#include "gate/util/error.h"
#include "gate/util/paths.h"
#include "gate/util/spelling.h"
#include "gate/util/io_errors.h"
#include "runners/program_lookup.h"

namespace autofix {

namespace fs = std::filesystem;
// ordered_json keeps the file's key order, so the first problem reported is the first in the file.
using ojson = nlohmann::ordered_json;

namespace {

constexpr std::string_view kDocHint = "docs/configuration.md describes every key and value";
constexpr std::array<std::string_view, 6> kKinds = {"ctest", "clang-tidy", "cppcheck", "sanitizers", "secrets", "command"};
constexpr std::array<std::string_view, 3> kLanes = {"docs", "standard", "heavy"};
constexpr std::array<std::string_view, 3> kLevels = {"normal", "high", "critical"};

// "a, b or c"
template <typename Range>
std::string one_of(const Range& names) {
  std::string out;
  size_t i = 0, n = std::size(names);
  for (const auto& name : names) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += name;
    ++i;
  }
  return out;
}

bool contains(const auto& range, std::string_view value) {
  return std::find(std::begin(range), std::end(range), value) != std::end(range);
}

// Text from the file, shown inside quotes: capped, control characters made visible.
std::string shown(std::string_view text) {
  constexpr size_t kCap = 80;
  std::string out;
  for (char c : text.substr(0, kCap)) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  if (text.size() > kCap) out += "...";
  return out;
}

std::string quote(std::string_view text) { return "'" + shown(text) + "'"; }

// What a value is, for "expected X, got Y".
std::string describe(const ojson& v) {
  switch (v.type()) {
    case ojson::value_t::null: return "null";
    case ojson::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case ojson::value_t::number_integer:
    case ojson::value_t::number_unsigned:
    case ojson::value_t::number_float: return "the number " + v.dump();
    case ojson::value_t::string: {
      std::string dumped = v.dump(-1, ' ', false, ojson::error_handler_t::replace);
      return "the string " + (dumped.size() > 60 ? dumped.substr(0, 56) + "...\"" : dumped);
    }
    case ojson::value_t::array: return "an array";
    case ojson::value_t::object: return "an object";
    default: return "an unexpected value";
  }
}

// "did you mean 'x'?" for a near miss (gate/util/spelling.h), else the fallback.
template <typename Range>
std::string suggestion(std::string_view got, const Range& names, std::string_view fallback = kDocHint) {
  std::optional<std::string> near = closest_name(got, std::vector<std::string_view>(std::begin(names), std::end(names)));
  return near ? "did you mean '" + *near + "'?" : std::string(fallback);
}

std::string child(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : where + "." + std::string(key);
}
std::string element(const std::string& where, size_t index) { return where + "[" + std::to_string(index) + "]"; }

class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what, std::string_view hint = kDocHint) const {
    throw Error(ErrorKind::usage, source_ + ": " + (where.empty() ? "" : where + ": ") + what, std::string(hint));
  }

  const ojson& object(const ojson& v, const std::string& where) const {
    if (!v.is_object()) fail(where, "expected an object, got " + describe(v));
    return v;
  }

  // Refuses keys outside `allowed`, naming the allowed ones.
  void check_keys(const ojson& obj, const std::string& where, std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : obj.items()) {
      if (contains(allowed, key)) continue;
      fail(where, "unknown key " + quote(key) + " (expected " + one_of(allowed) + ")", suggestion(key, allowed));
    }
  }

  std::string string(const ojson& v, const std::string& where) const {
    if (!v.is_string()) fail(where, "expected a string, got " + describe(v));
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty()) fail(where, "empty");
    if (s.find('\0') != std::string::npos) fail(where, "holds a NUL character");
    return s;
  }

  bool boolean(const ojson& v, const std::string& where) const {
    if (!v.is_boolean()) fail(where, "expected true or false, got " + describe(v));
    return v.get<bool>();
  }

  int64_t integer(const ojson& v, const std::string& where, int64_t low, int64_t high, std::string_view unit = {}) const {
    if (!v.is_number_integer()) fail(where, "expected an integer, got " + describe(v));
    bool in_range;
    if (v.is_number_unsigned()) {  // every non-negative integer, and those above INT64_MAX
      const uint64_t u = v.get<uint64_t>();
      in_range = u <= static_cast<uint64_t>(high) && (low <= 0 || u >= static_cast<uint64_t>(low));
    } else {
      const int64_t i = v.get<int64_t>();
      in_range = i >= low && i <= high;
    }
    if (!in_range)
      fail(where, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                      (unit.empty() ? "" : " " + std::string(unit)) + ", got " + v.dump());
    return v.get<int64_t>();
  }

  // An array of non-empty strings; `refuse_empty` (the reason to give) makes an empty array an error.
  std::vector<std::string> strings(const ojson& v, const std::string& where,
                                   std::optional<std::string_view> refuse_empty = std::nullopt) const {
    if (!v.is_array()) fail(where, "expected an array of strings, got " + describe(v));
    if (v.empty() && refuse_empty) fail(where, "empty (" + std::string(*refuse_empty) + ")");
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) out.push_back(string(v[i], element(where, i)));
    return out;
  }

 private:
  const std::string& source_;
};

const ojson* member(const ojson& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Parses `text`, refusing duplicate keys (nlohmann would silently keep the last one).
ojson parse_strict(std::string_view text, const Reader& reader) {
  struct Frame {
    bool array = false;
    size_t elements = 0;  // arrays: elements started so far
    std::string key;      // objects: the key being read
    std::set<std::string> keys;
  };
  std::vector<Frame> stack;
  std::optional<std::pair<std::string, std::string>> duplicate;  // where, key
  auto path = [&] {
    std::string where;
    for (size_t i = 0; i + 1 < stack.size(); ++i)
      where = stack[i].array ? element(where, stack[i].elements - 1) : child(where, stack[i].key);
    return where;
  };
  auto start_element = [&] {
    if (!stack.empty() && stack.back().array) ++stack.back().elements;
  };
  using Event = ojson::parse_event_t;
  auto callback = [&](int, Event event, ojson& parsed) {
    switch (event) {
      case Event::object_start: start_element(); stack.emplace_back(); break;
      case Event::array_start: start_element(); stack.emplace_back().array = true; break;
      case Event::object_end:
      case Event::array_end: stack.pop_back(); break;
      case Event::value: start_element(); break;
      case Event::key: {
        Frame& frame = stack.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second && !duplicate) duplicate.emplace(path(), frame.key);
        break;
      }
    }
    return true;
  };
  ojson doc;
  try {
    doc = ojson::parse(text.begin(), text.end(), callback);
  } catch (const ojson::exception& e) {
    std::string what = e.what();
    if (auto close = what.find("] "); what.starts_with("[json.exception.") && close != std::string::npos)
      what.erase(0, close + 2);
    reader.fail("", "not valid JSON: " + what, "check the file with a JSON validator; comments and trailing commas are not JSON");
  }
  if (duplicate)
    reader.fail(duplicate->first, "duplicate key " + quote(duplicate->second),
                "a key may appear once in an object; remove one of them");
  return doc;
}

void check_tier_name(const Reader& reader, const std::string& where, const std::string& name) {
  const std::string allowed = "use A-Z, a-z, 0-9, '_', '.' and '-'";
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) reader.fail(where, quote(name) + " holds " + quote(std::string_view(&c, 1)) + ", which a tier name cannot", allowed);
  }
  if (name == "." || name == "..") reader.fail(where, quote(name) + " cannot name a tier (tier names become directory names)", allowed);
  if (name.size() > kMaxTierNameLength)
    reader.fail(where, "a name of " + std::to_string(name.size()) + " characters, more than " +
                           std::to_string(kMaxTierNameLength), "choose a shorter name");
}

TierConfig parse_tier(const Reader& reader, const ojson& value, const std::string& where) {
  const ojson& obj = reader.object(value, where);
  reader.check_keys(obj, where, {"name", "kind", "required", "timeout", "lanes", "labels", "command", "junit", "fail_on",
                                  "gitleaks"});
  TierConfig tier;
  const ojson* name = member(obj, "name");
  if (!name) reader.fail(child(where, "name"), "missing (every tier needs a name)");
  tier.name = reader.string(*name, child(where, "name"));
  check_tier_name(reader, child(where, "name"), tier.name);

  const std::string expected_kinds = "(expected " + one_of(kKinds) + ")";
  const ojson* kind = member(obj, "kind");
  if (!kind) reader.fail(child(where, "kind"), "missing " + expected_kinds);
  tier.kind = reader.string(*kind, child(where, "kind"));
  if (!is_tier_kind(tier.kind))
    reader.fail(child(where, "kind"), "unknown kind " + quote(tier.kind) + " " + expected_kinds, suggestion(tier.kind, kKinds));
  const std::string this_one = "; this one is " + quote(tier.kind);

  if (const ojson* v = member(obj, "required")) tier.required = reader.boolean(*v, child(where, "required"));
  if (const ojson* v = member(obj, "timeout"))
    tier.timeout = std::chrono::seconds(reader.integer(*v, child(where, "timeout"), 1, kMaxTierTimeout.count(), "seconds"));

  if (const ojson* v = member(obj, "lanes")) {
    const std::string lanes_where = child(where, "lanes");
    tier.lanes = reader.strings(*v, lanes_where, "list the lanes the tier runs in: " + one_of(kLanes));
    for (size_t i = 0; i < tier.lanes.size(); ++i) {
      const std::string& lane = tier.lanes[i];
      const std::string at = element(lanes_where, i);
      if (!contains(kLanes, lane))
        reader.fail(at, "unknown lane " + quote(lane) + " (expected " + one_of(kLanes) + ")", suggestion(lane, kLanes));
      if (lane == "docs" && kind_needs_build(tier.kind))
        reader.fail(at, "a " + quote(tier.kind) + " tier needs a build, and the docs lane builds nothing",
                    "only secrets and command tiers can run in the docs lane; list standard and/or heavy");
      if (std::find(tier.lanes.begin(), tier.lanes.begin() + static_cast<std::ptrdiff_t>(i), lane) !=
          tier.lanes.begin() + static_cast<std::ptrdiff_t>(i))
        reader.fail(at, quote(lane) + " is listed twice", "list each lane once");
    }
  } else {
    tier.lanes = default_lanes(tier.kind);
  }

  if (const ojson* v = member(obj, "labels")) {
    if (!kind_runs_tests(tier.kind))
      reader.fail(child(where, "labels"), "a " + quote(tier.kind) + " tier runs no tests, so it takes no labels",
                  "labels select the tests of ctest and sanitizers tiers; remove them here");
    tier.labels = reader.strings(*v, child(where, "labels"));
  }

  const ojson* command = member(obj, "command");
  if (tier.kind == "command") {
    const std::string why = "a 'command' tier needs the command to run, as an array: [\"scripts/lint.sh\", \"--strict\"]";
    if (!command) reader.fail(child(where, "command"), "missing (" + why + ")");
    tier.command = reader.strings(*command, child(where, "command"), why);
  } else if (command) {
    reader.fail(child(where, "command"), "only a 'command' tier runs a command" + this_one,
                "use \"kind\": \"command\" for a tier that runs your own command");
  }
  if (const ojson* v = member(obj, "junit")) {
    if (tier.kind != "command")
      reader.fail(child(where, "junit"), "only a 'command' tier reads a JUnit file" + this_one, "remove it here");
    tier.junit = reader.string(*v, child(where, "junit"));
  }
  if (const ojson* v = member(obj, "fail_on")) {
    const std::string at = child(where, "fail_on");
    if (tier.kind != "clang-tidy" && tier.kind != "cppcheck")
      reader.fail(at, "only a 'clang-tidy' or 'cppcheck' tier has a severity threshold" + this_one, "remove it here");
    const std::string threshold = reader.string(*v, at);
    tier.fail_on = fail_on_from_string(threshold);
    if (!tier.fail_on)
      reader.fail(at, "unknown threshold " + quote(threshold) + " (expected " + one_of(kFailOnNames) + ")",
                  suggestion(threshold, kFailOnNames));
  }
  if (const ojson* v = member(obj, "gitleaks")) {
    if (tier.kind != "secrets")
      reader.fail(child(where, "gitleaks"), "only a 'secrets' tier runs gitleaks" + this_one, "remove it here");
    tier.gitleaks = reader.string(*v, child(where, "gitleaks"));
    if (tier.gitleaks != "auto" && tier.gitleaks != "off" && !fs::path(tier.gitleaks).is_absolute())
      reader.fail(child(where, "gitleaks"), quote(tier.gitleaks) + " is not \"auto\", \"off\" or an absolute path",
                  "\"auto\" runs gitleaks when PATH has it; name any other gitleaks by its absolute path");
  }
  return tier;
}

ProtectRule parse_protect_rule(const Reader& reader, const ojson& value, const std::string& where) {
  const ojson& obj = reader.object(value, where);
  reader.check_keys(obj, where, {"level", "paths"});
  ProtectRule rule;
  const std::string expected_levels = "(expected " + one_of(kLevels) + ")";
  const ojson* level = member(obj, "level");
  if (!level) reader.fail(child(where, "level"), "missing " + expected_levels);
  rule.level = reader.string(*level, child(where, "level"));
  if (!contains(kLevels, rule.level))
    reader.fail(child(where, "level"), "unknown level " + quote(rule.level) + " " + expected_levels,
                suggestion(rule.level, kLevels));
  const std::string what_for = "list the path patterns the level applies to";
  const ojson* paths = member(obj, "paths");
  if (!paths) reader.fail(child(where, "paths"), "missing (" + what_for + ")");
  rule.paths = reader.strings(*paths, child(where, "paths"), what_for);
  return rule;
}

std::string read_config_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_errno("cannot open the configuration", path.string(), errno);
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw_errno("cannot read the configuration", path.string(), errno);
  if (static_cast<uint64_t>(size) > kMaxConfigBytes)
    throw Error(ErrorKind::usage,
                path.string() + ": " + std::to_string(size) + " bytes, more than the " + std::to_string(kMaxConfigBytes) +
                    " a configuration file may have",
                "is this the right file? A configuration is a few kilobytes");
  std::string text(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  if (in.gcount() != size) throw_errno("cannot read the configuration", path.string(), errno);
  return text;
}

// Whether something is at `path` (a dangling link counts); refuses anything but a (link to a) regular file.
bool config_file_at(const fs::path& path) {
  std::error_code ec;
  fs::file_status link = fs::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    throw Error(ErrorKind::io, path.string() + ": cannot look at it: " + ec.message());
  if (!fs::exists(link)) return false;
  if (!fs::is_regular_file(fs::status(path, ec)))
    throw Error(ErrorKind::usage, path.string() + ": not a regular file",
                "the configuration must be a JSON file; remove or rename what is there");
  return true;
}

GateConfig load_file(const fs::path& path, const fs::path& repo_root) {
  GateConfig config = parse_config(read_config_file(path), path.string());
  if (config.tiers.empty()) config.tiers = default_tiers(repo_root);
  return config;
}

}  // namespace

std::vector<std::string> default_test_paths() {
  return {"test/**", "tests/**", "**/test/**", "**/tests/**", "**/*_test.*", "**/*_tests.*",
          "**/test_*.*", "**/*Test.*", "**/*Tests.*"};
}

bool is_tier_kind(std::string_view kind) { return contains(kKinds, kind); }
bool kind_runs_tests(std::string_view kind) { return kind == "ctest" || kind == "sanitizers"; }
bool kind_needs_build(std::string_view kind) { return is_tier_kind(kind) && kind != "secrets" && kind != "command"; }

std::vector<std::string> default_lanes(std::string_view kind) {
  if (kind == "secrets") return {"docs", "standard", "heavy"};
  if (is_tier_kind(kind)) return {"standard", "heavy"};
  return {};
}

std::vector<TierConfig> default_tiers(const fs::path& repo_root) {
  std::vector<TierConfig> tiers;
  auto add = [&](std::string name, std::string kind) {
    TierConfig& tier = tiers.emplace_back();
    tier.name = std::move(name);
    tier.lanes = default_lanes(kind);
    tier.kind = std::move(kind);
  };
  add("tests", "ctest");
  add("secrets", "secrets");
  std::error_code ec;
  if (fs::is_regular_file(repo_root / ".clang-tidy", ec)) add("static", "clang-tidy");
  else if (runners::find_program("cppcheck")) add("static", "cppcheck");
  return tiers;
}

GateConfig parse_config(std::string_view text, const std::string& source) {
  const Reader reader(source);
  const ojson doc = parse_strict(text, reader);
  if (!doc.is_object()) reader.fail("", "expected a JSON object, got " + describe(doc));

  const ojson* version = member(doc, "version");
  if (!version) reader.fail("version", "missing (this gate reads version 1)", "add \"version\": 1");
  if (!version->is_number_integer()) reader.fail("version", "expected the integer 1, got " + describe(*version));
  if (*version != 1)
    reader.fail("version", "unsupported version " + version->dump() + " (this gate reads version 1)",
                "upgrade the gate, or write the configuration in version 1 (docs/configuration.md)");
  reader.check_keys(doc, "", {"version", "source_dir", "build_dir", "report_dir", "base", "flaky_reruns",
                              "test_timeout", "allow_test_edits", "test_paths", "secrets_allowlist", "tiers",
                              "protect", "protect_defaults"});

  GateConfig config;
  config.source = source;
  config.test_paths = default_test_paths();
  for (const auto& [key, value] : doc.items()) {
    if (key == "source_dir") {
      config.source_dir = reader.string(value, key);
      if (*config.source_dir != "." && !is_safe_relative_path(*config.source_dir))
        reader.fail(key, quote(*config.source_dir) + " is not a directory inside the repository",
                    "give the directory that holds the top-level CMakeLists.txt relative to the repository root, "
                    "with '/' between directories (\".\" is the root itself)");
    } else if (key == "build_dir") {
      config.build_dir = reader.string(value, key);
    } else if (key == "report_dir") {
      config.report_dir = reader.string(value, key);
    } else if (key == "base") {
      config.base = reader.string(value, key);
    } else if (key == "flaky_reruns") {
      config.flaky_reruns = static_cast<int>(reader.integer(value, key, 0, kMaxFlakyReruns));
    } else if (key == "test_timeout") {
      config.test_timeout = std::chrono::seconds(reader.integer(value, key, 1, kMaxTestTimeout.count(), "seconds"));
    } else if (key == "allow_test_edits") {
      config.allow_test_edits = reader.boolean(value, key);
    } else if (key == "test_paths") {
      config.test_paths = reader.strings(value, key);
    } else if (key == "secrets_allowlist") {
      config.secrets_allowlist = reader.string(value, key);
      if (!is_safe_relative_path(config.secrets_allowlist))
        reader.fail(key, quote(config.secrets_allowlist) + " is not a path inside the repository",
                    "give it relative to the repository root, with '/' between directories");
    } else if (key == "tiers") {
      if (!value.is_array()) reader.fail(key, "expected an array of tiers, got " + describe(value));
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string where = element(key, i);
        TierConfig tier = parse_tier(reader, value[i], where);
        for (size_t j = 0; j < config.tiers.size(); ++j) {
          const std::string& other = config.tiers[j].name;
          const std::string other_where = element(key, j);
          if (other == tier.name)
            reader.fail(child(where, "name"), quote(tier.name) + " is already the name of " + other_where,
                        "tier names must be unique");
          bool same_folded = std::ranges::equal(other, tier.name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          });
          if (same_folded)
            reader.fail(child(where, "name"),
                        quote(tier.name) + " differs from the name of " + other_where + " (" + quote(other) +
                            ") only in letter case",
                        "tier names become directory names; make them differ in more than letter case");
        }
        config.tiers.push_back(std::move(tier));
      }
    } else if (key == "protect") {
      if (!value.is_array()) reader.fail(key, "expected an array of rules, got " + describe(value));
      for (size_t i = 0; i < value.size(); ++i) config.protect.push_back(parse_protect_rule(reader, value[i], element(key, i)));
    } else if (key == "protect_defaults") {
      config.protect_defaults = reader.boolean(value, key);
    }
  }
  return config;
}

GateConfig default_config(const fs::path& repo_root) {
  GateConfig config;
  config.test_paths = default_test_paths();
  config.tiers = default_tiers(repo_root);
  config.source = "defaults";
  return config;
}

GateConfig load_config(const std::optional<fs::path>& explicit_file, const fs::path& repo_root,
                       const fs::path& build_dir) {
  if (explicit_file) {
    if (!config_file_at(*explicit_file))
      throw Error(ErrorKind::usage, explicit_file->string() + ": no such configuration file",
                  "check the --config argument (a relative path is taken from the current directory)");
    return load_file(*explicit_file, repo_root);
  }
  if (fs::path in_repo = repo_root / kConfigFileName; config_file_at(in_repo)) return load_file(in_repo, repo_root);
  if (!build_dir.empty())
    if (fs::path in_build = build_dir / kConfigFileName; config_file_at(in_build)) return load_file(in_build, repo_root);
  return default_config(repo_root);
}

nlohmann::json to_json(const GateConfig& config) {
  nlohmann::json doc = {{"version", 1}};
  if (config.source_dir) doc["source_dir"] = *config.source_dir;
  if (config.build_dir) doc["build_dir"] = *config.build_dir;
  if (config.report_dir) doc["report_dir"] = *config.report_dir;
  if (config.base) doc["base"] = *config.base;
  doc["flaky_reruns"] = config.flaky_reruns;
  doc["test_timeout"] = config.test_timeout.count();
  doc["allow_test_edits"] = config.allow_test_edits;
  doc["test_paths"] = config.test_paths;
  doc["secrets_allowlist"] = config.secrets_allowlist;
  doc["tiers"] = nlohmann::json::array();
  for (const TierConfig& tier : config.tiers) {
    nlohmann::json t = {{"name", tier.name},
                        {"kind", tier.kind},
                        {"required", tier.required},
                        {"timeout", tier.timeout.count()},
                        {"lanes", tier.lanes}};
    if (kind_runs_tests(tier.kind)) t["labels"] = tier.labels;
    if (tier.kind == "command") {
      t["command"] = tier.command;
      if (tier.junit) t["junit"] = *tier.junit;
    }
    if (tier.fail_on) t["fail_on"] = to_string(*tier.fail_on);
    if (tier.kind == "secrets") t["gitleaks"] = tier.gitleaks;
    doc["tiers"].push_back(std::move(t));
  }
  doc["protect"] = nlohmann::json::array();
  for (const ProtectRule& rule : config.protect) doc["protect"].push_back({{"level", rule.level}, {"paths", rule.paths}});
  doc["protect_defaults"] = config.protect_defaults;
  return doc;
}

}  // namespace autofix
