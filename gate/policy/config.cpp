// SPDX-License-Identifier: MIT
#include "gate/policy/config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>

#include "gate/util/error.h"
#include "gate/util/json_reader.h"
#include "gate/util/paths.h"
#include "gate/util/io_errors.h"
#include "runners/program_lookup.h"

namespace autofix {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDocHint = "docs/configuration.md describes every key and value";

// The kinds whose row has `fact` (or has it not, with `negated`), for messages: "'clang-tidy' or
// 'cppcheck'", "secrets and command".
std::string kinds_with(bool TierKindRow::*fact, std::string_view last_separator, bool quoted, bool negated = false) {
  std::vector<std::string> names;
  for (const TierKindRow& row : kTierKindRows)
    if (row.*fact != negated) names.push_back(quoted ? "'" + std::string(row.name) + "'" : std::string(row.name));
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " " + std::string(last_separator) + " " : ", ") + names[i];
  return out;
}

// Tier and state hook names become directory names.
void check_directory_name(const JsonValue& at, const std::string& name, std::string_view what) {
  const std::string allowed = "use A-Z, a-z, 0-9, '_', '.' and '-'";
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (ok) continue;
    // A byte of a multi-byte character is shown by its value: alone it is no character.
    static constexpr char kHex[] = "0123456789abcdef";
    const unsigned char byte = static_cast<unsigned char>(c);
    const std::string shown =
        byte < 0x80 ? quoted_text(std::string_view(&c, 1)) : std::string("'\\x") + kHex[byte >> 4] + kHex[byte & 0xf] + "'";
    at.fail(quoted_text(name) + " holds " + shown + ", which a " + std::string(what) + " name cannot", allowed);
  }
  if (name == "." || name == "..")
    at.fail(quoted_text(name) + " cannot name a " + std::string(what) + " (" + std::string(what) +
                " names become directory names)",
            allowed);
  if (name.size() > kMaxTierNameLength)
    at.fail("a name of " + std::to_string(name.size()) + " characters, more than " + std::to_string(kMaxTierNameLength),
            "choose a shorter name");
}

TierConfig parse_tier(const JsonValue& value) {
  value.object().allow_only({"name", "kind", "required", "timeout", "lanes", "labels", "command", "junit", "fail_on",
                             "gitleaks"});
  TierConfig tier;
  const JsonValue name = value.at("name", "every tier needs a name");
  tier.name = name.text();
  check_directory_name(name, tier.name, "tier");

  tier.kind = value.one_of("kind", kTierKinds, "kind");
  const TierKindRow& kind = row_of(tier.kind);
  const std::string this_one = "; this one is " + quoted_text(kind.name);

  if (auto v = value.find("required")) tier.required = v->boolean();
  if (auto v = value.find("timeout")) tier.timeout = std::chrono::seconds(v->integer(1, kMaxTierTimeout.count(), "seconds"));

  if (auto v = value.find("lanes")) {
    v->texts("list the lanes the tier runs in: " + kLanes.alternatives());
    std::vector<JsonValue> items = v->array("strings");
    for (size_t i = 0; i < items.size(); ++i) {
      const Lane lane = items[i].one_of(kLanes, "lane");
      tier.lanes.push_back(lane);
      if (lane == Lane::docs && kind.needs_build)
        items[i].fail("a " + quoted_text(kind.name) + " tier needs a build, and the docs lane builds nothing",
                      "only " + kinds_with(&TierKindRow::needs_build, "and", false, true) +
                          " tiers can run in the docs lane; list standard and/or heavy");
      if (std::find(tier.lanes.begin(), tier.lanes.begin() + static_cast<std::ptrdiff_t>(i), lane) !=
          tier.lanes.begin() + static_cast<std::ptrdiff_t>(i))
        items[i].fail(quoted_text(to_string(lane)) + " is listed twice", "list each lane once");
    }
  } else {
    tier.lanes = default_lanes(tier.kind);
  }

  if (auto v = value.find("labels")) {
    if (!kind.runs_tests)
      v->fail("a " + quoted_text(kind.name) + " tier runs no tests, so it takes no labels",
              "labels select the tests of " + kinds_with(&TierKindRow::runs_tests, "and", false) + " tiers; remove them here");
    tier.labels = v->texts();
  }

  if (tier.kind == TierKind::command) {
    const std::string why = "a 'command' tier needs the command to run, as an array: [\"scripts/lint.sh\", \"--strict\"]";
    tier.command = value.at("command", why).texts(why);
  } else if (auto v = value.find("command")) {
    v->fail("only a 'command' tier runs a command" + this_one, "use \"kind\": \"command\" for a tier that runs your own command");
  }
  if (auto v = value.find("junit")) {
    if (tier.kind != TierKind::command) v->fail("only a 'command' tier reads a JUnit file" + this_one, "remove it here");
    tier.junit = v->text();
  }
  if (auto v = value.find("fail_on")) {
    if (!kind.has_threshold)
      v->fail("only a " + kinds_with(&TierKindRow::has_threshold, "or", true) + " tier has a severity threshold" + this_one,
              "remove it here");
    tier.fail_on = v->one_of(kFailOnTable, "threshold");
  }
  if (auto v = value.find("gitleaks")) {
    if (tier.kind != TierKind::secrets) v->fail("only a 'secrets' tier runs gitleaks" + this_one, "remove it here");
    tier.gitleaks = v->text();
    if (tier.gitleaks != "auto" && tier.gitleaks != "off" && !fs::path(tier.gitleaks).is_absolute())
      v->fail(quoted_text(tier.gitleaks) + " is not \"auto\", \"off\" or an absolute path",
              "\"auto\" runs gitleaks when PATH has it; name any other gitleaks by its absolute path");
  }
  return tier;
}

// One entry of "state": a command hook {name, save, restore, check?, timeout?} or a built-in kind
// {name, kind: "file", paths}, {name, kind: "sqlite", path, timeout?}, {name, kind: "postgres", url, check?, timeout?}.
StateHookSpec parse_state_hook(const JsonValue& value) {
  value.object();
  StateHookSpec hook;
  if (auto v = value.find("kind")) hook.kind = v->one_of(kStateHookKinds, "state kind");
  if (hook.kind == StateHookKind::file) value.allow_only({"name", "kind", "paths"});
  else if (hook.kind == StateHookKind::sqlite) value.allow_only({"name", "kind", "path", "timeout"});
  else if (hook.kind == StateHookKind::postgres) value.allow_only({"name", "kind", "url", "check", "timeout"});
  else value.allow_only({"name", "kind", "save", "restore", "check", "timeout"});
  const JsonValue name = value.at("name", "every state hook needs a name");
  hook.name = name.text();
  check_directory_name(name, hook.name, "state hook");
  if (hook.name.front() == '.')
    name.fail(quoted_text(hook.name) + " starts with '.', which a state hook name cannot", "start it with a letter or digit");
  if (hook.kind == StateHookKind::file) {
    const std::string why = "list the files to save, relative to the repository root: [\"data/app.sqlite\"]";
    const JsonValue paths = value.at("paths", why);
    hook.paths = paths.texts(why);
    std::vector<JsonValue> items = paths.array("paths");
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string& p = hook.paths[i];
      if (!is_safe_relative_path(p))
        items[i].fail(quoted_text(p) + " is not a path inside the repository (absolute, '..', '.git' or empty parts)",
                      "give each file relative to the repository root, with '/' between directories");
      if (std::find(hook.paths.begin(), hook.paths.begin() + static_cast<std::ptrdiff_t>(i), p) !=
          hook.paths.begin() + static_cast<std::ptrdiff_t>(i))
        items[i].fail(quoted_text(p) + " is listed twice", "list each file once");
    }
    return hook;
  }
  if (auto v = value.find("timeout"))
    hook.timeout = std::chrono::seconds(v->integer(1, kMaxStateHookTimeout.count(), "seconds"));
  if (hook.kind == StateHookKind::sqlite) {
    const JsonValue path = value.at("path", "the database file, relative to the repository root: \"data/app.sqlite\"");
    hook.path = path.text();
    if (!is_safe_relative_path(hook.path))
      path.fail(quoted_text(hook.path) + " is not a path inside the repository (absolute, '..', '.git' or empty parts)",
                "give the database relative to the repository root, with '/' between directories");
    return hook;
  }
  auto command = [&](const char* key, bool required) {
    const std::string why = std::string("the '") + key + "' command as an array: [\"scripts/db-" + key + ".sh\", \"{dir}\"]";
    if (!required && !value.find(key)) return std::vector<std::string>{};
    return value.at(key, why).texts(why);
  };
  if (hook.kind == StateHookKind::postgres) {
    const JsonValue url = value.at("url", "the database as a libpq URL: \"postgresql://user@localhost:5432/app\"");
    hook.url = url.text();
    if (!parse_postgres_url(hook.url))
      url.fail(quoted_text(redacted_url(hook.url)) + " is not a postgresql:// URL that names a database",
               "write it as postgresql://[user[:password]@][host][:port]/database[?parameters]");
    hook.check = command("check", false);
    return hook;
  }
  hook.save = command("save", true);
  hook.restore = command("restore", true);
  hook.check = command("check", false);
  return hook;
}

ProtectRule parse_protect_rule(const JsonValue& value) {
  value.object().allow_only({"level", "paths"});
  ProtectRule rule;
  rule.level = value.one_of("level", kRiskLevels, "level");
  const std::string what_for = "list the path patterns the level applies to";
  rule.paths = value.at("paths", what_for).texts(what_for);
  return rule;
}

// "retention": false (keep everything), true (the defaults), or an object of limits.
RetentionConfig parse_retention(const JsonValue& value) {
  RetentionConfig r;
  if (value.json().is_boolean()) {
    r.enabled = value.boolean();
    return r;
  }
  value.object().allow_only({"snapshots", "snapshot_days", "snapshots_at_most", "baselines"});
  for (const auto& [key, item] : value.members()) {
    if (key == "snapshots") r.snapshots = static_cast<std::size_t>(item.integer(1, kMaxRetentionCount));
    else if (key == "snapshot_days") r.snapshot_days = static_cast<int>(item.integer(0, kMaxRetentionDays, "days"));
    else if (key == "snapshots_at_most") r.snapshots_at_most = static_cast<std::size_t>(item.integer(1, kMaxRetentionCount));
    else if (key == "baselines") r.baselines = static_cast<std::size_t>(item.integer(1, kMaxRetentionCount));
  }
  return r;
}

// "breaker": {"threshold": 1.., "reset_after": seconds, "enabled": bool}; keys left out keep their defaults.
BreakerConfig parse_breaker(const JsonValue& value) {
  value.object().allow_only({"threshold", "reset_after", "enabled"});
  BreakerConfig b;
  for (const auto& [key, item] : value.members()) {
    if (key == "threshold") b.threshold = static_cast<unsigned>(item.integer(1, kMaxBreakerThreshold, "consecutive rejections"));
    else if (key == "reset_after") b.reset_after = std::chrono::seconds(item.integer(1, kMaxBreakerResetAfter.count(), "seconds"));
    else if (key == "enabled") b.enabled = item.boolean();
  }
  return b;
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

std::vector<Lane> default_lanes(TierKind kind) {
  if (row_of(kind).in_docs_lane) return {Lane::docs, Lane::standard, Lane::heavy};
  return {Lane::standard, Lane::heavy};
}

std::vector<TierConfig> default_tiers(const fs::path& repo_root) {
  std::vector<TierConfig> tiers;
  auto add = [&](std::string name, TierKind kind) {
    TierConfig& tier = tiers.emplace_back();
    tier.name = std::move(name);
    tier.lanes = default_lanes(kind);
    tier.kind = kind;
  };
  add("tests", TierKind::ctest);
  add("secrets", TierKind::secrets);
  std::error_code ec;
  if (fs::is_regular_file(repo_root / ".clang-tidy", ec)) add("static", TierKind::clang_tidy);
  else if (runners::find_program("cppcheck")) add("static", TierKind::cppcheck);
  return tiers;
}

GateConfig parse_config(std::string_view text, const std::string& source) {
  const JsonSource reader{source, ErrorKind::usage, std::string(kDocHint)};
  const JsonDocument doc =
      parse_json_strictly(text, reader, "check the file with a JSON validator; comments and trailing commas are not JSON");
  const JsonValue root(doc, reader);
  if (!doc.is_object()) root.fail("expected a JSON object, got " + describe_json(doc));

  const JsonValue version = root.at("version", "this gate reads version 1");
  if (!version.json().is_number_integer()) version.fail("expected the integer 1, got " + describe_json(version.json()));
  if (version.json() != 1)
    version.fail("unsupported version " + version.json().dump() + " (this gate reads version 1)",
                 "upgrade the gate, or write the configuration in version 1 (docs/configuration.md)");
  root.allow_only({"version", "source_dir", "build_dir", "report_dir", "base", "flaky_reruns", "jobs", "test_timeout",
                   "allow_test_edits", "test_paths", "secrets_allowlist", "tiers", "protect", "protect_defaults",
                   "retention", "breaker", "state"});

  GateConfig config;
  config.source = source;
  config.test_paths = default_test_paths();
  for (const auto& [key, value] : root.members()) {
    if (key == "source_dir") {
      config.source_dir = value.text();
      if (*config.source_dir != "." && !is_safe_relative_path(*config.source_dir))
        value.fail(quoted_text(*config.source_dir) + " is not a directory inside the repository",
                   "give the directory that holds the top-level CMakeLists.txt relative to the repository root, "
                   "with '/' between directories (\".\" is the root itself)");
    } else if (key == "build_dir") {
      config.build_dir = value.text();
    } else if (key == "report_dir") {
      config.report_dir = value.text();
    } else if (key == "base") {
      config.base = value.text();
    } else if (key == "flaky_reruns") {
      config.flaky_reruns = static_cast<int>(value.integer(0, kMaxFlakyReruns));
    } else if (key == "jobs") {
      config.jobs = static_cast<unsigned>(value.integer(1, kMaxJobs));
    } else if (key == "test_timeout") {
      config.test_timeout = std::chrono::seconds(value.integer(1, kMaxTestTimeout.count(), "seconds"));
    } else if (key == "allow_test_edits") {
      config.allow_test_edits = value.boolean();
    } else if (key == "test_paths") {
      config.test_paths = value.texts();
    } else if (key == "secrets_allowlist") {
      config.secrets_allowlist = value.text();
      if (!is_safe_relative_path(config.secrets_allowlist))
        value.fail(quoted_text(config.secrets_allowlist) + " is not a path inside the repository",
                   "give it relative to the repository root, with '/' between directories");
    } else if (key == "tiers") {
      for (const JsonValue& item : value.array("tiers")) {
        TierConfig tier = parse_tier(item);
        for (size_t j = 0; j < config.tiers.size(); ++j) {
          const std::string& other = config.tiers[j].name;
          const std::string other_where = key + "[" + std::to_string(j) + "]";
          const JsonValue name = item.at("name", "");
          if (other == tier.name)
            name.fail(quoted_text(tier.name) + " is already the name of " + other_where, "tier names must be unique");
          bool same_folded = std::ranges::equal(other, tier.name, [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          });
          if (same_folded)
            name.fail(quoted_text(tier.name) + " differs from the name of " + other_where + " (" + quoted_text(other) +
                          ") only in letter case",
                      "tier names become directory names; make them differ in more than letter case");
        }
        config.tiers.push_back(std::move(tier));
      }
    } else if (key == "protect") {
      for (const JsonValue& item : value.array("rules")) config.protect.push_back(parse_protect_rule(item));
    } else if (key == "protect_defaults") {
      config.protect_defaults = value.boolean();
    } else if (key == "retention") {
      config.retention = parse_retention(value);
    } else if (key == "breaker") {
      config.breaker = parse_breaker(value);
    } else if (key == "state") {
      for (const JsonValue& item : value.array("state hooks")) {
        StateHookSpec hook = parse_state_hook(item);
        for (size_t j = 0; j < config.state.size(); ++j)
          if (config.state[j].name == hook.name)
            item.at("name", "").fail(quoted_text(hook.name) + " is already the name of state[" + std::to_string(j) + "]",
                                     "state hook names must be unique");
        config.state.push_back(std::move(hook));
      }
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
  if (config.jobs) doc["jobs"] = *config.jobs;
  doc["test_timeout"] = config.test_timeout.count();
  doc["allow_test_edits"] = config.allow_test_edits;
  doc["test_paths"] = config.test_paths;
  doc["secrets_allowlist"] = config.secrets_allowlist;
  doc["tiers"] = nlohmann::json::array();
  for (const TierConfig& tier : config.tiers) {
    nlohmann::json t = {{"name", tier.name},
                        {"kind", to_string(tier.kind)},
                        {"required", tier.required},
                        {"timeout", tier.timeout.count()},
                        {"lanes", tier.lanes}};
    if (row_of(tier.kind).runs_tests) t["labels"] = tier.labels;
    if (tier.kind == TierKind::command) {
      t["command"] = tier.command;
      if (tier.junit) t["junit"] = *tier.junit;
    }
    if (tier.fail_on) t["fail_on"] = to_string(*tier.fail_on);
    if (tier.kind == TierKind::secrets) t["gitleaks"] = tier.gitleaks;
    doc["tiers"].push_back(std::move(t));
  }
  doc["protect"] = nlohmann::json::array();
  for (const ProtectRule& rule : config.protect) doc["protect"].push_back({{"level", rule.level}, {"paths", rule.paths}});
  doc["protect_defaults"] = config.protect_defaults;
  const RetentionConfig& r = config.retention;
  if (r.enabled)
    doc["retention"] = {{"snapshots", r.snapshots}, {"snapshot_days", r.snapshot_days},
                        {"snapshots_at_most", r.snapshots_at_most}, {"baselines", r.baselines}};
  else
    doc["retention"] = false;
  doc["breaker"] = {{"threshold", config.breaker.threshold},
                    {"reset_after", config.breaker.reset_after.count()},
                    {"enabled", config.breaker.enabled}};
  if (!config.state.empty()) {
    doc["state"] = nlohmann::json::array();
    for (const StateHookSpec& hook : config.state) {
      nlohmann::json h = {{"name", hook.name}, {"kind", to_string(hook.kind)}};
      if (hook.kind == StateHookKind::file) {
        h["paths"] = hook.paths;
      } else if (hook.kind == StateHookKind::sqlite) {
        h["path"] = hook.path;
        h["timeout"] = hook.timeout.count();
      } else if (hook.kind == StateHookKind::postgres) {
        h["url"] = hook.url;
        if (!hook.check.empty()) h["check"] = hook.check;
        h["timeout"] = hook.timeout.count();
      } else {
        h["save"] = hook.save;
        h["restore"] = hook.restore;
        if (!hook.check.empty()) h["check"] = hook.check;
        h["timeout"] = hook.timeout.count();
      }
      doc["state"].push_back(std::move(h));
    }
  }
  return doc;
}

}  // namespace autofix
